"""Benchmark topic modelling: encoding speed (torch vs ONNX int8, cached) and fit time.

Reads every post of ../shared/data/sentiment (about 101k: English, Thai, Indonesian and
seven XLM-T languages), shuffles them with a fixed seed and

1. encodes ``--encode-sample`` posts that are not cached, once with the packaged MiniLM in
   torch (fp32) and once with its ONNX int8 export, on ``--threads`` threads, and reports
   posts/s and the agreement (cosine) of the two;
2. reads the same posts back from an embedding cache (posts/s);
3. fits :class:`nlp.topics.TopicModeler` on the first N posts for each ``--sizes`` N,
   embedding whatever the cache (``--cache``) lacks first (timed separately), and
   reports distinct posts, topics, outlier share, fit seconds and peak memory.

    OMP_NUM_THREADS=1 .venv/bin/python scripts/bench_topics.py \\
        --data ../shared/data/sentiment --sizes 10000,30000,100000 --write docs/benchmarks.md

With ``--write`` the figures replace the ``## Topics`` section of that file (other
sections are left alone). Encoding 100k posts for the first time takes about an hour on
one core; the cache makes every later fit and benchmark start from stored vectors.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdoc import replace_section  # noqa: E402

from nlp.embeddings import CachedEncoder, EmbeddingCache, SentenceEncoder  # noqa: E402
from nlp.topics import TopicModeler, auto_min_cluster_size, clean_for_embedding  # noqa: E402


def load_posts(folder: Path, seed: int) -> list[str]:
    texts: list[str] = []
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            texts.extend(json.loads(line)["text"] for line in handle if line.strip())
    random.Random(seed).shuffle(texts)
    return texts


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_encoding(texts: list[str], threads: int, onnx_dir: Path) -> dict[str, object]:
    prepared = [clean_for_embedding(t) for t in texts]
    out: dict[str, object] = {"n": len(prepared)}
    vectors = {}
    for backend in ("torch", "onnx"):
        encoder = SentenceEncoder(backend=backend, cache_dir=onnx_dir, num_threads=threads)
        began = time.perf_counter()
        encoder.encode(["warm up"])  # loads (and for ONNX, exports once)
        load = time.perf_counter() - began
        cpu, began = cpu_seconds(), time.perf_counter()
        vectors[backend] = encoder.encode(prepared)
        wall = time.perf_counter() - began
        out[backend] = {
            "model_id": encoder.model_id,
            "load_s": round(load, 1),
            "posts_per_s": round(len(prepared) / wall, 1),
            "cpu_ms_per_post": round(1000 * (cpu_seconds() - cpu) / len(prepared), 2),
        }
        print(backend, out[backend], flush=True)
    cosines = np.sum(vectors["torch"] * vectors["onnx"], axis=1)
    out["cosine_mean"] = round(float(cosines.mean()), 4)
    out["cosine_min"] = round(float(cosines.min()), 4)
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(Path(tmp) / "c.sqlite")
        cache.put("bench", prepared, vectors["onnx"])
        began = time.perf_counter()
        found = cache.get("bench", prepared)
        wall = time.perf_counter() - began
        assert len(found) == len(prepared)
        out["cache_read_posts_per_s"] = round(len(prepared) / wall)
        cache.close()
    return out


def cached_or_synthesised(encoder: CachedEncoder, texts: list[str]) -> tuple[np.ndarray, int]:
    """Cached vectors; a post not cached gets a perturbed copy of a random cached vector.

    Only for timing fits larger than what could be encoded in the time at hand: the
    clustering work (kNN graph, UMAP, HDBSCAN) depends on n and dimension, while the
    texts (c-TF-IDF, keyphrases) stay real. Topic quality on such a fit means nothing.
    """
    prepared = [clean_for_embedding(t) for t in texts]
    found = encoder.cache.get(encoder.model_id, prepared)
    encoder.stats.hits += len(found)
    if not found:
        raise SystemExit("nothing cached yet: run without --synthesise-missing first")
    rng = np.random.default_rng(0)
    pool = np.vstack(list(found.values()))
    out = np.zeros((len(texts), pool.shape[1]), dtype=np.float32)
    missing = [i for i in range(len(texts)) if i not in found]
    for i, vector in found.items():
        out[i] = vector
    if missing:
        base = pool[rng.integers(0, len(pool), size=len(missing))]
        noisy = base + rng.normal(scale=0.02, size=base.shape).astype(np.float32)
        out[missing] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
    return out, len(missing)


def bench_fit(
    texts: list[str],
    sizes: list[int],
    cache_path: Path,
    threads: int,
    onnx_dir: Path,
    synthesise_missing: bool = False,
) -> list[dict[str, object]]:
    encoder = CachedEncoder(
        SentenceEncoder(backend="onnx", cache_dir=onnx_dir, num_threads=threads),
        EmbeddingCache(cache_path),
    )
    rows = []
    for n in sizes:
        subset = texts[:n]
        modeler = TopicModeler(encoder)
        encoder.stats.hits = encoder.stats.misses = 0
        began = time.perf_counter()
        synthesised = 0
        if synthesise_missing:
            embeddings, synthesised = cached_or_synthesised(encoder, subset)
        else:
            embeddings = modeler.embed(subset)
        embed_s = time.perf_counter() - began
        hits, misses = encoder.stats.hits, encoder.stats.misses
        cpu, began = cpu_seconds(), time.perf_counter()
        fit = modeler.fit(subset, embeddings=embeddings)
        fit_s = time.perf_counter() - began
        row = {
            "n": n,
            "distinct": fit.n_unique,
            "min_cluster_size": auto_min_cluster_size(fit.n_unique),
            "topics": len(fit.topics),
            "outlier_share": round(fit.outlier_share, 4),
            "embed_s": round(embed_s, 1),
            "cache_hits": hits,
            "encoded": misses,
            "synthesised": synthesised,
            "fit_s": round(fit_s, 1),
            "fit_cpu_s": round(cpu_seconds() - cpu, 1),
            "peak_mib": round(peak_mib()),
            "top_labels": [t.label for t in fit.topics[:5]],
        }
        print(row, flush=True)
        rows.append(row)
    return rows


def markdown(encoding: dict[str, object] | None, fits: list[dict[str, object]], args) -> str:
    lines = [
        "## Topics",
        "",
        "`scripts/bench_topics.py` on the posts of `shared/data/sentiment` (≈101k real posts in",
        f"ten languages, shuffled with seed 0), encoder on {args.threads} thread(s) "
        f"(`--threads {args.threads}`), on {platform.machine()} with {os.cpu_count()} cores "
        "shared with",
        "other work (load average above 4 during the runs, so wall-clock figures are",
        "pessimistic; CPU figures are steadier).",
        "",
        "```",
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '1')} "
        ".venv/bin/python scripts/bench_topics.py \\",
        "    --data ../shared/data/sentiment \\",
        f"    --sizes {','.join(str(s) for s in args.sizes)} --encode-sample {args.encode_sample}"
        f" --threads {args.threads} --write docs/benchmarks.md",
        "```",
        "",
    ]
    if encoding:
        torch = encoding["torch"]
        onnx = encoding["onnx"]
        assert isinstance(torch, dict) and isinstance(onnx, dict)
        lines += [
            f"### Encoding ({encoding['n']} uncached posts, max 128 tokens, length-sorted batches)",
            "",
            "| backend | model id | posts/s | CPU ms/post | first load |",
            "| --- | --- | ---: | ---: | ---: |",
            f"| torch fp32 | `{torch['model_id']}` | {torch['posts_per_s']} | "
            f"{torch['cpu_ms_per_post']} | {torch['load_s']} s |",
            f"| ONNX Runtime | `{onnx['model_id']}` | {onnx['posts_per_s']} | "
            f"{onnx['cpu_ms_per_post']} | {onnx['load_s']} s (export + check, once) |",
            f"| embedding cache (SQLite) | | {encoding['cache_read_posts_per_s']} | | |",
            "",
            f"ONNX int8 vs torch: mean cosine {encoding['cosine_mean']}, "
            f"minimum {encoding['cosine_min']} over these posts.",
            "",
        ]
    if fits:
        lines += [
            "### Fitting (embeddings from the cache)",
            "",
            "| posts | distinct | min_cluster_size | topics | outliers | vectors read | "
            "from cache | synthesised | fit | fit CPU | peak RSS |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in fits:
            lines.append(
                f"| {r['n']:,} | {r['distinct']:,} | {r['min_cluster_size']} | {r['topics']} | "
                f"{float(r['outlier_share']):.1%} | {r['embed_s']} s | {r['cache_hits']:,} | "
                f"{r['synthesised']:,} | {r['fit_s']} s | {r['fit_cpu_s']} s | "
                f"{r['peak_mib']} MiB |"
            )
        lines.append("")
        lines.append(
            "Largest topics at the biggest size: "
            + "; ".join(f"*{label}*" for label in fits[-1]["top_labels"])  # type: ignore[union-attr]
            + "."
        )
        lines.append("")
    if args.notes and Path(args.notes).exists():
        lines += [Path(args.notes).read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/sentiment"))
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[10_000])
    parser.add_argument("--encode-sample", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path("var/cache/embeddings.sqlite"))
    parser.add_argument("--onnx-dir", type=Path, default=Path("var/models/onnx"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-encoding", action="store_true")
    parser.add_argument(
        "--synthesise-missing",
        action="store_true",
        help="Time fits on vectors not cached as perturbed cached vectors (see the docstring)",
    )
    parser.add_argument("--write", type=Path, help="Markdown file whose Topics section to replace")
    parser.add_argument("--notes", help="Markdown appended to the section (hand-written notes)")
    parser.add_argument("--json", type=Path, help="Also dump the raw figures here")
    args = parser.parse_args()

    texts = load_posts(args.data, args.seed)
    print(f"{len(texts)} posts", flush=True)
    encoding = None
    if not args.skip_encoding:
        # The sample comes from the end of the shuffle, so the fit sizes' cache is not used.
        encoding = bench_encoding(texts[-args.encode_sample :], args.threads, args.onnx_dir)
    fits = bench_fit(
        texts, args.sizes, args.cache, args.threads, args.onnx_dir, args.synthesise_missing
    )
    if args.json:
        args.json.write_text(json.dumps({"encoding": encoding, "fits": fits}, indent=2))
    if args.write:
        replace_section(args.write, "Topics", markdown(encoding, fits, args))
        print(f"wrote the Topics section of {args.write}")


if __name__ == "__main__":
    main()
