"""Topics found in a workspace's mentions and which mentions belong to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel

from models.timeutil import utcnow


class TopicBase(SQLModel):
    """A topic as people read it."""

    label: str = Field(max_length=300)
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    size: int = 0
    negative_share: float | None = None


class Topic(TopicBase, table=True):
    """A topic with a stable identity across refits (matched by centroid)."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    brand_id: int | None = Field(default=None, foreign_key="brand.id", index=True)
    centroid: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    representative_ids: list[int] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    model_version: str = Field(default="", max_length=100)
    first_seen_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    active: bool = True


class TopicPublic(TopicBase):
    """A topic as the API shows it."""

    id: int
    brand_id: int | None
    first_seen_at: datetime
    updated_at: datetime


class TopicAssignment(SQLModel, table=True):
    """A mention's topic."""

    mention_id: int = Field(foreign_key="mention.id", primary_key=True)
    topic_id: int = Field(foreign_key="topic.id", index=True)
    probability: float = 1.0
