"""Live detection: incremental detectors per brand × series, alert lifecycle, outbox."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlmodel import Session, col, select

from api.services import detection
from api.services.alerts import acknowledge_alert, resolve_alert
from api.services.delivery import DeliveryChannels
from api.services.detection import SERIES, detect_workspace, list_alert_summaries, run_detection
from models import (
    Alert,
    AlertEvidence,
    AlertStatus,
    Brand,
    DetectorState,
    Mention,
    MentionBrand,
    OutboxMessage,
    Workspace,
)
from tests.factories import make_brand, make_workspace

T0 = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday, midnight
STEP = timedelta(minutes=5)
_ids = itertools.count(1)
WORDS = "love the taste fizzy summer drink cold bottle party shop price can".split()
CLAIM = "Nuvola Citrus made me vomit all night, stomach cramps"


def add(
    session: Session,
    ws: Workspace,
    brand: Brand,
    at: datetime,
    text: str,
    *,
    sentiment: str = "neutral",
    harm: bool = False,
    analysed: bool = True,
    copy_of: Mention | None = None,
    **fields: Any,
) -> Mention:
    """Store one analysed mention of `brand` (as ingest + analysis would)."""
    n = next(_ids)
    mention = Mention(
        workspace_id=ws.id or 0,
        source="twitter",
        external_id=f"x{n}",
        text=text,
        created_at=at,
        collected_at=fields.pop("collected_at", at + timedelta(hours=2)),
        dedup_key=f"k{n}",
        sentiment=sentiment if analysed else None,
        sentiment_version="test" if analysed else None,
        is_harm=harm,
        duplicate_of_id=copy_of.id if copy_of is not None else None,
        **fields,
    )
    session.add(mention)
    session.flush()
    session.add(MentionBrand(mention_id=mention.id or 0, brand_id=brand.id or 0, created_at=at))
    return mention


def background(
    session: Session,
    ws: Workspace,
    brand: Brand,
    start: datetime,
    hours: float,
    *,
    per_bucket: float = 1.0,
    seed: int = 0,
    likes: float = 0.0,
    shares: float = 0.0,
) -> None:
    """Ordinary chatter: Poisson posts per bucket, a fifth of them negative."""
    rng = np.random.default_rng(seed)
    for i in range(int(hours * 12)):
        at = start + i * STEP
        for j in range(int(rng.poisson(per_bucket))):
            words = rng.choice(WORDS, size=5)
            add(
                session,
                ws,
                brand,
                at + timedelta(seconds=int(rng.integers(0, 300))),
                f"{brand.name} " + " ".join(words),
                sentiment="negative" if rng.random() < 0.2 else "neutral",
                author=f"@user{i}_{j}",
                author_followers=int(rng.integers(10, 500)),
                likes=int(rng.poisson(likes)) if likes else 0,
                shares=int(rng.poisson(shares)) if shares else 0,
            )
    session.commit()


def claims(
    session: Session,
    ws: Workspace,
    brand: Brand,
    start: datetime,
    n: int,
    *,
    every: timedelta = timedelta(minutes=4),
    copies_of_first: int = 0,
) -> list[Mention]:
    """`n` harm-claim posts, one every `every`, the first one copied `copies_of_first` times."""
    made = []
    for i in range(n):
        made.append(
            add(
                session,
                ws,
                brand,
                start + i * every,
                f"{CLAIM} #{i}",
                sentiment="negative",
                harm=True,
                author=f"@claimant{i}",
                # The first claimant alone reaches fewer people than each of the others:
                # only with its copies folded in does it lead.
                author_followers=800 if i == 0 else 900,
            )
        )
    for k in range(copies_of_first):
        add(
            session,
            ws,
            brand,
            start + timedelta(minutes=1 + k),
            f"RT @claimant0: {CLAIM} #0",
            sentiment="negative",
            harm=True,
            copy_of=made[0],
            author=f"@rt{k}",
            author_followers=50,
        )
    session.commit()
    return made


@pytest.fixture()
def world(session: Session) -> tuple[Workspace, Brand]:
    ws = make_workspace(session)
    return ws, make_brand(session, ws, "Nuvola")


def alerts_of(session: Session, ws: Workspace) -> list[Alert]:
    return list(
        session.execute(
            select(Alert).where(Alert.workspace_id == ws.id).order_by(col(Alert.id))
        ).scalars()
    )


# --------------------------------------------------------------------------- harm


def test_a_harm_burst_raises_one_alert_that_explains_itself(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 24)
    burst = T0 + timedelta(hours=24, minutes=2)
    made = claims(session, ws, brand, burst, 8, copies_of_first=3)
    open_count = run_detection(session, ws.id or 0, now=burst + timedelta(hours=3))

    assert open_count == 1
    [alert] = alerts_of(session, ws)
    assert alert.kind == "harm" and alert.series == "harm"
    assert alert.severity == "high"
    # The fifth claim (the first original plus its three copies and one more claim
    # reach five earlier) closes the bucket that fires; firing time is the bucket end.
    assert burst < alert.started_at <= made[4].created_at + STEP
    why = alert.why
    assert why["series"] == "harm"
    assert why["statistic"] == "claim_window_poisson_tail"
    assert why["observed"] >= 5 and why["expected"] < 1
    assert why["statistic_value"] <= why["statistic_threshold"]
    assert "observed" in why["explain"] and "expected" in why["explain"]

    evidence = list(
        session.execute(select(AlertEvidence).where(AlertEvidence.alert_id == alert.id)).scalars()
    )
    posts = [e for e in evidence if e.kind == "post"]
    assert posts and all("vomit" in e.detail["text"] for e in posts)
    assert len(posts) <= 5
    top = posts[0]
    # Copies fold into their original: it leads on reach (its own + its copies').
    assert top.mention_id == made[0].id and top.detail["copies"] == 3
    assert top.detail["reach"] == 800 + 3 * 50
    assert not any(e.mention_id in {m.id for m in made[1:]} and e.detail["copies"] for e in posts)
    terms = {e.detail["term"] for e in evidence if e.kind == "term"}
    assert {"vomit", "citrus"} <= terms
    assert "taste" not in terms

    [summary] = list_alert_summaries(session, ws.id or 0)
    assert summary.is_crisis and summary.kind == "harm"
    assert "new terms:" in summary.evidence[-1]


def test_quiet_data_raises_nothing(session: Session, world: tuple[Workspace, Brand]) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 12)
    report = detect_workspace(session, ws.id or 0, now=T0 + timedelta(hours=12))
    assert report.buckets == 12 * 12
    assert alerts_of(session, ws) == []
    states = session.execute(select(DetectorState)).scalars().all()
    assert sorted(s.series for s in states) == sorted(SERIES)
    assert {s.last_bucket for s in states} == {T0 + timedelta(hours=12) - STEP}


# --------------------------------------------------------------------------- incremental


def test_runs_every_few_minutes_equal_one_run_and_do_constant_work(session: Session) -> None:
    stepped_ws, once_ws = make_workspace(session, "stepped"), make_workspace(session, "once")
    brands = {w.id: make_brand(session, w, "Nuvola") for w in (stepped_ws, once_ws)}
    for w in (stepped_ws, once_ws):
        background(session, w, brands[w.id], T0, 30, seed=1)
        claims(session, w, brands[w.id], T0 + timedelta(hours=28), 10, copies_of_first=2)
    end = T0 + timedelta(hours=30)

    run_detection(session, once_ws.id or 0, now=end)
    first = detect_workspace(session, stepped_ws.id or 0, now=T0 + timedelta(hours=27))
    assert first.buckets == 27 * 12
    now = T0 + timedelta(hours=27)
    while now < end:
        now += timedelta(minutes=10)
        report = detect_workspace(session, stepped_ws.id or 0, now=now)
        assert report.buckets == 2  # only the two buckets completed since the last run

    def shape(w: Workspace) -> list[tuple[Any, ...]]:
        return [
            (a.kind, a.severity, a.started_at, a.last_seen_at, a.fire_count, a.status)
            for a in alerts_of(session, w)
        ]

    assert shape(stepped_ws) == shape(once_ws) != []

    def states(w: Workspace) -> dict[str, Any]:
        rows = session.execute(
            select(DetectorState).where(DetectorState.workspace_id == w.id)
        ).scalars()
        return {r.series: (r.last_bucket, r.state) for r in rows}

    assert states(stepped_ws) == states(once_ws)


def test_rerunning_on_the_same_data_changes_nothing(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 6)
    claims(session, ws, brand, T0 + timedelta(hours=5), 8)
    channels = DeliveryChannels(webhook_url="http://hooks.example/x")
    now = T0 + timedelta(hours=6)
    run_detection(session, ws.id or 0, now=now, channels=channels)
    before = [(a.id, a.last_seen_at, a.fire_count, a.updated_at) for a in alerts_of(session, ws)]
    messages = session.execute(select(OutboxMessage)).scalars().all()
    assert len(before) == 1 and len(messages) == 1

    again = detect_workspace(session, ws.id or 0, now=now, channels=channels)
    assert again.buckets == 0 and again.firings == 0
    assert [
        (a.id, a.last_seen_at, a.fire_count, a.updated_at) for a in alerts_of(session, ws)
    ] == before
    assert len(session.execute(select(OutboxMessage)).scalars().all()) == 1
    # Without `now`, the newest mention's time is the clock: nothing new either.
    assert detect_workspace(session, ws.id or 0, channels=channels).opened == []


def test_buckets_with_unanalysed_mentions_wait_for_analysis(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 2)
    pending = add(session, ws, brand, T0 + timedelta(hours=1, minutes=7), "Nuvola?", analysed=False)
    session.commit()
    detect_workspace(session, ws.id or 0, now=T0 + timedelta(hours=2))
    last = {s.last_bucket for s in session.execute(select(DetectorState)).scalars()}
    assert last == {T0 + timedelta(hours=1)}  # the bucket before the unanalysed mention

    pending.sentiment, pending.sentiment_version = "neutral", "test"
    session.add(pending)
    session.commit()
    report = detect_workspace(session, ws.id or 0, now=T0 + timedelta(hours=2))
    assert report.buckets == 11
    last = {s.last_bucket for s in session.execute(select(DetectorState)).scalars()}
    assert last == {T0 + timedelta(hours=2) - STEP}


def test_future_dated_mentions_do_not_advance_the_clock(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 2)
    add(
        session,
        ws,
        brand,
        datetime(2031, 1, 1, tzinfo=UTC),
        "Nuvola from the future",
        collected_at=T0 + timedelta(hours=2),
    )
    session.commit()
    detect_workspace(session, ws.id or 0)
    last = {s.last_bucket for s in session.execute(select(DetectorState)).scalars()}
    assert max(last) < T0 + timedelta(hours=3)


def test_a_new_bucket_size_starts_over_without_duplicating_alerts(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 6)
    claims(session, ws, brand, T0 + timedelta(hours=5), 8)
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=6))
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=6), bucket_minutes=10)
    states = session.execute(select(DetectorState)).scalars().all()
    assert {s.bucket_minutes for s in states} == {10} and len(states) == len(SERIES)
    assert [a.kind for a in alerts_of(session, ws)] == ["harm"]


# --------------------------------------------------------------------------- lifecycle


def test_an_acknowledged_alert_that_keeps_firing_stays_one_alert(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 10)
    claims(session, ws, brand, T0 + timedelta(hours=2), 6)
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=3))
    [alert] = alerts_of(session, ws)
    acknowledge_alert(session, ws.id or 0, alert.id or 0)
    first_seen = alert.last_seen_at

    # The claims keep coming, 20 more over the next hours: still the same incident.
    claims(session, ws, brand, T0 + timedelta(hours=4), 20, every=timedelta(minutes=6))
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=10))
    [same] = alerts_of(session, ws)
    assert same.id == alert.id
    assert same.status == AlertStatus.acknowledged
    assert same.last_seen_at > first_seen
    assert same.severity == "critical"  # 20+ claims in the window


def test_a_resolved_alert_absorbs_its_tail_then_a_new_incident_opens_a_new_alert(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 48)
    claims(session, ws, brand, T0 + timedelta(hours=2), 6)
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=3))
    [alert] = alerts_of(session, ws)
    resolve_alert(session, ws.id or 0, alert.id or 0)
    seen_when_resolved = alert.last_seen_at

    # The rest of the first incident (its window stays anomalous) is absorbed.
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=12))
    [same] = alerts_of(session, ws)
    assert same.status == AlertStatus.resolved
    assert same.last_seen_at > seen_when_resolved

    # A day later, well after the cooldown, a new burst is a new alert.
    claims(session, ws, brand, T0 + timedelta(hours=30), 6)
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=33))
    first, second = alerts_of(session, ws)
    assert first.status == AlertStatus.resolved
    assert second.status == AlertStatus.open and second.kind == "harm"
    assert second.started_at > first.last_seen_at + timedelta(hours=6)


def _stored_alert(
    session: Session, ws: Workspace, brand: Brand, kind: str, at: datetime, status: AlertStatus
) -> Alert:
    alert = Alert(
        workspace_id=ws.id or 0,
        brand_id=brand.id,
        fingerprint=f"brand:{brand.id}",
        kind=kind,
        severity="low" if kind == "volume" else "high",
        status=status,
        title=f"{kind} alert",
        series=kind,
        why={"series_fired": [kind]},
        started_at=at - timedelta(hours=1),
        last_seen_at=at,
    )
    session.add(alert)
    session.commit()
    return alert


def test_within_the_cooldown_a_resolved_alert_absorbs_same_kind_but_not_graver(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 6)
    burst = T0 + timedelta(hours=5)
    resolved_harm = _stored_alert(
        session, ws, brand, "harm", burst - timedelta(hours=1), AlertStatus.resolved
    )
    claims(session, ws, brand, burst, 6)
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=6))
    assert [a.id for a in alerts_of(session, ws)] == [resolved_harm.id]
    assert alerts_of(session, ws)[0].fire_count == 2

    ws2 = make_workspace(session, "other")
    brand2 = make_brand(session, ws2, "Nuvola")
    background(session, ws2, brand2, T0, 6)
    resolved_volume = _stored_alert(
        session, ws2, brand2, "volume", burst - timedelta(hours=1), AlertStatus.resolved
    )
    claims(session, ws2, brand2, burst, 6)
    run_detection(session, ws2.id or 0, now=T0 + timedelta(hours=6))
    old, new = alerts_of(session, ws2)
    assert old.id == resolved_volume.id and old.status == AlertStatus.resolved
    assert new.kind == "harm" and new.status == AlertStatus.open


# --------------------------------------------------------------------------- virality, engagement


def test_a_negative_post_copied_fast_is_a_crisis_with_the_post_as_evidence(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 24, per_bucket=1.0, shares=1.0)
    at = T0 + timedelta(hours=24)
    original = add(
        session,
        ws,
        brand,
        at,
        "Nuvola delivery drivers were rude to my grandma, never again",
        sentiment="negative",
        author="@angry",
        author_followers=900,
    )
    for k in range(14):
        add(
            session,
            ws,
            brand,
            at + timedelta(minutes=2 * k + 1),
            "RT @angry: Nuvola delivery drivers were rude to my grandma, never again",
            sentiment="negative",
            copy_of=original,
        )
    session.commit()
    run_detection(session, ws.id or 0, now=at + timedelta(hours=1))
    [alert] = alerts_of(session, ws)
    assert alert.kind == "negative" and alert.series == "virality"
    assert alert.why["statistic"] == "copy_velocity"
    assert alert.why["viral_posts"] == [original.id]
    first = (
        session.execute(
            select(AlertEvidence)
            .where(AlertEvidence.alert_id == alert.id, AlertEvidence.kind == "post")
            .order_by(col(AlertEvidence.rank))
        )
        .scalars()
        .first()
    )
    assert first is not None and first.mention_id == original.id and first.detail["viral"]


def test_a_neutral_viral_post_is_not_a_crisis(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 24, per_bucket=1.0, shares=1.0)
    at = T0 + timedelta(hours=24)
    add(
        session,
        ws,
        brand,
        at,
        "Nuvola Zero is out today",
        author="@newsdesk",
        shares=900,
        replies=100,
        collected_at=at + timedelta(hours=2),
    )
    session.commit()
    run_detection(session, ws.id or 0, now=at + timedelta(minutes=30))
    [alert] = alerts_of(session, ws)
    assert (alert.kind, alert.severity, alert.why["statistic"]) == (
        "virality",
        "low",
        "reshare_velocity",
    )
    assert alert.why["observed"] == pytest.approx(500.0)  # 1000 in two hours


def test_the_brands_own_posts_never_count_as_viral(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 24, per_bucket=1.0, shares=1.0)
    at = T0 + timedelta(hours=24)
    add(session, ws, brand, at, "Our launch!", is_owned=True, shares=5000, likes=9000)
    session.commit()
    run_detection(session, ws.id or 0, now=at + timedelta(minutes=30))
    assert alerts_of(session, ws) == []


def test_an_engagement_surge_fires_on_the_engagement_series(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 60, per_bucket=1.5, likes=3.0)
    at = T0 + timedelta(hours=60, minutes=1)
    for k in range(6):
        add(session, ws, brand, at + timedelta(seconds=20 * k), f"Nuvola ad #{k}", likes=400)
    session.commit()
    run_detection(session, ws.id or 0, now=at + timedelta(minutes=30))
    [alert] = alerts_of(session, ws)
    assert "engagement" in alert.why["series_fired"]
    assert alert.kind == "engagement" and alert.severity == "low"
    assert alert.why["observed"] >= 6 * 400


# --------------------------------------------------------------------------- outbox


def test_opening_and_escalating_queue_deliveries_in_the_same_transaction(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    ws, brand = world
    channels = DeliveryChannels(webhook_url="http://hooks.example/x", email_to=("pr@x.example",))
    background(session, ws, brand, T0, 8)
    claims(session, ws, brand, T0 + timedelta(hours=2), 6)
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=3), channels=channels)
    opened = session.execute(select(OutboxMessage)).scalars().all()
    assert sorted(m.channel for m in opened) == ["email", "webhook"]
    assert {m.payload["event"] for m in opened} == {"opened"}
    assert opened[0].payload["severity"] == "high"
    assert any("vomit" in p["text"] for p in opened[0].payload["posts"])

    claims(session, ws, brand, T0 + timedelta(hours=3), 20, every=timedelta(minutes=3))
    report = detect_workspace(session, ws.id or 0, now=T0 + timedelta(hours=5), channels=channels)
    assert report.escalated and not report.opened
    escalated = (
        session.execute(
            select(OutboxMessage).where(col(OutboxMessage.id).notin_([m.id for m in opened]))
        )
        .scalars()
        .all()
    )
    assert len(escalated) == 2
    assert {(m.payload["event"], m.payload["severity"]) for m in escalated} == {
        ("escalated", "critical")
    }


def test_a_failure_while_storing_leaves_neither_alerts_nor_advanced_state(
    session: Session, world: tuple[Workspace, Brand], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 4)
    claims(session, ws, brand, T0 + timedelta(hours=2), 6)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(detection, "enqueue_alert", broken)
    with pytest.raises(RuntimeError):
        run_detection(session, ws.id or 0, now=T0 + timedelta(hours=4))
    session.rollback()
    assert alerts_of(session, ws) == []
    assert session.execute(select(DetectorState)).first() is None

    monkeypatch.undo()
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=4))
    assert [a.kind for a in alerts_of(session, ws)] == ["harm"]


def test_removing_a_brand_removes_its_detector_state(
    session: Session, world: tuple[Workspace, Brand]
) -> None:
    from api.services.brands import remove_brand

    ws, brand = world
    background(session, ws, brand, T0, 2)
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=2))
    assert session.execute(select(DetectorState)).first() is not None
    remove_brand(session, ws.id or 0, brand.id or 0)
    assert session.execute(select(DetectorState)).first() is None


def test_a_run_that_loses_a_race_is_skipped_not_duplicated(
    session: Session, world: tuple[Workspace, Brand], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, brand = world
    background(session, ws, brand, T0, 6)
    claims(session, ws, brand, T0 + timedelta(hours=4), 8)
    run_detection(session, ws.id or 0, now=T0 + timedelta(hours=3))
    assert session.get_bind() is not None
    other = Session(session.get_bind(), expire_on_commit=False)
    original = detection._BrandRun._buckets
    raced: list[bool] = []

    def interleaved(self: Any, start: datetime, end: datetime) -> Any:
        if not raced:  # another process runs the same brand to completion meanwhile
            raced.append(True)
            run_detection(other, ws.id or 0, now=T0 + timedelta(hours=6))
        return original(self, start, end)

    monkeypatch.setattr(detection._BrandRun, "_buckets", interleaved)
    report = detect_workspace(session, ws.id or 0, now=T0 + timedelta(hours=6))
    other.close()
    assert report.skipped == [brand.id]
    assert [a.kind for a in alerts_of(session, ws)] == ["harm"]
