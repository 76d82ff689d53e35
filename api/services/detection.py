"""Detection: per-brand series → spike detectors → merged, evidence-carrying alerts.

For each brand, four series are bucketed (setting `bucket_minutes`): all mentions,
negative mentions, the negative *share*, and harm-claim posts. Each runs through
its detector from `nlp/`. Firings of one brand close together in time are one
incident and become one alert (its kind is the gravest series that fired), with
the top posts by reach (near-duplicates folded into their original, whose reach
adds up) and the terms that are new in the window as evidence.

Re-running is idempotent: an incident that overlaps an existing alert of the same
brand updates it instead of opening another.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from models import Alert, AlertEvidence, AlertStatus, Brand, Mention, MentionBrand
from models.timeutil import ensure_utc, utcnow
from nlp.crisis import ClaimBurstConfig, ClaimBurstDetector
from nlp.spikes import ShareConfig, ShareDetector, SpikeConfig, SpikeDetector, SpikeResult

KIND_PRIORITY = {"harm": 4, "negative_share": 3, "negative": 2, "volume": 1}
"""Gravest first: an incident takes the kind of the gravest series that fired."""
CRISIS_KINDS = frozenset({"harm", "negative_share", "negative"})
MERGE_HOURS = 6.0
_TOKEN = re.compile(r"[^\W\d_][\w'’-]{2,}", re.UNICODE)
_STOP = frozenset(
    "the and for with that this you your are was have has not but from they just its "
    "our out all about what when will can get got http https www com amp der die das und "
    "ist nicht mit ein eine yang dan ini itu untuk dengan tidak ada".split()
)


@dataclass
class Firing:
    """One detector firing on one brand's series."""

    kind: str
    result: SpikeResult


@dataclass
class Incident:
    """Firings of one brand close together in time."""

    brand_id: int
    firings: list[Firing] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        """First firing time."""
        return min(f.result.ts for f in self.firings)

    @property
    def end(self) -> datetime:
        """Last firing time."""
        return max(f.result.ts for f in self.firings)

    @property
    def lead(self) -> Firing:
        """The gravest firing (earliest among equals)."""
        return max(self.firings, key=lambda f: (KIND_PRIORITY[f.kind], -f.result.ts.timestamp()))


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

    @property
    def is_crisis(self) -> bool:
        """True for harm and negative alerts; volume spikes alone are not a crisis."""
        return self.kind in CRISIS_KINDS


def _bucket(ts: datetime, start: datetime, minutes: int) -> int:
    return int((ts - start).total_seconds() // (minutes * 60))


def brand_firings(
    rows: list[tuple[datetime, str | None, bool]], *, bucket_minutes: int
) -> list[Firing]:
    """Run every detector over one brand's mentions, bucket by bucket.

    Args:
        rows: (created_at, sentiment, is_harm) of the brand's mentions.
        bucket_minutes: Bucket size.

    Returns:
        The firings in time order.
    """
    if not rows:
        return []
    times = [ensure_utc(r[0]) for r in rows]
    origin = min(times).replace(minute=0, second=0, microsecond=0)
    n = _bucket(max(times), origin, bucket_minutes) + 1
    total = [0.0] * n
    negative = [0.0] * n
    harm = [0.0] * n
    for ts, (_, sentiment, is_harm) in zip(times, rows, strict=True):
        i = _bucket(ts, origin, bucket_minutes)
        total[i] += 1
        negative[i] += sentiment == "negative"
        harm[i] += bool(is_harm)
    volume = SpikeDetector(SpikeConfig(bucket_minutes=bucket_minutes))
    negatives = SpikeDetector(SpikeConfig(bucket_minutes=bucket_minutes))
    share = ShareDetector(ShareConfig(bucket_minutes=bucket_minutes))
    claims = ClaimBurstDetector(ClaimBurstConfig(bucket_minutes=bucket_minutes))
    firings: list[Firing] = []
    step = timedelta(minutes=bucket_minutes)
    for i in range(n):
        ts = origin + i * step
        for kind, result in (
            ("volume", volume.update(ts, total[i])),
            ("negative", negatives.update(ts, negative[i])),
            ("negative_share", share.update(ts, negative[i], total[i])),
            ("harm", claims.update(ts, harm[i])),
        ):
            if result.fired:
                # The bucket's start is when it began; it fires when it closes.
                firings.append(Firing(kind, _at_close(result, step)))
    return firings


def _at_close(result: SpikeResult, step: timedelta) -> SpikeResult:
    from dataclasses import replace

    return replace(result, ts=result.ts + step)


def group_incidents(brand_id: int, firings: list[Firing], merge_hours: float) -> list[Incident]:
    """Merge one brand's firings that lie within `merge_hours` of each other."""
    incidents: list[Incident] = []
    gap = timedelta(hours=merge_hours)
    for firing in sorted(firings, key=lambda f: f.result.ts):
        if incidents and firing.result.ts - incidents[-1].end <= gap:
            incidents[-1].firings.append(firing)
        else:
            incidents.append(Incident(brand_id, [firing]))
    return incidents


def _severity(kind: str, result: SpikeResult) -> str:
    if kind == "harm":
        return "critical" if result.value >= 20 else "high"
    if kind in CRISIS_KINDS:
        return "high" if result.score >= 0.8 else "medium"
    return "low"


def _title(kind: str, brand: str, result: SpikeResult) -> str:
    observed, expected = result.value, result.expected
    if kind == "harm":
        return f"Harm claims about {brand}: {observed:.0f} posts (expected {expected:.2g})"
    if kind == "negative_share":
        return f"Negative share for {brand} jumped to {observed:.0%} (baseline {expected:.0%})"
    if kind == "negative":
        return f"Negative mentions of {brand} spiking: {observed:.0f} (expected {expected:.1f})"
    return f"Mention volume spike for {brand}: {observed:.0f} (expected {expected:.1f})"


def _why(incident: Incident) -> dict[str, Any]:
    lead = incident.lead
    r = lead.result
    return {
        "series": lead.kind,
        "observed": r.value,
        "expected": r.expected,
        "statistic": r.statistic,
        "statistic_value": r.statistic_value,
        "statistic_threshold": r.statistic_threshold,
        "score": r.score,
        "explain": r.explain(),
        "series_fired": sorted({f.kind for f in incident.firings}),
    }


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


def _evidence(
    session: Session, brand_id: int, incident: Incident, kind: str
) -> list[AlertEvidence]:
    window_start = incident.start - timedelta(hours=6)
    window_end = incident.end
    rows = (
        session.execute(
            select(Mention)
            .join(MentionBrand, MentionBrand.mention_id == Mention.id)  # type: ignore[arg-type]
            .where(
                MentionBrand.brand_id == brand_id,
                MentionBrand.created_at >= window_start - timedelta(days=7),
                MentionBrand.created_at < window_end,
            )
        )
        .scalars()
        .all()
    )
    in_window = [m for m in rows if ensure_utc(m.created_at) >= window_start]
    before = [m for m in rows if ensure_utc(m.created_at) < window_start]
    if kind == "harm":
        relevant = [m for m in in_window if m.is_harm]
    elif kind in {"negative", "negative_share"}:
        relevant = [m for m in in_window if m.sentiment == "negative"]
    else:
        relevant = in_window
    reach: dict[int, int] = {}
    copies: Counter[int] = Counter()
    by_id = {m.id: m for m in relevant}
    for m in relevant:
        root = m.duplicate_of_id if m.duplicate_of_id in by_id else m.id
        if root is None:
            continue
        reach[root] = reach.get(root, 0) + (m.author_followers or 0) + m.engagement
        if root != m.id:
            copies[root] += 1
    evidence = []
    ranked = sorted(reach, key=lambda i: reach[i], reverse=True)[:5]
    for rank, mention_id in enumerate(ranked):
        m = by_id[mention_id]
        evidence.append(
            AlertEvidence(
                alert_id=0,
                mention_id=mention_id,
                rank=rank,
                kind="post",
                detail={
                    "reach": reach[mention_id],
                    "copies": copies[mention_id],
                    "author": m.author,
                    "text": m.text[:280],
                    "url": m.url,
                    "created_at": ensure_utc(m.created_at).isoformat(),
                },
            )
        )
    terms = new_terms([m.text for m in relevant], [m.text for m in before])
    for rank, term in enumerate(terms):
        evidence.append(AlertEvidence(alert_id=0, rank=rank, kind="term", detail=term))
    return evidence


def run_detection(
    session: Session,
    workspace_id: int,
    *,
    bucket_minutes: int = 5,
    merge_hours: float = MERGE_HOURS,
) -> int:
    """Detect incidents for every brand and store them as alerts.

    Args:
        session: An open session (committed here).
        workspace_id: The workspace.
        bucket_minutes: Bucket size of the series.
        merge_hours: Firings this close together are one incident.

    Returns:
        The number of open alerts afterwards.
    """
    brands = session.execute(select(Brand).where(Brand.workspace_id == workspace_id)).scalars()
    for brand in list(brands):
        rows = session.execute(
            select(Mention.created_at, Mention.sentiment, Mention.is_harm)
            .join(MentionBrand, MentionBrand.mention_id == Mention.id)  # type: ignore[arg-type]
            .where(MentionBrand.brand_id == brand.id)
            .order_by(Mention.created_at)  # type: ignore[arg-type]
        ).all()
        firings = brand_firings([tuple(r) for r in rows], bucket_minutes=bucket_minutes)
        for incident in group_incidents(brand.id or 0, firings, merge_hours):
            _store_incident(session, workspace_id, brand, incident, merge_hours)
    session.commit()
    return len(
        session.execute(
            select(Alert.id).where(
                Alert.workspace_id == workspace_id, Alert.status != AlertStatus.resolved
            )
        ).all()
    )


def _store_incident(
    session: Session, workspace_id: int, brand: Brand, incident: Incident, merge_hours: float
) -> None:
    lead = incident.lead
    gap = timedelta(hours=merge_hours)
    existing = None
    for alert in session.execute(
        select(Alert).where(Alert.workspace_id == workspace_id, Alert.brand_id == brand.id)
    ).scalars():
        if (
            ensure_utc(alert.started_at) - gap <= incident.end
            and incident.start <= ensure_utc(alert.last_seen_at) + gap
        ):
            existing = alert
            break
    now = utcnow()
    if existing is None:
        alert = Alert(
            workspace_id=workspace_id,
            brand_id=brand.id,
            fingerprint=f"brand:{brand.id}",
            kind=lead.kind,
            severity=_severity(lead.kind, lead.result),
            title=_title(lead.kind, brand.name, lead.result),
            series=lead.kind,
            why=_why(incident),
            started_at=incident.start,
            last_seen_at=incident.end,
            fire_count=len(incident.firings),
            created_at=now,
            updated_at=now,
        )
        session.add(alert)
        session.flush()
    else:
        alert = existing
        if KIND_PRIORITY[lead.kind] >= KIND_PRIORITY.get(alert.kind, 0):
            alert.kind = lead.kind
            alert.series = lead.kind
            alert.severity = _severity(lead.kind, lead.result)
            alert.title = _title(lead.kind, brand.name, lead.result)
            alert.why = _why(incident)
        alert.started_at = min(ensure_utc(alert.started_at), incident.start)
        alert.last_seen_at = max(ensure_utc(alert.last_seen_at), incident.end)
        alert.fire_count = max(alert.fire_count, len(incident.firings))
        alert.updated_at = now
        session.add(alert)
        for old in session.execute(
            select(AlertEvidence).where(AlertEvidence.alert_id == alert.id)
        ).scalars():
            session.delete(old)
    for item in _evidence(session, brand.id or 0, incident, alert.kind):
        item.alert_id = alert.id or 0
        session.add(item)
    session.flush()


def list_alert_summaries(session: Session, workspace_id: int) -> list[AlertSummary]:
    """Return the workspace's alerts with their evidence, newest first."""
    alerts = (
        session.execute(
            select(Alert)
            .where(Alert.workspace_id == workspace_id)
            .order_by(Alert.started_at.desc())  # type: ignore[attr-defined]
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
                    f"@{d.get('author') or '?'} (reach {d.get('reach')}, "
                    f"{d.get('copies')} copies): {str(d.get('text', ''))[:120]}"
                )
        terms = [str(i.detail.get("term")) for i in items if i.kind == "term"]
        if terms:
            lines.append("new terms: " + ", ".join(terms))
        out.append(
            AlertSummary(
                id=alert.id or 0,
                kind=alert.kind,
                severity=alert.severity,
                status=alert.status,
                title=alert.title,
                why=str(alert.why.get("explain", "")),
                started_at=ensure_utc(alert.started_at),
                evidence=lines,
                brand_id=alert.brand_id,
            )
        )
    return out
