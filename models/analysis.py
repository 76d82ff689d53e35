"""Results of the NLP stages, kept per model version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timeutil import utcnow


class SentimentResult(SQLModel, table=True):
    """One model version's sentiment for one mention."""

    __table_args__ = (
        UniqueConstraint("mention_id", "model_version", name="uq_sentiment_mention_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id", index=True)
    model_version: str = Field(max_length=100)
    label: str = Field(max_length=10)
    score_negative: float
    score_neutral: float
    score_positive: float
    language: str | None = Field(default=None, max_length=8)
    truncated: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class HarmResult(SQLModel, table=True):
    """One model version's harm-claim verdict for one mention, with its evidence."""

    __table_args__ = (
        UniqueConstraint("mention_id", "model_version", name="uq_harm_mention_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id", index=True)
    model_version: str = Field(max_length=100)
    probability: float
    is_claim: bool
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
