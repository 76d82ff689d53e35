"""FastAPI dependencies: settings, sessions, the caller's workspace and role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.services.workspaces import authenticate
from models import ApiKey, ApiKeyRole, Workspace
from models.settings import Settings

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    """The app's engine."""
    engine: Engine = request.app.state.engine
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """A session per request."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get("gs_key")


def get_api_key(
    session: SessionDep,
    request: Request,
    header_key: Annotated[str | None, Depends(api_key_header)] = None,
) -> ApiKey:
    """The caller's API key, from `X-API-Key`, a bearer token or the dashboard cookie."""
    secret = header_key or _bearer(request)
    if not secret:
        raise HTTPException(
            401, "an API key is required (X-API-Key header)", headers={"WWW-Authenticate": "Bearer"}
        )
    key = authenticate(session, secret)
    if key is None:
        raise HTTPException(
            401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"}
        )
    return key


ApiKeyDep = Annotated[ApiKey, Depends(get_api_key)]


def get_workspace(session: SessionDep, key: ApiKeyDep) -> Workspace:
    """The workspace the caller's key is scoped to."""
    workspace = session.get(Workspace, key.workspace_id)
    if workspace is None:
        raise HTTPException(401, "the key's workspace no longer exists")
    return workspace


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]


def require_admin(key: ApiKeyDep) -> ApiKey:
    """Refuse callers whose key is read-only."""
    if key.role != ApiKeyRole.admin:
        raise HTTPException(403, "this key is read-only; an admin key is required")
    return key


AdminDep = Annotated[ApiKey, Depends(require_admin)]
