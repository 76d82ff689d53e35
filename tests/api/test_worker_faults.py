"""Workers under faults: killed mid-batch, the database going away, a source that hangs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, select

from api.services import jobs
from api.services.analytics import brand_stats, rollup_brand_stats
from api.services.jobs import HandlerEnv, Worker
from api.services.sources import create_source
from models import Job, Mention
from models.db import make_engine
from models.source import SourceCreate
from tests.api.test_jobs import FakeNlp, results_per_mention, seed_mentions
from tests.factories import make_brand, make_workspace
from tests.listener.servers import LoopbackServer, reddit_listing, reddit_post

REPO = Path(__file__).resolve().parents[2]
BOOT = "from tests.api.test_worker_faults import worker_main; worker_main()"


# --------------------------------------------------------------------------- helpers


def wait_for(condition: Callable[[], bool], timeout: float, what: str,
             log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    pytest.fail(f"{what}: not within {timeout} s\n{tail}")


def analysed(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(
            select(func.count()).select_from(Mention).where(Mention.sentiment_version.is_not(None))
        ).scalar_one())


def unfinished_jobs(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(
            select(func.count()).select_from(Job).where(Job.status.in_(["queued", "running"]))
        ).scalar_one())


def assert_analysed_exactly_once(session: Session, workspace_id: int, total: int) -> None:
    session.expire_all()
    assert session.execute(select(func.count()).select_from(Mention)).scalar_one() == total
    sent, harm = results_per_mention(session)
    assert len(sent) == len(harm) == total
    assert set(sent.values()) == set(harm.values()) == {1}
    assert session.execute(
        select(func.count()).select_from(Mention).where(Mention.sentiment_version.is_(None))
    ).scalar_one() == 0
    # Rollups count every mention's sentiment once: none lost, none counted twice.
    fast = {s.name: (s.mentions, s.sentiment, s.harm_claims)
            for s in rollup_brand_stats(session, workspace_id)}
    raw = {s.name: (s.mentions, s.sentiment, s.harm_claims)
           for s in brand_stats(session, workspace_id)}
    assert fast == raw
    assert sum(fast["Nuvola"][1].values()) == total


# --------------------------------------------------------------------------- SIGKILL mid-batch


def worker_main() -> None:
    """A worker process whose NLP can be told to hang in its n-th batch (see the env)."""
    gate = Path(os.environ["GS_TEST_GATE"])
    block_at = int(os.environ.get("GS_TEST_BLOCK_AT", "0"))
    nlp = FakeNlp()
    batches = 0

    def before_predict(texts: list[str]) -> None:
        nonlocal batches
        batches += 1
        if batches == block_at:
            marker = gate / "blocked.tmp"
            marker.write_text("\n".join(texts))
            marker.rename(gate / "blocked")
            while True:  # until SIGKILL: the batch is scored, never stored
                time.sleep(1)

    nlp.sentiment.before_predict = before_predict
    worker = Worker(
        make_engine(os.environ["GROUNDSWELL_DATABASE_URL"]),
        env=HandlerEnv(nlp_factory=lambda: nlp, analyze_batch=100),
        worker_id=os.environ["GS_TEST_WORKER_ID"],
        kinds=["analyze", "detect"],
        lease_seconds=2.0,
        poll_seconds=0.05,
    )
    summary = worker.run(handle_signals=True)
    print(json.dumps({"done": summary.done, "lost": summary.lost}), flush=True)


def start_worker(database_url: str, tmp_path: Path, name: str, block_at: int = 0
                 ) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GROUNDSWELL_DATABASE_URL": database_url,
        "GS_TEST_GATE": str(tmp_path),
        "GS_TEST_BLOCK_AT": str(block_at),
        "GS_TEST_WORKER_ID": name,
        "PYTHONPATH": str(REPO),
        "OMP_NUM_THREADS": "1",
    }
    log = open(tmp_path / "worker.log", "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-c", BOOT], cwd=tmp_path, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def test_sigkill_mid_batch_then_a_new_worker_analyses_everything_exactly_once(
    engine: Engine, session: Session, database_url: str, tmp_path: Path
) -> None:
    ws = seed_mentions(session, 700)
    jobs.request_analysis(session, ws.id or 0)
    session.commit()
    log = tmp_path / "worker.log"

    first = start_worker(database_url, tmp_path, "doomed", block_at=3)
    try:
        wait_for(lambda: (tmp_path / "blocked").exists() or first.poll() is not None, 60,
                 "the first worker to reach its third batch", log)
        assert first.poll() is None, log.read_text()
        in_flight = (tmp_path / "blocked").read_text().splitlines()
        # Truly mid-batch: two batches stored, the third scored but not committed.
        assert len(in_flight) == 100 and analysed(engine) == 200
        with Session(engine) as s:
            [held] = jobs.list_jobs(s, status="running")
            assert held.locked_by == "doomed" and held.attempts == 1
    finally:
        first.kill()  # SIGKILL: no handler runs, the transaction is cut off
        first.wait(10)
    assert first.returncode == -signal.SIGKILL
    assert analysed(engine) == 200
    with Session(engine) as s:
        pending = set(s.execute(
            select(Mention.text).where(Mention.sentiment_version.is_(None))).scalars())
    assert set(in_flight) <= pending  # nothing of the killed batch was stored

    second = start_worker(database_url, tmp_path, "heir")
    try:
        wait_for(lambda: analysed(engine) == 700 and unfinished_jobs(engine) == 0, 60,
                 "the second worker to finish", log)
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0, log.read_text()
    finally:
        if second.poll() is None:
            second.kill()
    assert '"lost": 0' in log.read_text()

    assert_analysed_exactly_once(session, ws.id or 0, 700)
    session.expire_all()
    killed = session.get(Job, held.id)
    assert killed is not None and killed.status == "done" and killed.attempts == 2
    assert killed.locked_by == "heir" and "worker doomed stopped" in (killed.last_error or "")
    assert {j.status for j in jobs.list_jobs(session, limit=1000)} == {"done"}


# --------------------------------------------------------------------------- database outage


class TcpProxy:
    """Forwards a loopback port to a server; `down()` closes it and refuses connections."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = int(probe.getsockname()[1])
        probe.close()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            conns, self._open = self._open, set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.mark.postgres
def test_workers_ride_out_ten_seconds_without_the_database(
    engine: Engine, session: Session, database_url: str
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the outage is staged with a TCP proxy in front of PostgreSQL")
    ws = seed_mentions(session, 3000)
    jobs.request_analysis(session, ws.id or 0)
    session.commit()
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.up()
    proxied = make_engine(url.set(host="127.0.0.1", port=proxy.port)
                          .render_as_string(hide_password=False))
    nlp = FakeNlp()
    nlp.sentiment.before_predict = lambda texts: time.sleep(0.1)
    worker = Worker(
        proxied,
        env=HandlerEnv(nlp_factory=lambda: nlp, analyze_batch=50),
        kinds=["analyze", "detect"],
        concurrency=2,
        lease_seconds=3.0,
        poll_seconds=0.1,
        db_backoff_seconds=0.2,
        db_backoff_max=1.0,
    )
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: analysed(engine) >= 300, 60, "analysis to get going")
        proxy.down()
        time.sleep(10)  # the outage
        assert thread.is_alive(), "the worker died with the database"
        assert worker.summary.db_errors > 0
        stalled_at = analysed(engine)
        assert stalled_at < 3000, "analysis finished before the outage began"
        proxy.up()
        wait_for(lambda: analysed(engine) == 3000 and unfinished_jobs(engine) == 0, 90,
                 "the worker to resume and finish")
    finally:
        worker.stop()
        thread.join(30)
        proxy.down()
        proxied.dispose()
    assert not thread.is_alive()
    assert_analysed_exactly_once(session, ws.id or 0, 3000)
    assert {j.status for j in jobs.list_jobs(session, limit=1000)} == {"done"}


# --------------------------------------------------------------------------- a hanging source


class SilentServer:
    """Accepts HTTP connections on loopback and never answers."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.accepted: list[socket.socket] = []
        self._running = True
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _accept(self) -> None:
        while self._running:
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._running = False
        self._thread.join(5)
        for conn in self.accepted:
            conn.close()
        self._sock.close()


def test_a_hanging_source_does_not_starve_other_jobs(engine: Engine, session: Session) -> None:
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola")
    now = time.time()
    posts = [reddit_post(i, now - 60 * i) for i in range(40)]
    nlp = FakeNlp()
    with LoopbackServer() as server, SilentServer() as silent:
        server.route("/search.json", reddit_listing(posts))
        hung = create_source(session, ws.id or 0, SourceCreate(
            name="hung", kind="reddit", query="nuvola",
            config={"base_url": silent.base_url, "rate_limit_per_minute": 10000}))
        good = create_source(session, ws.id or 0, SourceCreate(
            name="good", kind="reddit", query="nuvola",
            config={"base_url": server.base_url, "rate_limit_per_minute": 10000}))
        # The hung source is claimed first and holds one thread for its whole timeout.
        hung_job = jobs.enqueue(session, "collect", {"source_id": hung.id},
                                workspace_id=ws.id, priority=20, max_attempts=1)
        good_job = jobs.enqueue(session, "collect", {"source_id": good.id},
                                workspace_id=ws.id, priority=10, max_attempts=1)
        session.commit()
        env = HandlerEnv(nlp_factory=lambda: nlp, allow_private=True, batch_timeout=5.0,
                         http_options={"timeout": 30.0, "max_retries": 0})
        summary = Worker(engine, env=env, concurrency=2, poll_seconds=0.05).run(once=True)
        assert silent.accepted, "the hanging source was never asked"

    session.expire_all()
    hung_row, good_row = session.get(Job, hung_job), session.get(Job, good_job)
    assert hung_row is not None and good_row is not None
    assert hung_row.status == "failed" and "timed out" in (hung_row.last_error or "")
    assert good_row.status == "done"
    # The good source, and the analysis it queued, finished while the other still hung.
    analyze = jobs.list_jobs(session, kind="analyze")
    assert [j.status for j in analyze] == ["done"]
    assert good_row.finished_at and hung_row.finished_at
    assert analyze[0].finished_at and analyze[0].finished_at < hung_row.finished_at
    stored = set(session.execute(select(Mention.external_id)).scalars())
    assert stored == {p["data"]["name"] for p in posts}
    assert analysed(engine) == 40
    assert summary.by_kind["collect"] == 1 and summary.failed == 1
