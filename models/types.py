"""Plain data types shared by every layer: no database, no I/O.

`listener/` produces these and `nlp/` consumes plain strings, so neither needs to
know about tables or sessions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_TEXT_CHARS = 20_000
"""Longest text stored for one mention; longer texts are cut and flagged."""


class MentionIn(BaseModel):
    """One post, review, comment or article as a collector found it.

    Collectors fill what their source has; everything but `external_id` and `text`
    is optional. `truncated` is set when the text was cut to `MAX_TEXT_CHARS`, so
    truncation is recorded rather than silent.
    """

    model_config = ConfigDict(extra="ignore")

    external_id: str = Field(min_length=1, max_length=512)
    text: str
    source: str = "import"
    url: str | None = None
    author: str | None = None
    author_followers: int | None = Field(default=None, ge=0)
    language: str | None = None
    created_at: datetime | None = None
    likes: int = Field(default=0, ge=0)
    shares: int = Field(default=0, ge=0)
    replies: int = Field(default=0, ge=0)
    parent_external_id: str | None = None
    thread_external_id: str | None = None
    is_owned: bool = False
    country: str | None = None
    brand_hint: str | None = None
    truncated: bool = False
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("text", mode="before")
    @classmethod
    def _clean_text(cls, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        text = str(value).replace("\x00", "")
        return text

    @field_validator("created_at", mode="after")
    @classmethod
    def _aware_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def model_post_init(self, __context: Any) -> None:
        """Cut over-long texts and remember that we did."""
        if len(self.text) > MAX_TEXT_CHARS:
            self.text = self.text[:MAX_TEXT_CHARS]
            self.truncated = True


class Cursor(BaseModel):
    """Opaque, JSON-serialisable position of a collector in its source."""

    model_config = ConfigDict(extra="allow")

    value: dict[str, Any] = Field(default_factory=dict)
