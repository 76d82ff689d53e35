"""Brands of the caller's workspace."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from api.deps import AdminDep, SessionDep, WorkspaceDep
from api.services import brands as service
from models.brand import BrandCreate, BrandPublic, BrandUpdate

router = APIRouter(prefix="/brands", tags=["brands"])


@router.get("")
def list_brands(session: SessionDep, workspace: WorkspaceDep) -> dict[str, Any]:
    """List brands."""
    rows = service.list_brands(session, workspace.id or 0)
    data = [BrandPublic.model_validate(b) for b in rows]
    return {"data": data, "count": len(data), "next_cursor": None}


@router.post("", status_code=status.HTTP_201_CREATED)
def create_brand(
    body: BrandCreate, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> BrandPublic:
    """Create a brand; an invalid query is a 422 that points at the position."""
    return BrandPublic.model_validate(service.create_brand(session, workspace.id or 0, body))


@router.get("/{brand_id}")
def get_brand(brand_id: int, session: SessionDep, workspace: WorkspaceDep) -> BrandPublic:
    """Show one brand."""
    return BrandPublic.model_validate(service.get_brand(session, workspace.id or 0, brand_id))


@router.patch("/{brand_id}")
def update_brand(
    brand_id: int, body: BrandUpdate, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> BrandPublic:
    """Change a brand."""
    brand = service.update_brand(session, workspace.id or 0, brand_id, body)
    return BrandPublic.model_validate(brand)


@router.delete("/{brand_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_brand(brand_id: int, session: SessionDep, workspace: WorkspaceDep, _: AdminDep) -> None:
    """Remove a brand."""
    service.remove_brand(session, workspace.id or 0, brand_id)
