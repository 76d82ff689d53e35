"""A thin job queue on the database, its handlers, and the `Worker` that drains it.

**Queue.** A job is a `models.Job` row. `claim` moves the best ready job
(highest ``priority``, then oldest ``run_after``) from ``queued`` to
``running`` in one ``UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)``:
on PostgreSQL concurrent workers skip each other's candidate rows instead of
queueing behind them; SQLite has one writer at a time, so the same statement
(without the lock clause, which SQLite does not have) is atomic there by itself.
The claim sets a lease (``lease_until``) that the worker's heartbeat keeps
extending. A worker that dies stops extending it: once it expires, `claim`
takes the job again with ``attempts + 1``, until ``max_attempts`` is reached
and the job is marked ``failed`` with its last error kept.

**Fencing.** The attempt number is a fencing token. `complete`, `fail`,
`release` and `extend_lease` only touch a row whose ``attempts`` still equals
the caller's attempt and which is still ``running``; otherwise they raise (or
return) `LeaseLost`. A *transactional* handler (``analyze``) writes its effects
in the session the worker gives it and `complete` runs in that same
transaction, so a worker whose lease was taken over rolls its work back: a job
never runs twice to completion and nothing is stored twice. Handlers that
commit on their own (``collect``, ``detect``) are idempotent by construction
(ingest is keyed by source + external id; detection saves its detector states
only if nobody advanced them), so a replay after a crash changes nothing.

**Dedupe.** A job may carry a ``dedupe_key``; at most one *queued* job holds a
key (a partial unique index), so "analyse workspace 3" requested by every
webhook call while one waits costs one row. A running job does not hold its key:
new input that arrives while it runs gets a job of its own.

**Worker.** `Worker` runs ``concurrency`` threads, each looping claim → run →
complete, plus a heartbeat thread. SIGTERM/SIGINT (`Worker.run` with
``handle_signals``) let every thread finish its job and exit. Losing the
database never kills a worker: `sqlalchemy.exc.OperationalError` and friends
are caught, the thread sleeps with exponential backoff and tries again, and a
job interrupted by the outage is handed back (or its lease simply expires).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from sqlalchemy import and_, case, exists, func, insert, literal, or_, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlmodel import Session, col, select

from models import Job, JobStatus, Mention, Source, Workspace
from models.timeutil import utcnow

log = logging.getLogger("groundswell.worker")

DEFAULT_LEASE_SECONDS = 60.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_ANALYZE_BATCH = 500
MAX_ERROR_CHARS = 4000
ANALYZE_PRIORITY = 0
DETECT_PRIORITY = -10
"""Detection waits while analysis is queued: it would only find unanalysed buckets."""
COLLECT_PRIORITY = 10
"""Collection first: its output feeds everything else."""

_TABLE = Job.__table__  # type: ignore[attr-defined]
_C = _TABLE.c


class LeaseLost(RuntimeError):
    """The job is no longer this worker's: its lease expired and another attempt began."""


class Defer(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised by a handler to hand its job back without counting the attempt as failed.

    Args:
        reason: Why, kept as the job's ``last_error``.
        delay: Seconds before the job may run again.
    """

    def __init__(self, reason: str, delay: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


def is_transient(exc: BaseException) -> bool:
    """True for database errors that a retry can cure (unreachable, locked, deadlock)."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


# --------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class ClaimedJob:
    """A job as one worker holds it: a plain copy, detached from any session.

    Attributes:
        id: The job's id.
        kind: Which handler runs it.
        payload: The handler's arguments.
        workspace_id: The workspace it works on, if any.
        attempt: This claim's attempt number (the fencing token).
        max_attempts: Attempts allowed before the job fails for good.
        worker_id: Who holds it.
        lease_until: When the lease runs out unless extended.
    """

    id: int
    kind: str
    payload: dict[str, Any]
    workspace_id: int | None
    attempt: int
    max_attempts: int
    worker_id: str
    lease_until: datetime


DB = Session | Connection


def _dialect(db: DB) -> str:
    if isinstance(db, Connection):
        return db.dialect.name
    return db.get_bind().dialect.name


def _reason(exc: BaseException) -> str:
    detail = getattr(exc, "detail", None)
    message = detail if isinstance(detail, str) else str(exc)
    # SQLAlchemy appends the statement and its parameters: the first part says it all.
    message = message.split("\n[SQL:", 1)[0].strip()
    return f"{type(exc).__name__}: {message}"[:MAX_ERROR_CHARS]


def dedupe_key_for(kind: str, workspace_id: int | None, payload: Mapping[str, Any]) -> str | None:
    """The conventional dedupe key of a built-in job, or None for others.

    Args:
        kind: The job kind.
        workspace_id: Its workspace.
        payload: Its payload.

    Returns:
        ``analyze:<ws>``, ``detect:<ws>``, ``collect:<source>`` or None.
    """
    if kind in ("analyze", "detect") and workspace_id is not None:
        return f"{kind}:{workspace_id}"
    if kind == "collect" and "source_id" in payload:
        return f"collect:{payload['source_id']}"
    return None


def enqueue(
    db: DB,
    kind: str,
    payload: Mapping[str, Any] | None = None,
    *,
    workspace_id: int | None = None,
    priority: int = 0,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    delay: float = 0.0,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Add a job; not committed here, so it can join the caller's transaction.

    Args:
        db: A session or connection.
        kind: Which handler runs it.
        payload: The handler's arguments (JSON-serialisable).
        workspace_id: The workspace it works on.
        priority: Higher runs first.
        max_attempts: Attempts before it fails for good (at least 1).
        delay: Seconds before it may run.
        dedupe_key: If a queued job already holds this key, add nothing.
        now: The current time (tests pass it).

    Returns:
        The new job's id, or None if a queued job with the same key exists.
    """
    now = now or utcnow()
    values = {
        "workspace_id": workspace_id,
        "kind": kind,
        "payload": dict(payload or {}),
        "status": JobStatus.queued.value,
        "priority": priority,
        "attempts": 0,
        "max_attempts": max(1, max_attempts),
        "run_after": now + timedelta(seconds=max(0.0, delay)),
        "dedupe_key": dedupe_key,
        "created_at": now,
    }
    if dedupe_key is None:
        statement: Any = insert(_TABLE).values(values)
    else:
        dialect_insert = postgresql.insert if _dialect(db) == "postgresql" else sqlite.insert
        statement = (
            dialect_insert(_TABLE)
            .values(values)
            .on_conflict_do_nothing(
                index_elements=["dedupe_key"], index_where=text("status = 'queued'")
            )
        )
    found = db.execute(statement.returning(_C.id)).scalar_one_or_none()
    return int(found) if found is not None else None


def request_analysis(db: DB, workspace_id: int, *, delay: float = 0.0) -> int | None:
    """Ask the workers to analyse a workspace's new mentions (one queued job at most).

    Args:
        db: A session or connection; not committed here.
        workspace_id: The workspace.
        delay: Seconds before the job may run.

    Returns:
        The job's id, or None if one was already queued.
    """
    return enqueue(
        db,
        "analyze",
        workspace_id=workspace_id,
        priority=ANALYZE_PRIORITY,
        delay=delay,
        dedupe_key=dedupe_key_for("analyze", workspace_id, {}),
    )


def _claimable(now: datetime, kinds: Sequence[str] | None) -> Any:
    ready = and_(_C.status == JobStatus.queued.value, _C.run_after <= now)
    abandoned = and_(
        _C.status == JobStatus.running.value,
        _C.lease_until < now,
        _C.attempts < _C.max_attempts,
    )
    condition = or_(ready, abandoned)
    if kinds is not None:
        condition = and_(condition, _C.kind.in_(list(kinds)))
    return condition


def claim(
    session: Session,
    worker_id: str,
    *,
    kinds: Sequence[str] | None = None,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    now: datetime | None = None,
) -> ClaimedJob | None:
    """Claim the best ready job (or one whose lease expired) and commit.

    Args:
        session: A session with no transaction in progress; committed here.
        worker_id: Who claims it (kept in ``locked_by``).
        kinds: Only these kinds; None: any.
        lease_seconds: How long the lease lasts unless extended.
        now: The current time (tests pass it).

    Returns:
        The claimed job, or None if nothing is ready.
    """
    now = now or utcnow()
    condition = _claimable(now, kinds)
    candidate = (
        select(_C.id)
        .where(condition)
        .order_by(_C.priority.desc(), _C.run_after, _C.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    expired_note = (
        literal("lease expired: worker ")
        + func.coalesce(_C.locked_by, literal("?"))
        + literal(" stopped before finishing its attempt")
    )
    statement = (
        update(_TABLE)
        .where(_C.id == candidate, condition)
        .values(
            status=JobStatus.running.value,
            attempts=_C.attempts + 1,
            locked_by=worker_id,
            lease_until=now + timedelta(seconds=lease_seconds),
            started_at=now,
            last_error=case(
                (_C.status == JobStatus.running.value, expired_note), else_=_C.last_error
            ),
        )
        .returning(
            _C.id,
            _C.kind,
            _C.payload,
            _C.workspace_id,
            _C.attempts,
            _C.max_attempts,
            _C.lease_until,
        )
    )
    row = session.execute(statement).one_or_none()
    session.commit()
    if row is None:
        return None
    return ClaimedJob(
        id=int(row.id),
        kind=row.kind,
        payload=dict(row.payload or {}),
        workspace_id=row.workspace_id,
        attempt=int(row.attempts),
        max_attempts=int(row.max_attempts),
        worker_id=worker_id,
        lease_until=row.lease_until,
    )


def _held(job: ClaimedJob) -> Any:
    return and_(
        _C.id == job.id,
        _C.status == JobStatus.running.value,
        _C.attempts == job.attempt,
    )


def extend_lease(
    db: DB, job: ClaimedJob, lease_seconds: float, *, now: datetime | None = None
) -> bool:
    """Push the lease forward if the job is still this attempt's; not committed here.

    Args:
        db: A session or connection.
        job: The held job.
        lease_seconds: New lease length from now.
        now: The current time (tests pass it).

    Returns:
        False if the lease was lost (the job moved on without this worker).
    """
    now = now or utcnow()
    result = db.execute(
        update(_TABLE)
        .where(_held(job))
        .values(lease_until=now + timedelta(seconds=lease_seconds), locked_by=job.worker_id)
    )
    return bool(getattr(result, "rowcount", 0))


def complete(db: DB, job: ClaimedJob, *, now: datetime | None = None) -> None:
    """Mark the job done, in the caller's transaction (commit it together with the effects).

    Args:
        db: The session the job's effects were written in.
        job: The held job.
        now: The current time (tests pass it).

    Raises:
        LeaseLost: Another attempt took the job over; roll the transaction back.
    """
    now = now or utcnow()
    result = db.execute(
        update(_TABLE)
        .where(_held(job))
        .values(status=JobStatus.done.value, finished_at=now, lease_until=None)
    )
    if not getattr(result, "rowcount", 0):
        raise LeaseLost(f"job {job.id} attempt {job.attempt} no longer holds its lease")


def _requeue_key() -> Any:
    # A queued twin already holds the key: give this one up rather than violate it.
    other = Job.__table__.alias("other")  # type: ignore[attr-defined]
    twin = exists().where(
        other.c.dedupe_key == _C.dedupe_key,
        other.c.status == JobStatus.queued.value,
        other.c.id != _C.id,
    )
    return case((twin, None), else_=_C.dedupe_key)


def _settle(db: DB, job: ClaimedJob, values: dict[str, Any]) -> str:
    if values.get("status") == JobStatus.queued.value:
        values = {**values, "dedupe_key": _requeue_key()}
    row = db.execute(
        update(_TABLE).where(_held(job)).values(**values).returning(_C.status)
    ).one_or_none()
    if row is None:
        raise LeaseLost(f"job {job.id} attempt {job.attempt} no longer holds its lease")
    return str(row.status)


def fail(
    db: DB,
    job: ClaimedJob,
    error: str,
    *,
    retry_delay: float = 0.0,
    now: datetime | None = None,
) -> str:
    """Record a failed attempt: queue the job again, or fail it after its last attempt.

    Not committed here (the caller's transaction should not hold the failed work).

    Args:
        db: A session or connection.
        job: The held job.
        error: Why it failed (kept in ``last_error``).
        retry_delay: Seconds before the retry may run.
        now: The current time (tests pass it).

    Returns:
        The job's new status, ``queued`` or ``failed``.

    Raises:
        LeaseLost: The job is no longer this attempt's.
    """
    now = now or utcnow()
    final = job.attempt >= job.max_attempts
    values: dict[str, Any] = {
        "status": JobStatus.failed.value if final else JobStatus.queued.value,
        "last_error": error[:MAX_ERROR_CHARS],
        "lease_until": None,
    }
    if final:
        values["finished_at"] = now
    else:
        values["run_after"] = now + timedelta(seconds=max(0.0, retry_delay))
        values["locked_by"] = None
    return _settle(db, job, values)


def release(
    db: DB, job: ClaimedJob, reason: str, *, delay: float = 0.0, now: datetime | None = None
) -> None:
    """Hand a job back without using up an attempt (a stop request, a deferral).

    Attempts only ever grow (they fence stale workers out), so the job gets one
    more allowed attempt instead. Not committed here.

    Args:
        db: A session or connection.
        job: The held job.
        reason: Kept in ``last_error``.
        delay: Seconds before it may run again.
        now: The current time (tests pass it).

    Raises:
        LeaseLost: The job is no longer this attempt's.
    """
    now = now or utcnow()
    _settle(
        db,
        job,
        {
            "status": JobStatus.queued.value,
            "last_error": reason[:MAX_ERROR_CHARS],
            "lease_until": None,
            "locked_by": None,
            "run_after": now + timedelta(seconds=max(0.0, delay)),
            "max_attempts": _C.max_attempts + 1,
        },
    )


def reap_expired(session: Session, *, now: datetime | None = None) -> int:
    """Fail running jobs whose last allowed attempt's lease expired; not committed here.

    Args:
        session: A session.
        now: The current time (tests pass it).

    Returns:
        How many jobs were failed.
    """
    now = now or utcnow()
    note = literal("lease expired on the last attempt: worker ") + func.coalesce(
        _C.locked_by, literal("?")
    ) + literal(" stopped before finishing")
    result = session.execute(
        update(_TABLE)
        .where(
            _C.status == JobStatus.running.value,
            _C.lease_until < now,
            _C.attempts >= _C.max_attempts,
        )
        .values(status=JobStatus.failed.value, finished_at=now, lease_until=None, last_error=note)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def retry_jobs(
    session: Session, job_ids: Iterable[int] | None = None, *, attempts: int = 1
) -> int:
    """Queue failed jobs again; not committed here.

    Args:
        session: A session.
        job_ids: These jobs (only failed ones change); None: every failed job.
        attempts: How many more attempts each gets.

    Returns:
        How many jobs were queued again.
    """
    condition = _C.status == JobStatus.failed.value
    if job_ids is not None:
        condition = and_(condition, _C.id.in_(list(job_ids)))
    result = session.execute(
        update(_TABLE)
        .where(condition)
        .values(
            status=JobStatus.queued.value,
            run_after=utcnow(),
            max_attempts=_C.attempts + max(1, attempts),
            finished_at=None,
            locked_by=None,
            dedupe_key=_requeue_key(),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_jobs(
    session: Session,
    *,
    status: str | None = None,
    kind: str | None = None,
    workspace_id: int | None = None,
    limit: int = 50,
) -> list[Job]:
    """The newest jobs, optionally filtered.

    Args:
        session: A session.
        status: Only jobs in this status.
        kind: Only jobs of this kind.
        workspace_id: Only this workspace's jobs.
        limit: At most this many.

    Returns:
        Jobs, newest first.
    """
    statement = select(Job)
    if status:
        statement = statement.where(col(Job.status) == status)
    if kind:
        statement = statement.where(col(Job.kind) == kind)
    if workspace_id is not None:
        statement = statement.where(col(Job.workspace_id) == workspace_id)
    return list(session.exec(statement.order_by(col(Job.id).desc()).limit(limit)))


def count_by_status(session: Session) -> dict[str, int]:
    """How many jobs are in each status."""
    rows = session.execute(select(Job.status, func.count()).group_by(col(Job.status))).all()
    return {str(status): int(n) for status, n in rows}


# --------------------------------------------------------------------------- handlers


@dataclass
class HandlerEnv:
    """What the built-in handlers need besides the job; the CLI builds it from Settings.

    Attributes:
        nlp_factory: Builds an NLP pipeline (`api.services.analysis.NlpPipeline`);
            called once per worker thread, on its first ``analyze`` job.
        analyze_batch: Mentions per ``analyze`` job.
        bucket_minutes: Bucket size of the detectors' series.
        channels: Where detection delivers alerts (`DeliveryChannels`), or None.
        allow_private: Collectors may reach private and loopback addresses.
        collector_defaults: Per kind, constructor defaults (API keys).
        http_options: Extra `HttpClient` keywords for collectors.
        batch_timeout: Seconds a source may take for one batch before its pass is abandoned.
    """

    nlp_factory: Callable[[], Any] | None = None
    analyze_batch: int = DEFAULT_ANALYZE_BATCH
    bucket_minutes: int = 5
    channels: Any = None
    allow_private: bool = False
    collector_defaults: dict[str, dict[str, Any]] = field(default_factory=dict)
    http_options: dict[str, Any] = field(default_factory=dict)
    batch_timeout: float = 300.0


@dataclass
class JobContext:
    """What a handler gets.

    Attributes:
        job: The claimed job.
        engine: The database.
        env: Handler settings.
        session: For transactional handlers, the open session whose transaction
            the worker commits together with the job's completion; else None.
        cache: Per worker thread, for things worth keeping between jobs (models).
        stopping: Set when the worker was asked to stop.
        lease_lost: Set by the heartbeat if the lease was taken over; stop early.
    """

    job: ClaimedJob
    engine: Engine
    env: HandlerEnv
    session: Session | None
    cache: dict[str, Any]
    stopping: threading.Event
    lease_lost: threading.Event

    def resource(self, name: str, factory: Callable[[], Any]) -> Any:
        """Return this thread's `name`, building it with `factory` the first time."""
        if name not in self.cache:
            self.cache[name] = factory()
        return self.cache[name]

    def enqueue(self, kind: str, payload: Mapping[str, Any] | None = None, **kw: Any) -> int | None:
        """Enqueue a follow-up job: in the job's transaction if it has one, else at once."""
        if self.session is not None:
            return enqueue(self.session, kind, payload, **kw)
        with Session(self.engine) as session:
            job_id = enqueue(session, kind, payload, **kw)
            session.commit()
        return job_id


@dataclass(frozen=True)
class Handler:
    """How to run one kind of job.

    Attributes:
        run: Does the work; returns a small summary (logged) or None.
        transactional: Runs in the worker's session, committed with the job's
            completion (so its effects land exactly once). Otherwise the handler
            commits on its own and must be idempotent.
    """

    run: Callable[[JobContext], dict[str, Any] | None]
    transactional: bool = False


def collect_source(ctx: JobContext) -> dict[str, Any]:
    """One pass of one source through the listener (``payload: {source_id}``).

    The listener already isolates the source: its fetches run in daemon threads
    abandoned after ``batch_timeout``, and its ingest is idempotent with the
    cursor stored only after the mentions are committed.

    Raises:
        RuntimeError: The pass failed (the reason is also on the source).
        Defer: The worker is stopping; the pass stored what it had.
    """
    from api.services.listen import Listener, run_listener

    source_id = int(ctx.job.payload["source_id"])
    with Session(ctx.engine) as session:
        source = session.get(Source, source_id)
        if source is None:
            return {"skipped": "source removed"}
        name, workspace_id = source.name, source.workspace_id
    env = ctx.env
    listener = Listener(
        ctx.engine,
        workspace_id,
        source_names=[name],
        allow_private=env.allow_private,
        collector_defaults=env.collector_defaults,
        http_options=env.http_options,
        batch_timeout=env.batch_timeout,
    )
    finished = threading.Event()

    def relay_stop() -> None:
        while not finished.wait(0.2):
            if ctx.stopping.is_set() or ctx.lease_lost.is_set():
                listener.stop()
                return

    relay = threading.Thread(target=relay_stop, name="groundswell-collect-stop", daemon=True)
    relay.start()
    try:
        summary = run_listener(listener, once=True, handle_signals=False)
    finally:
        finished.set()
    result = summary.last.get(name)
    if result is None:
        return {"skipped": "source disabled or removed"}
    if result.inserted:
        ctx.enqueue(
            "analyze",
            workspace_id=workspace_id,
            priority=ANALYZE_PRIORITY,
            dedupe_key=dedupe_key_for("analyze", workspace_id, {}),
        )
    if result.status == "stopped":
        raise Defer("worker stopped during the pass; what was fetched is stored")
    if result.status == "error":
        raise RuntimeError(f"source {name!r} failed: {result.error}")
    return {"source": name, "fetched": result.fetched, "inserted": result.inserted}


def _continue_analysis(ctx: JobContext, after_id: int) -> None:
    """Queue the next batch at once, so another worker can take it while this one works."""
    payload = {**ctx.job.payload, "after_id": after_id}
    key = dedupe_key_for("analyze", ctx.job.workspace_id, {})
    try:
        with ctx.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # Never wait long behind another job's uncommitted twin: the
                # end-of-job continuation covers it anyway.
                conn.execute(text("SET LOCAL lock_timeout = '2s'"))
            enqueue(conn, "analyze", payload, workspace_id=ctx.job.workspace_id, dedupe_key=key)
            conn.commit()
    except OperationalError:
        log.debug("early continuation of job %s skipped", ctx.job.id, exc_info=True)


def analyze_mentions(ctx: JobContext) -> dict[str, Any]:
    """Language, sentiment and harm for one bounded batch of a workspace's new mentions.

    ``payload``: ``limit`` (batch size), ``after_id`` (start after this mention;
    continuations pass it so each batch is an index range scan, not a scan of
    everything already analysed). On PostgreSQL the batch is selected ``FOR
    UPDATE SKIP LOCKED``, so concurrent analyze jobs take disjoint batches; the
    results, the rollup deltas and the mentions' new state commit with the
    job's completion. A full batch queues the next one (on PostgreSQL before the
    work starts, so workers fan out) and any analysed batch queues detection.

    Raises:
        ValueError: The job names no workspace, or the worker has no NLP pipeline.
    """
    from api.services.analysis import analyse_batch, pending_condition, register_products

    session = ctx.session
    workspace_id = ctx.job.workspace_id
    if session is None or workspace_id is None:
        raise ValueError("an analyze job needs a workspace and a transactional session")
    if ctx.env.nlp_factory is None:
        raise ValueError("this worker has no NLP pipeline configured")
    nlp = ctx.resource("nlp", ctx.env.nlp_factory)
    version: str = nlp.sentiment.version
    limit = max(1, int(ctx.job.payload.get("limit") or ctx.env.analyze_batch))
    after_id = int(ctx.job.payload.get("after_id") or 0)
    register_products(session, workspace_id, nlp)
    pending = pending_condition(workspace_id, version)

    def pick(where: Any, n: int) -> list[Any]:
        return list(
            session.execute(
                select(Mention.id, Mention.text, Mention.language)
                .where(pending, where)
                .order_by(col(Mention.id))
                .limit(n)
                .with_for_update(skip_locked=True, of=Mention)
            ).all()
        )

    rows = pick(col(Mention.id) > after_id, limit)
    if len(rows) < limit and after_id:
        # The tail: also take anything earlier that was skipped or rolled back.
        rows += pick(col(Mention.id) <= after_id, limit - len(rows))
    full = len(rows) == limit
    sqlite_db = session.get_bind().dialect.name == "sqlite"
    last_id = max((int(r[0]) for r in rows), default=after_id)
    if full and not sqlite_db:
        _continue_analysis(ctx, last_id)
    if rows:
        analyse_batch(session, nlp, rows, version)
        ctx.enqueue(
            "detect",
            workspace_id=workspace_id,
            priority=DETECT_PRIORITY,
            dedupe_key=dedupe_key_for("detect", workspace_id, {}),
        )
    if full:
        ctx.enqueue(
            "analyze",
            {**ctx.job.payload, "after_id": last_id},
            workspace_id=workspace_id,
            priority=ANALYZE_PRIORITY,
            dedupe_key=dedupe_key_for("analyze", workspace_id, {}),
        )
    return {"analysed": len(rows), "model": version}


def detect_alerts(ctx: JobContext) -> dict[str, Any]:
    """Feed the workspace's new complete buckets to its detectors and store alerts.

    Raises:
        ValueError: The job names no workspace.
    """
    from api.services.detection import detect_workspace

    if ctx.job.workspace_id is None:
        raise ValueError("a detect job needs a workspace")
    with Session(ctx.engine, expire_on_commit=False) as session:
        report = detect_workspace(
            session,
            ctx.job.workspace_id,
            bucket_minutes=int(ctx.job.payload.get("bucket_minutes") or ctx.env.bucket_minutes),
            channels=ctx.env.channels,
        )
        session.commit()
    return {
        "buckets": report.buckets,
        "opened": len(report.opened),
        "escalated": len(report.escalated),
        "open_alerts": report.open_alerts,
    }


BUILTIN_HANDLERS: dict[str, Handler] = {
    "collect": Handler(collect_source),
    "analyze": Handler(analyze_mentions, transactional=True),
    "detect": Handler(detect_alerts),
}


# --------------------------------------------------------------------------- scheduling


def _source_delay(source: Source, max_backoff: float = 3600.0) -> float:
    interval = float(max(1, source.interval_seconds))
    if source.consecutive_failures <= 0:
        return interval
    backoff = interval * 2.0 ** min(source.consecutive_failures - 1, 16)
    return max(interval, min(backoff, max_backoff))


def schedule_due(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Queue what is due, and commit.

    That is a ``collect`` per enabled source past its interval (with the
    listener's backoff after failures), and an ``analyze`` per workspace that has
    mentions no model has scored yet.

    Several workers may run this at once: every job it queues carries a dedupe
    key, and a source with a collect job already queued or running is skipped.

    Args:
        session: A session.
        now: The current time (tests pass it).

    Returns:
        How many jobs were queued, by kind.
    """
    now = now or utcnow()
    queued: Counter[str] = Counter()
    busy = set(
        session.execute(
            select(Job.dedupe_key).where(
                col(Job.kind) == "collect",
                col(Job.status).in_([JobStatus.queued.value, JobStatus.running.value]),
            )
        ).scalars()
    )
    for source in session.execute(select(Source).where(col(Source.enabled).is_(True))).scalars():
        key = dedupe_key_for("collect", source.workspace_id, {"source_id": source.id})
        if key in busy:
            continue
        last = source.last_run_at
        if last is not None and last + timedelta(seconds=_source_delay(source)) > now:
            continue
        # One try: the next scheduled pass is the retry, with the listener's backoff.
        if enqueue(
            session,
            "collect",
            {"source_id": source.id},
            workspace_id=source.workspace_id,
            priority=COLLECT_PRIORITY,
            max_attempts=1,
            dedupe_key=key,
            now=now,
        ):
            queued["collect"] += 1
    for workspace_id in session.execute(select(Workspace.id)).scalars():
        waiting = session.execute(
            select(Mention.id)
            .where(
                col(Mention.workspace_id) == workspace_id,
                col(Mention.sentiment_version).is_(None),
            )
            .limit(1)
        ).first()
        if waiting is not None and request_analysis(session, int(workspace_id)):
            queued["analyze"] += 1
    session.commit()
    return dict(queued)


# --------------------------------------------------------------------------- the worker


def default_worker_id() -> str:
    """``host:pid:random``, unique enough to tell workers apart in ``locked_by``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class WorkerSummary:
    """What a worker did.

    Attributes:
        done: Jobs completed.
        failed: Attempts that raised (queued again or failed for good).
        released: Jobs handed back (stop requests, deferrals).
        lost: Jobs whose lease was taken over before completion (work rolled back).
        db_errors: Times the database could not be reached (each followed by a backoff).
        by_kind: Completed jobs per kind.
    """

    done: int = 0
    failed: int = 0
    released: int = 0
    lost: int = 0
    db_errors: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)


@dataclass
class _InFlight:
    job: ClaimedJob
    lost: threading.Event
    # A SQLite transactional job holds the write lock for its whole run: nobody
    # can claim it meanwhile, and a heartbeat would only wait behind that lock.
    holds_write_lock: bool


class Worker:
    """Claims jobs and runs them until stopped; see the module docstring.

    Args:
        engine: The database.
        env: Settings of the built-in handlers.
        handlers: Handlers by kind; default: `BUILTIN_HANDLERS`.
        worker_id: Name in ``locked_by``; default: `default_worker_id`.
        concurrency: Threads claiming and running jobs (I/O-bound kinds gain from
            more; for CPU-bound analysis run more worker processes instead).
        kinds: Only these kinds; default: every kind it has a handler for.
        lease_seconds: Lease length; the heartbeat extends it every third of that.
        poll_seconds: Wait between claims when nothing is ready.
        retry_base_seconds: First retry delay after a failed attempt; doubles each attempt.
        retry_max_seconds: Longest retry delay.
        db_backoff_seconds: First wait after a database error; doubles up to `db_backoff_max`.
        db_backoff_max: Longest wait between tries to reach the database.
        schedule: Also queue due collect passes and pending analysis (`schedule_due`).
        schedule_seconds: How often to do so.
        on_job: Called after each job with (job, outcome, detail); outcome is
            ``done``, ``retry``, ``failed``, ``released`` or ``lost``.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        env: HandlerEnv | None = None,
        handlers: Mapping[str, Handler] | None = None,
        worker_id: str | None = None,
        concurrency: int = 1,
        kinds: Sequence[str] | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        poll_seconds: float = 1.0,
        retry_base_seconds: float = 5.0,
        retry_max_seconds: float = 600.0,
        db_backoff_seconds: float = 0.5,
        db_backoff_max: float = 30.0,
        schedule: bool = False,
        schedule_seconds: float = 30.0,
        on_job: Callable[[ClaimedJob, str, str], None] | None = None,
    ) -> None:
        self.engine = engine
        self.env = env or HandlerEnv()
        self.handlers = dict(BUILTIN_HANDLERS if handlers is None else handlers)
        self.worker_id = worker_id or default_worker_id()
        self.concurrency = max(1, concurrency)
        wanted = list(kinds) if kinds else list(self.handlers)
        unknown = [k for k in wanted if k not in self.handlers]
        if unknown:
            raise ValueError(f"no handler for job kind(s) {', '.join(unknown)}")
        self.kinds = wanted
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.retry_base_seconds = retry_base_seconds
        self.retry_max_seconds = retry_max_seconds
        self.db_backoff_seconds = db_backoff_seconds
        self.db_backoff_max = db_backoff_max
        self.schedule = schedule
        self.schedule_seconds = schedule_seconds
        self.on_job = on_job
        self.summary = WorkerSummary()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._inflight: dict[int, _InFlight] = {}
        self._busy = 0
        self._unsettled: list[tuple[ClaimedJob, Callable[[Session], Any], str, str]] = []
        self._sqlite = engine.dialect.name == "sqlite"

    # ------------------------------------------------------------------ control

    def stop(self) -> None:
        """Ask every thread to finish its current job and return; thread-safe."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        """True once a stop was requested."""
        return self._stop.is_set()

    def run(self, *, once: bool = False, handle_signals: bool = False) -> WorkerSummary:
        """Run until stopped, or with `once` until no job is ready.

        Args:
            once: Drain what is ready (jobs due later are left), then return.
            handle_signals: Stop gracefully on SIGTERM/SIGINT (main thread only);
                a second signal gets the default behaviour.

        Returns:
            What the worker did.
        """
        restore: dict[signal.Signals, Any] = {}
        if handle_signals and threading.current_thread() is threading.main_thread():

            def on_signal(signum: int, _frame: FrameType | None) -> None:
                log.info("received signal %s: finishing current jobs", signum)
                self.stop()
                for sig, previous in restore.items():
                    signal.signal(sig, previous)

            for sig in (signal.SIGTERM, signal.SIGINT):
                restore[sig] = signal.signal(sig, on_signal)
        # One slot runs on the calling thread (so a profiler sees the work);
        # the others, if any, on threads of their own.
        threads = [
            threading.Thread(
                target=self._slot_loop, args=(slot, once), name=f"groundswell-worker-{slot}"
            )
            for slot in range(1, self.concurrency)
        ]
        heartbeat = threading.Thread(
            target=self._heartbeat_loop, name="groundswell-heartbeat", daemon=True
        )
        heartbeat.start()
        for thread in threads:
            thread.start()
        try:
            self._slot_loop(0, once)
            while any(t.is_alive() for t in threads):
                for thread in threads:
                    thread.join(timeout=0.2)
        finally:
            self._stop.set()
            for thread in threads:
                thread.join()
            heartbeat.join(timeout=5)
            for sig, previous in restore.items():
                signal.signal(sig, previous)
        return self.summary

    # ------------------------------------------------------------------ loops

    def _schedule_once(self) -> None:
        try:
            with Session(self.engine) as session:
                queued = schedule_due(session)
            if queued:
                log.info("scheduled %s", queued)
        except Exception as exc:  # scheduling is best effort; the next tick tries again
            if not is_transient(exc):
                log.exception("scheduling failed")

    def _slot_loop(self, slot: int, once: bool) -> None:
        cache: dict[str, Any] = {}
        backoff = self.db_backoff_seconds
        name = f"{self.worker_id}/{slot}" if self.concurrency > 1 else self.worker_id
        last_reap = 0.0
        last_schedule = -float("inf")
        while not self._stop.is_set():
            if slot == 0 and self.schedule:
                if time.monotonic() - last_schedule >= self.schedule_seconds:
                    last_schedule = time.monotonic()
                    self._schedule_once()
            # Counted busy while claiming too, so a sibling in `once` mode does not
            # quit while this thread may be about to get (and fan out) a job.
            with self._lock:
                self._busy += 1
            try:
                self._settle_unsettled()
                with Session(self.engine) as session:
                    if time.monotonic() - last_reap > self.lease_seconds / 3:
                        last_reap = time.monotonic()
                        if reap_expired(session):
                            session.commit()
                    job = claim(session, name, kinds=self.kinds, lease_seconds=self.lease_seconds)
            except Exception as exc:
                with self._lock:
                    self._busy -= 1
                if not is_transient(exc):
                    log.exception("claiming a job failed")
                else:
                    log.warning(
                        "database unavailable (%s); retrying in %.1f s",
                        _reason(exc).splitlines()[0][:200],
                        backoff,
                    )
                with self._lock:
                    self.summary.db_errors += 1
                if self._stop.wait(backoff):
                    break
                backoff = min(backoff * 2, self.db_backoff_max)
                continue
            backoff = self.db_backoff_seconds
            if job is None:
                with self._lock:
                    self._busy -= 1
                    idle = self._busy == 0
                if once and idle:
                    break
                self._stop.wait(self.poll_seconds)
                continue
            try:
                self._execute(job, cache)
            finally:
                with self._lock:
                    self._busy -= 1

    def _heartbeat_loop(self) -> None:
        interval = max(0.05, self.lease_seconds / 3)
        while not self._stop.wait(interval):
            with self._lock:
                held = [f for f in self._inflight.values() if not f.holds_write_lock]
            for flight in held:
                try:
                    with Session(self.engine) as session:
                        kept = extend_lease(session, flight.job, self.lease_seconds)
                        session.commit()
                except Exception as exc:  # the claim loop reports outages; just try again
                    log.debug("heartbeat for job %s failed: %s", flight.job.id, exc)
                    continue
                with self._lock:
                    still_running = flight.job.id in self._inflight
                if not kept and still_running:
                    log.warning("job %s: lease lost; its work will be rolled back", flight.job.id)
                    flight.lost.set()

    # ------------------------------------------------------------------ one job

    def _retry_delay(self, attempt: int) -> float:
        return min(self.retry_max_seconds, self.retry_base_seconds * 2.0 ** max(0, attempt - 1))

    def _report(self, job: ClaimedJob, outcome: str, detail: str) -> None:
        if self.on_job is not None:
            try:
                self.on_job(job, outcome, detail)
            except Exception:
                log.exception("on_job callback failed")

    def _execute(self, job: ClaimedJob, cache: dict[str, Any]) -> None:
        handler = self.handlers[job.kind]
        flight = _InFlight(job, threading.Event(), handler.transactional and self._sqlite)
        with self._lock:
            self._inflight[job.id] = flight
        try:
            result = self._run_handler(handler, job, cache, flight.lost)
        except LeaseLost as exc:
            with self._lock:
                self.summary.lost += 1
            log.warning("job %s (%s): %s", job.id, job.kind, exc)
            self._report(job, "lost", str(exc))
        except Defer as deferral:
            reason, delay = deferral.reason, deferral.delay

            def hand_back(session: Session) -> None:
                release(session, job, reason, delay=delay)

            self._finish(job, hand_back, "released", reason)
        except Exception as exc:
            reason = _reason(exc)
            transient = is_transient(exc)
            if transient:
                with self._lock:
                    self.summary.db_errors += 1
                log.warning("job %s (%s) interrupted by the database: %s", job.id, job.kind, reason)
            else:
                log.error("job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempt,
                          reason, exc_info=exc)
            delay = 0.0 if transient else self._retry_delay(job.attempt)

            def record_failure(session: Session) -> str:
                return fail(session, job, reason, retry_delay=delay)

            self._finish(job, record_failure, "failed", reason)
        else:
            with self._lock:
                self.summary.done += 1
                self.summary.by_kind[job.kind] += 1
            log.info("job %s (%s) done: %s", job.id, job.kind, result or {})
            self._report(job, "done", str(result or ""))
        finally:
            with self._lock:
                self._inflight.pop(job.id, None)

    def _run_handler(
        self, handler: Handler, job: ClaimedJob, cache: dict[str, Any], lost: threading.Event
    ) -> dict[str, Any] | None:
        if handler.transactional:
            with Session(self.engine, expire_on_commit=False) as session:
                # On SQLite this write takes the database's write lock first, so the
                # job's reads and writes see one consistent state; it also checks
                # that the lease is still ours before any work is done.
                if self._sqlite and not extend_lease(session, job, self.lease_seconds):
                    raise LeaseLost(f"job {job.id} was taken over before it started")
                ctx = JobContext(job, self.engine, self.env, session, cache, self._stop, lost)
                result = handler.run(ctx)
                complete(session, job)
                session.commit()
                return result
        ctx = JobContext(job, self.engine, self.env, None, cache, self._stop, lost)
        result = handler.run(ctx)
        with Session(self.engine) as session:
            complete(session, job)
            session.commit()
        return result

    def _finish(
        self, job: ClaimedJob, action: Callable[[Session], Any], outcome: str, detail: str
    ) -> None:
        try:
            with Session(self.engine) as session:
                status = action(session)
                session.commit()
        except LeaseLost:
            with self._lock:
                self.summary.lost += 1
            self._report(job, "lost", detail)
            return
        except Exception as exc:
            if not is_transient(exc):
                raise
            # The database is away: remember, and settle once it answers again.
            with self._lock:
                self._unsettled.append((job, action, outcome, detail))
            return
        self._count(job, outcome, status, detail)

    def _count(self, job: ClaimedJob, outcome: str, status: Any, detail: str) -> None:
        with self._lock:
            if outcome == "released":
                self.summary.released += 1
            else:
                self.summary.failed += 1
        if outcome == "failed":
            outcome = "failed" if status == JobStatus.failed.value else "retry"
        self._report(job, outcome, detail)

    def _settle_unsettled(self) -> None:
        with self._lock:
            pending, self._unsettled = self._unsettled, []
        for index, (job, action, outcome, detail) in enumerate(pending):
            try:
                with Session(self.engine) as session:
                    status = action(session)
                    session.commit()
            except LeaseLost:
                continue  # its lease expired meanwhile and someone else has it
            except Exception:
                with self._lock:
                    self._unsettled.extend(pending[index:])
                raise
            self._count(job, outcome, status, detail)
