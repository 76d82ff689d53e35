"""Segments: a brand's mentions split by language, source or country."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from api.services.analytics import SENTIMENTS, workspace_brand
from api.services.errors import Invalid
from models import Mention, MentionBrand

DIMENSIONS = ("language", "source", "country")
"""What mentions can be segmented by."""


class Segment(BaseModel):
    """One value of a dimension (null when the mention does not say)."""

    value: str | None
    mentions: int
    share: float = Field(description="Share of the brand's mentions in the range.")
    engagement: int
    reach: int
    negative: int
    neutral: int
    positive: int
    net_sentiment: float | None


def segments(
    session: Session,
    workspace_id: int,
    brand_id: int,
    dimension: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    include_duplicates: bool = True,
    limit: int = 50,
) -> list[Segment]:
    """Split a brand's mentions by one dimension, largest segment first.

    Args:
        session: An open session.
        workspace_id: The workspace.
        brand_id: The brand.
        dimension: ``language``, ``source`` or ``country``; mentions where it is
            unknown form the segment with value None.
        start: Inclusive start, or None.
        end: Exclusive end, or None.
        include_duplicates: Count near-duplicates too.
        limit: Most segments returned (shares are of the whole, not of those returned).

    Returns:
        The segments.

    Raises:
        NotFound: No such brand in this workspace.
        Invalid: Unknown dimension.
    """
    if dimension not in DIMENSIONS:
        raise Invalid(f"unknown dimension {dimension!r}; known: {', '.join(DIMENSIONS)}")
    workspace_brand(session, workspace_id, brand_id)
    m, mb = Mention, MentionBrand
    key: Any = getattr(Mention, dimension)
    count = func.count()
    statement = (
        sa_select(
            key,
            count,
            func.sum(col(m.likes) + col(m.shares) + col(m.replies)),
            func.sum(func.coalesce(col(m.author_followers), 0)),
            *[func.sum(case((col(m.sentiment) == s, 1), else_=0)) for s in SENTIMENTS],
        )
        .select_from(mb)
        .join(m, col(m.id) == col(mb.mention_id))
        .where(col(mb.brand_id) == brand_id)
        .group_by(key)
    )
    if start is not None:
        statement = statement.where(col(mb.created_at) >= start)
    if end is not None:
        statement = statement.where(col(mb.created_at) < end)
    if not include_duplicates:
        statement = statement.where(col(m.duplicate_of_id).is_(None))
    rows = session.execute(statement).all()
    total = sum(int(r[1]) for r in rows)
    out = []
    for value, n, engagement, reach, neg, neu, pos in rows:
        neg, neu, pos = int(neg or 0), int(neu or 0), int(pos or 0)
        scored = neg + neu + pos
        out.append(
            Segment(
                value=value,
                mentions=int(n),
                share=int(n) / total if total else 0.0,
                engagement=int(engagement or 0),
                reach=int(reach or 0),
                negative=neg,
                neutral=neu,
                positive=pos,
                net_sentiment=(pos - neg) / scored if scored else None,
            )
        )
    out.sort(key=lambda s: (-s.mentions, s.value is None, s.value or ""))
    return out[:limit]
