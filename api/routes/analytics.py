"""Analytics: share of voice, sentiment trends, authors, segments, response times.

Share of voice and trends are answered from the brand × hour rollups, so they
stay fast over millions of mentions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import MAX_ID, BrandIdQuery, SessionDep, TimeRangeDep, WorkspaceDep
from api.services import analytics as service
from api.services.analytics import (
    AuthorStats,
    ResponseStats,
    ShareBucket,
    TrendPoint,
    competitor_set,
    rollup_brand_stats,
    share_of_voice,
)
from api.services.segments import Segment, segments

router = APIRouter(prefix="/analytics", tags=["analytics"])

Measure = Literal["mentions", "unique_mentions", "engagement", "reach", "weighted_reach"]
Bucket = Literal["hour", "day", "week"]
MeasureQuery = Annotated[
    Measure,
    Query(
        description="mentions (volume), unique_mentions (originals only), engagement (likes + "
        "shares + replies), reach (author followers) or weighted_reach (reach + engagement)."
    ),
]
DuplicatesQuery = Annotated[
    bool, Query(description="Count near-duplicates (retweets, syndicated copies) too.")
]
BucketQuery = Annotated[Bucket, Query(description="Bucket size (UTC; weeks start Monday).")]


class ShareRow(BaseModel):
    """One brand's share of its competitor group's total."""

    brand_id: int
    brand: str
    competitor_group: str | None
    value: int = Field(description="The brand's total of the measure.")
    share: float = Field(description="value / the group's total, in [0, 1].")


class ShareOfVoice(BaseModel):
    """Share of voice over a period."""

    by: Measure
    include_duplicates: bool
    start: datetime | None
    end: datetime | None
    data: list[ShareRow]
    count: int
    next_cursor: str | None = None


class BrandRef(BaseModel):
    """A brand, briefly."""

    id: int
    name: str


class ShareOfVoiceTrend(BaseModel):
    """Share of voice of a brand and its competitors, per bucket."""

    brand_id: int
    by: Measure
    bucket: Bucket
    include_duplicates: bool
    start: datetime
    end: datetime
    brands: list[BrandRef]
    data: list[ShareBucket]
    count: int
    next_cursor: str | None = None


class SummaryRow(BaseModel):
    """A brand's figures over a period."""

    brand_id: int
    brand: str
    competitor_group: str | None
    mentions: int
    unique_mentions: int
    engagement: int
    reach: int
    harm_claims: int
    sentiment: dict[str, int]
    sentiment_shares: dict[str, float]
    net_sentiment: float


class Summary(BaseModel):
    """Every brand's figures over a period."""

    start: datetime | None
    end: datetime | None
    data: list[SummaryRow]
    count: int
    next_cursor: str | None = None


class Trend(BaseModel):
    """A brand's mentions and net sentiment per bucket; every bucket is present."""

    brand_id: int
    brand: str
    bucket: Bucket
    include_duplicates: bool
    start: datetime
    end: datetime
    data: list[TrendPoint]
    count: int
    next_cursor: str | None = None


class Authors(BaseModel):
    """Top authors of a brand's mentions."""

    brand_id: int
    by: str
    data: list[AuthorStats]
    count: int
    next_cursor: str | None = None


class Segments(BaseModel):
    """A brand's mentions split by one dimension."""

    brand_id: int
    dimension: str
    data: list[Segment]
    count: int
    next_cursor: str | None = None


@router.get("/share-of-voice")
def get_share_of_voice(
    session: SessionDep,
    workspace: WorkspaceDep,
    period: TimeRangeDep,
    by: MeasureQuery = "mentions",
    include_duplicates: DuplicatesQuery = True,
    brand_id: Annotated[
        int | None,
        Query(
            ge=1, le=MAX_ID, description="Compare only this brand and its competitors (its group)."
        ),
    ] = None,
    competitor_group: Annotated[
        str | None, Query(max_length=100, description="Only this competitor group.")
    ] = None,
) -> ShareOfVoice:
    """Share of voice of each brand within its competitor group."""
    ws = workspace.id or 0
    ids = [b.id or 0 for b in competitor_set(session, ws, brand_id)] if brand_id else None
    stats = rollup_brand_stats(
        session,
        ws,
        start=period.start,
        end=period.end,
        brand_ids=ids,
        include_duplicates=include_duplicates,
    )
    if competitor_group is not None:
        stats = [s for s in stats if s.competitor_group == competitor_group]
    shares = share_of_voice(stats, by=by)
    data = [
        ShareRow(
            brand_id=s.brand_id,
            brand=s.name,
            competitor_group=s.competitor_group,
            value=getattr(s, by),
            share=shares[s.brand_id],
        )
        for s in stats
    ]
    return ShareOfVoice(
        by=by,
        include_duplicates=include_duplicates,
        start=period.start,
        end=period.end,
        data=data,
        count=len(data),
    )


@router.get("/share-of-voice/trend")
def get_share_of_voice_trend(
    session: SessionDep,
    workspace: WorkspaceDep,
    period: TimeRangeDep,
    brand_id: BrandIdQuery,
    bucket: BucketQuery = "day",
    by: MeasureQuery = "mentions",
    include_duplicates: DuplicatesQuery = True,
) -> ShareOfVoiceTrend:
    """Share of voice of a brand and its competitors per bucket (default: last 30 days)."""
    start, end, brands, data = service.share_of_voice_trend(
        session,
        workspace.id or 0,
        brand_id,
        start=period.start,
        end=period.end,
        bucket=bucket,
        by=by,
        include_duplicates=include_duplicates,
    )
    return ShareOfVoiceTrend(
        brand_id=brand_id,
        by=by,
        bucket=bucket,
        include_duplicates=include_duplicates,
        start=start,
        end=end,
        brands=[BrandRef(id=b.id or 0, name=b.name) for b in brands],
        data=data,
        count=len(data),
    )


@router.get("/summary")
def get_summary(
    session: SessionDep,
    workspace: WorkspaceDep,
    period: TimeRangeDep,
    include_duplicates: DuplicatesQuery = True,
) -> Summary:
    """Mentions, sentiment shares, reach and harm claims per brand."""
    stats = rollup_brand_stats(
        session,
        workspace.id or 0,
        start=period.start,
        end=period.end,
        include_duplicates=include_duplicates,
    )
    data = [
        SummaryRow(
            brand_id=s.brand_id,
            brand=s.name,
            competitor_group=s.competitor_group,
            mentions=s.mentions,
            unique_mentions=s.unique_mentions,
            engagement=s.engagement,
            reach=s.reach,
            harm_claims=s.harm_claims,
            sentiment=s.sentiment,
            sentiment_shares=s.sentiment_shares(),
            net_sentiment=s.net_sentiment,
        )
        for s in stats
    ]
    return Summary(start=period.start, end=period.end, data=data, count=len(data))


@router.get("/trend")
def get_trend(
    session: SessionDep,
    workspace: WorkspaceDep,
    period: TimeRangeDep,
    brand_id: BrandIdQuery,
    bucket: BucketQuery = "day",
    include_duplicates: DuplicatesQuery = True,
) -> Trend:
    """A brand's sentiment trend: counts per bucket and net sentiment (default: 30 days)."""
    brand = service.workspace_brand(session, workspace.id or 0, brand_id)
    start, end, points = service.sentiment_trend(
        session,
        workspace.id or 0,
        brand_id,
        start=period.start,
        end=period.end,
        bucket=bucket,
        include_duplicates=include_duplicates,
    )
    return Trend(
        brand_id=brand_id,
        brand=brand.name,
        bucket=bucket,
        include_duplicates=include_duplicates,
        start=start,
        end=end,
        data=points,
        count=len(points),
    )


@router.get("/authors")
def get_authors(
    session: SessionDep,
    workspace: WorkspaceDep,
    period: TimeRangeDep,
    brand_id: BrandIdQuery,
    by: Annotated[
        Literal["mentions", "engagement", "followers"],
        Query(description="Rank by mentions, engagement, or followers (influencers)."),
    ] = "mentions",
    include_owned: Annotated[bool, Query(description="Include the brand's own accounts.")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> Authors:
    """Top authors and influencers writing about a brand."""
    data = service.top_authors(
        session,
        workspace.id or 0,
        brand_id,
        start=period.start,
        end=period.end,
        by=by,
        include_owned=include_owned,
        limit=limit,
    )
    return Authors(brand_id=brand_id, by=by, data=data, count=len(data))


@router.get("/segments")
def get_segments(
    session: SessionDep,
    workspace: WorkspaceDep,
    period: TimeRangeDep,
    brand_id: BrandIdQuery,
    dimension: Annotated[
        Literal["language", "source", "country"],
        Query(description="Split by this; null value = unknown."),
    ] = "language",
    include_duplicates: DuplicatesQuery = True,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Segments:
    """A brand's mentions and sentiment by language, source or country."""
    data = segments(
        session,
        workspace.id or 0,
        brand_id,
        dimension,
        start=period.start,
        end=period.end,
        include_duplicates=include_duplicates,
        limit=limit,
    )
    return Segments(brand_id=brand_id, dimension=dimension, data=data, count=len(data))


@router.get("/response")
def get_response(
    session: SessionDep,
    workspace: WorkspaceDep,
    period: TimeRangeDep,
    brand_id: BrandIdQuery,
    scope: Annotated[
        Literal["all", "negative", "questions"],
        Query(description="Which mentions need an answer: all, negative, or questions."),
    ] = "all",
) -> ResponseStats:
    """Response rate and median response time of the brand's own accounts."""
    return service.response_stats(
        session, workspace.id or 0, brand_id, start=period.start, end=period.end, scope=scope
    )
