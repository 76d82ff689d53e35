"""Factories for tests: workspaces, brands, mentions."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from api.services.brands import create_brand
from api.services.workspaces import create_api_key, get_or_create_workspace
from models import ApiKeyRole, Brand, Workspace
from models.brand import BrandCreate
from models.types import MentionIn

_ids = itertools.count(1)
T0 = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def make_workspace(session: Session, name: str = "default") -> Workspace:
    return get_or_create_workspace(session, name)


def make_brand(session: Session, workspace: Workspace, name: str = "Nuvola", **kw: Any) -> Brand:
    data = BrandCreate(name=name, **kw)
    return create_brand(session, workspace.id or 0, data)


def make_key(session: Session, workspace: Workspace, role: ApiKeyRole = ApiKeyRole.admin) -> str:
    _, secret = create_api_key(session, workspace.id or 0, "test", role)
    return secret


def mention(text: str, *, minutes: float = 0, **kw: Any) -> MentionIn:
    kw.setdefault("external_id", f"m{next(_ids)}")
    kw.setdefault("source", "twitter")
    return MentionIn(text=text, created_at=T0 + timedelta(minutes=minutes), **kw)
