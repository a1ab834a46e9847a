"""train_model --with-outcomes: the recorded outcomes of served predictions added
to the training data, compared with the active model, registered inactive."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ml import features as vocab
from ml.comparison import format_comparison
from ml.models import ModelVersion
from ml.predictor import get_predictor
from ml.retraining import model_version_retrain, unseen_by
from predictions.models import Arm
from predictions.tests.log_rows import log_rows, outcome_of, training_records
from predictions.training_data import outcome_rows

pytestmark = pytest.mark.django_db
OTHER = {"DrugY": "drugC", "drugA": "drugB", "drugB": "drugA", "drugC": "drugX"}


@pytest.fixture
def outcomes(active_model) -> list:
    """Twelve recorded outcomes of served rows (active, candidate, from before
    arms), each a drug the model did not answer; and rows that must not count."""
    start = timezone.now() - timedelta(hours=1)
    records = training_records()[:12]
    predict = get_predictor().predict
    arms = [Arm.ACTIVE] * 8 + [Arm.CANDIDATE] * 2 + [None] * 2
    made = []
    for i, (record, arm) in enumerate(zip(records, arms, strict=True)):
        (row,) = log_rows(active_model, [record], arm=arm)
        drug = OTHER.get(predict([record])[0].drug, "DrugY")
        made.append(outcome_of(row, drug, when=start + timedelta(minutes=i)))
    (shadow,) = log_rows(active_model, records[:1], arm=Arm.SHADOW)
    outcome_of(shadow, "drugA", when=start)
    log_rows(active_model, records[:3])  # served, no outcome recorded
    return made


def record_of(outcome) -> vocab.PatientRecord:
    """The inputs of the prediction an outcome was recorded for."""
    row = outcome.prediction
    return vocab.PatientRecord(*(getattr(row, name) for name in vocab.FIELDS))


def train(*args) -> str:
    out = io.StringIO()
    call_command("train_model", "--with-outcomes", *args, stdout=out)
    return out.getvalue()


def test_outcome_rows_are_each_served_outcome_once_oldest_first(outcomes):
    rows = outcome_rows()
    assert rows.rows == 12
    assert list(rows.records) == [record_of(o) for o in outcomes]
    assert list(rows.labels) == [o.drug for o in outcomes]
    assert rows.until == outcomes[-1].recorded_at


def test_retraining_adds_exactly_the_outcomes_and_registers_inactive(
    outcomes, active_model
):
    before = set(ModelVersion.objects.values_list("version", flat=True))
    text = train()
    (new,) = ModelVersion.objects.exclude(version__in=before)
    assert not new.is_active
    assert ModelVersion.objects.active() == active_model
    csv_rows = len(training_records())
    manifest = new.manifest
    expected_text = "".join(
        ",".join(str(v) for v in (*record_of(o).as_row(), o.drug)) + "\n"
        for o in outcomes
    )
    assert manifest["outcomes"] == {
        "rows": 12,
        "until": outcomes[-1].recorded_at.isoformat(),
        "sha256": hashlib.sha256(expected_text.encode()).hexdigest(),
    }
    assert manifest["data"]["rows"] == csv_rows + 12
    assert manifest["profile"]["rows"] == csv_rows + 12
    assert manifest["data"]["path"].endswith(" + 12 recorded outcomes")
    last = outcomes[-1].recorded_at.isoformat()
    assert f"and 12 recorded outcome(s), the last recorded {last}" in text
    assert f"active {active_model.version}" in text
    assert "not refit" in text
    assert f"Registered model version {new.version}" in text
    assert "inactive: make it the candidate" in text


def test_the_comparison_uses_the_same_folds_and_scores_the_active_model(
    outcomes, active_model, settings
):
    rows = outcome_rows()
    done = model_version_retrain(data=settings.ML_DEFAULT_DATASET, outcomes=rows)
    comparison = done.comparison
    assert comparison.active == active_model.version
    assert comparison.new.folds == done.trained.result.metrics["cv"]["folds"]
    assert len(comparison.served.folds) == 5
    assert comparison.unseen == 12
    # The active model answered none of the prescribed drugs (see the fixture).
    assert comparison.served.unseen_correct == 0
    assert 0 <= comparison.new.unseen_correct <= 12


def test_activate_with_outcomes_serves_the_new_version(outcomes, active_model):
    text = train("--activate")
    active = ModelVersion.objects.active()
    assert active != active_model
    assert active.manifest["outcomes"]["rows"] == 12
    assert f"Registered and activated {active.version}." in text


def test_without_outcomes_it_says_so_and_trains_nothing(active_model):
    log_rows(active_model, training_records()[:3])  # served, no outcome
    count = ModelVersion.objects.count()
    text = train()
    assert "No recorded outcomes of served predictions yet" in text
    assert ModelVersion.objects.count() == count


def test_outcomes_after_those_the_active_model_used_are_unseen(outcomes):
    rows = outcome_rows()
    cut = rows.recorded_at[4].isoformat()
    active = ModelVersion(manifest={"outcomes": {"rows": 5, "until": cut}})
    assert unseen_by(active, rows) == [False] * 5 + [True] * 7
    assert unseen_by(ModelVersion(manifest={}), rows) == [True] * 12
    assert unseen_by(None, rows) == [True] * 12


def test_an_unset_outcomes_source_is_a_plain_error(active_model, settings):
    settings.ML_OUTCOMES_SOURCE = ""
    with pytest.raises(CommandError, match="ML_OUTCOMES_SOURCE is not set"):
        train()


def test_without_an_active_model_only_the_new_model_is_scored(outcomes, settings):
    ModelVersion.objects.update(is_active=False)
    done = model_version_retrain(
        data=settings.ML_DEFAULT_DATASET, outcomes=outcome_rows()
    )
    assert done.comparison.served is None
    assert "Active model not scored: no model is active." in format_comparison(
        done.comparison
    )


def test_an_active_model_that_cannot_be_loaded_is_named_not_fatal(
    outcomes, active_model
):
    active_model.path.unlink()
    text = train()
    assert "Active model not scored: Model artifact" in text
    assert "cannot be read" in text
    assert "Registered model version" in text
