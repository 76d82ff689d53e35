"""Mention search with filters and cursor pagination."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api.deps import (
    MAX_ID,
    Cursor,
    Limit,
    OptionalBrandId,
    SessionDep,
    TimeRangeDep,
    WorkspaceDep,
    id_path,
)
from api.routes.common import Page, page
from api.services.mentions import MentionFilter, get_mention, search_mentions
from models.mention import MentionPublic

router = APIRouter(prefix="/mentions", tags=["mentions"])
MentionId = Annotated[int, id_path("The mention's id.")]


def mention_filter(
    period: TimeRangeDep,
    brand_id: OptionalBrandId = None,
    sentiment: Annotated[
        Literal["negative", "neutral", "positive", "unscored"] | None,
        Query(description="Sentiment label; `unscored` = not analysed yet."),
    ] = None,
    language: Annotated[
        str | None, Query(max_length=8, description="ISO 639-1 code, e.g. `de`.")
    ] = None,
    source: Annotated[
        str | None, Query(max_length=50, description="Source kind, e.g. `twitter`.")
    ] = None,
    source_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="A configured source.")
    ] = None,
    harm: Annotated[
        bool | None, Query(description="Only (true) or never (false) harm claims.")
    ] = None,
    topic_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="A topic.")] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Text contains this (case-insensitive)."),
    ] = None,
    author: Annotated[str | None, Query(max_length=200, description="Exact author.")] = None,
    owned: Annotated[
        bool | None, Query(description="Only (true) or never (false) the brands' own posts.")
    ] = None,
    include_duplicates: Annotated[
        bool, Query(description="Include near-duplicates (retweets, syndicated copies).")
    ] = True,
) -> MentionFilter:
    """The mention filters, from the query string."""
    return MentionFilter(
        brand_id=brand_id,
        start=period.start,
        end=period.end,
        sentiment=sentiment,
        language=language or None,
        source=source or None,
        source_id=source_id,
        harm=harm,
        topic_id=topic_id,
        q=q or None,
        author=author or None,
        owned=owned,
        include_duplicates=include_duplicates,
    )


MentionFilterDep = Annotated[MentionFilter, Depends(mention_filter)]


@router.get("")
def list_mentions(
    session: SessionDep,
    workspace: WorkspaceDep,
    filters: MentionFilterDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[MentionPublic]:
    """Search mentions, newest first, with filters combined by AND."""
    data, next_cursor = search_mentions(
        session, workspace.id or 0, filters, limit=limit, cursor=cursor
    )
    return page(data, next_cursor)


@router.get("/{mention_id}")
def read_mention(
    mention_id: MentionId, session: SessionDep, workspace: WorkspaceDep
) -> MentionPublic:
    """Show one mention with the brands it is linked to."""
    return get_mention(session, workspace.id or 0, mention_id)
