"""Load-test the share-of-voice and trend endpoints over a million mentions.

Builds (or reuses) a database of `--mentions` mentions across `--brands` brands over
`--days` days with fast bulk inserts (sqlite3 executemany; PostgreSQL COPY), fills
the rollups, starts the API with uvicorn on loopback in a subprocess, and fires
`--requests` requests from `--concurrency` concurrent clients at share-of-voice
and trend endpoints (whole range, random unaligned windows, hourly and daily
buckets). Prints p50/p95/p99 latency and throughput per endpoint and overall.

    .venv/bin/python scripts/bench_api.py                       # SQLite, cached in var/bench/
    .venv/bin/python scripts/bench_api.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

A PostgreSQL database is filled only when it is empty (or with ``--rebuild``, which
drops and recreates its ``public`` schema).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from api.services import rollups  # noqa: E402
from api.services.brands import create_brand  # noqa: E402
from api.services.workspaces import create_api_key, get_or_create_workspace  # noqa: E402
from models import ApiKeyRole  # noqa: E402
from models.brand import BrandCreate  # noqa: E402
from models.db import make_engine, migrate  # noqa: E402

BRANDS = ["Aurora", "Borealis", "Cirrus", "Dynamo", "Ember", "Fjord", "Glacier", "Harbor"]
START = datetime(2026, 1, 5, tzinfo=UTC)
SOURCES = ["twitter", "reddit", "news", "bluesky", "mastodon", "appstore"]
LANGS = ["en", "de", "id", "th", "fr", "es"]
MENTION_COLUMNS = (
    "id",
    "workspace_id",
    "source",
    "external_id",
    "author",
    "author_followers",
    "text",
    "language",
    "created_at",
    "collected_at",
    "likes",
    "shares",
    "replies",
    "is_owned",
    "country",
    "dedup_key",
    "duplicate_of_id",
    "truncated",
    "sentiment",
    "sentiment_version",
    "is_harm",
    "extra",
)


# --- building the data --------------------------------------------------------------------


def _generate(n: int, n_brands: int, days: int, seed: int) -> dict[str, Any]:
    """Columns of `n` synthetic mentions, in time order, with their brand links."""
    rng = np.random.default_rng(seed)
    # A daily rhythm: quiet nights, an evening peak.
    hour_weights = np.array(
        [2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 7, 8, 8, 8, 8, 9, 10, 11, 12, 11, 8, 5, 3], float
    )
    day = rng.integers(0, days, n)
    hour = rng.choice(24, n, p=hour_weights / hour_weights.sum())
    seconds = np.sort(day * 86400 + hour * 3600 + rng.integers(0, 3600, n))
    weights = np.array([0.3, 0.22, 0.18, 0.13, 0.1, 0.07, 0.05, 0.03][:n_brands], float)
    brand = rng.choice(n_brands, n, p=weights / weights.sum())
    second = rng.random(n) < 0.08
    other = (brand + rng.integers(1, max(n_brands, 2), n)) % n_brands
    sentiment = rng.choice(["negative", "neutral", "positive", ""], n, p=[0.25, 0.43, 0.3, 0.02])
    ids = np.arange(1, n + 1)
    dup = rng.random(n) < 0.1
    dup_of = np.where(dup & (ids > 1), np.maximum(1, (rng.random(n) * (ids - 1)).astype(int)), 0)
    return {
        "seconds": seconds,
        "brand": brand,
        "second": second,
        "other": other,
        "sentiment": sentiment,
        "dup_of": dup_of,
        "likes": rng.poisson(4, n),
        "shares": rng.poisson(1, n),
        "replies": rng.poisson(0.6, n),
        "followers": rng.lognormal(5.5, 1.6, n).astype(int),
        "harm": rng.random(n) < 0.005,
        "source": rng.integers(0, len(SOURCES), n),
        "lang": rng.integers(0, len(LANGS), n),
    }


def _rows(data: dict[str, Any], i: int, names: list[str], workspace_id: int) -> tuple[Any, ...]:
    created = START + timedelta(seconds=int(data["seconds"][i]))
    sentiment = str(data["sentiment"][i]) or None
    b = int(data["brand"][i])
    dup = int(data["dup_of"][i]) or None
    return (
        i + 1,
        workspace_id,
        SOURCES[int(data["source"][i])],
        f"e{i + 1}",
        f"@user{(i * 7919) % 50_000}",
        int(data["followers"][i]),
        f"{names[b]} is {sentiment or 'here'} today, post {i + 1} #bench",
        LANGS[int(data["lang"][i])],
        created,
        created,
        int(data["likes"][i]),
        int(data["shares"][i]),
        int(data["replies"][i]),
        False,
        None,
        f"k{i + 1}",
        dup,
        False,
        sentiment,
        "bench" if sentiment else None,
        bool(data["harm"][i]),
        "{}",
    )


def _links(data: dict[str, Any], i: int, brand_ids: list[int]) -> list[tuple[int, int, datetime]]:
    created = START + timedelta(seconds=int(data["seconds"][i]))
    out = [(i + 1, brand_ids[int(data["brand"][i])], created)]
    if data["second"][i] and len(brand_ids) > 1:
        out.append((i + 1, brand_ids[int(data["other"][i])], created))
    return out


def _sqlite_time(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _bulk_sqlite(
    engine: Engine,
    data: dict[str, Any],
    names: list[str],
    brand_ids: list[int],
    workspace_id: int,
    n: int,
) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        placeholders = ",".join("?" * len(MENTION_COLUMNS))
        step = 50_000
        for start in range(0, n, step):
            stop = min(n, start + step)
            cur.executemany(
                f"INSERT INTO mention ({','.join(MENTION_COLUMNS)}) VALUES ({placeholders})",
                [
                    tuple(_sqlite_time(v) for v in _rows(data, i, names, workspace_id))
                    for i in range(start, stop)
                ],
            )
            cur.executemany(
                "INSERT INTO mentionbrand (mention_id, brand_id, created_at) VALUES (?,?,?)",
                [
                    (m, b, _sqlite_time(c))
                    for i in range(start, stop)
                    for m, b, c in _links(data, i, brand_ids)
                ],
            )
            raw.commit()
            print(f"  {stop:,} / {n:,} mentions", file=sys.stderr, flush=True)
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def _bulk_postgres(
    engine: Engine,
    data: dict[str, Any],
    names: list[str],
    brand_ids: list[int],
    workspace_id: int,
    n: int,
) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        step = 100_000
        for start in range(0, n, step):
            stop = min(n, start + step)
            with cur.copy(f"COPY mention ({','.join(MENTION_COLUMNS)}) FROM STDIN") as copy:
                for i in range(start, stop):
                    copy.write_row(_rows(data, i, names, workspace_id))
            with cur.copy(
                "COPY mentionbrand (mention_id, brand_id, created_at) FROM STDIN"
            ) as copy:
                for i in range(start, stop):
                    for row in _links(data, i, brand_ids):
                        copy.write_row(row)
            raw.commit()
            print(f"  {stop:,} / {n:,} mentions", file=sys.stderr, flush=True)
        cur.execute("SELECT setval(pg_get_serial_sequence('mention', 'id'), %s)", (n,))
        raw.commit()
        driver = raw.driver_connection
        driver.autocommit = True
        with driver.cursor() as plain:
            for table in ("mention", "mentionbrand", "brandrollup"):
                plain.execute(f"VACUUM ANALYZE {table}")
        driver.autocommit = False
    finally:
        raw.close()


def _mention_count(engine: Engine) -> int | None:
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM mention")).scalar_one())
    except Exception:
        return None


def prepare(
    url: str, n: int, n_brands: int, days: int, seed: int, rebuild: bool
) -> tuple[Engine, str]:
    """Build or reuse the database; return the engine and a fresh admin key."""
    backend = make_url(url).get_backend_name()
    engine = make_engine(url, create_dir=True)
    count = _mention_count(engine)
    if backend == "postgresql" and rebuild:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        count = None
    if count is not None and count != n and not rebuild:
        if backend != "sqlite":
            raise SystemExit(f"{url} holds {count} mentions, not {n}; pass --rebuild to wipe it")
        rebuild = True
    if backend == "sqlite" and rebuild:
        engine.dispose()
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        engine = make_engine(url, create_dir=True)
        count = None
    names = BRANDS[:n_brands]
    if count != n:
        t0 = time.perf_counter()
        migrate(engine)
        with Session(engine, expire_on_commit=False) as session:
            ws = get_or_create_workspace(session, "bench")
            brand_ids = [
                create_brand(
                    session, ws.id or 0, BrandCreate(name=name, competitor_group="bench")
                ).id
                or 0
                for name in names
            ]
            ws_id = ws.id or 0
        print(f"generating {n:,} mentions …", file=sys.stderr, flush=True)
        data = _generate(n, n_brands, days, seed)
        bulk = _bulk_postgres if backend == "postgresql" else _bulk_sqlite
        bulk(engine, data, names, brand_ids, ws_id, n)
        with Session(engine, expire_on_commit=False) as session:
            rows = rollups.rebuild(session, ws_id)
        with engine.begin() as conn:  # planner statistics for the fresh rollups
            conn.execute(text("ANALYZE" if backend == "sqlite" else "ANALYZE brandrollup"))
        print(f"built in {time.perf_counter() - t0:.0f} s ({rows:,} rollup rows)", file=sys.stderr)
    else:
        migrate(engine)  # a cached database gets any newer migrations
    with Session(engine, expire_on_commit=False) as session:
        ws = get_or_create_workspace(session, "bench")
        _, secret = create_api_key(session, ws.id or 0, "bench", ApiKeyRole.read)
    return engine, secret


# --- load ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_mix(
    rng: random.Random, brand_ids: list[int], days: int
) -> tuple[str, str, dict[str, Any]]:
    """One request: (endpoint name, path, query)."""
    kind = rng.choice(
        ["sov_all", "sov_window", "sov_brand", "trend_day", "trend_hour", "sov_trend"]
    )
    span_end = START + timedelta(days=days)
    length = timedelta(days=rng.choice([1, 7, 30, 60]), minutes=rng.randint(0, 59))
    end = span_end - timedelta(minutes=rng.randint(0, 60 * 24 * 20))
    start = max(START, end - length)
    by = rng.choice(["mentions", "engagement", "reach", "weighted_reach", "unique_mentions"])
    dup = rng.choice(["true", "false"])
    brand = rng.choice(brand_ids)
    if kind == "sov_all":
        return kind, "/v1/analytics/share-of-voice", {"by": by, "include_duplicates": dup}
    if kind == "sov_window":
        return (
            kind,
            "/v1/analytics/share-of-voice",
            {"by": by, "include_duplicates": dup, "start": _iso(start), "end": _iso(end)},
        )
    if kind == "sov_brand":
        return (
            kind,
            "/v1/analytics/share-of-voice",
            {"brand_id": brand, "by": by, "start": _iso(start), "end": _iso(end)},
        )
    if kind == "trend_day":
        return (
            kind,
            "/v1/analytics/trend",
            {
                "brand_id": brand,
                "bucket": "day",
                "start": _iso(end - timedelta(days=90)),
                "end": _iso(end),
            },
        )
    if kind == "trend_hour":
        return (
            kind,
            "/v1/analytics/trend",
            {
                "brand_id": brand,
                "bucket": "hour",
                "start": _iso(end - timedelta(days=7, minutes=13)),
                "end": _iso(end),
                "include_duplicates": dup,
            },
        )
    return (
        kind,
        "/v1/analytics/share-of-voice/trend",
        {"brand_id": brand, "bucket": "day", "start": _iso(start), "end": _iso(end), "by": by},
    )


async def _fire(
    base: str, key: str, n: int, concurrency: int, brand_ids: list[int], days: int, seed: int
) -> tuple[dict[str, list[float]], float, int]:
    import httpx

    rng = random.Random(seed)
    plan = [_request_mix(rng, brand_ids, days) for _ in range(n)]
    latencies: dict[str, list[float]] = {}
    errors = 0
    queue: asyncio.Queue[tuple[str, str, dict[str, Any]]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers={"X-API-Key": key}, limits=limits, timeout=30
    ) as client:
        for item in plan[: min(50, n)]:  # warm-up: connections, caches, page cache
            await client.get(item[1], params=item[2])

        async def worker() -> None:
            nonlocal errors
            while not queue.empty():
                name, path, params = queue.get_nowait()
                t0 = time.perf_counter()
                response = await client.get(path, params=params)
                elapsed = (time.perf_counter() - t0) * 1000
                if response.status_code != 200:
                    errors += 1
                latencies.setdefault(name, []).append(elapsed)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    return latencies, wall, errors


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="default: SQLite in var/bench/")
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--brands", type=int, default=6)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--workers",
        type=int,
        default=max(1, min(4, (os.cpu_count() or 2) // 2)),
        help="uvicorn worker processes (default: half the CPUs, 1 to 4)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    name = f"bench-{args.mentions}-{args.brands}-{args.days}.db"
    url = args.database_url or f"sqlite:///{ROOT / 'var' / 'bench' / name}"
    engine, key = prepare(url, args.mentions, args.brands, args.days, args.seed, args.rebuild)
    with engine.connect() as conn:
        brand_ids = [int(r[0]) for r in conn.execute(text("SELECT id FROM brand ORDER BY id"))]
    engine.dispose()
    port = _free_port()
    env = dict(
        os.environ,
        GROUNDSWELL_DATABASE_URL=url,
        GROUNDSWELL_RATE_LIMIT_PER_MINUTE="100000000",
        OMP_NUM_THREADS="1",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("the API did not start")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        latencies, wall, errors = asyncio.run(
            _fire(
                f"http://127.0.0.1:{port}",
                key,
                args.requests,
                args.concurrency,
                brand_ids,
                args.days,
                args.seed,
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    everything = [v for values in latencies.values() for v in values]
    backend = make_url(url).get_backend_name()
    print(
        f"\n{backend}: {args.mentions:,} mentions, {args.brands} brands, {args.days} days; "
        f"{len(everything)} requests, concurrency {args.concurrency}, {args.workers} worker(s)"
    )
    print(
        f"throughput {len(everything) / wall:.0f} req/s; errors {errors}; "
        f"{os.cpu_count()} CPUs, load average {load:.1f} before the run\n"
    )
    print("| endpoint | n | p50 ms | p95 ms | p99 ms | mean ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    results: dict[str, Any] = {}
    for name in sorted(latencies) + ["all"]:
        values = everything if name == "all" else latencies[name]
        row = {
            "n": len(values),
            "p50": _pct(values, 0.5),
            "p95": _pct(values, 0.95),
            "p99": _pct(values, 0.99),
            "mean": statistics.fmean(values),
        }
        results[name] = row
        print(
            f"| {name} | {row['n']} | {row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} "
            f"| {row['mean']:.1f} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "backend": backend,
                    "throughput": len(everything) / wall,
                    "errors": errors,
                    "endpoints": results,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
