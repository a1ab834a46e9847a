"""The answer's ``counterfactual`` on the wire: one flip per number, or null.

drf-spectacular drops a list item's ``null`` (it documents a list of
``CounterfactualSerializer(allow_null=True)`` as a list of objects), so
``FlipListSchema`` states it, and clients that validate against the schema accept
the null of a number whose change gives no other drug.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers


class CounterfactualSerializer(serializers.Serializer):
    """The nearest change of one number, the others kept, that gives another drug."""

    feature = serializers.CharField(help_text="Age or Na_to_K.")
    direction = serializers.ChoiceField(choices=["above", "below"])
    value = serializers.FloatField(help_text="The nearest such value (Age: whole).")
    drug = serializers.CharField(help_text="The drug that value gives.")
    text = serializers.CharField(help_text="For reading: Na_to_K ≥ 14.82 → DrugY.")


class FlipList(serializers.ListField):
    """One flip per number (Age, then Na_to_K), each an object or null."""

    child = CounterfactualSerializer(allow_null=True)


class FlipListSchema(OpenApiSerializerFieldExtension):
    """Documents each item of a FlipList as the Counterfactual object or null."""

    target_class = FlipList

    def map_serializer_field(self, auto_schema, direction) -> dict:
        item = auto_schema.resolve_serializer(self.target.child, direction).ref
        return {"type": "array", "items": {"allOf": [item], "nullable": True}}
