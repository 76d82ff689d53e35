"""Spike and share detectors on synthetic seasonal count series (seeded)."""

from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from nlp.nab import nab_score
from nlp.spikes import (
    ShareConfig,
    ShareDetector,
    SpikeConfig,
    SpikeDetector,
    SpikeResult,
    binomial_upper_tail,
    count_upper_tail,
    detect_series,
    detect_share_series,
    nab_anomaly_scores,
)

T0 = datetime(2024, 1, 1)  # a Monday
PER_DAY = 288  # 5-minute buckets


def seasonal_means(
    days: int, base: float = 20.0, minutes: int = 5
) -> tuple[list[datetime], np.ndarray]:
    """Daily cycle (x0.4 .. x1.6) and quieter weekends (x0.7)."""
    ts = [T0 + timedelta(minutes=minutes * i) for i in range(days * 1440 // minutes)]
    mu = np.array(
        [
            base
            * (1 + 0.6 * math.sin(2 * math.pi * (t.hour + t.minute / 60 - 9) / 24))
            * (0.7 if t.weekday() >= 5 else 1.0)
            for t in ts
        ]
    )
    return ts, mu


def fired_at(results: list[SpikeResult]) -> list[int]:
    return [i for i, r in enumerate(results) if r.fired]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_injected_spike_fires_within_a_few_buckets_and_once(seed: int) -> None:
    ts, mu = seasonal_means(14)
    x = np.random.default_rng(seed).poisson(mu).astype(float)
    start = 10 * PER_DAY + 150
    x[start : start + 6] += [80, 150, 220, 300, 200, 100]  # one escalating incident
    results = detect_series(ts, x.tolist())
    fired = fired_at(results)
    assert len(fired) == 1, [results[i].explain() for i in fired]
    assert start <= fired[0] <= start + 2
    alert = results[fired[0]]
    assert alert.statistic == "nb_tail"
    assert alert.value > 3 * alert.expected
    assert alert.statistic_value < alert.statistic_threshold
    # Later, larger buckets of the same incident are held back by the cooldown...
    later = results[fired[0] + 1 : start + 6]
    assert all(not r.fired for r in later)
    assert any(r.reason == "cooldown" for r in later)
    assert "observed" in alert.explain() and "FIRED" in alert.explain()
    # ... which is what keeps it to one alert.
    no_cooldown = detect_series(ts, x.tolist(), SpikeConfig(cooldown_hours=0.0))
    assert len(fired_at(no_cooldown)) > 1


def test_stationary_seasonal_series_stays_quiet() -> None:
    ts, mu = seasonal_means(21)
    x = np.random.default_rng(7).poisson(mu).astype(float)
    results = detect_series(ts, x.tolist())
    assert fired_at(results) == []
    # The baseline learns the daily and weekly shape: in week 3 it is within 25% of
    # the true mean for nearly every bucket.
    expected = np.array([r.expected for r in results[14 * PER_DAY :]])
    rel_err = np.abs(expected / mu[14 * PER_DAY :] - 1)
    assert np.median(rel_err) < 0.1
    assert np.mean(rel_err < 0.25) > 0.9


def test_nothing_fires_during_warmup() -> None:
    ts, mu = seasonal_means(4)
    x = np.random.default_rng(3).poisson(mu).astype(float)
    spike = 20 * 12  # hour 20 of day one, inside the 48 h warm-up
    x[spike] += 400
    results = detect_series(ts, x.tolist())
    assert results[spike].score >= results[spike].threshold
    assert results[spike].reason == "warmup"
    warmup_end = 48 * 12
    assert not any(r.fired for r in results[:warmup_end])


def test_slow_buildup_is_caught_by_cusum_once() -> None:
    ts, mu = seasonal_means(14)
    start, ramp, plateau = 10 * PER_DAY + 100, 36, 72
    lift = np.ones(len(mu))
    lift[start : start + ramp] = np.linspace(1.0, 3.0, ramp)  # x3 over three hours
    lift[start + ramp : start + ramp + plateau] = 3.0
    x = np.random.default_rng(11).poisson(mu * lift).astype(float)
    results = detect_series(ts, x.tolist())
    fired = fired_at(results)
    assert len(fired) == 1, [results[i].explain() for i in fired]
    assert start <= fired[0] <= start + ramp + plateau
    assert results[fired[0]].statistic == "cusum"
    # No single bucket of the build-up is improbable enough for the tail test.
    window = results[start : start + ramp + plateau]
    assert all(r.score < r.threshold for r in window if r.statistic != "cusum")


def test_state_round_trip_gives_identical_results() -> None:
    ts, mu = seasonal_means(6)
    x = np.random.default_rng(5).poisson(mu).astype(float)
    x[5 * PER_DAY + 10] += 300
    split = 3 * PER_DAY + 17
    live = SpikeDetector()
    for t, v in zip(ts[:split], x[:split], strict=True):
        live.update(t, float(v))
    saved = json.loads(json.dumps(live.to_dict()))
    restored = SpikeDetector.from_dict(saved)
    tail_live = [live.update(t, float(v)) for t, v in zip(ts[split:], x[split:], strict=True)]
    tail_restored = [
        restored.update(t, float(v)) for t, v in zip(ts[split:], x[split:], strict=True)
    ]
    assert tail_live == tail_restored
    assert any(r.fired for r in tail_live)
    assert live.to_dict() == restored.to_dict()


def test_from_dict_rejects_other_states() -> None:
    with pytest.raises(ValueError):
        SpikeDetector.from_dict(ShareDetector().to_dict())
    with pytest.raises(ValueError):
        ShareDetector.from_dict({"kind": "share", "version": 999})


def test_no_look_ahead() -> None:
    ts, mu = seasonal_means(5)
    x = np.random.default_rng(9).poisson(mu).astype(float)
    x[4 * PER_DAY : 4 * PER_DAY + 3] += 250
    full = detect_series(ts, x.tolist())
    for k in (PER_DAY, 4 * PER_DAY + 1, 4 * PER_DAY + 2, len(ts) - 1):
        assert detect_series(ts[:k], x[:k].tolist()) == full[:k]


def test_other_bucket_sizes_work() -> None:
    ts, mu = seasonal_means(14, base=240.0, minutes=60)
    x = np.random.default_rng(4).poisson(mu).astype(float)
    spike = 10 * 24 + 15
    x[spike] += 1500
    results = detect_series(ts, x.tolist(), SpikeConfig(bucket_minutes=60))
    assert fired_at(results) == [spike]


def test_nab_anomaly_scores_reproduce_the_alerts() -> None:
    ts, mu = seasonal_means(5)
    x = np.random.default_rng(2).poisson(mu).astype(float)
    x[3 * PER_DAY : 3 * PER_DAY + 5] += 300
    results = detect_series(ts, x.tolist())
    scores = nab_anomaly_scores(results)
    assert [s >= r.threshold for s, r in zip(scores, results, strict=True)] == [
        r.fired for r in results
    ]
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_input_validation() -> None:
    detector = SpikeDetector()
    detector.update(T0, 3)
    with pytest.raises(ValueError):
        detector.update(T0, 4)
    with pytest.raises(ValueError):
        detector.update(T0 + timedelta(minutes=5), -1)
    with pytest.raises(ValueError):
        detector.update(T0 + timedelta(minutes=5), math.nan)
    with pytest.raises(ValueError):
        detect_series([T0], [1.0, 2.0])
    with pytest.raises(ValueError):
        SpikeConfig(threshold=0.0)
    with pytest.raises(ValueError):
        SpikeConfig(min_dispersion=0.5, max_dispersion=0.1)


@pytest.mark.parametrize(
    ("k", "mu", "alpha"),
    [
        (1, 0.5, 0.0),
        (15, 4.0, 0.0),
        (48, 11.2, 0.0),
        (48, 11.2, 0.2),
        (7, 6.5, 1.5),
        (300, 40.0, 0.1),
    ],
)
def test_count_upper_tail_matches_scipy(k: int, mu: float, alpha: float) -> None:
    if alpha == 0:
        reference = stats.poisson.sf(k - 1, mu)
    else:
        size = 1 / alpha
        reference = stats.nbinom.sf(k - 1, size, size / (size + mu))
    assert count_upper_tail(k, mu, alpha) == pytest.approx(reference, rel=1e-8)
    assert count_upper_tail(0, mu, alpha) == 1.0


def test_binomial_upper_tail_matches_scipy() -> None:
    for k, n, p in [(3, 10, 0.2), (40, 100, 0.25), (1, 1, 0.5), (90, 100, 0.3)]:
        assert binomial_upper_tail(k, n, p) == pytest.approx(stats.binom.sf(k - 1, n, p), rel=1e-8)
    with pytest.raises(ValueError):
        binomial_upper_tail(5, 4, 0.5)


def share_series(
    seed: int, jump_to: float | None
) -> tuple[list[datetime], np.ndarray, np.ndarray, int]:
    """Ten days; volume triples steadily; the share is 0.2 (overdispersed) until the jump."""
    rng = np.random.default_rng(seed)
    n = 10 * PER_DAY
    ts = [T0 + timedelta(minutes=5 * i) for i in range(n)]
    volume = np.array(
        [
            30 * (1 + 2 * i / n) * (1 + 0.5 * math.sin(2 * math.pi * (t.hour - 9) / 24))
            for i, t in enumerate(ts)
        ]
    )
    totals = rng.poisson(volume)
    share = np.full(n, 0.2)
    jump = 8 * PER_DAY
    if jump_to is not None:
        share[jump : jump + 24] = jump_to
    counts = rng.binomial(totals, rng.beta(share * 200, (1 - share) * 200))
    return ts, counts, totals, jump


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_share_detector_ignores_volume_growth_but_catches_a_share_jump(seed: int) -> None:
    ts, counts, totals, jump = share_series(seed, jump_to=None)
    quiet = detect_share_series(ts, counts.tolist(), totals.tolist())
    assert fired_at(quiet) == []
    assert quiet[-1].expected == pytest.approx(0.2, abs=0.03)

    ts, counts, totals, jump = share_series(seed, jump_to=0.4)
    results = detect_share_series(ts, counts.tolist(), totals.tolist())
    fired = fired_at(results)
    assert len(fired) == 1
    assert jump <= fired[0] <= jump + 12
    alert = results[fired[0]]
    assert alert.value > alert.expected + 0.1
    assert alert.statistic in {"binomial_tail", "binomial_tail_recent"}


def test_share_detector_needs_volume() -> None:
    ts, counts, totals, _ = share_series(0, jump_to=None)
    detector = ShareDetector(ShareConfig(window_half_life_hours=0.01))
    for t, k, n in zip(ts[: PER_DAY * 2], counts, totals, strict=False):
        detector.update(t, float(k), float(n))
    # A bucket of 4 mentions, all negative: a share of 1.0, but too few to judge.
    tiny = detector.update(ts[PER_DAY * 2], 4, 4)
    assert tiny.score == 0.0 and not tiny.fired
    with pytest.raises(ValueError):
        detector.update(ts[PER_DAY * 2 + 1], 5, 4)


def test_share_state_round_trip() -> None:
    ts, counts, totals, jump = share_series(1, jump_to=0.45)
    split = jump - 30
    live = ShareDetector()
    for t, k, n in zip(ts[:split], counts[:split], totals[:split], strict=True):
        live.update(t, float(k), float(n))
    restored = ShareDetector.from_dict(json.loads(json.dumps(live.to_dict())))
    rest = list(zip(ts[split:], counts[split:], totals[split:], strict=True))
    a = [live.update(t, float(k), float(n)) for t, k, n in rest]
    b = [restored.update(t, float(k), float(n)) for t, k, n in rest]
    assert a == b
    assert any(r.fired for r in a)


DATA = Path(
    os.environ.get("GROUNDSWELL_SHARED_DATA", Path(__file__).parents[3] / "shared" / "data")
)


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "volume").is_dir(), reason="shared NAB volume data not present")
def test_nab_score_on_a_labelled_twitter_series() -> None:
    """Regression guard on real data: FB (2 windows) with the default config."""
    path = DATA / "volume" / "Twitter_volume_FB.csv"
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    ts = [datetime.fromisoformat(r["timestamp"]) for r in rows]
    values = [float(r["value"]) for r in rows]
    windows = json.loads(path.with_suffix(".windows.json").read_text())
    config = SpikeConfig()
    results = detect_series(ts, values, config)
    report = nab_score(ts, nab_anomaly_scores(results), windows, threshold=config.threshold)
    assert report.true_positive_windows == 2
    assert report.score > 80
    # The prominence gate is what keeps the false alarms rare.
    ungated = detect_series(ts, values, replace(config, burst_ratio=0.0))
    assert sum(r.fired for r in ungated) > 3 * sum(r.fired for r in results)


# --------------------------------------------------------------------------- low counts


def flat_poisson(lam: float, days: int, seed: int = 0) -> tuple[list[datetime], np.ndarray]:
    x = np.random.default_rng(seed).poisson(lam, days * PER_DAY).astype(float)
    return [T0 + timedelta(minutes=5 * i) for i in range(len(x))], x


@pytest.mark.parametrize("lam", [0.2, 0.5, 1.0, 3.0, 20.0])
@pytest.mark.parametrize(("days", "seed"), [(7, 0), (14, 1)])
def test_flat_low_count_series_has_an_unbiased_baseline_and_stays_quiet(
    lam: float, days: int, seed: int
) -> None:
    """Regression: at low counts the multiplicative factors used to collapse (x0.01)
    while the level climbed (x15), so the expectation averaged 10-30x the truth."""
    ts, x = flat_poisson(lam, days, seed)
    detector = SpikeDetector()
    results = [detector.update(t, float(v)) for t, v in zip(ts, x, strict=True)]
    expected = np.array([r.expected for r in results[(days - 3) * PER_DAY :]])
    assert abs(expected.mean() / lam - 1) < 0.25
    assert expected.max() < 3 * lam + 1
    assert expected.min() > lam / 3
    after_warmup = np.array([r.expected for r in results[2 * PER_DAY :]])
    assert after_warmup.max() < 4 * lam + 2
    assert fired_at(results) == []
    # The flat series has no seasonality, and the learnt factors say so.
    state = detector.to_dict()["state"]
    hours = np.array(state["hour_factor"]) / np.mean(state["hour_factor"])
    assert np.all((hours > 0.5) & (hours < 2.0))
    assert state["level"] == pytest.approx(lam, rel=0.5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_single_bucket_spike_on_a_sparse_series_fires(seed: int) -> None:
    ts, x = flat_poisson(0.5, 10, seed)
    spike = 8 * PER_DAY + 100
    x[spike] = 15
    results = detect_series(ts, x.tolist())
    assert fired_at(results) == [spike]
    alert = results[spike]
    assert alert.expected < 1.0
    assert alert.statistic in {"nb_tail", "poisson_tail"}


def test_sparse_series_learns_its_daily_cycle() -> None:
    """About 0.55 mentions a bucket, with a x0.4 .. x1.6 daily cycle: a small brand."""
    ts, mu = seasonal_means(21, base=0.55)
    x = np.random.default_rng(6).poisson(mu).astype(float)
    results = detect_series(ts, x.tolist())
    assert fired_at(results) == []
    expected = np.array([r.expected for r in results[14 * PER_DAY :]])
    truth = mu[14 * PER_DAY :]
    assert abs(expected.mean() / truth.mean() - 1) < 0.2
    # Busy hours are expected busier than quiet ones (shrunk toward flat, not inverted).
    busy, quiet = truth > 1.3 * truth.mean(), truth < 0.7 * truth.mean()
    assert expected[busy].mean() > 1.5 * expected[quiet].mean()


def test_version_1_state_is_upgraded() -> None:
    ts, mu = seasonal_means(6)
    x = np.random.default_rng(5).poisson(mu).astype(float)
    detector = SpikeDetector()
    for t, v in zip(ts[: 4 * PER_DAY], x[: 4 * PER_DAY], strict=True):
        detector.update(t, float(v))
    saved = detector.to_dict()
    # A version-1 state: raw EWMA factors on an arbitrary scale, no ratio sums.
    v1_state = {
        k: v
        for k, v in saved["state"].items()
        if k
        not in {
            "level_weight",
            "base_weight",
            "hour_count",
            "hour_expected",
            "weekday_count",
            "weekday_expected",
        }
    }
    v1_state["hour_factor"] = [3.0 * f for f in v1_state["hour_factor"]]
    v1_config = {k: v for k, v in saved["config"].items() if k != "seasonal_prior_count"}
    v1 = {"kind": "spike", "version": 1, "config": v1_config, "state": v1_state}
    upgraded = SpikeDetector.from_dict(json.loads(json.dumps(v1)))
    assert upgraded.to_dict()["version"] == saved["version"] == 2
    # The learnt profile and level carry over, so the expectation barely moves.
    for t in ts[4 * PER_DAY : 4 * PER_DAY + PER_DAY : 12]:
        assert upgraded.expected(t) == pytest.approx(detector.expected(t), rel=0.15)
    later = [
        upgraded.update(t, float(v))
        for t, v in zip(ts[4 * PER_DAY :], x[4 * PER_DAY :], strict=True)
    ]
    assert fired_at(later) == []
    with pytest.raises(ValueError):
        SpikeDetector.from_dict({**v1, "version": 0})
