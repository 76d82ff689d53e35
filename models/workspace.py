"""Workspaces (tenants) and the API keys scoped to them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.timeutil import utcnow


class WorkspaceBase(SQLModel):
    """Fields a client may set on a workspace."""

    name: str = Field(min_length=1, max_length=100, index=True, unique=True)


class Workspace(WorkspaceBase, table=True):
    """A tenant: brands, sources, mentions and alerts all belong to one."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class WorkspacePublic(WorkspaceBase):
    """A workspace as the API shows it."""

    id: int
    created_at: datetime


class ApiKeyRole(StrEnum):
    """What a key may do inside its workspace."""

    read = "read"
    admin = "admin"


class ApiKeyBase(SQLModel):
    """Fields a client may set on an API key."""

    name: str = Field(min_length=1, max_length=100)
    role: ApiKeyRole = ApiKeyRole.read


class ApiKeyCreate(ApiKeyBase):
    """Request body to create a key."""


class ApiKey(ApiKeyBase, table=True):
    """A hashed API key; the secret is shown once, at creation."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    prefix: str = Field(max_length=16, index=True)
    key_hash: str = Field(max_length=128, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked: bool = False


class ApiKeyPublic(ApiKeyBase):
    """A key as listed: never the secret."""

    id: int
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class ApiKeyCreated(ApiKeyPublic):
    """The one response that carries the secret."""

    key: str
