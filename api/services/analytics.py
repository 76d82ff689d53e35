"""Aggregates the dashboard, the API and the demo summary share.

`brand_stats` takes every figure from one grouped query over the brand × time
index. The API and the dashboard use the `rollup_*` fast paths instead, which
sum the maintained brand × hour rollups (`api.services.rollups`) and give the
same figures in milliseconds over millions of mentions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import case, func, tuple_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from api.services import rollups
from api.services.errors import Invalid, NotFound
from api.services.rollups import Metrics
from models import Brand, Mention, MentionBrand, Topic, TopicAssignment
from models.timeutil import ensure_utc, utcnow

SENTIMENTS = ("negative", "neutral", "positive")
MEASURES = ("mentions", "unique_mentions", "engagement", "reach", "weighted_reach")
"""What share of voice can be measured by."""


@dataclass
class BrandStats:
    """One brand's counts over a period."""

    brand_id: int
    name: str
    competitor_group: str | None
    mentions: int = 0
    unique_mentions: int = 0
    engagement: int = 0
    reach: int = 0
    sentiment: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SENTIMENTS, 0))
    harm_claims: int = 0

    @property
    def scored(self) -> int:
        """Mentions that have a sentiment label."""
        return sum(self.sentiment.values())

    def sentiment_shares(self) -> dict[str, float]:
        """Share of each sentiment among scored mentions (0 when none are scored)."""
        total = self.scored
        return {k: (v / total if total else 0.0) for k, v in self.sentiment.items()}

    @property
    def weighted_reach(self) -> int:
        """Engagement-weighted reach: followers plus likes, shares and replies."""
        return self.reach + self.engagement

    @property
    def net_sentiment(self) -> float:
        """(positive − negative) / scored, in [-1, 1]."""
        total = self.scored
        if not total:
            return 0.0
        return (self.sentiment["positive"] - self.sentiment["negative"]) / total


def brand_stats(
    session: Session,
    workspace_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    brand_ids: list[int] | None = None,
    include_duplicates: bool = True,
) -> list[BrandStats]:
    """Return counts per brand over `[start, end)`.

    Args:
        session: An open session.
        workspace_id: The workspace.
        start: Inclusive lower bound on the mention time.
        end: Exclusive upper bound.
        brand_ids: Limit to these brands.
        include_duplicates: Count near-duplicates (retweets, syndication) too.

    Returns:
        One entry per brand of the workspace (zeros where nothing matched), by name.
    """
    brands = session.execute(
        select(Brand).where(Brand.workspace_id == workspace_id).order_by(Brand.name)
    ).scalars()
    stats = {
        b.id: BrandStats(brand_id=b.id or 0, name=b.name, competitor_group=b.competitor_group)
        for b in brands
        if brand_ids is None or b.id in brand_ids
    }
    if not stats:
        return []
    m, mb = Mention, MentionBrand
    columns: list[Any] = [
        mb.brand_id,
        func.count(),
        func.sum(case((m.duplicate_of_id.is_(None), 1), else_=0)),  # type: ignore[union-attr]
        func.sum(m.likes + m.shares + m.replies),
        func.sum(func.coalesce(m.author_followers, 0)),
        func.sum(case((col(m.is_harm).is_(True), 1), else_=0)),
        *[func.sum(case((col(m.sentiment) == s, 1), else_=0)) for s in SENTIMENTS],
    ]
    statement = (
        sa_select(*columns)
        .join(m, m.id == mb.mention_id)  # type: ignore[arg-type]
        .where(mb.brand_id.in_(list(stats)))  # type: ignore[attr-defined]
        .group_by(col(mb.brand_id))
    )
    if start is not None:
        statement = statement.where(col(mb.created_at) >= start)
    if end is not None:
        statement = statement.where(col(mb.created_at) < end)
    if not include_duplicates:
        statement = statement.where(m.duplicate_of_id.is_(None))  # type: ignore[union-attr]
    for row in session.execute(statement).all():
        brand_id, total, unique, engagement, reach, harm, *sentiments = row
        entry = stats[brand_id]
        entry.mentions = int(total or 0)
        entry.unique_mentions = int(unique or 0)
        entry.engagement = int(engagement or 0)
        entry.reach = int(reach or 0)
        entry.harm_claims = int(harm or 0)
        entry.sentiment = {s: int(v or 0) for s, v in zip(SENTIMENTS, sentiments, strict=True)}
    return list(stats.values())


def share_of_voice(stats: list[BrandStats], *, by: str = "mentions") -> dict[int, float]:
    """Each brand's share of its competitor group's total.

    Brands without a group are compared with each other as one group.

    Args:
        stats: Output of `brand_stats`.
        by: One of `MEASURES`: ``"mentions"``, ``"unique_mentions"``, ``"engagement"``,
            ``"reach"`` or ``"weighted_reach"``.

    Returns:
        Brand id → share in [0, 1].

    Raises:
        ValueError: `by` is not one of those.
    """
    if by not in MEASURES:
        raise ValueError(f"unknown share-of-voice measure {by!r}")
    totals: dict[str | None, int] = {}
    for s in stats:
        totals[s.competitor_group] = totals.get(s.competitor_group, 0) + getattr(s, by)
    return {
        s.brand_id: (
            getattr(s, by) / totals[s.competitor_group] if totals[s.competitor_group] else 0.0
        )
        for s in stats
    }


# --- fast paths over the brand × hour rollups (api/services/rollups.py) -------------------

MAX_BUCKETS = 5000
"""Most buckets one trend request may ask for."""
DEFAULT_TREND_DAYS = 30


class TrendPoint(BaseModel):
    """One bucket of a brand's trend."""

    start: datetime
    mentions: int = 0
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    harm: int = 0
    engagement: int = 0
    reach: int = 0
    net_sentiment: float | None = Field(
        default=None, description="(positive − negative) / scored; null when none are scored."
    )


class ShareValue(BaseModel):
    """One brand's value and share in a bucket."""

    brand_id: int
    value: int
    share: float


class ShareBucket(BaseModel):
    """Share of voice of each compared brand in one bucket."""

    start: datetime
    total: int
    values: list[ShareValue]


@dataclass(frozen=True)
class BrandHead:
    """The few fields of a brand that analytics needs (read without the ORM, for speed)."""

    id: int
    name: str
    competitor_group: str | None


def _workspace_brands(session: Session, workspace_id: int) -> list[BrandHead]:
    rows = session.execute(
        sa_select(col(Brand.id), col(Brand.name), col(Brand.competitor_group))
        .where(col(Brand.workspace_id) == workspace_id)
        .order_by(col(Brand.name))
    ).all()
    return [BrandHead(int(i), str(n), g) for i, n, g in rows]


def workspace_brand(session: Session, workspace_id: int, brand_id: int) -> Brand:
    """Return one of the workspace's brands.

    Raises:
        NotFound: No such brand in this workspace.
    """
    brand = session.get(Brand, brand_id)
    if brand is None or brand.workspace_id != workspace_id:
        raise NotFound(f"brand {brand_id} not found")
    return brand


def competitor_set(session: Session, workspace_id: int, brand_id: int) -> list[BrandHead]:
    """Return a brand and its competitors: the brands sharing its competitor group, by name.

    Brands without a group are compared with the other ungrouped brands.

    Raises:
        NotFound: No such brand in this workspace.
    """
    brands = _workspace_brands(session, workspace_id)
    brand = next((b for b in brands if b.id == brand_id), None)
    if brand is None:
        raise NotFound(f"brand {brand_id} not found")
    return [b for b in brands if b.competitor_group == brand.competitor_group]


def _stats_from_metrics(brand: BrandHead, metrics: Metrics, include_duplicates: bool) -> BrandStats:
    prefix = "" if include_duplicates else "unique_"
    return BrandStats(
        brand_id=brand.id,
        name=brand.name,
        competitor_group=brand.competitor_group,
        mentions=metrics[f"{prefix}mentions"],
        unique_mentions=metrics["unique_mentions"],
        engagement=metrics[f"{prefix}engagement"],
        reach=metrics[f"{prefix}reach"],
        sentiment={s: metrics[f"{prefix}{s}"] for s in SENTIMENTS},
        harm_claims=metrics[f"{prefix}harm"],
    )


def rollup_brand_stats(
    session: Session,
    workspace_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    brand_ids: list[int] | None = None,
    include_duplicates: bool = True,
) -> list[BrandStats]:
    """`brand_stats` from the rollups: the same figures, in milliseconds.

    Args:
        session: An open session.
        workspace_id: The workspace.
        start: Inclusive lower bound on the mention time.
        end: Exclusive upper bound.
        brand_ids: Limit to these brands (others of the workspace are ignored).
        include_duplicates: Count near-duplicates too.

    Returns:
        One entry per brand, by name.
    """
    brands = [
        b
        for b in _workspace_brands(session, workspace_id)
        if brand_ids is None or b.id in brand_ids
    ]
    sums = rollups.totals(session, [b.id for b in brands], start, end)
    return [_stats_from_metrics(b, sums[b.id], include_duplicates) for b in brands]


def resolve_range(
    session: Session,
    brand_ids: list[int],
    start: datetime | None,
    end: datetime | None,
    *,
    default_days: int = DEFAULT_TREND_DAYS,
) -> tuple[datetime, datetime]:
    """Fill in an open trend range: it ends after the latest mention, spans `default_days`.

    Args:
        session: An open session.
        brand_ids: The brands whose latest mention sets a missing end.
        start: Requested start, or None.
        end: Requested end, or None.
        default_days: Length of the range when `start` is missing.

    Returns:
        (start, end), aware UTC.

    Raises:
        Invalid: `end` is not after `start`.
    """
    if end is None:
        latest = rollups.latest_hour(session, brand_ids)
        if latest is not None:
            end = rollups.hour_start(latest + 1)
        else:
            end = rollups.hour_start(rollups.hour_of(utcnow()) + 1)
        if start is not None and end <= start:
            end = start + timedelta(days=default_days)
    if start is None:
        start = end - timedelta(days=default_days)
    start, end = ensure_utc(start), ensure_utc(end)
    if end <= start:
        raise Invalid("end must be after start")
    return start, end


def bucket_starts(start: datetime, end: datetime, bucket: str) -> list[int]:
    """Return the bucket indexes that cover ``[start, end)``.

    Raises:
        Invalid: More than `MAX_BUCKETS` buckets.
    """
    first = rollups.bucket_of(rollups.hour_of(start), bucket)
    last_hour = rollups.hour_of(end - timedelta(microseconds=1))
    last = rollups.bucket_of(last_hour, bucket)
    if last - first + 1 > MAX_BUCKETS:
        raise Invalid(
            f"{last - first + 1} {bucket} buckets requested; at most {MAX_BUCKETS}: "
            "use a larger bucket or a shorter range"
        )
    return list(range(first, last + 1))


def _net(positive: int, negative: int, scored: int) -> float | None:
    return (positive - negative) / scored if scored else None


def sentiment_trend(
    session: Session,
    workspace_id: int,
    brand_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    bucket: str = "day",
    include_duplicates: bool = True,
) -> tuple[datetime, datetime, list[TrendPoint]]:
    """A brand's mentions and net sentiment per bucket, every bucket present.

    Args:
        session: An open session.
        workspace_id: The workspace.
        brand_id: The brand.
        start: Inclusive start; default `end` − 30 days.
        end: Exclusive end; default the hour after the brand's latest mention.
        bucket: ``hour``, ``day`` or ``week`` (UTC).
        include_duplicates: Count near-duplicates too.

    Returns:
        The resolved range and the points, oldest first.

    Raises:
        NotFound: No such brand in this workspace.
        Invalid: Bad range or too many buckets.
    """
    workspace_brand(session, workspace_id, brand_id)
    start, end = resolve_range(session, [brand_id], start, end)
    indexes = bucket_starts(start, end, bucket)
    data = rollups.series(session, [brand_id], start, end, bucket)[brand_id]
    prefix = "" if include_duplicates else "unique_"
    points = []
    for index in indexes:
        m = data.get(index) or rollups.empty_metrics()
        pos, neg, neu = m[f"{prefix}positive"], m[f"{prefix}negative"], m[f"{prefix}neutral"]
        points.append(
            TrendPoint(
                start=max(rollups.bucket_start(index, bucket), start),
                mentions=m[f"{prefix}mentions"],
                negative=neg,
                neutral=neu,
                positive=pos,
                harm=m[f"{prefix}harm"],
                engagement=m[f"{prefix}engagement"],
                reach=m[f"{prefix}reach"],
                net_sentiment=_net(pos, neg, pos + neg + neu),
            )
        )
    return start, end, points


def _measure(metrics: Metrics, by: str, include_duplicates: bool) -> int:
    prefix = "" if include_duplicates else "unique_"
    if by == "unique_mentions":
        return metrics["unique_mentions"]
    if by == "weighted_reach":
        return metrics[f"{prefix}reach"] + metrics[f"{prefix}engagement"]
    return metrics[f"{prefix}{by}"]


def share_of_voice_trend(
    session: Session,
    workspace_id: int,
    brand_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    bucket: str = "day",
    by: str = "mentions",
    include_duplicates: bool = True,
) -> tuple[datetime, datetime, list[BrandHead], list[ShareBucket]]:
    """Share of voice of a brand and its competitors per bucket.

    Args:
        session: An open session.
        workspace_id: The workspace.
        brand_id: The brand whose competitor group is compared.
        start: Inclusive start; default `end` − 30 days.
        end: Exclusive end; default the hour after the group's latest mention.
        bucket: ``hour``, ``day`` or ``week`` (UTC).
        by: One of `MEASURES`.
        include_duplicates: Count near-duplicates too.

    Returns:
        The resolved range, the brands compared and the buckets, oldest first.

    Raises:
        NotFound: No such brand in this workspace.
        Invalid: Bad range, measure or too many buckets.
    """
    if by not in MEASURES:
        raise Invalid(f"unknown share-of-voice measure {by!r}")
    brands = competitor_set(session, workspace_id, brand_id)
    ids = [b.id for b in brands]
    start, end = resolve_range(session, ids, start, end)
    indexes = bucket_starts(start, end, bucket)
    data = rollups.series(session, ids, start, end, bucket)
    out = []
    for index in indexes:
        values = {
            i: _measure(data[i].get(index) or rollups.empty_metrics(), by, include_duplicates)
            for i in ids
        }
        total = sum(values.values())
        out.append(
            ShareBucket(
                start=max(rollups.bucket_start(index, bucket), start),
                total=total,
                values=[
                    ShareValue(brand_id=i, value=v, share=v / total if total else 0.0)
                    for i, v in values.items()
                ],
            )
        )
    return start, end, brands, out


# --- authors, responses, topics ----------------------------------------------------------

AUTHOR_ORDER = ("mentions", "engagement", "followers")
RESPONSE_SCOPES = ("all", "negative", "questions")


class AuthorStats(BaseModel):
    """One author's activity about a brand."""

    author: str
    mentions: int
    engagement: int
    followers: int = Field(description="Most followers seen on the author's mentions.")
    negative: int
    neutral: int
    positive: int
    net_sentiment: float | None
    last_seen_at: datetime


def top_authors(
    session: Session,
    workspace_id: int,
    brand_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    by: str = "mentions",
    include_owned: bool = False,
    limit: int = 20,
) -> list[AuthorStats]:
    """The authors who post most about a brand, or with most engagement or followers.

    Args:
        session: An open session.
        workspace_id: The workspace.
        brand_id: The brand.
        start: Inclusive start, or None.
        end: Exclusive end, or None.
        by: ``mentions``, ``engagement`` or ``followers`` (influencers).
        include_owned: Count the brand's own accounts too.
        limit: How many authors.

    Returns:
        The authors, best first (ties by name).

    Raises:
        NotFound: No such brand in this workspace.
        Invalid: Unknown ordering.
    """
    if by not in AUTHOR_ORDER:
        raise Invalid(f"unknown author ordering {by!r}")
    workspace_brand(session, workspace_id, brand_id)
    m, mb = Mention, MentionBrand
    count = func.count().label("mentions")
    engagement = func.sum(col(m.likes) + col(m.shares) + col(m.replies)).label("engagement")
    followers = func.max(func.coalesce(col(m.author_followers), 0)).label("followers")
    statement = (
        sa_select(
            col(m.author),
            count,
            engagement,
            followers,
            *[func.sum(case((col(m.sentiment) == s, 1), else_=0)) for s in SENTIMENTS],
            func.max(col(m.created_at)),
        )
        .select_from(mb)
        .join(m, col(m.id) == col(mb.mention_id))
        .where(col(mb.brand_id) == brand_id, col(m.author).is_not(None))
        .group_by(col(m.author))
    )
    if start is not None:
        statement = statement.where(col(mb.created_at) >= start)
    if end is not None:
        statement = statement.where(col(mb.created_at) < end)
    if not include_owned:
        statement = statement.where(col(m.is_owned).is_(False))
    order = {"mentions": count, "engagement": engagement, "followers": followers}[by]
    statement = statement.order_by(order.desc(), col(m.author)).limit(limit)
    out = []
    for author, n, eng, fol, neg, neu, pos, last in session.execute(statement).all():
        neg, neu, pos = int(neg or 0), int(neu or 0), int(pos or 0)
        out.append(
            AuthorStats(
                author=author,
                mentions=int(n),
                engagement=int(eng or 0),
                followers=int(fol or 0),
                negative=neg,
                neutral=neu,
                positive=pos,
                net_sentiment=_net(pos, neg, pos + neg + neu),
                last_seen_at=ensure_utc(last),
            )
        )
    return out


class ResponseStats(BaseModel):
    """How a brand's own accounts answer the people who mention it."""

    brand_id: int
    owned_accounts: list[str]
    scope: str = Field(
        description="Which mentions needed an answer: all non-owned mentions, only negative "
        "ones, or only questions (text containing '?')."
    )
    mentions: int = Field(description="Mentions in scope (not by the brand's own accounts).")
    answered: int = Field(description="Of those, how many got a reply from an own account.")
    response_rate: float | None = Field(description="answered / mentions; null when none.")
    median_response_seconds: float | None
    p90_response_seconds: float | None


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def response_stats(
    session: Session,
    workspace_id: int,
    brand_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    scope: str = "all",
) -> ResponseStats:
    """Response rate and response time of a brand's own accounts.

    A mention in ``[start, end)`` that names the brand and was not written by one
    of the brand's own accounts counts as needing an answer (``scope`` narrows
    that to negative mentions or questions). It is answered when a post by one of
    the brand's handles replies to it (same source, ``parent_external_id`` equal
    to its external id), whenever that reply came. The response time is the delay
    to the first such reply.

    Args:
        session: An open session.
        workspace_id: The workspace.
        brand_id: The brand.
        start: Inclusive start, or None.
        end: Exclusive end, or None.
        scope: ``all``, ``negative`` or ``questions``.

    Returns:
        The figures.

    Raises:
        NotFound: No such brand in this workspace.
        Invalid: Unknown scope.
    """
    from listener.matching import normalise_handle

    if scope not in RESPONSE_SCOPES:
        raise Invalid(f"unknown response scope {scope!r}")
    brand = workspace_brand(session, workspace_id, brand_id)
    handles = {normalise_handle(h) for h in brand.handles if h.strip()}
    m, mb = Mention, MentionBrand
    conditions: list[Any] = [col(mb.brand_id) == brand_id, col(m.is_owned).is_(False)]
    if start is not None:
        conditions.append(col(mb.created_at) >= start)
    if end is not None:
        conditions.append(col(mb.created_at) < end)
    if scope == "negative":
        conditions.append(col(m.sentiment) == "negative")
    elif scope == "questions":
        conditions.append(col(m.text).contains("?", autoescape=True))
    total = session.execute(
        sa_select(func.count())
        .select_from(mb)
        .join(m, col(m.id) == col(mb.mention_id))
        .where(*conditions)
    ).scalar_one()
    delays: list[float] = []
    if handles and total:
        # Own replies are few next to mentions: find them, then look their parents up.
        replies = session.execute(
            sa_select(col(m.source), col(m.parent_external_id), col(m.author), col(m.created_at))
            .join(mb, col(mb.mention_id) == col(m.id))
            .where(
                col(mb.brand_id) == brand_id,
                col(m.workspace_id) == workspace_id,
                col(m.is_owned).is_(True),
                col(m.parent_external_id).is_not(None),
            )
        ).all()
        first_reply: dict[tuple[str, str], datetime] = {}
        for source, parent, author, created in replies:
            if not author or normalise_handle(author) not in handles:
                continue
            key = (source, parent)
            created = ensure_utc(created)
            if key not in first_reply or created < first_reply[key]:
                first_reply[key] = created
        keys = list(first_reply)
        for i in range(0, len(keys), 400):
            chunk = keys[i : i + 400]
            parents = session.execute(
                sa_select(col(m.source), col(m.external_id), col(m.created_at))
                .select_from(mb)
                .join(m, col(m.id) == col(mb.mention_id))
                .where(
                    *conditions,
                    col(m.workspace_id) == workspace_id,
                    tuple_(col(m.source), col(m.external_id)).in_(chunk),
                )
            ).all()
            for source, external_id, created in parents:
                delay = first_reply[(source, external_id)] - ensure_utc(created)
                delays.append(max(delay.total_seconds(), 0.0))
    answered = len(delays)
    return ResponseStats(
        brand_id=brand_id,
        owned_accounts=sorted(brand.handles),
        scope=scope,
        mentions=int(total),
        answered=answered,
        response_rate=answered / total if total else None,
        median_response_seconds=_quantile(delays, 0.5),
        p90_response_seconds=_quantile(delays, 0.9),
    )


class TopicPoint(BaseModel):
    """One bucket of a topic's trend."""

    start: datetime
    mentions: int
    negative: int
    scored: int
    negative_share: float | None


class TopicSummary(BaseModel):
    """A topic with its size and negative share."""

    id: int
    brand_id: int | None
    label: str
    keywords: list[str]
    size: int
    negative_share: float | None
    active: bool
    first_seen_at: datetime
    updated_at: datetime


def _topic_summary(topic: Topic) -> TopicSummary:
    return TopicSummary(
        id=topic.id or 0,
        brand_id=topic.brand_id,
        label=topic.label,
        keywords=list(topic.keywords),
        size=topic.size,
        negative_share=topic.negative_share,
        active=topic.active,
        first_seen_at=ensure_utc(topic.first_seen_at),
        updated_at=ensure_utc(topic.updated_at),
    )


def list_topics(
    session: Session,
    workspace_id: int,
    *,
    brand_id: int | None = None,
    active: bool | None = True,
    limit: int = 50,
    after: tuple[int, int] | None = None,
) -> list[TopicSummary]:
    """The workspace's topics, largest first.

    Args:
        session: An open session.
        workspace_id: The workspace.
        brand_id: Only this brand's topics.
        active: Only active (True) or retired (False) topics; None for both.
        limit: Page size.
        after: Keyset position (size, id) of the last topic of the previous page.

    Returns:
        Up to `limit` topics.

    Raises:
        NotFound: `brand_id` is not a brand of this workspace.
    """
    statement = select(Topic).where(Topic.workspace_id == workspace_id)
    if brand_id is not None:
        workspace_brand(session, workspace_id, brand_id)
        statement = statement.where(Topic.brand_id == brand_id)
    if active is not None:
        statement = statement.where(col(Topic.active).is_(active))
    if after is not None:
        size, topic_id = after
        statement = statement.where(
            (col(Topic.size) < size) | ((col(Topic.size) == size) & (col(Topic.id) > topic_id))
        )
    statement = statement.order_by(col(Topic.size).desc(), col(Topic.id)).limit(limit)
    return [_topic_summary(t) for t in session.execute(statement).scalars()]


def get_topic(session: Session, workspace_id: int, topic_id: int) -> Topic:
    """Return one of the workspace's topics.

    Raises:
        NotFound: No such topic in this workspace.
    """
    topic = session.get(Topic, topic_id)
    if topic is None or topic.workspace_id != workspace_id:
        raise NotFound(f"topic {topic_id} not found")
    return topic


def topic_summary(session: Session, workspace_id: int, topic_id: int) -> TopicSummary:
    """Return one topic as listed.

    Raises:
        NotFound: No such topic in this workspace.
    """
    return _topic_summary(get_topic(session, workspace_id, topic_id))


def topic_trend(
    session: Session,
    workspace_id: int,
    topic_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    bucket: str = "day",
) -> tuple[datetime, datetime, list[TopicPoint]]:
    """A topic's mentions and negative share per bucket, every bucket present.

    Args:
        session: An open session.
        workspace_id: The workspace.
        topic_id: The topic.
        start: Inclusive start; default `end` − 30 days.
        end: Exclusive end; default the hour after the topic's latest mention.
        bucket: ``hour``, ``day`` or ``week`` (UTC).

    Returns:
        The resolved range and the points, oldest first.

    Raises:
        NotFound: No such topic in this workspace.
        Invalid: Bad range or too many buckets.
    """
    get_topic(session, workspace_id, topic_id)
    m, ta = Mention, TopicAssignment
    if end is None:
        latest = session.execute(
            sa_select(func.max(col(m.created_at)))
            .join(ta, col(ta.mention_id) == col(m.id))
            .where(col(ta.topic_id) == topic_id, col(m.workspace_id) == workspace_id)
        ).scalar_one_or_none()
        if latest is not None:
            end = rollups.hour_start(rollups.hour_of(latest) + 1)
    start, end = resolve_range(session, [], start, end)
    indexes = bucket_starts(start, end, bucket)
    hour = rollups.hour_expr(session, col(m.created_at))
    rows = session.execute(
        sa_select(
            hour,
            func.count(),
            func.sum(case((col(m.sentiment) == "negative", 1), else_=0)),
            func.sum(case((col(m.sentiment).is_not(None), 1), else_=0)),
        )
        .join(ta, col(ta.mention_id) == col(m.id))
        .where(
            col(ta.topic_id) == topic_id,
            col(m.workspace_id) == workspace_id,
            col(m.created_at) >= start,
            col(m.created_at) < end,
        )
        .group_by(hour)
    ).all()
    sums: dict[int, list[int]] = {}
    for h, n, neg, scored in rows:
        entry = sums.setdefault(rollups.bucket_of(int(h), bucket), [0, 0, 0])
        entry[0] += int(n)
        entry[1] += int(neg or 0)
        entry[2] += int(scored or 0)
    points = []
    for index in indexes:
        n, neg, scored = sums.get(index, [0, 0, 0])
        points.append(
            TopicPoint(
                start=max(rollups.bucket_start(index, bucket), start),
                mentions=n,
                negative=neg,
                scored=scored,
                negative_share=neg / scored if scored else None,
            )
        )
    return start, end, points
