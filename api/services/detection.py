"""Live detection: per-brand series → incremental detectors → merged, explained alerts.

For each brand six series are bucketed (``bucket_minutes``, aligned to UTC):

==================  ==============================  =====================================
series              detector (``nlp/``)             alert kind when it fires
==================  ==============================  =====================================
``volume``          `SpikeDetector`                 ``volume``
``negative``        `SpikeDetector`                 ``negative``
``negative_share``  `ShareDetector`                 ``negative_share``
``harm``            `ClaimBurstDetector`            ``harm``
``engagement``      `SpikeDetector` (likes + shares ``engagement``
                    + replies, overdispersed)
``virality``        `ViralityDetector`              ``harm`` / ``negative`` if the post
                                                    is a harm claim / negative, else
                                                    ``virality``
==================  ==============================  =====================================

**Incremental.** Each detector's state is saved per brand × series
(`models.DetectorState`) with the last bucket it was fed. A run feeds only the
buckets completed since then (bucket end at or before ``now``, or the newest
mention's time), empty buckets as zeros, and saves the states in the same
transaction as the alerts they raised: constant work per new bucket per series,
and re-running on the same data changes nothing. Buckets that still hold
mentions without sentiment wait for `run_analysis`, so a count is never fed
before it is known.

The brand's own posts (``Mention.is_owned``) count towards volume and sentiment
but not towards engagement or virality: their reach is the brand's own doing.

**Lifecycle.** Firings of one brand are merged into the alert of the incident
they belong to: an open or acknowledged alert absorbs firings up to
``merge_hours`` after it was last seen (an acknowledged alert that keeps firing
stays one alert), and anomalous buckets that a detector holds back during its own
cooldown keep the incident alive and may raise its severity. A resolved alert
absorbs same-or-milder firings for ``cooldown_hours``; after that (or a graver
kind at once) a new alert opens. The alert's kind is the gravest that fired.

**Concurrency.** States are saved only if no other run advanced them since they
were read; otherwise the brand's work is rolled back and left to that run
(`DetectionReport.skipped`), so two overlapping runs never raise an alert twice.

**Delivery.** Opening an alert, or escalating it (severity up, or a graver kind),
queues its deliveries (`api.services.delivery.enqueue_alert`) in the same
transaction.

**Evidence.** Every alert carries why it fired (series, observed vs expected, the
statistic and its threshold, in ``Alert.why``), the viral posts that fired, the
top posts by reach in the incident (near-duplicates folded into their original,
whose reach adds up), and the terms that are new in the window.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.services.delivery import DeliveryChannels, enqueue_alert
from models import (
    Alert,
    AlertEvidence,
    AlertStatus,
    Brand,
    DetectorState,
    Mention,
    MentionBrand,
    Topic,
    TopicAssignment,
)
from models.timeutil import ensure_utc, utcnow
from nlp.crisis import ClaimBurstConfig, ClaimBurstDetector
from nlp.spikes import ShareConfig, ShareDetector, SpikeConfig, SpikeDetector, SpikeResult
from nlp.virality import CopyActivity, PostActivity, ViralFiring, ViralityConfig, ViralityDetector

__all__ = [
    "CRISIS_KINDS",
    "KIND_PRIORITY",
    "ConcurrentRun",
    "SERIES",
    "AlertSummary",
    "DetectionReport",
    "Firing",
    "detect_workspace",
    "engagement_config",
    "list_alert_summaries",
    "make_detector",
    "new_terms",
    "run_detection",
]

SERIES: tuple[str, ...] = ("volume", "negative", "negative_share", "harm", "engagement", "virality")
"""The series every brand is watched on."""

KIND_PRIORITY = {
    "harm": 6,
    "negative_share": 5,
    "negative": 4,
    "virality": 3,
    "volume": 2,
    "engagement": 1,
}
"""Gravest first: an incident takes the kind of the gravest firing."""

CRISIS_KINDS = frozenset({"harm", "negative_share", "negative"})
"""Kinds that are a crisis; volume, engagement and virality alone are not."""

SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
MERGE_HOURS = 6.0
COOLDOWN_HOURS = 6.0
EVIDENCE_LOOKBACK_HOURS = 6.0
"""Evidence posts are taken from this long before the alert started to its last firing."""
EVIDENCE_MAX_POSTS = 5000
# A topic is cited as an incident's theme when it holds at least this share of its posts.
TOPIC_EVIDENCE_MIN_SHARE = 0.2
BASELINE_MAX_TEXTS = 3000
CRITICAL_HARM_POSTS = 20
"""A harm incident with this many claims in the detector's window is critical."""
_CHUNK_BUCKETS = 288
"""Buckets fetched and fed per query, so a long backlog is read in bounded pieces."""
_CLOCK_SKEW = timedelta(hours=1)

Detector = SpikeDetector | ShareDetector | ClaimBurstDetector | ViralityDetector

_TOKEN = re.compile(r"[^\W\d_][\w'’-]{2,}", re.UNICODE)
_STOP = frozenset(
    "the and for with that this you your are was have has not but from they just its "
    "our out all about what when will can get got http https www com amp der die das und "
    "ist nicht mit ein eine yang dan ini itu untuk dengan tidak ada".split()
)


# --------------------------------------------------------------------------- detectors


def engagement_config(bucket_minutes: float) -> SpikeConfig:
    """Spike settings for the engagement series (likes + shares + replies per bucket).

    Engagement is a sum of heavy-tailed per-post counts, so one popular post moves
    it far more than one mention moves volume: the overdispersion is allowed to be
    much larger, a burst must be twice the size of recent ones (the running record
    of a heavy-tailed sum is broken often, and by little), and a bucket needs at
    least 50 interactions to fire. Single posts spreading are the virality
    series' job.

    Args:
        bucket_minutes: Bucket size.

    Returns:
        The config.
    """
    return SpikeConfig(
        bucket_minutes=bucket_minutes,
        min_dispersion=0.5,
        max_dispersion=4.0,
        burst_ratio=2.0,
        min_count=50.0,
    )


def make_detector(series: str, bucket_minutes: float) -> Detector:
    """A fresh detector for one series.

    Args:
        series: One of `SERIES`.
        bucket_minutes: Bucket size.

    Returns:
        The detector.

    Raises:
        ValueError: For an unknown series.
    """
    if series in ("volume", "negative"):
        return SpikeDetector(SpikeConfig(bucket_minutes=bucket_minutes))
    if series == "negative_share":
        return ShareDetector(ShareConfig(bucket_minutes=bucket_minutes))
    if series == "harm":
        return ClaimBurstDetector(ClaimBurstConfig(bucket_minutes=bucket_minutes))
    if series == "engagement":
        return SpikeDetector(engagement_config(bucket_minutes))
    if series == "virality":
        return ViralityDetector(ViralityConfig(bucket_minutes=bucket_minutes))
    raise ValueError(f"unknown series {series!r}; known: {SERIES}")


def _restore(series: str, data: dict[str, Any]) -> Detector:
    if series in ("volume", "negative", "engagement"):
        return SpikeDetector.from_dict(data)
    if series == "negative_share":
        return ShareDetector.from_dict(data)
    if series == "harm":
        return ClaimBurstDetector.from_dict(data)
    if series == "virality":
        return ViralityDetector.from_dict(data)
    raise ValueError(f"unknown series {series!r}")


# --------------------------------------------------------------------------- firings


@dataclass(frozen=True)
class Firing:
    """One detector verdict that opens, continues or escalates an incident.

    Attributes:
        series: The series that fired.
        kind: The alert kind it implies (see the module docstring).
        ts: When it fired: the end of its bucket.
        result: The detector's verdict (for virality: velocity vs threshold).
        explain: One line saying why.
        sustained: An anomalous bucket held back by the detector's own cooldown: it
            continues (and may escalate) an incident and is not counted as a new
            firing; it opens an alert only when no incident is under way.
        post_id: For virality, the post that is spreading.
    """

    series: str
    kind: str
    ts: datetime
    result: SpikeResult
    explain: str
    sustained: bool = False
    post_id: int | None = None

    @property
    def severity(self) -> str:
        """low, medium, high or critical."""
        r = self.result
        if self.series == "virality":
            return {"harm": "high", "negative": "medium"}.get(self.kind, "low")
        if self.kind == "harm":
            return "critical" if r.value >= CRITICAL_HARM_POSTS else "high"
        if self.kind in CRISIS_KINDS:
            return "high" if r.score >= 0.8 else "medium"
        return "low"


def _spike_firing(series: str, result: SpikeResult, step: timedelta) -> Firing | None:
    sustained = result.reason == "cooldown"
    if not (result.fired or sustained):
        return None
    closed = replace(result, ts=result.ts + step)
    text = closed.explain()
    if sustained and text.endswith(", cooldown)"):
        # Held back by the detector's cooldown only because the incident is ongoing.
        text = text.removesuffix(", cooldown)") + ", ongoing)"
    return Firing(series, series, closed.ts, closed, text, sustained=sustained)


def _viral_firing(viral: ViralFiring, step: timedelta) -> Firing:
    kind = "harm" if viral.harm else "negative" if viral.negative else "virality"
    ts = viral.ts + step
    result = SpikeResult(
        ts=ts,
        value=viral.velocity,
        expected=viral.expected,
        score=viral.score,
        fired=True,
        statistic=viral.statistic,
        statistic_value=viral.velocity,
        statistic_threshold=viral.threshold,
        threshold=0.5,
    )
    return Firing("virality", kind, ts, result, viral.explain(), post_id=viral.post_id)


@dataclass
class _Bucket:
    start: datetime
    total: float = 0.0
    negative: float = 0.0
    harm: float = 0.0
    engagement: float = 0.0
    posts: list[PostActivity] = field(default_factory=list)
    copies: Counter[int] = field(default_factory=Counter)


def _feed(
    series: str,
    detector: Detector,
    bucket: _Bucket,
    step: timedelta,
    flags: dict[int, tuple[bool, bool]],
) -> list[Firing]:
    """Feed one bucket to one detector; return what it means for incidents."""
    if isinstance(detector, ViralityDetector):
        copies = [
            CopyActivity(original, n, *flags.get(original, (False, False)))
            for original, n in sorted(bucket.copies.items())
        ]
        return [_viral_firing(v, step) for v in detector.update(bucket.start, bucket.posts, copies)]
    if isinstance(detector, ShareDetector):
        result = detector.update(bucket.start, bucket.negative, bucket.total)
    else:
        value = {
            "volume": bucket.total,
            "negative": bucket.negative,
            "harm": bucket.harm,
            "engagement": bucket.engagement,
        }[series]
        result = detector.update(bucket.start, value)
    firing = _spike_firing(series, result, step)
    return [firing] if firing is not None else []


# --------------------------------------------------------------------------- time


def floor_bucket(ts: datetime, bucket_minutes: int) -> datetime:
    """Start of the UTC-aligned bucket holding ``ts``.

    Args:
        ts: A time (naive is taken as UTC).
        bucket_minutes: Bucket size.

    Returns:
        The bucket start, aware UTC.
    """
    seconds = int(ensure_utc(ts).timestamp())
    step = bucket_minutes * 60
    return datetime.fromtimestamp(seconds - seconds % step, UTC)


def _data_clock(session: Session, workspace_id: int) -> datetime | None:
    """The newest mention time, ignoring mentions dated after they were collected."""
    rows = session.execute(
        select(Mention.created_at, Mention.collected_at)
        .where(Mention.workspace_id == workspace_id)
        .order_by(col(Mention.created_at).desc())
        .limit(50)
    ).all()
    if not rows:
        return None
    for created, collected in rows:
        if ensure_utc(created) <= ensure_utc(collected) + _CLOCK_SKEW:
            return ensure_utc(created)
    return ensure_utc(rows[0][0])


def _first_unanalysed(session: Session, brand_id: int) -> datetime | None:
    value = session.execute(
        select(func.min(MentionBrand.created_at))
        .join(Mention, col(Mention.id) == col(MentionBrand.mention_id))
        .where(MentionBrand.brand_id == brand_id, col(Mention.sentiment_version).is_(None))
    ).scalar()
    return ensure_utc(value) if value is not None else None


def _first_mention(session: Session, brand_id: int) -> datetime | None:
    value = session.execute(
        select(func.min(MentionBrand.created_at)).where(MentionBrand.brand_id == brand_id)
    ).scalar()
    return ensure_utc(value) if value is not None else None


# --------------------------------------------------------------------------- report


class ConcurrentRun(RuntimeError):
    """Another detection run advanced a brand's detectors while this one worked."""


@dataclass
class DetectionReport:
    """What one detection run did.

    Attributes:
        buckets: New buckets fed, summed over brands (each to every series).
        firings: Firings (including sustained ones) seen.
        opened: Ids of alerts opened.
        escalated: Ids of alerts escalated.
        skipped: Brands left alone because another run advanced them meanwhile.
        open_alerts: Alerts of the workspace not resolved afterwards.
    """

    buckets: int = 0
    firings: int = 0
    opened: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    open_alerts: int = 0


def run_detection(
    session: Session,
    workspace_id: int,
    *,
    bucket_minutes: int = 5,
    now: datetime | None = None,
    merge_hours: float = MERGE_HOURS,
    cooldown_hours: float = COOLDOWN_HOURS,
    channels: DeliveryChannels | None = None,
) -> int:
    """Feed every brand's new complete buckets to its detectors and store alerts.

    Args:
        session: An open session (committed here, once per brand).
        workspace_id: The workspace.
        bucket_minutes: Bucket size of the series.
        now: Buckets ending at or before this are complete; None: the newest
            mention's time.
        merge_hours: Firings this soon after an open alert was last seen join it.
        cooldown_hours: How long a resolved alert absorbs new firings.
        channels: Where to deliver opened and escalated alerts (None: nowhere).

    Returns:
        The number of alerts not resolved afterwards.
    """
    report = detect_workspace(
        session,
        workspace_id,
        bucket_minutes=bucket_minutes,
        now=now,
        merge_hours=merge_hours,
        cooldown_hours=cooldown_hours,
        channels=channels,
    )
    return report.open_alerts


def detect_workspace(
    session: Session,
    workspace_id: int,
    *,
    bucket_minutes: int = 5,
    now: datetime | None = None,
    merge_hours: float = MERGE_HOURS,
    cooldown_hours: float = COOLDOWN_HOURS,
    channels: DeliveryChannels | None = None,
) -> DetectionReport:
    """`run_detection`, returning what it did.

    Args:
        session: An open session (committed here, once per brand).
        workspace_id: The workspace.
        bucket_minutes: Bucket size of the series.
        now: Buckets ending at or before this are complete; None: the newest
            mention's time.
        merge_hours: Firings this soon after an open alert was last seen join it.
        cooldown_hours: How long a resolved alert absorbs new firings.
        channels: Where to deliver opened and escalated alerts (None: nowhere).

    Returns:
        The report.

    Raises:
        ValueError: If ``bucket_minutes`` is not positive.
    """
    if bucket_minutes <= 0:
        raise ValueError("bucket_minutes must be positive")
    report = DetectionReport()
    clock = ensure_utc(now) if now is not None else _data_clock(session, workspace_id)
    brands = list(
        session.execute(select(Brand).where(Brand.workspace_id == workspace_id)).scalars()
    )
    if clock is not None:
        for brand in brands:
            brand_id = brand.id or 0
            try:
                _BrandRun(
                    session,
                    workspace_id,
                    brand,
                    bucket_minutes=bucket_minutes,
                    merge=timedelta(hours=merge_hours),
                    cooldown=timedelta(hours=cooldown_hours),
                    channels=channels or DeliveryChannels(),
                    report=report,
                ).run(clock)
                session.commit()
            except (ConcurrentRun, IntegrityError):
                # Another run got there first and stored the same buckets' alerts.
                session.rollback()
                report.skipped.append(brand_id)
    report.open_alerts = len(
        session.execute(
            select(Alert.id).where(
                Alert.workspace_id == workspace_id, Alert.status != AlertStatus.resolved
            )
        ).all()
    )
    return report


class _BrandRun:
    """One brand's share of a detection run."""

    def __init__(
        self,
        session: Session,
        workspace_id: int,
        brand: Brand,
        *,
        bucket_minutes: int,
        merge: timedelta,
        cooldown: timedelta,
        channels: DeliveryChannels,
        report: DetectionReport,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.brand = brand
        self.brand_id = brand.id or 0
        self.minutes = bucket_minutes
        self.step = timedelta(minutes=bucket_minutes)
        self.merge = merge
        self.cooldown = cooldown
        self.channels = channels
        self.report = report
        self.alerts: list[Alert] = []
        self.touched: dict[int, Alert] = {}
        self.opened: set[int] = set()
        self.escalated: set[int] = set()

    # -- feeding ----------------------------------------------------------------

    def run(self, clock: datetime) -> None:
        horizon = clock
        pending = _first_unanalysed(self.session, self.brand_id)
        if pending is not None:
            horizon = min(horizon, pending)
        last_start = floor_bucket(horizon, self.minutes) - self.step
        rows = {
            r.series: r
            for r in self.session.execute(
                select(DetectorState)
                .where(DetectorState.brand_id == self.brand_id)
                .execution_options(populate_existing=True)  # another run may have saved
            ).scalars()
        }
        if any(r.bucket_minutes != self.minutes for r in rows.values()):
            # A new bucket size: start the brand over. Replayed incidents merge into
            # the alerts they already raised.
            for row in rows.values():
                self.session.delete(row)
            self.session.flush()
            rows = {}
        fed_until = {s: ensure_utc(r.last_bucket) for s, r in rows.items()}
        if fed_until:
            start = min(fed_until.values()) + self.step
        else:
            first = _first_mention(self.session, self.brand_id)
            if first is None:
                return
            start = floor_bucket(first, self.minutes)
        if start > last_start:
            return
        detectors: dict[str, Detector] = {}
        for series in SERIES:
            row = rows.get(series)
            detectors[series] = (
                _restore(series, row.state)
                if row is not None
                else make_detector(series, self.minutes)
            )
            if row is None and fed_until:
                # A series added to a running deployment starts now, not in the past.
                fed_until[series] = max(fed_until.values())
        firings: list[Firing] = []
        chunk = self.step * _CHUNK_BUCKETS
        chunk_start = start
        while chunk_start <= last_start:
            chunk_end = min(chunk_start + chunk, last_start + self.step)
            buckets, flags = self._buckets(chunk_start, chunk_end)
            for bucket in buckets:
                for series, detector in detectors.items():
                    done = fed_until.get(series)
                    if done is not None and bucket.start <= done:
                        continue
                    firings.extend(_feed(series, detector, bucket, self.step, flags))
            self.report.buckets += len(buckets)
            chunk_start = chunk_end
        self._save(detectors, rows, last_start)
        self.report.firings += len(firings)
        self._store(firings)

    def _save(
        self, detectors: dict[str, Detector], rows: dict[str, DetectorState], last: datetime
    ) -> None:
        """Save every state, unless another run advanced them since they were read.

        Raises:
            ConcurrentRun: Another run saved first (its alerts stand; ours would
                repeat them).
        """
        now = utcnow()
        for series, detector in detectors.items():
            row = rows.get(series)
            if row is None:
                self.session.add(
                    DetectorState(
                        workspace_id=self.workspace_id,
                        brand_id=self.brand_id,
                        series=series,
                        bucket_minutes=self.minutes,
                        last_bucket=last,
                        state=detector.to_dict(),
                        updated_at=now,
                    )
                )
                continue
            result = self.session.execute(
                update(DetectorState)
                .where(
                    col(DetectorState.id) == row.id,
                    col(DetectorState.last_bucket) == row.last_bucket,
                )
                .values(last_bucket=last, state=detector.to_dict(), updated_at=now)
            )
            self.session.expire(row)
            if getattr(result, "rowcount", 1) != 1:
                raise ConcurrentRun(f"brand {self.brand_id}: {series} was advanced by another run")
        self.session.flush()

    def _buckets(
        self, start: datetime, end: datetime
    ) -> tuple[list[_Bucket], dict[int, tuple[bool, bool]]]:
        """Every bucket in ``[start, end)`` with its counts, and flags of copied originals."""
        n = round((end - start) / self.step)
        buckets = [_Bucket(start + i * self.step) for i in range(n)]
        rows = self.session.execute(
            sa_select(
                col(Mention.id),
                col(Mention.created_at),
                col(Mention.collected_at),
                col(Mention.sentiment),
                col(Mention.is_harm),
                col(Mention.likes),
                col(Mention.shares),
                col(Mention.replies),
                col(Mention.duplicate_of_id),
                col(Mention.is_owned),
            )
            .join(MentionBrand, col(MentionBrand.mention_id) == col(Mention.id))
            .where(
                col(MentionBrand.brand_id) == self.brand_id,
                col(MentionBrand.created_at) >= start,
                col(MentionBrand.created_at) < end,
            )
        ).all()
        flags: dict[int, tuple[bool, bool]] = {}
        originals: set[int] = set()
        for mid, created, collected, sentiment, is_harm, likes, shares, replies, dup, owned in rows:
            created = ensure_utc(created)
            i = int((created - start) / self.step)
            if not 0 <= i < n:
                continue
            b = buckets[i]
            negative = sentiment == "negative"
            b.total += 1
            b.negative += negative
            b.harm += bool(is_harm)
            flags[mid] = (negative, bool(is_harm))
            if owned:
                # The brand's own posts: their reach is its own doing, and their
                # engagement would set the norm the public's posts are judged by.
                continue
            b.engagement += likes + shares + replies
            if dup is None:
                b.posts.append(
                    PostActivity(
                        post_id=mid,
                        created_at=created,
                        shares=shares,
                        replies=replies,
                        observed_at=ensure_utc(collected),
                        negative=negative,
                        harm=bool(is_harm),
                    )
                )
            else:
                b.copies[dup] += 1
                originals.add(dup)
        missing = sorted(originals - set(flags))
        if missing:
            for mid, sentiment, is_harm in self.session.execute(
                select(Mention.id, Mention.sentiment, Mention.is_harm).where(
                    col(Mention.id).in_(missing)
                )
            ).all():
                flags[mid] = (sentiment == "negative", bool(is_harm))
        for b in buckets:
            b.posts.sort(key=lambda p: (p.created_at, p.post_id))
        return buckets, flags

    # -- alerts -----------------------------------------------------------------

    def _store(self, firings: list[Firing]) -> None:
        if not firings:
            return
        firings.sort(key=lambda f: (f.ts, f.sustained, -KIND_PRIORITY[f.kind]))
        reach = max(self.merge, self.cooldown)
        self.alerts = list(
            self.session.execute(
                select(Alert).where(
                    Alert.workspace_id == self.workspace_id,
                    Alert.brand_id == self.brand_id,
                    col(Alert.last_seen_at) >= firings[0].ts - reach,
                )
            ).scalars()
        )
        for firing in firings:
            self._apply(firing)
        for alert_id, alert in self.touched.items():
            self._refresh_evidence(alert)
            if alert_id in self.opened:
                enqueue_alert(self.session, alert, self.channels, event="opened")
                self.report.opened.append(alert_id)
            elif alert_id in self.escalated:
                enqueue_alert(self.session, alert, self.channels, event="escalated")
                self.report.escalated.append(alert_id)

    def _match(self, firing: Firing) -> Alert | None:
        for alert in sorted(self.alerts, key=lambda a: ensure_utc(a.last_seen_at), reverse=True):
            started, last = ensure_utc(alert.started_at), ensure_utc(alert.last_seen_at)
            after = self.cooldown if alert.status == AlertStatus.resolved else self.merge
            if started - self.merge <= firing.ts <= last + after:
                return alert
        return None

    def _apply(self, firing: Firing) -> None:
        alert = self._match(firing)
        graver = alert is not None and KIND_PRIORITY[firing.kind] > KIND_PRIORITY.get(alert.kind, 0)
        if alert is not None and alert.status == AlertStatus.resolved and graver:
            alert = None  # a graver kind after resolution is a new incident
        if alert is None:
            # Sustained buckets open one too: a detector's own cooldown (12 h for
            # harm claims) may outlast the merge window, and a new incident in that
            # gap must not go unreported.
            self._open(firing)
            return
        alert.started_at = min(ensure_utc(alert.started_at), firing.ts)
        alert.last_seen_at = max(ensure_utc(alert.last_seen_at), firing.ts)
        if not firing.sustained:
            alert.fire_count += 1
        why = dict(alert.why)
        fired = set(why.get("series_fired", []))
        fired.add(firing.series)
        why["series_fired"] = sorted(fired)
        if firing.post_id is not None:
            viral = list(why.get("viral_posts", []))
            if firing.post_id not in viral:
                viral = (viral + [firing.post_id])[-5:]
            why["viral_posts"] = viral
        alert.why = why
        alert.updated_at = utcnow()
        self.session.add(alert)
        if alert.status == AlertStatus.resolved:
            return  # absorbed by the cooldown: no delivery, no new evidence
        same = firing.kind == alert.kind
        up = SEVERITY_RANK[firing.severity] > SEVERITY_RANK.get(alert.severity, 0)
        if graver or (same and up):
            self._describe(alert, firing)
            if alert.id not in self.opened:
                self.escalated.add(alert.id or 0)
        self.touched[alert.id or 0] = alert

    def _open(self, firing: Firing) -> None:
        now = utcnow()
        alert = Alert(
            workspace_id=self.workspace_id,
            brand_id=self.brand_id,
            fingerprint=f"brand:{self.brand_id}",
            kind=firing.kind,
            severity=firing.severity,
            title="",
            series=firing.series,
            why={},
            started_at=firing.ts,
            last_seen_at=firing.ts,
            fire_count=1,
            created_at=now,
            updated_at=now,
        )
        self._describe(alert, firing)
        why = dict(alert.why)
        why["series_fired"] = [firing.series]
        if firing.post_id is not None:
            why["viral_posts"] = [firing.post_id]
        alert.why = why
        self.session.add(alert)
        self.session.flush()
        self.alerts.append(alert)
        self.opened.add(alert.id or 0)
        self.touched[alert.id or 0] = alert

    def _describe(self, alert: Alert, firing: Firing) -> None:
        """Make the alert say what this (its gravest) firing says."""
        r = firing.result
        alert.kind = firing.kind
        alert.series = firing.series
        alert.severity = firing.severity
        alert.title = _title(firing, self.brand.name)[:300]
        why = dict(alert.why)
        why.update(
            {
                "series": firing.series,
                "kind": firing.kind,
                "fired_at": firing.ts.isoformat(),
                "bucket_minutes": self.minutes,
                "observed": _finite(r.value),
                "expected": _finite(r.expected),
                "statistic": r.statistic,
                "statistic_value": _finite(r.statistic_value),
                "statistic_threshold": _finite(r.statistic_threshold),
                "score": _finite(r.score),
                "threshold": _finite(r.threshold),
                "explain": f"{firing.series}: {firing.explain}",
            }
        )
        alert.why = why

    def _refresh_evidence(self, alert: Alert) -> None:
        for old in self.session.execute(
            select(AlertEvidence).where(AlertEvidence.alert_id == alert.id)
        ).scalars():
            self.session.delete(old)
        self.session.flush()
        viral = [int(i) for i in alert.why.get("viral_posts", [])]
        for item in _evidence(
            self.session,
            self.brand_id,
            alert.kind,
            ensure_utc(alert.started_at) - timedelta(hours=EVIDENCE_LOOKBACK_HOURS),
            ensure_utc(alert.last_seen_at),
            viral,
        ):
            item.alert_id = alert.id or 0
            self.session.add(item)
        self.session.flush()


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _title(firing: Firing, brand: str) -> str:
    r = firing.result
    observed, expected = r.value, r.expected
    if firing.series == "virality":
        what = {"harm": "A harm claim", "negative": "A negative post"}.get(firing.kind, "A post")
        return f"{what} about {brand} is spreading fast: {observed:.3g}/h (norm {expected:.2g}/h)"
    if firing.kind == "harm":
        return f"Harm claims about {brand}: {observed:.0f} posts (expected {expected:.2g})"
    if firing.kind == "negative_share":
        return f"Negative share for {brand} jumped to {observed:.0%} (baseline {expected:.0%})"
    if firing.kind == "negative":
        return f"Negative mentions of {brand} spiking: {observed:.0f} (expected {expected:.1f})"
    if firing.kind == "engagement":
        return f"Engagement with {brand} spiking: {observed:.0f} (expected {expected:.0f})"
    return f"Mention volume spike for {brand}: {observed:.0f} (expected {expected:.1f})"


# --------------------------------------------------------------------------- evidence


def _tokens(text: str) -> list[str]:
    return [t for t in (m.group(0).casefold() for m in _TOKEN.finditer(text)) if t not in _STOP]


def new_terms(
    window_texts: list[str], baseline_texts: list[str], top: int = 8
) -> list[dict[str, Any]]:
    """Terms much more frequent in the window than in the baseline (smoothed ratio).

    Args:
        window_texts: Texts of the incident window.
        baseline_texts: Texts of the period before it.
        top: How many terms to return.

    Returns:
        Dicts with term, count in window, count in baseline and lift, best first.
    """
    window = Counter(t for text in window_texts for t in set(_tokens(text)))
    base = Counter(t for text in baseline_texts for t in set(_tokens(text)))
    nw, nb = max(len(window_texts), 1), max(len(baseline_texts), 1)
    scored = []
    for term, count in window.items():
        if count < 3:
            continue
        lift = ((count + 0.5) / nw) / ((base.get(term, 0) + 0.5) / nb)
        if lift >= 3.0:
            scored.append((lift * math.log1p(count), term, count, lift))
    scored.sort(reverse=True)
    return [
        {
            "term": term,
            "window_count": count,
            "baseline_count": base.get(term, 0),
            "lift": round(lift, 2),
        }
        for _, term, count, lift in scored[:top]
    ]


def _post_detail(m: Mention, reach: int, copies: int) -> dict[str, Any]:
    return {
        "reach": reach,
        "copies": copies,
        "author": m.author,
        "text": m.text[:280],
        "url": m.url,
        "created_at": ensure_utc(m.created_at).isoformat(),
        "sentiment": m.sentiment,
        "is_harm": m.is_harm,
    }


def _evidence(
    session: Session,
    brand_id: int,
    kind: str,
    window_start: datetime,
    window_end: datetime,
    viral_ids: Iterable[int] = (),
    top: int = 5,
) -> list[AlertEvidence]:
    """The posts and terms that explain an incident of ``kind`` in a window.

    At most `EVIDENCE_MAX_POSTS` posts of the window (the newest) and
    `BASELINE_MAX_TEXTS` texts of the week before are read, so an incident on a
    busy brand costs bounded work per run.
    """
    statement = (
        select(Mention)
        .join(MentionBrand, col(MentionBrand.mention_id) == col(Mention.id))
        .where(
            col(MentionBrand.brand_id) == brand_id,
            col(MentionBrand.created_at) >= window_start,
            col(MentionBrand.created_at) <= window_end,
        )
    )
    # The brand's own replies explain nothing about what the public is saying.
    statement = statement.where(col(Mention.is_owned).is_(False))
    if kind == "harm":
        statement = statement.where(col(Mention.is_harm).is_(True))
    elif kind in ("negative", "negative_share"):
        statement = statement.where(col(Mention.sentiment) == "negative")
    relevant = list(
        session.execute(
            statement.order_by(col(MentionBrand.created_at).desc()).limit(EVIDENCE_MAX_POSTS)
        ).scalars()
    )
    before = [
        str(text)
        for text in session.execute(
            select(Mention.text)
            .join(MentionBrand, col(MentionBrand.mention_id) == col(Mention.id))
            .where(
                col(MentionBrand.brand_id) == brand_id,
                col(MentionBrand.created_at) >= window_start - timedelta(days=7),
                col(MentionBrand.created_at) < window_start,
            )
            .order_by(col(MentionBrand.created_at).desc())
            .limit(BASELINE_MAX_TEXTS)
        ).scalars()
    ]
    by_id = {m.id: m for m in relevant if m.id is not None}
    reach: dict[int, int] = defaultdict(int)
    copies: Counter[int] = Counter()
    for m in relevant:
        root = m.duplicate_of_id if m.duplicate_of_id in by_id else m.id
        if root is None:
            continue
        reach[root] += (m.author_followers or 0) + m.engagement
        if root != m.id:
            copies[root] += 1
    evidence: list[AlertEvidence] = []
    shown: set[int] = set()
    viral = [i for i in viral_ids if i is not None]
    if viral:
        known = {
            m.id: m
            for m in session.execute(select(Mention).where(col(Mention.id).in_(viral))).scalars()
        }
        for mention_id in viral:
            m = known.get(mention_id)
            if m is None or mention_id in shown:
                continue
            detail = _post_detail(
                m, reach.get(mention_id, (m.author_followers or 0) + m.engagement),
                copies.get(mention_id, 0),
            )  # fmt: skip
            detail["viral"] = True
            evidence.append(
                AlertEvidence(alert_id=0, mention_id=mention_id, rank=len(evidence), detail=detail)
            )
            shown.add(mention_id)
    ranked = sorted(reach, key=lambda i: (-reach[i], i))
    for mention_id in ranked:
        if len(evidence) >= top + len(viral):
            break
        if mention_id in shown:
            continue
        evidence.append(
            AlertEvidence(
                alert_id=0,
                mention_id=mention_id,
                rank=len(evidence),
                kind="post",
                detail=_post_detail(by_id[mention_id], reach[mention_id], copies[mention_id]),
            )
        )
        shown.add(mention_id)
    terms = new_terms([m.text for m in relevant], before)
    for rank, term in enumerate(terms):
        evidence.append(AlertEvidence(alert_id=0, rank=rank, kind="term", detail=term))
    themes = _topic_evidence(session, [m.id for m in relevant if m.id is not None], window_start)
    for rank, theme in enumerate(themes):
        evidence.append(AlertEvidence(alert_id=0, rank=rank, kind="topic", detail=theme))
    return evidence


def _topic_evidence(
    session: Session,
    mention_ids: list[int],
    window_start: datetime,
    min_share: float = TOPIC_EVIDENCE_MIN_SHARE,
    top: int = 3,
) -> list[dict[str, Any]]:
    """The topics that hold a good share of an incident's posts, for its evidence.

    A topic counts as *new* when it was first seen within a week of the incident's start:
    the theme was not there before, which is what a PR team asks first. Empty when no
    topic model has been fitted.
    """
    if not mention_ids:
        return []
    counts: Counter[int] = Counter()
    for chunk_start in range(0, len(mention_ids), 900):  # stay under SQLite's bind limit
        chunk = mention_ids[chunk_start : chunk_start + 900]
        for (topic_id,) in session.execute(
            sa_select(col(TopicAssignment.topic_id)).where(col(TopicAssignment.mention_id).in_(chunk))
        ):
            counts[int(topic_id)] += 1
    if not counts:
        return []
    topics = {
        t.id: t
        for t in session.execute(select(Topic).where(col(Topic.id).in_(list(counts)))).scalars()
    }
    out: list[dict[str, Any]] = []
    for topic_id, count in counts.most_common():
        topic = topics.get(topic_id)
        share = count / len(mention_ids)
        if topic is None or share < min_share or len(out) >= top:
            continue
        first_seen = ensure_utc(topic.first_seen_at)
        out.append(
            {
                "topic_id": topic_id,
                "label": topic.label,
                "posts": count,
                "share": round(share, 3),
                "negative_share": topic.negative_share,
                "first_seen_at": first_seen.isoformat(),
                "new": first_seen >= ensure_utc(window_start) - timedelta(days=7),
            }
        )
    return out


# --------------------------------------------------------------------------- summaries


@dataclass
class AlertSummary:
    """An alert as the CLI prints it."""

    id: int
    kind: str
    severity: str
    status: str
    title: str
    why: str
    started_at: datetime
    evidence: list[str]
    brand_id: int | None = None
    last_seen_at: datetime | None = None
    fire_count: int = 1

    @property
    def is_crisis(self) -> bool:
        """True for harm and negative alerts; volume spikes alone are not a crisis."""
        return self.kind in CRISIS_KINDS


def list_alert_summaries(session: Session, workspace_id: int) -> list[AlertSummary]:
    """Return the workspace's alerts with their evidence, newest first.

    Args:
        session: An open session.
        workspace_id: The workspace.

    Returns:
        One summary per alert.
    """
    alerts = (
        session.execute(
            select(Alert)
            .where(Alert.workspace_id == workspace_id)
            .order_by(col(Alert.started_at).desc(), col(Alert.id).desc())
        )
        .scalars()
        .all()
    )
    out = []
    for alert in alerts:
        items = (
            session.execute(
                select(AlertEvidence)
                .where(AlertEvidence.alert_id == alert.id)
                .order_by(col(AlertEvidence.kind), col(AlertEvidence.rank))
            )
            .scalars()
            .all()
        )
        lines = []
        for item in items:
            d = item.detail
            if item.kind == "post":
                lines.append(
                    f"@{str(d.get('author') or '?').lstrip('@')} (reach {d.get('reach')}, "
                    f"{d.get('copies')} copies): {' '.join(str(d.get('text', '')).split())[:120]}"
                )
        terms = [str(i.detail.get("term")) for i in items if i.kind == "term"]
        if terms:
            lines.append("new terms: " + ", ".join(terms))
        themes = [_theme_line(i.detail) for i in items if i.kind == "topic"]
        if themes:
            lines.append("themes: " + "; ".join(themes))
        out.append(
            AlertSummary(
                id=alert.id or 0,
                kind=alert.kind,
                severity=alert.severity,
                status=str(alert.status),
                title=alert.title,
                why=str(alert.why.get("explain", "")),
                started_at=ensure_utc(alert.started_at),
                evidence=lines,
                brand_id=alert.brand_id,
                last_seen_at=ensure_utc(alert.last_seen_at),
                fire_count=alert.fire_count,
            )
        )
    return out


def _theme_line(detail: dict[str, Any]) -> str:
    """One cited topic as text: label, share of the incident, negative share, new."""
    parts = [f"{float(detail.get('share') or 0):.0%} of posts"]
    negative = detail.get("negative_share")
    if negative is not None:
        parts.append(f"{float(negative):.0%} negative")
    if detail.get("new"):
        parts.append("new")
    return f"{detail.get('label')} ({', '.join(parts)})"
