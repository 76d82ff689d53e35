"""Brand × hour rollups: kept in step at ingest and analysis, read by analytics.

Every change is applied as a *delta*: the aggregate of the touched mentions after
the change minus their aggregate before it, added to the rollup rows with one
``INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x``. Deltas commute, so two
writers (an ingest and an analysis, say) never overwrite each other's counts,
and the rows are written in key order, so concurrent writers cannot deadlock.

Callers:

* `add_mentions` — after new mentions and their brand links are inserted
  (`api.services.ingest.Ingestor`).
* `track_changes` — around any update of mentions already counted (analysis
  writes sentiment and harm flags; re-linking near-duplicates would too).
* `rebuild` — recompute a workspace from scratch (after bulk loads that bypass
  the ingest path, or to repair).

Each change lands twice: on its brand × hour row (``span`` 1) and on its
brand × day row (``span`` 24). Readers (`totals`, `series`) sum whole days from
the day rows, the whole hours around them from the hour rows, and count the
partial hours at the edges of a range from the mentions themselves, so any
``[start, end)`` is answered exactly with at most a few hundred rows read per brand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Integer, bindparam, cast, delete, func, literal_column, text
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col
from sqlmodel.sql.sqltypes import UTCDateTime

from models import Brand
from models.rollup import BrandRollup
from models.timeutil import ensure_utc

BASE_METRICS = ("mentions", "engagement", "reach", "negative", "neutral", "positive", "harm")
"""Metrics kept per brand and hour; each also as ``unique_<name>`` (originals only)."""
COLUMNS = tuple(c for name in BASE_METRICS for c in (name, f"unique_{name}"))
"""Every metric column of `BrandRollup`, in a fixed order."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BUCKET_HOURS = {"hour": 1, "day": 24, "week": 168}
"""Supported trend buckets, in hours; days and weeks are UTC (weeks start on Monday)."""
_BUCKET_OFFSET = {"hour": 0, "day": 0, "week": 72}
"""Hours to add before dividing so weeks start on Monday (1970-01-01 was a Thursday)."""
_CHUNK = 500
DAY = 24

Key = tuple[int, int]
"""(brand_id, hour)."""
Metrics = dict[str, int]


def empty_metrics() -> Metrics:
    """Return a metrics dict with every column at zero."""
    return dict.fromkeys(COLUMNS, 0)


def hour_of(moment: datetime) -> int:
    """Return the UTC hour number (hours since the epoch) that contains `moment`."""
    return int((ensure_utc(moment) - EPOCH) // timedelta(hours=1))


def hour_start(hour: int) -> datetime:
    """Return the start of an hour number as an aware UTC datetime."""
    return EPOCH + timedelta(hours=hour)


def bucket_of(hour: int, bucket: str) -> int:
    """Return the index of the `bucket` (``hour``/``day``/``week``) that contains `hour`."""
    return (hour + _BUCKET_OFFSET[bucket]) // BUCKET_HOURS[bucket]


def bucket_start(index: int, bucket: str) -> datetime:
    """Return the start of bucket `index` as an aware UTC datetime."""
    return hour_start(index * BUCKET_HOURS[bucket] - _BUCKET_OFFSET[bucket])


def hour_expr(session: Session, column: Any) -> ColumnElement[int]:
    """SQL for the UTC hour number of a datetime column, on SQLite or PostgreSQL.

    Args:
        session: A session (its dialect decides the SQL).
        column: A datetime column stored as UTC.

    Returns:
        An integer expression.
    """
    if session.get_bind().dialect.name == "sqlite":
        # SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC here).
        seconds = cast(func.strftime(literal_column("'%s'"), column), Integer)
        return seconds // literal_column("3600", Integer)
    # Constants are inlined so the SELECT and GROUP BY expressions are identical SQL.
    epoch = func.extract("epoch", column)
    return cast(func.floor(epoch / literal_column("3600.0")), BigInteger)


_METRIC_SQL = {
    "mentions": "1",
    "engagement": "m.likes + m.shares + m.replies",
    "reach": "COALESCE(m.author_followers, 0)",
    "negative": "CASE WHEN m.sentiment = 'negative' THEN 1 ELSE 0 END",
    "neutral": "CASE WHEN m.sentiment = 'neutral' THEN 1 ELSE 0 END",
    "positive": "CASE WHEN m.sentiment = 'positive' THEN 1 ELSE 0 END",
    "harm": "CASE WHEN m.is_harm THEN 1 ELSE 0 END",
}
"""Each base metric as SQL over ``mention m`` (the same text the 0002 migration uses)."""
_AGGREGATE_SQL = ", ".join(
    part
    for name in BASE_METRICS
    for part in (
        f"SUM({_METRIC_SQL[name]})",
        f"SUM(CASE WHEN m.duplicate_of_id IS NULL THEN {_METRIC_SQL[name]} ELSE 0 END)",
    )
)
_ROLLUP_SUMS_SQL = ", ".join(f"SUM({name})" for name in COLUMNS)
_TIME = UTCDateTime()


def _hour_sql(session: Session) -> str:
    if session.get_bind().dialect.name == "sqlite":
        return "CAST(strftime('%s', mb.created_at) AS INTEGER) / 3600"
    return "CAST(floor(extract(epoch FROM mb.created_at) / 3600) AS BIGINT)"


def _id_list(ids: Iterable[int]) -> str:
    # Ids are integers from the database or validated parameters; int() makes that certain.
    return ",".join(str(int(i)) for i in ids)


def _aggregate_sql(session: Session, where: str, span: int = 1) -> str:
    """SQL aggregating linked mentions by (brand, first hour of the span); `where` filters."""
    hour = _hour_sql(session)
    if span != 1:
        hour = f"(({hour}) / {int(span)}) * {int(span)}"
    return (
        f"SELECT mb.brand_id, {hour} AS h, {_AGGREGATE_SQL} "
        "FROM mentionbrand mb JOIN mention m ON m.id = mb.mention_id "
        f"WHERE {where} GROUP BY 1, 2"
    )


def _rows_to_metrics(values: Sequence[Any]) -> Metrics:
    return {name: int(v or 0) for name, v in zip(COLUMNS, values, strict=True)}


def aggregate_mentions(session: Session, mention_ids: Iterable[int]) -> dict[Key, Metrics]:
    """Aggregate some mentions by (brand, hour), as the rollups would count them.

    Args:
        session: An open session.
        mention_ids: The mentions.

    Returns:
        Metrics per (brand_id, hour) for the brands those mentions are linked to.
    """
    ids = sorted(set(mention_ids))
    out: dict[Key, Metrics] = {}
    for i in range(0, len(ids), _CHUNK):
        where = f"mb.mention_id IN ({_id_list(ids[i : i + _CHUNK])})"
        for brand_id, hour_value, *values in session.execute(
            text(_aggregate_sql(session, where))
        ).all():
            key = (int(brand_id), int(hour_value))
            metrics = _rows_to_metrics(values)
            if key in out:
                for name, v in metrics.items():
                    out[key][name] += v
            else:
                out[key] = metrics
    return out


def apply_deltas(session: Session, deltas: dict[Key, Metrics]) -> int:
    """Add deltas to the hour and day rollup rows (creating rows as needed), in key order.

    Args:
        session: An open session; not committed here.
        deltas: Metric changes per (brand_id, hour); all-zero entries are skipped.

    Returns:
        How many rows were written.
    """
    spans: dict[tuple[int, int, int], Metrics] = {}
    for (brand_id, hour), metrics in deltas.items():
        if not any(metrics.values()):
            continue
        spans[(brand_id, 1, hour)] = dict(metrics)
        _add_into(spans, (brand_id, DAY, hour - hour % DAY), metrics)
    rows = [
        {"brand_id": key[0], "span": key[1], "hour": key[2], **metrics}
        for key, metrics in sorted(spans.items())
    ]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = BrandRollup.__table__  # type: ignore[attr-defined]
    for i in range(0, len(rows), _CHUNK):
        statement = insert(table).values(rows[i : i + _CHUNK])
        statement = statement.on_conflict_do_update(
            index_elements=["brand_id", "span", "hour"],
            set_={name: table.c[name] + statement.excluded[name] for name in COLUMNS},
        )
        session.execute(statement)
    return len(rows)


def add_mentions(session: Session, mention_ids: Iterable[int]) -> int:
    """Count newly inserted mentions (with their brand links) into the rollups.

    Call it in the same transaction that inserted them, after their brand links
    and near-duplicate links are written.

    Args:
        session: An open session; not committed here.
        mention_ids: Ids of the new mentions.

    Returns:
        How many rollup rows were written.
    """
    return apply_deltas(session, aggregate_mentions(session, mention_ids))


@contextmanager
def track_changes(session: Session, mention_ids: Iterable[int]) -> Iterator[None]:
    """Keep the rollups right across an update of mentions that are already counted.

    Aggregates the mentions before and after the body runs and applies the
    difference, so sentiment, harm, engagement or duplicate changes (or
    deletions, or new brand links) show up in share of voice and trends::

        with track_changes(session, ids):
            session.execute(update(Mention)...)

    Args:
        session: An open session; not committed here.
        mention_ids: Every mention the body may change.

    Yields:
        Nothing; the body does the update.
    """
    ids = list(set(mention_ids))
    before = aggregate_mentions(session, ids)
    yield
    session.flush()
    after = aggregate_mentions(session, ids)
    deltas: dict[Key, Metrics] = {}
    for key in before.keys() | after.keys():
        old = before.get(key) or empty_metrics()
        new = after.get(key) or empty_metrics()
        deltas[key] = {name: new[name] - old[name] for name in COLUMNS}
    apply_deltas(session, deltas)


def rebuild(session: Session, workspace_id: int) -> int:
    """Recompute a workspace's rollups from its mentions.

    Args:
        session: An open session (committed here).
        workspace_id: The workspace.

    Returns:
        How many rollup rows it has now.
    """
    brand_ids = list(
        session.execute(
            sa_select(col(Brand.id)).where(col(Brand.workspace_id) == workspace_id)
        ).scalars()
    )
    session.execute(delete(BrandRollup).where(col(BrandRollup.brand_id).in_(brand_ids)))
    if brand_ids:
        where = f"mb.brand_id IN ({_id_list(brand_ids)})"
        for span in (1, DAY):
            select_sql = _aggregate_sql(session, where, span).replace(
                "SELECT mb.brand_id,", f"SELECT mb.brand_id, {span},", 1
            )
            session.execute(
                text(
                    f"INSERT INTO brandrollup (brand_id, span, hour, {', '.join(COLUMNS)}) "
                    + select_sql.replace("GROUP BY 1, 2", "GROUP BY 1, 2, 3")
                )
            )
    session.commit()
    count = session.execute(
        sa_select(func.count())
        .select_from(BrandRollup)
        .where(col(BrandRollup.brand_id).in_(brand_ids))
    ).scalar_one()
    return int(count)


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HourRange:
    """A time range split into whole hours and the partial hours at its edges."""

    whole: tuple[int, int] | None
    """[first, last) hour numbers covered entirely, or None."""
    edges: tuple[tuple[datetime, datetime], ...]
    """Sub-ranges shorter than an hour, to be counted from the mentions."""


def split_range(start: datetime, end: datetime) -> HourRange:
    """Split ``[start, end)`` into whole hours and partial edge pieces.

    Args:
        start: Inclusive start (aware).
        end: Exclusive end (aware).

    Returns:
        The split; empty when ``end <= start``.
    """
    start, end = ensure_utc(start), ensure_utc(end)
    if end <= start:
        return HourRange(None, ())
    first = hour_of(start)
    if hour_start(first) < start:
        first += 1
    last = hour_of(end)
    if first >= last:
        return HourRange(None, ((start, end),))
    edges = []
    if start < hour_start(first):
        edges.append((start, hour_start(first)))
    if hour_start(last) < end:
        edges.append((hour_start(last), end))
    return HourRange((first, last), tuple(edges))


@dataclass(frozen=True)
class ReadPlan:
    """Where each part of a range is read from."""

    days: tuple[int, int] | None
    """[first, last) hour numbers, day-aligned, summed from day rows."""
    hours: tuple[tuple[int, int], ...]
    """[first, last) hour ranges summed from hour rows."""
    edges: tuple[tuple[datetime, datetime], ...]
    """Pieces shorter than an hour, counted from the mentions."""


def plan_range(start: datetime, end: datetime) -> ReadPlan:
    """Split ``[start, end)`` into whole days, whole hours and partial-hour edges."""
    split = split_range(start, end)
    if split.whole is None:
        return ReadPlan(None, (), split.edges)
    first, last = split.whole
    first_day = -(-first // DAY) * DAY
    last_day = last // DAY * DAY
    if first_day >= last_day:
        return ReadPlan(None, ((first, last),), split.edges)
    hours = tuple(r for r in ((first, first_day), (last_day, last)) if r[0] < r[1])
    return ReadPlan((first_day, last_day), hours, split.edges)


def _rollup_sums(
    session: Session,
    brand_ids: list[int],
    span: int,
    ranges: Sequence[tuple[int, int]] | None,
    bucket: str | None,
) -> dict[tuple[int, int], Metrics]:
    """Sum rollup rows of one span by brand (and bucket); hand-written SQL (the hot path)."""
    key = "0"
    if bucket is not None:
        size, offset = BUCKET_HOURS[bucket], _BUCKET_OFFSET[bucket]
        key = f"(hour + {offset}) / {size}" if size > 1 else "hour"
    sql = (
        f"SELECT brand_id, {key} AS b, {_ROLLUP_SUMS_SQL} FROM brandrollup "
        f"WHERE brand_id IN ({_id_list(brand_ids)}) AND span = {int(span)}"
    )
    params: dict[str, int] = {}
    if ranges is not None:
        if not ranges:
            return {}
        parts = []
        for i, (lo, hi) in enumerate(ranges):
            parts.append(f"(hour >= :lo{i} AND hour < :hi{i})")
            params[f"lo{i}"], params[f"hi{i}"] = lo, hi
        sql += " AND (" + " OR ".join(parts) + ")"
    sql += " GROUP BY 1, 2"
    return {
        (int(brand_id), int(index)): _rows_to_metrics(values)
        for brand_id, index, *values in session.execute(text(sql), params).all()
    }


def _read(
    session: Session, brand_ids: list[int], start: datetime, end: datetime, bucket: str | None
) -> list[tuple[int, int, Metrics]]:
    """(brand, bucket index or 0, metrics) pieces that together cover ``[start, end)``."""
    plan = plan_range(start, end)
    pieces: list[tuple[int, int, Metrics]] = []
    if plan.days is not None:
        if bucket == "hour":
            # Hourly buckets need hour rows throughout.
            hours: tuple[tuple[int, int], ...] = (plan.days, *plan.hours)
        else:
            hours = plan.hours
            for (brand_id, index), m in _rollup_sums(
                session, brand_ids, DAY, [plan.days], bucket
            ).items():
                pieces.append((brand_id, index, m))
    else:
        hours = plan.hours
    for (brand_id, index), m in _rollup_sums(session, brand_ids, 1, hours, bucket).items():
        pieces.append((brand_id, index, m))
    if plan.edges:
        for (brand_id, hour), m in _raw_sums(session, brand_ids, plan.edges).items():
            pieces.append((brand_id, bucket_of(hour, bucket) if bucket else 0, m))
    return pieces


def _raw_sums(
    session: Session, brand_ids: list[int], ranges: Sequence[tuple[datetime, datetime]]
) -> dict[tuple[int, int], Metrics]:
    """Aggregate mentions in the given [start, end) ranges straight from the tables."""
    parts, binds, params = [], [], {}
    for i, (lo, hi) in enumerate(ranges):
        parts.append(f"(mb.created_at >= :lo{i} AND mb.created_at < :hi{i})")
        binds += [bindparam(f"lo{i}", type_=_TIME), bindparam(f"hi{i}", type_=_TIME)]
        params[f"lo{i}"], params[f"hi{i}"] = ensure_utc(lo), ensure_utc(hi)
    where = f"mb.brand_id IN ({_id_list(brand_ids)}) AND ({' OR '.join(parts)})"
    statement = text(_aggregate_sql(session, where)).bindparams(*binds)
    rows = session.execute(statement, params).all()
    return {(int(brand_id), int(h)): _rows_to_metrics(values) for brand_id, h, *values in rows}


def _add_into(target: dict[Any, Metrics], key: Any, metrics: Metrics) -> None:
    if key not in target:
        target[key] = empty_metrics()
    entry = target[key]
    for name, value in metrics.items():
        entry[name] += value


def totals(
    session: Session,
    brand_ids: list[int],
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict[int, Metrics]:
    """Sum each brand's metrics over ``[start, end)`` (open ends: all time).

    Args:
        session: An open session.
        brand_ids: The brands (already checked to belong to the caller's workspace).
        start: Inclusive start, or None.
        end: Exclusive end, or None.

    Returns:
        Metrics per brand id (every requested brand present, zeros if none).
    """
    out = {brand_id: empty_metrics() for brand_id in brand_ids}
    if not brand_ids:
        return out
    if start is None and end is None:
        for (brand_id, _), metrics in _rollup_sums(session, brand_ids, DAY, None, None).items():
            _add_into(out, brand_id, metrics)
        return out
    lo = ensure_utc(start) if start is not None else EPOCH
    hi = ensure_utc(end) if end is not None else datetime(9999, 1, 1, tzinfo=UTC)
    for brand_id, _, metrics in _read(session, brand_ids, lo, hi, None):
        _add_into(out, brand_id, metrics)
    return out


def series(
    session: Session,
    brand_ids: list[int],
    start: datetime,
    end: datetime,
    bucket: str = "day",
) -> dict[int, dict[int, Metrics]]:
    """Each brand's metrics per bucket over ``[start, end)``.

    Args:
        session: An open session.
        brand_ids: The brands (already checked to belong to the caller's workspace).
        start: Inclusive start.
        end: Exclusive end.
        bucket: ``"hour"``, ``"day"`` or ``"week"`` (UTC).

    Returns:
        brand id → bucket index → metrics; buckets without mentions are absent
        (`bucket_start` turns an index into a time).

    Raises:
        ValueError: Unknown bucket.
    """
    if bucket not in BUCKET_HOURS:
        raise ValueError(f"unknown bucket {bucket!r}")
    out: dict[int, dict[int, Metrics]] = {brand_id: {} for brand_id in brand_ids}
    if not brand_ids:
        return out
    for brand_id, index, metrics in _read(session, brand_ids, start, end, bucket):
        _add_into(out[brand_id], index, metrics)
    return out


def _bound_hour(session: Session, brand_ids: list[int], last: bool) -> int | None:
    """First or last hour with mentions: find the day from day rows, then the hour in it."""
    if not brand_ids:
        return None
    pick = "MAX" if last else "MIN"
    ids = _id_list(brand_ids)
    day = session.execute(
        text(
            f"SELECT {pick}(hour) FROM brandrollup WHERE brand_id IN ({ids}) "
            f"AND span = {DAY} AND mentions > 0"
        )
    ).scalar_one_or_none()
    if day is None:
        return None
    hour = session.execute(
        text(
            f"SELECT {pick}(hour) FROM brandrollup WHERE brand_id IN ({ids}) "
            "AND span = 1 AND mentions > 0 AND hour >= :lo AND hour < :hi"
        ),
        {"lo": int(day), "hi": int(day) + DAY},
    ).scalar_one_or_none()
    return int(hour) if hour is not None else int(day)


def latest_hour(session: Session, brand_ids: list[int]) -> int | None:
    """Return the last hour with mentions of these brands, or None."""
    return _bound_hour(session, brand_ids, last=True)


def earliest_hour(session: Session, brand_ids: list[int]) -> int | None:
    """Return the first hour with mentions of these brands, or None."""
    return _bound_hour(session, brand_ids, last=False)
