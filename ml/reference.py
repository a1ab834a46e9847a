"""The tutorial's example calls (DATA.md), which every served model must answer."""

from ml.features import PatientRecord

#: The tutorial notebook's default widget values (answered drugC).
TUTORIAL_DEFAULT = PatientRecord(47, "F", "LOW", "HIGH", 14.0)

#: (record, expected drug) pairs from the original tutorial.
EXAMPLES: tuple[tuple[PatientRecord, str], ...] = (
    (PatientRecord(47, "M", "LOW", "HIGH", 10.114), "drugC"),
    (PatientRecord(60, "F", "LOW", "HIGH", 20.0), "DrugY"),
    (PatientRecord(47, "F", "LOW", "HIGH", 14.0), "drugC"),
    (PatientRecord(47, "F", "HIGH", "HIGH", 14.0), "drugA"),
)


def failing_examples(predict) -> list[str]:
    """Which reference examples `predict(records)` answers wrongly (empty if none)."""
    results = predict([record for record, _ in EXAMPLES])
    return [
        f"{record.as_dict()} -> {result.drug}, expected {expected}"
        for (record, expected), result in zip(EXAMPLES, results, strict=True)
        if result.drug != expected
    ]
