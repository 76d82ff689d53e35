"""Brands: create with a validated query, list, update, remove."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.services.errors import Conflict, Invalid, NotFound
from listener.query import QuerySyntaxError, parse_query
from models import Alert, Brand, MentionBrand, Topic
from models.brand import BrandCreate, BrandUpdate


def validate_query(query: str | None) -> None:
    """Raise `Invalid` with the error position if a brand query does not parse."""
    if query is None or not query.strip():
        return
    try:
        parse_query(query)
    except QuerySyntaxError as exc:
        raise Invalid(f"invalid query at position {exc.position}: {exc}\n{exc.pretty()}") from exc


def list_brands(session: Session, workspace_id: int) -> list[Brand]:
    """Return the workspace's brands by name."""
    statement = select(Brand).where(Brand.workspace_id == workspace_id).order_by(Brand.name)
    return list(session.execute(statement).scalars())


def get_brand(session: Session, workspace_id: int, brand_id: int) -> Brand:
    """Return one brand of the workspace.

    Raises:
        NotFound: No such brand in this workspace.
    """
    brand = session.get(Brand, brand_id)
    if brand is None or brand.workspace_id != workspace_id:
        raise NotFound(f"brand {brand_id} not found")
    return brand


def find_brand(session: Session, workspace_id: int, name: str) -> Brand:
    """Return a brand by name (case-insensitive).

    Raises:
        NotFound: No brand of that name.
    """
    for brand in list_brands(session, workspace_id):
        if brand.name.casefold() == name.casefold():
            return brand
    raise NotFound(f"brand {name!r} not found")


def create_brand(session: Session, workspace_id: int, data: BrandCreate) -> Brand:
    """Create a brand after checking its query and name.

    Raises:
        Invalid: The query does not parse.
        Conflict: A brand of that name exists.
    """
    validate_query(data.query)
    if any(b.name.casefold() == data.name.casefold() for b in list_brands(session, workspace_id)):
        raise Conflict(f"brand {data.name!r} already exists")
    brand = Brand.model_validate(data, update={"workspace_id": workspace_id})
    session.add(brand)
    session.commit()
    session.refresh(brand)
    return brand


def update_brand(session: Session, workspace_id: int, brand_id: int, data: BrandUpdate) -> Brand:
    """Apply a partial update.

    Raises:
        NotFound: No such brand.
        Invalid: The new query does not parse.
        Conflict: The new name is taken.
    """
    brand = get_brand(session, workspace_id, brand_id)
    changes = data.model_dump(exclude_unset=True)
    if "query" in changes:
        validate_query(changes["query"])
    if "name" in changes and changes["name"] is not None:
        taken = [
            b
            for b in list_brands(session, workspace_id)
            if b.id != brand_id and b.name.casefold() == changes["name"].casefold()
        ]
        if taken:
            raise Conflict(f"brand {changes['name']!r} already exists")
    for name, value in changes.items():
        if value is not None or name in {"query", "competitor_group"}:
            setattr(brand, name, value)
    session.add(brand)
    session.commit()
    session.refresh(brand)
    return brand


def remove_brand(session: Session, workspace_id: int, brand_id: int) -> None:
    """Delete a brand with its mention links; mentions themselves stay.

    Raises:
        NotFound: No such brand.
    """
    brand = get_brand(session, workspace_id, brand_id)
    session.execute(delete(MentionBrand).where(col(MentionBrand.brand_id) == brand_id))
    for model in (Alert, Topic):
        for row in session.execute(select(model).where(model.brand_id == brand_id)).scalars():
            row.brand_id = None
            session.add(row)
    session.delete(brand)
    session.commit()
