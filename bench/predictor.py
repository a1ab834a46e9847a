"""In-process prediction speed: drugsite's predictor beside scikit-learn itself.

Reports single-record latency (median, p99) with probabilities, explanation and
warnings, and batch throughput for 10,000 records, beside two references measured
in the same run: scikit-learn's predict_proba on one row, and a bare walk of the
fitted tree's arrays. Targets: single <= 25 us median, batch >= 300,000 records/s
(wall clock; its CPU time and the load average beside it, for a shared machine).
"""

from __future__ import annotations

import gc
import os
import platform
import random
import statistics
import time

SINGLE_TARGET_US, BATCH_TARGET = 25.0, 300_000


def setup():
    """Train on the bundled data and compile, exactly as the server loads a model."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugsite.settings")
    import django

    django.setup()
    import tempfile
    from pathlib import Path

    from django.conf import settings

    from ml.artifacts import MODEL_FILE
    from ml.models import ModelVersion
    from ml.predictor import load
    from ml.services import artifact_train

    store = Path(tempfile.mkdtemp(prefix="bench-store-"))
    trained = artifact_train(data=settings.ML_DEFAULT_DATASET, store=store)
    manifest = trained.manifest
    row = ModelVersion(  # unsaved: the server's loading path without a database
        id=0,
        version=manifest["version"],
        artifact_path=str(trained.folder / MODEL_FILE),
        feature_schema=manifest["features"],
        metrics=manifest["metrics"],
        manifest=manifest,
    )
    return trained.result.pipeline, load(row, ())


def records(n: int, seed: int = 1):
    """Patients in the training data's ranges (no extrapolation warnings)."""
    from ml.features import random_record

    rng = random.Random(seed)
    ranges = {"Age": (15, 74), "Na_to_K": (6.0, 38.0)}
    return [random_record(rng, ranges) for _ in range(n)]


def timings_us(fn, args_list, repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        arg = args_list[i % len(args_list)]
        start = time.perf_counter_ns()
        fn(arg)
        out.append((time.perf_counter_ns() - start) / 1000)
    return out


def bare_walk(tree):
    left, right, feature, threshold = (
        tree.left,
        tree.right,
        tree.feature,
        tree.threshold,
    )

    def walk(x):
        node = 0
        while left[node] != -1:
            node = left[node] if x[feature[node]] <= threshold[node] else right[node]
        return node

    return walk


def summary(name: str, values: list[float]) -> tuple[str, float, float]:
    ordered = sorted(values)
    return name, statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def main() -> None:
    import numpy as np

    from ml.training import to_frame

    pipeline, predictor = setup()
    sample = records(1000)
    frames = [to_frame([r]) for r in sample[:200]]
    encoded = [
        np.array([predictor.answerer.tree.encode(r.as_row())], dtype=np.float32)
        for r in sample[:200]
    ]
    walk, plain = (
        bare_walk(predictor.answerer.tree),
        [predictor.answerer.tree.encode(r.as_row()) for r in sample],
    )
    gc.collect()
    gc.freeze()  # as a preloaded server worker: startup objects leave the GC's scans
    estimator = pipeline.named_steps["tree"]
    rows = [
        summary(
            "drugsite predict([record]) (answer + probabilities + "
            "explanation + warnings)",
            timings_us(lambda r: predictor.predict([r]), sample, 50_000),
        ),
        summary(
            "reference: DecisionTreeClassifier.predict_proba(one encoded row)",
            timings_us(estimator.predict_proba, encoded, 3_000),
        ),
        summary(
            "reference: Pipeline.predict_proba(one-row DataFrame)",
            timings_us(pipeline.predict_proba, frames, 1_000),
        ),
        summary(
            "reference: bare walk of the tree's arrays (leaf only)",
            timings_us(walk, plain, 100_000),
        ),
    ]
    batch = records(10_000, seed=2)
    rates, cpu_rates, load = [], [], os.getloadavg()[0]
    for _ in range(21):
        start, cpu = time.perf_counter(), time.process_time()
        predictor.predict(batch)
        cpu_rates.append(len(batch) / (time.process_time() - cpu))
        rates.append(len(batch) / (time.perf_counter() - start))
    single = rows[0][1]
    print(
        f"\n## Predictor (in process) on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
    )
    print(f"| {'what':<78} | median µs | p99 µs |")
    print(f"|{'-' * 80}|----------:|-------:|")
    for name, med, p99 in rows:
        print(f"| {name:<78} | {med:9.2f} | {p99:6.2f} |")
    ratio = rows[1][1] / single
    print(
        f"\nsingle record: {single:.2f} µs median (target ≤ {SINGLE_TARGET_US:g}: "
        f"{'met' if single <= SINGLE_TARGET_US else 'MISSED'}); "
        f"{ratio:.1f}× faster than scikit-learn's own predict_proba on one row"
    )
    rate = statistics.median(rates)
    print(
        f"batch of {len(batch):,}: {rate:,.0f} records/s median of {len(rates)} runs "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f}; target ≥ {BATCH_TARGET:,}: "
        f"{'met' if rate >= BATCH_TARGET else 'MISSED'}); in CPU time "
        f"{statistics.median(cpu_rates):,.0f} records/s; load average {load:.2f} "
        f"before, {os.getloadavg()[0]:.2f} after"
    )
