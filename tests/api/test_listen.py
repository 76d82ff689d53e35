from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.services import listen as listen_module
from api.services.ingest import Ingestor, IngestReport
from api.services.listen import Listener, PassResult, run_listener
from api.services.sources import create_source
from listener.base import BUILTIN_COLLECTORS, Batch, CollectorError
from models import Mention, Source, SourceRun
from models.source import SourceCreate
from models.types import MentionIn
from tests.factories import make_workspace
from tests.listener.servers import LoopbackServer, Reply, reddit_listing, reddit_post

REPO = Path(__file__).resolve().parents[2]
BOOT = ("from api.cli import app; from api.cli_listen import register; register(app); "
        "app(prog_name='groundswell')")


# --------------------------------------------------------------------------- scripted collectors


@dataclass
class Script:
    """Batches a test collector yields: each step is a Batch, an exception or a callable."""

    steps: list[Any]
    cursors: list[dict[str, Any]] = field(default_factory=list)


SCRIPTS: dict[str, Script] = {}
RELEASE = threading.Event()


class ScriptedCollector:
    kind = "scripted"

    def __init__(self, *, script: str, allow_private: bool = False, http: Any = None) -> None:
        self.script = SCRIPTS[script]
        self.http = http

    def collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        self.script.cursors.append(dict(cursor))
        done = int(cursor.get("n", 0))
        seen = 0
        for step in self.script.steps:
            if isinstance(step, Batch):
                seen += 1
                if seen <= done:
                    continue  # resumes after the stored cursor, like a real collector
                yield step
            elif isinstance(step, BaseException):
                raise step
            else:
                step()


class HangingCollector:
    kind = "hanging"

    def __init__(self) -> None:
        pass

    def collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        RELEASE.wait(30)
        yield Batch([], {})


@pytest.fixture(autouse=True)
def test_collectors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(BUILTIN_COLLECTORS, "scripted", "tests.api.test_listen:ScriptedCollector")
    monkeypatch.setitem(BUILTIN_COLLECTORS, "hanging", "tests.api.test_listen:HangingCollector")
    SCRIPTS.clear()
    RELEASE.clear()
    yield
    RELEASE.set()


def batches(count: int, size: int = 2, prefix: str = "s") -> list[Batch]:
    out = []
    for n in range(1, count + 1):
        mentions = [
            MentionIn(external_id=f"{prefix}{n}-{i}", text=f"Nuvola batch {n} item {i} "
                      f"{random.Random(n * 100 + i).random()}", source="scripted")
            for i in range(size)
        ]
        out.append(Batch(mentions, {"n": n}, done=n == count))
    return out


def add_source(session: Session, name: str, kind: str, query: str = "",
               **config: Any) -> Source:
    ws = make_workspace(session)
    interval = config.pop("interval", 300)
    enabled = config.pop("enabled", True)
    source = create_source(session, ws.id or 0, SourceCreate(
        name=name, kind=kind, query=query, config=config, enabled=enabled))
    if interval != 300:  # below the API's minimum of 10 s, for fast tests
        source.interval_seconds = interval
        session.add(source)
        session.commit()
    return source


def listener(engine: Engine, session: Session, **kw: Any) -> Listener:
    kw.setdefault("allow_private", True)
    kw.setdefault("http_options", {"backoff_base": 0.01, "max_retries": 1, "timeout": 5.0})
    return Listener(engine, make_workspace(session).id or 0, **kw)


def fresh(session: Session, source: Source) -> Source:
    session.expire_all()
    found = session.get(Source, source.id)
    assert found is not None
    return found


def runs(session: Session, source: Source) -> list[SourceRun]:
    session.expire_all()
    statement = select(SourceRun).where(SourceRun.source_id == source.id).order_by(SourceRun.id)
    return list(session.execute(statement).scalars())


def mention_ids(session: Session) -> list[str]:
    session.expire_all()
    return list(session.execute(select(Mention.external_id)).scalars())


# --------------------------------------------------------------------------- isolation


def test_one_failing_or_hanging_source_never_stops_the_others(
    engine: Engine, session: Session
) -> None:
    now = time.time()
    posts = [reddit_post(i, now - 60 * i) for i in range(120)]
    with LoopbackServer() as server:
        server.route("/search.json", reddit_listing(posts))
        server.route("/r/broken/search.json", Reply(500, body="upstream exploded"))
        good = add_source(session, "good", "reddit", "nuvola", base_url=server.base_url,
                          rate_limit_per_minute=10000)
        broken = add_source(session, "broken", "reddit", "nuvola", base_url=server.base_url,
                            subreddit="broken", rate_limit_per_minute=10000)
        hung = add_source(session, "hung", "hanging")
        SCRIPTS["boom"] = Script([*batches(1), RuntimeError("boom")])
        crashy = add_source(session, "crashy", "scripted", script="boom")
        seen: list[PassResult] = []
        lst = listener(engine, session, batch_timeout=0.5, on_pass=seen.append)
        summary = asyncio.run(lst.run(once=True))

    assert summary.passes == 4 and summary.failures == 3
    assert {r.name: r.status for r in seen} == {
        "good": "ok", "broken": "error", "hung": "error", "crashy": "error"}
    ids = set(mention_ids(session))
    assert {p["data"]["name"] for p in posts} <= ids
    assert {"s1-0", "s1-1"} <= ids  # what crashy stored before failing stays stored

    [good_run] = runs(session, good)
    assert (good_run.status, good_run.fetched, good_run.inserted) == ("ok", 120, 120)
    assert good_run.finished_at is not None and good_run.error is None
    g = fresh(session, good)
    assert g.cursor == {"newest": posts[0]["data"]["created_utc"]}
    assert g.last_success_at is not None and g.consecutive_failures == 0

    [broken_run] = runs(session, broken)
    assert broken_run.status == "error" and "HTTP 500" in (broken_run.error or "")
    b = fresh(session, broken)
    assert b.consecutive_failures == 1 and "HTTP 500" in (b.last_error or "")
    assert b.last_error_at is not None and b.last_success_at is None and b.cursor == {}

    [hung_run] = runs(session, hung)
    assert "timed out" in (hung_run.error or "")
    [crash_run] = runs(session, crashy)
    assert crash_run.error == "RuntimeError: boom"
    assert (crash_run.fetched, crash_run.inserted) == (2, 2)
    assert fresh(session, crashy).cursor == {"n": 1}


def test_bad_input_is_recorded_against_each_source_and_the_run_goes_on(
    engine: Engine, session: Session
) -> None:
    from tests.listener.servers import huge_body, redirect

    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>ok</title><item>'
           "<title>Nuvola is fine</title><link>https://ok.example/1</link>"
           '<guid isPermaLink="false">ok-1</guid></item></channel></rss>')
    with LoopbackServer() as server:
        server.route("/good.xml", Reply(body=rss, content_type="application/rss+xml"))
        server.route("/html", Reply(body="<html><body>Hello</body></html>",
                                    content_type="text/html"))
        server.route("/search.json", Reply(body=b'{"kind": "Listing", "data": {"chil',
                                           content_type="application/json"))
        server.route("/500", Reply(500, body="oops"))
        server.route("/slow", Reply(body=rss, delay=3.0))
        server.route("/loop-a", redirect("/loop-b"))
        server.route("/loop-b", redirect("/loop-a"))
        server.route("/huge", lambda _r: Reply(body=huge_body(50 * 1024 * 1024)))
        expected = {
            "not-xml": ("rss", server.url("/html"), "is not an RSS or Atom feed"),
            "truncated": ("reddit", "nuvola", "invalid JSON"),
            "server-error": ("rss", server.url("/500"), "HTTP 500"),
            "timeout": ("rss", server.url("/slow"), "timed out"),
            "redirect-loop": ("rss", server.url("/loop-a"), "redirect loop"),
            "huge": ("rss", server.url("/huge"), "10485760-byte limit"),
        }
        for name, (kind, query, _reason) in expected.items():
            config = {"base_url": server.base_url} if kind == "reddit" else {}
            add_source(session, name, kind, query, **config)
        good = add_source(session, "good", "rss", server.url("/good.xml"))
        lst = listener(engine, session, http_options={"timeout": 0.5, "max_retries": 1,
                                                      "backoff_base": 0.01})
        summary = asyncio.run(lst.run(once=True))

    assert summary.passes == 7 and summary.failures == 6
    session.expire_all()
    by_name = {s.name: s for s in session.execute(select(Source)).scalars()}
    for name, (_kind, _query, reason) in expected.items():
        source = by_name[name]
        assert reason in (source.last_error or ""), (name, source.last_error)
        assert source.consecutive_failures == 1
        [run] = runs(session, source)
        assert run.status == "error" and reason in (run.error or "")
    assert fresh(session, good).last_success_at is not None
    assert mention_ids(session) == ["ok-1"]


# --------------------------------------------------------------------------- crash safety


def test_cursor_is_stored_only_after_the_mentions_are_committed(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    SCRIPTS["three"] = Script(batches(3))
    source = add_source(session, "three", "scripted", script="three")
    observed: list[tuple[int, dict[str, Any]]] = []

    class Spy(Ingestor):
        def ingest(self, mentions: Any, **kw: Any) -> IngestReport:
            report = super().ingest(mentions, **kw)
            # What another connection sees right after ingest committed.
            with Session(engine) as other:
                count = other.execute(select(func.count()).select_from(Mention)).scalar_one()
                cursor = other.get(Source, source.id).cursor  # type: ignore[union-attr]
            observed.append((count, cursor))
            return report

    monkeypatch.setattr(listen_module, "Ingestor", Spy)
    asyncio.run(listener(engine, session).run(once=True))
    assert observed == [(2, {}), (4, {"n": 1}), (6, {"n": 2})]
    assert fresh(session, source).cursor == {"n": 3}


def test_crash_between_ingest_and_cursor_replays_the_batch_without_doubles(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    SCRIPTS["three"] = Script(batches(3))
    source = add_source(session, "three", "scripted", script="three")
    calls = {"n": 0}

    class CrashAfterCommit(Ingestor):
        def ingest(self, mentions: Any, **kw: Any) -> IngestReport:
            report = super().ingest(mentions, **kw)
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("power cut after the commit")
            return report

    monkeypatch.setattr(listen_module, "Ingestor", CrashAfterCommit)
    asyncio.run(listener(engine, session).run(once=True))
    assert len(mention_ids(session)) == 4
    assert fresh(session, source).cursor == {"n": 1}  # batch 2 is stored, its cursor is not
    assert runs(session, source)[-1].error == "RuntimeError: power cut after the commit"

    monkeypatch.setattr(listen_module, "Ingestor", Ingestor)
    asyncio.run(listener(engine, session).run(once=True))
    assert SCRIPTS["three"].cursors == [{}, {"n": 1}]
    ids = mention_ids(session)
    assert len(ids) == len(set(ids)) == 6
    last = runs(session, source)[-1]
    assert (last.status, last.fetched, last.inserted) == ("ok", 4, 2)
    assert fresh(session, source).cursor == {"n": 3}


def test_stale_running_runs_are_marked_interrupted(engine: Engine, session: Session) -> None:
    SCRIPTS["one"] = Script(batches(1))
    source = add_source(session, "one", "scripted", script="one")
    session.add(SourceRun(source_id=source.id or 0, status="running"))
    session.commit()
    asyncio.run(listener(engine, session).run(once=True))
    stale, new = runs(session, source)
    assert stale.status == "error" and "interrupted" in (stale.error or "")
    assert new.status == "ok"


# --------------------------------------------------------------------------- stopping


def test_stop_finishes_the_current_batch_then_resumes_later(
    engine: Engine, session: Session
) -> None:
    holder: dict[str, Listener] = {}
    steps: list[Any] = []
    for n, batch in enumerate(batches(10), start=1):
        if n == 4:
            steps.append(lambda: holder["l"].stop())
        steps.append(batch)
    SCRIPTS["ten"] = Script(steps)
    source = add_source(session, "ten", "scripted", script="ten")
    holder["l"] = listener(engine, session)
    summary = asyncio.run(holder["l"].run(once=True))
    result = summary.last["ten"]
    assert result.status == "stopped"
    stored = fresh(session, source).cursor["n"]
    assert stored == 4  # the batch fetched while stopping is still stored
    assert len(mention_ids(session)) == 2 * stored
    assert runs(session, source)[-1].status == "stopped"
    assert fresh(session, source).consecutive_failures == 0

    asyncio.run(listener(engine, session).run(once=True))
    assert len(set(mention_ids(session))) == 20
    assert fresh(session, source).cursor == {"n": 10}


def test_stop_abandons_a_hung_fetch_after_the_grace_period(
    engine: Engine, session: Session
) -> None:
    holder: dict[str, Listener] = {}

    def stop_and_hang() -> None:
        holder["l"].stop()
        RELEASE.wait(30)

    SCRIPTS["hang"] = Script([*batches(1), stop_and_hang, *batches(2)[1:]])
    source = add_source(session, "hang", "scripted", script="hang")
    holder["l"] = listener(engine, session, stop_grace=0.2)
    summary = asyncio.run(holder["l"].run(once=False))
    assert summary.last["hang"].status == "stopped"
    assert fresh(session, source).cursor == {"n": 1}
    assert len(mention_ids(session)) == 2


# --------------------------------------------------------------------------- scheduling


def test_sources_repeat_on_their_interval_back_off_and_new_ones_are_picked_up(
    engine: Engine, session: Session
) -> None:
    SCRIPTS["ok"] = Script(batches(1, prefix="a"))
    SCRIPTS["later"] = Script(batches(1, prefix="c"))
    a = add_source(session, "a", "scripted", script="ok", interval=1)
    b = add_source(session, "b", "reddit", "q", base_url="http://127.0.0.1:9", interval=1)
    off = add_source(session, "off", "scripted", script="ok", enabled=False)
    counts: dict[str, int] = {}
    holder: dict[str, Listener] = {}

    def on_pass(result: PassResult) -> None:
        counts[result.name] = counts.get(result.name, 0) + 1
        if result.name == "a" and counts["a"] == 1:
            add_source(session, "c", "scripted", script="later")
        if counts.get("a", 0) >= 2 and counts.get("b", 0) >= 2 and counts.get("c", 0) >= 1:
            holder["l"].stop()

    holder["l"] = listener(engine, session, refresh_seconds=0.1, on_pass=on_pass,
                           http_options={"max_retries": 0, "timeout": 1.0})
    thread = threading.Thread(target=lambda: asyncio.run(holder["l"].run()))
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    assert counts["a"] >= 2 and counts["c"] >= 1 and "off" not in counts
    assert [r.status for r in runs(session, a)][:2] == ["ok", "ok"]
    assert fresh(session, b).consecutive_failures >= 2
    assert runs(session, off) == []


def test_backoff_grows_with_failures_and_is_capped(engine: Engine, session: Session) -> None:
    lst = listener(engine, session, max_backoff_seconds=50)

    def delay(failures: int) -> float:
        return lst._delay(PassResult(source_id=1, name="x", kind="x", interval_seconds=10,
                                     consecutive_failures=failures))

    assert [delay(n) for n in range(6)] == [10, 10, 20, 40, 50, 50]


def test_named_sources_run_even_when_disabled_and_unknown_names_fail(
    engine: Engine, session: Session
) -> None:
    SCRIPTS["one"] = Script(batches(1))
    SCRIPTS["two"] = Script(batches(1, prefix="t"))
    add_source(session, "one", "scripted", script="one", enabled=False)
    add_source(session, "two", "scripted", script="two")
    summary = asyncio.run(listener(engine, session, source_names=["ONE"]).run(once=True))
    assert list(summary.last) == ["one"]
    from api.services.errors import NotFound

    with pytest.raises(NotFound):
        asyncio.run(listener(engine, session, source_names=["nope"]).run(once=True))


def test_run_listener_returns_the_summary_without_signal_handlers(
    engine: Engine, session: Session
) -> None:
    SCRIPTS["one"] = Script(batches(2))
    add_source(session, "one", "scripted", script="one")
    summary = run_listener(listener(engine, session), once=True, handle_signals=False)
    assert (summary.passes, summary.fetched, summary.inserted) == (1, 4, 4)


def test_collector_errors_keep_their_reason(engine: Engine, session: Session) -> None:
    SCRIPTS["bad"] = Script([CollectorError("scripted", "feed is not XML")])
    source = add_source(session, "bad", "scripted", script="bad")
    asyncio.run(listener(engine, session).run(once=True))
    assert fresh(session, source).last_error == "feed is not XML"


# --------------------------------------------------------------------------- real processes


def crash_posts(count: int) -> list[dict[str, Any]]:
    rng = random.Random(42)
    words = [f"w{n}" for n in range(400)] + ["nuvola", "fizzly", "citrus", "berry", "zero"]
    now = time.time()
    return [
        reddit_post(i, now - 30 * i, title=" ".join(rng.choices(words, k=9)),
                    selftext=" ".join(rng.choices(words, k=14)))
        for i in range(count)
    ]


def start_listener(database_url: str, tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GROUNDSWELL_DATABASE_URL": database_url,
        "GROUNDSWELL_DATA_DIR": str(tmp_path / "data"),
        "GROUNDSWELL_ALLOW_PRIVATE_URLS": "true",
        "GROUNDSWELL_WORKSPACE": "default",
        "PYTHONPATH": str(REPO),
        "OMP_NUM_THREADS": "1",
    }
    log = open(tmp_path / "listener.log", "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-c", BOOT, "listen", *args], cwd=tmp_path,
                            env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(condition: Callable[[], bool], timeout: float, tmp_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    log = (tmp_path / "listener.log").read_text(errors="replace")
    pytest.fail(f"condition not met within {timeout} s; listener output:\n{log[-4000:]}")


def count_mentions(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(Mention)).scalar_one())


def reddit_source(session: Session, server: LoopbackServer) -> Source:
    return add_source(session, "reddit", "reddit", "nuvola", base_url=server.base_url,
                      page_size=50, max_pages=100, rate_limit_per_minute=1_000_000)


def test_sigkill_mid_ingest_then_restart_stores_every_item_exactly_once(
    engine: Engine, session: Session, database_url: str, tmp_path: Path
) -> None:
    posts = crash_posts(2000)
    served = {p["data"]["name"] for p in posts}
    with LoopbackServer() as server:
        # 40 pages of 50, served slowly.
        server.route("/search.json", reddit_listing(posts, page_delay=0.04))
        source = reddit_source(session, server)
        proc = start_listener(database_url, tmp_path)
        try:
            wait_for(lambda: count_mentions(engine) >= 600 or proc.poll() is not None, 90,
                     tmp_path)
        finally:
            proc.kill()  # SIGKILL: no handler runs, nothing is cleaned up
            proc.wait(10)
        assert proc.returncode == -signal.SIGKILL
        at_kill = count_mentions(engine)
        assert 0 < at_kill < 2000, "the listener finished before it was killed"
        resumed_from = len(server.requests)
        final = start_listener(database_url, tmp_path, "--once")
        assert final.wait(90) == 0, (tmp_path / "listener.log").read_text()
        first_after_restart = server.requests[resumed_from]

    assert first_after_restart.arg("after") is not None  # resumed from the stored cursor
    ids = mention_ids(session)
    assert len(ids) == 2000
    assert set(ids) == served  # every served item, exactly once
    assert fresh(session, source).cursor == {"newest": posts[0]["data"]["created_utc"]}
    killed_run, final_run = runs(session, source)
    assert killed_run.status == "error" and "interrupted" in (killed_run.error or "")
    assert (final_run.status, final_run.error) == ("ok", None)
    assert final_run.inserted == 2000 - at_kill


def test_sigterm_finishes_the_current_batch_and_exits_zero(
    engine: Engine, session: Session, database_url: str, tmp_path: Path
) -> None:
    posts = crash_posts(600)
    order = [p["data"]["name"] for p in posts]
    with LoopbackServer() as server:
        server.route("/search.json", reddit_listing(posts, page_delay=0.15))
        source = reddit_source(session, server)
        proc = start_listener(database_url, tmp_path)
        try:
            wait_for(lambda: count_mentions(engine) >= 50 or proc.poll() is not None, 90,
                     tmp_path)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0, (tmp_path / "listener.log").read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
    stored = fresh(session, source).cursor
    assert "pass" in stored, f"the pass finished before SIGTERM: {stored}"
    after = stored["pass"]["page"]
    ids = mention_ids(session)
    # Everything up to the stored cursor, and nothing past it.
    assert sorted(ids) == sorted(order[: order.index(after) + 1])
    assert len(ids) < 600
    [run] = runs(session, source)
    assert run.status == "stopped" and run.fetched == len(ids)
    assert "stopped" in (tmp_path / "listener.log").read_text()
