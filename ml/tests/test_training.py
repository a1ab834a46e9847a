"""ml.training: honest cross-validation, then a fit on every row."""

import numpy as np
import pytest
from django.conf import settings

from ml import features as vocab
from ml.dataset import load_dataset
from ml.exceptions import DatasetError
from ml.reports import format_report
from ml.synthetic import generate_csv
from ml.training import CV_FOLDS, train


@pytest.fixture(scope="module")
def bundled():
    dataset = load_dataset(settings.ML_DEFAULT_DATASET)
    return dataset, train(dataset)


def test_train_cross_validates_the_bundled_data_to_at_least_0_99(bundled):
    cv = bundled[1].metrics["cv"]
    assert len(cv["folds"]) == CV_FOLDS == 5
    assert cv["mean"] >= 0.99
    assert cv["mean"] == pytest.approx(np.mean(cv["folds"]))
    assert cv["std"] == pytest.approx(np.std(cv["folds"]))


def test_train_names_the_fold_scheme_and_seed(bundled):
    scheme = bundled[1].metrics["cv"]["scheme"]
    assert "stratified" in scheme
    assert "shuffled" in scheme
    assert "seed 42" in scheme


def test_train_reports_metrics_for_every_drug(bundled):
    dataset, result = bundled
    per_class = result.metrics["per_class"]
    assert list(per_class) == sorted(vocab.LABELS)
    for label, row in per_class.items():
        assert set(row) == {"precision", "recall", "f1-score", "support"}
        assert row["support"] == dataset.labels.count(label)


def test_train_confusion_matrix_agrees_with_the_per_class_metrics(bundled):
    dataset, result = bundled
    cm = result.metrics["confusion_matrix"]
    matrix = np.array(cm["matrix"])
    assert cm["labels"] == sorted(vocab.LABELS)
    assert matrix.shape == (5, 5)
    assert matrix.sum() == dataset.rows
    for i, label in enumerate(cm["labels"]):
        row = result.metrics["per_class"][label]
        assert matrix[i].sum() == row["support"]
        assert matrix[i, i] / matrix[i].sum() == pytest.approx(row["recall"])
        assert matrix[i, i] / matrix[:, i].sum() == pytest.approx(row["precision"])
    out_of_fold_accuracy = np.trace(matrix) / matrix.sum()
    assert out_of_fold_accuracy == pytest.approx(result.metrics["cv"]["mean"], abs=0.01)


def test_train_fits_the_six_leaf_tree_of_data_md(bundled):
    _, result = bundled
    assert result.metrics["tree"]["leaves"] == 6
    assert result.metrics["training_accuracy"] == 1.0
    assert list(result.pipeline.classes_) == sorted(vocab.LABELS)
    assert result.hyperparameters["random_state"] == 0


def test_format_report_shows_scheme_folds_and_matrix(bundled):
    report = format_report(bundled[1].metrics)
    assert "stratified 5-fold, shuffled, seed 42" in report
    assert "fold scores: " in report
    assert "Confusion matrix" in report
    assert all(label in report for label in vocab.LABELS)


@pytest.mark.parametrize("seed", [1, 7, 200])
def test_train_reaches_0_99_on_a_200_row_generated_sample(tmp_path, seed):
    path = tmp_path / "sample.csv"
    path.write_text(generate_csv(rows=200, seed=seed))
    result = train(load_dataset(path))
    assert result.metrics["cv"]["mean"] >= 0.99


def test_train_serves_labels_as_the_file_spells_them(tmp_path):
    path = tmp_path / "drugY.csv"
    path.write_text(generate_csv(rows=200, seed=1).replace("DrugY", "drugY"))
    result = train(load_dataset(path))
    assert "drugY" in result.pipeline.classes_
    assert "DrugY" not in result.pipeline.classes_


def test_train_refuses_a_drug_with_fewer_rows_than_folds(tmp_path):
    lines = generate_csv(rows=200, seed=1).splitlines()
    drug_b = [line for line in lines if line.endswith(",drugB")]
    kept = [line for line in lines if not line.endswith(",drugB")] + drug_b[:4]
    path = tmp_path / "small.csv"
    path.write_text("\n".join(kept) + "\n")
    with pytest.raises(DatasetError) as caught:
        train(load_dataset(path))
    assert "drugB has 4 row(s)" in str(caught.value)
    assert "at least 5 rows" in str(caught.value)
