"""Background jobs: the work queue that `groundswell worker` processes drain.

A job is a row; workers claim it (``queued`` → ``running``) under a lease that
they keep extending while they work. A worker that dies stops extending it, the
lease expires and another worker claims the job again with ``attempts + 1``.
The attempt number is the fencing token: a job is marked ``done`` only by the
worker holding its latest attempt, in the same transaction as its effects.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, text
from sqlmodel import Field, SQLModel

from models.timeutil import utcnow


class JobStatus(StrEnum):
    """Lifecycle of a job."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Job(SQLModel, table=True):
    """One unit of background work (collect a source, analyse a batch, detect)."""

    __table_args__ = (
        Index("ix_job_status_run_after", "status", "run_after"),
        # At most one *queued* job per dedupe key: enqueueing "analyse workspace 3"
        # while one waits is a no-op, while one that already runs does not block a
        # new one (it may have read its input before the newest rows arrived).
        Index(
            "uq_job_dedupe_queued",
            "dedupe_key",
            unique=True,
            sqlite_where=text("status = 'queued'"),
            postgresql_where=text("status = 'queued'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", index=True)
    kind: str = Field(max_length=50, description="collect, analyze, detect, ...")
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=JobStatus.queued, max_length=10)
    priority: int = Field(default=0, description="Higher runs first.")
    attempts: int = Field(default=0, description="Claims so far; the current one's number.")
    max_attempts: int = 5
    run_after: datetime = Field(default_factory=utcnow)
    locked_by: str | None = Field(default=None, max_length=200)
    lease_until: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    dedupe_key: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
