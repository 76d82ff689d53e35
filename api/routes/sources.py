"""Sources (configured collectors) with their health and run history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AdminDep, Cursor, Limit, SessionDep, WorkspaceDep, id_path
from api.routes.common import Page, page
from api.services import source_admin as service
from api.services.mentions import decode_cursor, encode_cursor
from api.services.source_admin import SourceOut
from models.source import SourceCreate, SourceUpdate
from models.timeutil import ensure_utc

router = APIRouter(prefix="/sources", tags=["sources"])
SourceId = Annotated[int, id_path("The source's id.")]
MAX_INTERVAL = 31 * 24 * 3600


class SourceCreateBody(SourceCreate):
    """Request body to create a source; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    interval_seconds: int = Field(default=300, ge=10, le=MAX_INTERVAL)


class SourceUpdateBody(SourceUpdate):
    """Partial update of a source; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    name: str | None = Field(default=None, min_length=1, max_length=200)
    query: str | None = Field(default=None, max_length=2000)
    interval_seconds: int | None = Field(default=None, ge=10, le=MAX_INTERVAL)


class SourceRunOut(BaseModel):
    """One collection pass of a source."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    fetched: int
    inserted: int
    error: str | None


@router.get("")
def list_sources(
    session: SessionDep, workspace: WorkspaceDep, limit: Limit = 100, cursor: Cursor = None
) -> Page[SourceOut]:
    """List sources with their status and last error."""
    after = decode_cursor("sources", cursor, (int,))[0] if cursor else None
    rows = service.list_sources(session, workspace.id or 0, limit=limit + 1, after_id=after)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor("sources", [rows[-1].id]) if more and rows else None
    return page([service.to_out(s) for s in rows], next_cursor)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_source(
    body: SourceCreateBody, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> SourceOut:
    """Create a source; the kind must be a registered collector, `webhook` or `import`."""
    data = SourceCreate.model_validate(body.model_dump())
    return service.to_out(service.create_source(session, workspace.id or 0, data))


@router.get("/{source_id}")
def get_source(source_id: SourceId, session: SessionDep, workspace: WorkspaceDep) -> SourceOut:
    """Show one source with its status and last error."""
    return service.to_out(service.get_source(session, workspace.id or 0, source_id))


@router.patch("/{source_id}")
def update_source(
    source_id: SourceId,
    body: SourceUpdateBody,
    session: SessionDep,
    workspace: WorkspaceDep,
    _: AdminDep,
) -> SourceOut:
    """Change a source (only the fields sent)."""
    data = SourceUpdate.model_validate(body.model_dump(exclude_unset=True))
    return service.to_out(service.update_source(session, workspace.id or 0, source_id, data))


@router.delete("/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(
    source_id: SourceId, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> None:
    """Remove a source and its run history; its mentions stay."""
    service.remove_source(session, workspace.id or 0, source_id)


@router.get("/{source_id}/runs")
def list_source_runs(
    source_id: SourceId,
    session: SessionDep,
    workspace: WorkspaceDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[SourceRunOut]:
    """List a source's runs, newest first: what each fetched, or why it failed."""
    before = decode_cursor("runs", cursor, (int,))[0] if cursor else None
    rows = service.list_runs(
        session, workspace.id or 0, source_id, limit=limit + 1, before_id=before
    )
    more = len(rows) > limit
    rows = rows[:limit]
    data = [
        SourceRunOut(
            id=r.id or 0,
            started_at=ensure_utc(r.started_at),
            finished_at=ensure_utc(r.finished_at) if r.finished_at else None,
            status=r.status,
            fetched=r.fetched,
            inserted=r.inserted,
            error=r.error,
        )
        for r in rows
    ]
    return page(data, encode_cursor("runs", [rows[-1].id]) if more and rows else None)
