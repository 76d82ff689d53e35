"""API keys of the caller's workspace (admin only), and who the caller is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict

from api.deps import AdminDep, ApiKeyDep, SessionDep, WorkspaceDep, id_path
from api.routes.common import Page, page
from api.services.workspaces import create_api_key, list_api_keys, revoke_api_key
from models.timeutil import ensure_utc
from models.workspace import ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyPublic, WorkspacePublic

router = APIRouter(tags=["keys"])
KeyId = Annotated[int, id_path("The key's id.")]


class ApiKeyCreateBody(ApiKeyCreate):
    """Request body to create a key; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


class Me(BaseModel):
    """The caller: its workspace and key (never the secret)."""

    workspace: WorkspacePublic
    key: ApiKeyPublic


def _public(key: ApiKey) -> ApiKeyPublic:
    out = ApiKeyPublic.model_validate(key)
    out.created_at = ensure_utc(out.created_at)
    out.last_used_at = ensure_utc(out.last_used_at) if out.last_used_at else None
    return out


@router.get("/me")
def whoami(key: ApiKeyDep, workspace: WorkspaceDep) -> Me:
    """Show the caller's workspace and key."""
    ws = WorkspacePublic.model_validate(workspace)
    ws.created_at = ensure_utc(ws.created_at)
    return Me(workspace=ws, key=_public(key))


@router.get("/keys")
def list_keys(session: SessionDep, workspace: WorkspaceDep, _: AdminDep) -> Page[ApiKeyPublic]:
    """List the workspace's keys, newest first (secrets are never shown again)."""
    return page([_public(k) for k in list_api_keys(session, workspace.id or 0)])


@router.post("/keys", status_code=status.HTTP_201_CREATED)
def create_key(
    body: ApiKeyCreateBody, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> ApiKeyCreated:
    """Create a key; the response is the only time the secret is shown."""
    key, secret = create_api_key(session, workspace.id or 0, body.name, body.role)
    return ApiKeyCreated(**_public(key).model_dump(), key=secret)


@router.delete("/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_key(
    key_id: KeyId, request: Request, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> None:
    """Revoke a key; it stops working at once."""
    revoke_api_key(session, workspace.id or 0, key_id)
    request.app.state.key_cache.clear()
