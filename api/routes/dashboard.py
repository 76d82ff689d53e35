"""The dashboard: server-rendered pages behind an API-key login."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.deps import SessionDep
from api.services.analytics import brand_stats, share_of_voice
from api.services.detection import list_alert_summaries
from api.services.workspaces import authenticate

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse, response_model=None)
def dashboard(request: Request, session: SessionDep) -> Response:
    """Per-brand overview: sentiment, share of voice, open alerts with evidence."""
    secret = request.cookies.get("gs_key")
    key = authenticate(session, secret) if secret else None
    if key is None:
        return TEMPLATES.TemplateResponse(request, "login.html", {"error": None})
    stats = brand_stats(session, key.workspace_id)
    sov = share_of_voice(stats, by="unique_mentions")
    alerts = list_alert_summaries(session, key.workspace_id)
    context: dict[str, Any] = {"stats": stats, "sov": sov, "alerts": alerts}
    return TEMPLATES.TemplateResponse(request, "dashboard.html", context)


@router.post("/login", response_model=None)
def login(
    request: Request, session: SessionDep, api_key: Annotated[str, Form(max_length=200)]
) -> Response:
    """Check the key and keep it in an HTTP-only cookie."""
    if authenticate(session, api_key.strip()) is None:
        return TEMPLATES.TemplateResponse(
            request, "login.html", {"error": "That API key is not valid."}, status_code=401
        )
    response = RedirectResponse("/", status_code=303)
    response.set_cookie("gs_key", api_key.strip(), httponly=True, samesite="strict")
    return response


@router.post("/logout")
def logout() -> RedirectResponse:
    """Forget the key."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie("gs_key")
    return response
