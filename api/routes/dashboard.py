"""The dashboard: server-rendered pages behind an API-key login.

Pages are rendered from the same services as the JSON API; the chart data goes
into the page as a JSON block that `static/dashboard.js` draws with the vendored
Chart.js, so nothing is fetched from another origin.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from api.deps import COOKIE, MAX_ID, SessionDep, lookup_key, rate_limit
from api.services import analytics, rollups
from api.services.alerts import acknowledge_alert, get_alert, list_alerts, resolve_alert
from api.services.errors import DomainError
from api.services.mentions import MentionFilter, search_mentions
from models import AlertStatus, ApiKey, ApiKeyRole, Brand
from models.timeutil import utcnow

TEMPLATES = Jinja2Templates(directory=str(FilePath(__file__).resolve().parent.parent / "templates"))
router = APIRouter(include_in_schema=False)
PERIODS = (1, 7, 30, 90)
"""Periods (days) offered on a brand page."""


def _caller(request: Request, session: Session) -> ApiKey | None:
    secret = request.cookies.get(COOKIE)
    if not secret:
        return None
    found = lookup_key(session, secret, request.app.state.key_cache)
    if found is None:
        return None
    rate_limit(request, f"key:{found[0].id}")
    return found[0]


def _login(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    return TEMPLATES.TemplateResponse(
        request, "login.html", {"error": error}, status_code=status_code
    )


def _period(session: Session, brand_ids: list[int], days: int) -> tuple[datetime, datetime]:
    """The last `days` up to the latest mention, cut to start at the first one."""
    latest = rollups.latest_hour(session, brand_ids)
    hour = latest + 1 if latest is not None else rollups.hour_of(utcnow()) + 1
    end = rollups.hour_start(hour)
    start = end - timedelta(days=days)
    first = rollups.earliest_hour(session, brand_ids)
    if first is not None:
        start = max(start, rollups.hour_start(first))
    return start, end


@router.get("/", response_class=HTMLResponse, response_model=None)
def dashboard(
    request: Request,
    session: SessionDep,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
) -> Response:
    """Overview: every brand's figures and share of voice, and the open alerts."""
    key = _caller(request, session)
    if key is None:
        return _login(request)
    ws = key.workspace_id
    brands = analytics.rollup_brand_stats(session, ws)
    start, end = _period(session, [s.brand_id for s in brands], days)
    stats = analytics.rollup_brand_stats(session, ws, start=start, end=end)
    sov = analytics.share_of_voice(stats, by="mentions")
    alerts, _ = list_alerts(
        session, ws, status=[AlertStatus.open, AlertStatus.acknowledged], limit=20
    )
    context: dict[str, Any] = {
        "stats": stats,
        "sov": sov,
        "alerts": alerts,
        "start": start,
        "end": end,
        "days": days,
        "periods": PERIODS,
        "nav_brands": stats,
    }
    return TEMPLATES.TemplateResponse(request, "dashboard.html", context)


def _brand_page_data(
    session: Session, ws: int, brand: Brand, start: datetime, end: datetime, bucket: str
) -> dict[str, Any]:
    brand_id = brand.id or 0
    _, _, trend = analytics.sentiment_trend(
        session, ws, brand_id, start=start, end=end, bucket=bucket
    )
    group = analytics.competitor_set(session, ws, brand_id)
    stats = analytics.rollup_brand_stats(
        session, ws, start=start, end=end, brand_ids=[b.id or 0 for b in group]
    )
    by_mentions = analytics.share_of_voice(stats, by="mentions")
    by_reach = analytics.share_of_voice(stats, by="weighted_reach")
    _, _, compared, sov_trend = analytics.share_of_voice_trend(
        session, ws, brand_id, start=start, end=end, bucket=bucket
    )
    topics = analytics.list_topics(session, ws, brand_id=brand_id, limit=8)
    if not topics:
        topics = [t for t in analytics.list_topics(session, ws, limit=8) if t.brand_id is None]
    topic_trends = {}
    for topic in topics:
        _, _, points = analytics.topic_trend(
            session, ws, topic.id, start=start, end=end, bucket="day"
        )
        topic_trends[topic.id] = [p.mentions for p in points]
    label_format = "%d %b %H:%M" if bucket == "hour" else "%d %b"
    return {
        "trend": {
            "labels": [p.start.strftime(label_format) for p in trend],
            "negative": [p.negative for p in trend],
            "neutral": [p.neutral for p in trend],
            "positive": [p.positive for p in trend],
            "net": [p.net_sentiment for p in trend],
        },
        "sov": {
            "brands": [s.name for s in stats],
            "mentions": [round(by_mentions[s.brand_id] * 100, 1) for s in stats],
            "reach": [round(by_reach[s.brand_id] * 100, 1) for s in stats],
            "highlight": brand.name,
        },
        "sovTrend": {
            "labels": [b.start.strftime(label_format) for b in sov_trend],
            "series": [
                {
                    "brand": c.name,
                    "values": [
                        round(next(v.share for v in b.values if v.brand_id == c.id) * 100, 1)
                        for b in sov_trend
                    ],
                }
                for c in compared
            ],
        },
        "topics": {str(t): values for t, values in topic_trends.items()},
        "_stats": stats,
        "_topics": topics,
        "_shares": (by_mentions, by_reach),
    }


@router.get("/brands/{brand_id}", response_class=HTMLResponse, response_model=None)
def brand_page(
    request: Request,
    session: SessionDep,
    brand_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    sentiment: Annotated[
        Literal["negative", "neutral", "positive", "unscored", ""] | None, Query()
    ] = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    source: Annotated[str | None, Query(max_length=50)] = None,
    harm: Annotated[Literal["", "true", "false"] | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    topic_id: Annotated[str | None, Query(max_length=12)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """One brand: sentiment trend, share of voice, alerts, topics and a mention browser."""
    key = _caller(request, session)
    if key is None:
        return _login(request)
    ws = key.workspace_id
    try:
        brand = analytics.workspace_brand(session, ws, brand_id)
    except DomainError:
        return TEMPLATES.TemplateResponse(
            request, "not_found.html", {"what": "brand"}, status_code=404
        )
    group = analytics.competitor_set(session, ws, brand_id)
    start, end = _period(session, [b.id or 0 for b in group], days)
    bucket = "hour" if days <= 3 else "day"
    data = _brand_page_data(session, ws, brand, start, end, bucket)
    stats = data.pop("_stats")
    topics = data.pop("_topics")
    by_mentions, by_reach = data.pop("_shares")
    own = next(s for s in stats if s.brand_id == brand_id)
    response = analytics.response_stats(session, ws, brand_id, start=start, end=end)
    alerts, _ = list_alerts(
        session, ws, brand_id=brand_id, status=[AlertStatus.open, AlertStatus.acknowledged]
    )
    alert_details = [get_alert(session, ws, a.id) for a in alerts[:10]]
    topic_number = int(topic_id) if topic_id and topic_id.isdigit() else None
    filters = MentionFilter(
        brand_id=brand_id,
        sentiment=sentiment or None,
        language=language or None,
        source=source or None,
        harm={"true": True, "false": False}.get(harm or ""),
        topic_id=topic_number,
        q=q or None,
    )
    browser_error = None
    try:
        mentions, next_cursor = search_mentions(session, ws, filters, limit=25, cursor=cursor)
    except DomainError as exc:
        mentions, next_cursor, browser_error = [], None, exc.detail
    all_brands = analytics.rollup_brand_stats(session, ws)
    context: dict[str, Any] = {
        "brand": brand,
        "own": own,
        "stats": stats,
        "share_mentions": by_mentions,
        "share_reach": by_reach,
        "response": response,
        "alerts": alert_details,
        "topics": topics,
        "mentions": mentions,
        "next_cursor": next_cursor,
        "browser_error": browser_error,
        "filters": {
            "sentiment": sentiment or "",
            "language": language or "",
            "source": source or "",
            "harm": harm or "",
            "q": q or "",
            "topic_id": topic_id or "",
        },
        "chart_data": data,
        "start": start,
        "end": end,
        "days": days,
        "periods": PERIODS,
        "bucket": bucket,
        "is_admin": key.role == ApiKeyRole.admin,
        "nav_brands": all_brands,
        "brand_names": {s.brand_id: s.name for s in all_brands},
    }
    return TEMPLATES.TemplateResponse(request, "brand.html", context)


@router.post("/alerts/{alert_id}/{action}", response_model=None)
def alert_action(
    request: Request,
    session: SessionDep,
    alert_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    action: Literal["acknowledge", "resolve"],
    back: Annotated[str, Form(max_length=300)] = "/",
) -> Response:
    """Acknowledge or resolve an alert from the dashboard (admin keys only)."""
    key = _caller(request, session)
    if key is None:
        return _login(request, "Sign in again.", status_code=401)
    if key.role != ApiKeyRole.admin:
        return TEMPLATES.TemplateResponse(
            request, "not_found.html", {"what": "permission (admin key needed)"}, status_code=403
        )
    try:
        if action == "acknowledge":
            acknowledge_alert(session, key.workspace_id, alert_id)
        else:
            resolve_alert(session, key.workspace_id, alert_id)
    except DomainError:
        return TEMPLATES.TemplateResponse(
            request, "not_found.html", {"what": "alert"}, status_code=404
        )
    safe = back.startswith("/") and not back.startswith("//") and "\\" not in back
    target = back if safe else "/"
    return RedirectResponse(target, status_code=303)


@router.post("/login", response_model=None)
def login(
    request: Request, session: SessionDep, api_key: Annotated[str, Form(max_length=200)]
) -> Response:
    """Check the key and keep it in an HTTP-only cookie."""
    secret = api_key.strip()
    if lookup_key(session, secret) is None:
        client = request.client.host if request.client else "unknown"
        rate_limit(request, f"ip:{client}")
        return _login(request, "That API key is not valid.", status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, secret, httponly=True, samesite="strict")
    return response


@router.post("/logout")
def logout() -> RedirectResponse:
    """Forget the key."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response
