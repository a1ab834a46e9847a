"""The original tutorial's design, re-implemented as the baseline to beat.

A Flask app whose ``GET /drug`` builds the label-encoded feature row by hand,
predicts with a pickled ``DecisionTreeClassifier`` and answers
``{"recommended_drug": ...}``. As in the tutorial, the model is unpickled on every
call; with ``TUTORIAL_CACHE_MODEL=1`` it is loaded once (the fairer baseline).
Nothing is logged, validated or explained.
"""

import os
import pickle

from flask import Flask, jsonify, request

MODEL_PATH = os.environ.get("TUTORIAL_MODEL", "model.pkl")
CACHE = os.environ.get("TUTORIAL_CACHE_MODEL") == "1"
# The tutorial's LabelEncoder codes (alphabetical).
SEX = {"F": 0, "M": 1}
BP = {"HIGH": 0, "LOW": 1, "NORMAL": 2}
CHOLESTEROL = {"HIGH": 0, "NORMAL": 1}

app = Flask(__name__)
_model = None


def load_model():
    with open(MODEL_PATH, "rb") as handle:
        return pickle.load(handle)  # the tutorial's own pickle


if CACHE:
    _model = load_model()


@app.route("/drug")
def drug():
    model = _model if CACHE else load_model()
    return jsonify({"recommended_drug": model.predict([encode(request.args)])[0]})


def encode(values) -> list:
    """A row of the tutorial's label-encoded features, from query args or a CSV row."""
    return [
        int(values["Age"]),
        SEX[values["Sex"]],
        BP[values["BP"]],
        CHOLESTEROL[values["Cholesterol"]],
        float(values["Na_to_K"]),
    ]


def train(out_path: str, csv_path: str) -> None:
    """Train the tutorial's model (label-encoded features, default tree); pickle it."""
    import csv

    from sklearn.tree import DecisionTreeClassifier

    with open(csv_path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    X = [encode(r) for r in rows]
    model = DecisionTreeClassifier().fit(X, [r["Drug"] for r in rows])
    with open(out_path, "wb") as handle:
        pickle.dump(model, handle)
