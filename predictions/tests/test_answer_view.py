"""The form's answer card: how sure, which drugs remain, what flips it, the tree."""

import re
import shutil
import xml.etree.ElementTree as ET
from unittest.mock import patch

import pytest
from django.conf import settings
from django.utils.html import escape

from ml import predictor
from ml.features import PatientRecord
from ml.models import ModelVersion
from ml.registry import model_version_activate, model_version_register
from ml.treelayout import tree_path
from ml.treesvg import tree_svg
from predictions.answer_view import answer_read, set_sentence
from predictions.models import Prediction

NEAR = PatientRecord(47, "F", "LOW", "HIGH", 14.9)  # 0.09 above the threshold
FAR = PatientRecord(47, "F", "LOW", "HIGH", 30.0)
#: A sure answer whose set is empty at 95 % (its hash lies above the threshold).
EMPTY = PatientRecord(22, "F", "LOW", "HIGH", 25.0)
SVG = re.compile(r"<svg .*?</svg>", re.S)

pytestmark = pytest.mark.usefixtures("no_kept_trees")


@pytest.fixture(scope="module")
def second_store(tmp_path_factory):
    """Another version of the model (another tree seed: other bytes)."""
    from ml.services import artifact_train

    store = tmp_path_factory.mktemp("second")
    trained = artifact_train(data=settings.ML_DEFAULT_DATASET, store=store, seed=1)
    return trained.folder


def answered(client, record: PatientRecord) -> tuple[Prediction, str]:
    """Ask the form for `record`; the logged row and the answer page's HTML."""
    response = client.post("/", record.as_fields(), follow=True)
    assert response.status_code == 200
    return response.context["shown"], response.content.decode()


def highlighted(html: str) -> list[int]:
    """The node ids the answer's SVG marks ``on-path``, in drawing order."""
    (markup,) = SVG.findall(html)
    groups = ET.fromstring(markup).iter("{http://www.w3.org/2000/svg}g")
    return [
        int(g.get("data-node"))
        for g in groups
        if {"tree-node", "on-path"} <= set(g.get("class", "").split())
    ]


def test_near_a_boundary_the_card_shows_the_doubt_the_set_and_the_flip(
    user_client, active_model
):
    row, html = answered(user_client, NEAR)

    assert row.drug == "DrugY"
    assert row.probabilities["DrugY"] == pytest.approx(0.72)
    assert "Probability of DrugY: <strong>72 %</strong>. The vote is split" in html
    assert "At 95 % coverage, cannot be told apart: DrugY or drugC" in html
    assert "<strong>Na_to_K ≤ 14.81 → drugC</strong>" in html
    assert "(0.09 below this patient&#x27;s 14.9)" in html
    flips = re.search(r'<ul class="flips">(.*?)</ul>', html).group(1)
    assert flips.index("Na_to_K ≤ 14.81") < flips.index("No change of Age alone")
    assert '<li class="muted">No change of Age alone gives another drug' in flips


def test_far_from_a_boundary_the_card_shows_one_sure_drug(user_client, active_model):
    row, html = answered(user_client, FAR)

    assert row.probabilities["DrugY"] == 1.0
    assert "Probability of DrugY: <strong>100 %</strong>.</p>" in html
    assert '<p class="set" id="prediction-set">At 95 % coverage: DrugY</p>' in html
    assert "(15.19 below this patient&#x27;s 30)" in html


def test_the_answer_at_14_9_is_less_certain_than_at_30(user_client, active_model):
    near, _ = answered(user_client, NEAR)
    far, _ = answered(user_client, FAR)

    assert near.drug == far.drug == "DrugY"
    assert near.probabilities["DrugY"] < far.probabilities["DrugY"] == 1.0
    assert len(near.prediction_set) > len(far.prediction_set)


def test_an_empty_set_is_shown_as_no_set_claimed_not_as_no_drug(
    user_client, active_model
):
    row, html = answered(user_client, EMPTY)

    assert row.prediction_set == []
    assert row.coverage == 0.95
    assert '<p class="set empty" id="prediction-set">' in html
    assert "no set is claimed for this answer. About 5 % of answers get none" in html
    assert "says nothing about this patient" in html
    assert f'<span class="drug">{row.drug}</span>' in html  # the answer stands


@pytest.mark.parametrize(
    "record", [NEAR, FAR, PatientRecord(47, "F", "HIGH", "HIGH", 14.0)]
)
def test_the_tree_highlights_exactly_this_patients_path(
    record, user_client, active_model
):
    _, html = answered(user_client, record)

    export = active_model.verify().export
    assert highlighted(html) == tree_path(export, record.as_row())


def test_the_answer_links_the_model_card_of_the_version_that_answered(
    user_client, active_model
):
    _, html = answered(user_client, NEAR)

    assert f'<a href="/models/{active_model.version}/" class="model-card">' in html


def test_an_answer_by_an_older_version_is_drawn_with_that_versions_tree(
    user_client, active_model, second_store
):
    row, _ = answered(user_client, NEAR)
    folder = shutil.copytree(second_store, active_model.folder.parent / "second")
    version = model_version_register(folder=folder).version
    model_version_activate(version=version, reason="tests")
    predictor.clear_cache()  # as on_commit would, outside the test's transaction

    html = user_client.get(f"/?shown={row.pk}").content.decode()

    export = active_model.verify().export
    path = tree_path(export, NEAR.as_row())
    assert SVG.search(html).group() == tree_svg(export, path, 1000)
    assert f"/models/{active_model.version}/" in html


def test_a_versions_tree_is_verified_once_and_kept(user_client, active_model):
    row, _ = answered(user_client, NEAR)
    ModelVersion.objects.update(is_active=False)  # not served: read from its files
    predictor.clear_cache()

    original = ModelVersion.verify
    with patch.object(
        ModelVersion, "verify", autospec=True, side_effect=original
    ) as verify:
        for _ in range(3):
            answer_read(Prediction.objects.get(pk=row.pk))
    assert verify.call_count == 1


def test_an_answer_whose_artifact_is_gone_is_shown_without_its_tree(
    user_client, active_model
):
    row, _ = answered(user_client, NEAR)
    ModelVersion.objects.update(is_active=False)
    predictor.clear_cache()
    active_model.path.unlink()

    html = user_client.get(f"/?shown={row.pk}").content.decode()

    assert "At 95 % coverage, cannot be told apart: DrugY or drugC" in html
    assert escape("cannot be drawn: its artifact is missing or changed") in html
    assert SVG.search(html) is None


@pytest.mark.parametrize(
    ("drugs", "coverage", "expected"),
    [
        (["drugC"], 0.95, "At 95 % coverage: drugC"),
        (["drugA", "DrugY"], 0.95, "At 95 % coverage, cannot be told apart: drugA or"),
        (["a", "b", "c"], 0.9, "At 90 % coverage, cannot be told apart: a, b or c"),
        (["drugB"], 0.975, "At 97.5 % coverage: drugB"),
        ([], 0.99, "At 99 % coverage, no set is claimed for this answer. About 1 %"),
        (["drugC"], None, "No prediction set: this model version does not state"),
    ],
)
def test_the_set_reads_as_a_sentence(drugs, coverage, expected):
    assert set_sentence(drugs, coverage).startswith(expected)
