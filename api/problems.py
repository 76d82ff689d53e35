"""Errors as `application/problem+json` (RFC 9457), never a bare 500 page.

Domain errors, HTTP errors, validation errors and database errors a client can
cause (a value the column cannot hold, a clash with a unique constraint) all
become problem documents; anything else is logged and answered with a 500
problem. `document_problems` rewrites the OpenAPI schema so every operation
documents its error responses with the same `Problem` schema and media type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.services.errors import DomainError

PROBLEM = "application/problem+json"
log = logging.getLogger("groundswell.api")


class ValidationIssue(BaseModel):
    """One reason a request does not match the schema."""

    loc: list[str | int]
    msg: str
    type: str | None = None


class Problem(BaseModel):
    """An error, as RFC 9457 describes it."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank", description="A URI naming the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong this time.")
    errors: list[ValidationIssue] | None = Field(
        default=None, description="For 422: each field that did not validate."
    )


class ProblemException(StarletteHTTPException):
    """An HTTP error that carries extra members for its problem document."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(status_code, detail, headers=headers)
        self.extra = extra


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> JSONResponse:
    """Build a problem document response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def title_for(status: int) -> str:
    """Return the standard reason phrase for a status code."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def install_problem_handlers(app: FastAPI) -> None:
    """Map domain errors, HTTP errors, validation errors and crashes to problems."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        extra = getattr(exc, "extra", {})
        response = problem(exc.status_code, title_for(exc.status_code), str(exc.detail), **extra)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": e.get("type"),
            }
            for e in exc.errors()
        ]
        return problem(
            422, "Invalid request", "the request does not match the schema", errors=errors
        )

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        # A value the database cannot store (NUL characters, out-of-range numbers).
        log.info("rejected a value the database cannot store: %s", exc.orig)
        return problem(422, "Invalid request", "a value in the request cannot be stored")

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.info("request clashed with a constraint: %s", exc.orig)
        return problem(409, "Conflict", "the request clashes with data that exists")

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(500, "Internal error", "an unexpected error occurred; it was logged")


ERROR_STATUSES: dict[int, str] = {
    400: "Malformed request (a bad cursor, say).",
    401: "No API key, or an invalid or revoked one.",
    403: "The key is read-only and the operation needs an admin key.",
    404: "No such resource in the caller's workspace.",
    409: "The request clashes with what exists.",
    413: "The request body is larger than the server accepts.",
    422: "The request does not match the schema, or its content is not acceptable.",
    429: "Too many requests for this key; retry after `Retry-After` seconds.",
    500: "Unexpected error (logged).",
}


def document_problems(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """Return an `openapi()` that documents problem responses on every operation.

    Args:
        app: The app whose schema is generated.

    Returns:
        The replacement for `app.openapi`.
    """

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in problem_schema.pop("$defs", {}).items():
            components[name] = definition
        components["Problem"] = problem_schema
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        ref = {"$ref": "#/components/schemas/Problem"}
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                public = path == "/v1/health"
                for status, description in ERROR_STATUSES.items():
                    if public and status in (401, 403, 404, 409, 429):
                        continue
                    entry: dict[str, Any] = {
                        "description": description,
                        "content": {PROBLEM: {"schema": ref}},
                    }
                    if status == 429:
                        entry["headers"] = {
                            "Retry-After": {
                                "description": "Seconds until a request will be accepted.",
                                "schema": {"type": "integer"},
                            }
                        }
                    if status == 401:
                        entry["headers"] = {
                            "WWW-Authenticate": {
                                "description": "How to authenticate.",
                                "schema": {"type": "string"},
                            }
                        }
                    responses[str(status)] = entry
        app.openapi_schema = schema
        return schema

    return openapi
