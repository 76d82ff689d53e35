"""The FastAPI app: routers, the request-size limit, security headers, CORS, static files.

Heavy libraries (torch, transformers, bertopic, spacy) are never imported here,
so `import api.main` and app start-up stay fast; a test checks that.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import KeyCache, RateLimiter
from api.problems import PROBLEM, document_problems, install_problem_handlers
from api.routes import (
    alerts,
    analytics,
    brands,
    dashboard,
    exports,
    health,
    ingest,
    keys,
    mentions,
    sources,
    topics,
)
from models.db import make_engine
from models.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with a 413 problem (and NULs in URLs with a 422).

    A declared Content-Length over the limit is refused before the body is read;
    a body that grows past the limit while streaming (chunked, or lying about its
    length) is cut off with the same answer. A NUL character in the path or query
    string is never meaningful and some databases cannot even compare it, so it is
    refused up front.

    Args:
        app: The wrapped ASGI app.
        max_bytes: The limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count the bytes as they arrive."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or str(scope.get("path", "")).encode()
        if (
            b"%00" in raw_path
            or b"%00" in scope.get("query_string", b"")
            or "\x00" in str(scope.get("path", ""))
        ):
            await self._refuse(send, 422, "Invalid request", "the URL contains a NUL character")
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await self._refuse(send, 400, "Bad Request", "Content-Length is not a number")
                return
            if length > self.max_bytes:
                await self._refuse(send, 413, "Content Too Large", self._detail())
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, limited, send)

    def _detail(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes"

    @staticmethod
    async def _refuse(send: Send, status: int, title: str, detail: str) -> None:
        body = json.dumps(
            {"type": "about:blank", "title": title, "status": status, "detail": detail}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add conservative security headers; pages get a strict Content-Security-Policy.

    Args:
        app: The wrapped ASGI app.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = str(scope.get("path", "")).startswith("/v1/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra: list[tuple[bytes, bytes]] = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    extra.append((b"content-security-policy", CSP.encode()))
                if is_api and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = headers + [h for h in extra if h[0] not in names]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for the given settings (default: from the environment)."""
    settings = settings or Settings()
    app = FastAPI(
        title="Groundswell",
        version="0.1.0",
        description=(
            "Social listening: mentions, sentiment, share of voice, crisis alerts, topics.\n\n"
            "Authenticate with an API key in `X-API-Key` (or `Authorization: Bearer`). "
            "Keys are scoped to one workspace with a `read` or `admin` role. Errors are "
            "`application/problem+json`. Lists are `{data, count, next_cursor}`: pass "
            "`next_cursor` as `cursor` to get the next page; `count` is the page's length."
        ),
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url())
    app.state.limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.key_cache = KeyCache()
    install_problem_handlers(app)
    v1 = APIRouter(prefix="/v1")
    for module in (
        health,
        brands,
        sources,
        mentions,
        ingest,
        exports,
        analytics,
        alerts,
        topics,
        keys,
    ):
        v1.include_router(module.router)
    app.include_router(v1)
    app.include_router(dashboard.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.openapi = document_problems(app)  # type: ignore[method-assign]
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["X-API-Key", "Authorization", "Content-Type"],
            max_age=600,
        )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    return app
