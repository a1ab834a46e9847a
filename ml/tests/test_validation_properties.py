"""Property tests of the validators every input goes through.

Whatever arrives (text, numbers, NaN, infinities, huge integers, unicode, None,
lists, dicts, booleans), a validator either returns an in-range record with
canonical categories, or raises its documented error (FieldError, RecordError,
DRF's ValidationError) with a message that names what is allowed. Any other
exception fails the test.
"""

import math

from django.conf import settings
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from ml import features as vocab
from ml import validation
from ml.features import FEATURE_OF_FIELD as FEATURE_OF
from ml.features import FIELDS, PatientRecord
from ml.validation import FieldError, RecordError, clean_value, record_from_mapping
from predictions.serializers import validate_patients

#: More digits than Python will turn into text (sys.get_int_max_str_digits()).
HUGE = 10**5000
FIELD_LIST = ", ".join(FIELDS)

numeric_text = st.one_of(
    st.from_regex(validation.PLAIN_NUMBER, fullmatch=True),
    st.floats().map(str),
    st.integers().map(str),
)
category_text = st.sampled_from(
    [value for values in vocab.CATEGORIES.values() for value in values]
).flatmap(
    lambda value: st.tuples(
        *(st.sampled_from([c.lower(), c.upper()]) for c in value)
    ).map("".join)
)
padded = st.tuples(
    st.sampled_from(["", " ", "\t", " \n"]),
    numeric_text | category_text,
    st.sampled_from(["", " ", "\u00a0"]),
).map("".join)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(4300, 5000).map(lambda digits: -(10**digits)),
    st.floats(),
    st.decimals(),
    st.text(),
    numeric_text,
    padded,
)
anything = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=6,
)


def valid_value(feature: str) -> st.SearchStrategy:
    if feature in vocab.CATEGORIES:
        return st.sampled_from(vocab.CATEGORIES[feature])
    low, high = vocab.RANGES[feature]
    if feature in vocab.INTEGER:
        return st.integers(low, high)
    return st.floats(low, high)


def mappings(keys: dict[str, str]) -> st.SearchStrategy:
    """Dicts with some of the given keys (feature -> key), valid or anything."""
    return st.fixed_dictionaries(
        {},
        optional={key: valid_value(f) | anything for f, key in keys.items()},
    )


def assert_in_range(feature: str, value) -> None:
    if feature in vocab.CATEGORIES:
        assert value in vocab.CATEGORIES[feature]
        return
    low, high = vocab.RANGES[feature]
    assert type(value) is (int if feature in vocab.INTEGER else float)
    assert math.isfinite(value)
    assert low <= value <= high


def assert_record_in_range(record) -> None:
    assert isinstance(record, PatientRecord)
    for feature, value in record.as_dict().items():
        assert_in_range(feature, value)


def attempt(documented: type[Exception], func, *args):
    """(result, None), or (None, error) if func raised the documented error type."""
    try:
        return func(*args), None
    except documented as exc:
        return None, exc


def assert_names_what_is_allowed(feature: str, message: str) -> None:
    assert message.startswith(feature)
    assert vocab.allowed_text(feature) in message


@given(name=st.sampled_from(vocab.FEATURES), value=anything)
@example(name="Age", value=HUGE)
@example(name="Na_to_K", value=-HUGE)
@example(name="Na_to_K", value=float("nan"))
@example(name="Age", value=float("inf"))
@example(name="Age", value=True)
@hypothesis_settings(max_examples=400)
def test_clean_value_returns_an_in_range_value_or_names_the_allowed_values(name, value):
    cleaned, error = attempt(FieldError, clean_value, name, value)

    if error:
        assert_names_what_is_allowed(name, str(error))
    else:
        assert_in_range(name, cleaned)


@given(name=st.sampled_from(vocab.CATEGORICAL), data=st.data())
def test_any_case_and_padding_of_a_category_value_is_made_canonical(name, data):
    value = data.draw(st.sampled_from(vocab.CATEGORIES[name]))
    typed = data.draw(st.sampled_from([value.lower(), value.title(), f"  {value} "]))

    assert clean_value(name, typed) == value


@given(name=st.sampled_from(vocab.NUMERIC), data=st.data())
def test_in_range_numbers_are_accepted_as_numbers_or_as_text(name, data):
    value = data.draw(valid_value(name))

    assert clean_value(name, value) == value
    assert clean_value(name, f" {value!r} ") == value


@given(values=mappings({feature: feature for feature in vocab.FEATURES}))
@example(values={"Age": HUGE})
@hypothesis_settings(max_examples=400)
def test_record_from_mapping_builds_a_record_or_names_each_bad_field(values):
    record, error = attempt(RecordError, record_from_mapping, values)

    if error:
        for name, message in error.errors.items():
            assert_names_what_is_allowed(name, message)
            assert message in str(error)
    else:
        assert_record_in_range(record)
    assert set(error.errors if error else ()) == {
        name for name in vocab.FEATURES if refused(name, values.get(name))
    }


def refused(name: str, raw) -> bool:
    """Whether one value alone is refused: missing, blank or invalid."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return True
    return attempt(FieldError, clean_value, name, raw)[1] is not None


patient = mappings({feature: key for key, feature in FEATURE_OF.items()})


@given(data=anything | patient | st.lists(patient | anything, max_size=4))
@example(data=None)
@example(data={"age": HUGE})
@example(data=[])
@hypothesis_settings(max_examples=400)
def test_validate_patients_gives_in_range_records_or_errors_naming_the_allowed_values(
    data,
):
    answer, error = attempt(ValidationError, validate_patients, data)

    if error:
        assert_messages_name_what_is_allowed(error.detail)
    else:
        records, many = answer
        assert many == isinstance(data, list)
        assert len(records) == (len(data) if many else 1)
        for record in records:
            assert_record_in_range(record)


def assert_messages_name_what_is_allowed(detail: dict) -> None:
    """Field errors name the allowed values; the others name the fields or limit."""
    assert isinstance(detail, dict)
    assert detail
    for key, value in detail.items():
        if isinstance(value, dict):  # a batch item, keyed by its index
            assert key.isdigit()
            assert_messages_name_what_is_allowed(value)
            continue
        for message in value:
            if key in FEATURE_OF:
                assert_names_what_is_allowed(FEATURE_OF[key], message)
            elif key == "non_field_errors":
                assert FIELD_LIST in message or (
                    f"A batch holds 1 to {settings.DRUGSITE_MAX_BATCH} records"
                    in message
                )
            else:
                assert f"Unknown field {key!r}: the fields are {FIELD_LIST}." == (
                    message
                )
