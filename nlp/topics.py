"""Topics in short posts: BERTopic tuned for social media, with stable identities over time.

The pipeline, BERTopic style (every sub-model can be passed in):

1. *preprocess*: posts are cleaned for the encoder (links and @handles removed, ``#tag`` →
   ``tag``) and de-duplicated on a normalised form, so retweets, copy-pasta and syndicated
   copies are clustered once and never form a topic of their own; callers may also pass
   the duplicate links they already know (``duplicate_of``).
2. *cluster*: embeddings (from an :class:`nlp.embeddings.Encoder`, normally cached) →
   UMAP (cosine, 5 dimensions, 15 neighbours) → HDBSCAN whose ``min_cluster_size`` grows
   with the square root of the number of distinct posts. Clusters whose members are all
   near-identical (spam variants that survived de-duplication) are dissolved.
3. *outliers*: HDBSCAN's noise is reassigned to the most similar topic when the cosine
   similarity reaches ``outlier_threshold`` (BERTopic's ``reduce_outliers``, strategy
   ``embeddings``), then the least similar remaining posts are kept as outliers only up to
   ``max_outlier_share``; topic words are recomputed (``update_topics``).
4. *describe*: c-TF-IDF over a language-aware tokenizer (stop words for
   en/de/id/th/es/fr/it/pt from spaCy's lists, brand names; Thai segmented with PyThaiNLP's
   ``newmm``), uni- and bigrams, then KeyBERT-style keyphrases; the label joins the top
   keyphrases; representative posts are the members closest to the topic centroid.

Fewer than ``min_docs`` distinct posts is too few for UMAP + HDBSCAN: the modeler then
groups them with k-means (or, below 10, into one "all posts" topic) and says so in
:attr:`TopicFit.message`.

Across refits, :func:`match_topics` pairs old and new topic centroids (Hungarian
assignment on cosine similarity) so a topic keeps its id and label; :func:`assign_to_topics`
places new posts into existing topics between refits (the streaming path).
:func:`emerging_topics`, :func:`topics_over_time`, :func:`topics_per_class` and
:func:`negative_share` summarise assignments for dashboards and alerts.

bertopic, umap, hdbscan, scikit-learn and pythainlp are imported inside functions.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embeddings import Encoder

__all__ = [
    "DEFAULT_STOP_LANGUAGES",
    "EmergingTopic",
    "MultilingualTokenizer",
    "TopicFit",
    "TopicInfo",
    "TopicMatching",
    "TopicModeler",
    "assign_to_topics",
    "auto_min_cluster_size",
    "clean_for_embedding",
    "dedup_key",
    "detect_stop_languages",
    "emerging_topics",
    "match_topics",
    "negative_share",
    "readable_label",
    "stop_words_for",
    "topics_over_time",
    "topics_per_class",
]

logger = logging.getLogger(__name__)

DEFAULT_STOP_LANGUAGES = ("en", "de", "id", "th", "es", "fr", "it", "pt")

# Words that carry no topic in social posts whatever the language.
SOCIAL_STOP_WORDS = frozenset(
    {
        "rt", "amp", "via", "http", "https", "www", "com", "co", "lol", "lmao", "omg",
        "pls", "plz", "im", "ive", "dont", "cant", "didnt", "doesnt", "isnt", "wasnt",
        "wont", "youre", "thats", "theres", "u", "ur", "ya", "yeah", "yes", "oh", "hi",
        "hey", "hello", "thanks", "thank", "thx", "please", "just", "really", "like",
        "got", "get", "gets", "getting", "go", "going", "know", "want", "need", "one",
        "would", "could", "still", "also", "today", "tomorrow", "yesterday", "time",
        "day", "new", "good", "great", "people", "think", "say", "said", "make",
    }
)  # fmt: skip

# Thai particles, pronouns and chat spellings that PyThaiNLP's list lacks but that fill
# topic labels of Thai social posts (question ไหม/มั้ย, pronouns ผม/กู/มึง, polite คับ/งับ,
# "good" ดี as "good" is above).
THAI_SOCIAL_STOP_WORDS = frozenset(
    {
        "ไหม", "มั้ย", "ป่ะ", "ปะ", "อ่ะ", "อะ", "อ่า", "คับ", "ครัช", "งับ", "ค่า", "คะ",
        "จ้ะ", "ผม", "กู", "มึง", "ฉัน", "เค้า", "แก", "ดี", "555", "5555", "55555",
    }
)  # fmt: skip

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w{1,30}")
_HASH = re.compile(r"(?<![\w#])#(\w+)")
_SPACE = re.compile(r"\s+")
_THAI = re.compile(r"[\u0E00-\u0E7F]+")
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")
_NEG_CONTRACTION = re.compile(r"n['’]t$")
_APOSTROPHE_SUFFIX = re.compile(r"['’](?:s|m|re|ve|ll|d)$")


# -- text preparation ----------------------------------------------------------------------


def clean_for_embedding(text: str) -> str:
    """The text the encoder sees: no links or @handles, ``#tag`` → ``tag``, single spaces.

    Handles and links say who was addressed, not what was said; left in, short posts to
    the same account cluster together whatever their subject.

    Args:
        text: A post.

    Returns:
        The cleaned text (the original if cleaning would leave nothing).
    """
    cleaned = _URL.sub(" ", text)
    cleaned = _HANDLE.sub(" ", cleaned)
    cleaned = _HASH.sub(r"\1", cleaned)
    cleaned = _SPACE.sub(" ", cleaned).strip()
    return cleaned or text.strip()


def dedup_key(text: str) -> str:
    """A normalised form under which copies of a post are equal.

    Case, accents' composition, links, @handles, a leading ``RT``, digits, punctuation and
    spacing are ignored, so a retweet or a copy with another link or number counts as
    the same post.

    Args:
        text: A post.

    Returns:
        The key.
    """
    key = unicodedata.normalize("NFKC", text).casefold()
    key = _URL.sub(" ", key)
    key = _HANDLE.sub(" ", key)
    key = re.sub(r"^\s*rt\b[:\s]*", " ", key)
    key = re.sub(r"\d+", "0", key)
    key = re.sub(r"[^\w\s]", " ", key)
    return _SPACE.sub(" ", key).strip()


def _spacy_stop_words(lang: str) -> set[str]:
    """Return spaCy's stop list for a language, read from its file without importing spaCy.

    Importing ``spacy.lang.xx`` imports all of spaCy (seconds); the stop-word modules are
    plain ``STOP_WORDS = set(...)`` files, so they are executed on their own.
    """
    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:
        return set()
    path = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
    if not path.exists():
        return set()
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102
    return {str(w).casefold() for w in namespace.get("STOP_WORDS", set())}


_STOP_CACHE: dict[str, frozenset[str]] = {}


def stop_words_for(languages: Iterable[str] = DEFAULT_STOP_LANGUAGES) -> frozenset[str]:
    """Stop words for the given languages plus words that carry no topic in social posts.

    Args:
        languages: ISO 639-1 codes; spaCy's lists are used, PyThaiNLP's added for Thai.

    Returns:
        Lower-cased stop words.
    """
    words: set[str] = set(SOCIAL_STOP_WORDS)
    for lang in languages:
        if lang not in _STOP_CACHE:
            found = _spacy_stop_words(lang)
            if lang == "en" and not found:
                from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

                found = set(ENGLISH_STOP_WORDS)
            if lang == "th":
                try:
                    from pythainlp.corpus import thai_stopwords

                    found |= set(thai_stopwords()) | THAI_SOCIAL_STOP_WORDS
                except ImportError:  # pragma: no cover - pythainlp is a dependency
                    pass
            _STOP_CACHE[lang] = frozenset(found)
        words |= _STOP_CACHE[lang]
    return frozenset(words)


def detect_stop_languages(
    texts: Sequence[str],
    candidates: Iterable[str] = DEFAULT_STOP_LANGUAGES,
    *,
    sample: int = 2000,
) -> tuple[str, ...]:
    """The languages whose stop words a corpus is written with.

    One union of eight stop lists would delete real words (German *die*, *dies* and
    *will*; Italian *come*), so only the corpus's own languages are used. Each sampled
    post votes for the language whose stop words it uses most (a language's own stop
    words are 35–60 % of its words, another Latin language's rarely above 20 %), and a
    language counts when at least 5 % of the posts vote for it: a minority language (the
    German quarter of a brand's mentions) keeps its stop words out of the topic labels
    without a majority language's list reaching into it. Thai is always kept: its stop
    words cannot collide with words in other scripts.

    Args:
        texts: The corpus (a sample of ``sample`` posts is read).
        candidates: Languages to consider.
        sample: Posts read at most.

    Returns:
        Language codes (English if none qualifies).
    """
    candidates = tuple(candidates)
    plain = MultilingualTokenizer(stop_words=())
    step = max(1, len(texts) // sample)
    lists = {
        lang: stop_words_for([lang]) - SOCIAL_STOP_WORDS for lang in candidates if lang != "th"
    }
    votes: Counter[str] = Counter()
    posts = 0
    for text in texts[::step][:sample]:
        tokens = plain._latin(text.casefold())
        if not tokens:
            continue
        posts += 1
        hits = {lang: sum(t in words for t in tokens) for lang, words in lists.items()}
        best = max(hits, key=lambda lang: hits[lang], default=None)
        # A single shared word ("a", "die") says little; ask for two or a fifth of the post.
        if best is not None and (hits[best] >= 2 or hits[best] / len(tokens) >= 0.2):
            votes[best] += 1
    chosen = [lang for lang in lists if posts and votes[lang] >= max(2, 0.05 * posts)]
    if not chosen:
        chosen = ["en"]
    if "th" in candidates:
        chosen.append("th")
    return tuple(chosen)


class MultilingualTokenizer:
    """Words of a post for c-TF-IDF: lower-cased, Thai segmented, stop words removed.

    Latin, Cyrillic and other space-delimited scripts are split on word characters; runs
    of Thai script go through PyThaiNLP's ``newmm`` segmenter. Links, @handles, numbers,
    one-letter tokens, negated auxiliaries ("don't") and stop words are dropped.
    """

    def __init__(
        self,
        stop_words: Collection[str] | None = None,
        *,
        extra_stop_words: Iterable[str] = (),
        min_length: int = 2,
    ) -> None:
        """Create the tokenizer.

        Args:
            stop_words: Words to drop (default: :func:`stop_words_for` the default
                languages); pass ``()`` to keep every word.
            extra_stop_words: More words to drop, such as brand names (each word of a
                multi-word name is dropped).
            min_length: Shortest token kept (in characters, Thai included).
        """
        base = stop_words_for() if stop_words is None else stop_words
        extra = {w.casefold() for name in extra_stop_words for w in _WORD.findall(name)}
        extra |= {name.casefold().strip() for name in extra_stop_words if name.strip()}
        self.stop_words = frozenset({w.casefold() for w in base} | extra)
        self.min_length = min_length
        self._thai: Callable[[str], list[str]] | None = None

    def _segment_thai(self, run: str) -> list[str]:
        if self._thai is None:
            from pythainlp.tokenize import word_tokenize

            def segment(text: str) -> list[str]:
                return [t for t in word_tokenize(text, engine="newmm") if t.strip()]

            self._thai = segment
        return self._thai(run)

    def _keep(self, token: str) -> bool:
        if len(token) < self.min_length or token in self.stop_words:
            return False
        if _NEG_CONTRACTION.search(token):
            return False
        base = _APOSTROPHE_SUFFIX.sub("", token)
        return base not in self.stop_words and len(base) >= self.min_length

    def __call__(self, text: str) -> list[str]:
        """Tokenize one text.

        Args:
            text: A post (or, inside BERTopic, all posts of a topic joined).

        Returns:
            Its tokens, in order.
        """
        text = _URL.sub(" ", text)
        text = _HANDLE.sub(" ", text)
        text = unicodedata.normalize("NFKC", text).casefold()
        tokens: list[str] = []
        position = 0
        for match in _THAI.finditer(text):
            tokens.extend(self._latin(text[position : match.start()]))
            tokens.extend(t for t in self._segment_thai(match.group()) if self._keep(t))
            position = match.end()
        tokens.extend(self._latin(text[position:]))
        return tokens

    def _latin(self, text: str) -> list[str]:
        out = []
        for token in _WORD.findall(text):
            token = token.replace("’", "'").strip("'-")
            if self._keep(token):
                out.append(token)
        return out

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_thai"] = None
        return state


def readable_label(keywords: Sequence[str], *, max_terms: int = 3) -> str:
    """A label a person can read from ranked keyphrases: the top few, without repeats.

    A keyword already contained in a chosen phrase (``card`` after ``card arrival``) or
    containing only chosen words is skipped.

    Args:
        keywords: Keyphrases, best first.
        max_terms: How many to join.

    Returns:
        For example ``"card arrival · tracking number · delivery"``; ``"misc"`` if empty.
    """
    chosen: list[str] = []
    covered: set[str] = set()
    for phrase in keywords:
        words = phrase.split()
        if not words:
            continue
        if set(words) <= covered:
            continue
        if any(phrase in other for other in chosen):
            continue
        chosen = [other for other in chosen if other not in phrase]
        chosen.append(phrase)
        covered.update(words)
        if len(chosen) >= max_terms:
            break
    return " · ".join(chosen) if chosen else "misc"


def auto_min_cluster_size(n_docs: int) -> int:
    """HDBSCAN's ``min_cluster_size`` for a corpus of ``n_docs`` distinct posts.

    Grows with the square root of the corpus (0.5·√n, within 12–300). A fixed 10
    (BERTopic's default) splits a large corpus into hundreds of micro-topics that no
    dashboard can show, and on short posts even a small corpus splits into one cluster
    per phrasing: on 200 labelled complaints in four themes (tests/nlp/test_topics.py,
    packaged MiniLM) a size of 5 gave 19 topics and NMI 0.64, 10 gave NMI 0.78 and 12
    gave 0.83, against 0.74 for BERTopic's defaults. A share of n instead would lose
    small but real themes in a large corpus.

    Args:
        n_docs: Distinct posts.

    Returns:
        The minimum cluster size.
    """
    return int(min(300, max(12, round(0.5 * math.sqrt(max(n_docs, 1))))))


# -- results ------------------------------------------------------------------------------


@dataclass
class TopicInfo:
    """One topic of a fit."""

    topic_id: int
    label: str
    keywords: list[str]
    size: int
    centroid: np.ndarray
    representatives: list[int]
    words: list[str] = field(default_factory=list)


@dataclass
class TopicFit:
    """What :meth:`TopicModeler.fit` found.

    Attributes:
        topics: The topics, largest first; ``topic_id`` is local to this fit.
        assignments: Per input post, its topic id or -1 (outlier).
        scores: Per input post, cosine similarity to its topic's centroid (0 for outliers).
        method: ``bertopic``, ``kmeans``, ``single`` or ``empty``.
        message: Why a fallback was used, for the user; None after a normal fit.
        n_docs: Posts given.
        n_unique: Distinct posts clustered after de-duplication.
        model: The fitted BERTopic instance (None for ``single``/``empty``).
        embeddings: Embeddings of the distinct posts (row per ``unique_index``).
        unique_index: Per input post, the row of its distinct post in ``embeddings``.
    """

    topics: list[TopicInfo]
    assignments: np.ndarray
    scores: np.ndarray
    method: str
    message: str | None
    n_docs: int
    n_unique: int
    model: Any = None
    embeddings: np.ndarray | None = None
    unique_index: np.ndarray | None = None

    @property
    def outlier_share(self) -> float:
        """Share of posts left without a topic."""
        if self.n_docs == 0:
            return 0.0
        return float(np.mean(self.assignments < 0))

    def topic(self, topic_id: int) -> TopicInfo:
        """The topic with this local id.

        Raises:
            KeyError: No such topic.
        """
        for info in self.topics:
            if info.topic_id == topic_id:
                return info
        raise KeyError(topic_id)


# -- the modeler ----------------------------------------------------------------------------


def _bertopic_embedder(encoder: Encoder) -> Any:
    from bertopic.backend import BaseEmbedder

    class _EncoderBackend(BaseEmbedder):  # type: ignore[misc]
        """Lets BERTopic (and KeyBERTInspired) embed words and documents with our encoder."""

        def __init__(self, wrapped: Encoder) -> None:
            super().__init__()
            self.wrapped = wrapped

        def embed(self, documents: Any, verbose: bool = False) -> np.ndarray:
            return self.wrapped.encode([str(d) for d in documents])

    return _EncoderBackend(encoder)


class TopicModeler:
    """BERTopic with sub-models tuned for short posts, de-duplication and fallbacks.

    Example:
        >>> modeler = TopicModeler(encoder)  # doctest: +SKIP
        >>> fit = modeler.fit(texts)  # doctest: +SKIP
        >>> [t.label for t in fit.topics]  # doctest: +SKIP
        ['card arrival · tracking', 'exchange rate · fee', ...]
    """

    def __init__(
        self,
        encoder: Encoder | None = None,
        *,
        umap_model: Any = None,
        hdbscan_model: Any = None,
        vectorizer_model: Any = None,
        representation_model: Any = "keybert",
        umap_params: Mapping[str, Any] | None = None,
        hdbscan_params: Mapping[str, Any] | None = None,
        min_cluster_size: int | None = None,
        stop_languages: Iterable[str] | str = "auto",
        brand_names: Iterable[str] = (),
        outlier_threshold: float = 0.3,
        max_outlier_share: float = 0.1,
        near_duplicate_similarity: float = 0.95,
        giant_share: float = 0.5,
        min_docs: int = 50,
        top_n_words: int = 10,
        n_representatives: int = 5,
        seed: int = 42,
        clean_text: bool = True,
    ) -> None:
        """Configure the modeler; nothing heavy is imported until :meth:`fit`.

        Args:
            encoder: Embeds posts (and keyphrase candidates). Required unless every call
                to :meth:`fit` passes embeddings and ``representation_model`` is None.
            umap_model: A dimensionality reducer (anything with ``fit``/``transform``);
                default: UMAP with ``umap_params``.
            hdbscan_model: A clusterer with ``fit`` and ``labels_``; default: HDBSCAN with
                ``hdbscan_params`` and an automatic ``min_cluster_size``.
            vectorizer_model: A scikit-learn vectorizer for c-TF-IDF; default: a
                ``CountVectorizer`` (uni- and bigrams) over :class:`MultilingualTokenizer`.
            representation_model: ``"keybert"`` (KeyBERTInspired keyphrases), ``"mmr"``
                (maximal marginal relevance), any bertopic representation, or None
                (plain c-TF-IDF words).
            umap_params: Overrides for the default UMAP (n_neighbors=15, n_components=5,
                min_dist=0, metric=cosine).
            hdbscan_params: Overrides for the default HDBSCAN (min_samples, method…).
            min_cluster_size: Fixed HDBSCAN ``min_cluster_size`` (default: automatic,
                :func:`auto_min_cluster_size`).
            stop_languages: Languages whose stop words are removed from topic words, or
                ``"auto"``: those of :data:`DEFAULT_STOP_LANGUAGES` the corpus is written
                in (:func:`detect_stop_languages`, at each fit).
            brand_names: Names removed from topic words (every topic would say them).
            outlier_threshold: Cosine similarity to a topic's centroid from which an
                outlier joins it.
            max_outlier_share: Outliers kept at most (the most similar others join their
                nearest topic even below the threshold).
            near_duplicate_similarity: A cluster whose members' mean similarity to its
                centroid reaches this is near-duplicates of one post and is dissolved.
            giant_share: A topic holding more than this share of the posts is clustered
                again on its own (HDBSCAN sometimes keeps one giant parent cluster).
            min_docs: Fewest distinct posts for UMAP + HDBSCAN; fewer fall back.
            top_n_words: Keywords kept per topic.
            n_representatives: Representative posts kept per topic.
            seed: Random state for UMAP and k-means (fits are reproducible).
            clean_text: Remove links and @handles before embedding.
        """
        self.encoder = encoder
        self.umap_model = umap_model
        self.hdbscan_model = hdbscan_model
        self.vectorizer_model = vectorizer_model
        self.representation_model = representation_model
        self.umap_params = dict(umap_params or {})
        self.hdbscan_params = dict(hdbscan_params or {})
        self.min_cluster_size = min_cluster_size
        self.stop_languages: tuple[str, ...] | str = (
            stop_languages if isinstance(stop_languages, str) else tuple(stop_languages)
        )
        self._languages: tuple[str, ...] = DEFAULT_STOP_LANGUAGES
        self.brand_names = tuple(brand_names)
        self.outlier_threshold = outlier_threshold
        self.max_outlier_share = max_outlier_share
        self.near_duplicate_similarity = near_duplicate_similarity
        self.giant_share = giant_share
        self.min_docs = max(2, min_docs)
        self.top_n_words = top_n_words
        self.n_representatives = n_representatives
        self.seed = seed
        self.clean_text = clean_text

    # -- sub-models ---------------------------------------------------------------------

    def tokenizer(self) -> MultilingualTokenizer:
        """The tokenizer the default vectorizer uses."""
        return MultilingualTokenizer(
            stop_words_for(self.languages), extra_stop_words=self.brand_names
        )

    @property
    def languages(self) -> tuple[str, ...]:
        """The stop-word languages in use (for ``"auto"``: those found at the last fit)."""
        if isinstance(self.stop_languages, str):
            return self._languages
        return self.stop_languages

    def make_vectorizer(self) -> Any:
        """The c-TF-IDF vectorizer (the one passed in, or the multilingual default)."""
        if self.vectorizer_model is not None:
            return self.vectorizer_model
        from sklearn.feature_extraction.text import CountVectorizer

        # min_df stays 1: BERTopic fits the vectorizer on one document per *topic*.
        return CountVectorizer(
            tokenizer=self.tokenizer(),
            lowercase=False,
            token_pattern=None,
            ngram_range=(1, 2),
            min_df=1,
        )

    def make_umap(self) -> Any:
        """The dimensionality reducer."""
        if self.umap_model is not None:
            return self.umap_model
        from umap import UMAP

        params: dict[str, Any] = {
            "n_neighbors": 15,
            "n_components": 5,
            "min_dist": 0.0,
            "metric": "cosine",
            "random_state": self.seed,
            "low_memory": True,
        }
        params.update(self.umap_params)
        return UMAP(**params)

    def make_hdbscan(self, n_unique: int) -> Any:
        """The clusterer, sized for ``n_unique`` distinct posts."""
        if self.hdbscan_model is not None:
            return self.hdbscan_model
        from hdbscan import HDBSCAN

        size = self.min_cluster_size or auto_min_cluster_size(n_unique)
        params: dict[str, Any] = {
            "min_cluster_size": size,
            # Well below min_cluster_size: HDBSCAN's default (equal) makes EOM collapse
            # the corpus into a handful of giant clusters on short posts.
            "min_samples": max(1, size // 3),
            "metric": "euclidean",
            "cluster_selection_method": "eom",
            "prediction_data": False,
            "core_dist_n_jobs": 1,
        }
        params.update(self.hdbscan_params)
        return HDBSCAN(**params)

    def make_representation(self) -> Any:
        """The keyphrase model (None: plain c-TF-IDF words)."""
        model = self.representation_model
        if model is None or not isinstance(model, str):
            return model
        if self.encoder is None:  # keyphrase models embed candidate words
            return None
        from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

        if model == "keybert":
            return KeyBERTInspired(
                top_n_words=self.top_n_words, nr_repr_docs=5, random_state=self.seed
            )
        if model == "mmr":
            return MaximalMarginalRelevance(diversity=0.3, top_n_words=self.top_n_words)
        raise ValueError(f"unknown representation model {model!r}")

    # -- fitting --------------------------------------------------------------------------

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed posts as the modeler does (cleaned first).

        Raises:
            ValueError: The modeler has no encoder.
        """
        if self.encoder is None:
            raise ValueError("this TopicModeler has no encoder: pass embeddings to fit()")
        prepared = [clean_for_embedding(t) if self.clean_text else t for t in texts]
        return self.encoder.encode(prepared)

    def fit(
        self,
        texts: Sequence[str],
        *,
        embeddings: np.ndarray | None = None,
        duplicate_of: Sequence[int | None] | None = None,
    ) -> TopicFit:
        """Find the topics of a set of posts.

        Args:
            texts: The posts.
            embeddings: Their embeddings (row per post), if already computed; otherwise
                the distinct posts are embedded with the encoder.
            duplicate_of: Per post, the index of the post it copies (or None), for
                duplicates found upstream (MinHash at ingest); exact and normalised
                copies are found here anyway.

        Returns:
            The fit.

        Raises:
            ValueError: Lengths of ``texts``, ``embeddings`` or ``duplicate_of`` differ.
        """
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        n = len(texts)
        if embeddings is not None and len(embeddings) != n:
            raise ValueError(f"{n} texts but {len(embeddings)} embeddings")
        if duplicate_of is not None and len(duplicate_of) != n:
            raise ValueError(f"{n} texts but {len(duplicate_of)} duplicate links")
        if n == 0:
            return TopicFit(
                topics=[],
                assignments=np.zeros(0, dtype=np.int64),
                scores=np.zeros(0, dtype=np.float32),
                method="empty",
                message="no posts to model",
                n_docs=0,
                n_unique=0,
            )
        unique_rows, unique_index = self._deduplicate(texts, duplicate_of)
        unique_texts = [texts[i] for i in unique_rows]
        if self.stop_languages == "auto":
            self._languages = detect_stop_languages(unique_texts)
        if embeddings is not None:
            unique_embeddings = np.asarray(embeddings, dtype=np.float32)[unique_rows]
            norms = np.linalg.norm(unique_embeddings, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            unique_embeddings = unique_embeddings / norms
        else:
            unique_embeddings = self.embed(unique_texts)
        m = len(unique_rows)
        if m < self.min_docs:
            local, model, method, message = self._fit_small(unique_texts, unique_embeddings)
        else:
            local, model = self._fit_bertopic(unique_texts, unique_embeddings)
            method, message = "bertopic", None
            if len(set(local.tolist()) - {-1}) == 0:
                # HDBSCAN found no structure at all: fall back rather than return nothing.
                local, model, method, message = self._fit_small(
                    unique_texts,
                    unique_embeddings,
                    reason=f"no clusters found among {m} distinct posts",
                )
        return self._result(
            texts, unique_rows, unique_index, unique_embeddings, local, model, method, message
        )

    def _deduplicate(
        self, texts: Sequence[str], duplicate_of: Sequence[int | None] | None
    ) -> tuple[list[int], np.ndarray]:
        """Rows of the distinct posts, and for every post the position of its distinct row."""
        first: dict[str, int] = {}
        root = list(range(len(texts)))
        if duplicate_of is not None:
            for i, original in enumerate(duplicate_of):
                if original is not None and 0 <= original < len(texts) and original != i:
                    root[i] = original
            for i in range(len(texts)):  # follow chains of links to their first post
                seen = {i}
                j = root[i]
                while root[j] != j and root[j] not in seen:
                    seen.add(j)
                    j = root[j]
                root[i] = j
        for i, text in enumerate(texts):
            if root[i] != i:
                continue
            key = dedup_key(text) or text
            if key in first:
                root[i] = first[key]
            else:
                first[key] = i
        unique_rows = sorted({root[i] for i in range(len(texts))})
        position = {row: k for k, row in enumerate(unique_rows)}
        unique_index = np.array([position[root[i]] for i in range(len(texts))], dtype=np.int64)
        return unique_rows, unique_index

    def _new_bertopic(self, umap_model: Any, cluster_model: Any, with_representation: bool) -> Any:
        try:
            from bertopic import BERTopic
        except ImportError as exc:  # pragma: no cover - installed with the project
            raise ImportError(
                "topic modelling needs bertopic, umap-learn and hdbscan: "
                "pip install bertopic umap-learn hdbscan"
            ) from exc

        return BERTopic(
            embedding_model=_bertopic_embedder(self.encoder) if self.encoder else None,
            umap_model=umap_model,
            hdbscan_model=cluster_model,
            vectorizer_model=self.make_vectorizer(),
            representation_model=self.make_representation() if with_representation else None,
            top_n_words=self.top_n_words,
            calculate_probabilities=False,
            verbose=False,
        )

    def _fit_bertopic(self, texts: list[str], embeddings: np.ndarray) -> tuple[np.ndarray, Any]:
        model = self._new_bertopic(self.make_umap(), self.make_hdbscan(len(texts)), False)
        topics, _ = model.fit_transform(texts, embeddings=embeddings)
        labels = np.asarray(topics, dtype=np.int64)
        labels = self._split_giants(model, labels, embeddings)
        labels = self._dissolve_near_duplicates(labels, embeddings)
        labels = self._reduce_outliers(model, texts, labels, embeddings)
        labels = _renumber(labels)
        bertopic_logger = logging.getLogger("BERTopic")
        level = bertopic_logger.level
        # BERTopic warns that custom assignments must be the last step: here they are.
        bertopic_logger.setLevel(logging.ERROR)
        try:
            model.update_topics(
                texts,
                topics=labels.tolist(),
                top_n_words=self.top_n_words,
                vectorizer_model=self.make_vectorizer(),
                representation_model=self.make_representation(),
            )
        finally:
            bertopic_logger.setLevel(level)
        return labels, model

    def _split_giants(self, model: Any, labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Re-cluster any topic holding more than ``giant_share`` of the posts, once.

        HDBSCAN's excess-of-mass selection sometimes keeps one huge parent cluster (on
        short posts: everything off-topic, or a whole domain) instead of its children;
        clustering that cluster's points on their own usually finds the children.
        """
        n = len(labels)
        if self.hdbscan_model is not None or n == 0:
            return labels
        giants = [
            t
            for t, count in Counter(labels.tolist()).items()
            if t >= 0 and count > self.giant_share * n
        ]
        if not giants:
            return labels
        reduced = getattr(model.umap_model, "embedding_", None)
        if reduced is None or len(reduced) != n:
            reduced = model.umap_model.transform(embeddings)
        labels = labels.copy()
        next_id = int(labels.max()) + 1
        for topic in giants:
            members = np.flatnonzero(labels == topic)
            clusterer = self.make_hdbscan(len(members))
            clusterer.min_cluster_size = self.min_cluster_size or auto_min_cluster_size(n)
            clusterer.min_samples = max(1, clusterer.min_cluster_size // 3)
            sub = clusterer.fit_predict(np.asarray(reduced)[members])
            found = sorted(set(sub.tolist()) - {-1})
            if len(found) < 2:
                continue
            for k, cluster in enumerate(found):
                labels[members[sub == cluster]] = topic if k == 0 else next_id
                next_id += 0 if k == 0 else 1
            labels[members[sub < 0]] = -1
        return labels

    def _dissolve_near_duplicates(self, labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        labels = labels.copy()
        for topic in set(labels.tolist()) - {-1}:
            members = labels == topic
            centroid = embeddings[members].mean(axis=0)
            norm = float(np.linalg.norm(centroid))
            if norm == 0:
                continue
            similarity = embeddings[members] @ (centroid / norm)
            if float(similarity.mean()) >= self.near_duplicate_similarity:
                labels[members] = -1
        return labels

    def _reduce_outliers(
        self, model: Any, texts: list[str], labels: np.ndarray, embeddings: np.ndarray
    ) -> np.ndarray:
        topic_ids = sorted(set(labels.tolist()) - {-1})
        outliers = np.flatnonzero(labels < 0)
        if not topic_ids or len(outliers) == 0:
            return labels
        centroids = _centroids(embeddings, labels, topic_ids)
        similarity = embeddings[outliers] @ centroids.T
        best = similarity.argmax(axis=1)
        best_similarity = similarity[np.arange(len(outliers)), best]
        keep_out = best_similarity < self.outlier_threshold
        allowed = int(math.floor(self.max_outlier_share * len(labels)))
        if keep_out.sum() > allowed:
            # Too many stay out: admit the most similar of them until the cap holds.
            order = np.argsort(np.where(keep_out, best_similarity, np.inf))
            admit = order[: int(keep_out.sum()) - allowed]
            keep_out[admit] = False
        labels = labels.copy()
        joined = outliers[~keep_out]
        labels[joined] = np.asarray(topic_ids)[best[~keep_out]]
        return labels

    def _fit_small(
        self, texts: list[str], embeddings: np.ndarray, reason: str | None = None
    ) -> tuple[np.ndarray, Any, str, str]:
        m = len(texts)
        why = reason or f"only {m} distinct posts (a topic model needs at least {self.min_docs})"
        if m < 10:
            return np.zeros(m, dtype=np.int64), None, "single", f"{why}: kept as one topic"
        from bertopic.dimensionality import BaseDimensionalityReduction
        from sklearn.cluster import KMeans

        k = max(2, min(8, round(math.sqrt(m / 2))))
        model = self._new_bertopic(
            BaseDimensionalityReduction(),
            KMeans(n_clusters=k, n_init=10, random_state=self.seed),
            True,
        )
        try:
            topics, _ = model.fit_transform(texts, embeddings=embeddings)
        except ValueError as exc:  # e.g. every word is a stop word
            logger.info("k-means fallback failed (%s); one topic", exc)
            return np.zeros(m, dtype=np.int64), None, "single", f"{why}: kept as one topic"
        # BERTopic already numbers topics by size; keep its ids so its words stay aligned.
        labels = np.asarray(topics, dtype=np.int64)
        return labels, model, "kmeans", f"{why}: grouped into {k} clusters with k-means"

    # -- results --------------------------------------------------------------------------

    def _topic_words(self, model: Any, topic: int) -> tuple[list[str], list[str]]:
        """(keyphrases, c-TF-IDF words) of a fitted BERTopic topic."""
        if model is None:
            return [], []
        phrases = [w for w, _ in (model.get_topic(topic) or []) if w]
        words = ctfidf_top_words(model, topic, self.top_n_words)
        return phrases or words, words

    def _result(
        self,
        texts: list[str],
        unique_rows: list[int],
        unique_index: np.ndarray,
        unique_embeddings: np.ndarray,
        local: np.ndarray,
        model: Any,
        method: str,
        message: str | None,
    ) -> TopicFit:
        assignments = local[unique_index]
        topic_ids = sorted(set(local.tolist()) - {-1})
        centroids = _centroids(unique_embeddings, local, topic_ids) if topic_ids else None
        scores = np.zeros(len(texts), dtype=np.float32)
        unique_scores = np.zeros(len(local), dtype=np.float32)
        if centroids is not None:
            position = {t: k for k, t in enumerate(topic_ids)}
            for row, topic in enumerate(local.tolist()):
                if topic >= 0:
                    unique_scores[row] = float(unique_embeddings[row] @ centroids[position[topic]])
            scores = unique_scores[unique_index]
        sizes = Counter(assignments.tolist())
        topics: list[TopicInfo] = []
        for k, topic in enumerate(topic_ids):
            assert centroids is not None
            members = np.flatnonzero(local == topic)
            closest = members[np.argsort(-unique_scores[members])][: self.n_representatives]
            keywords, words = self._topic_words(model, topic)
            if method == "single" and not keywords:
                keywords = _frequent_words(self.tokenizer(), texts, self.top_n_words)
                words = list(keywords)
            label = readable_label(keywords)
            if method == "single":
                label = f"all posts: {label}" if keywords else "all posts"
            topics.append(
                TopicInfo(
                    topic_id=topic,
                    label=label,
                    keywords=keywords,
                    size=int(sizes[topic]),
                    centroid=centroids[k].astype(np.float32),
                    representatives=[unique_rows[int(i)] for i in closest],
                    words=words,
                )
            )
        topics.sort(key=lambda t: (-t.size, t.topic_id))
        return TopicFit(
            topics=topics,
            assignments=assignments,
            scores=scores,
            method=method,
            message=message,
            n_docs=len(texts),
            n_unique=len(unique_rows),
            model=model,
            embeddings=unique_embeddings,
            unique_index=unique_index,
        )


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Topic ids 0..k-1 by decreasing size (ties: by old id); -1 stays."""
    counts = Counter(t for t in labels.tolist() if t >= 0)
    order = sorted(counts, key=lambda t: (-counts[t], t))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(t, -1) for t in labels.tolist()], dtype=np.int64)


def _centroids(embeddings: np.ndarray, labels: np.ndarray, topic_ids: Sequence[int]) -> np.ndarray:
    rows = []
    for topic in topic_ids:
        centroid = embeddings[labels == topic].mean(axis=0)
        norm = float(np.linalg.norm(centroid))
        rows.append(centroid / norm if norm else centroid)
    return np.vstack(rows).astype(np.float32)


def _frequent_words(tokenizer: MultilingualTokenizer, texts: Iterable[str], n: int) -> list[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(tokenizer(text)))
    return [w for w, _ in counts.most_common(n)]


def ctfidf_top_words(model: Any, topic: int, n: int) -> list[str]:
    """The ``n`` highest c-TF-IDF words of a topic of a fitted BERTopic model.

    Args:
        model: A fitted BERTopic.
        topic: The topic id (as BERTopic numbers it).
        n: How many words.

    Returns:
        Words, best first (fewer if the topic has fewer non-zero words).
    """
    matrix = getattr(model, "c_tf_idf_", None)
    if matrix is None:
        return []
    names = model.vectorizer_model.get_feature_names_out()
    row_index = topic + model._outliers
    if row_index < 0 or row_index >= matrix.shape[0]:
        return []
    row = matrix[row_index]
    row = row.toarray().ravel() if hasattr(row, "toarray") else np.asarray(row).ravel()
    order = np.argsort(-row)[:n]
    return [str(names[i]) for i in order if row[i] > 0]


# -- stable identities and streaming ----------------------------------------------------------


@dataclass
class TopicMatching:
    """How the topics of a new fit relate to the topics already known.

    Attributes:
        matched: New topic → old topic id it continues.
        new: New topics that continue none (they get fresh ids).
        retired: Old topic ids that no new topic continues.
        similarity: New topic → cosine similarity to its match.
    """

    matched: dict[int, int]
    new: list[int]
    retired: list[int]
    similarity: dict[int, float]


def _as_matrix(centroids: Mapping[int, np.ndarray]) -> tuple[list[int], np.ndarray]:
    ids = list(centroids)
    if not ids:
        return [], np.zeros((0, 0), dtype=np.float32)
    matrix = np.vstack([np.asarray(centroids[i], dtype=np.float32).ravel() for i in ids])
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return ids, matrix / norms


def match_topics(
    old_centroids: Mapping[int, np.ndarray],
    new_centroids: Mapping[int, np.ndarray],
    threshold: float = 0.8,
) -> TopicMatching:
    """Pair the topics of a refit with known topics so ids and labels stay stable.

    The pairing maximises total cosine similarity between centroids (Hungarian
    assignment); a pair counts only from ``threshold``. Unpaired new topics are new;
    unpaired old topics are retired.

    Args:
        old_centroids: Known topic id → centroid.
        new_centroids: New (local) topic id → centroid.
        threshold: Least cosine similarity of a continuing topic.

    Returns:
        The matching.
    """
    from scipy.optimize import linear_sum_assignment

    old_ids, old = _as_matrix(old_centroids)
    new_ids, new = _as_matrix(new_centroids)
    matched: dict[int, int] = {}
    similarity: dict[int, float] = {}
    if old_ids and new_ids:
        if old.shape[1] != new.shape[1]:
            raise ValueError(
                f"centroids differ in dimension ({old.shape[1]} vs {new.shape[1]}): "
                "was the encoder changed?"
            )
        sims = new @ old.T
        rows, cols = linear_sum_assignment(-sims)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if sims[r, c] >= threshold:
                matched[new_ids[r]] = old_ids[c]
                similarity[new_ids[r]] = float(sims[r, c])
    used = set(matched.values())
    return TopicMatching(
        matched=matched,
        new=[t for t in new_ids if t not in matched],
        retired=[t for t in old_ids if t not in used],
        similarity=similarity,
    )


def assign_to_topics(
    embeddings: np.ndarray,
    centroids: Mapping[int, np.ndarray],
    threshold: float = 0.3,
) -> tuple[list[int | None], list[float]]:
    """Place new posts into known topics without refitting (the streaming path).

    Args:
        embeddings: Normalised embeddings of the new posts.
        centroids: Topic id → centroid.
        threshold: Least cosine similarity to join a topic.

    Returns:
        Per post, its topic id (None below the threshold) and the similarity.
    """
    ids, matrix = _as_matrix(centroids)
    if not ids or len(embeddings) == 0:
        return [None] * len(embeddings), [0.0] * len(embeddings)
    sims = np.asarray(embeddings, dtype=np.float32) @ matrix.T
    best = sims.argmax(axis=1)
    scores = sims[np.arange(len(best)), best]
    topics = [
        ids[b] if s >= threshold else None for b, s in zip(best.tolist(), scores, strict=True)
    ]
    return topics, [float(s) for s in scores]


# -- summaries -------------------------------------------------------------------------------


@dataclass
class EmergingTopic:
    """A topic that is new this period or growing fast, with the numbers that say so."""

    topic_id: int
    reason: str
    count: int
    previous: int
    growth: float | None

    def evidence(self) -> str:
        """One sentence an alert can cite."""
        if self.reason == "new":
            return f"new topic this period ({self.count} posts)"
        assert self.growth is not None
        return f"{self.count} posts, up from {self.previous} ({self.growth:.1f}×)"


def emerging_topics(
    current: Mapping[int, int],
    previous: Mapping[int, int],
    *,
    new_topics: Collection[int] = (),
    min_count: int = 5,
    min_growth: float = 2.0,
) -> list[EmergingTopic]:
    """Topics that are new this period or grew fast against the previous period.

    Growth is ``(count + 1) / (previous + 1)`` so a topic going from 0 to 1 post is not
    "infinitely" growing; ``min_count`` keeps tiny topics out either way.

    Args:
        current: Topic id → posts this period.
        previous: Topic id → posts in the previous period of the same length.
        new_topics: Topics first seen this period (new even if they had posts before
            they were recognised as a topic).
        min_count: Fewest posts this period to count as emerging.
        min_growth: Least growth ratio for a known topic.

    Returns:
        Emerging topics, new ones first, then by growth.
    """
    out: list[EmergingTopic] = []
    for topic, count in current.items():
        if count < min_count:
            continue
        before = int(previous.get(topic, 0))
        if topic in new_topics or before == 0:
            out.append(EmergingTopic(topic, "new", int(count), before, None))
            continue
        growth = (count + 1) / (before + 1)
        if growth >= min_growth:
            out.append(EmergingTopic(topic, "growing", int(count), before, growth))
    out.sort(key=lambda e: (e.reason != "new", -(e.growth or 0.0), -e.count, e.topic_id))
    return out


def _bucket_start(moment: datetime, bucket: str) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if bucket == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if bucket == "day":
        return day
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    raise ValueError(f"bucket must be hour, day or week, not {bucket!r}")


def topics_over_time(
    assignments: Sequence[int | None],
    timestamps: Sequence[datetime],
    bucket: str = "day",
) -> dict[int, dict[datetime, int]]:
    """Posts per topic per time bucket (UTC); outliers (-1/None) are left out.

    Args:
        assignments: Per post, its topic.
        timestamps: Per post, when it was made.
        bucket: ``hour``, ``day`` or ``week`` (weeks start on Monday).

    Returns:
        Topic → bucket start → posts.
    """
    out: dict[int, dict[datetime, int]] = defaultdict(lambda: defaultdict(int))
    for topic, moment in zip(assignments, timestamps, strict=True):
        if topic is None or topic < 0:
            continue
        out[int(topic)][_bucket_start(moment, bucket)] += 1
    return {t: dict(b) for t, b in out.items()}


def topics_per_class(
    assignments: Sequence[int | None], classes: Sequence[str | None]
) -> dict[int, dict[str, int]]:
    """Posts per topic per class (sentiment, say); posts without a class are left out.

    Args:
        assignments: Per post, its topic.
        classes: Per post, its class.

    Returns:
        Topic → class → posts.
    """
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for topic, cls in zip(assignments, classes, strict=True):
        if topic is None or topic < 0 or cls is None:
            continue
        out[int(topic)][cls] += 1
    return {t: dict(c) for t, c in out.items()}


def negative_share(
    assignments: Sequence[int | None],
    sentiments: Sequence[str | None],
    negative: str = "negative",
) -> dict[int, float | None]:
    """Share of each topic's scored posts that are negative (None if none is scored).

    Args:
        assignments: Per post, its topic.
        sentiments: Per post, its sentiment label (None if not scored).
        negative: The label that counts as negative.

    Returns:
        Topic → negative share.
    """
    per_class = topics_per_class(assignments, sentiments)
    topics = {int(t) for t in assignments if t is not None and t >= 0}
    out: dict[int, float | None] = {}
    for topic in topics:
        counts = per_class.get(topic, {})
        scored = sum(counts.values())
        out[topic] = counts.get(negative, 0) / scored if scored else None
    return out
