"""What an answer looks like on the wire, declared once for the schema and the
serializer alike: ``OUTPUT`` names each key, documents it and says how to read it
from a log row.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from operator import attrgetter

from rest_framework import serializers

from ml import features as vocab
from predictions.outcome_serializers import (
    RecordedOutcomeSerializer,
    recorded_outcome_of,
)
from predictions.output_flips import FlipList
from predictions.serializers import PatientSerializer


class BoundarySerializer(serializers.Serializer):
    feature = serializers.CharField()
    threshold = serializers.FloatField()
    value = serializers.FloatField()
    distance = serializers.FloatField()
    near = serializers.BooleanField()


class Timestamp:
    """ISO 8601 in UTC; a batch shares one time, formatted once."""

    def __init__(self) -> None:
        self.last = (None, "")

    def __call__(self, row) -> str:
        if self.last[0] != row.created_at:
            text = row.created_at.isoformat().replace("+00:00", "Z")
            self.last = (row.created_at, text)
        return self.last[1]


patient_of = attrgetter(*vocab.FIELDS)

#: Each key of an answer: how it is documented, and how it is read from a row.
#: One table, so that the schema and the wire cannot disagree.
OUTPUT: dict[str, tuple[serializers.Field, Callable]] = {
    "id": (
        serializers.IntegerField(help_text="The prediction log row."),
        attrgetter("pk"),
    ),
    "request_id": (
        serializers.CharField(help_text="The server's id of the request, unique."),
        attrgetter("request_id"),
    ),
    "correlation_id": (
        serializers.CharField(
            allow_null=True, help_text="The caller's X-Request-Id, null if none."
        ),
        lambda row: row.correlation_id or None,
    ),
    "created_at": (serializers.DateTimeField(), Timestamp),
    "channel": (serializers.CharField(), attrgetter("channel")),
    "user": (
        serializers.CharField(
            allow_null=True,
            help_text="Username when it was asked (not today's), null if anonymous.",
        ),
        lambda row: row.username or None,
    ),
    "input": (
        PatientSerializer(),
        lambda row: dict(zip(vocab.FIELDS, patient_of(row), strict=True)),
    ),
    "drug": (
        serializers.CharField(help_text="The suggested drug."),
        attrgetter("drug"),
    ),
    "probability": (
        serializers.FloatField(help_text="Probability of the suggested drug."),
        lambda row: row.probabilities.get(row.drug),
    ),
    "probabilities": (
        serializers.DictField(child=serializers.FloatField()),
        attrgetter("probabilities"),
    ),
    "prediction_set": (
        serializers.ListField(
            child=serializers.CharField(),
            allow_null=True,
            help_text="The drugs not ruled out at `coverage`, likeliest first. Empty "
            "for about 1 - coverage of answers, by design: no set is claimed, which "
            "says nothing about the patient. Null if logged before sets were.",
        ),
        attrgetter("prediction_set"),
    ),
    "coverage": (
        serializers.FloatField(
            allow_null=True,
            help_text="The stated coverage of `prediction_set` (e.g. 0.95); null "
            "if the model states none.",
        ),
        attrgetter("coverage"),
    ),
    "counterfactual": (
        FlipList(
            allow_null=True,
            help_text="Per number (Age, then Na_to_K), its nearest change that gives "
            "another drug, the others kept; null where none in the accepted range "
            "does. Null if logged before flips were.",
        ),
        attrgetter("counterfactual"),
    ),
    "near_boundary": (
        serializers.BooleanField(
            help_text="True when a numeric input lies close to a threshold on the path."
        ),
        attrgetter("near_boundary"),
    ),
    "boundary": (BoundarySerializer(allow_null=True), attrgetter("boundary")),
    "explanation": (
        serializers.ListField(
            child=serializers.CharField(), help_text="The decision path as conditions."
        ),
        attrgetter("explanation"),
    ),
    "warnings": (
        serializers.ListField(child=serializers.CharField()),
        attrgetter("warnings"),
    ),
    "model_version": (serializers.CharField(), attrgetter("model_version.version")),
    "recorded_outcome": (
        RecordedOutcomeSerializer(
            allow_null=True,
            help_text="The drug actually prescribed, once staff record it "
            "(POST .../outcome/); null until then.",
        ),
        recorded_outcome_of,
    ),
}


class PredictionSerializer(serializers.Serializer):
    """One logged answer, from OUTPUT. Read by hand for speed: batches are 1,000."""

    def get_fields(self) -> dict:
        return {name: copy.deepcopy(field) for name, (field, _) in OUTPUT.items()}

    def to_representation(self, row) -> dict:
        return {name: read(row) for name, read in self.readers()}

    def readers(self) -> list[tuple[str, Callable]]:
        """Each key with its reader; per serializer: the timestamp's keeps state."""
        readers = getattr(self, "_readers", None)
        if readers is None:
            readers = self._readers = [
                (name, read() if isinstance(read, type) else read)
                for name, (_, read) in OUTPUT.items()
            ]
        return readers
