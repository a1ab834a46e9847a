"""ml.registry: every change of what serves is verified and recorded, with why."""

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from ml.exceptions import ModelChangeRefused, ModelUnavailable, UnknownVersion
from ml.models import ModelChange, ModelVersion, Rollout
from ml.registry import (
    model_version_activate,
    model_version_register,
    model_version_rollback,
    model_version_rollout,
)

pytestmark = pytest.mark.django_db
Action = ModelChange.Action


@pytest.fixture
def versions(model_folder, other_folder) -> tuple[ModelVersion, ModelVersion]:
    """Two registered versions, none active yet."""
    return tuple(
        model_version_register(folder=folder, trained_by="tests")
        for folder in (model_folder, other_folder)
    )


@pytest.fixture
def manager() -> User:
    return User.objects.create_user("mona")


def history() -> list[tuple]:
    """The change history, oldest first, as (action, version, previous, share)."""
    return [
        (
            c.action,
            c.version.version,
            c.previous and c.previous.version,
            c.traffic_percent,
        )
        for c in ModelChange.objects.order_by("id")
    ]


def fresh(row: ModelVersion) -> ModelVersion:
    return ModelVersion.objects.get(pk=row.pk)


def test_an_activation_is_recorded_with_who_why_and_the_version_before(
    versions, manager
):
    a, b = versions
    model_version_activate(version=a.version, reason="first", user=manager)
    model_version_activate(version=b.version, reason="  better recall  ")

    first, second = ModelChange.objects.order_by("id")
    assert (first.action, first.version, first.previous) == (Action.ACTIVATE, a, None)
    assert (first.user, first.username, first.reason) == (manager, "mona", "first")
    assert (second.version, second.previous, second.reason) == (b, a, "better recall")
    assert (second.user, second.username) == (None, "")  # a command


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_blank_reason_is_refused_and_nothing_changes(versions, reason):
    with pytest.raises(ModelChangeRefused, match="A reason is required"):
        model_version_activate(version=versions[0].version, reason=reason)
    assert not ModelVersion.objects.filter(is_active=True).exists()
    assert not ModelChange.objects.exists()


def test_the_database_refuses_a_change_without_a_reason(versions):
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelChange.objects.create(action=Action.ACTIVATE, version=versions[0])


def test_an_unknown_version_is_named_with_the_known_ones(versions):
    with pytest.raises(UnknownVersion, match="'nope'.*" + versions[0].version):
        model_version_activate(version="nope", reason="r")
    with pytest.raises(UnknownVersion, match="'nope'"):
        model_version_rollout(version="nope", mode="shadow", reason="r")


def test_activating_the_active_version_again_is_refused(versions):
    model_version_activate(version=versions[0].version, reason="r")
    with pytest.raises(ModelChangeRefused, match="already active"):
        model_version_activate(version=versions[0].version, reason="again")
    assert ModelChange.objects.count() == 1


def test_a_version_failing_verification_is_not_activated_nor_recorded(versions, tamper):
    a, b = versions
    model_version_activate(version=a.version, reason="r")
    tamper(b.path)
    with pytest.raises(ModelUnavailable, match="does not match"):
        model_version_activate(version=b.version, reason="r")
    assert ModelVersion.objects.active() == a
    assert ModelChange.objects.count() == 1


def test_rollback_reactivates_the_version_active_before(versions, manager):
    a, b = versions
    model_version_activate(version=a.version, reason="r")
    model_version_activate(version=b.version, reason="r")

    back = model_version_rollback(reason="b misbehaves", user=manager)

    assert back == a == ModelVersion.objects.active()
    assert history()[-1] == (Action.ROLLBACK, a.version, b.version, None)
    assert ModelChange.objects.first().username == "mona"


def test_rolling_back_twice_returns_to_where_it_started(versions):
    a, b = versions
    model_version_activate(version=a.version, reason="r")
    model_version_activate(version=b.version, reason="r")
    model_version_rollback(reason="one")
    assert model_version_rollback(reason="two") == b
    assert [step[0] for step in history()] == ["activate"] * 2 + ["rollback"] * 2


def test_rollback_without_an_earlier_version_says_so(versions):
    with pytest.raises(ModelChangeRefused, match="No version is active"):
        model_version_rollback(reason="r")
    model_version_activate(version=versions[0].version, reason="r")
    with pytest.raises(ModelChangeRefused, match="No earlier version"):
        model_version_rollback(reason="r")
    assert ModelChange.objects.count() == 1


def test_rollback_refuses_an_earlier_version_that_fails_verification(versions, tamper):
    a, b = versions
    model_version_activate(version=a.version, reason="r")
    model_version_activate(version=b.version, reason="r")
    (a.folder / "compiled.json").unlink()
    with pytest.raises(ModelUnavailable, match="cannot be read"):
        model_version_rollback(reason="r")
    assert ModelVersion.objects.active() == b


def test_a_candidate_gets_its_share_recorded(versions, manager):
    a, b = versions
    model_version_activate(version=a.version, reason="r")
    model_version_rollout(
        version=b.version,
        mode="candidate",
        traffic_percent=10,
        reason="try",
        user=manager,
    )
    assert (fresh(b).rollout, fresh(b).traffic_percent) == (Rollout.CANDIDATE, 10)
    assert history()[-1] == (Action.CANDIDATE, b.version, None, 10)

    model_version_rollout(
        version=b.version, mode="candidate", traffic_percent=50, reason="more"
    )
    assert fresh(b).traffic_percent == 50


def test_shadow_and_retire_are_recorded_and_leave_no_share(versions):
    a, b = versions
    model_version_activate(version=a.version, reason="r")
    model_version_rollout(
        version=b.version, mode="candidate", traffic_percent=30, reason="r"
    )
    model_version_rollout(
        version=b.version, mode="shadow", traffic_percent=30, reason="r"
    )
    assert (fresh(b).rollout, fresh(b).traffic_percent) == (Rollout.SHADOW, 0)
    model_version_rollout(version=b.version, mode="none", reason="seen enough")
    assert (fresh(b).rollout, fresh(b).traffic_percent) == (Rollout.NONE, 0)
    assert history()[-2:] == [
        (Action.SHADOW, b.version, None, None),
        (Action.RETIRE, b.version, None, None),
    ]


def test_a_new_candidate_takes_the_place_of_the_old_one_recorded(versions):
    a, b = versions
    model_version_rollout(
        version=a.version, mode="candidate", traffic_percent=5, reason="r"
    )
    model_version_rollout(
        version=b.version, mode="candidate", traffic_percent=20, reason="why"
    )
    assert fresh(a).rollout == Rollout.NONE
    assert history()[-2:] == [
        (Action.RETIRE, a.version, None, None),
        (Action.CANDIDATE, b.version, None, 20),
    ]
    assert ModelChange.objects.get(action=Action.RETIRE).reason == (
        f"Replaced by {b.version}: why"
    )


@pytest.mark.parametrize(
    ("mode", "percent", "message"),
    [
        ("canary", 0, "Unknown rollout mode 'canary': use one of candidate, shadow"),
        ("candidate", 101, "from 0 to 100, not 101"),
        ("candidate", -1, "from 0 to 100, not -1"),
        ("candidate", "10", "from 0 to 100, not '10'"),
        ("candidate", True, "from 0 to 100, not True"),
    ],
)
def test_a_bad_mode_or_share_is_refused_naming_what_is_allowed(
    versions, mode, percent, message
):
    with pytest.raises(ModelChangeRefused, match=message):
        model_version_rollout(
            version=versions[1].version, mode=mode, traffic_percent=percent, reason="r"
        )
    assert not ModelChange.objects.exists()


def test_the_active_version_cannot_be_a_candidate_or_shadow(versions):
    model_version_activate(version=versions[0].version, reason="r")
    for mode in ("candidate", "shadow"):
        with pytest.raises(ModelChangeRefused, match="is the active version"):
            model_version_rollout(version=versions[0].version, mode=mode, reason="r")


def test_a_change_that_changes_nothing_is_refused(versions):
    b = versions[1]
    with pytest.raises(ModelChangeRefused, match="already out of rollout"):
        model_version_rollout(version=b.version, mode="none", reason="r")
    model_version_rollout(version=b.version, mode="shadow", reason="r")
    with pytest.raises(ModelChangeRefused, match="already in shadow"):
        model_version_rollout(version=b.version, mode="shadow", reason="r")


def test_a_candidate_failing_verification_is_refused(versions, tamper):
    b = versions[1]
    tamper(b.path)
    with pytest.raises(ModelUnavailable, match="does not match"):
        model_version_rollout(version=b.version, mode="shadow", reason="r")
    assert fresh(b).rollout == Rollout.NONE


def test_promoting_the_candidate_takes_it_out_of_rollout(versions):
    a, b = versions
    model_version_activate(version=a.version, reason="r")
    model_version_rollout(
        version=b.version, mode="candidate", traffic_percent=10, reason="r"
    )
    model_version_activate(version=b.version, reason="promoted")
    b = fresh(b)
    assert (b.is_active, b.rollout, b.traffic_percent) == (True, Rollout.NONE, 0)


def test_the_history_cannot_be_changed_or_deleted(versions):
    model_version_activate(version=versions[0].version, reason="r")
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelChange.objects.update(reason="rewritten")  # the triggers refuse it
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelChange.objects.all().delete()
    assert ModelChange.objects.get().reason == "r"
