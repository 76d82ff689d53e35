"""Score the harm-claim classifier on the labelled references, per language.

    python scripts/eval_harm_refs.py --data ../shared/data --split test
    python scripts/eval_harm_refs.py --data ../shared/data --split test --errors

Reads `nlp/harm_data/labels.jsonl`, resolves the posts from the data folder (see
`build_harm_set.py`) and prints precision, recall and F1 per language and overall.
Exit status 2 when a reference does not resolve.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_harm_set import (  # noqa: E402
    DEFAULT_LABELS,
    SPLITS,
    ReferenceError,
    materialise,
    read_labels,
)

MAIN_LANGUAGES = ("en", "de", "id", "th")


def evaluate(
    rows: list[dict[str, Any]], threshold: float | None = None
) -> tuple[dict[str, dict[str, float]], list[tuple[dict[str, Any], float]]]:
    """Metrics per language (plus "all" and "other") and the misclassified rows."""
    from api.services.analysis import harm_classifier_for
    from nlp.harm import HarmClassifier, harm_metrics
    from nlp.sentiment import load_sentiment_model

    # As the analysis stage scores posts: with the default sentiment model's encoder
    # for the semantic head.
    clf = harm_classifier_for(load_sentiment_model(), HarmClassifier(threshold=threshold))
    results = clf.predict([r["text"] for r in rows], [r["lang"] for r in rows])
    groups: dict[str, tuple[list[int], list[bool]]] = defaultdict(lambda: ([], []))
    errors = []
    for row, res in zip(rows, results, strict=True):
        lang = row["lang"] if row["lang"] in MAIN_LANGUAGES else "other"
        for key in (lang, "all"):
            groups[key][0].append(row["label"])
            groups[key][1].append(res.is_claim)
        if bool(row["label"]) != res.is_claim:
            errors.append((row, res.probability))
    metrics = {k: harm_metrics(y, p) for k, (y, p) in groups.items()}
    return metrics, errors


def format_table(metrics: dict[str, dict[str, float]]) -> str:
    """A plain-text table: language, n, positives, tp, fp, fn, precision, recall, F1."""
    lines = ["lang   n     pos  tp   fp   fn   precision recall f1"]
    order = [k for k in (*MAIN_LANGUAGES, "other", "all") if k in metrics]
    for key in order:
        m = metrics[key]
        pos = int(m["tp"] + m["fn"])
        lines.append(
            f"{key:<6} {int(m['n']):<5} {pos:<4} {int(m['tp']):<4} {int(m['fp']):<4} "
            f"{int(m['fn']):<4} {m['precision']:<9.3f} {m['recall']:<6.3f} {m['f1']:.3f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--threshold", type=float, default=None, help="override threshold")
    parser.add_argument("--errors", action="store_true", help="list misclassified posts")
    parser.add_argument("--json", action="store_true", help="print metrics as JSON")
    args = parser.parse_args(argv)
    try:
        rows = materialise(read_labels(args.labels), args.data, args.split)
    except ReferenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    metrics, errors = evaluate(rows, args.threshold)
    if args.json:
        print(json.dumps(metrics, indent=2))
    else:
        print(f"split={args.split} posts={len(rows)}")
        print(format_table(metrics))
    if args.errors:
        for row, p in errors:
            kind = "FN" if row["label"] else "FP"
            text = row["text"].replace("\n", " ")[:200]
            print(f"{kind} {row['lang']} p={p:.2f} {row['file']}:{row['line']} | {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
