"""The staff prescription form; choices and limits come from ml.features."""

from django import forms

from ml import features as F


class FeatureField(forms.Field):
    """A form field validated by the model's own vocabulary (case-insensitive)."""

    def __init__(self, feature: str, **kwargs):
        self.feature = feature
        super().__init__(label=feature, help_text=F.DESCRIPTIONS[feature], **kwargs)

    def clean(self, value):
        if value in self.empty_values:
            raise forms.ValidationError(
                f"{self.feature} is required: use {F.allowed_text(self.feature)}.",
                code="required",
            )
        try:
            return F.clean_value(self.feature, value)
        except F.FieldError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


def widget_for(feature: str) -> forms.Widget:
    if feature in F.CATEGORIES:
        return forms.Select(
            choices=[("", "—"), *((v, v) for v in F.CATEGORIES[feature])]
        )
    low, high = F.RANGES[feature]
    step = "1" if feature in F.INTEGER else "any"
    return forms.NumberInput(
        attrs={"min": low, "max": high, "step": step, "inputmode": "decimal"}
    )


class PredictionForm(forms.Form):
    """Five inputs named as in the API (age, sex, bp, cholesterol, na_to_k)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for feature in F.FEATURES:
            self.fields[F.FIELD_NAMES[feature]] = FeatureField(
                feature, widget=widget_for(feature)
            )

    def record(self) -> F.PatientRecord:
        """The validated record (call after is_valid())."""
        return F.PatientRecord(
            **{name: self.cleaned_data[name] for name in F.FIELD_NAMES.values()}
        )
