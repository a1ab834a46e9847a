"""Training metrics as a text report for people (``train_model`` prints it)."""


def format_report(metrics: dict) -> str:
    """The metrics as a readable text report."""
    cv = metrics["cv"]
    folds = ", ".join(f"{s:.3f}" for s in cv["folds"])
    lines = [
        f"Cross-validated accuracy: {cv['mean']:.4f} ± {cv['std']:.4f} "
        f"({cv['scheme']})",
        f"  fold scores: {folds}",
        f"Training accuracy: {metrics['training_accuracy']:.4f}; tree depth "
        f"{metrics['tree']['depth']}, {metrics['tree']['leaves']} leaves",
        "",
        f"{'drug':<8} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for label, row in metrics["per_class"].items():
        lines.append(
            f"{label:<8} {row['precision']:>9.3f} {row['recall']:>7.3f} "
            f"{row['f1-score']:>6.3f} {int(row['support']):>8}"
        )
    cm = metrics["confusion_matrix"]
    lines += [
        "",
        "Confusion matrix (rows: true, columns: predicted, out-of-fold):",
        " " * 9 + "".join(f"{lab:>7}" for lab in cm["labels"]),
    ]
    for label, row in zip(cm["labels"], cm["matrix"], strict=True):
        lines.append(f"{label:<9}" + "".join(f"{n:>7}" for n in row))
    return "\n".join(lines)
