"""Three-way sentiment (negative / neutral / positive) with calibrated scores.

Two implementations share one interface, `SentimentModel`:

- `NgramSentimentModel`, the bundled default: hashed character and word n-grams
  with a multinomial logistic regression, trained by
  `scripts/train_sentiment_baseline.py` and stored as a small `.npz` in
  `nlp/artifacts/`. It needs no download and classifies thousands of posts a
  second on one core.
- `HFSentimentModel`, any Hugging Face sequence classifier (hub id or local path),
  with its labels mapped onto ours.

`load_sentiment_model(spec)` picks one from a string, so settings and the CLI can
name a model. Every text gets a result: empty input gets a neutral result with
uniform scores and the `FLAG_EMPTY` flag, over-long input is cut and marked
`truncated`, and nothing a user can type stops a batch.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from nlp.calibration import softmax

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
"""Our label set, in the order used by score arrays and confusion matrices."""

FLAG_EMPTY = "empty"
"""Result flag: the text was empty or whitespace, so the scores are uniform."""

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
BUNDLED_NGRAM_PATH = ARTIFACTS_DIR / "sentiment_ngram.npz"
NGRAM_FORMAT_VERSION = 1


class ModelLoadError(RuntimeError):
    """A sentiment model could not be loaded (missing files, no network, bad format)."""


@dataclass(frozen=True, slots=True)
class SentimentResult:
    """The sentiment of one text.

    Attributes:
        label: "negative", "neutral" or "positive": the arg-max of `scores`.
        scores: Probability per label; the three values sum to 1.
        model_version: Which model produced this, for provenance.
        language: The language code passed in with the text, if any.
        truncated: True when only part of the text was read.
        flags: Extra conditions, e.g. `FLAG_EMPTY`.
    """

    label: str
    scores: dict[str, float]
    model_version: str
    language: str | None = None
    truncated: bool = False
    flags: tuple[str, ...] = ()


class LanguageDetector(Protocol):
    """Anything that names the language of texts (e.g. `nlp.langid.LanguageIdentifier`)."""

    def detect(self, texts: Sequence[str | None]) -> list[str | None]:
        """ISO 639-1 code or None per text."""
        ...


@runtime_checkable
class SentimentModel(Protocol):
    """What the pipeline needs from a sentiment model."""

    version: str

    def predict(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[SentimentResult]:
        """Classify a batch of texts; one result per text, in order."""
        ...


# --------------------------------------------------------------------------- helpers

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_HANDLE = re.compile(r"@\w+")
_REPEAT = re.compile(r"(.)\1{3,}", re.DOTALL)
_WHITESPACE = re.compile(r"\s+")


def coerce_text(value: object) -> str:
    """Turn any input into a clean `str`: None becomes "", bytes are decoded.

    NUL characters are dropped and lone surrogates (which cannot be encoded and
    crash tokenizers and hashers) are replaced.

    Args:
        value: Whatever the caller passed as a text.

    Returns:
        A string that encodes to UTF-8.
    """
    if value is None:
        return ""
    if isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
    else:
        text = value if isinstance(value, str) else str(value)
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", errors="replace").decode("utf-8")
    return text


def normalize_text(text: str) -> str:
    """Normalise a social post for n-gram features.

    URLs become "http" and @handles "@user" (as in the training data), runs of four
    or more of the same character shrink to three ("sooooo" -> "sooo",
    "มากกกกก" -> "มากกก"), and whitespace collapses to single spaces.

    Args:
        text: A post.

    Returns:
        The normalised text.
    """
    text = _URL.sub("http", text)
    text = _HANDLE.sub("@user", text)
    text = _REPEAT.sub(r"\1\1\1", text)
    return _WHITESPACE.sub(" ", text).strip()


def _check_langs(texts: Sequence[object], langs: Sequence[str | None] | None) -> list[str | None]:
    if langs is None:
        return [None] * len(texts)
    if len(langs) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(langs)} langs")
    return list(langs)


def _empty_result(version: str, language: str | None) -> SentimentResult:
    uniform = 1.0 / len(LABELS)
    return SentimentResult(
        label="neutral",
        scores={label: uniform for label in LABELS},
        model_version=version,
        language=language,
        truncated=False,
        flags=(FLAG_EMPTY,),
    )


def _result(
    probs: np.ndarray, version: str, language: str | None, truncated: bool
) -> SentimentResult:
    scores = {label: float(p) for label, p in zip(LABELS, probs, strict=True)}
    return SentimentResult(
        label=LABELS[int(np.argmax(probs))],
        scores=scores,
        model_version=version,
        language=language,
        truncated=truncated,
    )


def results_by_text_and_language(
    texts: Sequence[str],
    languages: Sequence[str | None],
    version: str,
    score: Callable[[Sequence[str], Sequence[str | None]], tuple[np.ndarray, np.ndarray]],
) -> list[SentimentResult]:
    """Score each distinct (text, language) once and build one result per input text.

    The language is part of the key because it can change the scores; empty or
    whitespace-only texts are not scored and get `_empty_result`.

    Args:
        texts: Clean strings.
        languages: Language per text.
        version: Model version for the results.
        score: ``(texts, langs) -> (probabilities (n, 3), truncated (n,))``.

    Returns:
        Results in input order.
    """
    keys = list(zip(texts, languages, strict=True))
    unique = list(dict.fromkeys(k for k in keys if k[0].strip()))
    by_key: dict[tuple[str, str | None], tuple[np.ndarray, bool]] = {}
    if unique:
        probs, truncated = score([k[0] for k in unique], [k[1] for k in unique])
        for key, p, cut in zip(unique, probs, truncated, strict=True):
            by_key[key] = (p, bool(cut))
    results = []
    for key in keys:
        if key in by_key:
            p, cut = by_key[key]
            results.append(_result(p, version, key[1], cut))
        else:
            results.append(_empty_result(version, key[1]))
    return results


# --------------------------------------------------------------------------- n-gram model


@dataclass(frozen=True)
class NgramFeatureConfig:
    """How texts become hashed n-gram vectors; stored with the weights.

    Attributes:
        n_features: Hash space size (columns); a power of two.
        char_ngram_range: Character n-gram lengths, taken inside word boundaries.
        word_ngram_range: Word n-gram lengths, or None for characters only.
        max_chars: Longest normalised text read; longer ones keep their head and
            their last `max_chars // 5` characters (the verdict of a long review is
            often at the end) and are marked truncated.
        language_bits: log2 size of the language-specific block (0: none). For a
            text in one of `languages`, every shared feature is also copied into
            this block at a position hashed from (feature, language), so the model
            learns shared weights plus per-language corrections ("frustratingly
            easy" domain adaptation) in one linear model.
        languages: Languages that have a block; others use shared features only.
    """

    n_features: int = 2**19
    char_ngram_range: tuple[int, int] = (1, 5)
    word_ngram_range: tuple[int, int] | None = (1, 2)
    max_chars: int = 5_000
    language_bits: int = 0
    languages: tuple[str, ...] = ()

    @property
    def n_columns(self) -> int:
        """Total feature columns: shared hash space plus the language block."""
        return self.n_features + (2**self.language_bits if self.language_bits else 0)

    def to_json(self) -> str:
        """Serialise to JSON.

        Returns:
            A JSON object string.
        """
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> NgramFeatureConfig:
        """Parse what `to_json` wrote.

        Args:
            text: A JSON object string.

        Returns:
            The config.
        """
        raw = json.loads(text)
        word = raw.get("word_ngram_range")
        return cls(
            n_features=int(raw["n_features"]),
            char_ngram_range=(int(raw["char_ngram_range"][0]), int(raw["char_ngram_range"][1])),
            word_ngram_range=None if word is None else (int(word[0]), int(word[1])),
            max_chars=int(raw["max_chars"]),
            language_bits=int(raw.get("language_bits", 0)),
            languages=tuple(str(x) for x in raw.get("languages", ())),
        )


# Words, or single non-space symbols (punctuation, each emoji) as their own tokens.
_WORD_TOKEN_PATTERN = r"(?u)\b\w+\b|[^\w\s]"


class NgramFeaturizer:
    """Turns texts into sublinear-TF x IDF, L2-normalised hashed n-gram vectors.

    Uses scikit-learn's `HashingVectorizer` (stateless, so no vocabulary is stored)
    configured from an `NgramFeatureConfig`.

    Args:
        config: Feature settings.
    """

    def __init__(self, config: NgramFeatureConfig) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.config = config
        common: dict[str, Any] = {
            "n_features": config.n_features,
            "alternate_sign": False,
            "norm": None,
            "lowercase": True,
            "dtype": np.float32,
        }
        self._char = HashingVectorizer(
            analyzer="char_wb", ngram_range=config.char_ngram_range, **common
        )
        self._word = (
            None
            if config.word_ngram_range is None
            else HashingVectorizer(
                analyzer="word",
                ngram_range=config.word_ngram_range,
                token_pattern=_WORD_TOKEN_PATTERN,
                **common,
            )
        )

    def prepare(self, text: str) -> tuple[str, bool]:
        """Normalise and, if needed, cut one text.

        Args:
            text: A post (already a clean `str`).

        Returns:
            The text as the hasher will read it, and whether it was cut.
        """
        text = normalize_text(text)
        limit = self.config.max_chars
        if len(text) <= limit:
            return text, False
        tail = limit // 5
        return text[: limit - tail] + " " + text[-tail:], True

    def counts(self, prepared: Sequence[str]) -> csr_matrix:
        """Raw hashed n-gram counts of prepared texts.

        Args:
            prepared: Texts returned by `prepare`.

        Returns:
            A CSR matrix of shape (len(prepared), n_features), float32.
        """
        x = self._char.transform(prepared)
        if self._word is not None:
            x = x + self._word.transform(prepared)
        return x.tocsr()

    @staticmethod
    def weight(counts: csr_matrix, idf: np.ndarray) -> csr_matrix:
        """Apply sublinear TF, IDF and row L2 normalisation.

        Args:
            counts: Output of `counts`.
            idf: Inverse document frequency per hashed feature.

        Returns:
            The weighted CSR matrix (a new object; `counts` is not changed).
        """
        x = counts.astype(np.float32, copy=True).tocsr()
        x.data = np.log1p(x.data) * idf[x.indices]
        row_of_value = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        sq = np.bincount(row_of_value, weights=np.square(x.data, dtype=np.float64),
                         minlength=x.shape[0])  # fmt: skip
        norms = np.sqrt(sq)
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        x.data *= scale[row_of_value].astype(np.float32)
        return x

    def add_language_block(self, x: csr_matrix, langs: Sequence[str | None]) -> csr_matrix:
        """Append the language-specific copy of each row (see `NgramFeatureConfig`).

        Args:
            x: Weighted features from `weight`, shape (n, n_features).
            langs: Language per row; rows whose language has no block get none.

        Returns:
            `x` itself when the config has no language block, else a CSR matrix of
            shape (n, n_columns).
        """
        import scipy.sparse as sp

        cfg = self.config
        if not cfg.language_bits:
            return x
        slot = {lang: i + 1 for i, lang in enumerate(cfg.languages)}
        row_slot = np.array([slot.get(lang or "", 0) for lang in langs], dtype=np.uint64)
        per_row = np.diff(x.indptr)
        value_slot = np.repeat(row_slot, per_row)
        keep = value_slot > 0
        # Multiplicative hashing of (feature, language) into the block.
        mixed = (x.indices[keep].astype(np.uint64) * np.uint64(0x9E3779B1)) ^ (
            value_slot[keep] * np.uint64(0x85EBCA77)
        )
        mixed = (mixed * np.uint64(0xC2B2AE3D)) & np.uint64(0xFFFFFFFF)
        cols = (mixed >> np.uint64(32 - cfg.language_bits)).astype(np.int64) + cfg.n_features
        rows = np.repeat(np.arange(x.shape[0]), per_row)[keep]
        block = sp.csr_matrix(
            (x.data[keep], (rows, cols)), shape=(x.shape[0], cfg.n_columns), dtype=np.float32
        )
        full = sp.csr_matrix(
            (x.data, x.indices, x.indptr), shape=(x.shape[0], cfg.n_columns), dtype=np.float32
        )
        return (full + block).tocsr()


class NgramSentimentModel:
    """Hashed char/word n-gram logistic regression; the bundled fast default.

    One multilingual model. When its config has a language block, a text's
    language (given, or detected when `langs` is None) adds language-specific
    corrections; a text in another language, or of unknown language, is scored with
    the shared weights alone.

    Args:
        coef: Weights, shape (3, config.n_columns), rows in `LABELS` order.
        intercept: Biases, shape (3,).
        idf: IDF per hashed feature, shape (config.n_features,).
        config: The feature settings the weights were trained with.
        temperature: Calibration temperature applied to the logits.
        version: Model version string recorded in every result.
        chunk_size: Texts featurised at a time (bounds memory on big batches).
        language_identifier: Used when `predict` gets no `langs` and the model has a
            language block; anything with `detect(texts) -> list[str | None]`.
            Defaults to a `nlp.langid.LanguageIdentifier`, built on first need.

    Raises:
        ValueError: If array shapes disagree with each other or with `config`.
    """

    def __init__(
        self,
        coef: np.ndarray,
        intercept: np.ndarray,
        idf: np.ndarray,
        config: NgramFeatureConfig,
        temperature: float = 1.0,
        version: str = "ngram-unversioned",
        chunk_size: int = 4096,
        language_identifier: LanguageDetector | None = None,
    ) -> None:
        cols = config.n_columns
        if coef.shape != (len(LABELS), cols):
            raise ValueError(f"coef must have shape ({len(LABELS)}, {cols}), got {coef.shape}")
        if intercept.shape != (len(LABELS),) or idf.shape != (config.n_features,):
            raise ValueError("intercept must have shape (3,) and idf (n_features,)")
        if not (math.isfinite(temperature) and temperature > 0):
            raise ValueError(f"temperature must be positive, got {temperature}")
        # (n_features, 3) C-order so the sparse product reads one row per feature.
        self._weights_t = np.ascontiguousarray(coef.T, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.config = config
        self.temperature = float(temperature)
        self.version = version
        self.chunk_size = chunk_size
        self._featurizer: NgramFeaturizer | None = None
        self._language_identifier = language_identifier

    @property
    def uses_language(self) -> bool:
        """Whether the text's language changes the scores (the config has a block)."""
        return self.config.language_bits > 0

    @property
    def language_identifier(self) -> LanguageDetector:
        """The detector used when no languages are given (built on first use)."""
        if self._language_identifier is None:
            from nlp.langid import LanguageIdentifier

            self._language_identifier = LanguageIdentifier()
        return self._language_identifier

    @property
    def coef(self) -> np.ndarray:
        """Weights, shape (3, n_columns)."""
        return self._weights_t.T

    @property
    def featurizer(self) -> NgramFeaturizer:
        """The featurizer (built on first use; it imports scikit-learn)."""
        if self._featurizer is None:
            self._featurizer = NgramFeaturizer(self.config)
        return self._featurizer

    # ---- persistence

    @classmethod
    def load(cls, path: str | Path | None = None) -> NgramSentimentModel:
        """Load a model saved by `save` (no pickles involved).

        Args:
            path: The `.npz` file; defaults to the bundled artifact.

        Returns:
            The model.

        Raises:
            ModelLoadError: If the file is missing or not a valid n-gram model.
        """
        path = Path(path) if path is not None else BUNDLED_NGRAM_PATH
        try:
            with np.load(path, allow_pickle=False) as data:
                fmt = int(data["format_version"])
                if fmt != NGRAM_FORMAT_VERSION:
                    raise ModelLoadError(f"{path}: unsupported format version {fmt}")
                labels = tuple(str(x) for x in data["labels"])
                if labels != LABELS:
                    raise ModelLoadError(f"{path}: labels {labels} differ from {LABELS}")
                return cls(
                    coef=data["coef"].astype(np.float32),
                    intercept=data["intercept"].astype(np.float32),
                    idf=data["idf"].astype(np.float32),
                    config=NgramFeatureConfig.from_json(str(data["config"])),
                    temperature=float(data["temperature"]),
                    version=str(data["version"]),
                )
        except ModelLoadError:
            raise
        except (OSError, KeyError, ValueError) as e:
            raise ModelLoadError(f"cannot load n-gram sentiment model from {path}: {e}") from e

    def save(self, path: str | Path) -> None:
        """Save compactly: float16 weights and IDF in a compressed `.npz`.

        Args:
            path: Destination file (conventionally ending in `.npz`).
        """
        np.savez_compressed(
            Path(path),
            format_version=np.array(NGRAM_FORMAT_VERSION),
            labels=np.array(LABELS),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            idf=self.idf.astype(np.float16),
            config=np.array(self.config.to_json()),
            temperature=np.array(self.temperature),
            version=np.array(self.version),
        )

    def with_temperature(self, temperature: float) -> NgramSentimentModel:
        """Return a copy that shares the weights but uses another temperature.

        Args:
            temperature: The new calibration temperature.

        Returns:
            The new model object.
        """
        clone = NgramSentimentModel(
            self.coef, self.intercept, self.idf, self.config, temperature, self.version,
            self.chunk_size, self._language_identifier,
        )  # fmt: skip
        clone._featurizer = self._featurizer
        return clone

    # ---- inference

    def logits(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Uncalibrated logits (before temperature) for texts.

        Args:
            texts: Posts; anything not a string is coerced.
            langs: Language per text for the language block; None scores every text
                with the shared weights only (no detection happens here).

        Returns:
            `(logits, truncated)`: float64 array of shape (n, 3) in `LABELS` order
            (an empty text gets its bias only) and a bool array of shape (n,).

        Raises:
            ValueError: If `langs` is given with a different length.
        """
        languages = _check_langs(texts, langs)
        prepared = [self.featurizer.prepare(coerce_text(t)) for t in texts]
        out = np.empty((len(prepared), len(LABELS)), dtype=np.float64)
        for start in range(0, len(prepared), self.chunk_size):
            stop = start + self.chunk_size
            chunk = [p[0] for p in prepared[start:stop]]
            x = self.featurizer.weight(self.featurizer.counts(chunk), self.idf)
            x = self.featurizer.add_language_block(x, languages[start:stop])
            out[start : start + len(chunk)] = x @ self._weights_t + self.intercept
        truncated = np.fromiter((p[1] for p in prepared), dtype=bool, count=len(prepared))
        return out, truncated

    def predict_proba(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """Calibrated probabilities, shape (n, 3) in `LABELS` order.

        Args:
            texts: Posts.
            langs: Language per text (see `logits`; no detection happens here).

        Returns:
            Temperature-scaled softmax of the logits.
        """
        return softmax(self.logits(texts, langs)[0], self.temperature)

    def predict(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[SentimentResult]:
        """Classify texts.

        Args:
            texts: Posts; None, bytes and other objects are coerced to text.
            langs: Optional ISO 639-1 language per text (None entries allowed). When
                omitted and the model uses languages, they are detected, and the
                detected codes are reported in the results.

        Returns:
            One `SentimentResult` per text, in input order. Empty or whitespace-only
            texts get a neutral result with uniform scores and `FLAG_EMPTY`.

        Raises:
            ValueError: If `langs` is given with a different length.
        """
        languages = _check_langs(texts, langs)
        clean = [coerce_text(t) for t in texts]
        if langs is None and self.uses_language:
            languages = self.language_identifier.detect(clean)
        return results_by_text_and_language(clean, languages, self.version, self._calibrated)

    def _calibrated(
        self, texts: Sequence[str], langs: Sequence[str | None]
    ) -> tuple[np.ndarray, np.ndarray]:
        z, truncated = self.logits(texts, langs)
        return softmax(z, self.temperature), truncated


# --------------------------------------------------------------------------- HF model

_LABEL_ALIASES = {
    "negative": "negative",
    "neg": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "positive": "positive",
    "pos": "positive",
}
_STARS = re.compile(r"^([1-5])\s*stars?$")
_GENERIC = re.compile(r"^label_(\d+)$")
_STAR_TO_LABEL = {1: "negative", 2: "negative", 3: "neutral", 4: "positive", 5: "positive"}


def resolve_label_map(
    model_labels: Sequence[str], label_map: Mapping[str, str] | None = None
) -> list[str]:
    """Map each of a model's output classes onto one of `LABELS`.

    With `label_map`, keys are the model's label names (case-insensitive) or class
    indices as strings ("0", "1", ...), values are our labels; several model
    classes may map to one label (their probabilities are added). Without it, these
    conventions are recognised:

    - names negative/neutral/positive or NEG/NEU/POS (any case, any subset: a
      two-class negative/positive model gives neutral a score of 0);
    - "1 star" ... "5 stars": 1-2 negative, 3 neutral, 4-5 positive;
    - generic LABEL_0..LABEL_k: with 3 classes 0/1/2 = negative/neutral/positive
      (the cardiffnlp convention), with 2 classes 0/1 = negative/positive, with 5
      classes star ratings 1-5.

    Args:
        model_labels: The model's label names in class-index order (`id2label`).
        label_map: Optional explicit mapping.

    Returns:
        Our label for each model class, in class-index order.

    Raises:
        ValueError: If a value is not one of `LABELS`, a class is left unmapped, or
            no convention fits (then pass `label_map`).
    """
    names = [str(n).strip().lower() for n in model_labels]
    if label_map is not None:
        explicit = {str(k).strip().lower(): v for k, v in label_map.items()}
        bad = sorted({v for v in explicit.values() if v not in LABELS})
        if bad:
            raise ValueError(f"label_map values must be in {LABELS}, got {bad}")
        mapped = []
        for i, name in enumerate(names):
            target = explicit.get(name, explicit.get(str(i)))
            if target is None:
                raise ValueError(
                    f"label_map has no entry for model label {model_labels[i]!r} (index {i})"
                )
            mapped.append(target)
        return mapped
    if names and all(n in _LABEL_ALIASES for n in names):
        return [_LABEL_ALIASES[n] for n in names]
    stars = [_STARS.match(n) for n in names]
    if names and all(stars):
        return [_STAR_TO_LABEL[int(m.group(1))] for m in stars if m]
    generic = [_GENERIC.match(n) for n in names]
    if names and all(generic):
        idx = [int(m.group(1)) for m in generic if m]
        k = len(idx)
        if sorted(idx) == list(range(k)):
            if k == 3:
                return [LABELS[i] for i in idx]
            if k == 2:
                return ["negative" if i == 0 else "positive" for i in idx]
            if k == 5:
                return [_STAR_TO_LABEL[i + 1] for i in idx]
    raise ValueError(
        f"cannot map model labels {list(model_labels)} to {LABELS}; pass label_map, e.g. "
        '{"LABEL_0": "negative", "LABEL_1": "neutral", "LABEL_2": "positive"}'
    )


class HFSentimentModel:
    """A Hugging Face sequence classifier behind the `SentimentModel` interface.

    Loads with `AutoTokenizer` / `AutoModelForSequenceClassification`, so it takes
    a hub id (downloaded and cached by transformers when online) or a local folder
    written by `save_pretrained`. Texts are deduplicated, sorted by token length and
    batched with dynamic padding; texts longer than `max_length` tokens are cut by
    the tokenizer and marked `truncated`.

    Args:
        model_name_or_path: Hub id or local directory.
        label_map: Optional mapping from model labels to ours (see
            `resolve_label_map`).
        temperature: Calibration temperature applied to the logits.
        max_length: Most tokens read per text (capped by the tokenizer's limit).
        batch_size: Texts per forward pass.
        device: Torch device, e.g. "cpu", "cuda", "cuda:1"; "auto" picks CUDA when
            available.
        half: Run the forward pass in fp16; None: on CUDA only (CPUs gain nothing
            from fp16 and some lack the kernels).
        version: Version string for results; defaults to "hf:<name>[@<commit>]".

    Raises:
        ModelLoadError: If the tokenizer or model cannot be loaded.
        ValueError: If the labels cannot be mapped or an argument is out of range.
    """

    def __init__(
        self,
        model_name_or_path: str,
        label_map: Mapping[str, str] | None = None,
        temperature: float = 1.0,
        max_length: int = 128,
        batch_size: int = 32,
        device: str = "cpu",
        *,
        half: bool | None = None,
        version: str | None = None,
    ) -> None:
        if not (math.isfinite(temperature) and temperature > 0):
            raise ValueError(f"temperature must be positive, got {temperature}")
        if max_length < 2 or batch_size < 1:
            raise ValueError("max_length must be >= 2 and batch_size >= 1")
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model_name_or_path)
            self.model = AutoModelForSequenceClassification.from_pretrained(model_name_or_path)
        except (OSError, ValueError) as e:
            raise ModelLoadError(
                f"cannot load Hugging Face model {model_name_or_path!r}: {e}. Offline, pass "
                "a local directory written by save_pretrained()."
            ) from e
        self.model.to(device)
        self.half = device.startswith("cuda") if half is None else half
        if self.half:
            self.model.half()
        self.model.eval()
        self.device = device
        config = self.model.config
        self.model_labels = [str(config.id2label[i]) for i in range(config.num_labels)]
        self.label_for_class = resolve_label_map(self.model_labels, label_map)
        self._to_ours = np.zeros((len(self.model_labels), len(LABELS)))
        for i, label in enumerate(self.label_for_class):
            self._to_ours[i, LABELS.index(label)] = 1.0
        tokenizer_limit = int(getattr(self.tokenizer, "model_max_length", 0) or 0)
        if 0 < tokenizer_limit < 100_000:
            max_length = min(max_length, tokenizer_limit)
        self.max_length = max_length
        # Characters kept before tokenising: no token is this long on average, so
        # the cut never changes what the model reads, but 100 kB posts stay cheap.
        self.max_chars = max_length * 32
        self.batch_size = batch_size
        self.temperature = float(temperature)
        if version is None:
            commit = getattr(config, "_commit_hash", None)
            version = f"hf:{model_name_or_path}" + (f"@{commit[:12]}" if commit else "")
            if self.temperature != 1.0:
                version += f";T={self.temperature:.4g}"
        self.version = version

    def _token_lengths(self, texts: Sequence[str]) -> list[int]:
        # Truncating at max_length + 1 tells "longer than max_length" apart without
        # tokenizer warnings about over-long sequences.
        encoded = self.tokenizer(
            list(texts), truncation=True, max_length=self.max_length + 1, padding=False
        )
        return [len(ids) for ids in encoded["input_ids"]]

    def logits(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Raw model logits (model's own classes, before temperature) per text.

        Args:
            texts: Non-empty posts (already clean strings).

        Returns:
            `(logits, truncated)`: float64 array (n, num_model_labels) in input order
            and a bool array (n,).
        """
        import torch

        cut = [t[: self.max_chars] for t in texts]
        chars_dropped = [bool(t[self.max_chars :].strip()) for t in texts]
        lengths = self._token_lengths(cut)
        truncated = np.array(
            [n > self.max_length or d for n, d in zip(lengths, chars_dropped, strict=True)],
            dtype=bool,
        )
        order = sorted(range(len(cut)), key=lambda i: -lengths[i])
        out = np.zeros((len(cut), len(self.model_labels)), dtype=np.float64)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                batch = self.tokenizer(
                    [cut[i] for i in idx],
                    truncation=True,
                    max_length=self.max_length,
                    padding=True,
                    return_tensors="pt",
                ).to(self.device)
                out[idx] = self.model(**batch).logits.float().cpu().numpy()
        return out, truncated

    def predict(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[SentimentResult]:
        """Classify texts.

        Args:
            texts: Posts; None, bytes and other objects are coerced to text.
            langs: Optional language per text, copied into the results.

        Returns:
            One `SentimentResult` per text, in input order; empty texts get a neutral
            result with uniform scores and `FLAG_EMPTY`.

        Raises:
            ValueError: If `langs` is given with a different length.
        """
        languages = _check_langs(texts, langs)
        clean = [coerce_text(t) for t in texts]
        unique = list(dict.fromkeys(t for t in clean if t.strip()))
        by_text: dict[str, tuple[np.ndarray, bool]] = {}
        if unique:
            z, truncated = self.logits(unique)
            probs = softmax(z, self.temperature) @ self._to_ours
            for text, p, cut in zip(unique, probs, truncated, strict=True):
                by_text[text] = (p, bool(cut))
        results = []
        for text, lang in zip(clean, languages, strict=True):
            if text in by_text:
                p, cut = by_text[text]
                results.append(_result(p, self.version, lang, cut))
            else:
                results.append(_empty_result(self.version, lang))
        return results


# --------------------------------------------------------------------------- loading


@functools.lru_cache(maxsize=1)
def _ngram_model() -> NgramSentimentModel:
    return NgramSentimentModel.load(BUNDLED_NGRAM_PATH)


def _bundled_ngram(device: str = "cpu", batch_size: int | None = None) -> NgramSentimentModel:
    del device, batch_size  # sparse n-gram features: the CPU, all at once, is right
    return _ngram_model()


@functools.lru_cache(maxsize=4)
def _bundled_stack(device: str = "cpu", batch_size: int | None = None) -> SentimentModel:
    # Imported here: nlp.sentiment_stack builds on this module.
    from nlp.sentiment_stack import StackedSentimentModel

    return StackedSentimentModel.load(
        base=_ngram_model(), device=device, encoder_batch_size=batch_size
    )


BUILTIN_MODELS: dict[str, Callable[..., SentimentModel]] = {
    "ngram": _bundled_ngram,
    "stack": _bundled_stack,
}
"""Built-in models by name, addressed as "builtin:<name>"; each takes `device` and
`batch_size` (texts per encoder forward pass; None: the model's default) keywords."""

DEFAULT_MODEL_SPEC = "builtin:stack"


def load_sentiment_model(
    spec: str | None = None,
    *,
    label_map: Mapping[str, str] | None = None,
    temperature: float | None = None,
    max_length: int = 128,
    batch_size: int | None = None,
    device: str = "cpu",
) -> SentimentModel:
    """Load a sentiment model from a spec string.

    Specs:
        - None, "" or "builtin:stack": the default, the bundled n-gram model fused
          with a head on the packaged MiniLM for English (`nlp.sentiment_stack`).
        - "builtin:ngram": the bundled n-gram model alone (loaded once and shared).
        - "builtin:<name>": another entry of `BUILTIN_MODELS`.
        - "ngram:<file>" or a path ending in ".npz": an n-gram model file written by
          `scripts/train_sentiment_baseline.py`.
        - "hf:<id-or-path>" or anything else: a Hugging Face model
          (`HFSentimentModel`).

    The label map is a separate argument rather than part of the spec, so paths
    and ids need no escaping; the CLI takes it as JSON (`--label-map`).

    Args:
        spec: Which model.
        label_map: Model label -> our label, for Hugging Face models only.
        temperature: Calibration temperature; None keeps the n-gram model's fitted
            one and means 1.0 for Hugging Face models.
        max_length: Hugging Face models: most tokens per text.
        batch_size: Texts per forward pass of a Hugging Face model (default 32) or of
            the default model's encoder (default 16 on the CPU, 128 on CUDA).
        device: Torch device for Hugging Face models and for the default model's
            encoder (``cpu``, ``cuda[:N]``, ``auto``); the n-gram model runs on the CPU.

    Returns:
        A `SentimentModel`.

    Raises:
        ValueError: For an unknown built-in, or a label map given for an n-gram model.
        ModelLoadError: If the files cannot be loaded.
    """
    spec = (spec or DEFAULT_MODEL_SPEC).strip()
    ngram: NgramSentimentModel | None = None
    if spec in ("builtin", "builtin:"):
        spec = DEFAULT_MODEL_SPEC
    if spec.startswith("builtin:"):
        name = spec.removeprefix("builtin:")
        if name not in BUILTIN_MODELS:
            choices = sorted(BUILTIN_MODELS)
            raise ValueError(f"unknown built-in model {name!r}; choose from {choices}")
        model = BUILTIN_MODELS[name](device=device, batch_size=batch_size)
        if isinstance(model, NgramSentimentModel):
            ngram = model
        elif label_map is not None or temperature is not None:
            raise ValueError(f"built-in model {name!r} takes no label_map or temperature")
        else:
            return model
    elif spec.startswith("ngram:") or spec.lower().endswith(".npz"):
        ngram = NgramSentimentModel.load(spec.removeprefix("ngram:"))
    if ngram is not None:
        if label_map is not None:
            raise ValueError("label_map applies to Hugging Face models only")
        return ngram if temperature is None else ngram.with_temperature(temperature)
    return HFSentimentModel(
        spec.removeprefix("hf:"),
        label_map=label_map,
        temperature=1.0 if temperature is None else temperature,
        max_length=max_length,
        batch_size=batch_size or 32,
        device=device,
    )


def model_fingerprint(coef: np.ndarray, intercept: np.ndarray) -> str:
    """Short content hash of a linear model's weights, for version strings.

    Args:
        coef: Weight matrix.
        intercept: Bias vector.

    Returns:
        The first 8 hex digits of the SHA-256 of the float16 weights.
    """
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(coef, dtype=np.float16).tobytes())
    digest.update(np.ascontiguousarray(intercept, dtype=np.float32).tobytes())
    return digest.hexdigest()[:8]


__all__ = [
    "BUILTIN_MODELS",
    "BUNDLED_NGRAM_PATH",
    "DEFAULT_MODEL_SPEC",
    "FLAG_EMPTY",
    "LABELS",
    "HFSentimentModel",
    "LanguageDetector",
    "ModelLoadError",
    "NgramFeatureConfig",
    "NgramFeaturizer",
    "NgramSentimentModel",
    "SentimentModel",
    "SentimentResult",
    "coerce_text",
    "load_sentiment_model",
    "model_fingerprint",
    "normalize_text",
    "resolve_label_map",
]
