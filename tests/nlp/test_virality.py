"""Virality: posts spreading far faster than the brand's own norm."""

from __future__ import annotations

import itertools
import json
import math
from datetime import datetime, timedelta

import numpy as np
import pytest

from nlp.virality import (
    CopyActivity,
    LogHistogram,
    PostActivity,
    ViralityConfig,
    ViralityDetector,
)

T0 = datetime(2026, 11, 2)
STEP = timedelta(minutes=5)
_ids = itertools.count(1)


def ordinary_posts(rng: np.random.Generator, ts: datetime, n: int) -> list[PostActivity]:
    """Posts observed two hours after posting with a few shares and replies."""
    shares = rng.poisson(2.0, size=n)
    replies = rng.poisson(1.0, size=n)
    return [
        PostActivity(
            post_id=next(_ids),
            created_at=ts,
            shares=int(s),
            replies=int(r),
            observed_at=ts + timedelta(hours=2),
        )
        for s, r in zip(shares, replies, strict=True)
    ]


def warmed_up(days: int = 2, seed: int = 0) -> tuple[ViralityDetector, datetime]:
    """A detector fed a brand's ordinary posts: two per bucket, and a copy now and then."""
    rng = np.random.default_rng(seed)
    detector = ViralityDetector()
    ts = T0
    for i in range(days * 288):
        copies = [CopyActivity(original_id=10_000_000 + i, count=1)] if i % 7 == 0 else []
        assert detector.update(ts, ordinary_posts(rng, ts, 2), copies) == []
        ts += STEP
    return detector, ts


def test_histogram_quantiles_match_the_sample_within_a_bin() -> None:
    rng = np.random.default_rng(1)
    sample = rng.lognormal(1.0, 1.2, size=5000)
    hist = LogHistogram.empty(bins=121, width=0.05)
    for x in sample:
        hist.add(float(x))
    for q in (0.5, 0.9, 0.99):
        exact = float(np.quantile(np.log10(1 + sample), q))
        assert math.log10(1 + hist.quantile(q)) == pytest.approx(exact, abs=0.05)
    hist.decay(0.5)
    assert hist.total == pytest.approx(2500)


def test_a_post_shared_far_faster_than_the_norm_fires_with_an_explanation() -> None:
    detector, ts = warmed_up()
    norm, threshold = detector.reshare_threshold()
    assert 0 < norm < threshold
    viral = PostActivity(
        post_id=42,
        created_at=ts,
        shares=400,
        replies=50,
        observed_at=ts + timedelta(hours=2),
        negative=True,
    )
    ordinary = PostActivity(
        post_id=43, created_at=ts, shares=3, replies=1, observed_at=ts + timedelta(hours=2)
    )
    firings = detector.update(ts, [ordinary, viral])
    assert [f.post_id for f in firings] == [42]
    f = firings[0]
    assert f.statistic == "reshare_velocity"
    assert f.velocity == pytest.approx(450 / 2)
    assert f.threshold == pytest.approx(threshold)
    assert f.expected == pytest.approx(norm)
    assert f.score > 0.5
    assert f.negative and f.crisis and not f.harm
    text = f.explain()
    assert "post 42" in text and "450 shares+replies in 2h" in text and "threshold" in text


def test_nothing_fires_before_the_norm_has_enough_history() -> None:
    detector = ViralityDetector()
    post = PostActivity(
        post_id=1, created_at=T0, shares=10_000, observed_at=T0 + timedelta(hours=1)
    )
    assert detector.update(T0, [post]) == []
    assert detector.reshare_threshold()[1] == math.inf


def test_velocity_is_measured_over_at_least_the_minimum_age() -> None:
    detector, ts = warmed_up()
    _, threshold = detector.reshare_threshold()
    # Eight shares one minute after posting are not 480 an hour: at least an hour counts.
    assert 8 < threshold < 8 * 60
    early = PostActivity(post_id=7, created_at=ts, shares=8, observed_at=ts + timedelta(minutes=1))
    assert detector.update(ts, [early]) == []


def test_copies_of_one_original_within_the_window_fire_once() -> None:
    detector, ts = warmed_up()
    fired = []
    for i in range(12):  # 24 copies in an hour
        fired += detector.update(ts + i * STEP, [], [CopyActivity(99, 2, harm=True)])
    assert [(f.post_id, f.statistic) for f in fired] == [(99, "copy_velocity")]
    f = fired[0]
    assert f.count >= ViralityConfig().min_copies
    assert f.harm and f.crisis
    assert "copies in 1h" in f.explain()


def test_copies_spread_over_many_hours_do_not_fire() -> None:
    detector, ts = warmed_up()
    fired = []
    for i in range(12 * 8):  # 16 copies over eight hours: two an hour
        copies = [CopyActivity(77, 1)] if i % 6 == 0 else []
        fired += detector.update(ts + i * STEP, [], copies)
    assert fired == []


def test_posts_that_fired_do_not_raise_the_norm() -> None:
    detector, ts = warmed_up()
    before = detector.reshare_threshold()
    for i in range(30):  # a viral incident: many posts far above the norm
        post = PostActivity(
            post_id=5000 + i, created_at=ts, shares=900, observed_at=ts + timedelta(hours=1)
        )
        detector.update(ts, [post])
        ts += STEP
    after = detector.reshare_threshold()
    assert after[0] == pytest.approx(before[0], rel=0.05)


def test_state_round_trips_through_json() -> None:
    detector, ts = warmed_up(days=1, seed=4)
    restored = ViralityDetector.from_dict(json.loads(json.dumps(detector.to_dict())))
    rng_a, rng_b = np.random.default_rng(9), np.random.default_rng(9)
    for i in range(50):
        t = ts + i * STEP
        copies = [CopyActivity(5, 3)] if i < 6 else []
        a = detector.update(t, ordinary_posts(rng_a, t, 3), copies)
        b = restored.update(t, ordinary_posts(rng_b, t, 3), copies)
        assert [(f.statistic, f.velocity) for f in a] == [(f.statistic, f.velocity) for f in b]
    assert (
        detector.to_dict()["state"]["reshare_hist"] == restored.to_dict()["state"]["reshare_hist"]
    )


def test_bad_input_is_refused() -> None:
    detector = ViralityDetector()
    detector.update(T0)
    with pytest.raises(ValueError, match="time order"):
        detector.update(T0)
    with pytest.raises(ValueError, match=">= 0"):
        detector.update(T0 + STEP, [PostActivity(1, T0, shares=-1)])
    with pytest.raises(ValueError, match="not a saved"):
        ViralityDetector.from_dict({"kind": "spike", "version": 1})
    with pytest.raises(ValueError):
        ViralityConfig(quantile=1.5)
