"""The staff prescription form; choices and limits come from ml.features."""

from django import forms

from ml import features as vocab
from ml import validation


class FeatureField(forms.Field):
    """A form field validated by the model's own vocabulary (case-insensitive)."""

    def __init__(self, feature: str, **kwargs):
        self.feature = feature
        super().__init__(label=feature, help_text=vocab.DESCRIPTIONS[feature], **kwargs)

    def clean(self, value):
        if value in self.empty_values:
            raise forms.ValidationError(
                f"{self.feature} is required: use {vocab.allowed_text(self.feature)}.",
                code="required",
            )
        try:
            return validation.clean_value(self.feature, value)
        except validation.FieldError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


def widget_for(feature: str) -> forms.Widget:
    if feature in vocab.CATEGORIES:
        return forms.Select(
            choices=[("", "—"), *((v, v) for v in vocab.CATEGORIES[feature])]
        )
    low, high = vocab.RANGES[feature]
    step = "1" if feature in vocab.INTEGER else "any"
    return forms.NumberInput(
        attrs={"min": low, "max": high, "step": step, "inputmode": "decimal"}
    )


class PredictionForm(forms.Form):
    """Five inputs named as in the API (age, sex, bp, cholesterol, na_to_k)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for feature in vocab.FEATURES:
            self.fields[vocab.FIELD_NAMES[feature]] = FeatureField(
                feature, widget=widget_for(feature)
            )

    def record(self) -> vocab.PatientRecord:
        """The validated record (call after is_valid())."""
        return vocab.PatientRecord(
            **{name: self.cleaned_data[name] for name in vocab.FIELD_NAMES.values()}
        )
