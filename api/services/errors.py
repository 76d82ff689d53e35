"""Domain errors that services raise; `api/` maps them to problem documents."""

from __future__ import annotations


class DomainError(Exception):
    """Base for errors a client can fix; carries an HTTP-like status."""

    status: int = 400
    title: str = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The thing asked for does not exist in this workspace."""

    status = 404
    title = "Not found"


class Conflict(DomainError):
    """The request clashes with what exists (a duplicate name, say)."""

    status = 409
    title = "Conflict"


class Invalid(DomainError):
    """The request is well-formed but its content is not acceptable."""

    status = 422
    title = "Invalid request"
