"""Harm-claim burst detector: fires on a burst judged against the brand's own rate."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest

from nlp.crisis import ClaimBurstConfig, ClaimBurstDetector, detect_claim_series

T0 = datetime(2026, 11, 2)
STEP = timedelta(minutes=5)


def times(n: int, start: datetime = T0) -> list[datetime]:
    return [start + i * STEP for i in range(n)]


def test_a_burst_fires_once_when_the_window_reaches_min_posts() -> None:
    counts = [0.0] * 288 + [1, 1, 1, 1, 1, 1, 2, 3, 3, 2] + [0.0] * 50
    results = detect_claim_series(times(len(counts)), counts)
    fired = [i for i, r in enumerate(results) if r.fired]
    # The window holds 5 claims at the fifth bucket of the burst: it fires there, once.
    assert fired == [288 + 4]
    first = results[288 + 4]
    assert first.value == 5
    assert first.statistic_value <= ClaimBurstConfig().p_threshold
    assert first.expected < 1
    # The rest of the incident is held back by the cooldown, and says so.
    assert results[288 + 7].reason == "cooldown" and not results[288 + 7].fired


def test_fewer_claims_than_min_posts_never_fire() -> None:
    counts = [0.0] * 100 + [1, 0, 1, 0, 1, 0, 1] + [0.0] * 100
    results = detect_claim_series(times(len(counts)), counts)
    assert not any(r.fired for r in results)
    assert any(r.reason == "min_count" for r in results)


def test_a_brand_that_always_draws_claims_is_judged_against_its_own_rate() -> None:
    rng = np.random.default_rng(3)
    # About 2 claims an hour for a week: a dozen in a six-hour window is that brand's normal.
    habitual = rng.poisson(2 / 12, size=7 * 288).astype(float).tolist()
    detector = ClaimBurstDetector()
    quiet = [detector.update(ts, c) for ts, c in zip(times(len(habitual)), habitual, strict=True)]
    assert not any(r.fired for r in quiet[288:])
    assert 30 < detector.rate_per_day < 70
    burst = [1.0] * 8  # eight more claims in 40 minutes
    later = times(len(burst), T0 + timedelta(days=7))
    after = [detector.update(ts, c) for ts, c in zip(later, burst, strict=True)]
    assert not any(r.fired for r in after)
    # The same burst at a brand that never draws claims is an incident.
    fresh = detect_claim_series(times(len(burst)), burst)
    assert any(r.fired for r in fresh)


def test_claims_leave_the_window_after_window_hours() -> None:
    cfg = ClaimBurstConfig(window_hours=1.0)
    counts = [4.0] + [0.0] * 11 + [0.0]
    results = detect_claim_series(times(len(counts)), counts, cfg)
    assert results[11].value == 4
    assert results[12].value == 0


def test_state_round_trips_through_json_and_matches_the_backtest() -> None:
    rng = np.random.default_rng(0)
    counts = rng.poisson(0.05, size=600).astype(float)
    counts[400:410] += 2
    ts = times(len(counts))
    whole = detect_claim_series(ts, counts.tolist())
    detector = ClaimBurstDetector()
    live = []
    for i, (t, c) in enumerate(zip(ts, counts, strict=True)):
        if i % 97 == 0:  # persist and restore, as live detection does between runs
            detector = ClaimBurstDetector.from_dict(json.loads(json.dumps(detector.to_dict())))
        live.append(detector.update(t, float(c)))
    assert live == whole
    assert any(r.fired for r in whole)


def test_bad_input_is_refused() -> None:
    detector = ClaimBurstDetector()
    detector.update(T0, 1)
    with pytest.raises(ValueError, match="time order"):
        detector.update(T0, 1)
    with pytest.raises(ValueError, match="non-negative"):
        detector.update(T0 + STEP, -1)
    with pytest.raises(ValueError, match="not a saved"):
        ClaimBurstDetector.from_dict({"kind": "spike", "version": 1})
    with pytest.raises(ValueError):
        ClaimBurstConfig(min_posts=0)
