"""Sources for the API: the `api.services.sources` rules, plus push sources and paging.

Pulled sources (collectors) are created, changed and removed by
`api.services.sources`, which validates kind and config by building the
collector. Push sources — kind ``webhook`` or ``import``, for mentions that
arrive through the ingest webhook or a file — have no collector to build, so
they are checked here (name unique per workspace, no config). Lists are paged
by id for the API's cursors, and every source gets a one-word `status`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from sqlmodel import Session, col, select

from api.services import sources
from api.services.errors import Conflict, Invalid
from models import Source, SourceRun
from models.source import SourceCreate, SourcePublic, SourceUpdate
from models.timeutil import ensure_utc

PUSH_KINDS = ("webhook", "import")
"""Kinds for sources whose mentions arrive through the ingest webhook or a file import."""
get_source = sources.get_source
remove_source = sources.remove_source


class SourceOut(SourcePublic):
    """A source with its health in one word."""

    status: str = Field(description="disabled, never_run, ok or failing.")


def known_kinds() -> list[str]:
    """Return every kind a source may have."""
    from listener.base import available_collectors

    return sorted({*available_collectors(), *PUSH_KINDS})


def _status(source: Source) -> str:
    if not source.enabled:
        return "disabled"
    if source.consecutive_failures > 0:
        return "failing"
    if source.last_run_at is None and source.last_success_at is None:
        return "never_run"
    return "ok"


def to_out(source: Source) -> SourceOut:
    """Convert a stored source to its API shape."""
    out = SourceOut.model_validate(source, update={"status": _status(source)})
    for name in ("created_at", "last_run_at", "last_success_at", "last_error_at"):
        value: datetime | None = getattr(out, name)
        if value is not None:
            setattr(out, name, ensure_utc(value))
    return out


def list_sources(
    session: Session, workspace_id: int, *, limit: int = 100, after_id: int | None = None
) -> list[Source]:
    """Return the workspace's sources by id (keyset: ids after `after_id`)."""
    statement = select(Source).where(Source.workspace_id == workspace_id)
    if after_id is not None:
        statement = statement.where(col(Source.id) > after_id)
    return list(session.execute(statement.order_by(col(Source.id)).limit(limit)).scalars())


def _check_name(session: Session, workspace_id: int, name: str, source_id: int | None) -> str:
    name = name.strip()
    if not name:
        raise Invalid("source name must not be empty")
    for other in sources.list_sources(session, workspace_id):
        if other.id != source_id and other.name.casefold() == name.casefold():
            raise Conflict(f"source {name!r} already exists")
    return name


def create_source(session: Session, workspace_id: int, data: SourceCreate) -> Source:
    """Create a source: a collector (validated by building it) or a push source.

    Raises:
        Invalid: Unknown kind, a config the collector refuses, or config on a push source.
        Conflict: A source of that name exists.
    """
    if data.kind not in PUSH_KINDS:
        return sources.create_source(session, workspace_id, data)
    if data.config:
        raise Invalid(f"a {data.kind} source takes no config")
    name = _check_name(session, workspace_id, data.name, None)
    source = Source.model_validate(
        data, update={"workspace_id": workspace_id, "name": name, "cursor": {}}
    )
    session.add(source)
    session.commit()
    session.refresh(source)
    return source


def update_source(
    session: Session, workspace_id: int, source_id: int, data: SourceUpdate
) -> Source:
    """Apply a partial update; fields sent as null are left as they are.

    Raises:
        NotFound: No such source.
        Invalid: A config the collector refuses, or config on a push source.
        Conflict: The new name is taken.
    """
    source = get_source(session, workspace_id, source_id)
    if source.kind not in PUSH_KINDS:
        return sources.update_source(session, workspace_id, source_id, data)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    if changes.get("config"):
        raise Invalid(f"a {source.kind} source takes no config")
    if "name" in changes:
        changes["name"] = _check_name(session, workspace_id, changes["name"], source_id)
    for name, value in changes.items():
        setattr(source, name, value)
    session.add(source)
    session.commit()
    session.refresh(source)
    return source


def list_runs(
    session: Session,
    workspace_id: int,
    source_id: int,
    *,
    limit: int = 50,
    before_id: int | None = None,
) -> list[SourceRun]:
    """Return a source's runs, newest first (keyset: ids below `before_id`).

    Raises:
        NotFound: No such source.
    """
    get_source(session, workspace_id, source_id)
    statement = select(SourceRun).where(SourceRun.source_id == source_id)
    if before_id is not None:
        statement = statement.where(col(SourceRun.id) < before_id)
    return list(
        session.execute(statement.order_by(col(SourceRun.id).desc()).limit(limit)).scalars()
    )
