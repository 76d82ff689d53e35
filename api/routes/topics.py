"""Topics found in the workspace's mentions, with their trends and negative share."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlmodel import col, select

from api.deps import Cursor, Limit, OptionalBrandId, SessionDep, TimeRangeDep, WorkspaceDep, id_path
from api.routes.common import Page, page
from api.services import analytics as service
from api.services.analytics import TopicPoint, TopicSummary
from api.services.mentions import brand_links, decode_cursor, encode_cursor, to_public
from models import Mention
from models.mention import MentionPublic

router = APIRouter(prefix="/topics", tags=["topics"])
TopicId = Annotated[int, id_path("The topic's id.")]


class TopicDetail(TopicSummary):
    """A topic with its representative mentions."""

    representatives: list[MentionPublic]


class TopicTrend(BaseModel):
    """A topic's mentions and negative share per bucket; every bucket is present."""

    topic_id: int
    bucket: Literal["hour", "day", "week"]
    start: datetime
    end: datetime
    data: list[TopicPoint]
    count: int
    next_cursor: str | None = None


@router.get("")
def list_topics(
    session: SessionDep,
    workspace: WorkspaceDep,
    brand_id: OptionalBrandId = None,
    active: Annotated[
        bool | None, Query(description="Only active (true) or retired (false) topics.")
    ] = True,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[TopicSummary]:
    """List topics, largest first, with their negative share."""
    after = None
    if cursor:
        size, topic_id = decode_cursor("topics", cursor, (int, int))
        after = (size, topic_id)
    rows = service.list_topics(
        session, workspace.id or 0, brand_id=brand_id, active=active, limit=limit + 1, after=after
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor("topics", [rows[-1].size, rows[-1].id]) if more and rows else None
    return page(rows, next_cursor)


@router.get("/{topic_id}")
def get_topic(topic_id: TopicId, session: SessionDep, workspace: WorkspaceDep) -> TopicDetail:
    """Show a topic with its representative mentions."""
    ws = workspace.id or 0
    topic = service.get_topic(session, ws, topic_id)
    ids = [i for i in topic.representative_ids if isinstance(i, int)][:20]
    mentions = []
    if ids:
        rows = session.execute(
            select(Mention).where(col(Mention.id).in_(ids), Mention.workspace_id == ws)
        ).scalars()
        found = {m.id or 0: m for m in rows}
        links = brand_links(session, list(found))
        mentions = [to_public(found[i], links[i]) for i in ids if i in found]
    summary = service.topic_summary(session, ws, topic_id)
    return TopicDetail(**summary.model_dump(), representatives=mentions)


@router.get("/{topic_id}/trend")
def get_topic_trend(
    topic_id: TopicId,
    session: SessionDep,
    workspace: WorkspaceDep,
    period: TimeRangeDep,
    bucket: Annotated[Literal["hour", "day", "week"], Query(description="Bucket size.")] = "day",
) -> TopicTrend:
    """A topic's mentions and negative share per bucket (default: last 30 days)."""
    start, end, points = service.topic_trend(
        session, workspace.id or 0, topic_id, start=period.start, end=period.end, bucket=bucket
    )
    return TopicTrend(
        topic_id=topic_id, bucket=bucket, start=start, end=end, data=points, count=len(points)
    )
