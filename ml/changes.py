"""The pieces the changes of what serves share (ml.registry): finding the
version, the required reason, a rollout's mode, share and refusals, and the
ModelChange row that records who did it and why."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from ml.exceptions import ModelChangeRefused, UnknownVersion
from ml.models import ModelChange, ModelVersion, Rollout

#: How a rollout mode is named by callers (commands, admin, the API).
MODES = {"candidate": Rollout.CANDIDATE, "shadow": Rollout.SHADOW, "none": Rollout.NONE}
ACTIONS = {
    Rollout.CANDIDATE: ModelChange.Action.CANDIDATE,
    Rollout.SHADOW: ModelChange.Action.SHADOW,
    Rollout.NONE: ModelChange.Action.RETIRE,
}
#: The reasons recorded when a command activates without being told why.
TRAINED = "Trained and activated by train_model."
REGISTERED = "Registered and activated by register_model."
NONE_USABLE = "register_model --activate-if-none: no usable model was active."
REASON_REQUIRED = "A reason is required: say in a few words why, for the history."


def version_get(version: str) -> ModelVersion:
    """The registered version of that name, or UnknownVersion naming known ones."""
    try:
        return ModelVersion.objects.get(version=version)
    except ObjectDoesNotExist:
        known = ", ".join(ModelVersion.objects.values_list("version", flat=True)[:10])
        raise UnknownVersion(
            f"No registered model version {version!r}; known: {known or 'none'}."
        ) from None


def reason_required(reason: str | None) -> str:
    """The reason, trimmed; a blank one is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ModelChangeRefused(REASON_REQUIRED)
    return reason


def rollout_mode(mode: str) -> Rollout:
    """A rollout mode from its name (candidate, shadow, none)."""
    found = MODES.get(mode) if isinstance(mode, str) else None
    if found is None and mode in Rollout.values:
        found = Rollout(mode)
    if found is None:
        raise ModelChangeRefused(
            f"Unknown rollout mode {mode!r}: use one of {', '.join(MODES)}."
        )
    return found


def traffic_share(rollout: Rollout, traffic_percent) -> int:
    """A candidate's share of live requests, a whole number from 0 to 100; the
    other modes serve no share of their own (0)."""
    if rollout != Rollout.CANDIDATE:
        return 0
    valid = isinstance(traffic_percent, int) and not isinstance(traffic_percent, bool)
    if not valid or not 0 <= traffic_percent <= 100:
        raise ModelChangeRefused(
            f"traffic_percent must be a whole number from 0 to 100, "
            f"not {traffic_percent!r}."
        )
    return traffic_percent


def rollout_state(rollout: Rollout, traffic_percent: int) -> str:
    """A rollout in words: "the candidate at 10 %", "in shadow", ..."""
    if rollout == Rollout.CANDIDATE:
        return f"the candidate at {traffic_percent} %"
    return "in shadow" if rollout == Rollout.SHADOW else "out of rollout"


def change_record(
    *,
    action: ModelChange.Action,
    version: ModelVersion,
    reason: str,
    user=None,
    previous: ModelVersion | None = None,
    traffic_percent: int | None = None,
) -> ModelChange:
    """Append one step to the history, with the username as it is now."""
    signed_in = user is not None and user.is_authenticated
    return ModelChange.objects.create(
        action=action,
        version=version,
        previous=previous,
        traffic_percent=traffic_percent,
        reason=reason,
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
    )


def rollout_refusal(row: ModelVersion, rollout: Rollout, percent: int) -> None:
    """Refuse the active version in rollout, and a change that changes nothing."""
    if row.is_active and rollout:
        raise ModelChangeRefused(
            f"Model {row.version} is the active version; a candidate or a shadow "
            "must be another version."
        )
    if row.rollout == rollout and row.traffic_percent == percent:
        state = rollout_state(rollout, percent)
        raise ModelChangeRefused(f"Model {row.version} is already {state}.")


def displace(rollout: Rollout, row: ModelVersion, reason: str, user) -> None:
    """Take the version that holds `rollout` now (not `row`) out, recorded."""
    holder = (
        ModelVersion.objects.select_for_update()
        .filter(rollout=rollout)
        .exclude(pk=row.pk)
        .first()
    )
    if holder is None:
        return
    holder.rollout, holder.traffic_percent = Rollout.NONE, 0
    holder.save(update_fields=["rollout", "traffic_percent"])
    change_record(
        action=ModelChange.Action.RETIRE,
        version=holder,
        reason=f"Replaced by {row.version}: {reason}",
        user=user,
    )
