"""Workspaces and API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlmodel import Session, col, select

from api.services.errors import NotFound
from models import ApiKey, ApiKeyRole, Workspace
from models.timeutil import utcnow

KEY_PREFIX = "gsk_"


def get_or_create_workspace(session: Session, name: str) -> Workspace:
    """Return the workspace called `name`, creating it if needed."""
    found = session.execute(select(Workspace).where(Workspace.name == name)).scalar_one_or_none()
    if found is not None:
        return found
    workspace = Workspace(name=name)
    session.add(workspace)
    session.commit()
    session.refresh(workspace)
    return workspace


def get_workspace(session: Session, name: str) -> Workspace:
    """Return the workspace called `name`.

    Raises:
        NotFound: There is none; `groundswell init` creates the default one.
    """
    found = session.execute(select(Workspace).where(Workspace.name == name)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"workspace {name!r} does not exist; run `groundswell init`")
    return found


def hash_key(secret: str) -> str:
    """Hash an API key for storage. Keys are 256-bit random, so SHA-256 suffices."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_key(
    session: Session, workspace_id: int, name: str, role: ApiKeyRole = ApiKeyRole.read
) -> tuple[ApiKey, str]:
    """Create a key; return the stored row and the secret, which is never stored.

    Args:
        session: An open session (committed here).
        workspace_id: The workspace the key is scoped to.
        name: A label for people.
        role: read or admin.

    Returns:
        The row and the one-time secret.
    """
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        workspace_id=workspace_id,
        name=name,
        role=role,
        prefix=secret[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(secret),
    )
    session.add(key)
    session.commit()
    session.refresh(key)
    return key, secret


def authenticate(session: Session, secret: str) -> ApiKey | None:
    """Return the live key for a secret, or None; records when it was last used."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    digest = hash_key(secret)
    key = session.execute(select(ApiKey).where(ApiKey.key_hash == digest)).scalar_one_or_none()
    if key is None or key.revoked or not hmac.compare_digest(key.key_hash, digest):
        return None
    key.last_used_at = utcnow()
    session.add(key)
    session.commit()
    return key


def list_api_keys(session: Session, workspace_id: int) -> list[ApiKey]:
    """Return the workspace's keys, newest first."""
    statement = (
        select(ApiKey)
        .where(ApiKey.workspace_id == workspace_id)
        .order_by(col(ApiKey.id).desc())
    )
    return list(session.exec(statement))


def revoke_api_key(session: Session, workspace_id: int, key_id: int) -> None:
    """Revoke one of the workspace's keys.

    Raises:
        NotFound: No such key in this workspace.
    """
    key = session.get(ApiKey, key_id)
    if key is None or key.workspace_id != workspace_id:
        raise NotFound(f"API key {key_id} not found")
    key.revoked = True
    session.add(key)
    session.commit()
