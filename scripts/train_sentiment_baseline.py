# ruff: noqa: E402  (thread limits must be set before numpy is imported)
"""Train the bundled n-gram sentiment model and measure it per language.

    python scripts/train_sentiment_baseline.py --data /work/shared/data --out nlp/artifacts/

Reads `<data>/sentiment/*.jsonl` (fields `text`, `label`, `lang`). Splits:

- evaluation: the provided validation files (xlmt_val_*, wisesight_valid_th,
  smsa_valid_id) and, for English SemEval, which has no separate file, a
  document-level hold-out chosen by a hash of the normalised text (so repeated
  texts land on one side);
- calibration: a hash-chosen fraction of the remaining training posts, used only to
  fit the temperature;
- training: the rest, minus any text that also occurs in an evaluation set.

Features are hashed char_wb 1-5-grams plus word 1-2-grams (sublinear TF x IDF, L2
normalised). The model is one multilingual multinomial logistic regression fitted
with L-BFGS. Sample weights balance the classes within each language and give each
language a mass proportional to n_lang ** `--lang-weight-power` (0.5: English, with
half the posts, does not drown the 1,800-post XLM-T languages).

Optionally (`--language-bits 18`) a language-specific copy of the features is added
for the training languages (see `NgramFeatureConfig`; a `--lang-dropout` share of
posts gets no copy so the shared weights also work alone). Measured against the
default: +1.5 to +1.7 macro-F1 points on en and th, -1 on id and -6 on pt, the same
mean over languages, 2.7x the fitting time, and it needs each post's language at
inference, so the bundled model does without it. Evaluation then uses languages
detected by `nlp.langid.LanguageIdentifier`, as in production, and also records
gold-language and no-language scores.

Writes
`sentiment_ngram.npz` and `sentiment_ngram.metrics.json` to `--out`; the metrics are
computed on the saved (float16) model after reloading it, so they describe what
ships.
"""

from __future__ import annotations

import os

# Two shared cores: keep BLAS and OpenMP single-threaded. Must precede numpy import.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.optimize
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.calibration import expected_calibration_error, fit_temperature, softmax
from nlp.langid import LanguageIdentifier
from nlp.metrics import classification_report
from nlp.sentiment import (
    LABELS,
    NgramFeatureConfig,
    NgramFeaturizer,
    NgramSentimentModel,
    model_fingerprint,
)

ARTIFACT_NAME = "sentiment_ngram.npz"
METRICS_NAME = "sentiment_ngram.metrics.json"
ENGLISH_FILE = "semeval2013-2016_en.jsonl"


def text_key(text: str) -> str:
    return " ".join(text.lower().split())


def bucket(text: str, salt: str) -> float:
    """Stable pseudo-random number in [0, 1) from the normalised text."""
    digest = hashlib.sha1((salt + text_key(text)).encode("utf-8")).hexdigest()
    return int(digest[:12], 16) / 16**12


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if row.get("label") in LABELS and isinstance(row.get("text"), str):
                    rows.append(row)
    return rows


def load_splits(
    data_dir: Path, en_test_frac: float, calib_frac: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, list[dict[str, Any]]], int]:
    folder = data_dir / "sentiment"
    if not folder.is_dir():
        raise SystemExit(f"no sentiment folder under {data_dir}")
    evaluation: dict[str, list[dict[str, Any]]] = {}
    pool: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        rows = read_jsonl(path)
        name = path.name
        if name == ENGLISH_FILE:
            for row in rows:
                if bucket(row["text"], "en-test") < en_test_frac:
                    evaluation.setdefault(row["lang"], []).append(row)
                else:
                    pool.append(row)
        elif "_val_" in name or "_valid_" in name:
            for row in rows:
                evaluation.setdefault(row["lang"], []).append(row)
        elif "_train_" in name:
            pool.extend(rows)
    held_out = {text_key(r["text"]) for rows in evaluation.values() for r in rows}
    train, calib = [], []
    dropped = 0
    for row in pool:
        if text_key(row["text"]) in held_out:
            dropped += 1
        elif bucket(row["text"], "calibration") < calib_frac:
            calib.append(row)
        else:
            train.append(row)
    return train, calib, dict(sorted(evaluation.items())), dropped


def balanced_weights(rows: list[dict[str, Any]], lang_power: float) -> np.ndarray:
    """Equal total weight per class within a language; language mass ~ n_lang**power.

    Flattening the label prior inside each language keeps the model from learning
    any one set's label balance (brand traffic differs from all of them).
    """
    per_class = Counter((r["lang"], r["label"]) for r in rows)
    per_lang = Counter(r["lang"] for r in rows)
    present = Counter(lang for lang, _ in per_class)
    w = np.array(
        [
            per_lang[r["lang"]] ** lang_power
            / (present[r["lang"]] * per_class[(r["lang"], r["label"])])
            for r in rows
        ]
    )
    return w / w.mean()


def fit_softmax_regression(
    x: sp.csr_matrix, y: np.ndarray, weights: np.ndarray, l2: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Multinomial logistic regression by L-BFGS; returns (coef (k, F), intercept (k,), iters).

    Minimises sum_i w_i CE_i / sum_i w_i + l2/2 ||W||^2 (bias unpenalised). Columns are
    reordered by frequency first: hashed columns are scattered, and gathering weight
    rows in frequency order keeps them in cache, which makes each pass 2-4x faster.
    """
    n, n_features = x.shape
    k = len(LABELS)
    df = np.bincount(x.indices, minlength=n_features)
    order = np.argsort(-df, kind="stable")
    new_col = np.empty_like(order)
    new_col[order] = np.arange(n_features)
    xp = sp.csr_matrix((x.data, new_col[x.indices].astype(np.int32), x.indptr), shape=x.shape)
    xp.sort_indices()
    xpt = xp.T.tocsr()
    w = (weights / weights.sum()).astype(np.float32)[:, None]
    onehot = np.zeros((n, k), dtype=np.float32)
    onehot[np.arange(n), y] = 1.0

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef = theta[: n_features * k].reshape(n_features, k).astype(np.float32)
        bias = theta[n_features * k :].astype(np.float32)
        z = xp @ coef + bias
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -float((w * onehot * log_p).sum()) + 0.5 * l2 * float(
            np.square(theta[: n_features * k]).sum()
        )
        g = (np.exp(log_p) - onehot) * w
        grad_w = xpt @ g + l2 * coef
        return loss, np.concatenate([grad_w.ravel(), g.sum(axis=0)]).astype(np.float64)

    theta0 = np.zeros(n_features * k + k)
    res = scipy.optimize.minimize(
        objective, theta0, jac=True, method="L-BFGS-B",
        options={"maxiter": max_iter, "gtol": 1e-6, "ftol": 1e-9},
    )  # fmt: skip
    coef_p = res.x[: n_features * k].reshape(n_features, k)
    coef = coef_p[new_col].T  # back to hashed column order, shape (k, F)
    return np.ascontiguousarray(coef), res.x[n_features * k :].copy(), int(res.nit)


def evaluate(
    model: NgramSentimentModel, rows: list[dict[str, Any]], langs: list[str | None]
) -> dict[str, Any]:
    texts = [r["text"] for r in rows]
    y = np.array([LABELS.index(r["label"]) for r in rows])
    logits, _ = model.logits(texts, langs)
    probs_raw = softmax(logits)
    probs = softmax(logits, model.temperature)
    pred = [LABELS[i] for i in probs.argmax(axis=1)]
    report = classification_report([r["label"] for r in rows], pred)
    return {
        "n": report["n"],
        "accuracy": round(report["accuracy"], 4),
        "macro_recall": round(report["macro_recall"], 4),
        "macro_f1": round(report["macro_f1"], 4),
        "ece_before": round(expected_calibration_error(probs_raw, y), 4),
        "ece_after": round(expected_calibration_error(probs, y), 4),
        "confusion": report["confusion"],
        "gold_share": {lab: round(float(np.mean(y == i)), 3) for i, lab in enumerate(LABELS)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", type=Path, required=True, help="folder holding sentiment/*.jsonl")
    ap.add_argument("--out", type=Path, required=True, help="folder for the artifact and metrics")
    ap.add_argument("--hash-bits", type=int, default=19, help="log2 of the hash space (default 19)")
    ap.add_argument("--no-word-ngrams", action="store_true", help="character n-grams only")
    ap.add_argument("--l2", type=float, default=1e-5, help="L2 penalty (default 1e-5)")
    ap.add_argument("--max-iter", type=int, default=150, help="L-BFGS iterations (default 150)")
    ap.add_argument(
        "--language-bits", type=int, default=0, help="log2 of the language block; 0 = none"
    )
    ap.add_argument("--lang-dropout", type=float, default=0.15)
    ap.add_argument("--lang-weight-power", type=float, default=0.5)
    ap.add_argument("--en-test-frac", type=float, default=0.10)
    ap.add_argument("--calib-frac", type=float, default=0.08)
    args = ap.parse_args(argv)

    t_start = time.time()
    train, calib, evaluation, dropped = load_splits(args.data, args.en_test_frac, args.calib_frac)
    print(f"train {len(train)}  calibration {len(calib)}  dropped (in eval sets) {dropped}")
    print("eval", {lang: len(rows) for lang, rows in evaluation.items()})

    train_langs = sorted({r["lang"] for r in train})
    config = NgramFeatureConfig(
        n_features=2**args.hash_bits,
        word_ngram_range=None if args.no_word_ngrams else (1, 2),
        language_bits=args.language_bits,
        languages=tuple(train_langs) if args.language_bits else (),
    )
    featurizer = NgramFeaturizer(config)
    t0 = time.time()
    counts = featurizer.counts([featurizer.prepare(r["text"])[0] for r in train])
    doc_freq = np.bincount(counts.indices, minlength=config.n_features).astype(np.float64)
    idf = (np.log((1 + counts.shape[0]) / (1 + doc_freq)) + 1).astype(np.float32)
    x = featurizer.weight(counts, idf)
    del counts
    block_langs = [
        None if bucket(r["text"], "lang-dropout") < args.lang_dropout else r["lang"] for r in train
    ]
    x = featurizer.add_language_block(x, block_langs)
    y = np.array([LABELS.index(r["label"]) for r in train])
    t_feat = time.time() - t0
    print(f"features {x.shape} nnz/doc {x.nnz / x.shape[0]:.0f} in {t_feat:.0f}s")

    t0 = time.time()
    coef, intercept, iters = fit_softmax_regression(
        x, y, balanced_weights(train, args.lang_weight_power), args.l2, args.max_iter
    )
    t_fit = time.time() - t0
    print(f"fit {iters} L-BFGS iterations in {t_fit:.0f}s")
    del x

    # Temperature is fitted on the float16-rounded weights that will ship.
    coef = coef.astype(np.float16).astype(np.float32)
    version = f"ngram-{datetime.now(UTC):%Y%m%d}-{model_fingerprint(coef, intercept)}"
    model = NgramSentimentModel(
        coef, intercept, idf.astype(np.float16).astype(np.float32), config, 1.0, version
    )
    calib_logits, _ = model.logits([r["text"] for r in calib], [r["lang"] for r in calib])
    calib_y = np.array([LABELS.index(r["label"]) for r in calib])
    temperature = fit_temperature(calib_logits, calib_y)
    print(f"temperature {temperature:.3f}")

    args.out.mkdir(parents=True, exist_ok=True)
    artifact = args.out / ARTIFACT_NAME
    model.with_temperature(temperature).save(artifact)
    shipped = NgramSentimentModel.load(artifact)

    identifier = LanguageIdentifier()
    detected = {
        lang: identifier.detect([r["text"] for r in rows]) for lang, rows in evaluation.items()
    }
    per_lang = {lang: evaluate(shipped, rows, detected[lang]) for lang, rows in evaluation.items()}
    all_rows = [r for rows in evaluation.values() for r in rows]
    overall = evaluate(shipped, all_rows, [d for lang in evaluation for d in detected[lang]])
    variants: dict[str, dict[str, float]] = {}
    if config.language_bits:
        for name, use_gold in (("gold_language", True), ("no_language", False)):
            variants[name] = {
                lang: evaluate(shipped, rows, [lang if use_gold else None] * len(rows))["macro_f1"]
                for lang, rows in evaluation.items()
            }
    langid_accuracy = {
        lang: round(float(np.mean([d == lang for d in detected[lang]])), 4) for lang in evaluation
    }
    calib_probs = softmax(calib_logits, temperature)
    metrics = {
        "model_version": shipped.version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python scripts/train_sentiment_baseline.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "artifact_bytes": artifact.stat().st_size,
        "config": json.loads(config.to_json()),
        "training": {
            "n_train": len(train),
            "n_calibration": len(calib),
            "dropped_overlapping_eval": dropped,
            "train_per_lang": dict(sorted(Counter(r["lang"] for r in train).items())),
            "l2": args.l2,
            "lang_dropout": args.lang_dropout,
            "lang_weight_power": args.lang_weight_power,
            "lbfgs_iterations": iters,
            "seconds_features": round(t_feat, 1),
            "seconds_fit": round(t_fit, 1),
            "seconds_total": round(time.time() - t_start, 1),
        },
        "temperature": round(temperature, 4),
        "calibration_split_ece": {
            "before": round(expected_calibration_error(softmax(calib_logits), calib_y), 4),
            "after": round(expected_calibration_error(calib_probs, calib_y), 4),
        },
        "mean_macro_f1_over_languages": round(
            float(np.mean([m["macro_f1"] for m in per_lang.values()])), 4
        ),
        "overall": overall,
        "per_lang": per_lang,
        "macro_f1_with_gold_or_no_language": variants,
        "langid_accuracy_on_eval": langid_accuracy,
        "eval_sets": {
            "en": f"SemEval 2013-2016 document-level hash hold-out ({args.en_test_frac:.0%})",
            "th": "wisesight_valid_th",
            "id": "smsa_valid_id",
            "others": "xlmt_val_<lang> (UMSAB)",
        },
        "labels": list(LABELS),
    }
    (args.out / METRICS_NAME).write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")

    print(f"\nwrote {artifact} ({artifact.stat().st_size / 1e6:.2f} MB), version {shipped.version}")
    print(f"{'lang':5} {'n':>5} {'acc':>6} {'mRec':>6} {'mF1':>6} {'ECE0':>6} {'ECE_T':>6}")
    for lang, m in [*per_lang.items(), ("ALL", overall)]:
        print(
            f"{lang:5} {m['n']:5d} {m['accuracy']:6.3f} {m['macro_recall']:6.3f}"
            f" {m['macro_f1']:6.3f} {m['ece_before']:6.3f} {m['ece_after']:6.3f}"
        )
    print(f"mean macro-F1 over languages {metrics['mean_macro_f1_over_languages']:.3f}")
    for name, scores in variants.items():
        print(name, scores)
    print("langid accuracy", langid_accuracy)
    print(f"total {time.time() - t_start:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
