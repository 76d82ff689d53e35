"""Alerts with the evidence that explains them, and the delivery outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.timeutil import utcnow


class AlertStatus(StrEnum):
    """Lifecycle of an alert."""

    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


class AlertBase(SQLModel):
    """What an alert says."""

    kind: str = Field(max_length=30, description="harm, volume, negative, share, virality")
    severity: str = Field(max_length=10, description="low, medium, high, critical")
    status: AlertStatus = AlertStatus.open
    title: str = Field(max_length=300)
    series: str = Field(max_length=50)
    why: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime
    last_seen_at: datetime


class Alert(AlertBase, table=True):
    """One incident: merged, with cooldown, so one incident is one alert."""

    __table_args__ = (Index("ix_alert_ws_status", "workspace_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    brand_id: int | None = Field(default=None, foreign_key="brand.id", index=True)
    fingerprint: str = Field(max_length=200, index=True)
    fire_count: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None


class AlertPublic(AlertBase):
    """An alert as the API lists it."""

    id: int
    brand_id: int | None
    fire_count: int
    created_at: datetime
    updated_at: datetime


class AlertEvidence(SQLModel, table=True):
    """A post or a term that explains an alert."""

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    mention_id: int | None = Field(default=None, foreign_key="mention.id")
    rank: int = 0
    kind: str = Field(default="post", max_length=10, description="post or term")
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class OutboxMessage(SQLModel, table=True):
    """A delivery owed: kept until it succeeds, retried with backoff."""

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    channel: str = Field(max_length=20, description="webhook or email")
    target: str = Field(max_length=500)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None
    last_error: str | None = None
