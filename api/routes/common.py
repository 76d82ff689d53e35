"""Shapes shared by the routers: the list envelope and strict request bodies."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A list: one page of items and the cursor of the next page."""

    data: list[T]
    count: int = Field(description="Number of items in this page.")
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last."
    )


def page(items: list[T], next_cursor: str | None = None) -> Page[T]:
    """Wrap items in the list envelope."""
    return Page[T](data=items, count=len(items), next_cursor=next_cursor)
