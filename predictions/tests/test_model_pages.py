"""The model card at /models/<version>/: the tree, the figures, who may see it."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from ml import predictor
from predictions.model_card import class_balance, confusion_heat, coverage, heat_cell
from predictions.model_pages import limitations
from predictions.notices import INTENDED_USE
from predictions.tests.conftest import with_role

SVG = re.compile(r"<svg .*?</svg>", re.S)

pytestmark = pytest.mark.usefixtures("no_kept_trees")


def card(version) -> str:
    return f"/models/{version.version}/"


def svg_of(html: str) -> ET.Element:
    (markup,) = SVG.findall(html)
    return ET.fromstring(markup)


def node_ids(svg: ET.Element, on_path: bool = False) -> set[int]:
    groups = svg.iter("{http://www.w3.org/2000/svg}g")
    return {
        int(g.get("data-node"))
        for g in groups
        if "tree-node" in g.get("class", "").split()
        and (not on_path or "on-path" in g.get("class", "").split())
    }


def test_the_card_asks_anonymous_visitors_to_log_in(client, active_model):
    response = client.get(card(active_model))

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/models/")


def test_a_prescriber_sees_the_card_with_the_whole_tree_drawn(
    user_client, active_model
):
    response = user_client.get(card(active_model))

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(INTENDED_USE) in html
    assert active_model.version in html
    export = active_model.verify().export
    svg = svg_of(html)
    assert node_ids(svg) == set(range(len(export["left"])))
    assert node_ids(svg, on_path=True) == set()  # no patient on the card


@pytest.mark.parametrize("role", ["auditor", "model_manager"])
def test_auditors_and_model_managers_see_the_card(
    role, django_user_model, active_model
):
    account = django_user_model.objects.create_user(username=f"the-{role}")
    client = Client()
    client.force_login(with_role(account, role))

    assert client.get(card(active_model)).status_code == 200


def test_a_superuser_sees_the_card(admin_client, active_model):
    assert admin_client.get(card(active_model)).status_code == 200


@pytest.mark.parametrize("is_staff", [False, True])
def test_an_account_without_a_role_is_refused_even_with_the_staff_flag(
    django_user_model, active_model, is_staff
):
    client = Client()
    nobody = django_user_model.objects.create_user(username="nobody", is_staff=is_staff)
    client.force_login(nobody)

    assert client.get(card(active_model)).status_code == 403


def test_an_unknown_version_is_not_found(user_client, active_model):
    assert user_client.get("/models/20990101-000000-deadbeef/").status_code == 404


def test_the_card_shows_training_data_cv_calibration_and_coverage(
    user_client, active_model
):
    html = user_client.get(card(active_model)).content.decode()
    metrics, manifest = active_model.metrics, active_model.manifest

    assert manifest["data"]["sha256"] in html
    assert f"<dd>{manifest['data']['rows']}</dd>" in html
    assert "drug200.csv" in html  # the file's name, not the server's path:
    assert str(Path(manifest["data"]["path"]).parent) not in html
    for label, row in zip(*metrics["confusion_matrix"].values(), strict=True):
        assert f'<span class="label">{label}</span>' in html
        assert f'<span class="pct">{sum(row)}</span>' in html  # class balance
    assert metrics["cv"]["scheme"] in html
    assert f"{metrics['calibration']['vote']['brier']:.5f}" in html
    assert f"{metrics['calibration']['vote']['ece']:.4f}" in html
    conformal = metrics["conformal"]
    assert f"Stated <strong>{conformal['stated']:.3f}</strong>" in html
    assert f"measured <strong>{conformal['measured']:.3f}</strong>" in html
    assert f"{conformal['set_sizes']['0']:.1%}" in html  # the empty sets, shown
    assert "min_samples_leaf" in html
    assert manifest["libraries"]["scikit-learn"] in html
    assert "may be empty" in html


def test_the_confusion_matrix_is_a_heat_map_of_every_cell(user_client, active_model):
    html = user_client.get(card(active_model)).content.decode()
    table = re.search(r'<table class="heat".*?</table>', html, re.S).group()
    labels = active_model.metrics["confusion_matrix"]["labels"]

    cells = re.findall(r'<td style="background-color: rgba\(([^)]*)\)', table)
    assert len(cells) == len(labels) ** 2
    diagonal = [cells[i * len(labels) + i] for i in range(len(labels))]
    assert all(c.startswith("31, 111, 235, ") for c in diagonal)  # all right: full


def test_a_heat_cell_is_blue_when_right_red_when_wrong_and_clear_when_empty():
    right, wrong = heat_cell(9, 10, True), heat_cell(1, 10, False)
    empty = heat_cell(0, 10, False)

    assert right.style.startswith("background-color: rgba(31, 111, 235, 0.908)")
    assert "color: #fff" in right.style
    assert wrong.style.startswith("background-color: rgba(180, 35, 24, 0.172)")
    assert "rgba(180, 35, 24, 0)" in empty.style
    assert wrong.title == "1 of 10 (10.0%)"


def test_the_heat_map_rows_are_the_true_drugs_with_their_totals():
    metrics = {"confusion_matrix": {"labels": ["a", "b"], "matrix": [[3, 1], [0, 4]]}}

    heat = confusion_heat(metrics)

    assert heat["labels"] == ["a", "b"]
    assert [(label, total) for label, _, total in heat["rows"]] == [("a", 4), ("b", 4)]
    assert [c.count for c in heat["rows"][0][1]] == [3, 1]


def test_class_balance_comes_from_the_manifest_or_else_the_class_supports():
    metrics = {"confusion_matrix": {"labels": ["a", "b"], "matrix": [[3, 1], [0, 4]]}}

    assert class_balance({"metrics": metrics}) == [("a", 4, 0.5), ("b", 4, 0.5)]
    stated = {"metrics": metrics, "data": {"classes": {"a": 1, "b": 3}}}
    assert class_balance(stated) == [("a", 1, 0.25), ("b", 3, 0.75)]


def test_an_older_version_without_calibration_says_so(user_client, active_model):
    for key in ("calibration", "conformal"):
        active_model.metrics.pop(key)
    active_model.save(update_fields=["metrics"])

    html = user_client.get(card(active_model)).content.decode()

    assert "Not measured for this version" in html
    assert "states no coverage" in html
    assert coverage(active_model.metrics) == {}
    assert not any("may be empty" in text for text in limitations({}))


def test_the_card_of_an_inactive_version_draws_its_verified_tree(
    user_client, active_model
):
    type(active_model).objects.update(is_active=False)
    predictor.clear_cache()

    html = user_client.get(card(active_model)).content.decode()

    assert "Not active" in html
    nodes = len(active_model.verify().export["left"])
    assert node_ids(svg_of(html)) == set(range(nodes))


def test_the_card_of_a_version_whose_artifact_is_gone_still_shows_its_figures(
    user_client, active_model
):
    type(active_model).objects.update(is_active=False)
    predictor.clear_cache()
    active_model.path.unlink()

    response = user_client.get(card(active_model))

    assert response.status_code == 200
    assert "The tree cannot be drawn" in response.content.decode()


def test_the_model_api_links_its_card_by_absolute_url(user_client, active_model):
    body = user_client.get("/api/v1/model/").json()

    assert body["model_card"] == f"http://testserver{card(active_model)}"
    assert user_client.get(body["model_card"]).status_code == 200


def test_the_model_registry_admin_links_each_card(admin_client, active_model):
    listed = admin_client.get(reverse("admin:ml_modelversion_changelist"))
    change = reverse("admin:ml_modelversion_change", args=[active_model.pk])

    link = f'<a href="{card(active_model)}">Model card</a>'
    assert link in listed.content.decode()
    assert link in admin_client.get(change).content.decode()
