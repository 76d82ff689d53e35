"""Brands: what a workspace listens for, with aliases, handles and a boolean query."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timeutil import utcnow


class BrandBase(SQLModel):
    """Fields a client may set on a brand."""

    name: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    handles: list[str] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="The brand's own accounts, e.g. @nuvoladrinks; their posts count as owned.",
    )
    competitor_group: str | None = Field(default=None, max_length=100, index=True)
    query: str | None = Field(
        default=None, max_length=2000, description="Boolean query; default: name OR aliases."
    )


class BrandCreate(BrandBase):
    """Request body to create a brand."""


class BrandUpdate(SQLModel):
    """Partial update of a brand."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    aliases: list[str] | None = None
    handles: list[str] | None = None
    competitor_group: str | None = None
    query: str | None = Field(default=None, max_length=2000)


class Brand(BrandBase, table=True):
    """A brand in a workspace."""

    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_brand_workspace_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class BrandPublic(BrandBase):
    """A brand as the API shows it."""

    id: int
    created_at: datetime
