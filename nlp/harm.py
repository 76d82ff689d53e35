"""Harm-claim detection: does a post claim that a product made someone ill or hurt them?

A post counts as a harm claim when it claims or reports that a product, service, food,
drink, cosmetic, medicine, vehicle or venue caused illness, injury or a safety hazard,
rumours included ("I heard X causes cancer"). Slang ("sick beat"), complaints without
harm ("tastes awful"), illness with no product blamed and general health news do not.

The classifier is a pipeline in three steps, like a transformers pipeline:

1. *preprocess*: multilingual lexicons (`nlp.harm_lexicon`) find harm terms (symptoms,
   injuries, hazards), product/brand mentions, consumption and causal cues ("after
   eating", กินแล้ว, "setelah makan", "nach dem Essen"), hearsay cues, and the spans that
   cancel a harm term (slang, figurative use, negation, remedies and adverts).
2. *forward*: a small sign-constrained logistic model over 23 such features, trained on
   the labelled references in `nlp/harm_data/labels.jsonl` (weights and threshold in
   `harm_lr.json`; see `nlp/harm_data/README.md` for the data and scores).
   On Thai-script posts a small character n-gram scorer (`harm_ngram_th.npz`) is blended
   in by default, under a lexical guard; any other second scorer (for instance a
   fine-tuned transformer) can replace it.
3. *postprocess*: a probability, a yes/no at the threshold and the evidence: matched
   terms with character spans, the product blamed, and short reasons.

Only the standard library is imported at module level; pythainlp (Thai word boundaries),
numpy/scikit-learn (the n-gram scorer) and scipy (training only) are imported when first
needed.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from nlp.harm_lexicon import (
    CONTAMINATION,
    DEFAULT_LEXICON,
    GENERIC_PRODUCT_WORDS,
    GI,
    HAZARD,
    LANGUAGE_ALIASES,
    MEDIUM,
    SERIOUS,
    SKIN,
    STRONG,
    WEAK,
    LanguageLexicon,
)

__all__ = [
    "DEFAULT_NGRAM_PATH",
    "DEFAULT_WEIGHTS_PATH",
    "FEATURE_NAMES",
    "HarmClassifier",
    "HarmEvidence",
    "HarmMatch",
    "HarmModelError",
    "HarmResult",
    "HarmScorer",
    "NgramHarmConfig",
    "NgramHarmScorer",
    "ProductMention",
    "fit_harm_blend",
    "fit_harm_weights",
    "harm_metrics",
    "load_ngram_scorer",
    "load_weights",
]

DEFAULT_WEIGHTS_PATH = Path(__file__).with_name("harm_data") / "harm_lr.json"
"""Trained weights shipped with the package (rebuilt by `scripts/build_harm_set.py --train`)."""

FEATURE_NAMES: tuple[str, ...] = (
    "harm_strong",
    "harm_medium",
    "harm_weak",
    "harm_count",
    "near_cue",
    "near_consumption",
    "near_product",
    "near_brand",
    "strong_supported",
    "medium_supported",
    "weak_supported",
    "weak_product",
    "rumour",
    "first_person",
    "gastrointestinal",
    "skin",
    "contamination",
    "hazard",
    "serious",
    "negated",
    "figurative",
    "remedy",
    "info",
)
"""Features the logistic model reads, in order."""

_EVIDENCE = frozenset(
    {
        "harm_strong",
        "harm_medium",
        "harm_weak",
        "harm_count",
        "near_cue",
        "near_consumption",
        "near_product",
        "near_brand",
        "strong_supported",
        "medium_supported",
        "weak_supported",
        "weak_product",
        "rumour",
        "first_person",
    }
)
_COUNTER_EVIDENCE = frozenset({"negated", "figurative", "remedy", "info"})
_CATEGORY_BOUND = 1.0
"""Training keeps evidence weights >= 0, counter-evidence <= 0 and category weights within
+-1, so quirks of the (Thai-heavy) training posts cannot flip what a cue means."""

PRIOR_WEIGHTS: Mapping[str, float] = {
    "harm_strong": 2.0,
    "harm_medium": 1.0,
    "harm_weak": 0.0,
    "harm_count": 0.5,
    "near_cue": 1.0,
    "near_consumption": 0.5,
    "near_product": 1.0,
    "near_brand": 0.5,
    "strong_supported": 1.0,
    "medium_supported": 1.5,
    "weak_supported": 2.0,
    "weak_product": 0.5,
    "rumour": 0.5,
    "first_person": 0.3,
    "negated": -1.5,
    "figurative": -1.5,
    "remedy": -1.5,
    "info": -1.5,
}
"""What each feature should mean before seeing data; the fit's L2 penalty pulls towards
these instead of towards zero, so rare features (hearsay, weak terms with support) keep
their linguistic meaning when the labelled posts have few examples of them."""

_MAX_MATCHES = 64
"""Harm matches examined per text; a 100 kB text stays fast."""

_WINDOW_BEFORE = 90
_WINDOW_AFTER = 60
_THAI_RE = re.compile(r"[\u0E00-\u0E7F]")
_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9&'\-]*")
_TOKEN_RE = re.compile(r"[@#]?[\w][\w&'\-]*", re.UNICODE)
_SENTENCE_END = frozenset(".!?…\n")
_CAPITALISED_STOPWORDS = frozenset(
    """i i'm im i've i'd i'll the a an and but or so if my me we you he she it they this that
    these those there here what when where why how who just not no yes ok okay lol omg wtf
    rt oh ah hey hi please thanks thank god jesus lord mom mum dad monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august
    september october november december today tomorrow tonight yesterday happy new good
    great best love""".split()
)
_ALLCAPS_STOPWORDS = frozenset(
    "LOL OMG WTF OK RT ASAP FYI TBH IMO IMHO SMH IDK BTW NGL LMAO ROFL AM PM TV USA UK EU"
    " US I A YES NO".split()
)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class HarmMatch:
    """A harm term found in the text.

    Attributes:
        text: The matched characters.
        label: Canonical term name (e.g. "food poisoning", "ผื่น (rash)").
        category: gastrointestinal, skin, injury, hazard, contamination, serious or general.
        strength: strong, medium or weak.
        start: Character offset where the match starts.
        end: Character offset just after the match.
        language: Lexicon the term came from.
    """

    text: str
    label: str
    category: str
    strength: str
    start: int
    end: int
    language: str


@dataclass(frozen=True)
class ProductMention:
    """The product, brand or object a harm term is blamed on.

    Attributes:
        text: The matched characters.
        start: Character offset where the mention starts.
        end: Character offset just after the mention.
        kind: "product" (a configured brand/product name), "noun" (a product noun such as
            "cream" or "burger"), or "brand" (a brand-like token: capitalised word,
            @handle, #hashtag, or Latin word in Thai text).
    """

    text: str
    start: int
    end: int
    kind: str


@dataclass
class HarmEvidence:
    """Why a post was (or was not) read as a harm claim.

    Attributes:
        harm_terms: Harm terms that count (not negated, not slang or figurative).
        ignored_terms: Harm terms that matched but were set aside, with the reason in
            `reasons`.
        product: The product or brand blamed, when one was found near a harm term.
        reasons: Short human-readable reasons.
    """

    harm_terms: list[HarmMatch] = field(default_factory=list)
    ignored_terms: list[HarmMatch] = field(default_factory=list)
    product: ProductMention | None = None
    reasons: list[str] = field(default_factory=list)


@dataclass
class HarmResult:
    """The harm-claim verdict for one text.

    Attributes:
        probability: Probability (0..1) that the text is a harm claim.
        is_claim: `probability >= threshold` of the classifier that produced it.
        evidence: Matched terms, the product blamed and reasons.
        features: The feature values the logistic model read (for debugging/training).
    """

    probability: float
    is_claim: bool
    evidence: HarmEvidence
    features: dict[str, float] = field(default_factory=dict, repr=False)

    def evidence_dict(self) -> dict[str, Any]:
        """Return the evidence as plain JSON-serialisable data.

        Returns:
            A dict with harm_terms, ignored_terms, product and reasons.
        """
        return asdict(self.evidence)


@runtime_checkable
class HarmScorer(Protocol):
    """A second scorer blended with the lexical model, e.g. a fine-tuned transformer.

    Wrap `transformers.pipeline("text-classification", ...)` in an object with this
    method and pass it as `HarmClassifier(model=...)`.
    """

    def predict_proba(self, texts: list[str]) -> Sequence[float | None]:
        """Return one harm-claim probability per text (None or NaN: no opinion)."""
        ...


# --------------------------------------------------------------------------- metrics


def harm_metrics(y_true: Sequence[int | bool], y_pred: Sequence[int | bool]) -> dict[str, float]:
    """Precision, recall and F1 of the positive (harm-claim) class.

    Args:
        y_true: Gold labels (1/True = harm claim).
        y_pred: Predicted labels.

    Returns:
        A dict with n, tp, fp, fn, tn, precision, recall and f1. Precision (recall) is
        0.0 when nothing was predicted (nothing was positive).

    Raises:
        ValueError: If the two sequences differ in length.
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} items but y_pred has {len(y_pred)}")
    tp = fp = fn = tn = 0
    for gold, pred in zip(y_true, y_pred, strict=True):
        g, p = bool(gold), bool(pred)
        if g and p:
            tp += 1
        elif p:
            fp += 1
        elif g:
            fn += 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(y_true),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


# --------------------------------------------------------------------------- weights


def load_weights(path: str | Path | None = None) -> dict[str, Any]:
    """Load logistic-model weights from JSON.

    Args:
        path: A weights file; the shipped `harm_data/harm_lr.json` when None.

    Returns:
        A dict with "features", "coef", "intercept" and metadata.

    Raises:
        ValueError: If the file does not hold weights for the current features.
    """
    source = Path(path) if path is not None else DEFAULT_WEIGHTS_PATH
    data = json.loads(source.read_text(encoding="utf-8"))
    _check_weights(data, str(source))
    return dict(data)


def _check_weights(data: Mapping[str, Any], where: str) -> None:
    features = list(data.get("features", []))
    coef = list(data.get("coef", []))
    if features != list(FEATURE_NAMES) or len(coef) != len(FEATURE_NAMES):
        raise ValueError(
            f"{where}: weights are for features {features}, expected {list(FEATURE_NAMES)}; "
            "retrain with scripts/build_harm_set.py --train"
        )
    if not isinstance(data.get("intercept"), int | float):
        raise ValueError(f"{where}: missing numeric 'intercept'")


def fit_harm_weights(
    texts: Sequence[str],
    labels: Sequence[int],
    langs: Sequence[str | None] | None = None,
    *,
    c: float = 1.0,
    lexicon: Mapping[str, LanguageLexicon] = DEFAULT_LEXICON,
    cv_folds: int = 5,
) -> dict[str, Any]:
    """Fit the sign-constrained logistic model on labelled texts (numpy/scipy imported here).

    Args:
        texts: Training texts.
        labels: 1 for a harm claim, 0 otherwise.
        langs: Language codes, one per text (None entries are detected from script).
        c: Inverse strength of the L2 pull towards `PRIOR_WEIGHTS`.
        lexicon: The lexicons the features are computed with.
        cv_folds: Folds of the cross-validation that picks the decision threshold
            (stored as "threshold"); below 2, the threshold is 0.5.

    Returns:
        A weights dict for `HarmClassifier(weights=...)` / `harm_lr.json`.

    Raises:
        ValueError: If the inputs differ in length or hold only one class.
    """
    import numpy as np

    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    if len(set(int(v) for v in labels)) < 2:
        raise ValueError("training needs both positive and negative examples")
    extractor = HarmClassifier(lexicon=lexicon, weights=_ZERO_WEIGHTS, model=None)
    rows = extractor.featurize(list(texts), list(langs) if langs is not None else None)
    x = np.array([[row[name] for name in FEATURE_NAMES] for row in rows], dtype=float)
    y = np.array([int(v) for v in labels], dtype=float)
    coef, intercept = _fit_constrained(x, y, c)
    threshold = _cv_threshold(x, y, c, cv_folds) if cv_folds >= 2 else 0.5
    return {
        "format": "groundswell-harm-lr/1",
        "features": list(FEATURE_NAMES),
        "coef": [round(float(v), 6) for v in coef],
        "intercept": round(float(intercept), 6),
        "threshold": threshold,
        "c": c,
        "n_train": len(texts),
        "n_positive": int(sum(int(v) for v in labels)),
    }


def _fit_constrained(x: Any, y: Any, c: float) -> tuple[Any, float]:
    """Logistic regression with sign bounds and an L2 pull towards `PRIOR_WEIGHTS`."""
    import numpy as np
    from scipy.optimize import minimize

    n_feat = x.shape[1]
    prior = np.array([PRIOR_WEIGHTS.get(name, 0.0) for name in FEATURE_NAMES], dtype=float)

    def loss(params: Any) -> tuple[float, Any]:
        w, b = params[:n_feat], params[n_feat]
        z = x @ w + b
        d = w - prior
        # log(1 + e^z) - y*z, computed stably; L2 towards the prior, not on the intercept.
        nll = float(np.sum(np.logaddexp(0.0, z) - y * z)) + float(d @ d) / (2.0 * c)
        p = 0.5 * (1.0 + np.tanh(0.5 * z))
        grad_w = x.T @ (p - y) + d / c
        grad_b = np.sum(p - y)
        return nll, np.concatenate([grad_w, [grad_b]])

    bounds: list[tuple[float | None, float | None]] = []
    for name in FEATURE_NAMES:
        if name in _EVIDENCE:
            bounds.append((0.0, None))
        elif name in _COUNTER_EVIDENCE:
            bounds.append((None, 0.0))
        else:
            bounds.append((-_CATEGORY_BOUND, _CATEGORY_BOUND))
    bounds.append((None, None))
    start = np.concatenate([prior, [0.0]])
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[:n_feat], float(result.x[n_feat])


_THRESHOLD_GRID = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def _cv_threshold(x: Any, y: Any, c: float, folds: int) -> float:
    """The decision threshold with (nearly) the best out-of-fold F1."""
    import numpy as np

    fold_of = _stratified_folds(y, folds)
    scores = np.empty(len(y))
    for k in range(folds):
        test = fold_of == k
        coef, intercept = _fit_constrained(x[~test], y[~test], c)
        scores[test] = 1.0 / (1.0 + np.exp(-(x[test] @ coef + intercept)))
    f1s = {t: harm_metrics(list(y.astype(int)), list(scores >= t))["f1"] for t in _THRESHOLD_GRID}
    top = max(f1s.values())
    # Within a point of the best F1, prefer the threshold nearest 0.5: the out-of-fold
    # curve is flat there and a central value transfers better to other posts.
    near_best = [t for t, f1 in f1s.items() if f1 >= top - 0.01]
    return min(near_best, key=lambda t: (abs(t - 0.5), t))


_ZERO_WEIGHTS: dict[str, Any] = {
    "format": "groundswell-harm-lr/1",
    "features": list(FEATURE_NAMES),
    "coef": [0.0] * len(FEATURE_NAMES),
    "intercept": 0.0,
}


# --------------------------------------------------------------------------- n-gram scorer

DEFAULT_NGRAM_PATH = Path(__file__).with_name("harm_data") / "harm_ngram_th.npz"
"""The shipped Thai character n-gram scorer (rebuilt by `scripts/build_harm_set.py --train`)."""

NGRAM_FORMAT = "groundswell-harm-ngram/1"
_MIN_THAI_CHARS = 3
"""Thai-script letters in the first 2,000 characters that make a text Thai (as `_languages`)."""


class HarmModelError(ValueError):
    """A harm-model artifact is missing, unreadable or not what the code expects."""


@dataclass(frozen=True)
class NgramHarmConfig:
    """How texts become hashed character n-gram vectors; stored with the weights.

    Attributes:
        ngram_range: Character n-gram lengths, taken inside word boundaries (`char_wb`).
        n_features: Hash space size (a power of two).
        script: The script the scorer reads ("thai"); texts in other scripts get no score.
        max_chars: Characters read per text (longer texts are cut).
    """

    ngram_range: tuple[int, int] = (1, 4)
    n_features: int = 2**17
    script: str = "thai"
    max_chars: int = 5_000


class NgramHarmScorer:
    """Hashed character n-gram logistic regression for one script (a `HarmScorer`).

    It catches Thai phrasings the lexicons miss. Texts outside its script get None
    ("no opinion"), so `HarmClassifier` keeps the lexical probability for them. Stored
    without pickles: float16 weights and IDF in a compressed `.npz`. scikit-learn's
    stateless `HashingVectorizer` turns texts into columns, so no vocabulary is stored.

    Args:
        coef: One weight per hashed column.
        intercept: The logistic intercept.
        idf: Inverse document frequency per hashed column.
        config: Feature settings.
    """

    def __init__(self, coef: Any, intercept: float, idf: Any, config: NgramHarmConfig) -> None:
        """Build the scorer from its arrays (see `load` and `fit`)."""
        import numpy as np

        if config.script != "thai":
            raise HarmModelError(f"unsupported script {config.script!r} (only 'thai')")
        self.coef = np.asarray(coef, dtype=np.float32).ravel()
        self.idf = np.asarray(idf, dtype=np.float32).ravel()
        if self.coef.shape != (config.n_features,) or self.idf.shape != (config.n_features,):
            raise HarmModelError(
                f"n-gram scorer arrays have shapes {self.coef.shape} and {self.idf.shape}, "
                f"expected ({config.n_features},)"
            )
        self.intercept = float(intercept)
        self.config = config
        self._vectorizer: Any = None

    @property
    def version(self) -> str:
        """A short digest of the weights (part of `HarmClassifier.version`)."""
        digest = hashlib.sha1(self.coef.tobytes() + self.idf.tobytes())
        digest.update(repr((self.intercept, asdict(self.config))).encode())
        return digest.hexdigest()[:8]

    def applies(self, text: str) -> bool:
        """True when the text is in the scorer's script."""
        return len(_THAI_RE.findall(text[:2000])) >= _MIN_THAI_CHARS

    def predict_proba(self, texts: list[str]) -> list[float | None]:
        """Return a harm-claim probability per Thai text, None for the others.

        Args:
            texts: Posts.

        Returns:
            One probability (or None outside the script) per text, in order.
        """
        import numpy as np

        out: list[float | None] = [None] * len(texts)
        chosen = [i for i, t in enumerate(texts) if isinstance(t, str) and self.applies(t)]
        if not chosen:
            return out
        x = self._weighted([texts[i][: self.config.max_chars] for i in chosen])
        z = x @ self.coef + self.intercept
        for i, p in zip(chosen, 0.5 * (1.0 + np.tanh(0.5 * z)), strict=True):
            out[i] = float(p)
        return out

    def _counts(self, texts: Sequence[str]) -> Any:
        if self._vectorizer is None:
            self._vectorizer = _hashing_vectorizer(self.config)
        return self._vectorizer.transform(texts).tocsr()

    def _weighted(self, texts: Sequence[str]) -> Any:
        return _tfidf_rows(self._counts(texts), self.idf)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        labels: Sequence[int],
        config: NgramHarmConfig | None = None,
        *,
        c: float = 10.0,
    ) -> NgramHarmScorer:
        """Train on the texts in the scorer's script (others are skipped).

        Args:
            texts: Training texts.
            labels: 1 for a harm claim, 0 otherwise.
            config: Feature settings; the defaults when None.
            c: Inverse L2 strength of the logistic regression.

        Returns:
            The fitted scorer.

        Raises:
            ValueError: If the inputs differ in length or the script's texts hold only
                one class.
        """
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        config = config or NgramHarmConfig()
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        probe = cls(np.zeros(config.n_features), 0.0, np.ones(config.n_features), config)
        keep = [i for i, t in enumerate(texts) if probe.applies(t)]
        y = np.array([int(labels[i]) for i in keep])
        if len(set(y.tolist())) < 2:
            raise ValueError(f"training needs positive and negative {config.script} texts")
        counts = probe._counts([texts[i][: config.max_chars] for i in keep])
        df = np.bincount(counts.indices, minlength=config.n_features)
        idf = (np.log((1.0 + len(keep)) / (1.0 + df)) + 1.0).astype(np.float32)
        lr = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=1000)
        lr.fit(_tfidf_rows(counts, idf), y)
        return cls(lr.coef_[0], float(lr.intercept_[0]), idf, config)

    @classmethod
    def load(cls, path: str | Path | None = None) -> NgramHarmScorer:
        """Load a scorer written by `save` (no pickles involved).

        Args:
            path: The `.npz` file; the shipped `harm_data/harm_ngram_th.npz` when None.

        Returns:
            The scorer.

        Raises:
            HarmModelError: If the file is missing, unreadable or of another format.
        """
        import numpy as np

        source = Path(path) if path is not None else DEFAULT_NGRAM_PATH
        try:
            with np.load(source, allow_pickle=False) as data:
                fmt = str(data["format"])
                if fmt != NGRAM_FORMAT:
                    raise HarmModelError(f"{source}: format {fmt!r}, expected {NGRAM_FORMAT!r}")
                raw = json.loads(str(data["config"]))
                config = NgramHarmConfig(
                    ngram_range=(int(raw["ngram_range"][0]), int(raw["ngram_range"][1])),
                    n_features=int(raw["n_features"]),
                    script=str(raw["script"]),
                    max_chars=int(raw["max_chars"]),
                )
                return cls(data["coef"], float(data["intercept"]), data["idf"], config)
        except HarmModelError:
            raise
        except (OSError, KeyError, ValueError, TypeError, EOFError) as e:
            raise HarmModelError(
                f"cannot load the harm n-gram scorer from {source}: {e}; rebuild it with "
                "scripts/build_harm_set.py --train, or pass HarmClassifier(model=None)"
            ) from e

    def save(self, path: str | Path) -> None:
        """Save compactly: float16 weights and IDF in a compressed `.npz`.

        Args:
            path: Destination file (conventionally ending in `.npz`).
        """
        import numpy as np

        np.savez_compressed(
            Path(path),
            format=np.array(NGRAM_FORMAT),
            config=np.array(json.dumps(asdict(self.config), sort_keys=True)),
            coef=self.coef.astype(np.float16),
            intercept=np.array(self.intercept, dtype=np.float64),
            idf=self.idf.astype(np.float16),
        )

    def quantised(self) -> NgramHarmScorer:
        """The scorer as `save` stores it (float16 arrays), for scoring what ships."""
        import numpy as np

        return NgramHarmScorer(
            self.coef.astype(np.float16), self.intercept, self.idf.astype(np.float16), self.config
        )


def _hashing_vectorizer(config: NgramHarmConfig) -> Any:
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=config.ngram_range,
        n_features=config.n_features,
        alternate_sign=False,
        norm=None,
        lowercase=True,
        dtype=np.float32,
    )


def _tfidf_rows(counts: Any, idf: Any) -> Any:
    """Sublinear TF x IDF, rows L2-normalised (a new CSR matrix)."""
    import numpy as np

    x = counts.astype(np.float32, copy=True).tocsr()
    x.data = np.log1p(x.data) * idf[x.indices]
    row_of_value = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    sq = np.bincount(row_of_value, weights=np.square(x.data, dtype=np.float64),
                     minlength=x.shape[0])  # fmt: skip
    norms = np.sqrt(sq)
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    x.data *= scale[row_of_value].astype(np.float32)
    return x


_LOADED_SCORERS: dict[tuple[str, int, int], NgramHarmScorer] = {}
"""Scorers by (path, mtime, size): classifiers built in a loop share one load."""


def load_ngram_scorer(path: str | Path | None = None) -> NgramHarmScorer:
    """Load (once per file version) the n-gram scorer.

    Args:
        path: The `.npz` file; the shipped one when None.

    Returns:
        The scorer (shared between callers; it is not modified by scoring).

    Raises:
        HarmModelError: If the file is missing or not a valid scorer.
    """
    source = Path(path) if path is not None else DEFAULT_NGRAM_PATH
    try:
        stat = source.stat()
    except OSError as e:
        raise HarmModelError(
            f"harm n-gram scorer {source} not found; rebuild it with "
            "scripts/build_harm_set.py --train, or pass HarmClassifier(model=None)"
        ) from e
    key = (str(source.resolve()), stat.st_mtime_ns, stat.st_size)
    scorer = _LOADED_SCORERS.get(key)
    if scorer is None:
        scorer = NgramHarmScorer.load(source)
        _LOADED_SCORERS[key] = scorer
    return scorer


# --------------------------------------------------------------------------- blend training

_BLEND_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
_BLEND_THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(12))  # 0.2 .. 0.75


def fit_harm_blend(
    texts: Sequence[str],
    labels: Sequence[int],
    langs: Sequence[str | None] | None = None,
    *,
    c: float = 1.0,
    ngram_c: float = 10.0,
    config: NgramHarmConfig | None = None,
    lexicon: Mapping[str, LanguageLexicon] = DEFAULT_LEXICON,
    cv_folds: int = 5,
) -> tuple[dict[str, Any], NgramHarmScorer]:
    """Fit the n-gram scorer and pick its blend weight and threshold by cross-validation.

    Both models are refitted on each training fold; the blended probability is
    `w * ngram + (1 - w) * lexical` on Thai texts and the lexical one elsewhere, with
    the lexical guard of `HarmClassifier` (figurative/negated-only texts keep the
    lexical probability; supported strong/medium claims are never lowered). The
    (weight, threshold) pair with the best out-of-fold F1 is kept; within half a point
    of it, the smallest weight and then the threshold nearest 0.5 win.

    Args:
        texts: Training texts.
        labels: 1 for a harm claim, 0 otherwise.
        langs: Language codes, one per text (as for `fit_harm_weights`).
        c: Inverse strength of the lexical model's pull towards `PRIOR_WEIGHTS`.
        ngram_c: Inverse L2 strength of the n-gram logistic regression.
        config: The n-gram features; the defaults when None.
        lexicon: The lexicons the lexical features are computed with.
        cv_folds: Folds of the cross-validation (at least 2).

    Returns:
        The "blend" section of the weights ({model_weight, threshold, cv_f1, ...}) and
        the n-gram scorer fitted on all texts.

    Raises:
        ValueError: If the inputs differ in length, hold one class, or cv_folds < 2.
    """
    import numpy as np

    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    if cv_folds < 2:
        raise ValueError("cv_folds must be at least 2")
    config = config or NgramHarmConfig()
    extractor = HarmClassifier(lexicon=lexicon, weights=_ZERO_WEIGHTS, model=None)
    rows = extractor.featurize(list(texts), list(langs) if langs is not None else None)
    x = np.array([[row[name] for name in FEATURE_NAMES] for row in rows], dtype=float)
    y = np.array([int(v) for v in labels], dtype=float)
    fold_of = _stratified_folds(y, cv_folds)
    lexical = np.empty(len(y))
    ngram = np.full(len(y), np.nan)
    for k in range(cv_folds):
        test = fold_of == k
        coef, intercept = _fit_constrained(x[~test], y[~test], c)
        lexical[test] = 1.0 / (1.0 + np.exp(-(x[test] @ coef + intercept)))
        train_idx, test_idx = np.where(~test)[0], np.where(test)[0]
        scorer = NgramHarmScorer.fit(
            [texts[i] for i in train_idx], [int(y[i]) for i in train_idx], config, c=ngram_c
        ).quantised()
        scored = scorer.predict_proba([texts[i] for i in test_idx])
        ngram[test_idx] = [np.nan if p is None else p for p in scored]
    vetoed = np.array([_lexicon_vetoed(row) for row in rows])
    supported = np.array([_lexicon_supported(row) for row in rows])
    results = []
    for w in _BLEND_WEIGHTS:
        blended = _blend(lexical, ngram, w, vetoed, supported)
        for t in _BLEND_THRESHOLDS:
            f1 = harm_metrics(list(y.astype(int)), list(blended >= t))["f1"]
            results.append((f1, w, t))
    top = max(r[0] for r in results)
    f1, w, t = min(
        (r for r in results if r[0] >= top - 0.005), key=lambda r: (r[1], abs(r[2] - 0.5), r[2])
    )
    scorer = NgramHarmScorer.fit(texts, [int(v) for v in labels], config, c=ngram_c)
    blend = {
        "model": DEFAULT_NGRAM_PATH.name,
        "model_weight": w,
        "threshold": t,
        "cv_f1": round(f1, 4),
        "cv_folds": cv_folds,
        "ngram_c": ngram_c,
        "lexical_guard": True,
    }
    return blend, scorer


# --------------------------------------------------------------------------- semantic scorer

DEFAULT_SEMANTIC_PATH = Path(__file__).with_name("harm_data") / "harm_semantic_en.json"
SEMANTIC_FORMAT = "groundswell-harm-semantic/1"


class SemanticHarmScorer:
    """A logistic head on sentence embeddings that recognises claims the lexicon misses.

    It reads the vectors of the sentiment model's encoder (the default model embeds
    English posts anyway, so scoring costs a dot product). Its probability only ever
    *raises* a post to a claim, when it reaches `threshold` (picked for precision), and
    never overrides a post whose harm terms the lexicon set aside as slang or negated.
    Nothing is scored until an `embed` function is attached (`attach`): without one, or
    for other languages, it has no opinion.

    Attributes:
        coef: Head weights, one per embedding dimension.
        intercept: Head bias.
        threshold: Probability at or above which a post becomes a claim.
        langs: Languages it scores.
        encoder: The encoder the head was trained on (model name and patch digest).
    """

    def __init__(
        self,
        coef: Sequence[float],
        intercept: float,
        threshold: float,
        langs: Iterable[str] = ("en",),
        encoder: str = "",
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        import numpy as np

        if not 0.0 < threshold <= 1.0:
            raise HarmModelError(f"semantic threshold must be within (0, 1], got {threshold}")
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        self.threshold = float(threshold)
        self.langs = frozenset(langs)
        self.encoder = encoder
        self.meta = dict(meta or {})
        self._embed: Any = None

    @property
    def version(self) -> str:
        """Short content hash of the head."""
        blob = json.dumps([self.coef.round(6).tolist(), self.intercept, self.threshold])
        return hashlib.sha1(blob.encode()).hexdigest()[:8]

    @property
    def attached(self) -> bool:
        """Whether an embedding function is attached (else it scores nothing)."""
        return self._embed is not None

    def attach(self, embed: Any, encoder_id: str) -> bool:
        """Attach the embedding function of the encoder the head was trained on.

        Args:
            embed: ``embed(texts) -> array (n, dim)``.
            encoder_id: That encoder's id; only its part before the first "|" (model and
                patch, not the runtime) must match the head's.

        Returns:
            True when attached; False (and nothing attached) for another encoder.
        """
        if encoder_id.split("|")[0] != self.encoder.split("|")[0]:
            self._embed = None
            return False
        self._embed = embed
        return True

    def predict_proba(
        self, texts: Sequence[str], langs: Sequence[str | None]
    ) -> list[float | None]:
        """Probability per text, None where it has no opinion (language, no encoder)."""
        import numpy as np

        out: list[float | None] = [None] * len(texts)
        if self._embed is None:
            return out
        pairs = zip(texts, langs, strict=True)
        idx = [i for i, (t, lg) in enumerate(pairs) if lg in self.langs and t.strip()]
        if not idx:
            return out
        vectors = np.asarray(self._embed([texts[i] for i in idx]), dtype=np.float64)
        if vectors.ndim != 2 or vectors.shape[1] != self.coef.shape[0]:
            raise HarmModelError(
                f"embeddings of dimension {vectors.shape[-1]} do not fit the semantic head "
                f"({self.coef.shape[0]})"
            )
        logits = vectors @ self.coef + self.intercept
        for i, z in zip(idx, logits, strict=True):
            out[i] = float(1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, float(z))))))
        return out

    def save(self, path: str | Path) -> None:
        """Write the head as JSON (no pickles)."""
        data = {
            "format": SEMANTIC_FORMAT,
            "encoder": self.encoder,
            "langs": sorted(self.langs),
            "threshold": self.threshold,
            "intercept": self.intercept,
            "coef": [round(float(v), 6) for v in self.coef],
            **self.meta,
        }
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> SemanticHarmScorer:
        """Read a head written by `save`.

        Raises:
            HarmModelError: If the file is missing, corrupt or of another format.
        """
        source = Path(path)
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise HarmModelError(f"cannot read semantic harm head {source}: {e}") from e
        if not isinstance(data, dict) or data.get("format") != SEMANTIC_FORMAT:
            raise HarmModelError(f"{source} is not a {SEMANTIC_FORMAT} file")
        try:
            known = ("format", "encoder", "langs", "threshold", "intercept", "coef")
            meta = {k: v for k, v in data.items() if k not in known}
            return cls(
                [float(v) for v in data["coef"]],
                float(data["intercept"]),
                float(data["threshold"]),
                [str(x) for x in data["langs"]],
                str(data["encoder"]),
                meta,
            )
        except (KeyError, TypeError, ValueError) as e:
            raise HarmModelError(f"{source}: malformed semantic head ({e})") from e


def fit_semantic_head(
    vectors: Any,
    labels: Sequence[int],
    lexical: Sequence[float],
    lexical_threshold: float,
    *,
    encoder: str,
    c: float = 1.0,
    min_precision: float = 0.9,
    folds: int = 5,
) -> tuple[SemanticHarmScorer, dict[str, Any]]:
    """Fit the head and pick its threshold by cross-validation.

    The threshold is the one (0.50-0.95 in steps of 0.05) with the highest out-of-fold
    recall of the combined rule (lexical claim, or semantic score >= threshold) whose
    out-of-fold precision is at least `min_precision`; 0.95 if none reaches it.

    Args:
        vectors: Embeddings (n, dim).
        labels: 1 claim / 0 not.
        lexical: The classifier's probabilities without the semantic scorer.
        lexical_threshold: Its claim threshold.
        encoder: Id of the encoder that made `vectors`.
        c: Inverse L2 strength.
        min_precision: Precision the combined rule must keep.
        folds: CV folds.

    Returns:
        The scorer and a report of the CV (per threshold).
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    x = np.asarray(vectors, dtype=np.float64)
    y = np.asarray(labels, dtype=int)
    lex = np.asarray(lexical, dtype=np.float64) >= lexical_threshold

    def head() -> Any:
        return LogisticRegression(C=c, class_weight="balanced", max_iter=5000)

    oof = np.zeros(len(y))
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, y):
        oof[test_idx] = head().fit(x[train_idx], y[train_idx]).predict_proba(x[test_idx])[:, 1]
    grid = [round(0.5 + 0.05 * k, 2) for k in range(10)]
    report: dict[str, Any] = {"lexical": _prf(y, lex)}
    best = (0.95, -1.0)
    for t in grid:
        stats = _prf(y, lex | (oof >= t))
        report[f"{t:.2f}"] = stats
        if stats["precision"] >= min_precision and stats["recall"] > best[1]:
            best = (t, stats["recall"])
    final = head().fit(x, y)
    meta = {"c": c, "n_train": int(len(y)), "n_positive": int(y.sum()), "cv": report}
    scorer = SemanticHarmScorer(
        final.coef_[0].tolist(), float(final.intercept_[0]), best[0], ("en",), encoder, meta
    )
    return scorer, report


def _prf(y: Any, pred: Any) -> dict[str, float]:
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _lexicon_vetoed(features: Mapping[str, float]) -> bool:
    """Harm terms were found, but every one was figurative/slang or negated."""
    no_valid = not (features["harm_strong"] or features["harm_medium"] or features["harm_weak"])
    return no_valid and bool(features["negated"] or features["figurative"])


def _lexicon_supported(features: Mapping[str, float]) -> bool:
    """A strong or medium harm term with a cue, product or self-supporting category."""
    return bool(features["strong_supported"] or features["medium_supported"])


def _blend(lexical: Any, ngram: Any, w: float, vetoed: Any, supported: Any) -> Any:
    """Vectorised `HarmClassifier.predict` blend with the lexical guard (NaN: no score)."""
    import numpy as np

    mixed = w * np.nan_to_num(ngram) + (1.0 - w) * lexical
    mixed = np.where(supported, np.maximum(mixed, lexical), mixed)
    return np.where(np.isnan(ngram) | vetoed, lexical, mixed)


def _stratified_folds(y: Any, folds: int) -> Any:
    """Deterministic stratified folds: every k-th positive and every k-th negative."""
    import numpy as np

    order = np.arange(len(y))
    fold_of = np.empty(len(y), dtype=int)
    for cls in (0.0, 1.0):
        members = order[y == cls]
        fold_of[members] = np.arange(len(members)) % folds
    return fold_of


# --------------------------------------------------------------------------- compiled lexicon


@dataclass(frozen=True)
class _Term:
    regex: re.Pattern[str]
    label: str
    category: str
    strength: str
    boundary: bool
    language: str


@dataclass(frozen=True)
class _Compiled:
    code: str
    script: str
    terms: tuple[_Term, ...]
    roles: Mapping[str, re.Pattern[str] | None]
    negator_tail: re.Pattern[str] | None
    any_term: re.Pattern[str] | None = None
    """All harm terms in one pattern: a post it misses needs no per-term scan (most posts)."""


def _join(patterns: Iterable[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns if p)


def _wrap(pattern: str, script: str) -> str:
    if script == "latin":
        return rf"(?<![\w])(?:{pattern})(?![\w])"
    return f"(?:{pattern})"


_ROLE_NAMES = (
    "products",
    "cues",
    "consumption",
    "rumour",
    "figurative",
    "remedy",
    "info",
    "first_person",
)


def _compile(lexicon: LanguageLexicon) -> _Compiled:
    flags = re.IGNORECASE | re.UNICODE
    terms = tuple(
        _Term(
            regex=re.compile(_wrap(t.pattern, lexicon.script), flags),
            label=t.label or t.pattern,
            category=t.category,
            strength=t.strength,
            boundary=t.boundary,
            language=lexicon.code,
        )
        for t in lexicon.harm
    )
    roles: dict[str, re.Pattern[str] | None] = {}
    for role in _ROLE_NAMES:
        patterns: tuple[str, ...] = getattr(lexicon, role)
        joined = _join(patterns)
        roles[role] = re.compile(_wrap(joined, lexicon.script), flags) if joined else None
    negators = _join(lexicon.negators)
    tail: re.Pattern[str] | None = None
    if negators:
        if lexicon.script == "latin":
            # A negator up to three words before the harm term: "no side effects",
            # "didn't make me sick", "tidak bikin sakit perut".
            tail = re.compile(rf"(?:^|[^\w])(?:{negators})(?:[^\w]+[\w']+){{0,2}}[^\w]*$", flags)
        else:
            # Thai: a negator a few characters before, with no space between.
            tail = re.compile(rf"(?:{negators})(?:[^\s]{{0,4}}|\s)$", flags)
    joined_terms = _join(t.pattern for t in lexicon.harm)
    any_term = re.compile(_wrap(joined_terms, lexicon.script), flags) if joined_terms else None
    return _Compiled(lexicon.code, lexicon.script, terms, roles, tail, any_term)


_COMPILED_CACHE: dict[int, tuple[Mapping[str, LanguageLexicon], dict[str, _Compiled]]] = {}
"""Compiled lexicons by id; the entry keeps its lexicon alive, so an id is never reused."""


def _compiled_lexicon(lexicon: Mapping[str, LanguageLexicon]) -> dict[str, _Compiled]:
    cached = _COMPILED_CACHE.get(id(lexicon))
    if cached is None or cached[0] is not lexicon:
        cached = (lexicon, {code: _compile(lex) for code, lex in lexicon.items()})
        _COMPILED_CACHE[id(lexicon)] = cached
    return cached[1]


class _ThaiBoundaries:
    """Word boundaries from pythainlp, loaded on first use; without it, every offset passes."""

    def __init__(self) -> None:
        self._tokenize: Any = None
        self._loaded = False

    def ok(self, text: str, start: int, end: int) -> bool:
        """True when the match at text[start:end] ends on a word boundary."""
        if not self._loaded:
            self._loaded = True
            try:
                from pythainlp.tokenize import word_tokenize

                self._tokenize = word_tokenize
            except Exception:  # pragma: no cover - pythainlp is a dependency
                self._tokenize = None
        if self._tokenize is None:
            return True
        lo = max(0, start - 24)
        hi = min(len(text), end + 24)
        window = text[lo:hi]
        offsets = {0}
        pos = 0
        for token in self._tokenize(window, engine="newmm", keep_whitespace=True):
            pos += len(token)
            offsets.add(pos)
        # Only the end must fall on a word boundary: pythainlp fuses some compounds
        # ("เป็นฝี") but a longer word that merely starts with the term ("ฝีมือ",
        # "หนองคาย") ends elsewhere.
        return (end - lo) in offsets


_THAI_BOUNDARIES = _ThaiBoundaries()


# --------------------------------------------------------------------------- classifier


@dataclass
class _Candidate:
    match: HarmMatch
    negated: bool = False
    figurative: bool = False

    @property
    def valid(self) -> bool:
        return not (self.negated or self.figurative)


_STRENGTH_RANK = {STRONG: 3, MEDIUM: 2, WEAK: 1}
_SELF_SUPPORTING = frozenset({CONTAMINATION, HAZARD})
"""Strong/medium terms of these categories imply a product (pests in food, recalls)."""


class HarmClassifier:
    """Flag posts that claim a product, service or venue caused illness, injury or a hazard.

    Example:
        >>> clf = HarmClassifier(products=["Acme Cola"])
        >>> result = clf.predict(["Acme Cola gave my kid diarrhea"], langs=["en"])[0]
        >>> result.is_claim, result.evidence.product.text
        (True, 'Acme Cola')
    """

    def __init__(
        self,
        model: HarmScorer | Literal["bundled"] | None = "bundled",
        threshold: float | None = None,
        lexicon: Mapping[str, LanguageLexicon] = DEFAULT_LEXICON,
        products: Iterable[str] | None = None,
        *,
        weights: Mapping[str, Any] | str | Path | None = None,
        model_weight: float | None = None,
        lexical_guard: bool | None = None,
        semantic: SemanticHarmScorer | Literal["bundled"] | None = "bundled",
    ) -> None:
        """Build the classifier.

        Args:
            model: Second scorer whose probability is blended with the lexical one.
                "bundled" (the default) uses the scorer named in the weights' "blend"
                section (the shipped Thai character n-gram model), or none when the
                weights have no such section; None uses the lexical model alone; any
                `HarmScorer` (e.g. a fine-tuned transformer) is blended in instead.
            threshold: Probability at or above which `is_claim` is True; None uses the
                threshold stored with the weights (picked by cross-validation when they
                were trained: the blend's own with the bundled scorer), or 0.5.
            lexicon: Lexicons per language code (see `nlp.harm_lexicon`).
            products: Brand and product names that count as blamed objects.
            weights: Logistic-model weights (dict or JSON path); the shipped
                `harm_data/harm_lr.json` when None.
            semantic: Embedding head that can raise a post the lexicon misses to a claim
                (`SemanticHarmScorer`); "bundled" loads the shipped English head when
                its file exists. It scores nothing until `attach_embedder` gives it the
                encoder it was trained on (the pipeline does, from the default
                sentiment model).
            model_weight: Share of `model`'s probability in the blend (0..1); None uses
                the blend's stored weight with the bundled scorer, else 0.5.
            lexical_guard: Keep the lexicon's word where it is sure: the second scorer
                is ignored for texts whose only harm terms are figurative or negated,
                and cannot lower the probability of a text with a supported strong or
                medium harm term (it can still raise it). None: on for the bundled
                scorer (trained on few posts, it must not undo lexicon knowledge of
                phrasings its data lacks), off for other scorers.

        Raises:
            ValueError: If threshold or model_weight is outside 0..1, or the weights
                do not fit the features.
            HarmModelError: If the bundled scorer's file is missing or corrupt.
        """
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be within 0..1, got {threshold}")
        if model_weight is not None and not 0.0 <= model_weight <= 1.0:
            raise ValueError(f"model_weight must be within 0..1, got {model_weight}")
        self.lexicon = lexicon
        self._compiled = _compiled_lexicon(lexicon)
        if weights is None or isinstance(weights, str | Path):
            self.weights = load_weights(weights)
            base = Path(weights).parent if weights is not None else DEFAULT_WEIGHTS_PATH.parent
        else:
            _check_weights(weights, "weights")
            self.weights = dict(weights)
            base = DEFAULT_WEIGHTS_PATH.parent
        self._coef = [float(v) for v in self.weights["coef"]]
        self._intercept = float(self.weights["intercept"])
        default_threshold = float(self.weights.get("threshold", 0.5))
        default_weight = 0.5
        blend = self.weights.get("blend")
        if isinstance(model, str):
            if model != "bundled":
                raise ValueError(f"model must be a HarmScorer, 'bundled' or None, got {model!r}")
            if isinstance(blend, Mapping):
                model = load_ngram_scorer(base / str(blend["model"]))
                default_weight = float(blend["model_weight"])
                default_threshold = float(blend["threshold"])
            else:
                model = None
        self.model: HarmScorer | None = model
        if lexical_guard is None:
            lexical_guard = (
                bool(blend.get("lexical_guard", True))
                if isinstance(model, NgramHarmScorer) and isinstance(blend, Mapping)
                else False
            )
        self.lexical_guard: bool = lexical_guard
        self.model_weight: float = default_weight if model_weight is None else model_weight
        if threshold is None:
            threshold = default_threshold
        self.threshold: float = threshold
        if isinstance(semantic, str):
            if semantic != "bundled":
                raise ValueError(f"semantic must be a scorer, 'bundled' or None, got {semantic!r}")
            semantic = (
                SemanticHarmScorer.load(DEFAULT_SEMANTIC_PATH)
                if DEFAULT_SEMANTIC_PATH.exists()
                else None
            )
        self.semantic: SemanticHarmScorer | None = semantic
        self._products: list[str] = []
        self._product_re: re.Pattern[str] | None = None
        self.add_products(products or [])

    def attach_embedder(self, embed: Any, encoder_id: str) -> bool:
        """Give the semantic scorer its encoder (see `SemanticHarmScorer.attach`).

        Returns:
            True when the semantic scorer is now active.
        """
        if self.semantic is None:
            return False
        return self.semantic.attach(embed, encoder_id)

    # ----------------------------------------------------------------- public API

    @property
    def version(self) -> str:
        """A short identifier of the weights and lexicon, stored with each result."""
        # The lexicons' content, not only their language codes: a lexicon round changes
        # verdicts, so results stored under the old version must read as out of date.
        lexicon = repr(sorted(self.lexicon.items()))
        digest = hashlib.sha1(
            json.dumps([self._coef, self._intercept, lexicon]).encode()
        ).hexdigest()[:8]
        if isinstance(self.model, NgramHarmScorer):
            suffix = f"+ngram-{self.model.version}-w{self.model_weight:g}"
        else:
            suffix = "+model" if self.model is not None else ""
        if self.semantic is not None and self.semantic.attached:
            suffix += f"+sem-{self.semantic.version}"
        return f"harm-lexlr-{digest}{suffix}"

    def add_products(self, products: Iterable[str]) -> None:
        """Add brand or product names that count as blamed objects.

        Args:
            products: Names such as "Acme Cola"; blank names are ignored.
        """
        for name in products:
            cleaned = " ".join(str(name).split())
            if len(cleaned) >= 2 and cleaned.casefold() not in {
                p.casefold() for p in self._products
            }:
                self._products.append(cleaned)
        if self._products:
            parts = sorted((re.escape(p) for p in self._products), key=len, reverse=True)
            self._product_re = re.compile(
                rf"(?<![\w])(?:{'|'.join(parts)})(?![\w])", re.IGNORECASE | re.UNICODE
            )

    def predict(self, texts: list[str], langs: list[str | None] | None = None) -> list[HarmResult]:
        """Score a batch of texts.

        Args:
            texts: Posts to score; empty or emoji-only texts get probability 0.
            langs: ISO 639-1 codes per text (None entries, or no list, are read from
                the script: Thai script uses the Thai lexicon, other text all Latin ones).

        Returns:
            One `HarmResult` per text, in order.

        Raises:
            ValueError: If `langs` differs in length from `texts`.
        """
        if langs is not None and len(langs) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
        lang_list: list[str | None] = list(langs) if langs is not None else [None] * len(texts)
        analyses = [
            self._analyse(t if isinstance(t, str) else "", lg)
            for t, lg in zip(texts, lang_list, strict=True)
        ]
        probabilities = [self._probability(a[0]) for a in analyses]
        if self.model is not None and texts:
            scored = list(self.model.predict_proba(list(texts)))
            if len(scored) != len(texts):
                raise ValueError("model returned a different number of scores than texts")
            w = self.model_weight
            for i, (m, (features, evidence, empty)) in enumerate(
                zip(scored, analyses, strict=True)
            ):
                # None/NaN: the scorer has no opinion (e.g. not its script).
                if m is None or math.isnan(float(m)) or empty:
                    continue
                lexical = probabilities[i]
                if self.lexical_guard and _lexicon_vetoed(features):
                    continue
                blended = w * float(m) + (1.0 - w) * lexical
                if self.lexical_guard and _lexicon_supported(features):
                    blended = max(blended, lexical)
                probabilities[i] = blended
                evidence.reasons.append(f"second scorer: {float(m):.2f}")
        if self.semantic is not None and self.semantic.attached and texts:
            # Only posts whose language is known (the pipeline's language id) are read.
            semantic = self.semantic.predict_proba(
                [t if isinstance(t, str) else "" for t in texts], lang_list
            )
            for i, (m, (features, evidence, empty)) in enumerate(
                zip(semantic, analyses, strict=True)
            ):
                if m is None or empty or _lexicon_vetoed(features):
                    continue
                if m >= self.semantic.threshold and m > probabilities[i]:
                    # The head only raises: it reaches the claim threshold by itself.
                    probabilities[i] = max(m, self.threshold)
                    evidence.reasons.append(
                        f"semantic scorer: {m:.2f} (reads like known claims; "
                        f"threshold {self.semantic.threshold:.2f})"
                    )
        results = []
        for (features, evidence, empty), p in zip(analyses, probabilities, strict=True):
            if empty:
                p = 0.0
            results.append(
                HarmResult(
                    probability=p,
                    is_claim=p >= self.threshold and not empty,
                    evidence=evidence,
                    features=features,
                )
            )
        return results

    def featurize(
        self, texts: list[str], langs: list[str | None] | None = None
    ) -> list[dict[str, float]]:
        """Return the model features of each text (used for training and debugging).

        Args:
            texts: Texts.
            langs: Language codes per text, as for `predict`.

        Returns:
            One feature dict (names in `FEATURE_NAMES`) per text.
        """
        lang_list: list[str | None] = list(langs) if langs is not None else [None] * len(texts)
        return [self._analyse(t, lg)[0] for t, lg in zip(texts, lang_list, strict=True)]

    # ----------------------------------------------------------------- internals

    def _probability(self, features: Mapping[str, float]) -> float:
        z = self._intercept + sum(
            c * features[name] for c, name in zip(self._coef, FEATURE_NAMES, strict=True)
        )
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        ez = math.exp(z)
        return ez / (1.0 + ez)

    def _languages(self, text: str, lang: str | None) -> list[_Compiled]:
        code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
        code = LANGUAGE_ALIASES.get(code, code)
        has_thai = len(_THAI_RE.findall(text[:2000])) >= 3
        chosen: list[str] = []
        if code in self._compiled:
            chosen.append(code)
        elif has_thai and "th" in self._compiled:
            chosen.append("th")
        else:
            chosen.extend(c for c, comp in self._compiled.items() if comp.script == "latin")
        if "en" in self._compiled and "en" not in chosen:
            chosen.append("en")  # code-mixing: English terms turn up in every language
        if has_thai and "th" in self._compiled and "th" not in chosen:
            chosen.append("th")
        return [self._compiled[c] for c in chosen]

    def _analyse(self, text: str, lang: str | None) -> tuple[dict[str, float], HarmEvidence, bool]:
        features = dict.fromkeys(FEATURE_NAMES, 0.0)
        evidence = HarmEvidence()
        if not text or not any(ch.isalnum() for ch in text):
            evidence.reasons.append("no words to read (empty or symbols only)")
            return features, evidence, True
        languages = self._languages(text, lang)
        candidates = self._harm_candidates(text, languages)
        if not candidates:
            evidence.reasons.append("no harm term found")
            return features, evidence, False

        spans = {role: self._role_spans(text, languages, role) for role in _ROLE_NAMES}
        product_spans = self._product_spans(text, spans["products"])
        brand_spans = self._brand_spans(text)
        figurative = spans["figurative"]
        fig_starts = [s for s, _ in figurative]
        remedy = spans["remedy"]
        remedy_starts = [s for s, _ in remedy]
        for cand in candidates:
            m = cand.match
            cand.figurative = _overlaps(figurative, fig_starts, m.start, m.end)
            comp = next(c for c in languages if c.code == m.language)
            tail = comp.negator_tail
            if tail is not None and not cand.figurative:
                before = text[max(0, m.start - 40) : m.start]
                cand.negated = bool(tail.search(before))
            # A symptom named inside a remedy phrase is what the product treats
            # ("obat batuk", "anti-itch cream", "treats eczema"), not what it caused.
            if not cand.figurative and _overlaps(remedy, remedy_starts, m.start, m.end):
                cand.negated = True

        valid = [c for c in candidates if c.valid]
        for cand in candidates:
            if cand.valid:
                evidence.harm_terms.append(cand.match)
            else:
                evidence.ignored_terms.append(cand.match)
                why = "figurative/slang use" if cand.figurative else "negated"
                evidence.reasons.append(f"ignored {cand.match.text!r}: {why}")

        if not valid:
            features["negated"] = float(any(c.negated for c in candidates))
            features["figurative"] = float(any(c.figurative for c in candidates))
            features["remedy"] = float(bool(spans["remedy"]))
            features["info"] = float(bool(spans["info"]))
            return features, evidence, False

        strengths = {c.match.strength for c in valid}
        categories = {c.match.category for c in valid}
        features["harm_strong"] = float(STRONG in strengths)
        features["harm_medium"] = float(MEDIUM in strengths)
        features["harm_weak"] = float(WEAK in strengths)
        features["harm_count"] = min(len({c.match.label for c in valid}), 3) / 3.0

        def near(
            role_spans: list[tuple[int, int]], m: HarmMatch, inside: bool = False
        ) -> tuple[int, int] | None:
            return _nearest(role_spans, m.start - _WINDOW_BEFORE, m.end + _WINDOW_AFTER, m, inside)

        best_product: ProductMention | None = None
        best_rank: tuple[int, int, int] = (-1, -1, 0)
        near_cue = near_cons = near_prod = near_brand = False
        supported = {STRONG: False, MEDIUM: False, WEAK: False}
        weak_product = False
        product_only = [s for s, _ in product_spans]
        for cand in valid:
            m = cand.match
            # Cues and products inside the harm phrase count ("made my kid sick",
            # "batteries explode", แพ้ผ้าอนามัย).
            cue = near(spans["cues"], m, inside=True)
            cons = near(spans["consumption"], m, inside=True)
            prod = near(product_only, m, inside=True)
            brand = near(brand_spans, m)
            near_cue |= cue is not None
            near_cons |= cons is not None
            near_prod |= prod is not None
            near_brand |= brand is not None
            if m.strength == WEAK:
                if (cue is not None or cons is not None) and (
                    prod is not None or brand is not None
                ):
                    supported[WEAK] = True
                tight = _nearest(product_only, m.start - 40, m.end + 40, m)
                weak_product |= tight is not None
            elif cue or cons or prod or brand or m.category in _SELF_SUPPORTING:
                supported[m.strength] = True
            if prod is not None or brand is not None:
                found = _best_product(text, m, product_spans, brand_spans)
                if found is not None and found[0] > best_rank:
                    best_rank, best_product = found
        features["near_cue"] = float(near_cue)
        features["near_consumption"] = float(near_cons)
        features["near_product"] = float(near_prod)
        features["near_brand"] = float(near_brand)
        features["strong_supported"] = float(supported[STRONG])
        features["medium_supported"] = float(supported[MEDIUM])
        features["weak_supported"] = float(supported[WEAK])
        features["weak_product"] = float(weak_product)
        features["rumour"] = float(bool(spans["rumour"]))
        features["first_person"] = float(bool(spans["first_person"]))
        features["gastrointestinal"] = float(GI in categories)
        features["skin"] = float(SKIN in categories)
        features["contamination"] = float(CONTAMINATION in categories)
        features["hazard"] = float(HAZARD in categories)
        features["serious"] = float(SERIOUS in categories)
        features["negated"] = float(any(c.negated for c in candidates))
        features["figurative"] = float(any(c.figurative for c in candidates))
        features["remedy"] = float(_remedy_stands(remedy, spans["cues"], valid))
        features["info"] = float(bool(spans["info"]))

        evidence.product = best_product
        top = max(valid, key=lambda c: _STRENGTH_RANK[c.match.strength]).match
        evidence.reasons.insert(0, f"harm term {top.text!r} ({top.category}, {top.strength})")
        if best_product is not None:
            evidence.reasons.append(f"blames {best_product.text!r} ({best_product.kind})")
        if near_cue:
            evidence.reasons.append("causal or consumption cue near the harm term")
        elif near_cons:
            evidence.reasons.append("consumption verb near the harm term")
        if spans["rumour"]:
            evidence.reasons.append("hearsay/report cue")
        if features["remedy"]:
            evidence.reasons.append("remedy or advert context")
        if spans["info"]:
            evidence.reasons.append("general health-information context")
        return features, evidence, False

    def _harm_candidates(self, text: str, languages: list[_Compiled]) -> list[_Candidate]:
        found: list[_Candidate] = []
        for comp in languages:
            if comp.any_term is not None and comp.any_term.search(text) is None:
                continue
            for term in comp.terms:
                for hit in term.regex.finditer(text):
                    if len(found) >= _MAX_MATCHES * 4:
                        break
                    start, end = hit.span()
                    if start == end:
                        continue
                    if term.boundary and comp.script == "thai":
                        if not _THAI_BOUNDARIES.ok(text, start, end):
                            continue
                    found.append(
                        _Candidate(
                            HarmMatch(
                                text=hit.group(0),
                                label=term.label,
                                category=term.category,
                                strength=term.strength,
                                start=start,
                                end=end,
                                language=comp.code,
                            )
                        )
                    )
        # Overlapping matches: keep the stronger, then the longer, then the earlier.
        found.sort(
            key=lambda c: (
                -_STRENGTH_RANK[c.match.strength],
                -(c.match.end - c.match.start),
                c.match.start,
            )
        )
        kept: list[_Candidate] = []
        taken: list[tuple[int, int]] = []
        for cand in found:
            s, e = cand.match.start, cand.match.end
            if any(s < te and ts < e for ts, te in taken):
                continue
            kept.append(cand)
            taken.append((s, e))
            if len(kept) >= _MAX_MATCHES:
                break
        kept.sort(key=lambda c: c.match.start)
        return kept

    def _role_spans(
        self, text: str, languages: list[_Compiled], role: str
    ) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for comp in languages:
            regex = comp.roles.get(role)
            if regex is None:
                continue
            for hit in regex.finditer(text):
                if hit.end() > hit.start():
                    spans.append(hit.span())
                if len(spans) >= 4 * _MAX_MATCHES:
                    break
        spans.sort()
        return spans

    def _product_spans(
        self, text: str, nouns: list[tuple[int, int]]
    ) -> list[tuple[tuple[int, int], str]]:
        out: list[tuple[tuple[int, int], str]] = []
        if self._product_re is not None:
            out.extend((hit.span(), "product") for hit in self._product_re.finditer(text))
        out.extend((span, "noun") for span in nouns)
        out.sort()
        return out

    def _brand_spans(self, text: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        if _THAI_RE.search(text):
            for hit in _LATIN_WORD_RE.finditer(text):
                word = hit.group(0)
                if len(word) >= 2 and word.upper() not in _ALLCAPS_STOPWORDS:
                    spans.append(hit.span())
                if len(spans) >= 4 * _MAX_MATCHES:
                    break
            return spans
        for hit in _TOKEN_RE.finditer(text):
            word = hit.group(0)
            start = hit.start()
            if word[0] in "@#":
                if len(word) > 2 and word[1:].lower() != "user":
                    spans.append(hit.span())
            elif word[0].isupper():
                prev = text[:start].rstrip()
                sentence_start = not prev or prev[-1] in _SENTENCE_END or prev[-1] in "\"'“("
                lowered = word.lower()
                if word.isupper() and len(word) >= 2:
                    if word not in _ALLCAPS_STOPWORDS and len(word) <= 6:
                        spans.append(hit.span())
                elif not sentence_start and lowered not in _CAPITALISED_STOPWORDS:
                    spans.append(hit.span())
            if len(spans) >= 4 * _MAX_MATCHES:
                break
        return spans


def _distinctive_brand(word: str) -> bool:
    """Whether a brand-like token is written as only names are.

    That is an @handle, an inner capital (SpielWelt, iPhone), letters with digits
    (7Eleven), or short capitals (KFC).
    """
    if word.startswith("@"):
        return True
    core = word.lstrip("#")
    letters = [ch for ch in core if ch.isalpha()]
    if not letters:
        return False
    if any(ch.isupper() for ch in core[1:]) and any(ch.islower() for ch in core):
        return True
    if any(ch.isdigit() for ch in core):
        return True
    return core.isupper() and 2 <= len(core) <= 6


def _best_product(
    text: str,
    m: HarmMatch,
    product_spans: list[tuple[tuple[int, int], str]],
    brand_spans: list[tuple[int, int]],
) -> tuple[tuple[int, int, int], ProductMention] | None:
    """The most specific product mention near a harm match, with its ranking key.

    Configured product names beat concrete product nouns ("cream"), which beat tokens
    that only a brand writes so (@handle, CamelCase, KFC), which beat generic nouns
    ("brand", ยี่ห้อ) and other capitalised words (in German every noun is one); then
    stronger harm terms, then nearer.
    """
    lo, hi = m.start - _WINDOW_BEFORE, m.end + _WINDOW_AFTER
    best: tuple[tuple[int, int, int], ProductMention] | None = None
    candidates = [*product_spans, *((span, "brand") for span in brand_spans)]
    for (s, e), kind in candidates:
        if e < lo or s > hi:
            continue
        overlapping = s < m.end and m.start < e
        if overlapping and kind == "brand":
            continue
        if kind == "product":
            specificity = 4
        elif kind == "noun":
            specificity = 1 if text[s:e].casefold() in GENERIC_PRODUCT_WORDS else 3
        else:
            specificity = 2 if _distinctive_brand(text[s:e]) else 1
        distance = 0 if overlapping else (m.start - e if e <= m.start else s - m.end)
        key = (specificity, _STRENGTH_RANK[m.strength], -distance)
        if best is None or key > best[0]:
            best = (key, ProductMention(text[s:e], s, e, kind))
    return best


def _overlaps(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    i = bisect.bisect_left(starts, end)
    return any(s < end and start < e for s, e in spans[max(0, i - 32) : i])


_REMEDY_OVERRIDE_REACH = 40
"""Characters after a remedy phrase within which a cue-led harm term overrides it (one
clause: longer posts, adverts above all, mention remedies and symptoms far apart)."""


def _remedy_stands(
    remedy: list[tuple[int, int]], cues: list[tuple[int, int]], valid: list[_Candidate]
) -> bool:
    """Whether remedy/advert context still speaks against the post's harm terms.

    A remedy phrase is overridden when a causal cue after it leads to a medium or strong
    harm term: "obat batuk itu bikin anak saya kejang" (cough medicine *made* my child
    have a seizure) names a remedy, then blames it for something else.
    """

    def overridden(span: tuple[int, int]) -> bool:
        return any(
            c.match.strength != WEAK
            and span[1] <= c.match.start <= span[1] + _REMEDY_OVERRIDE_REACH
            and any(span[1] <= cs and ce <= c.match.start for cs, ce in cues)
            for c in valid
        )

    return any(not overridden(span) for span in remedy)


def _nearest(
    spans: list[tuple[int, int]], lo: int, hi: int, m: HarmMatch, inside: bool = False
) -> tuple[int, int] | None:
    """The span closest to the harm match within [lo, hi].

    Spans overlapping the match itself are skipped unless `inside` is set.
    """
    best: tuple[int, int] | None = None
    best_d = 10**9
    starts = [s for s, _ in spans]
    i = bisect.bisect_left(starts, max(0, lo - 200))
    for s, e in spans[i:]:
        if s > hi:
            break
        if e < lo:
            continue
        if s < m.end and m.start < e:
            if not inside:
                continue  # the harm term itself ("rash" is not its own product)
            d = 0
        else:
            d = m.start - e if e <= m.start else s - m.end
        if d < best_d:
            best_d, best = d, (s, e)
    return best
