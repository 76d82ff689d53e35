"""Benchmark near-duplicate linking: throughput and precision/recall.

Generates N synthetic posts (tweets, short reactions, news articles; brand
names and templated phrasing shared across unrelated posts as hard negatives),
of which a share are near-duplicates of earlier posts with known ground truth:
retweets (some cut short with "…"), quote-copies with a comment added, light
edits, syndicated articles with a new headline, and copies of copies. Then it
links them with `NearDuplicateIndex` and reports posts/s and the precision and
recall of the links against the ground truth.

    OMP_NUM_THREADS=1 .venv/bin/python scripts/bench_dedup.py --n 20000

On a shared machine the wall-clock rate depends on the load; the rate per CPU
second of this (single-threaded) process is the steadier number to compare.

With ``--texts FILE.jsonl`` (rows with a ``text`` field, e.g. a file of
../shared/data/sentiment) real posts serve as the originals instead of
generated ones; originals with equal normalised text are dropped first. Real
sets still hold near-duplicates of their own (SemEval has many syndicated
headlines), which the index rightly links but the ground truth calls distinct,
so precision measured that way is a lower bound.

"Strict" precision asks that a copy point at its true original; "story"
precision only that it point into the same story (a copy of a copy whose middle
link was missed points at that middle post, which is the right story).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from listener.dedup import NearDuplicateIndex, normalise_text  # noqa: E402

BRANDS = ["Acme", "Globex", "Initech", "Hooli", "Umbrella", "Soylent", "Stark", "Wayne"]
PRODUCTS = ["phone", "app", "burger", "laptop", "coffee", "delivery", "support", "update"]
EMOJI = ["😍", "🔥", "😡", "👍", "🤢", "😂", "❤️", "🙄"]
SHORT = [
    "love it!",
    "so good",
    "never again",
    "meh",
    "wow!!",
    "this 👇",
    "lol",
    "ok then",
    "big mood",
    "same",
    "not again",
    "yes please",
]
TEMPLATES = [
    "just tried the new {b} {p} and honestly",
    "why is {b} {p} always like this",
    "shoutout to {b} for the {p}",
    "anyone else having problems with the {b} {p} today",
]


@dataclass
class Post:
    key: str
    text: str
    ts: float
    author: str
    root: str  # ground truth: key of the original
    kind: str  # original kind or copy kind


def make_vocab(rng: np.random.Generator, size: int = 6000) -> tuple[list[str], np.ndarray]:
    syllables = [
        "ka",
        "lo",
        "mi",
        "ne",
        "ra",
        "tu",
        "sa",
        "be",
        "do",
        "fi",
        "gu",
        "ha",
        "jo",
        "pe",
        "qu",
        "ri",
        "st",
        "th",
        "ve",
        "wy",
        "zo",
        "an",
        "er",
        "in",
    ]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables, size=int(rng.integers(1, 4)))))
    vocab = sorted(words)
    rng.shuffle(vocab)
    weights = 1.0 / np.arange(1, size + 1) ** 1.05
    return vocab, weights / weights.sum()


class Generator:
    def __init__(self, seed: int, real_texts: list[str] | None) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab, weights = make_vocab(self.rng)
        self.cdf = np.cumsum(weights)
        self.real = real_texts
        self.real_pos = 0

    def words(self, n: int) -> list[str]:
        idx = np.searchsorted(self.cdf, self.rng.random(n) * self.cdf[-1])
        return [self.vocab[i] for i in idx]

    def brand_bits(self) -> tuple[str, str]:
        return str(self.rng.choice(BRANDS)), str(self.rng.choice(PRODUCTS))

    def original(self) -> tuple[str, str]:
        roll = self.rng.random()
        if self.real is not None and roll < 0.9 and self.real_pos < len(self.real):
            self.real_pos += 1
            return self.real[self.real_pos - 1], "real"
        if roll < 0.1:
            text = str(self.rng.choice(SHORT))
            if self.rng.random() < 0.3:
                text = f"{self.brand_bits()[0]} {text}"
            return text, "short"
        if roll < 0.25:
            headline = " ".join(self.words(int(self.rng.integers(8, 14)))).capitalize()
            b, p = self.brand_bits()
            body = self.words(int(self.rng.integers(60, 250)))
            body.insert(int(self.rng.integers(0, len(body))), f"{b} {p}")
            return f"{b}: {headline}\n\n" + " ".join(body) + ".", "article"
        b, p = self.brand_bits()
        parts = self.words(int(self.rng.integers(6, 28)))
        if self.rng.random() < 0.4:
            template = str(self.rng.choice(TEMPLATES)).format(b=b, p=p)
            parts = template.split() + parts
        else:
            parts.insert(int(self.rng.integers(0, len(parts) + 1)), f"#{b}")
        if self.rng.random() < 0.3:
            parts.append(str(self.rng.choice(EMOJI)))
        if self.rng.random() < 0.2:
            parts.append(f"https://t.co/{self.rng.integers(1 << 40):x}")
        return " ".join(parts), "tweet"

    def copy(self, source: Post, source_kind: str) -> tuple[str, str]:
        text = source.text
        words = text.split()
        if source_kind == "short" or len(normalise_text(text).split()) < 8:
            return f"RT @{source.author}: {text}", "rt"
        roll = self.rng.random()
        if source_kind == "article" and roll < 0.5:
            body = text.split("\n\n", 1)[-1]
            headline = " ".join(self.words(int(self.rng.integers(6, 12)))).upper()
            tail = " Reporting by " + " ".join(self.words(2)) if self.rng.random() < 0.5 else ""
            return f"{headline} | {body}{tail}", "syndication"
        if roll < 0.35:
            if len(text) > 140 and self.rng.random() < 0.5:
                return f"RT @{source.author}: {text[:120]}…", "rt-truncated"
            return f"RT @{source.author}: {text}", "rt"
        if roll < 0.7:
            comment = " ".join(self.words(int(self.rng.integers(1, 7))))
            emoji = str(self.rng.choice(EMOJI)) if self.rng.random() < 0.5 else ""
            if self.rng.random() < 0.5:
                return f"{comment} {emoji}: {text}", "quote"
            return f"{text} {comment} {emoji}", "quote"
        edited = list(words)
        for _ in range(max(1, len(edited) // 20)):
            pos = int(self.rng.integers(0, len(edited)))
            if self.rng.random() < 0.5:
                edited[pos] = self.words(1)[0]
            elif len(edited) > 8:
                del edited[pos]
        out = " ".join(edited)
        if self.rng.random() < 0.5:
            out = out.upper() if self.rng.random() < 0.3 else out + "!!"
        return out, "edit"


def build_posts(n: int, dup_rate: float, seed: int, real: list[str] | None) -> list[Post]:
    gen = Generator(seed, real)
    posts: list[Post] = []
    kinds: dict[str, str] = {}
    ts = 1_700_000_000.0
    for i in range(n):
        ts += float(gen.rng.exponential(3.0))
        author = f"user{int(gen.rng.integers(0, n // 2))}"
        key = f"p{i}"
        if posts and gen.rng.random() < dup_rate:
            # Prefer recent posts, as real sharing does; some sources are copies.
            back = min(len(posts), int(gen.rng.exponential(300)) + 1)
            source = posts[-back]
            text, kind = gen.copy(source, kinds[source.key])
            posts.append(Post(key, text, ts, author, source.root, kind))
        else:
            text, kind = gen.original()
            posts.append(Post(key, text, ts, author, key, kind))
        kinds[key] = kind
    return posts


def load_real(path: Path, limit: int) -> list[str]:
    seen: set[str] = set()
    texts: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            norm = normalise_text(text)
            # Drop near-empty and repeated originals: they would blur the truth.
            if len(norm.split()) < 3 or norm in seen:
                continue
            seen.add(norm)
            texts.append(text)
            if len(texts) >= limit:
                break
    return texts


def evaluate(posts: list[Post], predicted: dict[str, str | None]) -> dict[str, object]:
    """Score links. Strict: the predicted original is the true one. Story: the
    predicted original belongs to the same true story (a copy of a copy that
    missed its own link still counts as the right story)."""
    root_of = {p.key: p.root for p in posts}
    story_tp = story_fp = 0
    for post in posts:
        pred_root = predicted.get(post.key) or post.key
        if pred_root != post.key:
            if root_of[pred_root] == post.root:
                story_tp += 1
            else:
                story_fp += 1
    tp = fp = fn = 0
    by_kind: Counter[str] = Counter()
    found_kind: Counter[str] = Counter()
    false_kinds: Counter[str] = Counter()
    for post in posts:
        pred_root = predicted.get(post.key) or post.key
        is_copy = post.root != post.key
        if is_copy:
            by_kind[post.kind] += 1
        if pred_root != post.key:
            if pred_root == post.root:
                tp += 1
                found_kind[post.kind] += 1
            else:
                fp += 1
                false_kinds[post.kind] += 1
                if is_copy:
                    fn += 1
        elif is_copy:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "story_precision": story_tp / (story_tp + story_fp) if story_tp + story_fp else 1.0,
        "story_false_links": story_fp,
        "precision": precision,
        "recall": recall,
        "true_links": tp,
        "false_links": fp,
        "missed": fn,
        "recall_by_kind": {k: round(found_kind[k] / v, 3) for k, v in sorted(by_kind.items())},
        "false_links_by_kind": dict(false_kinds),
    }


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--dup-rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--word-shingle", type=int, default=2)
    parser.add_argument("--texts", type=Path, default=None)
    parser.add_argument("--single", action="store_true", help="also time add() one by one")
    args = parser.parse_args()

    real = load_real(args.texts, args.n) if args.texts else None
    posts = build_posts(args.n, args.dup_rate, args.seed, real)
    copies = sum(p.root != p.key for p in posts)
    print(f"posts: {len(posts)}  near-duplicates: {copies} ({copies / len(posts):.1%})")
    print("original kinds:", dict(Counter(p.kind for p in posts if p.root == p.key)))

    rss_before = rss_mib()
    index = NearDuplicateIndex(threshold=args.threshold, word_shingle=args.word_shingle)
    predicted: dict[str, str | None] = {}
    start, cpu_start = time.perf_counter(), time.process_time()
    for i in range(0, len(posts), args.batch):
        chunk = posts[i : i + args.batch]
        predicted.update(index.link_batch([(p.key, p.text, p.ts, p.author) for p in chunk]))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    # Later merges can move a cluster's root: score the final state.
    final = {p.key: index.original_of(p.key) for p in posts}
    changed = sum(final[k] != v for k, v in predicted.items())
    print(
        f"link_batch (batch={args.batch}): {len(posts) / elapsed:,.0f} posts/s wall "
        f"({elapsed:.2f} s), {len(posts) / cpu:,.0f} posts per CPU second; "
        f"roots moved after their batch: {changed}"
    )
    print(f"max RSS growth: {rss_mib() - rss_before:.0f} MiB; LSH bands x rows: {index._bands}")
    result = evaluate(posts, final)
    print(
        f"precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
        f"(true {result['true_links']}, false {result['false_links']}, "
        f"missed {result['missed']})"
    )
    print(
        f"story precision {result['story_precision']:.4f} "
        f"(links into a different story: {result['story_false_links']})"
    )
    print("recall by copy kind:", result["recall_by_kind"])
    print("false links by kind of the wrongly linked post:", result["false_links_by_kind"])

    start = time.perf_counter()
    blob = index.to_bytes()
    saved = time.perf_counter() - start
    start = time.perf_counter()
    restored = NearDuplicateIndex.from_bytes(blob)
    loaded = time.perf_counter() - start
    differ = sum(restored.original_of(p.key) != final[p.key] for p in posts)
    print(
        f"to_bytes {len(blob) / 2**20:.1f} MiB in {saved:.2f} s; from_bytes {loaded:.2f} s; "
        f"originals that differ after the round trip: {differ}"
    )

    if args.single:
        single = NearDuplicateIndex(threshold=args.threshold, word_shingle=args.word_shingle)
        start, cpu_start = time.perf_counter(), time.process_time()
        for p in posts:
            single.add(p.key, p.text, timestamp=p.ts, author=p.author)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        print(
            f"add() one by one: {len(posts) / elapsed:,.0f} posts/s wall ({elapsed:.2f} s), "
            f"{len(posts) / cpu:,.0f} posts per CPU second"
        )


if __name__ == "__main__":
    main()
