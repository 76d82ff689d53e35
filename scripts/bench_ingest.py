"""Push mentions through the real webhook and then through 1, 2 and 4 worker processes.

Stages, each timed on its own (mentions/s):

1. **webhook ingest**: the API under uvicorn on loopback (a subprocess), fed
   ``--n`` simulated mentions (the demo's multilingual simulator, one seeded
   14-day window after another, no language given so analysis must detect it)
   in batches of ``--batch`` by ``--clients`` concurrent HTTP clients. This is
   the one ingest path: validation, dedup (source + id, canonical URL,
   near-duplicates), brand matching, brand links, rollups.
2. **analysis** with k = 1, 2, 4 ``groundswell worker`` processes (``--workers``):
   language id, sentiment and harm claims per ``analyze`` job of
   ``--analyze-batch`` mentions, rollup deltas in the same transaction. Timed
   from the first job queued until no mention is left unscored; between runs the
   analysis is wiped (results, alerts, detector states, jobs; rollups rebuilt).
3. **detection tail**: from the end of analysis until the queue is empty (the
   last ``detect`` job; earlier ones ran between analysis batches).

End to end is ingest + analysis + detection tail for each k. "Where the time
goes" comes from the jobs table (worker-seconds per job kind), the worker
processes' CPU seconds (/proc), and cProfile in steady state: the route's work
replayed in-process (validation + ``WebhookIngest.ingest`` on ``--profile-n``
fresh mentions, after one unprofiled batch that seeds the near-duplicate index)
and one warmed-up worker (models loaded) run in-process over ``--profile-n``
mentions.

    .venv/bin/python scripts/bench_ingest.py --n 50000                      # PostgreSQL
    .venv/bin/python scripts/bench_ingest.py --n 20000 --database-url sqlite:///var/bench/ingest.db

With a PostgreSQL server URL a fresh database ``gs_bench_ingest_<random>`` is
created on that server and dropped afterwards (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, func, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from api.services import jobs, rollups  # noqa: E402
from api.services.brands import create_brand  # noqa: E402
from api.services.workspaces import create_api_key, get_or_create_workspace  # noqa: E402
from listener.simulator import DEFAULT_START, ScenarioSimulator  # noqa: E402
from models import ApiKeyRole, Job, Mention  # noqa: E402
from models.brand import BrandCreate  # noqa: E402
from models.db import make_engine, migrate  # noqa: E402
from models.types import MentionIn  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WINDOW_DAYS = 14
WINDOW_SCALE = 5.0
"""One simulator window: 14 days at 5x the demo's volume, about 50,000 mentions."""
WEBHOOK_FIELDS = (
    "external_id",
    "source",
    "text",
    "url",
    "author",
    "author_followers",
    "created_at",
    "likes",
    "shares",
    "replies",
    "parent_external_id",
    "thread_external_id",
)


# --------------------------------------------------------------------------- data


def simulated(n: int, seed: int, *, offset_windows: int = 0) -> Iterator[MentionIn]:
    """`n` simulated mentions: seeded windows one after another, unique ids."""
    produced = 0
    window = offset_windows
    while produced < n:
        sim = ScenarioSimulator(
            seed=seed + window,
            days=WINDOW_DAYS,
            scale=WINDOW_SCALE,
            start=DEFAULT_START + timedelta(days=WINDOW_DAYS * window),
        )
        for m in sim.generate():
            if produced >= n:
                return
            m.external_id = f"w{window}-{m.external_id}"
            produced += 1
            yield m
        window += 1


def as_webhook(m: MentionIn) -> dict[str, Any]:
    """The JSON a webhook client would send (no language: analysis detects it)."""
    row = {f: getattr(m, f) for f in WEBHOOK_FIELDS}
    row["created_at"] = m.created_at.isoformat() if m.created_at else None
    return {k: v for k, v in row.items() if v is not None}


def batches(n: int, size: int, seed: int, offset_windows: int = 0) -> Iterator[bytes]:
    chunk: list[dict[str, Any]] = []
    for m in simulated(n, seed, offset_windows=offset_windows):
        chunk.append(as_webhook(m))
        if len(chunk) == size:
            yield json.dumps(chunk).encode()
            chunk = []
    if chunk:
        yield json.dumps(chunk).encode()


# --------------------------------------------------------------------------- database


def fresh_database(url: str) -> tuple[str, Any]:
    """Create an empty database for the run; returns its URL and a cleanup function."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not parsed.database:
            path = Path(tempfile.mkdtemp(prefix="gs-bench-")) / "ingest.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: None
    name = f"gs_bench_ingest_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return parsed.set(database=name).render_as_string(hide_password=False), drop


def setup(engine: Engine) -> tuple[int, str]:
    with Session(engine) as session:
        ws = get_or_create_workspace(session, "default")
        for brand in ScenarioSimulator.brands():
            create_brand(
                session,
                ws.id or 0,
                BrandCreate(
                    name=brand["name"],
                    aliases=brand["aliases"] + brand["products"],
                    handles=brand["owned_handles"],
                    competitor_group=brand["competitor_group"],
                    query=brand["query"],
                ),
            )
        _, secret = create_api_key(session, ws.id or 0, "bench", ApiKeyRole.admin)
        session.commit()
        return ws.id or 0, secret


def count(engine: Engine, statement: Any) -> int:
    with Session(engine) as session:
        return int(session.execute(statement).scalar_one())


def pending(engine: Engine) -> int:
    return count(
        engine,
        select(func.count()).select_from(Mention).where(Mention.sentiment_version.is_(None)),  # type: ignore[union-attr]
    )


def any_pending(engine: Engine, workspace_id: int) -> bool:
    """Whether a mention is still unscored: an index look-up, cheap at any table size.

    (Counting them, as the first version polled five times a second, is a full scan: at a
    million mentions it kept 1.5 cores of PostgreSQL busy and halved the workers' rate.)
    """
    statement = (
        select(Mention.id)
        .where(Mention.workspace_id == workspace_id, Mention.sentiment_version.is_(None))  # type: ignore[union-attr]
        .limit(1)
    )
    with Session(engine) as session:
        return session.execute(statement).first() is not None


def unfinished(engine: Engine) -> int:
    return count(
        engine,
        select(func.count()).select_from(Job).where(Job.status.in_(["queued", "running"])),  # type: ignore[attr-defined]
    )


def reset_analysis(engine: Engine, workspace_id: int) -> None:
    """Forget every analysis result, so the next run starts from freshly ingested mentions."""
    with Session(engine) as session:
        for statement in (
            "UPDATE mention SET sentiment = NULL, sentiment_version = NULL, "
            "harm_probability = NULL, is_harm = false, language = NULL",
            "DELETE FROM sentimentresult",
            "DELETE FROM harmresult",
            "DELETE FROM outboxmessage",
            "DELETE FROM alertevidence",
            "DELETE FROM alert",
            "DELETE FROM detectorstate",
            "DELETE FROM job",
        ):
            session.execute(text(statement))
        rollups.rebuild(session, workspace_id)
        session.commit()
    vacuum(engine)


def vacuum(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    else:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))


# --------------------------------------------------------------------------- processes


class StandInAutoAnalyze(threading.Thread):
    """ANALYZE the bench's tables as autovacuum would, on a server that has it turned off.

    A default PostgreSQL server re-analyses a table once ``50 + 10 %`` of its rows changed
    since the last analysis. With autovacuum off (as on some CI servers) the planner keeps
    the empty table's statistics while the bench fills it, and picks plans fit for 40 rows
    for a table of 60,000 or a million: measured here, webhook ingest fell to 100
    mentions/s at 60,000 mentions, a 500-key ``dedup_key IN (...)`` look-up filtering every
    row of the workspace (1.9 s) instead of using ``ix_mention_ws_dedup``. The bench
    measures a server as deployed (``docs/deploy.md``: keep autovacuum on), so it stands in
    for the launcher with autovacuum's default thresholds, and reports how often it ran.
    """

    def __init__(self, url: str, every_s: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.every_s = every_s
        self.analyses = 0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(self.every_s):
            try:
                with self.engine.connect() as conn:
                    stale = conn.execute(text(
                        "SELECT relname FROM pg_stat_user_tables "
                        "WHERE n_mod_since_analyze > 50 + 0.1 * n_live_tup"
                    )).scalars().all()  # fmt: skip
                    for table in stale:
                        conn.execute(text(f'ANALYZE "{table}"'))
                        self.analyses += 1
            except Exception as exc:  # the database may be gone at the end of a run
                print(f"  (stand-in autovacuum: {exc.__class__.__name__})", file=sys.stderr)

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=30)
        self.engine.dispose()


def autovacuum_is_on(engine: Engine) -> bool:
    with engine.connect() as conn:
        return str(conn.execute(text("SHOW autovacuum")).scalar()) == "on"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SENTIMENT_MODEL = {"spec": ""}
"""The sentiment model every worker uses (``--sentiment-model``), set in main()."""


def child_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "GROUNDSWELL_DATABASE_URL": url,
        "GROUNDSWELL_SENTIMENT_MODEL": SENTIMENT_MODEL["spec"],
        "GROUNDSWELL_RATE_LIMIT_PER_MINUTE": "1000000000",
        "GROUNDSWELL_MAX_REQUEST_BYTES": "50000000",
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(ROOT),
    }


def start_api(url: str, port: int, api_workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(api_workers),
            "--log-level", "warning", "--no-access-log",
        ],
        cwd=ROOT,
        env=child_env(url),
    )
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the API did not start")


def start_workers(url: str, k: int, analyze_batch: int) -> list[subprocess.Popen[bytes]]:
    procs = []
    for i in range(k):
        procs.append(
            subprocess.Popen(
                [
                    sys.executable, "-m", "api.cli", "worker", "--no-schedule",
                    "--kinds", "analyze,detect", "--id", f"bench-{k}-{i}",
                    "--analyze-batch", str(analyze_batch), "--lease", "120",
                ],
                cwd=ROOT,
                env=child_env(url),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    for proc in procs:  # each says so once it is up (imports done)
        assert proc.stderr is not None
        line = proc.stderr.readline().decode(errors="replace")
        if "running" not in line:
            raise SystemExit(f"a worker did not start: {line}")
        threading.Thread(target=proc.stderr.read, daemon=True).start()
    return procs


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(procs: list[subprocess.Popen[bytes]], sig: int = signal.SIGTERM) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(sig)
    for proc in procs:
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- stages


def ingest_stage(url: str, key: str, n: int, batch: int, clients: int, seed: int,
                 api_workers: int) -> dict[str, Any]:
    port = free_port()
    server = start_api(url, port, api_workers)
    inserted = 0
    lock = threading.Lock()
    latencies: list[float] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300,
                          headers={"X-API-Key": key, "Content-Type": "application/json"}) as c:

            def post(body: bytes) -> None:
                nonlocal inserted
                t = time.perf_counter()
                response = c.post("/v1/ingest", content=body)
                elapsed = time.perf_counter() - t
                if response.status_code != 202:
                    raise SystemExit(f"webhook said {response.status_code}: {response.text}")
                with lock:
                    inserted += response.json()["inserted"]
                    latencies.append(elapsed)

            bodies = list(batches(n, batch, seed))  # built up front: not part of the timing
            started = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                for future in [pool.submit(post, body) for body in bodies]:
                    future.result()
            wall = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    latencies.sort()
    return {
        "mentions": n,
        "inserted": inserted,
        "seconds": wall,
        "per_s": n / wall,
        "batch_p50_ms": 1000 * latencies[len(latencies) // 2],
        "batch_p95_ms": 1000 * latencies[int(len(latencies) * 0.95)],
    }


def busy_seconds(engine: Engine) -> dict[str, float]:
    """Worker-seconds spent inside jobs, per kind (from the jobs' start and finish times)."""
    with Session(engine) as session:
        rows = session.execute(
            select(Job.kind, Job.started_at, Job.finished_at).where(Job.status == "done")
        ).all()
    out: dict[str, float] = {}
    for kind, started, finished in rows:
        if started and finished:
            out[kind] = out.get(kind, 0.0) + (finished - started).total_seconds()
    return out


def analysis_stage(url: str, engine: Engine, workspace_id: int, k: int,
                   analyze_batch: int) -> dict[str, Any]:
    total = pending(engine)
    procs = start_workers(url, k, analyze_batch)
    try:
        with Session(engine) as session:
            jobs.request_analysis(session, workspace_id)
            session.commit()
        started = time.perf_counter()
        while any_pending(engine, workspace_id):
            time.sleep(0.2)
            if any(p.poll() is not None for p in procs):
                raise SystemExit("a worker exited during the run")
        analysed_at = time.perf_counter()
        while unfinished(engine):
            time.sleep(0.1)
        done_at = time.perf_counter()
        cpu = [cpu_seconds(p.pid) for p in procs]
    finally:
        stop(procs)
    analysis = analysed_at - started
    tail = done_at - analysed_at
    with Session(engine) as session:
        job_counts = dict(
            session.execute(
                select(Job.kind, func.count()).group_by(Job.kind)  # type: ignore[arg-type]
            ).all()
        )
    return {
        "workers": k,
        "mentions": total,
        "analysis_s": analysis,
        "analysis_per_s": total / analysis,
        "detect_tail_s": tail,
        "busy_s": busy_seconds(engine),
        "worker_cpu_s": cpu,
        "jobs": {str(kind): int(n) for kind, n in job_counts.items()},
    }


CATEGORIES = (
    ("waiting on the database (psycopg wait)", ("psycopg/connection.py", "wait")),
    ("language id (lingua)", ("lingua", "")),
    ("psycopg client side", ("psycopg/", "")),
    ("SQLAlchemy (statement building, compiling, ORM)", ("sqlalchemy/", "")),
    ("SQLModel objects", ("sqlmodel/", "")),
    ("near-duplicate index (listener/dedup.py)", ("listener/dedup", "")),
    ("brand matching (listener/matching, query)", ("listener/", "")),
    ("sentiment n-gram model (sklearn hashing, nlp/sentiment)", ("sklearn/", "")),
    ("harm claims, language helpers (nlp/)", ("/nlp/", "")),
    ("pydantic validation", ("pydantic", "")),
    ("groundswell services (api/)", ("/api/", "")),
    ("imports and start-up", ("<frozen importlib", "")),
)
START_UP = ("marshal.loads", "builtins.compile", "builtins.exec", "_imp.", "__build_class__",
            "posix.stat", "BufferedReader", "posix.listdir", "io.open_code")


def breakdown(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time per category (file path patterns), largest first."""
    totals: dict[str, float] = {}
    raw = stats.stats  # type: ignore[attr-defined]
    for (path, _line, name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        label = "other (builtins, regex, stdlib)"
        for category, (where, func_name) in CATEGORIES:
            # Built-ins have no file: their name says whose method they are.
            if (where in path or where in name) and (not func_name or name == func_name):
                label = category
                break
        if path == "~" and any(marker in name for marker in START_UP):
            label = "imports and start-up"
        totals[label] = totals.get(label, 0.0) + tottime
    return sorted(totals.items(), key=lambda kv: -kv[1])


INGEST_STEPS = (
    ("validate the JSON batch (pydantic)", "pydantic/type_adapter.py", "validate_json"),
    ("index catch-up: rows other writers stored", "routes/ingest.py", "_catch_up"),
    ("look up already-stored ids and URLs", "services/ingest.py", "_existing"),
    ("brand matching", "listener/matching.py", "match"),
    ("near-duplicate index (MinHash)", "listener/dedup.py", "add"),
    ("link near-duplicates", "services/ingest.py", "_link_near_duplicates"),
    ("rollups (count into brand x hour/day)", "services/rollups.py", "add_mentions"),
    ("all SQL: build, compile, send, wait (Session.execute)", "orm/session.py", "execute"),
    ("commit", "orm/session.py", "commit"),
)
WORKER_STEPS = (
    ("claim a job", "services/jobs.py", "claim"),
    ("select the batch (FOR UPDATE SKIP LOCKED)", "services/jobs.py", "pick"),
    ("language id", "nlp/langid.py", "detect"),
    ("sentiment model", "nlp/sentiment.py", "predict"),
    ("harm claims", "nlp/harm.py", "predict"),
    ("rollup deltas (aggregate before/after, upsert)", "services/rollups.py", "apply_deltas"),
    ("rollup aggregates", "services/rollups.py", "aggregate_mentions"),
    ("all SQL: build, compile, send, wait (Session.execute)", "orm/session.py", "execute"),
    ("commit (with the job's completion)", "orm/session.py", "commit"),
    ("detect jobs", "services/jobs.py", "detect_alerts"),
    ("everything inside jobs", "services/jobs.py", "_execute"),
)


def steps(stats: pstats.Stats, spec: tuple[tuple[str, str, str], ...]) -> str:
    """Cumulative time of the stage's main steps (the largest match of each)."""
    raw = stats.stats  # type: ignore[attr-defined]
    lines = []
    for label, where, func_name in spec:
        found = [
            (ct, nc)
            for (path, _line, name), (_cc, nc, _tt, ct, _callers) in raw.items()
            if where in path and name == func_name
        ]
        if found:
            ct, nc = max(found)
            lines.append(f"  {ct:7.2f} s  {nc:7d} calls  {label}")
    return "\n".join(lines)


def describe(stats: pstats.Stats, spec: tuple[tuple[str, str, str], ...], limit: int) -> str:
    rows = breakdown(stats)
    total = sum(v for _, v in rows) or 1.0
    lines = [f"  {v:7.2f} s  {100 * v / total:5.1f} %  {k}" for k, v in rows]
    return (
        "steps (cumulative, overlapping):\n" + steps(stats, spec)
        + "\n\nown time by component:\n" + "\n".join(lines)
        + "\n\ntop functions by own time:\n" + top_entries(stats, limit, "tottime")
    )


def top_entries(stats: pstats.Stats, limit: int, key: str) -> str:
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats(key).print_stats(limit)
    lines = out.getvalue().splitlines()
    total = next((line.strip() for line in lines if "function calls" in line), "")
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    return "\n".join([total, *lines[start:]])


def profile_ingest(engine: Engine, workspace_id: int, n: int, batch: int, seed: int) -> str:
    """The route's work (validation + WebhookIngest.ingest) in-process, under cProfile."""
    from pydantic import TypeAdapter

    from api.routes.ingest import WebhookIngest, WebhookMention

    adapter = TypeAdapter(list[WebhookMention])
    bodies = list(batches(n + batch, batch, seed + 1000, offset_windows=1000))
    hook = WebhookIngest()
    profiler = cProfile.Profile()
    with Session(engine) as session:
        # The first call seeds the near-duplicate index from the stored mentions,
        # once per API process: not part of the steady state.
        hook.ingest(session, workspace_id, list(adapter.validate_json(bodies.pop(0))), None)
        profiler.enable()
        for body in bodies:
            items = adapter.validate_json(body)
            hook.ingest(session, workspace_id, list(items), None)
        profiler.disable()
    return describe(pstats.Stats(profiler), INGEST_STEPS, 12)


def profile_worker(url: str, engine: Engine, workspace_id: int, n: int,
                   analyze_batch: int) -> str:
    """One worker, in-process and warmed up (models loaded), under cProfile for `n` mentions."""
    from api.services.analysis import build_pipeline
    from models.settings import Settings

    nlp = build_pipeline(Settings(database_url=url, sentiment_model=SENTIMENT_MODEL["spec"]))
    warm = ["Nuvola warm-up post, tastes great", "Fizzly hat mir nicht geschmeckt"]
    nlp.harm.predict(warm, langs=nlp.langid.detect(warm))
    nlp.sentiment.predict(warm, langs=nlp.langid.detect(warm))
    worker = jobs.Worker(
        engine,
        env=jobs.HandlerEnv(nlp_factory=lambda: nlp, analyze_batch=analyze_batch),
        kinds=["analyze", "detect"],
        poll_seconds=0.05,
    )
    total = pending(engine)
    with Session(engine) as session:
        jobs.request_analysis(session, workspace_id)
        session.commit()

    def stop_after_n() -> None:
        while total - pending(engine) < n and not worker.stopping:
            time.sleep(0.1)
        worker.stop()  # finishes the job in progress, then run() returns

    threading.Thread(target=stop_after_n, daemon=True).start()
    profiler = cProfile.Profile()
    profiler.enable()
    worker.run()
    profiler.disable()
    return describe(pstats.Stats(profiler), WORKER_STEPS, 12)


# --------------------------------------------------------------------------- main


def _exit_on_sigterm(signum: int, _frame: Any) -> None:
    """Turn SIGTERM into SystemExit, so the `finally` blocks stop uvicorn and the workers."""
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="mentions to push")
    parser.add_argument("--database-url", default=DEFAULT_PG,
                        help="PostgreSQL server URL (a fresh database is made there) or a "
                             "sqlite:/// file URL")
    parser.add_argument("--batch", type=int, default=500, help="mentions per webhook call")
    parser.add_argument("--clients", type=int, default=2, help="concurrent webhook clients")
    parser.add_argument("--api-workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to measure")
    parser.add_argument("--analyze-batch", type=int, default=500, help="mentions per job")
    parser.add_argument("--profile-n", type=int, default=10_000,
                        help="mentions to profile per stage (0: no profiles)")
    parser.add_argument("--sentiment-model", default=None,
                        help="model spec for every worker (default: the configured one)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument(
        "--reuse-database", metavar="URL",
        help="measure analysis only, on a database a --keep run filled (kept afterwards)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    from models.settings import Settings

    SENTIMENT_MODEL["spec"] = args.sentiment_model or Settings().sentiment_model
    if args.reuse_database:
        url, drop = args.reuse_database, lambda: None
    else:
        url, drop = fresh_database(args.database_url)
    engine = make_engine(url)
    results: dict[str, Any] = {"n": args.n, "backend": engine.dialect.name,
                               "sentiment_model": SENTIMENT_MODEL["spec"],
                               "cpus": os.cpu_count(), "load_before": os.getloadavg()}
    began = time.perf_counter()
    analyzer: StandInAutoAnalyze | None = None
    if engine.dialect.name == "postgresql":
        results["server_autovacuum"] = autovacuum_is_on(engine)
        if not results["server_autovacuum"]:
            print("the server has autovacuum off: analysing the bench's tables with its "
                  "default thresholds instead", file=sys.stderr, flush=True)
            analyzer = StandInAutoAnalyze(url)
            analyzer.start()
    try:
        migrate(engine)
        if args.reuse_database:
            with Session(engine) as session:
                workspace_id = get_or_create_workspace(session, "default").id or 0
                session.commit()
            args.n = count(engine, select(func.count()).select_from(Mention))
            results["n"] = args.n
            ingest = {"per_s": float("nan"), "seconds": 0.0, "inserted": 0,
                      "batch_p50_ms": float("nan"), "batch_p95_ms": float("nan")}  # fmt: skip
            reset_analysis(engine, workspace_id)
            print(f"reusing {args.n:,} stored mentions; analysis only", file=sys.stderr)
        else:
            workspace_id, key = setup(engine)
            print(f"{engine.dialect.name}: pushing {args.n:,} mentions through the webhook "
                  f"({args.batch}/call, {args.clients} clients) …", file=sys.stderr, flush=True)
            ingest = ingest_stage(url, key, args.n, args.batch, args.clients, args.seed,
                                  args.api_workers)  # fmt: skip
        results["ingest"] = ingest
        print(f"  webhook: {ingest['per_s']:,.0f} mentions/s ({ingest['seconds']:.1f} s, "
              f"{ingest['inserted']:,} new)", file=sys.stderr, flush=True)
        with Session(engine) as session:
            # The webhook queued analysis as it went; each run below starts from empty.
            session.execute(text("DELETE FROM job"))
            session.commit()
        vacuum(engine)
        runs = []
        for index, k in enumerate(int(x) for x in args.workers.split(",")):
            if index:
                reset_analysis(engine, workspace_id)
            run = analysis_stage(url, engine, workspace_id, k, args.analyze_batch)
            run["end_to_end_s"] = ingest["seconds"] + run["analysis_s"] + run["detect_tail_s"]
            run["end_to_end_per_s"] = args.n / run["end_to_end_s"]
            runs.append(run)
            print(f"  {k} worker(s): analysis {run['analysis_per_s']:,.0f} mentions/s "
                  f"({run['analysis_s']:.1f} s), detection tail {run['detect_tail_s']:.1f} s, "
                  f"busy {run['busy_s']}", file=sys.stderr, flush=True)
        results["analysis"] = runs
        if args.profile_n:
            profile_n = min(args.profile_n, args.n)
            results["profile_ingest"] = profile_ingest(engine, workspace_id, profile_n,
                                                       args.batch, args.seed)
            reset_analysis(engine, workspace_id)
            results["profile_worker"] = profile_worker(
                url, engine, workspace_id, profile_n, args.analyze_batch)
    finally:
        if analyzer is not None:
            analyzer.stop()
            results["stand_in_analyses"] = analyzer.analyses
        engine.dispose()
        if not args.keep:
            drop()

    results["wall_s"] = time.perf_counter() - began
    load = ", ".join(f"{x:.1f}" for x in results["load_before"])
    print(f"\n{results['backend']}, {args.n:,} mentions, sentiment model "
          f"{results['sentiment_model']}, {results['cpus']} CPUs, load average "
          f"before {load}; whole run {results['wall_s']:.0f} s")
    if "stand_in_analyses" in results:
        print(f"server autovacuum off: the bench ran ANALYZE {results['stand_in_analyses']} "
              "times with autovacuum's default thresholds")
    print()
    print("| stage | workers | mentions/s | seconds |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| webhook ingest | {args.api_workers} API | {ingest['per_s']:,.0f} | "
          f"{ingest['seconds']:.1f} |")
    for run in runs:
        print(f"| analysis | {run['workers']} | {run['analysis_per_s']:,.0f} | "
              f"{run['analysis_s']:.1f} |")
    for run in runs:
        print(f"| detection tail | {run['workers']} | — | {run['detect_tail_s']:.1f} |")
    for run in runs:
        print(f"| end to end | {run['workers']} | {run['end_to_end_per_s']:,.0f} | "
              f"{run['end_to_end_s']:.1f} |")
    print(f"\nwebhook batch latency p50 {ingest['batch_p50_ms']:.0f} ms, "
          f"p95 {ingest['batch_p95_ms']:.0f} ms")
    for run in runs:
        busy = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(run["busy_s"].items()))
        cpu = ", ".join(f"{c:.0f}" for c in run["worker_cpu_s"])
        print(f"{run['workers']} worker(s): worker-seconds in jobs: {busy}; jobs {run['jobs']}; "
              f"CPU seconds per worker process: {cpu} (sum {sum(run['worker_cpu_s']):.0f})")
    for name in ("profile_ingest", "profile_worker"):
        if name in results:
            print(f"\n{name} (top by own time):\n{results[name]}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
