"""Materialise the harm-claim references into a labelled set, and retrain the weights.

The labels in `nlp/harm_data/labels.jsonl` point at posts in the shared data folder
(file + 1-based line + a short sha1 of the text): the data's licence forbids copying the
posts into the repository, so this script reads them from the data folder.

    # rows {text, label, lang} for `groundswell eval harm --data FILE.jsonl`
    python scripts/build_harm_set.py --data ../shared/data --out /tmp/harm_test.jsonl --split test

    # retrain nlp/harm_data/harm_lr.json and harm_ngram_th.npz on the train split
    # (the shipped lexical weights, Thai n-gram scorer and their CV-picked blend)
    OMP_NUM_THREADS=1 python scripts/build_harm_set.py --data ../shared/data --train

    # retrain the English semantic head (harm_semantic_en.json) on the default sentiment
    # model's vectors: English train-split references plus the hand-written sets
    OMP_NUM_THREADS=2 python scripts/build_harm_set.py --data ../shared/data --semantic

Exit status 2 when a referenced line is missing or its text changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_LABELS = ROOT / "nlp" / "harm_data" / "labels.jsonl"
DEFAULT_WEIGHTS = ROOT / "nlp" / "harm_data" / "harm_lr.json"
DEFAULT_SEMANTIC = ROOT / "nlp" / "harm_data" / "harm_semantic_en.json"
SEMANTIC_TRAINING_SETS = ("handwritten_dev.jsonl", "handwritten_sealed.jsonl")
"""Hand-written posts the semantic head also learns from (`handwritten_sealed_c.jsonl` and
`handwritten_sealed_d.jsonl`, written later, are kept out: they were its checks)."""
SPLITS = ("train", "test", "all")


class ReferenceError(Exception):
    """A reference points at a missing line or at text that has changed."""


def text_sha1(text: str) -> str:
    """Short sha1 of a post's text, as stored in the references."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def read_labels(path: Path) -> list[dict[str, Any]]:
    """Read the reference file (JSON Lines)."""
    refs = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            ref = json.loads(line)
            missing = {"file", "line", "label", "lang", "split", "sha1"} - set(ref)
            if missing:
                raise ReferenceError(f"{path}:{n}: reference lacks {sorted(missing)}")
            refs.append(ref)
    return refs


def materialise(
    refs: list[dict[str, Any]], data_dir: Path, split: str = "all"
) -> list[dict[str, Any]]:
    """Turn references into rows {text, label, lang, split, file, line}.

    Raises:
        ReferenceError: A referenced file or line is missing, or its text changed.
    """
    cache: dict[str, list[str]] = {}
    rows = []
    problems = []
    for ref in refs:
        if split != "all" and ref["split"] != split:
            continue
        rel = ref["file"]
        if rel not in cache:
            source = data_dir / rel
            if not source.is_file():
                raise ReferenceError(f"{source}: referenced data file not found")
            cache[rel] = source.read_text(encoding="utf-8").splitlines()
        lines = cache[rel]
        number = int(ref["line"])
        if not 1 <= number <= len(lines):
            problems.append(f"{rel}:{number}: line missing (file has {len(lines)} lines)")
            continue
        record = json.loads(lines[number - 1])
        text = record.get("text", "")
        if text_sha1(text) != ref["sha1"]:
            problems.append(
                f"{rel}:{number}: text changed (sha1 {text_sha1(text)} != {ref['sha1']})"
            )
            continue
        rows.append(
            {
                "text": text,
                "label": int(ref["label"]),
                "lang": ref["lang"],
                "split": ref["split"],
                "file": rel,
                "line": number,
            }
        )
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ReferenceError(f"{len(problems)} references do not resolve:\n  {shown}{more}")
    return rows


def summary(rows: list[dict[str, Any]]) -> str:
    """Counts per language, label and split."""
    counts = Counter((r["lang"], r["split"], r["label"]) for r in rows)
    langs = sorted({r["lang"] for r in rows})
    lines = ["lang  split  pos   neg"]
    for lang in langs:
        for split in ("train", "test"):
            pos, neg = counts[(lang, split, 1)], counts[(lang, split, 0)]
            if pos or neg:
                lines.append(f"{lang:<5} {split:<6} {pos:>4} {neg:>5}")
    return "\n".join(lines)


def train(
    rows: list[dict[str, Any]], out: Path, c: float, ngram_c: float | None = 10.0
) -> dict[str, Any]:
    """Fit the logistic model (and the n-gram scorer) and write the weights JSON.

    With `ngram_c`, the Thai character n-gram scorer is trained too, written beside
    `out`, and its blend weight and threshold (5-fold CV) are stored under "blend".
    """
    from nlp.harm import fit_harm_blend, fit_harm_weights

    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    langs = [r["lang"] for r in rows]
    weights = fit_harm_weights(texts, labels, langs, c=c)
    weights["trained_on"] = "nlp/harm_data/labels.jsonl split=train"
    weights["languages"] = dict(sorted(Counter(r["lang"] for r in rows).items()))
    if ngram_c is not None:
        blend, scorer = fit_harm_blend(texts, labels, langs, c=c, ngram_c=ngram_c)
        scorer.save(out.parent / blend["model"])
        weights["blend"] = blend
    out.write_text(json.dumps(weights, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return weights


def train_semantic(rows: list[dict[str, Any]], out: Path, c: float = 1.0) -> dict[str, Any]:
    """Fit the English semantic head on the default sentiment model's vectors.

    Rows: the English train-split references plus the hand-written sets in
    `SEMANTIC_TRAINING_SETS`. The threshold is picked by 5-fold CV for precision >= 0.9
    of "lexical claim or semantic score >= threshold" (`nlp.harm.fit_semantic_head`).
    """
    from nlp.harm import HarmClassifier, fit_semantic_head
    from nlp.sentiment import load_sentiment_model

    data = [r for r in rows if r["lang"] == "en"]
    for name in SEMANTIC_TRAINING_SETS:
        path = ROOT / "nlp" / "harm_data" / name
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and row.get("lang") == "en":
                data.append(row)
    texts = [r["text"] for r in data]
    labels = [int(r["label"]) for r in data]
    lexical = HarmClassifier(semantic=None)
    lex = [r.probability for r in lexical.predict(texts, ["en"] * len(texts))]
    sentiment: Any = load_sentiment_model()
    vectors = sentiment.embed(texts)
    scorer, report = fit_semantic_head(
        vectors, labels, lex, lexical.threshold, encoder=str(sentiment.encoder_id), c=c
    )
    scorer.meta["trained_on"] = (
        "nlp/harm_data/labels.jsonl split=train lang=en + " + " + ".join(SEMANTIC_TRAINING_SETS)
    )
    scorer.save(out)
    return {"n": len(labels), "positives": sum(labels), "threshold": scorer.threshold,
            "cv": report}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="reference file")
    parser.add_argument("--out", type=Path, help="write rows {text, label, lang} here (JSONL)")
    parser.add_argument("--split", choices=SPLITS, default="all", help="which split to write")
    parser.add_argument(
        "--train", action="store_true", help="retrain the weights on the train split"
    )
    parser.add_argument(
        "--semantic", action="store_true", help="retrain the English semantic head"
    )
    parser.add_argument("--weights-out", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument("--semantic-out", type=Path, default=DEFAULT_SEMANTIC)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument(
        "--ngram-c", type=float, default=10.0, help="inverse L2 strength of the n-gram scorer"
    )
    parser.add_argument(
        "--no-ngram", action="store_true", help="lexical model only (no n-gram scorer or blend)"
    )
    args = parser.parse_args(argv)

    if not args.out and not args.train and not args.semantic:
        parser.error("nothing to do: give --out FILE, --train and/or --semantic")
    try:
        refs = read_labels(args.labels)
        if args.out:
            rows = materialise(refs, args.data, args.split)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            with args.out.open("w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write(
                        json.dumps(
                            {"text": r["text"], "label": r["label"], "lang": r["lang"]},
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
            print(f"wrote {len(rows)} rows ({args.split}) to {args.out}")
            print(summary(rows))
        if args.train:
            rows = materialise(refs, args.data, "train")
            ngram_c = None if args.no_ngram else args.ngram_c
            weights = train(rows, args.weights_out, args.c, ngram_c)
            print(f"trained on {weights['n_train']} posts ({weights['n_positive']} positive)")
            print(f"wrote {args.weights_out}")
            if "blend" in weights:
                blend = weights["blend"]
                print(
                    f"wrote {args.weights_out.parent / blend['model']} (model_weight "
                    f"{blend['model_weight']}, threshold {blend['threshold']}, "
                    f"CV F1 {blend['cv_f1']})"
                )
        if args.semantic:
            report = train_semantic(materialise(refs, args.data, "train"), args.semantic_out)
            chosen = report["cv"][f"{report['threshold']:.2f}"]
            print(
                f"wrote {args.semantic_out}: {report['n']} English posts "
                f"({report['positives']} claims), threshold {report['threshold']}, CV "
                f"lexical {report['cv']['lexical']} -> with the head {chosen}"
            )
    except ReferenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
