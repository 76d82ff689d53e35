"""Alerts for people: list with filters, detail with evidence, acknowledge, resolve.

Detection (`api.services.detection`) opens and updates alerts; this module is
what a person (through the API or the dashboard) does with them. Acknowledging
says "someone is on it"; resolving closes the incident. Both are idempotent, and
a resolved alert cannot be acknowledged again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from api.services.errors import Conflict, NotFound
from api.services.mentions import decode_cursor, encode_cursor
from models import Alert, AlertEvidence, AlertStatus, Brand, Mention
from models.timeutil import ensure_utc, utcnow


class AlertOut(BaseModel):
    """An alert as the API lists it."""

    id: int
    brand_id: int | None
    brand: str | None = Field(description="The brand's name, when the alert is about one.")
    kind: str
    severity: str
    status: AlertStatus
    title: str
    series: str
    why: dict[str, Any] = Field(description="Why it fired: observed, expected, statistic.")
    explain: str = Field(description="`why` in one sentence.")
    started_at: datetime
    last_seen_at: datetime
    fire_count: int
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None


class EvidencePost(BaseModel):
    """A post that explains an alert, ranked by reach (its copies folded in)."""

    rank: int
    mention_id: int | None
    author: str | None = None
    text: str | None = None
    url: str | None = None
    created_at: datetime | None = None
    reach: int | None = None
    copies: int | None = None
    sentiment: str | None = None
    is_harm: bool | None = None


class EvidenceTerm(BaseModel):
    """A term much more frequent in the incident than before it."""

    rank: int
    term: str
    window_count: int | None = None
    baseline_count: int | None = None
    lift: float | None = None


class EvidenceTopic(BaseModel):
    """A topic that holds a good share of the incident's posts."""

    rank: int
    topic_id: int | None = None
    label: str
    posts: int | None = None
    share: float | None = None
    negative_share: float | None = None
    new: bool = False


class AlertDetail(AlertOut):
    """An alert with the posts, terms and topics that explain it."""

    posts: list[EvidencePost]
    terms: list[EvidenceTerm]
    topics: list[EvidenceTopic] = []


def _out(alert: Alert, brand_names: dict[int, str]) -> AlertOut:
    return AlertOut(
        id=alert.id or 0,
        brand_id=alert.brand_id,
        brand=brand_names.get(alert.brand_id) if alert.brand_id is not None else None,
        kind=alert.kind,
        severity=alert.severity,
        status=alert.status,
        title=alert.title,
        series=alert.series,
        why=dict(alert.why),
        explain=str(alert.why.get("explain", "")),
        started_at=ensure_utc(alert.started_at),
        last_seen_at=ensure_utc(alert.last_seen_at),
        fire_count=alert.fire_count,
        created_at=ensure_utc(alert.created_at),
        updated_at=ensure_utc(alert.updated_at),
        acknowledged_at=ensure_utc(alert.acknowledged_at) if alert.acknowledged_at else None,
        resolved_at=ensure_utc(alert.resolved_at) if alert.resolved_at else None,
    )


def _brand_names(session: Session, workspace_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Brand.id, Brand.name).where(Brand.workspace_id == workspace_id)
    ).all()
    return {int(i): str(n) for i, n in rows}


def list_alerts(
    session: Session,
    workspace_id: int,
    *,
    status: list[AlertStatus] | None = None,
    brand_id: int | None = None,
    kind: str | None = None,
    severity: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[AlertOut], str | None]:
    """One page of the workspace's alerts, newest incident first.

    Args:
        session: An open session.
        workspace_id: The workspace.
        status: Only these statuses (None: all).
        brand_id: Only this brand's alerts.
        kind: Only this kind (harm, negative_share, negative, volume).
        severity: Only this severity.
        since: Only incidents seen at or after this time.
        limit: Page size.
        cursor: `next_cursor` of the previous page.

    Returns:
        The page and the next page's cursor (None on the last).

    Raises:
        NotFound: `brand_id` is not a brand of this workspace.
        BadCursor: The cursor is malformed.
    """
    names = _brand_names(session, workspace_id)
    statement = select(Alert).where(Alert.workspace_id == workspace_id)
    if brand_id is not None:
        if brand_id not in names:
            raise NotFound(f"brand {brand_id} not found")
        statement = statement.where(Alert.brand_id == brand_id)
    if status:
        statement = statement.where(col(Alert.status).in_(list(status)))
    if kind:
        statement = statement.where(Alert.kind == kind)
    if severity:
        statement = statement.where(Alert.severity == severity)
    if since is not None:
        statement = statement.where(col(Alert.last_seen_at) >= ensure_utc(since))
    if cursor:
        moment, last_id = decode_cursor("alerts", cursor, (datetime, int))
        statement = statement.where(
            or_(
                col(Alert.started_at) < moment,
                and_(col(Alert.started_at) == moment, col(Alert.id) < last_id),
            )
        )
    statement = statement.order_by(col(Alert.started_at).desc(), col(Alert.id).desc())
    rows = list(session.execute(statement.limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor("alerts", [ensure_utc(last.started_at).isoformat(), last.id])
    return [_out(a, names) for a in rows], next_cursor


def _get(session: Session, workspace_id: int, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None or alert.workspace_id != workspace_id:
        raise NotFound(f"alert {alert_id} not found")
    return alert


def get_alert(session: Session, workspace_id: int, alert_id: int) -> AlertDetail:
    """Return an alert with its evidence: top posts (by reach) and new terms.

    Raises:
        NotFound: No such alert in this workspace.
    """
    alert = _get(session, workspace_id, alert_id)
    items = list(
        session.execute(
            select(AlertEvidence)
            .where(AlertEvidence.alert_id == alert_id)
            .order_by(col(AlertEvidence.kind), col(AlertEvidence.rank))
        ).scalars()
    )
    mention_ids = [i.mention_id for i in items if i.mention_id is not None]
    mentions: dict[int, Mention] = {}
    if mention_ids:
        mentions = {
            m.id or 0: m
            for m in session.execute(
                select(Mention).where(
                    col(Mention.id).in_(mention_ids), Mention.workspace_id == workspace_id
                )
            ).scalars()
        }
    posts, terms, topics = [], [], []
    for item in items:
        d = item.detail
        if item.kind == "topic":
            topics.append(
                EvidenceTopic(
                    rank=item.rank,
                    topic_id=d.get("topic_id"),
                    label=str(d.get("label", "")),
                    posts=d.get("posts"),
                    share=d.get("share"),
                    negative_share=d.get("negative_share"),
                    new=bool(d.get("new")),
                )
            )
            continue
        if item.kind == "term":
            terms.append(
                EvidenceTerm(
                    rank=item.rank,
                    term=str(d.get("term", "")),
                    window_count=d.get("window_count"),
                    baseline_count=d.get("baseline_count"),
                    lift=d.get("lift"),
                )
            )
            continue
        mention = mentions.get(item.mention_id or 0)
        created = d.get("created_at")
        posts.append(
            EvidencePost(
                rank=item.rank,
                mention_id=item.mention_id if mention is not None else None,
                author=d.get("author") if mention is None else mention.author,
                text=d.get("text") if mention is None else mention.text,
                url=d.get("url") if mention is None else mention.url,
                created_at=(
                    ensure_utc(mention.created_at)
                    if mention is not None
                    else (ensure_utc(datetime.fromisoformat(created)) if created else None)
                ),
                reach=d.get("reach"),
                copies=d.get("copies"),
                sentiment=mention.sentiment if mention is not None else None,
                is_harm=mention.is_harm if mention is not None else None,
            )
        )
    base = _out(alert, _brand_names(session, workspace_id))
    return AlertDetail(**base.model_dump(), posts=posts, terms=terms, topics=topics)


def acknowledge_alert(session: Session, workspace_id: int, alert_id: int) -> AlertDetail:
    """Mark an open alert as being handled (idempotent).

    Raises:
        NotFound: No such alert in this workspace.
        Conflict: The alert is already resolved.
    """
    alert = _get(session, workspace_id, alert_id)
    if alert.status == AlertStatus.resolved:
        raise Conflict(f"alert {alert_id} is resolved; it cannot be acknowledged")
    if alert.status == AlertStatus.open:
        now = utcnow()
        alert.status = AlertStatus.acknowledged
        alert.acknowledged_at = now
        alert.updated_at = now
        session.add(alert)
        session.commit()
    return get_alert(session, workspace_id, alert_id)


def resolve_alert(session: Session, workspace_id: int, alert_id: int) -> AlertDetail:
    """Close an alert (idempotent); an unacknowledged one counts as acknowledged too.

    Raises:
        NotFound: No such alert in this workspace.
    """
    alert = _get(session, workspace_id, alert_id)
    if alert.status != AlertStatus.resolved:
        now = utcnow()
        alert.status = AlertStatus.resolved
        alert.resolved_at = now
        alert.acknowledged_at = alert.acknowledged_at or now
        alert.updated_at = now
        session.add(alert)
        session.commit()
    return get_alert(session, workspace_id, alert_id)
