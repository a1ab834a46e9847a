"""ml.treesvg: the drawn tree is well-formed, complete, laid out tidily and escaped."""

import json
import random
import re
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from ml import features as vocab
from ml.compiled import CompiledTree
from ml.reference import EXAMPLES
from ml.treelayout import split_labels, tree_path
from ml.treesvg import HIGHLIGHT, tree_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture(scope="module")
def served(trained_store) -> tuple[dict, int]:
    """The compiled tree of the bundled-data model, and how many rows trained it."""
    folder = trained_store / (trained_store / "VERSION").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    export = json.loads((folder / manifest["compiled"]["file"]).read_text())
    return export, manifest["data"]["rows"]


def nodes(svg: str, which: str = "tree-node") -> dict[int, ET.Element]:
    """The drawing's node (or edge) groups, by node id (or (from, to) pair)."""
    groups = ET.fromstring(svg).iterfind(".//svg:g", NS)
    found = [g for g in groups if which in g.get("class", "").split()]
    if which == "tree-node":
        return {int(g.get("data-node")): g for g in found}
    return {(int(g.get("data-from")), int(g.get("data-to"))): g for g in found}


def texts(group: ET.Element) -> list[str]:
    return [t.text for t in group.iterfind("svg:text", NS)]


def box(group: ET.Element) -> tuple[float, float, float]:
    """Centre x, top y and width of a node's box."""
    rect = group.find("svg:rect", NS)
    x, w = float(rect.get("x")), float(rect.get("width"))
    return x + w / 2, float(rect.get("y")), w


def test_the_svg_parses_and_has_one_node_element_per_tree_node(served):
    export, rows = served
    root = ET.fromstring(tree_svg(export, rows=rows))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert set(nodes(tree_svg(export))) == set(range(len(export["left"])))
    assert len(nodes(tree_svg(export), "tree-edge")) == len(export["left"]) - 1


@pytest.mark.parametrize(("record", "expected"), EXAMPLES)
def test_the_highlighted_nodes_are_exactly_the_patients_path(served, record, expected):
    export, rows = served
    path = tree_path(export, record.as_row())
    drawn = nodes(tree_svg(export, path, rows))
    lit = {n for n, g in drawn.items() if "on-path" in g.get("class").split()}
    assert lit == set(path)
    assert texts(drawn[path[-1]])[0] == expected
    assert all(
        g.find("svg:rect", NS).get("stroke") == HIGHLIGHT for g in map(drawn.get, lit)
    )
    edges = nodes(tree_svg(export, path, rows), "tree-edge")
    assert {e for e, g in edges.items() if "on-path" in g.get("class")} == set(
        pairwise(path)
    )


def test_tree_path_ends_where_the_compiled_walk_does(served):
    export, _ = served
    tree, rng = CompiledTree(export), random.Random(7)
    rows = [vocab.random_record(rng).as_row() for _ in range(500)]
    for t in set(export["threshold"]) - {-2.0}:
        for na in (t, t + 1e-7, t + 1e-5):  # 1e-7 above: float32 rounds it down
            rows += [(50, "F", bp, "HIGH", na) for bp in vocab.CATEGORIES["BP"]]
    for row in rows:
        path, leaf = tree_path(export, row), tree.leaf_of(row)
        assert path == [n for n, _ in reversed(tree.path_to(leaf))] + [leaf]


def test_splits_read_their_categories_from_the_codes(served):
    export, _ = served
    shown = {" ".join(label) for label in split_labels(export).values()}
    assert {"BP = HIGH", "BP = LOW", "Cholesterol = HIGH"} <= shown
    assert any(re.fullmatch(r"Na_to_K ≤ 14\.8\d*", s) for s in shown)
    assert "Age ≤ 50.5" in shown
    assert not any(re.search(r"(BP|Cholesterol|Sex) ≤", s) for s in shown)


def test_leaves_show_their_drug_and_counts_that_add_up_to_the_rows(served):
    export, rows = served
    leaves = {
        n: g
        for n, g in nodes(tree_svg(export, rows=rows)).items()
        if "leaf" in g.get("class")
    }
    assert len(leaves) == export["left"].count(-1)
    counts = [int(texts(g)[1].removeprefix("n = ")) for g in leaves.values()]
    assert sum(counts) == rows
    assert {texts(g)[0] for g in leaves.values()} <= set(export["classes"])
    shares = [
        texts(g)[1]
        for g in nodes(tree_svg(export)).values()
        if "leaf" in g.get("class")
    ]
    assert all(re.fullmatch(r"\d+\.\d% of rows", s) for s in shares)


def test_leaves_are_spread_evenly_and_parents_centred_without_overlap(served):
    export, _ = served
    drawn = {n: box(g) for n, g in nodes(tree_svg(export)).items()}
    left, right = export["left"], export["right"]
    leaves = sorted(drawn[n][0] for n in drawn if left[n] == -1)
    gaps = [b - a for a, b in pairwise(leaves)]
    assert max(gaps) - min(gaps) < 0.2  # positions are written with 1 decimal
    for n in (n for n in drawn if left[n] != -1):
        assert drawn[n][0] == pytest.approx(
            (drawn[left[n]][0] + drawn[right[n]][0]) / 2, abs=0.11
        )
    for level in {y for _, y, _ in drawn.values()}:
        row = sorted((x - w / 2, x + w / 2) for x, y, w in drawn.values() if y == level)
        assert all(a[1] < b[0] for a, b in pairwise(row))


def test_the_drawing_scales_and_is_labelled_for_screen_readers(served):
    export, rows = served
    path = tree_path(export, EXAMPLES[0][0].as_row())
    root = ET.fromstring(tree_svg(export, path, rows))
    assert root.get("role") == "img"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert "max-width:100%" in root.get("style")
    assert root[0].tag.endswith("title")
    assert root[0].text == root.get("aria-label")
    assert root.get("aria-label").endswith("Highlighted path: " + "; ".join(
        [f"Na_to_K ≤ {split_labels(export)[0][1][2:]}: yes", "BP = HIGH: no",
         "BP = LOW: yes", "Cholesterol = HIGH: yes", "drugC."]
    ))  # fmt: skip


def test_every_text_from_the_export_is_escaped():
    nasty = '<script>alert("x")</script> & \' "'
    export = {
        "columns": [nasty], "codes": {nasty: ["F", nasty]},
        "left": [1, -1, -1], "right": [2, -1, -1], "feature": [0, -2, -2],
        "threshold": [0.5, -2.0, -2.0], "value": [[2, 2], [2, 0], [0, 2]],
        "classes": [nasty, "drug</text>"],
    }  # fmt: skip
    svg = tree_svg(export, [0, 2])
    root = ET.fromstring(svg)  # well-formed whatever the names
    assert "<script" not in svg
    assert not root.findall(".//svg:script", NS)
    assert [texts(g) for g in nodes(svg).values()][1:] == [
        [nasty, "50.0% of rows"],
        ["drug</text>", "50.0% of rows"],
    ]
    assert nasty in root.get("aria-label")


@pytest.mark.parametrize("path", [[1], [0, 5], [0, 1, 3, 4], [0, 10, 3]])
def test_a_path_that_does_not_follow_the_tree_is_refused(served, path):
    with pytest.raises(ValueError, match="not a path from the root"):
        tree_svg(served[0], path)
