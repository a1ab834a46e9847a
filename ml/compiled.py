"""A fitted tree compiled to plain Python: encode a row, find its leaf.

Built from ``ml.export``'s plain data, so serving needs neither scikit-learn nor
unpickling. One record walks the arrays with its inputs rounded to float32,
exactly as scikit-learn compares them; batches (``ml.batch``) walk all rows a
level at a time with numpy.
"""

from __future__ import annotations

from array import array

import numpy as np

from ml import features as vocab
from ml.batch import COMBINATIONS, Batch

EXPORT_FORMAT = "drugsite-tree-1"


class CompiledTree:
    """The tree's arrays, encoders and classes as Python lists and numpy arrays."""

    def __init__(self, export: dict):
        if export.get("format") != EXPORT_FORMAT:
            raise ValueError(f"unknown tree export format {export.get('format')!r}")
        self.export = export  # what else the artifact serves beside the tree
        self.columns: list[str] = export["columns"]
        self.codes: dict[str, dict[str, float]] = {
            name: {value: float(i) for i, value in enumerate(values)}
            for name, values in export["codes"].items()
        }
        #: Position in FEATURES order of each of the model's input columns.
        self.take = [vocab.FEATURES.index(name) for name in self.columns]
        self.encoders = [
            (i, self.codes.get(name))
            for name, i in zip(self.columns, self.take, strict=True)
        ]
        self.left, self.right = export["left"], export["right"]
        self.feature, self.threshold = export["feature"], export["threshold"]
        self.value: list[list[float]] = export["value"]
        self.classes: list[str] = export["classes"]
        self.value_argmax = [max(range(len(v)), key=v.__getitem__) for v in self.value]
        self.arrays = tuple(
            np.asarray(a) for a in (self.left, self.right, self.feature, self.threshold)
        )
        self.depth = self.max_depth()
        self.sources = [self.source(name) for name in self.columns]

    def source(self, name: str) -> np.ndarray | int:
        """Where a batch finds an input column: its code per category combination,
        or the position of the number in ``Batch.float32``."""
        if name not in self.codes:
            return vocab.NUMERIC.index(name)
        k, codes = vocab.CATEGORICAL.index(name), self.codes[name]
        return np.array([codes[c[k]] for c in COMBINATIONS], dtype=np.float32)

    @property
    def leaves(self) -> list[int]:
        return [node for node, child in enumerate(self.left) if child == -1]

    def max_depth(self) -> int:
        depth, frontier = 0, [0]
        while frontier:
            frontier = [
                c
                for n in frontier
                if self.left[n] != -1
                for c in (self.left[n], self.right[n])
            ]
            depth += 1 if frontier else 0
        return depth

    def path_to(self, leaf: int) -> list[tuple[int, bool]]:
        """The (node, went_left) steps from a leaf up to the root."""
        parents = {}
        for node, (lo, hi) in enumerate(zip(self.left, self.right, strict=True)):
            if lo != -1:
                parents[lo], parents[hi] = (node, True), (node, False)
        steps = []
        while leaf in parents:
            leaf, went_left = parents[leaf]
            steps.append((leaf, went_left))
        return steps

    def encode(self, row: tuple) -> list[float]:
        """A row in FEATURES order as the model's float inputs."""
        return [
            float(row[i]) if codes is None else codes[row[i]]
            for i, codes in self.encoders
        ]

    def leaf_of(self, row: tuple) -> int:
        """Walk the tree with float32 inputs, as scikit-learn compares them."""
        x = array("f", self.encode(row))
        left, right = self.left, self.right
        feature, threshold = self.feature, self.threshold
        node = 0
        while left[node] != -1:
            node = left[node] if x[feature[node]] <= threshold[node] else right[node]
        return node

    def encode_many(self, batch: Batch) -> np.ndarray:
        """A batch as the model's float32 input matrix."""
        X = np.empty((len(batch), len(self.sources)), dtype=np.float32)
        for j, source in enumerate(self.sources):
            if isinstance(source, int):
                X[:, j] = batch.float32[:, source]
            else:
                X[:, j] = source[batch.combination]
        return X

    def walk(self, X: np.ndarray) -> np.ndarray:
        """Leaf of every row of float32 inputs, all rows a level at a time."""
        left, right, feature, threshold = self.arrays
        rows, node = np.arange(len(X)), np.zeros(len(X), dtype=np.intp)
        for _ in range(self.depth):
            inner = left[node] != -1
            go_left = X[rows, np.maximum(feature[node], 0)] <= threshold[node]
            node = np.where(inner, np.where(go_left, left[node], right[node]), node)
        return node
