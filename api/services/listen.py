"""The listener: every enabled source on its interval, concurrently, and crash-safe.

`Listener.run` loads a workspace's enabled sources and gives each an asyncio
task that runs a *pass* (`Listener.run_pass`) every ``interval_seconds``. A pass:

1. records a `SourceRun` ("running") and builds the collector from the
   source's kind and config, with an `HttpClient` of its own (the source's
   rate limit, the ``allow_private`` setting);
2. pulls batches from the collector one at a time; for each batch it first
   ingests the mentions through `Ingestor` (which commits), **then** stores
   ``source.cursor = batch.cursor`` and commits again. A crash between the two
   replays the batch on restart, and ingest is idempotent (source + external
   id, canonical URL), so every item ends up stored exactly once;
3. finishes the run as ``ok``, ``error`` (with the reason) or ``stopped``, and
   updates the source's health (``last_success_at``, ``last_error``,
   ``consecutive_failures``). A failing source backs off exponentially (up to
   `Listener.max_backoff_seconds`) and never affects the others.

Threads, and why. Collectors are plain generators doing blocking I/O
(httpx's sync client, feedparser); rewriting them as coroutines would buy
nothing for a few dozen sources and would make them harder to reuse and test.
Each ``next(batch)`` therefore runs in a short-lived *daemon* thread, awaited
with a timeout (`Listener.batch_timeout`): a hung source is abandoned and
recorded, and - unlike `asyncio.to_thread`, whose executor is joined when the
loop closes - a thread stuck in a read can never keep the process from
exiting on SIGTERM. All database work (ingest, cursors, run records) goes
through a single worker thread: SQLite takes one writer at a time anyway, and
the shared near-duplicate index and brand matcher are not thread-safe.

SIGTERM or SIGINT (`run_listener` installs the handlers) sets a stop flag:
each source finishes the batch it is storing, waits up to
`Listener.stop_grace` for a fetch in flight and stores that too, records its
run as ``stopped`` and returns; the process then exits 0. A second signal gets
the default behaviour (immediate exit).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.services.errors import DomainError, NotFound
from api.services.ingest import Ingestor, IngestReport, brand_specs
from api.services.sources import build_collector
from listener.base import Batch, CollectorError, get_collector_factory
from listener.dedup import NearDuplicateIndex
from listener.http import HttpClient
from listener.matching import BrandMatcher
from models import Source, SourceRun
from models.timeutil import utcnow

log = logging.getLogger("groundswell.listen")

STATUS_OK = "ok"
STATUS_ERROR = "error"
STATUS_STOPPED = "stopped"
STATUS_RUNNING = "running"
MAX_REASON_CHARS = 2000

T = TypeVar("T")
_END = object()
_STOPPED = object()


@dataclass(frozen=True)
class SourceSnapshot:
    """What a pass needs to know about its source, read once at its start."""

    id: int
    name: str
    kind: str
    query: str
    config: dict[str, Any]
    cursor: dict[str, Any]
    interval_seconds: int


@dataclass
class PassResult:
    """The outcome of one pass of one source.

    Attributes:
        source_id: The source's id.
        name: The source's name.
        kind: The collector kind.
        status: ``ok``, ``error`` or ``stopped``.
        batches: Batches stored.
        fetched: Mentions the collector returned.
        inserted: Mentions that were new.
        error: Why the pass failed, if it did.
        run_id: The `SourceRun` row.
        interval_seconds: The source's interval when the pass started.
        consecutive_failures: The source's count after this pass.
    """

    source_id: int
    name: str
    kind: str
    status: str = STATUS_OK
    batches: int = 0
    fetched: int = 0
    inserted: int = 0
    error: str | None = None
    run_id: int | None = None
    interval_seconds: int = 300
    consecutive_failures: int = 0


@dataclass
class ListenSummary:
    """Totals over everything a listener ran, plus each source's latest pass."""

    passes: int = 0
    failures: int = 0
    fetched: int = 0
    inserted: int = 0
    last: dict[str, PassResult] = field(default_factory=dict)

    def add(self, result: PassResult) -> None:
        """Count one finished pass."""
        self.passes += 1
        self.failures += result.status == STATUS_ERROR
        self.fetched += result.fetched
        self.inserted += result.inserted
        self.last[result.name] = result


def _reason(exc: BaseException) -> str:
    if isinstance(exc, CollectorError):
        text = exc.reason or str(exc)
    elif isinstance(exc, DomainError):
        text = exc.detail
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:MAX_REASON_CHARS]


class Listener:
    """Runs a workspace's sources; see the module docstring.

    Args:
        engine: The database.
        workspace_id: Whose sources to run.
        source_names: Only these sources (by name, enabled or not); default: all enabled.
        allow_private: Let user-supplied URLs reach private addresses.
        collector_defaults: Per kind, constructor values a source's config may
            override, e.g. ``{"youtube": {"api_key": ...}}``.
        http_options: Extra `HttpClient` keywords (timeouts, retries).
        batch_timeout: Seconds to wait for one batch before the pass fails.
        stop_grace: Seconds a fetch in flight may still take after a stop request.
        refresh_seconds: How often new or re-enabled sources are picked up.
        max_backoff_seconds: Longest wait after repeated failures.
        near_duplicate_days: How long texts stay in the near-duplicate index.
        on_pass: Called (on the event loop) after every pass.
    """

    def __init__(
        self,
        engine: Engine,
        workspace_id: int,
        *,
        source_names: Sequence[str] | None = None,
        allow_private: bool = False,
        collector_defaults: Mapping[str, Mapping[str, Any]] | None = None,
        http_options: Mapping[str, Any] | None = None,
        batch_timeout: float = 300.0,
        stop_grace: float = 10.0,
        refresh_seconds: float = 30.0,
        max_backoff_seconds: float = 3600.0,
        near_duplicate_days: float = 7.0,
        on_pass: Callable[[PassResult], None] | None = None,
    ) -> None:
        self.engine = engine
        self.workspace_id = workspace_id
        self.source_names = [n.strip() for n in source_names or [] if n.strip()]
        self.allow_private = allow_private
        self.collector_defaults = {k: dict(v) for k, v in (collector_defaults or {}).items()}
        self.http_options = dict(http_options or {})
        self.batch_timeout = batch_timeout
        self.stop_grace = stop_grace
        self.refresh_seconds = refresh_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.near_duplicate_days = near_duplicate_days
        self.on_pass = on_pass
        self.summary = ListenSummary()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._stop_requested = threading.Event()
        self._db_executor: ThreadPoolExecutor | None = None
        self._index: NearDuplicateIndex | None = None
        self._matchers: dict[int, BrandMatcher] = {}

    # ------------------------------------------------------------------ control

    def stop(self) -> None:
        """Ask the listener to finish its current batches and return; thread-safe."""
        self._stop_requested.set()
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stopping.set)
            except RuntimeError:  # the loop closed meanwhile: nothing left to stop
                pass

    @property
    def stopping(self) -> bool:
        """True once a stop was requested."""
        return self._stop_requested.is_set()

    async def run(self, *, once: bool = False) -> ListenSummary:
        """Run the sources until stopped, or one pass each with `once`.

        Args:
            once: Run every selected source a single pass, concurrently, then return.

        Returns:
            What ran.

        Raises:
            NotFound: A name in `source_names` matches no source.
        """
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        if self._stop_requested.is_set():
            self._stopping.set()
        self._db_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="groundswell-db")
        try:
            ids = await self._db(self._startup)
            if once:
                await asyncio.gather(*(self._source_loop(i, once=True) for i in ids))
            else:
                await self._supervise(ids)
        finally:
            self._db_executor.shutdown(wait=True)
            self._db_executor = None
        return self.summary

    async def _supervise(self, ids: list[int]) -> None:
        tasks: dict[int, asyncio.Task[None]] = {}
        while True:
            for source_id in ids:
                task = tasks.get(source_id)
                if task is None or task.done():
                    tasks[source_id] = asyncio.create_task(
                        self._source_loop(source_id, once=False), name=f"source-{source_id}"
                    )
            if await self._wait_or_stop(self.refresh_seconds):
                break
            try:
                ids = await self._db(self._selected_ids)
            except Exception:  # the database hiccuped: keep what runs, retry next time
                log.exception("could not refresh the list of sources")
        results = await asyncio.gather(*tasks.values(), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                log.error("a source task crashed: %r", result)

    async def _source_loop(self, source_id: int, *, once: bool) -> None:
        assert self._loop is not None
        while not self.stopping:
            started = self._loop.time()
            result = await self.run_pass(source_id)
            if result is None or once or self.stopping:
                return
            delay = self._delay(result) - (self._loop.time() - started)
            if await self._wait_or_stop(max(0.0, delay)):
                return

    def _delay(self, result: PassResult) -> float:
        interval = float(max(1, result.interval_seconds))
        if result.consecutive_failures <= 0:
            return interval
        backoff = interval * 2.0 ** min(result.consecutive_failures - 1, 16)
        return max(interval, min(backoff, self.max_backoff_seconds))

    async def _wait_or_stop(self, seconds: float) -> bool:
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    # ------------------------------------------------------------------ one pass

    async def run_pass(self, source_id: int) -> PassResult | None:
        """Run one pass of one source; never raises for the source's own failures.

        Must be called while `run` is active (it uses the database worker), or
        through `run` with ``once=True``.

        Args:
            source_id: The source.

        Returns:
            The result, or None if the source is gone or disabled (and not named).
        """
        begun = await self._db(self._begin_pass, source_id)
        if begun is None:
            return None
        snapshot, run_id = begun
        result = PassResult(
            source_id=snapshot.id,
            name=snapshot.name,
            kind=snapshot.kind,
            run_id=run_id,
            interval_seconds=snapshot.interval_seconds,
        )
        http: HttpClient | None = None
        try:
            collector, http = self._build(snapshot)
            batches = self._batches(collector, snapshot)
            while True:
                outcome = await self._next_batch(batches, snapshot.kind)
                if outcome is _END:
                    break
                if outcome is _STOPPED:
                    result.status = STATUS_STOPPED
                    break
                assert isinstance(outcome, Batch)
                report = await self._db(self._store_batch, snapshot.id, run_id, outcome)
                result.batches += 1
                result.fetched += len(outcome.mentions)
                result.inserted += report.inserted
                if self.stopping:
                    result.status = STATUS_STOPPED
                    break
        except Exception as exc:  # the boundary: whatever a source does, record it and go on
            result.status = STATUS_ERROR
            result.error = _reason(exc)
            if isinstance(exc, (CollectorError, DomainError)):
                # Expected failures are recorded on the run and the source; no traceback.
                log.info("source %s failed: %s", snapshot.name, result.error)
            else:
                log.exception("source %s failed unexpectedly", snapshot.name)
        finally:
            if http is not None:
                http.close()
        try:
            result.consecutive_failures = await self._db(self._finish_pass, result)
        except Exception:
            log.exception("could not record the run of source %s", snapshot.name)
        self.summary.add(result)
        if self.on_pass is not None:
            try:
                self.on_pass(result)
            except Exception:
                log.exception("on_pass callback failed")
        return result

    def _build(self, snapshot: SourceSnapshot) -> tuple[Any, HttpClient | None]:
        try:
            factory = get_collector_factory(snapshot.kind)
        except KeyError as exc:
            raise CollectorError(snapshot.kind, f"unknown source kind {snapshot.kind!r}") from exc
        http: HttpClient | None = None
        injected: dict[str, Any] = {"allow_private": self.allow_private}
        default_rate = getattr(factory, "default_rate_limit_per_minute", None)
        rate = snapshot.config.get("rate_limit_per_minute") or default_rate
        try:
            http = HttpClient(
                allow_private=self.allow_private,
                rate_limit_per_minute=float(rate) if rate else None,
                **self.http_options,
            )
        except (TypeError, ValueError) as exc:
            raise CollectorError(snapshot.kind, f"invalid HTTP settings: {exc}") from exc
        injected["http"] = http
        try:
            collector = build_collector(
                snapshot.kind,
                snapshot.config,
                defaults=self.collector_defaults.get(snapshot.kind),
                injected=injected,
            )
        except Exception:
            http.close()
            raise
        return collector, http

    @staticmethod
    def _batches(collector: Any, snapshot: SourceSnapshot) -> Iterator[Batch]:
        # A generator of our own, so that even `collect()` itself (which some
        # collectors may implement eagerly) only runs inside a worker thread.
        yield from collector.collect(snapshot.query, dict(snapshot.cursor))

    async def _next_batch(self, batches: Iterator[Batch], kind: str) -> object:
        assert self._stopping is not None
        fetch = self._in_daemon_thread(functools.partial(next, batches, _END))
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            done, _ = await asyncio.wait(
                {fetch, stop}, timeout=self.batch_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stop.cancel()
        if fetch in done:
            return fetch.result()
        if stop in done:
            done, _ = await asyncio.wait({fetch}, timeout=self.stop_grace)
            if fetch in done:
                return fetch.result()
            return _STOPPED
        raise CollectorError(
            kind, f"timed out: no batch within {self.batch_timeout:g} s; pass abandoned"
        )

    def _in_daemon_thread(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        # An abandoned fetch may still fail later; retrieve its error so asyncio
        # does not log "exception was never retrieved".
        future.add_done_callback(lambda f: f.cancelled() or f.exception())

        def deliver(ok: bool, value: Any) -> None:
            if future.done():
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        def work() -> None:
            try:
                value: Any = fn()
                ok = True
            except BaseException as exc:  # handed to the loop, not lost
                value, ok = exc, False
            try:
                loop.call_soon_threadsafe(deliver, ok, value)
            except RuntimeError:  # the loop is closed: nobody waits for this any more
                pass

        threading.Thread(target=work, name="groundswell-collect", daemon=True).start()
        return future

    # ------------------------------------------------------------------ database (one thread)

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        assert self._db_executor is not None, "Listener.run is not active"
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db_executor, functools.partial(fn, *args))

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _select_statement(self) -> Any:
        statement = select(Source).where(Source.workspace_id == self.workspace_id)
        if not self.source_names:
            statement = statement.where(col(Source.enabled).is_(True))
        return statement.order_by(Source.name)

    def _selected_ids(self) -> list[int]:
        with self._session() as session:
            sources = list(session.execute(self._select_statement()).scalars())
        wanted = {n.casefold() for n in self.source_names}
        return [
            s.id
            for s in sources
            if s.id is not None and (not wanted or s.name.casefold() in wanted)
        ]

    def _startup(self) -> list[int]:
        with self._session() as session:
            sources = list(
                session.execute(
                    select(Source).where(Source.workspace_id == self.workspace_id)
                ).scalars()
            )
            names = {s.name.casefold() for s in sources}
            missing = [n for n in self.source_names if n.casefold() not in names]
            if missing:
                raise NotFound(f"no source named {', '.join(repr(n) for n in missing)}")
            # Runs left "running" by a killed listener: say what happened to them.
            ids = [s.id for s in sources if s.id is not None]
            if ids:
                session.execute(
                    update(SourceRun)
                    .where(col(SourceRun.source_id).in_(ids))
                    .where(col(SourceRun.status) == STATUS_RUNNING)
                    .values(
                        status=STATUS_ERROR,
                        finished_at=utcnow(),
                        error="interrupted: the listener stopped before this pass finished",
                    )
                )
                session.commit()
        return self._selected_ids()

    def _begin_pass(self, source_id: int) -> tuple[SourceSnapshot, int] | None:
        with self._session() as session:
            source = session.get(Source, source_id)
            if source is None or source.workspace_id != self.workspace_id:
                return None
            named = source.name.casefold() in {n.casefold() for n in self.source_names}
            if not source.enabled and not named:
                return None
            now = utcnow()
            run = SourceRun(source_id=source_id, started_at=now, status=STATUS_RUNNING)
            source.last_run_at = now
            session.add(run)
            session.add(source)
            session.commit()
            session.refresh(run)
            self._matchers[source_id] = BrandMatcher(brand_specs(session, self.workspace_id))
            snapshot = SourceSnapshot(
                id=source_id,
                name=source.name,
                kind=source.kind,
                query=source.query or "",
                config=dict(source.config or {}),
                cursor=dict(source.cursor or {}),
                interval_seconds=source.interval_seconds,
            )
            assert run.id is not None
            return snapshot, run.id

    def _store_batch(self, source_id: int, run_id: int, batch: Batch) -> IngestReport:
        with self._session() as session:
            if session.get(Source, source_id) is None:
                raise CollectorError("listener", "the source was removed during its pass")
            report = IngestReport()
            if batch.mentions:
                ingestor = Ingestor(
                    session,
                    self.workspace_id,
                    matcher=self._matchers.get(source_id),
                    near_duplicates=self._index,
                )
                self._index = ingestor.near_duplicates
                report = ingestor.ingest(batch.mentions, source_id=source_id)  # commits
            # Only now, with the mentions committed, does the cursor move past them.
            source = session.get(Source, source_id)
            run = session.get(SourceRun, run_id)
            if source is None:
                raise CollectorError("listener", "the source was removed during its pass")
            source.cursor = dict(batch.cursor)
            session.add(source)
            if run is not None:
                run.fetched += len(batch.mentions)
                run.inserted += report.inserted
                session.add(run)
            session.commit()
            return report

    def _finish_pass(self, result: PassResult) -> int:
        self._matchers.pop(result.source_id, None)
        if self._index is not None and len(self._index):
            cutoff = utcnow() - timedelta(days=self.near_duplicate_days)
            self._index.prune(cutoff)
        with self._session() as session:
            now = utcnow()
            run = session.get(SourceRun, result.run_id) if result.run_id is not None else None
            if run is not None:
                run.status = result.status
                run.finished_at = now
                run.fetched = result.fetched
                run.inserted = result.inserted
                run.error = result.error
                session.add(run)
            source = session.get(Source, result.source_id)
            failures = 0
            if source is not None:
                if result.status == STATUS_ERROR:
                    source.last_error = result.error
                    source.last_error_at = now
                    source.consecutive_failures += 1
                elif result.status == STATUS_OK:
                    source.last_success_at = now
                    source.consecutive_failures = 0
                failures = source.consecutive_failures
                session.add(source)
            session.commit()
            return failures


def run_listener(
    listener: Listener, *, once: bool = False, handle_signals: bool = True
) -> ListenSummary:
    """Run a listener in a fresh event loop, stopping gracefully on SIGTERM/SIGINT.

    Args:
        listener: The configured listener.
        once: One pass per source, then return.
        handle_signals: Install the signal handlers (only possible in the main thread).

    Returns:
        What ran.

    Raises:
        NotFound: A named source does not exist.
    """

    async def main() -> ListenSummary:
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []

        def on_signal(sig: signal.Signals) -> None:
            log.info("received %s: finishing current batches", sig.name)
            listener.stop()
            # A second signal should not be swallowed: restore the default action.
            loop.remove_signal_handler(sig)

        if handle_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                try:
                    loop.add_signal_handler(sig, on_signal, sig)
                    installed.append(sig)
                except (NotImplementedError, RuntimeError, ValueError):
                    pass
        try:
            return await listener.run(once=once)
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)

    return asyncio.run(main())
