"""Alerts: list with filters, detail with evidence, acknowledge, resolve."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import (
    AdminDep,
    Cursor,
    Limit,
    OptionalBrandId,
    SessionDep,
    WorkspaceDep,
    checked_utc,
    id_path,
)
from api.routes.common import Page, page
from api.services import alerts as service
from api.services.alerts import AlertDetail, AlertOut
from models import AlertStatus

router = APIRouter(prefix="/alerts", tags=["alerts"])
AlertId = Annotated[int, id_path("The alert's id.")]


@router.get("")
def list_alerts(
    session: SessionDep,
    workspace: WorkspaceDep,
    status: Annotated[
        list[AlertStatus] | None,
        Query(description="Only these statuses (repeat the parameter for several)."),
    ] = None,
    brand_id: OptionalBrandId = None,
    kind: Annotated[
        str | None,
        Query(max_length=30, description="harm, negative_share, negative or volume."),
    ] = None,
    severity: Annotated[
        str | None, Query(max_length=10, description="low, medium, high or critical.")
    ] = None,
    since: Annotated[
        datetime | None, Query(description="Only incidents seen at or after this time.")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AlertOut]:
    """List alerts, newest incident first."""
    data, next_cursor = service.list_alerts(
        session,
        workspace.id or 0,
        status=status,
        brand_id=brand_id,
        kind=kind or None,
        severity=severity or None,
        since=checked_utc(since, "since"),
        limit=limit,
        cursor=cursor,
    )
    return page(data, next_cursor)


@router.get("/{alert_id}")
def get_alert(alert_id: AlertId, session: SessionDep, workspace: WorkspaceDep) -> AlertDetail:
    """Show an alert with why it fired and the posts and terms behind it."""
    return service.get_alert(session, workspace.id or 0, alert_id)


@router.post("/{alert_id}/acknowledge")
def acknowledge_alert(
    alert_id: AlertId, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> AlertDetail:
    """Mark an alert as being handled; a resolved alert is a 409."""
    return service.acknowledge_alert(session, workspace.id or 0, alert_id)


@router.post("/{alert_id}/resolve")
def resolve_alert(
    alert_id: AlertId, session: SessionDep, workspace: WorkspaceDep, _: AdminDep
) -> AlertDetail:
    """Close an alert."""
    return service.resolve_alert(session, workspace.id or 0, alert_id)
