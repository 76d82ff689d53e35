"""The job queue's semantics, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.main import create_app
from api.services import jobs
from api.services.analytics import brand_stats, rollup_brand_stats
from api.services.ingest import Ingestor
from api.services.jobs import Handler, JobContext, LeaseLost, Worker
from api.services.sources import create_source
from models import HarmResult, Job, Mention, SentimentResult, Workspace
from models.source import SourceCreate
from models.timeutil import utcnow
from tests.factories import make_brand, make_key, make_workspace, mention

# --------------------------------------------------------------------------- helpers


@dataclass
class _Sentiment:
    label: str
    scores: dict[str, float]


@dataclass
class _Harm:
    probability: float
    is_claim: bool

    def evidence_dict(self) -> dict[str, Any]:
        return {"fake": True}


class FakeLangId:
    def detect(self, texts: list[str]) -> list[str | None]:
        return ["en" for _ in texts]


class FakeSentiment:
    """Negative when the text says 'sick', else positive; counts what it scored."""

    version = "fake-1"

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.before_predict: Any = None

    def predict(self, texts: list[str], langs: list[str | None] | None = None) -> list[_Sentiment]:
        if self.before_predict is not None:
            self.before_predict(texts)
        self.seen.update(texts)
        out = []
        for t in texts:
            label = "negative" if "sick" in t else "positive"
            scores = {"negative": 0.1, "neutral": 0.1, "positive": 0.1, label: 0.8}
            out.append(_Sentiment(label, scores))
        return out


class FakeHarm:
    version = "fake-harm"

    def predict(self, texts: list[str], langs: list[str | None] | None = None) -> list[_Harm]:
        return [_Harm(0.9 if "sick" in t else 0.1, "sick" in t) for t in texts]


@dataclass
class FakeNlp:
    langid: FakeLangId = field(default_factory=FakeLangId)
    sentiment: FakeSentiment = field(default_factory=FakeSentiment)
    harm: FakeHarm = field(default_factory=FakeHarm)


def seed_mentions(session: Session, count: int, prefix: str = "m") -> Workspace:
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola")
    items = [
        mention(
            f"Nuvola {'made me sick' if i % 5 == 0 else 'is lovely'} today, note {prefix}{i} "
            f"with words {i * 7919 % 1009} {i * 104729 % 7919}",
            minutes=i % 600,
            external_id=f"{prefix}{i}",
        )
        for i in range(count)
    ]
    Ingestor(session, ws.id or 0).ingest(items)
    return ws


def job(session: Session, job_id: int) -> Job:
    session.expire_all()
    found = session.get(Job, job_id)
    assert found is not None
    return found


def results_per_mention(session: Session) -> tuple[Counter[int], Counter[int]]:
    session.expire_all()
    sent = Counter(session.execute(select(SentimentResult.mention_id)).scalars())
    harm = Counter(session.execute(select(HarmResult.mention_id)).scalars())
    return sent, harm


# --------------------------------------------------------------------------- the queue


def test_dedupe_key_holds_one_queued_job_but_not_a_running_one(session: Session) -> None:
    first = jobs.enqueue(session, "analyze", dedupe_key="analyze:1")
    assert first is not None
    assert jobs.enqueue(session, "analyze", dedupe_key="analyze:1") is None
    assert jobs.enqueue(session, "other", dedupe_key="detect:1") is not None
    session.commit()
    claimed = jobs.claim(session, "w1", kinds=["analyze"])
    assert claimed is not None and claimed.id == first
    # New input while the job runs gets a job of its own.
    second = jobs.enqueue(session, "analyze", dedupe_key="analyze:1")
    assert second is not None and second != first
    session.commit()
    assert jobs.count_by_status(session) == {"running": 1, "queued": 2}


def test_claim_takes_priority_then_age_and_honours_delay_and_kinds(session: Session) -> None:
    now = utcnow()
    low = jobs.enqueue(session, "a", priority=0, now=now)
    high = jobs.enqueue(session, "a", priority=5, now=now + timedelta(seconds=1))
    later = jobs.enqueue(session, "a", priority=9, delay=60, now=now)
    other = jobs.enqueue(session, "b", priority=100, now=now)
    session.commit()
    at = now + timedelta(seconds=2)
    order = [jobs.claim(session, "w", kinds=["a"], now=at) for _ in range(3)]
    assert [c.id if c else None for c in order] == [high, low, None]
    due = jobs.claim(session, "w", kinds=["a"], now=now + timedelta(seconds=61))
    assert due is not None and due.id == later
    any_kind = jobs.claim(session, "w", now=at)
    assert any_kind is not None and any_kind.id == other and any_kind.kind == "b"


def test_complete_is_fenced_by_the_attempt_number(session: Session) -> None:
    job_id = jobs.enqueue(session, "a", {"x": 1})
    session.commit()
    t0 = utcnow()
    stale = jobs.claim(session, "w1", lease_seconds=10, now=t0)
    assert stale is not None and stale.attempt == 1 and stale.payload == {"x": 1}
    # Lease still held: nobody else gets it.
    assert jobs.claim(session, "w2", lease_seconds=10, now=t0 + timedelta(seconds=5)) is None
    fresh = jobs.claim(session, "w2", lease_seconds=10, now=t0 + timedelta(seconds=11))
    assert fresh is not None and fresh.id == job_id and fresh.attempt == 2
    row = job(session, job_id or 0)
    assert row.locked_by == "w2" and "lease expired: worker w1" in (row.last_error or "")

    with pytest.raises(LeaseLost):
        jobs.complete(session, stale)
    session.rollback()
    assert not jobs.extend_lease(session, stale, 10)
    with pytest.raises(LeaseLost):
        jobs.fail(session, stale, "late")
    session.rollback()
    jobs.complete(session, fresh)
    session.commit()
    row = job(session, job_id or 0)
    assert (row.status, row.attempts) == ("done", 2)
    assert row.finished_at is not None and row.lease_until is None


def test_failed_attempts_are_retried_with_delay_then_fail_keeping_the_error(
    session: Session,
) -> None:
    job_id = jobs.enqueue(session, "a", max_attempts=2)
    session.commit()
    t0 = utcnow()
    first = jobs.claim(session, "w", now=t0)
    assert first is not None
    assert jobs.fail(session, first, "boom 1", retry_delay=30, now=t0) == "queued"
    session.commit()
    assert jobs.claim(session, "w", now=t0 + timedelta(seconds=29)) is None
    second = jobs.claim(session, "w", now=t0 + timedelta(seconds=31))
    assert second is not None and second.attempt == 2
    assert jobs.fail(session, second, "boom 2", now=t0) == "failed"
    session.commit()
    row = job(session, job_id or 0)
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "boom 2")
    assert row.finished_at is not None
    assert jobs.claim(session, "w", now=t0 + timedelta(days=1)) is None

    assert jobs.retry_jobs(session, [job_id or 0], attempts=1) == 1
    session.commit()
    again = jobs.claim(session, "w")
    assert again is not None and again.attempt == 3 and again.max_attempts == 3


def test_expired_lease_on_the_last_attempt_fails_the_job(session: Session) -> None:
    job_id = jobs.enqueue(session, "a", max_attempts=1)
    session.commit()
    t0 = utcnow()
    assert jobs.claim(session, "dead", lease_seconds=5, now=t0) is not None
    later = t0 + timedelta(seconds=6)
    assert jobs.claim(session, "w", now=later) is None  # no attempts left to give
    assert jobs.reap_expired(session, now=later) == 1
    session.commit()
    row = job(session, job_id or 0)
    assert row.status == "failed" and "dead" in (row.last_error or "")


def test_release_hands_the_job_back_without_using_an_attempt(session: Session) -> None:
    job_id = jobs.enqueue(session, "a", max_attempts=1, dedupe_key="k")
    session.commit()
    held = jobs.claim(session, "w")
    assert held is not None
    twin = jobs.enqueue(session, "a", dedupe_key="k")
    jobs.release(session, held, "stopping")
    session.commit()
    row = job(session, job_id or 0)
    assert (row.status, row.attempts, row.max_attempts) == ("queued", 1, 2)
    # A twin already holds the key: this one gives it up rather than break it.
    assert row.dedupe_key is None and job(session, twin or 0).dedupe_key == "k"
    assert jobs.claim(session, "w") is not None


def test_concurrent_claims_never_hand_out_a_job_twice(engine: Engine) -> None:
    with Session(engine) as session:
        for i in range(150):
            jobs.enqueue(session, "a", {"i": i})
        session.commit()
    claimed: list[list[int]] = [[] for _ in range(6)]
    start = threading.Barrier(6)

    def grab(slot: int) -> None:
        start.wait()
        with Session(engine) as session:
            while (got := jobs.claim(session, f"w{slot}")) is not None:
                claimed[slot].append(got.id)

    threads = [threading.Thread(target=grab, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    everything = [i for ids in claimed for i in ids]
    assert len(everything) == len(set(everything)) == 150
    with Session(engine) as session:
        assert jobs.count_by_status(session) == {"running": 150}


# --------------------------------------------------------------------------- the worker


def test_two_workers_run_every_job_exactly_once(engine: Engine) -> None:
    runs: Counter[int] = Counter()
    lock = threading.Lock()

    def record(ctx: JobContext) -> dict[str, Any]:
        assert ctx.session is not None
        with lock:
            runs[ctx.job.payload["n"]] += 1
        ctx.session.add(Workspace(name=f"job-{ctx.job.payload['n']}"))
        return {}

    handlers = {"record": Handler(record, transactional=True)}
    with Session(engine) as session:
        for n in range(40):
            jobs.enqueue(session, "record", {"n": n})
        session.commit()
    workers = [
        Worker(engine, handlers=handlers, worker_id=f"w{i}", concurrency=2, poll_seconds=0.05)
        for i in range(2)
    ]
    threads = [threading.Thread(target=w.run, kwargs={"once": True}) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert runs == Counter({n: 1 for n in range(40)})
    assert sum(w.summary.done for w in workers) == 40
    with Session(engine) as session:
        assert jobs.count_by_status(session) == {"done": 40}
        names = session.execute(select(Workspace.name).where(Workspace.name.like("job-%")))
        assert sorted(names.scalars()) == sorted(f"job-{n}" for n in range(40))


def test_a_failing_transactional_job_stores_nothing_and_is_retried(engine: Engine) -> None:
    calls: list[int] = []

    def flaky(ctx: JobContext) -> dict[str, Any]:
        assert ctx.session is not None
        calls.append(ctx.job.attempt)
        ctx.session.add(Workspace(name=f"attempt-{ctx.job.attempt}"))
        ctx.session.flush()
        if ctx.job.attempt < 3:
            raise RuntimeError(f"flaky {ctx.job.attempt}")
        return {}

    outcomes: list[str] = []
    worker = Worker(
        engine,
        handlers={"flaky": Handler(flaky, transactional=True)},
        retry_base_seconds=0,
        poll_seconds=0.01,
        on_job=lambda j, outcome, detail: outcomes.append(outcome),
    )
    with Session(engine) as session:
        job_id = jobs.enqueue(session, "flaky", max_attempts=3)
        session.commit()
    summary = worker.run(once=True)
    assert calls == [1, 2, 3] and outcomes == ["retry", "retry", "done"]
    assert (summary.done, summary.failed) == (1, 2)
    with Session(engine) as session:
        names = list(session.execute(select(Workspace.name)).scalars())
        assert names == ["attempt-3"]  # the failed attempts' writes were rolled back
        row = job(session, job_id or 0)
        assert (row.status, row.attempts, row.last_error) == ("done", 3, "RuntimeError: flaky 2")


def test_a_job_that_exhausts_its_attempts_fails_with_its_error(engine: Engine) -> None:
    def broken(ctx: JobContext) -> None:
        raise ValueError("bad payload")

    worker = Worker(engine, handlers={"broken": Handler(broken)}, retry_base_seconds=0,
                    poll_seconds=0.01)
    with Session(engine) as session:
        job_id = jobs.enqueue(session, "broken", max_attempts=2)
        session.commit()
    summary = worker.run(once=True)
    assert (summary.done, summary.failed) == (0, 2)
    with Session(engine) as session:
        row = job(session, job_id or 0)
        assert (row.status, row.attempts, row.last_error) == (
            "failed", 2, "ValueError: bad payload")


def test_lost_lease_rolls_the_work_back(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite jobs hold the write lock: no other writer can take a lease over")

    def overtaken(ctx: JobContext) -> dict[str, Any]:
        assert ctx.session is not None
        ctx.session.add(Workspace(name="should-vanish"))
        ctx.session.flush()
        with Session(ctx.engine) as other:  # another worker, after our lease expired
            later = utcnow() + timedelta(hours=1)
            assert jobs.claim(other, "thief", now=later) is not None
        return {}

    worker = Worker(engine, handlers={"x": Handler(overtaken, transactional=True)},
                    poll_seconds=0.01)
    with Session(engine) as session:
        job_id = jobs.enqueue(session, "x")
        session.commit()
    summary = worker.run(once=True)
    assert summary.lost == 1 and summary.done == 0
    with Session(engine) as session:
        assert session.execute(select(Workspace.name)).scalars().all() == []
        row = job(session, job_id or 0)
        assert (row.status, row.locked_by, row.attempts) == ("running", "thief", 2)


def test_analyze_jobs_score_everything_once_keep_rollups_and_queue_detection(
    engine: Engine, session: Session
) -> None:
    ws = seed_mentions(session, 230)
    nlp = FakeNlp()
    jobs.request_analysis(session, ws.id or 0)
    session.commit()
    env = jobs.HandlerEnv(nlp_factory=lambda: nlp, analyze_batch=50)
    worker = Worker(engine, env=env, kinds=["analyze", "detect"], poll_seconds=0.01)
    summary = worker.run(once=True)

    assert summary.by_kind["analyze"] == 5  # 4 full batches and the tail of 30
    assert summary.by_kind["detect"] >= 1
    assert set(nlp.sentiment.seen.values()) == {1}  # every text scored once
    sent, harm = results_per_mention(session)
    ids = set(session.execute(select(Mention.id)).scalars())
    assert set(sent) == set(harm) == ids and set(sent.values()) == set(harm.values()) == {1}
    versions = set(session.execute(select(Mention.sentiment_version)).scalars())
    assert versions == {"fake-1"}
    # Rollups were kept in step with the analysis, in the job's transaction.
    fast = {s.name: (s.mentions, s.sentiment, s.harm_claims)
            for s in rollup_brand_stats(session, ws.id or 0)}
    raw = {s.name: (s.mentions, s.sentiment, s.harm_claims)
           for s in brand_stats(session, ws.id or 0)}
    assert fast == raw
    assert fast["Nuvola"] == (230, {"negative": 46, "neutral": 0, "positive": 184}, 46)
    assert jobs.count_by_status(session) == {"done": summary.done}


def test_analysis_with_the_real_pipeline(engine: Engine, session: Session, settings) -> None:
    from api.services.analysis import build_pipeline

    ws = seed_mentions(session, 40)
    jobs.request_analysis(session, ws.id or 0)
    session.commit()
    settings.sentiment_model = "builtin:ngram"  # the bundled model: fast, no downloads
    env = jobs.HandlerEnv(nlp_factory=lambda: build_pipeline(settings), analyze_batch=25)
    summary = Worker(engine, env=env, poll_seconds=0.01).run(once=True)
    assert summary.by_kind == Counter({"analyze": 2, "detect": 1})
    sent, _ = results_per_mention(session)
    assert len(sent) == 40 and set(sent.values()) == {1}
    labels = Counter(session.execute(select(Mention.sentiment)).scalars())
    assert labels["negative"] >= 1 and labels["positive"] >= 1


def test_schedule_queues_due_sources_and_pending_analysis_once(session: Session) -> None:
    ws = seed_mentions(session, 3)
    due = create_source(session, ws.id or 0, SourceCreate(name="due", kind="rss", query="x"))
    recent = create_source(session, ws.id or 0, SourceCreate(name="recent", kind="rss", query="y"))
    recent.last_run_at = utcnow()
    session.add(recent)
    off = create_source(session, ws.id or 0, SourceCreate(name="off", kind="rss", enabled=False))
    session.commit()
    assert jobs.schedule_due(session) == {"collect": 1, "analyze": 1}
    assert jobs.schedule_due(session) == {}  # already queued
    queued = {(j.kind, json.dumps(j.payload)) for j in jobs.list_jobs(session)}
    assert queued == {("collect", json.dumps({"source_id": due.id})), ("analyze", "{}")}
    assert off.id not in {j.payload.get("source_id") for j in jobs.list_jobs(session)}
    # A collect job that runs blocks another for the same source.
    held = jobs.claim(session, "w", kinds=["collect"])
    assert held is not None
    assert jobs.schedule_due(session) == {}


def test_webhook_queues_one_analyze_job_per_workspace(settings, session: Session) -> None:
    ws = make_workspace(session)
    make_brand(session, ws, "Nuvola")
    key = {"X-API-Key": make_key(session, ws)}
    settings.rate_limit_per_minute = 100_000
    client = TestClient(create_app(settings))
    for batch in range(3):
        items = [{"external_id": f"h{batch}-{i}", "text": f"Nuvola post {batch} {i}"}
                 for i in range(4)]
        response = client.post("/v1/ingest", json=items, headers=key)
        assert response.status_code == 202 and response.json()["inserted"] == 4
    replay = client.post("/v1/ingest", json=items, headers=key)
    assert replay.json()["inserted"] == 0
    rows = jobs.list_jobs(session)
    assert [(j.kind, j.status, j.workspace_id) for j in rows] == [("analyze", "queued", ws.id)]

    settings.webhook_enqueue_analysis = False
    quiet = TestClient(create_app(settings))
    jobs.claim(session, "w")  # the queued one is taken: a new one could be queued now
    response = quiet.post("/v1/ingest", json=[{"external_id": "q", "text": "Nuvola"}],
                          headers=key)
    assert response.json()["inserted"] == 1
    assert jobs.count_by_status(session) == {"running": 1}


# --------------------------------------------------------------------------- CLI


def test_cli_enqueue_list_worker_retry(database_url: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, session: Session) -> None:
    from api.cli import app

    seed_mentions(session, 12)
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", database_url)
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GROUNDSWELL_SENTIMENT_MODEL", "builtin:ngram")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args), catch_exceptions=False)

    first = invoke("jobs", "enqueue", "analyze")
    assert first.exit_code == 0 and "Queued analyze job" in first.output
    assert "already queued" in invoke("jobs", "enqueue", "analyze").output
    assert invoke("jobs", "enqueue", "collect").exit_code == 2  # needs --source
    assert invoke("jobs", "enqueue", "detect", "--payload", "[1]").exit_code == 2
    listed = json.loads(invoke("jobs", "list", "--json").output)
    assert [(j["kind"], j["status"]) for j in listed] == [("analyze", "queued")]

    ran = invoke("worker", "--once", "--no-schedule", "--kinds", "analyze,detect")
    assert ran.exit_code == 0, ran.output
    assert "done job" in ran.output
    statuses = {j["kind"]: j["status"] for j in json.loads(invoke("jobs", "list", "--json").output)}
    assert statuses == {"analyze": "done", "detect": "done"}
    session.expire_all()
    assert session.execute(
        select(func.count()).select_from(Mention).where(Mention.sentiment_version.is_(None))
    ).scalar_one() == 0

    # A failed job, queued again by hand.
    with Session(session.get_bind()) as s:
        s.execute(text("UPDATE job SET status = 'failed', last_error = 'x' WHERE kind = 'detect'"))
        s.commit()
    assert "Queued 1 failed job(s) again." in invoke("jobs", "retry", "--all-failed").output
    assert invoke("jobs", "retry").exit_code == 2
    table = invoke("jobs", "list", "--status", "queued")
    assert "detect" in table.output and "1 queued" in table.output
    assert invoke("worker", "--kinds", "nope").exit_code == 2
