"""Time helpers: every datetime in Groundswell is timezone-aware UTC.

SQLModel's `UTCDateTime` columns refuse naive values and return aware UTC from
every backend, SQLite included, so comparisons never mix the two.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Return `value` in UTC; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
