"""Classification metrics for sentiment evaluation, overall and per language.

Plain numpy, no scikit-learn: `groundswell eval sentiment --json` prints the dict
that `classification_report` returns. Macro averages follow scikit-learn's
convention for `average="macro"` with its default label set: they average over the
labels that occur in `y_true` or `y_pred`, and a label whose precision or recall is
0/0 counts as 0. A per-language slice in which, say, no post is negative and none is
predicted negative is therefore not penalised for the missing class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

DEFAULT_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
UNKNOWN_LANGUAGE = "und"
"""Key used in `per_lang` for items whose language is None or empty (ISO 639-2 'und')."""


def _encode(values: Sequence[str], index: dict[str, int], name: str) -> np.ndarray:
    try:
        return np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))
    except KeyError as e:
        raise ValueError(f"{name} holds unknown label {e.args[0]!r}; expected {list(index)}") from e


def _confusion(t: np.ndarray, p: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


def _summary(cm: np.ndarray) -> dict[str, Any]:
    n = int(cm.sum())
    tp = np.diag(cm).astype(np.float64)
    support = cm.sum(axis=1).astype(np.float64)
    predicted = cm.sum(axis=0).astype(np.float64)
    present = (support + predicted) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(support > 0, tp / support, 0.0)
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        denom = precision + recall
        f1 = np.where(denom > 0, 2 * precision * recall / denom, 0.0)
    if n == 0 or not present.any():
        return {"n": 0, "accuracy": 0.0, "macro_recall": 0.0, "macro_f1": 0.0}
    return {
        "n": n,
        "accuracy": float(tp.sum() / n),
        "macro_recall": float(recall[present].mean()),
        "macro_f1": float(f1[present].mean()),
    }


def classification_report(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    langs: Sequence[str | None] | None = None,
    labels: Sequence[str] = DEFAULT_LABELS,
) -> dict[str, Any]:
    """Accuracy, macro recall, macro F1 and confusion matrix, overall and per language.

    Args:
        y_true: Gold labels, each one of `labels`.
        y_pred: Predicted labels, same length and vocabulary as `y_true`.
        langs: Optional language code per item; None or "" is reported under
            `UNKNOWN_LANGUAGE`. When omitted, `per_lang` is an empty dict.
        labels: The label order used for the confusion matrix.

    Returns:
        A JSON-serialisable dict with keys `n`, `accuracy`, `macro_recall`,
        `macro_f1`, `labels` (the order used), `per_lang` (language -> dict with
        `n`, `accuracy`, `macro_recall`, `macro_f1`; sorted by language) and
        `confusion` (nested lists, rows = true label, columns = predicted label, in
        `labels` order). On empty input the scores are 0.0 and `n` is 0.

    Raises:
        ValueError: If the sequences differ in length, a label is not in `labels`,
            or `labels` has duplicates.
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} items but y_pred has {len(y_pred)}")
    if langs is not None and len(langs) != len(y_true):
        raise ValueError(f"langs has {len(langs)} items but y_true has {len(y_true)}")
    if len(set(labels)) != len(labels):
        raise ValueError("labels must be unique")
    index = {label: i for i, label in enumerate(labels)}
    k = len(labels)
    t = _encode(y_true, index, "y_true")
    p = _encode(y_pred, index, "y_pred")
    cm = _confusion(t, p, k)
    report: dict[str, Any] = _summary(cm)
    report["labels"] = list(labels)
    per_lang: dict[str, dict[str, Any]] = {}
    if langs is not None:
        keys = np.array([lang or UNKNOWN_LANGUAGE for lang in langs], dtype=object)
        for lang in sorted(set(keys.tolist())):
            mask = keys == lang
            per_lang[lang] = _summary(_confusion(t[mask], p[mask], k))
    report["per_lang"] = per_lang
    report["confusion"] = cm.tolist()
    return report
