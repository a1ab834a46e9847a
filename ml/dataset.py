"""Read and validate a drug200-style CSV; bad rows are reported by line number."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ml import features as vocab
from ml import validation
from ml.exceptions import DatasetError


@dataclass(frozen=True)
class Dataset:
    """Validated training data: records, labels as spelled, and provenance."""

    path: str
    records: tuple[vocab.PatientRecord, ...]
    labels: tuple[str, ...]
    sha256: str

    @property
    def rows(self) -> int:
        return len(self.records)


def load_dataset(path: str | Path) -> Dataset:
    """Read a CSV of the drug200 schema; raise DatasetError listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(
            str(path), [f"cannot read the file: {exc.strerror}"]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(str(path), [f"not UTF-8 text: {exc}"]) from None
    records, labels, problems = parse_rows(text)
    if problems:
        raise DatasetError(str(path), problems)
    return Dataset(
        str(path), tuple(records), tuple(labels), hashlib.sha256(raw).hexdigest()
    )


def parse_rows(text: str) -> tuple[list, list, list[str]]:
    """Parse CSV text into records and labels, collecting problems by line."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in (*vocab.FEATURES, vocab.TARGET) if c not in columns]
    if missing:
        found = ", ".join(columns) or "nothing"
        return (
            [],
            [],
            [f"line 1: missing column(s) {', '.join(missing)} (found {found})"],
        )
    reader.fieldnames = columns
    records, labels, problems = [], [], []
    spellings: dict[str, str] = {}
    for row in reader:
        line = reader.line_num
        errors = row_problems(row, spellings)
        if errors:
            problems.extend(f"line {line}: {e}" for e in errors)
            continue
        records.append(validation.record_from_mapping(row))
        labels.append(row[vocab.TARGET].strip())
    if not records and not problems:
        problems.append("no data rows")
    return records, labels, problems


def row_problems(row: dict, spellings: dict[str, str]) -> list[str]:
    """Every problem in one CSV row (empty when the row is usable)."""
    if None in row:
        return ["more cells than columns"]
    errors = []
    try:
        validation.record_from_mapping(row)
    except validation.RecordError as exc:
        errors.extend(blank_or(name, msg, row) for name, msg in exc.errors.items())
    errors.extend(label_problems(row.get(vocab.TARGET), spellings))
    return errors


def blank_or(name: str, message: str, row: dict) -> str:
    """Say 'blank cell' for an empty cell, else the validator's message."""
    if row.get(name) is None or not str(row[name]).strip():
        return f"blank cell in column {name}"
    return message


def label_problems(value: str | None, spellings: dict[str, str]) -> list[str]:
    """Check a label: known drug (any case) and spelled the same way throughout."""
    label = (value or "").strip()
    if not label:
        return [f"blank cell in column {vocab.TARGET}"]
    known = {name.lower(): name for name in vocab.LABELS}
    if label.lower() not in known:
        return [f"{vocab.TARGET} {label!r} is not one of {', '.join(vocab.LABELS)}"]
    first = spellings.setdefault(label.lower(), label)
    if first != label:
        return [f"{vocab.TARGET} {label!r} is spelled {first!r} elsewhere in the file"]
    return []
