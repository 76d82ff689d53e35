"""Sentiment from two views of a post, stacked: character n-grams and a transformer encoder.

The bundled n-gram model (:class:`nlp.sentiment.NgramSentimentModel`) reads every
language well where words and spelling carry the sentiment, and is fast; a sentence
encoder (the packaged all-MiniLM-L6-v2, run through ONNX Runtime with int8 weights)
reads English phrasing that n-grams miss ("not bad at all"). For the languages the
encoder was trained on (English), a small head on its embeddings gives a second
opinion, and a per-language *fusion* — a multinomial logistic regression over both
models' log-probabilities, fitted on a held-out calibration split — combines them. Posts
in other languages keep the n-gram model's calibrated probabilities unchanged, and are
never embedded (the English vocabulary shreds Thai script; it would cost time and add
noise).

Everything learned is a few arrays in one ``.npz`` (no pickles), written by
``scripts/train_sentiment.py``; the encoder comes from its package.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.calibration import softmax
from nlp.sentiment import (
    ARTIFACTS_DIR,
    LABELS,
    NgramSentimentModel,
    SentimentResult,
    _check_langs,
    coerce_text,
    results_by_text_and_language,
)

__all__ = ["BUNDLED_STACK_PATH", "EmbeddingHead", "Fusion", "StackedSentimentModel"]

BUNDLED_STACK_PATH = ARTIFACTS_DIR / "sentiment_stack.npz"
# Characters beyond which the encoder (128 tokens, ~4 characters a token in English) has
# surely stopped reading: such posts are marked truncated.
ENCODER_CHARS = 512
_EPS = 1e-9
RECENT_VECTORS = 4096
"""Vectors kept from recent `embed` calls (a few analysis batches of English posts)."""


@dataclass
class EmbeddingHead:
    """A small feed-forward classifier on sentence embeddings (ReLU hidden layers).

    Attributes:
        weights: Weight matrices, input to output; the last maps to the three labels.
        biases: One bias vector per weight matrix.
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]

    def __post_init__(self) -> None:
        if not self.weights or len(self.weights) != len(self.biases):
            raise ValueError("a head needs as many bias vectors as weight matrices")
        if self.weights[-1].shape[1] != len(LABELS):
            raise ValueError(f"the last layer must output {len(LABELS)} classes")
        for w, b in zip(self.weights, self.biases, strict=True):
            if b.shape != (w.shape[1],):
                raise ValueError(f"bias of shape {b.shape} does not fit weights {w.shape}")

    @property
    def dimension(self) -> int:
        """Size of the embeddings it reads."""
        return int(self.weights[0].shape[0])

    def log_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """Log-probabilities per label, shape (n, 3)."""
        x = np.asarray(embeddings, dtype=np.float32)
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            x = np.maximum(x @ w + b, 0.0)
        z = (x @ self.weights[-1] + self.biases[-1]).astype(np.float64)
        return np.log(softmax(z, 1.0) + _EPS)


@dataclass
class Fusion:
    """Per-language combination of the two models' log-probabilities.

    ``logits = [log p_head, log p_ngram] @ coef.T + intercept``.

    Attributes:
        coef: Shape (3, 6).
        intercept: Shape (3,).
    """

    coef: np.ndarray
    intercept: np.ndarray

    def __post_init__(self) -> None:
        if self.coef.shape != (len(LABELS), 2 * len(LABELS)) or self.intercept.shape != (
            len(LABELS),
        ):
            raise ValueError("fusion coef must be (3, 6) and intercept (3,)")

    def proba(self, head_log_proba: np.ndarray, ngram_proba: np.ndarray) -> np.ndarray:
        """Fused probabilities, shape (n, 3)."""
        features = np.hstack([head_log_proba, np.log(ngram_proba + _EPS)])
        return softmax(features @ self.coef.T + self.intercept, 1.0)


class StackedSentimentModel:
    """The n-gram model, and for some languages an encoder head, fused per language.

    Args:
        base: The n-gram model (every language).
        head: Classifier on the encoder's embeddings.
        fusions: Language code → how to combine the two; languages not listed use the
            n-gram model alone and are not embedded.
        encoder: Anything with ``encode(texts) -> (n, d) array`` and ``model_id``; None
            builds the packaged MiniLM (ONNX int8, torch as fallback) on first use, with
            `encoder_patch` loaded over its weights.
        version: Version string for results.
        encoder_id: The encoder the head was trained on (recorded, and checked against
            the encoder's ``model_id`` prefix when given).
        encoder_patch: Fine-tuned encoder weights (safetensors) for the built encoder;
            None: the packaged MiniLM as it ships.
        device: Where the built encoder runs: ``cpu`` (int8 ONNX Runtime), ``cuda[:N]``
            (torch, float16) or ``auto``. The n-gram model always runs on the CPU.
        encoder_batch_size: Texts per forward pass of the built encoder (None: the
            encoder's default for its device, 16 on the CPU).

    Raises:
        ValueError: If the encoder's embeddings do not fit the head.
    """

    def __init__(
        self,
        base: NgramSentimentModel,
        head: EmbeddingHead,
        fusions: Mapping[str, Fusion],
        encoder: Any = None,
        *,
        version: str = "stack-unversioned",
        encoder_id: str = "",
        encoder_patch: str | Path | None = None,
        device: str = "cpu",
        encoder_batch_size: int | None = None,
    ) -> None:
        self.base = base
        self.head = head
        self.fusions = dict(fusions)
        self._encoder = encoder
        self.version = version
        self.encoder_id = encoder_id
        self.encoder_patch = Path(encoder_patch) if encoder_patch is not None else None
        self.device = device
        self.encoder_batch_size = encoder_batch_size
        # The last batches' vectors: the harm classifier's semantic head reads the same
        # posts right after sentiment did, and must not pay for the encoder again.
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

    # ---- persistence

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        base: NgramSentimentModel | None = None,
        encoder: Any = None,
        device: str = "cpu",
        encoder_batch_size: int | None = None,
    ) -> StackedSentimentModel:
        """Load a model written by :meth:`save`.

        Args:
            path: The ``.npz``; default: the bundled artifact.
            base: The n-gram model it was stacked on; default: the bundled one.
            encoder: The sentence encoder; default: the packaged MiniLM, built lazily with
                the fine-tuned weights the file names (kept beside it), if any.
            device: Where that built encoder runs (see the class).
            encoder_batch_size: Texts per forward pass of that encoder.

        Returns:
            The model.

        Raises:
            FileNotFoundError: If the file does not exist.
            ValueError: If the file is not a stacked sentiment model, or was stacked on
                another n-gram model than `base`.
            FileNotFoundError: If the encoder patch it names is missing.
        """
        path = Path(path) if path is not None else BUNDLED_STACK_PATH
        if not path.exists():
            raise FileNotFoundError(f"no stacked sentiment model at {path}")
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("kind") != "stacked-sentiment":
                raise ValueError(f"{path} is not a stacked sentiment model")
            layers = int(meta["layers"])
            head = EmbeddingHead(
                [data[f"head_w{i}"].astype(np.float32) for i in range(layers)],
                [data[f"head_b{i}"].astype(np.float32) for i in range(layers)],
            )
            fusions = {
                lang: Fusion(
                    data[f"fusion_{lang}_coef"].astype(np.float64),
                    data[f"fusion_{lang}_intercept"].astype(np.float64),
                )
                for lang in meta["fusion_languages"]
            }
        base = base or NgramSentimentModel.load()
        if meta.get("base_version") and meta["base_version"] != base.version:
            raise ValueError(
                f"{path} was stacked on {meta['base_version']}, not {base.version}: "
                "retrain it with scripts/train_sentiment.py"
            )
        patch = None
        if meta.get("encoder_patch"):
            patch = path.parent / str(meta["encoder_patch"])
            if not patch.is_file():
                raise FileNotFoundError(f"{path} needs its encoder weights at {patch}")
        return cls(
            base,
            head,
            fusions,
            encoder,
            version=str(meta["version"]),
            encoder_id=str(meta.get("encoder_id", "")),
            encoder_patch=patch,
            device=device,
            encoder_batch_size=encoder_batch_size,
        )

    def save(self, path: str | Path) -> None:
        """Write the head and fusions (float16 weights; float64 fusion) to an ``.npz``.

        An encoder patch is referred to by file name: it must sit in the same folder.

        Raises:
            ValueError: If the encoder patch is in another folder than `path`.
        """
        if self.encoder_patch is not None and (
            self.encoder_patch.resolve().parent != Path(path).resolve().parent
        ):
            raise ValueError(f"the encoder patch must be saved beside {path}")
        meta = {
            "kind": "stacked-sentiment",
            "version": self.version,
            "base_version": self.base.version,
            "encoder_id": self.encoder_id,
            "encoder_patch": self.encoder_patch.name if self.encoder_patch else None,
            "layers": len(self.head.weights),
            "fusion_languages": sorted(self.fusions),
            "labels": list(LABELS),
        }
        arrays: dict[str, np.ndarray] = {"meta": np.array(json.dumps(meta))}
        for i, (w, b) in enumerate(zip(self.head.weights, self.head.biases, strict=True)):
            arrays[f"head_w{i}"] = w.astype(np.float16)
            arrays[f"head_b{i}"] = b.astype(np.float32)
        for lang, fusion in self.fusions.items():
            arrays[f"fusion_{lang}_coef"] = fusion.coef
            arrays[f"fusion_{lang}_intercept"] = fusion.intercept
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with Path(path).open("wb") as handle:
            np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]

    # ---- inference

    @property
    def encoder(self) -> Any:
        """The sentence encoder (the packaged MiniLM unless one was passed in)."""
        if self._encoder is None:
            from nlp.embeddings import SentenceEncoder

            self._encoder = SentenceEncoder(
                backend="onnx",
                weights_patch=self.encoder_patch,
                device=self.device,
                batch_size=self.encoder_batch_size,
            )
        return self._encoder

    def clear_recent(self) -> None:
        """Forget the vectors kept from recent `embed` calls (benchmarks time cold calls)."""
        with self._recent_lock:
            self._recent.clear()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of posts as the head was trained on them (links and handles removed).

        Raises:
            ValueError: If their dimension does not fit the head.
        """
        from nlp.topics import clean_for_embedding

        cleaned = [clean_for_embedding(t) for t in texts]
        with self._recent_lock:
            known = {t: self._recent[t] for t in set(cleaned) if t in self._recent}
        missing = list(dict.fromkeys(t for t in cleaned if t not in known))
        if missing:
            fresh = np.asarray(self.encoder.encode(missing))
            if fresh.ndim != 2 or fresh.shape[1] != self.head.dimension:
                raise ValueError(
                    f"the encoder gives vectors of shape {fresh.shape[1:]}, the head reads "
                    f"{self.head.dimension}"
                )
            with self._recent_lock:
                for text, vector in zip(missing, fresh, strict=True):
                    known[text] = vector
                    self._recent[text] = vector
                    self._recent.move_to_end(text)
                while len(self._recent) > RECENT_VECTORS:
                    self._recent.popitem(last=False)
        if not cleaned:
            return np.zeros((0, self.head.dimension), dtype=np.float32)
        return np.stack([known[t] for t in cleaned]).astype(np.float32, copy=False)

    def predict_proba(self, texts: Sequence[str], langs: Sequence[str | None]) -> np.ndarray:
        """Calibrated probabilities, shape (n, 3) in ``LABELS`` order.

        Args:
            texts: Posts (clean strings).
            langs: Language per post; posts in a language without a fusion are scored by
                the n-gram model alone.

        Returns:
            Probabilities.
        """
        return self._scores(texts, langs)[0]

    def _scores(
        self, texts: Sequence[str], langs: Sequence[str | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        z, truncated = self.base.logits(texts, langs)
        proba = softmax(z, self.base.temperature)
        for lang, fusion in self.fusions.items():
            rows = [i for i, code in enumerate(langs) if code == lang]
            if rows:
                head = self.head.log_proba(self.embed([texts[i] for i in rows]))
                proba[rows] = fusion.proba(head, proba[rows])
                # The encoder reads 128 tokens; the n-gram model reads on, but the fused
                # result has not seen all of a longer post.
                truncated[rows] |= np.array([len(texts[i]) > ENCODER_CHARS for i in rows])
        return proba, truncated

    def predict(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[SentimentResult]:
        """Classify posts.

        Args:
            texts: Posts; None, bytes and other objects are coerced to text.
            langs: ISO 639-1 language per post; detected when omitted (the fusion and
                the n-gram model both depend on it).

        Returns:
            One result per post, in input order; empty posts get a neutral result with
            uniform scores and ``FLAG_EMPTY``.

        Raises:
            ValueError: If `langs` is given with a different length.
        """
        languages = _check_langs(texts, langs)
        clean = [coerce_text(t) for t in texts]
        if langs is None:
            languages = self.base.language_identifier.detect(clean)
        return results_by_text_and_language(clean, languages, self.version, self._scores)


def fingerprint(arrays: Sequence[np.ndarray]) -> str:
    """Short content hash of a model's arrays, for version strings."""
    import hashlib

    digest = hashlib.sha1()
    for a in arrays:
        digest.update(np.ascontiguousarray(a, dtype=np.float32).tobytes())
    return digest.hexdigest()[:8]
