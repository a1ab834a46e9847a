"""A fitted Pipeline exported as plain data that serving can check and walk.

Training side only (it reads scikit-learn's fitted attributes): the export holds
the encoder's column order and category codes, the tree's arrays and classes,
and reference answers scikit-learn gave, which the compiled walk must reproduce
wherever it is loaded.
"""

from __future__ import annotations

import json
import random

from ml import features as vocab
from ml.compiled import EXPORT_FORMAT, CompiledTree
from ml.training import to_frame
from ml.verification import failing_checks

CHECK_SAMPLES = 300


def export_tree(pipeline) -> dict:
    """The fitted Pipeline's encoder and tree as plain JSON-able data."""
    encode, tree = pipeline.named_steps["encode"], pipeline.named_steps["tree"]
    columns, codes = [], {}
    for _, transformer, names in encode.transformers_:
        if transformer == "drop":
            continue
        columns.extend(names)
        if hasattr(transformer, "categories_"):
            for name, categories in zip(names, transformer.categories_, strict=True):
                codes[name] = [str(c) for c in categories]
    t = tree.tree_
    return {
        "format": EXPORT_FORMAT,
        "columns": [str(c) for c in columns],
        "codes": codes,
        "left": t.children_left.tolist(),
        "right": t.children_right.tolist(),
        "feature": t.feature.tolist(),
        "threshold": t.threshold.tolist(),
        "value": [node[0] for node in t.value.tolist()],
        "classes": [str(c) for c in tree.classes_],
    }


def compile_checked(pipeline, parts: dict | None = None) -> bytes:
    """The export, with `parts` beside the tree (the answers' confidence) and
    scikit-learn's answers for random inputs, self-checked."""
    rng = random.Random(0)
    records = [vocab.random_record(rng) for _ in range(CHECK_SAMPLES)]
    expected = [str(d) for d in pipeline.predict(to_frame(records))]
    export = export_tree(pipeline) | (parts or {})
    export["checks"] = [
        [*r.as_row(), d] for r, d in zip(records, expected, strict=True)
    ]
    failing_checks(CompiledTree(export), export, "new")
    return (json.dumps(export, separators=(",", ":")) + "\n").encode()
