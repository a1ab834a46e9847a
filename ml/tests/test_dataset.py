"""ml.dataset: a drug200-style CSV is read whole or refused with line numbers."""

import hashlib

import pytest

from ml.dataset import load_dataset
from ml.exceptions import DatasetError
from ml.features import PatientRecord

HEADER = "Age,Sex,BP,Cholesterol,Na_to_K,Drug"
ROWS = (
    "23,F,HIGH,HIGH,25.355,DrugY",  # line 2
    "47,M,LOW,HIGH,13.093,drugC",  # line 3
    "61,F,LOW,NORMAL,7.298,drugX",  # line 4
    "28,F,NORMAL,HIGH,7.798,drugX",  # line 5
    "22,F,HIGH,NORMAL,8.607,drugA",  # line 6
)


def write_csv(tmp_path, rows=ROWS, header=HEADER):
    path = tmp_path / "drug.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def with_row(line: int, text: str) -> tuple[str, ...]:
    """ROWS with the row on file line `line` replaced."""
    rows = list(ROWS)
    rows[line - 2] = text
    return tuple(rows)


def refusal(path) -> DatasetError:
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    return caught.value


def test_load_dataset_reads_every_row_of_a_clean_file(tmp_path):
    path = write_csv(tmp_path)
    dataset = load_dataset(path)
    assert dataset.rows == 5
    assert dataset.records[1] == PatientRecord(47, "M", "LOW", "HIGH", 13.093)
    assert dataset.labels == ("DrugY", "drugC", "drugX", "drugX", "drugA")
    assert dataset.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_load_dataset_accepts_categories_in_any_case(tmp_path):
    dataset = load_dataset(
        write_csv(tmp_path, with_row(3, "47,m,low,High,13.093,drugC"))
    )
    assert dataset.records[1] == PatientRecord(47, "M", "LOW", "HIGH", 13.093)
    dataset = load_dataset(write_csv(tmp_path, with_row(2, "23,f,high,high,25,DrugY")))
    assert dataset.records[0].sex == "F"
    assert dataset.records[0].bp == "HIGH"


def test_load_dataset_keeps_labels_as_spelled(tmp_path):
    rows = [row.replace("DrugY", "drugY") for row in ROWS] + ["30,M,LOW,HIGH,20,drugY"]
    dataset = load_dataset(write_csv(tmp_path, rows))
    assert dataset.labels[0] == dataset.labels[-1] == "drugY"
    assert "DrugY" not in dataset.labels


def test_load_dataset_reads_a_file_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + write_csv(tmp_path).read_bytes())
    assert load_dataset(path).rows == 5


@pytest.mark.parametrize(
    ("line", "row", "problem"),
    [
        (3, "47,M,,HIGH,13.093,drugC", "line 3: blank cell in column BP"),
        (4, "61,F,LOW,NORMAL,7.298,", "line 4: blank cell in column Drug"),
        (
            4,
            "61,F,VERYHIGH,NORMAL,7.298,drugX",
            "line 4: BP 'VERYHIGH' is not allowed: use one of HIGH, LOW, NORMAL.",
        ),
        (
            2,
            "abc,F,HIGH,HIGH,25.355,DrugY",
            "line 2: Age 'abc' is not a number: use a whole number from 0 to 120.",
        ),
        (
            5,
            "28,F,NORMAL,HIGH,150.5,drugX",
            "line 5: Na_to_K '150.5' is out of range: use a number from 1 to 100.",
        ),
        (
            6,
            "22,F,HIGH,NORMAL,8.607,drugZ",
            "line 6: Drug 'drugZ' is not one of DrugY, drugA, drugB, drugC, drugX",
        ),
        (
            6,
            "22,F,HIGH,NORMAL,20.1,drugY",
            "line 6: Drug 'drugY' is spelled 'DrugY' elsewhere in the file",
        ),
        (5, "28,F,NORMAL,HIGH,7.798,drugX,extra", "line 5: more cells than columns"),
        (3, "47,M,LOW", "line 3: blank cell in column Cholesterol"),
    ],
)
def test_load_dataset_reports_a_bad_row_with_its_line_number(
    tmp_path, line, row, problem
):
    error = refusal(write_csv(tmp_path, with_row(line, row)))
    assert error.problems[0] == problem
    assert problem in str(error)


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("Age,Sex,Cholesterol,Na_to_K,Drug", "BP"),
        ("Age,Sex,BP,Cholesterol,Na_to_K,Label", "Drug"),
        ("Age,Sex,BP,Cholesterol,Na_to_K", "Drug"),
        ("age,Sex,BP,Cholesterol,Na_to_K,Drug", "Age"),
    ],
)
def test_load_dataset_reports_a_missing_column_on_line_1(tmp_path, header, missing):
    rows = [",".join(row.split(",")[: header.count(",") + 1]) for row in ROWS]
    error = refusal(write_csv(tmp_path, rows, header=header))
    assert len(error.problems) == 1
    assert error.problems[0].startswith(f"line 1: missing column(s) {missing} ")


def test_load_dataset_reports_several_problems_together(tmp_path):
    rows = (
        *ROWS[:1],
        "47,M,,HIGH,13.093,drugC",  # line 3
        "sixty,F,LOW,NORMAL,0,drugX",  # line 4
        *ROWS[3:4],
        "22,F,HIGH,NORMAL,8.607,drugZ",  # line 6
    )
    error = refusal(write_csv(tmp_path, rows))
    assert error.problems == [
        "line 3: blank cell in column BP",
        "line 4: Age 'sixty' is not a number: use a whole number from 0 to 120.",
        "line 4: Na_to_K '0' is out of range: use a number from 1 to 100.",
        "line 6: Drug 'drugZ' is not one of DrugY, drugA, drugB, drugC, drugX",
    ]
    message = str(error)
    assert "4 problem(s)" in message
    assert all(problem in message for problem in error.problems)


def test_load_dataset_refuses_a_file_without_rows(tmp_path):
    assert refusal(write_csv(tmp_path, ())).problems == ["no data rows"]


def test_load_dataset_refuses_a_missing_file(tmp_path):
    error = refusal(tmp_path / "absent.csv")
    assert error.problems[0].startswith("cannot read the file")
