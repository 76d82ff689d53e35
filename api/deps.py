"""FastAPI dependencies: settings, sessions, the caller's key, workspace and role, limits.

Keys come from `X-API-Key`, a bearer token or the dashboard's cookie. Every
authenticated request spends a token from its key's bucket (setting
`rate_limit_per_minute`); failed key checks spend from the client address's
bucket, so guessing keys is throttled too.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.services.workspaces import KEY_PREFIX, hash_key
from models import ApiKey, ApiKeyRole, Workspace
from models.settings import Settings
from models.timeutil import ensure_utc, utcnow

MAX_ID = 2**31 - 1
"""Largest id a path or query parameter may carry (ids are 32-bit integers)."""
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
LAST_USED_RESOLUTION = timedelta(minutes=1)
"""How stale `ApiKey.last_used_at` may get; writing it on every request would serialise reads."""
COOKIE = "gs_key"

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key (`gsk_…`)."
)
bearer = HTTPBearer(auto_error=False, description="The API key as a bearer token.")
cookie = APIKeyCookie(name=COOKIE, auto_error=False, description="Set by the dashboard login.")


class RateLimiter:
    """Token buckets per caller: `per_minute` requests a minute, bursts up to the same.

    Thread-safe; buckets of callers not seen for a while are dropped (at most
    `max_buckets` are kept).

    Args:
        per_minute: Sustained requests a minute (also the burst size).
        max_buckets: Most callers remembered.
    """

    def __init__(self, per_minute: int, max_buckets: int = 10_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, caller: str, now: float | None = None) -> float:
        """Spend one token.

        Args:
            caller: Who is asking (a key id or a client address).
            now: The monotonic time (tests pass it).

        Returns:
            0 if allowed, else the seconds until a token is available.
        """
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(caller, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[caller] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[caller] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
            return wait


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    """The app's engine."""
    engine: Engine = request.app.state.engine
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """A session per request."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]


def _too_many(wait: float) -> HTTPException:
    return HTTPException(
        429,
        "rate limit exceeded; slow down",
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )


class KeyCache:
    """Recently checked keys with their workspace, for a few seconds.

    Saves the two lookups every request would otherwise make. A key revoked
    through this process's API is dropped at once (`clear`); one revoked
    elsewhere (the CLI, another worker) stops working within `ttl` seconds.

    Args:
        ttl: Seconds an entry is trusted.
        max_entries: Most keys remembered.
    """

    def __init__(self, ttl: float = 5.0, max_entries: int = 1000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, ApiKey, Workspace]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> tuple[ApiKey, Workspace] | None:
        """Return the cached key and workspace for a key hash, if still fresh."""
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None or entry[0] < time.monotonic():
                self._entries.pop(digest, None)
                return None
            return entry[1], entry[2]

    def put(self, digest: str, key: ApiKey, workspace: Workspace) -> None:
        """Remember a checked key (detached copies, safe to share between requests)."""
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[digest] = (
                time.monotonic() + self.ttl,
                ApiKey.model_validate(key.model_dump()),
                Workspace.model_validate(workspace.model_dump()),
            )

    def clear(self) -> None:
        """Forget every key (after a revocation)."""
        with self._lock:
            self._entries.clear()


def lookup_key(
    session: Session, secret: str, cache: KeyCache | None = None
) -> tuple[ApiKey, Workspace] | None:
    """Return the live key for a secret and its workspace, or None.

    Notes when the key was last used (to the minute).

    Args:
        session: An open session (committed when `last_used_at` is refreshed).
        secret: The presented secret.
        cache: Recently checked keys, if any.

    Returns:
        The key and its workspace, or None if unknown or revoked.
    """
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    digest = hash_key(secret)
    if cache is not None and (hit := cache.get(digest)) is not None:
        return hit
    row = session.execute(
        select(ApiKey, Workspace)
        .join(Workspace, col(Workspace.id) == col(ApiKey.workspace_id))
        .where(ApiKey.key_hash == digest)
    ).one_or_none()
    if row is None or row[0].revoked:
        return None
    key, workspace = row[0], row[1]
    now = utcnow()
    if key.last_used_at is None or now - ensure_utc(key.last_used_at) > LAST_USED_RESOLUTION:
        key.last_used_at = now
        session.add(key)
        session.commit()
    if cache is not None:
        cache.put(digest, key, workspace)
    return key, workspace


def rate_limit(request: Request, caller: str) -> None:
    """Spend a token for `caller`.

    Raises:
        HTTPException: 429 with `Retry-After` when the bucket is empty.
    """
    limiter: RateLimiter = request.app.state.limiter
    wait = limiter.take(caller)
    if wait > 0:
        raise _too_many(wait)


def get_api_key(
    session: SessionDep,
    request: Request,
    header_key: Annotated[str | None, Depends(api_key_header)] = None,
    bearer_key: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
    cookie_key: Annotated[str | None, Depends(cookie)] = None,
) -> ApiKey:
    """The caller's API key, from `X-API-Key`, a bearer token or the dashboard cookie."""
    secret = header_key or (bearer_key.credentials if bearer_key else None) or cookie_key
    if not secret:
        raise HTTPException(
            401, "an API key is required (X-API-Key header)", headers={"WWW-Authenticate": "Bearer"}
        )
    found = lookup_key(session, secret.strip(), request.app.state.key_cache)
    if found is None:
        client = request.client.host if request.client else "unknown"
        rate_limit(request, f"ip:{client}")
        raise HTTPException(
            401, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"}
        )
    key, workspace = found
    rate_limit(request, f"key:{key.id}")
    request.state.workspace = workspace
    return key


ApiKeyDep = Annotated[ApiKey, Depends(get_api_key)]


def get_workspace(request: Request, key: ApiKeyDep) -> Workspace:
    """The workspace the caller's key is scoped to (read with the key)."""
    workspace: Workspace = request.state.workspace
    if workspace.id != key.workspace_id:  # pragma: no cover - set together above
        raise HTTPException(401, "the key's workspace does not match")
    return workspace


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]


def require_admin(key: ApiKeyDep) -> ApiKey:
    """Refuse callers whose key is read-only."""
    if key.role != ApiKeyRole.admin:
        raise HTTPException(403, "this key is read-only; an admin key is required")
    return key


AdminDep = Annotated[ApiKey, Depends(require_admin)]


# --- common parameters ---------------------------------------------------------------------


@dataclass(frozen=True)
class TimeRange:
    """A validated ``[start, end)``; either end may be open."""

    start: datetime | None
    end: datetime | None


def checked_utc(value: datetime | None, name: str) -> datetime | None:
    """Return a query-string time in UTC, refusing times outside 1970–2200 with a 422."""
    if value is None:
        return None
    try:
        moment = ensure_utc(value)
    except (OverflowError, ValueError):
        moment = None
    if moment is None or not EARLIEST <= moment <= LATEST:
        raise HTTPException(422, f"{name} must lie between 1970 and 2200")
    return moment


def time_range(
    start: Annotated[
        datetime | None,
        Query(description="Inclusive start (ISO 8601; no offset means UTC)."),
    ] = None,
    end: Annotated[
        datetime | None,
        Query(description="Exclusive end (ISO 8601; no offset means UTC)."),
    ] = None,
) -> TimeRange:
    """A time range from the query string, in UTC, with `end` after `start`."""
    lo, hi = checked_utc(start, "start"), checked_utc(end, "end")
    if lo is not None and hi is not None and hi <= lo:
        raise HTTPException(422, "end must be after start")
    return TimeRange(lo, hi)


TimeRangeDep = Annotated[TimeRange, Depends(time_range)]
Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
Cursor = Annotated[
    str | None,
    Query(
        max_length=500,
        pattern=r"^[A-Za-z0-9_-]*$",
        description="`next_cursor` from the previous page.",
    ),
]
BrandIdQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="A brand of your workspace.")]
OptionalBrandId = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only this brand (of your workspace).")
]


def id_path(description: str) -> object:
    """A path parameter declaration for a positive 32-bit id."""
    return Path(ge=1, le=MAX_ID, description=description)
