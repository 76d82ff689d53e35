"""The ingest webhook: batches of mentions pushed in, through the one ingest path.

Building an `Ingestor` from scratch seeds its near-duplicate index with the last
20,000 mentions, which takes seconds; a webhook called every few seconds cannot
pay that each time. `WebhookIngest` keeps one index (and brand matcher) per
workspace between calls and, before each batch, adds whatever other writers
(collectors, file imports, other processes) stored since, so near-duplicates are
linked across every path exactly as if the index had been rebuilt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, status
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from api.deps import EARLIEST, LATEST, MAX_ID, AdminDep, SessionDep, WorkspaceDep
from api.services.ingest import Ingestor, IngestReport, brand_specs
from api.services.jobs import request_analysis
from api.services.source_admin import get_source
from listener.dedup import NearDuplicateIndex
from listener.matching import BrandMatcher
from models import Mention
from models.timeutil import ensure_utc
from models.types import MentionIn

log = logging.getLogger("groundswell.ingest")
router = APIRouter(prefix="/ingest", tags=["ingest"])
MAX_BATCH = 5000
MAX_COUNT = 2**31 - 1
_DATETIME = TypeAdapter(datetime)


class WebhookMention(MentionIn):
    """One mention as pushed to the webhook; unknown fields are refused.

    `external_id` and `text` are required; `source` + `external_id` identify the
    mention, so sending it again changes nothing. Put source-specific fields in
    `extra`.
    """

    model_config = ConfigDict(extra="forbid")

    source: str = Field(default="webhook", min_length=1, max_length=50)
    url: str | None = Field(
        default=None,
        max_length=2048,
        description="The mention's own permalink. Two mentions with the same URL are one "
        "mention (the second is a replay), so never send a shared address such as the "
        "article a comment belongs to.",
    )
    author: str | None = Field(default=None, max_length=200)
    author_followers: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    language: str | None = Field(default=None, max_length=8)
    likes: int = Field(default=0, ge=0, le=MAX_COUNT)
    shares: int = Field(default=0, ge=0, le=MAX_COUNT)
    replies: int = Field(default=0, ge=0, le=MAX_COUNT)
    parent_external_id: str | None = Field(default=None, max_length=512)
    thread_external_id: str | None = Field(default=None, max_length=512)
    country: str | None = Field(default=None, max_length=8)
    brand_hint: str | None = Field(
        default=None, max_length=200, description="The brand this mention is about, if known."
    )

    @field_validator("created_at", mode="before")
    @classmethod
    def _sane_time(cls, value: Any) -> Any:
        if value is None:
            return None
        moment = _DATETIME.validate_python(value)
        try:
            moment = ensure_utc(moment)
        except (OverflowError, ValueError):
            raise ValueError("created_at is out of range") from None
        if not EARLIEST <= moment <= LATEST:
            raise ValueError("created_at must lie between 1970 and 2200")
        return moment

    @field_validator(
        "external_id",
        "source",
        "url",
        "author",
        "language",
        "parent_external_id",
        "thread_external_id",
        "country",
        "brand_hint",
        mode="after",
    )
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


MentionList = Annotated[list[WebhookMention], Field(min_length=1, max_length=MAX_BATCH)]


class IngestBatch(BaseModel):
    """A batch of mentions, optionally attributed to a configured source."""

    model_config = ConfigDict(extra="forbid")

    source_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="A source of your workspace."
    )
    mentions: MentionList


class IngestResult(BaseModel):
    """What the batch did, in counts."""

    received: int
    inserted: int
    duplicates: int = Field(description="Already stored (same source + external id or URL).")
    near_duplicates: int = Field(description="Stored, linked to the original they copy.")
    brand_links: int
    unmatched: int = Field(description="Stored, but about none of the workspace's brands.")
    unknown_brand_hints: dict[str, int]


@dataclass
class _WorkspaceState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    index: NearDuplicateIndex | None = None
    last_id: int = 0
    brands: Any = None
    matcher: BrandMatcher | None = None


class WebhookIngest:
    """Ingest through `Ingestor` with a near-duplicate index kept per workspace.

    Args:
        recent_limit: How many recent mentions the index holds (as `Ingestor`'s seed).
    """

    def __init__(self, recent_limit: int = 20_000) -> None:
        self.recent_limit = recent_limit
        self._states: dict[int, _WorkspaceState] = {}
        self._lock = threading.Lock()

    def _state(self, workspace_id: int) -> _WorkspaceState:
        with self._lock:
            return self._states.setdefault(workspace_id, _WorkspaceState())

    def _rows(self, session: Session, workspace_id: int, after_id: int | None) -> Sequence[Any]:
        m = Mention
        statement = select(m.id, m.dedup_key, m.text, m.created_at).where(
            col(m.workspace_id) == workspace_id
        )
        if after_id is None:
            statement = statement.order_by(col(m.created_at).desc()).limit(self.recent_limit)
        else:
            statement = (
                statement.where(col(m.id) > after_id)
                .order_by(col(m.id))
                .limit(self.recent_limit + 1)
            )
        return session.execute(statement).all()

    def _catch_up(self, session: Session, workspace_id: int, state: _WorkspaceState) -> None:
        if state.index is None:
            state.last_id = int(
                session.execute(
                    select(func.coalesce(func.max(Mention.id), 0)).where(
                        col(Mention.workspace_id) == workspace_id
                    )
                ).scalar_one()
            )
            state.index = NearDuplicateIndex()
            rows = sorted(self._rows(session, workspace_id, None), key=lambda r: r[3])
        else:
            rows = list(self._rows(session, workspace_id, state.last_id))
            if len(rows) > self.recent_limit:
                # A bulk load elsewhere: cheaper to start again from the newest mentions.
                state.index = None
                self._catch_up(session, workspace_id, state)
                return
            if rows:
                state.last_id = max(state.last_id, max(int(r[0]) for r in rows))
        if rows:
            state.index.link_batch(
                (key, text, ensure_utc(created).timestamp()) for _, key, text, created in rows
            )
        if len(state.index) > 3 * self.recent_limit:
            cutoff = session.execute(
                select(Mention.created_at)
                .where(col(Mention.workspace_id) == workspace_id)
                .order_by(col(Mention.created_at).desc())
                .offset(self.recent_limit)
                .limit(1)
            ).scalar_one_or_none()
            if cutoff is not None:
                state.index.prune(ensure_utc(cutoff).timestamp())

    def ingest(
        self,
        session: Session,
        workspace_id: int,
        mentions: list[MentionIn],
        source_id: int | None,
    ) -> IngestReport:
        """Store a batch for a workspace (batches of one workspace run one at a time).

        Args:
            session: The request's session.
            workspace_id: The workspace.
            mentions: The mentions.
            source_id: The source they came from, if any.

        Returns:
            The ingest counts.
        """
        state = self._state(workspace_id)
        with state.lock:
            specs = brand_specs(session, workspace_id)
            fingerprint = [(b.id, b.name, b.aliases, b.handles, b.query) for b in specs]
            if state.matcher is None or fingerprint != state.brands:
                state.matcher = BrandMatcher(specs)
                state.brands = fingerprint
            try:
                self._catch_up(session, workspace_id, state)
                ingestor = Ingestor(
                    session, workspace_id, matcher=state.matcher, near_duplicates=state.index
                )
                return ingestor.ingest(mentions, source_id=source_id)
            except BaseException:
                # The index may hold texts whose rows were rolled back: rebuild next time.
                state.index = None
                raise


def _webhook(request: Request) -> WebhookIngest:
    state = request.app.state
    with _CREATE_LOCK:
        if getattr(state, "webhook_ingest", None) is None:
            state.webhook_ingest = WebhookIngest()
    ingest: WebhookIngest = state.webhook_ingest
    return ingest


_CREATE_LOCK = threading.Lock()


@router.post("", status_code=status.HTTP_202_ACCEPTED)
def ingest(
    body: Annotated[
        IngestBatch | MentionList,
        Body(
            description="`{source_id?, mentions: [...]}` or just the list of mentions "
            f"(at most {MAX_BATCH})."
        ),
    ],
    request: Request,
    session: SessionDep,
    workspace: WorkspaceDep,
    _: AdminDep,
) -> IngestResult:
    """Store a batch of mentions; idempotent by source + external id."""
    batch = IngestBatch(mentions=body) if isinstance(body, list) else body
    source_id = batch.source_id
    if source_id is not None:
        get_source(session, workspace.id or 0, source_id)
    mentions: list[MentionIn] = list(batch.mentions)
    report = _webhook(request).ingest(session, workspace.id or 0, mentions, source_id)
    if report.inserted and getattr(request.app.state.settings, "webhook_enqueue_analysis", True):
        _enqueue_analysis(session, workspace.id or 0)
    data: dict[str, Any] = {
        "received": report.received,
        "inserted": report.inserted,
        "duplicates": report.duplicates,
        "near_duplicates": report.near_duplicates,
        "brand_links": report.brand_links,
        "unmatched": report.unmatched,
        "unknown_brand_hints": report.unknown_brand_hints,
    }
    return IngestResult(**data)


def _enqueue_analysis(session: Session, workspace_id: int) -> None:
    # The mentions are committed already; a missed job only delays analysis until
    # the next batch (or a worker's schedule sweep), so it must not fail the call.
    try:
        request_analysis(session, workspace_id)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.warning("could not queue analysis for workspace %s", workspace_id, exc_info=True)
