"""Maintained aggregates: one row per brand per UTC hour, and per UTC day.

Share of voice and trends sum these rows instead of scanning mentions, so they
answer in milliseconds however many mentions there are: whole days come from the
day rows (``span`` 24), whole hours around them from the hour rows (``span`` 1).
Each metric comes twice: over every linked mention, and over originals only
(``unique_*``: near-duplicates such as retweets and syndicated copies left out).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel


class BrandRollup(SQLModel, table=True):
    """Counts of one brand's mentions created in one UTC hour or day."""

    brand_id: int = Field(foreign_key="brand.id", primary_key=True, ondelete="CASCADE")
    span: int = Field(primary_key=True, description="Hours covered: 1 (an hour) or 24 (a day).")
    hour: int = Field(
        primary_key=True, description="First hour covered, in hours since 1970-01-01T00:00Z."
    )
    mentions: int = 0
    unique_mentions: int = 0
    engagement: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    unique_engagement: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, default=0)
    )
    reach: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    unique_reach: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    negative: int = 0
    unique_negative: int = 0
    neutral: int = 0
    unique_neutral: int = 0
    positive: int = 0
    unique_positive: int = 0
    harm: int = 0
    unique_harm: int = 0
