"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import SessionDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The service answers and so does its database."""

    status: str


@router.get("/health")
def health(session: SessionDep) -> Health:
    """Report that the API and its database answer."""
    session.execute(text("SELECT 1"))
    return Health(status="ok")
