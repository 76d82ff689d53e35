"""Streamed exports of any mention query."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import EngineDep, SessionDep, WorkspaceDep
from api.routes.mentions import MentionFilterDep
from api.services.exports import FORMATS, stream_export
from api.services.mentions import iter_mentions

router = APIRouter(prefix="/exports", tags=["exports"])
MAX_EXPORT = 5_000_000


@router.get(
    "/mentions",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The mentions, newest first, streamed.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            },
        }
    },
)
def export_mentions(
    session: SessionDep,
    engine: EngineDep,
    workspace: WorkspaceDep,
    filters: MentionFilterDep,
    format: Annotated[
        Literal["csv", "jsonl", "json"], Query(description="csv, jsonl or a json array.")
    ] = "csv",
    limit: Annotated[
        int | None, Query(ge=1, le=MAX_EXPORT, description="Most mentions; default all.")
    ] = None,
    escape_formulas: Annotated[
        bool, Query(description="CSV: prefix cells a spreadsheet would run as a formula with '.")
    ] = True,
) -> StreamingResponse:
    """Export the mentions a search would return (same filters), as a download."""
    # Checks the filters (unknown brand → 404) before the response starts streaming.
    next(iter_mentions(session, workspace.id or 0, filters, batch_size=1, limit=1), None)
    body = stream_export(
        engine,
        workspace.id or 0,
        filters,
        format,
        limit=limit,
        escape_formulas=escape_formulas,
    )
    extension = {"csv": "csv", "jsonl": "jsonl", "json": "json"}[format]
    return StreamingResponse(
        body,
        media_type=FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="mentions.{extension}"'},
    )
