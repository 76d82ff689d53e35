"""Aggregates the dashboard, the API and the demo summary share.

Every figure comes from one grouped query over the brand × time index, so it
stays an index range scan however many mentions there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import Brand, Mention, MentionBrand

SENTIMENTS = ("negative", "neutral", "positive")


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
        by: ``"mentions"``, ``"unique_mentions"``, ``"engagement"`` or ``"reach"``.

    Returns:
        Brand id → share in [0, 1].

    Raises:
        ValueError: `by` is not one of those.
    """
    if by not in {"mentions", "unique_mentions", "engagement", "reach"}:
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
