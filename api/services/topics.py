"""Topics of a workspace's or brand's mentions: fit, persist with stable ids, read, evaluate.

`fit_topics` reads the mentions of a period (with their sentiment and duplicate links),
runs :class:`nlp.topics.TopicModeler`, matches the new topics to the active ones by
centroid so that a continuing topic keeps its id and label, retires topics that no longer
occur, stores every mention's topic, and records per topic its size, negative share,
representative mentions and whether it is emerging (new, or growing fast over the last
week against the week before). `assign_new_mentions` places mentions that arrived after
the last fit into the existing topics without refitting (the streaming path).

The read side (`list_topics`, `topic_detail`, `topic_trend`) is shared with the REST API;
`evaluate_topics` measures the modeler against human labels next to BERTopic's defaults.
"""

from __future__ import annotations

import copy
import json
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import delete, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from api.services import analytics
from api.services.analytics import TopicPoint, TopicSummary
from api.services.errors import Invalid
from models import Brand, Mention, MentionBrand, Topic, TopicAssignment
from models.timeutil import ensure_utc, utcnow

__all__ = [
    "EmergingTopicSummary",
    "RepresentativePost",
    "TopicDetail",
    "TopicEvaluation",
    "TopicRefit",
    "TopicScores",
    "assign_new_mentions",
    "default_modeler",
    "emerging_topics_for",
    "evaluate_topics",
    "fit_topics",
    "list_topics",
    "read_labelled_jsonl",
    "topic_detail",
    "topic_trend",
    "topics_by_sentiment",
]

MATCH_THRESHOLD = 0.8
EMERGING_WINDOW = timedelta(days=7)


# -- building the modeler ---------------------------------------------------------------------


def default_modeler(
    data_dir: Path,
    *,
    backend: str = "onnx",
    num_threads: int | None = None,
    model_path: str | None = None,
    onnx_dir: Path | None = None,
    **options: Any,
) -> Any:
    """The topic modeler the CLI uses: packaged MiniLM through ONNX, embeddings cached.

    Args:
        data_dir: The data directory; the embedding cache ``cache/embeddings.sqlite`` is
            created inside it.
        backend: ``onnx`` or ``torch``.
        num_threads: Inference threads (None: the runtime's default).
        model_path: A local sentence-transformers folder instead of the packaged model.
        onnx_dir: Where the ONNX export is kept; default: the encoder's own
            (``~/.cache/groundswell/onnx``), which the default sentiment model shares, so
            the model is exported once per machine, not once per data directory.
        **options: Passed to :class:`nlp.topics.TopicModeler`.

    Returns:
        A :class:`nlp.topics.TopicModeler`.
    """
    from nlp.embeddings import CachedEncoder, EmbeddingCache, SentenceEncoder
    from nlp.topics import TopicModeler

    encoder = SentenceEncoder(
        model_path,
        backend="torch" if backend == "torch" else "onnx",
        cache_dir=onnx_dir,
        num_threads=num_threads,
    )
    cache = EmbeddingCache(data_dir / "cache" / "embeddings.sqlite")
    return TopicModeler(CachedEncoder(encoder, cache), **options)


def _model_version(modeler: Any) -> str:
    try:
        import bertopic

        version = f"bertopic-{bertopic.__version__}"
    except ImportError:  # pragma: no cover - a dependency
        version = "bertopic"
    encoder = getattr(modeler, "encoder", None)
    if encoder is not None:
        version += f"/{encoder.model_id}"
    return version[:100]


# -- fitting ------------------------------------------------------------------------------------


@dataclass
class EmergingTopicSummary:
    """A topic that is new or growing fast, with the evidence an alert can cite."""

    topic_id: int
    label: str
    reason: str
    count: int
    previous: int
    growth: float | None
    negative_share: float | None
    evidence: str


@dataclass
class TopicRefit:
    """What a fit did."""

    workspace_id: int
    brand_id: int | None
    start: datetime
    end: datetime
    n_posts: int
    n_unique: int
    n_topics: int
    outlier_share: float
    method: str
    message: str | None
    model_version: str
    continued: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)
    emerging: list[EmergingTopicSummary] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class _Post:
    id: int
    text: str
    sentiment: str | None
    created_at: datetime
    duplicate_of_id: int | None


def _scope_filter(
    statement: Any,
    workspace_id: int,
    brand_id: int | None,
    start: datetime,
    end: datetime | None,
) -> Any:
    statement = statement.where(
        col(Mention.workspace_id) == workspace_id, col(Mention.created_at) >= start
    )
    if end is not None:
        statement = statement.where(col(Mention.created_at) < end)
    if brand_id is not None:
        statement = statement.join(MentionBrand, col(MentionBrand.mention_id) == col(Mention.id))
        statement = statement.where(col(MentionBrand.brand_id) == brand_id)
    return statement


def _load_posts(
    session: Session,
    workspace_id: int,
    brand_id: int | None,
    start: datetime,
    end: datetime,
    max_posts: int,
) -> list[_Post]:
    statement = _scope_filter(
        sa_select(
            col(Mention.id),
            col(Mention.text),
            col(Mention.sentiment),
            col(Mention.created_at),
            col(Mention.duplicate_of_id),
        ),
        workspace_id,
        brand_id,
        start,
        end,
    )
    statement = statement.order_by(col(Mention.created_at).desc(), col(Mention.id).desc())
    rows = session.execute(statement.limit(max_posts)).all()
    posts = [_Post(int(r[0]), r[1] or "", r[2], ensure_utc(r[3]), r[4]) for r in rows]
    posts.reverse()
    return posts


def _brand_names(session: Session, workspace_id: int) -> list[str]:
    brands = session.execute(select(Brand).where(col(Brand.workspace_id) == workspace_id))
    return [name for b in brands.scalars() for name in (b.name, *b.aliases)]


def _active_topics(session: Session, workspace_id: int, brand_id: int | None) -> list[Topic]:
    statement = select(Topic).where(
        col(Topic.workspace_id) == workspace_id, col(Topic.active).is_(True)
    )
    if brand_id is None:
        statement = statement.where(col(Topic.brand_id).is_(None))
    else:
        statement = statement.where(col(Topic.brand_id) == brand_id)
    return list(session.execute(statement).scalars())


def _centroid(topic: Topic) -> np.ndarray | None:
    if not topic.centroid:
        return None
    return np.frombuffer(topic.centroid, dtype=np.float32)


def fit_topics(
    session: Session,
    workspace_id: int,
    modeler: Any,
    *,
    brand_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    days: int = 30,
    max_posts: int = 100_000,
    match_threshold: float = MATCH_THRESHOLD,
    on_progress: Callable[[str], None] | None = None,
) -> TopicRefit:
    """Fit topics on a period's mentions and store them with stable ids.

    Args:
        session: An open session; committed at the end.
        workspace_id: The workspace.
        modeler: A :class:`nlp.topics.TopicModeler` (see :func:`default_modeler`).
        brand_id: Only this brand's mentions (default: the whole workspace).
        start: Inclusive start (default: ``end - days``).
        end: Exclusive end (default: now).
        days: Length of the period when `start` is not given.
        max_posts: The most recent posts used at most.
        match_threshold: Least centroid similarity for a topic to keep its id and label.
        on_progress: Called with a short description of each stage.

    Returns:
        What the fit found and changed.

    Raises:
        NotFound: `brand_id` is not a brand of this workspace.
        Invalid: The period is empty or reversed.
    """
    began = time.perf_counter()
    report = on_progress or (lambda _stage: None)
    if brand_id is not None:
        analytics.workspace_brand(session, workspace_id, brand_id)
    end = ensure_utc(end) if end is not None else utcnow()
    start = ensure_utc(start) if start is not None else end - timedelta(days=days)
    if end <= start:
        raise Invalid("end must be after start")
    report("reading mentions")
    posts = _load_posts(session, workspace_id, brand_id, start, end, max_posts)
    modeler = copy.copy(modeler)
    modeler.brand_names = tuple(
        dict.fromkeys([*modeler.brand_names, *_brand_names(session, workspace_id)])
    )
    index_of = {p.id: i for i, p in enumerate(posts)}
    duplicate_of = [
        index_of.get(p.duplicate_of_id) if p.duplicate_of_id is not None else None for p in posts
    ]
    report(f"modelling {len(posts)} mentions")
    fit = modeler.fit([p.text for p in posts], duplicate_of=duplicate_of)
    version = _model_version(modeler)
    now = utcnow()
    report("storing topics")
    old = {t.id or 0: t for t in _active_topics(session, workspace_id, brand_id)}
    old_centroids = {tid: c for tid, t in old.items() if (c := _centroid(t)) is not None}
    new_centroids = {t.topic_id: t.centroid for t in fit.topics}
    from nlp.topics import emerging_topics, match_topics, negative_share

    matching = match_topics(old_centroids, new_centroids, threshold=match_threshold)
    assignments = fit.assignments.tolist()
    shares = negative_share(assignments, [p.sentiment for p in posts])
    local_to_id: dict[int, int] = {}
    refit = TopicRefit(
        workspace_id=workspace_id,
        brand_id=brand_id,
        start=start,
        end=end,
        n_posts=len(posts),
        n_unique=fit.n_unique,
        n_topics=len(fit.topics),
        outlier_share=fit.outlier_share,
        method=fit.method,
        message=fit.message,
        model_version=version,
    )
    first_seen: dict[int, datetime] = {}
    for post, local in zip(posts, assignments, strict=True):
        if local >= 0 and (local not in first_seen or post.created_at < first_seen[local]):
            first_seen[local] = post.created_at
    for info in fit.topics:
        extra = {
            "keyphrases": list(info.keywords),
            "words": list(info.words),
            "method": fit.method,
            "period": [start.isoformat(), end.isoformat()],
        }
        fields = {
            "keywords": list(info.keywords),
            "size": info.size,
            "negative_share": shares.get(info.topic_id),
            "centroid": np.asarray(info.centroid, dtype=np.float32).tobytes(),
            "representative_ids": [posts[i].id for i in info.representatives],
            "model_version": version,
            "updated_at": now,
            "active": True,
        }
        if info.topic_id in matching.matched:
            topic = old[matching.matched[info.topic_id]]
            for name, value in fields.items():
                setattr(topic, name, value)
            extra["match_similarity"] = round(matching.similarity[info.topic_id], 4)
            topic.extra = {**(topic.extra or {}), **extra}
            refit.continued.append(topic.id or 0)
        else:
            topic = Topic(
                workspace_id=workspace_id,
                brand_id=brand_id,
                label=info.label[:300],
                first_seen_at=first_seen.get(info.topic_id, now),
                extra=extra,
                **fields,
            )
            session.add(topic)
            session.flush()
            refit.created.append(topic.id or 0)
        local_to_id[info.topic_id] = topic.id or 0
    for topic_id in matching.retired:
        topic = old[topic_id]
        topic.active = False
        topic.updated_at = now
        refit.retired.append(topic_id)
    _store_assignments(
        session,
        [p.id for p in posts],
        [local_to_id.get(t) if t >= 0 else None for t in assignments],
        fit.scores.tolist(),
    )
    # Emerging: the last week (or half the period, if shorter) against the one before.
    window = min(EMERGING_WINDOW, (end - start) / 2)
    current: Counter[int] = Counter()
    previous: Counter[int] = Counter()
    for post, local in zip(posts, assignments, strict=True):
        if local < 0:
            continue
        if post.created_at >= end - window:
            current[local_to_id[local]] += 1
        elif post.created_at >= end - 2 * window:
            previous[local_to_id[local]] += 1
    fresh = {
        local_to_id[local]
        for local, seen in first_seen.items()
        if local_to_id[local] in refit.created and seen >= end - window
    }
    found = emerging_topics(current, previous, new_topics=fresh, min_count=_emerging_floor(fit))
    topics_by_id = {
        t.id: t
        for t in session.execute(
            select(Topic).where(col(Topic.id).in_(list(local_to_id.values())))
        ).scalars()
    }
    emerging_ids = set()
    for item in found:
        topic = topics_by_id[item.topic_id]
        summary = EmergingTopicSummary(
            topic_id=item.topic_id,
            label=topic.label,
            reason=item.reason,
            count=item.count,
            previous=item.previous,
            growth=item.growth,
            negative_share=topic.negative_share,
            evidence=item.evidence(),
        )
        refit.emerging.append(summary)
        emerging_ids.add(item.topic_id)
        topic.extra = {**topic.extra, "emerging": _emerging_json(summary, now)}
    for topic_id, topic in topics_by_id.items():
        if topic_id not in emerging_ids and "emerging" in (topic.extra or {}):
            topic.extra = {k: v for k, v in topic.extra.items() if k != "emerging"}
    session.commit()
    refit.seconds = time.perf_counter() - began
    return refit


def _emerging_floor(fit: Any) -> int:
    """Fewest posts in a week for a topic to count as emerging: 5, more for big corpora."""
    return max(5, int(math.ceil(0.005 * fit.n_docs)))


def _emerging_json(summary: EmergingTopicSummary, now: datetime) -> dict[str, Any]:
    return {
        "reason": summary.reason,
        "count": summary.count,
        "previous": summary.previous,
        "growth": summary.growth,
        "evidence": summary.evidence,
        "at": now.isoformat(),
    }


def _store_assignments(
    session: Session,
    mention_ids: Sequence[int],
    topic_ids: Sequence[int | None],
    scores: Sequence[float],
) -> None:
    for start in range(0, len(mention_ids), 500):
        chunk = list(mention_ids[start : start + 500])
        session.execute(delete(TopicAssignment).where(col(TopicAssignment.mention_id).in_(chunk)))
    session.add_all(
        TopicAssignment(mention_id=mid, topic_id=tid, probability=float(min(1.0, max(0.0, score))))
        for mid, tid, score in zip(mention_ids, topic_ids, scores, strict=True)
        if tid is not None
    )
    session.flush()


def assign_new_mentions(
    session: Session,
    workspace_id: int,
    modeler: Any,
    *,
    brand_id: int | None = None,
    since: datetime | None = None,
    threshold: float = 0.3,
    limit: int = 20_000,
) -> int:
    """Put mentions that have no topic yet into the active topics, without refitting.

    Between refits this keeps topic counts and trends current at the cost of one
    embedding per new mention: each joins the topic whose centroid is most similar, if
    the similarity reaches `threshold`.

    Args:
        session: An open session; committed at the end.
        workspace_id: The workspace.
        modeler: The modeler whose encoder fitted the topics.
        brand_id: Only this brand's topics and mentions.
        since: Only mentions created from then (default: the last 30 days).
        threshold: Least cosine similarity to join a topic.
        limit: The most mentions handled in one call.

    Returns:
        How many mentions were given a topic.
    """
    from nlp.topics import assign_to_topics

    topics = _active_topics(session, workspace_id, brand_id)
    centroids = {t.id or 0: c for t in topics if (c := _centroid(t)) is not None}
    if not centroids:
        return 0
    since = ensure_utc(since) if since is not None else utcnow() - timedelta(days=30)
    statement = _scope_filter(select(Mention.id, Mention.text), workspace_id, brand_id, since, None)
    statement = statement.outerjoin(
        TopicAssignment, col(TopicAssignment.mention_id) == col(Mention.id)
    ).where(col(TopicAssignment.mention_id).is_(None))
    rows = session.execute(statement.order_by(col(Mention.id)).limit(limit)).all()
    if not rows:
        return 0
    embeddings = modeler.embed([r[1] or "" for r in rows])
    chosen, scores = assign_to_topics(embeddings, centroids, threshold=threshold)
    added = Counter(t for t in chosen if t is not None)
    session.add_all(
        TopicAssignment(mention_id=int(r[0]), topic_id=t, probability=max(0.0, min(1.0, s)))
        for r, t, s in zip(rows, chosen, scores, strict=True)
        if t is not None
    )
    for topic in topics:
        if topic.id is not None and topic.id in added:
            topic.size += added[topic.id]
    session.commit()
    return sum(added.values())


# -- reading ------------------------------------------------------------------------------------


def list_topics(
    session: Session,
    workspace_id: int,
    *,
    brand_id: int | None = None,
    active: bool | None = True,
    limit: int = 50,
) -> list[TopicSummary]:
    """The workspace's topics, largest first (see :func:`api.services.analytics.list_topics`).

    Raises:
        NotFound: `brand_id` is not a brand of this workspace.
    """
    return analytics.list_topics(
        session, workspace_id, brand_id=brand_id, active=active, limit=limit
    )


@dataclass
class RepresentativePost:
    """A mention that shows what a topic is about."""

    id: int
    text: str
    created_at: datetime
    sentiment: str | None


@dataclass
class TopicDetail:
    """A topic with its representative posts, sentiment split and emerging status."""

    summary: TopicSummary
    representatives: list[RepresentativePost]
    sentiment: dict[str, int]
    emerging: dict[str, Any] | None
    extra: dict[str, Any]


def topic_detail(
    session: Session, workspace_id: int, topic_id: int, *, n_posts: int = 10
) -> TopicDetail:
    """One topic with its representative mentions and posts per sentiment class.

    Raises:
        NotFound: No such topic in this workspace.
    """
    topic = analytics.get_topic(session, workspace_id, topic_id)
    ids = [i for i in topic.representative_ids if isinstance(i, int)][:n_posts]
    found = {
        m.id: m
        for m in session.execute(
            select(Mention).where(
                col(Mention.id).in_(ids), col(Mention.workspace_id) == workspace_id
            )
        ).scalars()
    }
    posts = [
        RepresentativePost(i, found[i].text, ensure_utc(found[i].created_at), found[i].sentiment)
        for i in ids
        if i in found
    ]
    rows = session.execute(
        select(Mention.sentiment, func.count())
        .join(TopicAssignment, col(TopicAssignment.mention_id) == col(Mention.id))
        .where(col(TopicAssignment.topic_id) == topic_id)
        .group_by(col(Mention.sentiment))
    ).all()
    sentiment = {str(s or "unscored"): int(n) for s, n in rows}
    return TopicDetail(
        summary=analytics.topic_summary(session, workspace_id, topic_id),
        representatives=posts,
        sentiment=sentiment,
        emerging=(topic.extra or {}).get("emerging"),
        extra=dict(topic.extra or {}),
    )


def topic_trend(
    session: Session,
    workspace_id: int,
    topic_id: int,
    *,
    bucket: str = "day",
    start: datetime | None = None,
    end: datetime | None = None,
) -> tuple[datetime, datetime, list[TopicPoint]]:
    """A topic's mentions and negative share per bucket (see `analytics.topic_trend`).

    Raises:
        NotFound: No such topic in this workspace.
        Invalid: Bad range or too many buckets.
    """
    return analytics.topic_trend(
        session, workspace_id, topic_id, start=start, end=end, bucket=bucket
    )


def topics_by_sentiment(
    session: Session, workspace_id: int, *, brand_id: int | None = None, active: bool = True
) -> dict[int, dict[str, int]]:
    """Mentions per topic per sentiment class (``unscored`` for mentions not yet scored).

    Args:
        session: An open session.
        workspace_id: The workspace.
        brand_id: Only this brand's topics.
        active: Only active topics.

    Returns:
        Topic id → sentiment → mentions.
    """
    statement = (
        select(TopicAssignment.topic_id, Mention.sentiment, func.count())
        .join(Mention, col(Mention.id) == col(TopicAssignment.mention_id))
        .join(Topic, col(Topic.id) == col(TopicAssignment.topic_id))
        .where(col(Topic.workspace_id) == workspace_id)
        .group_by(col(TopicAssignment.topic_id), col(Mention.sentiment))
    )
    if active:
        statement = statement.where(col(Topic.active).is_(True))
    if brand_id is not None:
        statement = statement.where(col(Topic.brand_id) == brand_id)
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for topic_id, sentiment, n in session.execute(statement).all():
        out[int(topic_id)][str(sentiment or "unscored")] = int(n)
    return dict(out)


def emerging_topics_for(
    session: Session,
    workspace_id: int,
    *,
    brand_id: int | None = None,
    now: datetime | None = None,
    window: timedelta = EMERGING_WINDOW,
    min_count: int = 5,
    min_growth: float = 2.0,
) -> list[EmergingTopicSummary]:
    """Topics that are new in the last `window` or grew fast against the window before.

    For crisis alerts: each result carries a one-line `evidence`.

    Args:
        session: An open session.
        workspace_id: The workspace.
        brand_id: Only this brand's topics (None: the workspace-wide topics).
        now: End of the current window (default: now).
        window: Length of each window.
        min_count: Fewest posts in the current window.
        min_growth: Least growth ratio of a known topic.

    Returns:
        Emerging topics, new ones first, then by growth.
    """
    from nlp.topics import emerging_topics

    now = ensure_utc(now) if now is not None else utcnow()
    topics = {t.id or 0: t for t in _active_topics(session, workspace_id, brand_id)}
    if not topics:
        return []
    rows = session.execute(
        select(TopicAssignment.topic_id, Mention.created_at)
        .join(Mention, col(Mention.id) == col(TopicAssignment.mention_id))
        .where(
            col(TopicAssignment.topic_id).in_(list(topics)),
            col(Mention.created_at) >= now - 2 * window,
            col(Mention.created_at) < now,
        )
    ).all()
    current: Counter[int] = Counter()
    previous: Counter[int] = Counter()
    for topic_id, created in rows:
        if ensure_utc(created) >= now - window:
            current[int(topic_id)] += 1
        else:
            previous[int(topic_id)] += 1
    fresh = {tid for tid, t in topics.items() if ensure_utc(t.first_seen_at) >= now - window}
    found = emerging_topics(
        current, previous, new_topics=fresh, min_count=min_count, min_growth=min_growth
    )
    return [
        EmergingTopicSummary(
            topic_id=e.topic_id,
            label=topics[e.topic_id].label,
            reason=e.reason,
            count=e.count,
            previous=e.previous,
            growth=e.growth,
            negative_share=topics[e.topic_id].negative_share,
            evidence=e.evidence(),
        )
        for e in found
    ]


# -- evaluation ---------------------------------------------------------------------------------


@dataclass
class TopicScores:
    """How one topic model did on a labelled file."""

    n: int
    n_labelled: int
    n_topics: int
    outlier_share: float
    nmi: float
    ari: float
    npmi: float
    diversity: float
    seconds: float
    labels: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The scores as plain JSON-ready values."""
        return {
            "n": self.n,
            "n_labelled": self.n_labelled,
            "n_topics": self.n_topics,
            "outlier_share": round(self.outlier_share, 4),
            "nmi": round(self.nmi, 4),
            "ari": round(self.ari, 4),
            "npmi": round(self.npmi, 4),
            "diversity": round(self.diversity, 4),
            "seconds": round(self.seconds, 2),
        }


@dataclass
class TopicEvaluation:
    """The modeler's scores, BERTopic's defaults on the same embeddings, and the topics."""

    ours: TopicScores
    baseline: TopicScores | None
    topics: list[dict[str, Any]]
    method: str
    message: str | None
    encoder: str
    embed_seconds: float

    def as_dict(self) -> dict[str, Any]:
        """JSON for ``groundswell eval topics --json``."""
        out = self.ours.as_dict()
        out.update(
            {
                "method": self.method,
                "message": self.message,
                "encoder": self.encoder,
                "embed_seconds": round(self.embed_seconds, 2),
                "baseline": self.baseline.as_dict() if self.baseline else None,
                "topics": self.topics,
            }
        )
        return out


def read_labelled_jsonl(
    path: Path, *, text_field: str = "text", label_field: str, limit: int | None = None
) -> tuple[list[str], list[str | None], int]:
    """Read posts and their labels from a JSON Lines file.

    Lines that are not JSON objects or have no text are skipped (and counted); a missing,
    null or empty label leaves the post unlabelled.

    Args:
        path: The file.
        text_field: Field with the post.
        label_field: Field with the label.
        limit: Read at most this many posts.

    Returns:
        (texts, labels, skipped lines).

    Raises:
        FileNotFoundError: No such file.
    """
    texts: list[str] = []
    labels: list[str | None] = []
    skipped = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                skipped += 1
                continue
            text = row.get(text_field) if isinstance(row, dict) else None
            if not isinstance(text, str) or not text.strip():
                skipped += 1
                continue
            label = row.get(label_field)
            texts.append(text)
            labels.append(None if label in (None, "") else str(label))
            if limit is not None and len(texts) >= limit:
                break
    return texts, labels, skipped


def _term_sets(texts: Sequence[str]) -> list[set[str]]:
    """Per post, its uni- and bigrams under both our tokenizer (no stop list) and scikit-learn's.

    NPMI looks words up here; the union lets both models' words (ours keep ``top-up``,
    BERTopic's default splits it) be found, so neither is penalised for its tokenizer.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    from nlp.topics import MultilingualTokenizer

    ours = CountVectorizer(
        tokenizer=MultilingualTokenizer(stop_words=()),
        lowercase=False,
        token_pattern=None,
        ngram_range=(1, 2),
    ).build_analyzer()
    default = CountVectorizer(ngram_range=(1, 2)).build_analyzer()
    return [set(ours(t)) | set(default(t)) for t in texts]


def _scores(
    assignments: Sequence[int],
    labels: Sequence[str | None],
    words10: list[list[str]],
    words25: list[list[str]],
    terms: list[set[str]],
    seconds: float,
    topic_labels: list[str],
) -> TopicScores:
    from nlp.topic_metrics import label_agreement, npmi_coherence, topic_diversity

    agreement = label_agreement(list(assignments), list(labels))
    n = len(assignments)
    return TopicScores(
        n=n,
        n_labelled=agreement.n_labelled,
        n_topics=len({t for t in assignments if t >= 0}),
        outlier_share=float(np.mean(np.asarray(assignments) < 0)) if n else 0.0,
        nmi=agreement.nmi,
        ari=agreement.ari,
        npmi=npmi_coherence(words10, terms),
        diversity=topic_diversity(words25),
        seconds=seconds,
        labels=topic_labels,
    )


def evaluate_topics(
    texts: Sequence[str],
    labels: Sequence[str | None],
    modeler: Any,
    *,
    baseline: bool = True,
    seed: int = 42,
    on_progress: Callable[[str], None] | None = None,
) -> TopicEvaluation:
    """Fit the modeler on labelled posts and score it, next to BERTopic's defaults.

    Both models get the same embeddings (the modeler's, cached). The baseline is
    ``BERTopic()`` as shipped (UMAP 15/5/cosine, HDBSCAN min_cluster_size 10, plain
    CountVectorizer, no outlier reduction), with UMAP's random state fixed so runs repeat.

    Args:
        texts: The posts.
        labels: Per post, its human label or None.
        modeler: A :class:`nlp.topics.TopicModeler` with an encoder.
        baseline: Also fit and score BERTopic's defaults.
        seed: UMAP random state for the baseline.
        on_progress: Called with a short description of each stage.

    Returns:
        The evaluation.
    """
    from nlp.topics import ctfidf_top_words

    report = on_progress or (lambda _stage: None)
    report(f"embedding {len(texts)} posts")
    began = time.perf_counter()
    embeddings = modeler.embed(texts)
    embed_seconds = time.perf_counter() - began
    report("fitting topics")
    began = time.perf_counter()
    fit = modeler.fit(texts, embeddings=embeddings)
    ours_seconds = time.perf_counter() - began
    terms = _term_sets(texts)
    words25 = [
        ctfidf_top_words(fit.model, t.topic_id, 25) if fit.model is not None else t.words
        for t in fit.topics
    ]
    ours = _scores(
        fit.assignments.tolist(),
        labels,
        [t.words[:10] for t in fit.topics],
        words25,
        terms,
        ours_seconds,
        [t.label for t in fit.topics],
    )
    topics = [
        {"id": t.topic_id, "label": t.label, "size": t.size, "keywords": t.keywords}
        for t in fit.topics
    ]
    base_scores = None
    if baseline:
        report("fitting BERTopic defaults")
        base_scores = _baseline_scores(texts, labels, embeddings, terms, seed)
    encoder = getattr(modeler, "encoder", None)
    return TopicEvaluation(
        ours=ours,
        baseline=base_scores,
        topics=topics,
        method=fit.method,
        message=fit.message,
        encoder=encoder.model_id if encoder is not None else "",
        embed_seconds=embed_seconds,
    )


def _baseline_scores(
    texts: Sequence[str],
    labels: Sequence[str | None],
    embeddings: np.ndarray,
    terms: list[set[str]],
    seed: int,
) -> TopicScores:
    from bertopic import BERTopic
    from umap import UMAP

    from nlp.topics import ctfidf_top_words

    began = time.perf_counter()
    try:
        model = BERTopic(
            umap_model=UMAP(
                n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed
            )
        )
        topics, _ = model.fit_transform(list(texts), embeddings=embeddings)
    except (ValueError, TypeError) as exc:  # too few posts for BERTopic's defaults
        seconds = time.perf_counter() - began
        scores = _scores([-1] * len(texts), labels, [], [], terms, seconds, [])
        scores.labels = [f"failed: {exc}"]
        return scores
    seconds = time.perf_counter() - began
    ids = sorted({t for t in topics if t >= 0})
    return _scores(
        list(topics),
        labels,
        [ctfidf_top_words(model, t, 10) for t in ids],
        [ctfidf_top_words(model, t, 25) for t in ids],
        terms,
        seconds,
        [str(model.topic_labels_.get(t, t)) for t in ids],
    )
