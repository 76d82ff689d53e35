"""Sources (configured collectors) and the record of each run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timeutil import utcnow


class SourceBase(SQLModel):
    """Fields a client may set on a source."""

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=50)
    query: str = Field(default="", max_length=2000)
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    enabled: bool = True
    interval_seconds: int = Field(default=300, ge=10)


class SourceCreate(SourceBase):
    """Request body to create a source."""


class SourceUpdate(SQLModel):
    """Partial update of a source."""

    name: str | None = None
    query: str | None = None
    config: dict[str, Any] | None = None
    enabled: bool | None = None
    interval_seconds: int | None = Field(default=None, ge=10)


class Source(SourceBase, table=True):
    """A configured collector with its persisted cursor and health."""

    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_source_workspace_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    cursor: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0


class SourcePublic(SourceBase):
    """A source as the API shows it, health included."""

    id: int
    created_at: datetime
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int


class SourceRun(SQLModel, table=True):
    """One collection pass of one source: what it found, or why it failed."""

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = Field(default="running", max_length=20)
    fetched: int = 0
    inserted: int = 0
    error: str | None = None
