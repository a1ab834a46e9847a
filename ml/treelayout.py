"""Where each node of a compiled tree goes, and what its split says, for drawing."""

from __future__ import annotations

from array import array
from itertools import count, pairwise

from ml import features as vocab

PAD, GAP = 8, 8  # margin and least space between boxes, px at 1:1


def tree_path(export: dict, row: tuple) -> list[int]:
    """Node ids from the root to the row's leaf, walked as ``CompiledTree.leaf_of``."""
    codes, left, right = export["codes"], export["left"], export["right"]
    x = array("f", [
        codes[c].index(row[vocab.FEATURES.index(c)]) if c in codes
        else float(row[vocab.FEATURES.index(c)])
        for c in export["columns"]
    ])  # fmt: skip
    path, feature, cut = [0], export["feature"], export["threshold"]
    while left[n := path[-1]] != -1:
        path.append(left[n] if x[feature[n]] <= cut[n] else right[n])
    return path


def split_labels(export: dict) -> dict[int, tuple[str, str]]:
    """(feature, condition) of every split; categories as still possible there."""
    codes, left, right = export["codes"], export["left"], export["right"]
    labels, stack = {}, [(0, {c: list(v) for c, v in codes.items()})]
    while stack:
        n, allowed = stack.pop()
        if left[n] == -1:
            continue
        name, t = export["columns"][export["feature"][n]], export["threshold"][n]
        if name in codes:
            yes = [v for v in allowed[name] if codes[name].index(v) <= t]
            no = [v for v in allowed[name] if v not in yes]
            text = f"= {yes[0]}" if len(yes) == 1 else f"∈ {{{', '.join(yes)}}}"
            yes, no = {**allowed, name: yes}, {**allowed, name: no}
        else:
            text, yes, no = f"≤ {t:.4f}".rstrip("0").rstrip("."), allowed, allowed
        labels[n] = (name, text)
        stack += [(left[n], yes), (right[n], no)]
    return labels


def shares(export: dict) -> list[float]:
    """Each node's share of the training rows, recovered from its class fractions."""
    left, right = export["left"], export["right"]
    value = [[c / (sum(v) or 1) for c in v] for v in export["value"]]
    share = [1.0] * len(left)
    for n in (n for n in range(len(left)) if left[n] != -1):  # parents come first
        p, a, b = value[n], value[left[n]], value[right[n]]
        k = max(range(len(p)), key=lambda i: abs(a[i] - b[i]))
        w = (p[k] - b[k]) / (a[k] - b[k]) if abs(a[k] - b[k]) > 1e-12 else 0.5
        share[left[n]], share[right[n]] = share[n] * w, share[n] * (1 - w)
    return share


def layout(export: dict, widths: list[float]) -> tuple[list[float], list[int]]:
    """Centre x and depth of each node: leaves evenly spaced, parents centred."""
    left, right, leaves = export["left"], export["right"], count()
    slot, depth = [0.0] * len(left), [0] * len(left)

    def place(n: int, level: int) -> float:
        depth[n] = level
        if left[n] == -1:
            slot[n] = next(leaves)
        else:
            slot[n] = (place(left[n], level + 1) + place(right[n], level + 1)) / 2
        return slot[n]

    place(0, 0)
    step = 0.0
    for level in set(depth):  # neighbours on a level must not overlap
        row = sorted((slot[n], n) for n in range(len(left)) if depth[n] == level)
        for (sa, a), (sb, b) in pairwise(row):
            step = max(step, ((widths[a] + widths[b]) / 2 + GAP) / (sb - sa))
    shift = max(w / 2 - s * step for w, s in zip(widths, slot, strict=True)) + PAD
    return [shift + s * step for s in slot], depth
