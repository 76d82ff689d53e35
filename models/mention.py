"""Mentions and their link to brands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timeutil import utcnow


class MentionBase(SQLModel):
    """What a mention is, as collected."""

    source: str = Field(max_length=50)
    external_id: str = Field(max_length=512)
    url: str | None = Field(default=None, max_length=2048)
    author: str | None = Field(default=None, max_length=200)
    author_followers: int | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    language: str | None = Field(default=None, max_length=8)
    created_at: datetime
    likes: int = 0
    shares: int = 0
    replies: int = 0
    parent_external_id: str | None = Field(default=None, max_length=512)
    thread_external_id: str | None = Field(default=None, max_length=512)
    is_owned: bool = False
    country: str | None = Field(default=None, max_length=8)


class Mention(MentionBase, table=True):
    """A stored mention; unique per workspace by source + external id."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "source", "external_id", name="uq_mention_source_ext"),
        Index("ix_mention_ws_created", "workspace_id", "created_at"),
        Index("ix_mention_ws_dedup", "workspace_id", "dedup_key"),
        Index("ix_mention_ws_sentver", "workspace_id", "sentiment_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    collected_at: datetime = Field(default_factory=utcnow)
    dedup_key: str = Field(max_length=128)
    duplicate_of_id: int | None = Field(
        default=None,
        foreign_key="mention.id",
        index=True,
        description="The original this near-duplicates (retweet, copy, syndication).",
    )
    truncated: bool = False
    sentiment: str | None = Field(default=None, max_length=10)
    sentiment_version: str | None = Field(default=None, max_length=100)
    harm_probability: float | None = None
    is_harm: bool = False
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))

    @property
    def engagement(self) -> int:
        """Likes + shares + replies."""
        return self.likes + self.shares + self.replies


class MentionPublic(MentionBase):
    """A mention as the API shows it."""

    id: int
    collected_at: datetime
    duplicate_of_id: int | None
    truncated: bool
    sentiment: str | None
    harm_probability: float | None
    is_harm: bool
    brand_ids: list[int] = Field(default_factory=list)


class MentionBrand(SQLModel, table=True):
    """A mention matched to a brand; `created_at` is copied so brand × time is one index."""

    __table_args__ = (Index("ix_mentionbrand_brand_created", "brand_id", "created_at"),)

    mention_id: int = Field(foreign_key="mention.id", primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", primary_key=True)
    created_at: datetime
