"""Share of voice and per-brand summaries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import SessionDep, WorkspaceDep
from api.services.analytics import brand_stats, share_of_voice

router = APIRouter(prefix="/analytics", tags=["analytics"])


@router.get("/share-of-voice")
def get_share_of_voice(
    session: SessionDep,
    workspace: WorkspaceDep,
    start: datetime | None = None,
    end: datetime | None = None,
    by: Annotated[
        Literal["mentions", "unique_mentions", "engagement", "reach"], Query()
    ] = "mentions",
    include_duplicates: bool = True,
) -> dict[str, Any]:
    """Share of voice of each brand within its competitor group."""
    stats = brand_stats(
        session, workspace.id or 0, start=start, end=end, include_duplicates=include_duplicates
    )
    shares = share_of_voice(stats, by=by)
    data = [
        {
            "brand_id": s.brand_id,
            "brand": s.name,
            "competitor_group": s.competitor_group,
            "value": getattr(s, by),
            "share": shares[s.brand_id],
        }
        for s in stats
    ]
    return {"by": by, "data": data, "count": len(data)}


@router.get("/summary")
def get_summary(
    session: SessionDep,
    workspace: WorkspaceDep,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[str, Any]:
    """Mentions, sentiment shares, reach and harm claims per brand."""
    stats = brand_stats(session, workspace.id or 0, start=start, end=end)
    data = [
        {
            "brand_id": s.brand_id,
            "brand": s.name,
            "mentions": s.mentions,
            "unique_mentions": s.unique_mentions,
            "engagement": s.engagement,
            "reach": s.reach,
            "harm_claims": s.harm_claims,
            "sentiment": s.sentiment,
            "sentiment_shares": s.sentiment_shares(),
            "net_sentiment": s.net_sentiment,
        }
        for s in stats
    ]
    return {"data": data, "count": len(data)}
