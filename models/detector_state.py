"""Saved state of each live detector, per brand and series.

Detection is incremental: every run restores each series' detector from here,
feeds it only the buckets completed since `last_bucket`, and saves it back in
the same transaction as the alerts it raised, so a crash never feeds a bucket
twice or loses one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timeutil import utcnow


class DetectorState(SQLModel, table=True):
    """One detector's state (its `to_dict()`) for one brand and series."""

    __table_args__ = (UniqueConstraint("brand_id", "series", name="uq_detectorstate_brand_series"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    brand_id: int = Field(foreign_key="brand.id", ondelete="CASCADE")
    series: str = Field(max_length=30, description="volume, negative, harm, virality, ...")
    bucket_minutes: int = Field(description="Bucket size the state was built with.")
    last_bucket: datetime = Field(description="Start of the last bucket fed to the detector.")
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
