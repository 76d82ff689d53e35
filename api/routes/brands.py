"""Brands of the caller's workspace."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from pydantic import ConfigDict

from api.deps import AdminDep, SessionDep, WorkspaceDep, id_path
from api.problems import ProblemException
from api.routes.common import Page, page
from api.services import brands as service
from listener.query import QuerySyntaxError, parse_query
from models.brand import BrandCreate, BrandPublic, BrandUpdate

router = APIRouter(prefix="/brands", tags=["brands"])
BrandId = Annotated[int, id_path("The brand's id.")]


class BrandCreateBody(BrandCreate):
    """Request body to create a brand; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


class BrandUpdateBody(BrandUpdate):
    """Partial update of a brand; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


def _check_query(query: str | None) -> None:
    """Refuse a query that does not parse, saying where (also as `position`)."""
    if query is None or not query.strip():
        return
    try:
        parse_query(query)
    except QuerySyntaxError as exc:
        raise ProblemException(
            422,
            f"invalid query at position {exc.position}: {exc}\n{exc.pretty()}",
            position=exc.position,
            message=exc.message,
        ) from exc


@router.get("")
def list_brands(session: SessionDep, workspace: WorkspaceDep) -> Page[BrandPublic]:
    """List brands, by name."""
    rows = service.list_brands(session, workspace.id or 0)
    return page([BrandPublic.model_validate(b) for b in rows])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_brand(
    body: BrandCreateBody, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> BrandPublic:
    """Create a brand; an invalid query is a 422 that points at the position."""
    _check_query(body.query)
    data = BrandCreate.model_validate(body.model_dump())
    return BrandPublic.model_validate(service.create_brand(session, workspace.id or 0, data))


@router.get("/{brand_id}")
def get_brand(brand_id: BrandId, session: SessionDep, workspace: WorkspaceDep) -> BrandPublic:
    """Show one brand."""
    return BrandPublic.model_validate(service.get_brand(session, workspace.id or 0, brand_id))


@router.patch("/{brand_id}")
def update_brand(
    brand_id: BrandId,
    body: BrandUpdateBody,
    session: SessionDep,
    workspace: WorkspaceDep,
    _: AdminDep,
) -> BrandPublic:
    """Change a brand (only the fields sent)."""
    if "query" in body.model_fields_set:
        _check_query(body.query)
    data = BrandUpdate.model_validate(body.model_dump(exclude_unset=True))
    brand = service.update_brand(session, workspace.id or 0, brand_id, data)
    return BrandPublic.model_validate(brand)


@router.delete("/{brand_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_brand(
    brand_id: BrandId, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> None:
    """Remove a brand with its mention links and rollups; mentions stay."""
    service.remove_brand(session, workspace.id or 0, brand_id)
