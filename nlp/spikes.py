"""Incremental, count-aware spike detection for mention-volume series.

`SpikeDetector` is fed one bucket at a time (``update(ts, count)``), in time order,
and keeps a small, JSON-serialisable state, so the live system can persist one per
series and the backtest (`detect_series`) runs exactly the same code with no
look-ahead.

Baseline, per bucket with hour-of-day ``h`` and day-of-week ``d``::

    expected = level * hour_factor[h] * weekday_factor[d]

* ``level`` is the Poisson maximum-likelihood level of the recent past: an EWMA
  (half-life ``level_half_life_hours``) of the counts divided by an EWMA of their
  seasonal factors (a ratio of means, not a mean of ratios, so sparse counts are not
  divided one by one by small, noisy factors).
* Each hour-of-day factor is a ratio of discounted sums over that hour's buckets
  (half-life ``hour_half_life_days``): counts over what the rest of the model
  expected, ``(counts + c) / (expected + c)`` with ``c = seasonal_prior_count``
  pseudo-mentions, so a factor backed by few mentions stays near 1 and an empty hour
  cannot collapse to 0. Day-of-week factors are the same against a slow ``base``
  level (half-life ``base_half_life_hours``), from the second day on, used once half
  a day of that weekday has been seen. Factors are read normalised to mean 1 and
  bounded to ``[1/50, 50]``.
* Every update is robust: the count used for learning is clipped to a band that is
  symmetric on the square-root (variance-stabilised) scale,
  ``expected +- clip_sigmas * sd + clip_sigmas**2 / 4``, so a spike does not inflate
  the baseline and, at low counts, the clip does not cut the upper tail of ordinary
  Poisson noise (which would bias the baseline down). Only when the series has stayed
  outside that band for ``shift_accept_hours`` is the raw count learnt (a level
  shift, not a spike).
* Overdispersion ``alpha`` (variance ``mu + alpha * mu**2``, negative binomial) is
  estimated online on a robust L1 scale and kept within
  ``[min_dispersion, max_dispersion]``.

Scoring, each statistic mapped to ``[0, 1)`` so that 0.5 is its decision boundary:

* ``nb_tail`` (``poisson_tail`` when ``alpha`` is 0): the upper tail probability
  ``p = P(X >= observed | expected, alpha)``, scored ``s / (s + L)`` with
  ``s = -log10 p`` and ``L = tail_log10_p``, so ``p = 10**-L`` scores 0.5. Real
  mention series burst far more often than any fitted count model says, so this
  score is capped by the bucket's *prominence*: its excess over the expectation
  relative to the largest excess of the recent past (a peak that decays with
  half-life ``burst_half_life_hours``), scored ``r / (r + burst_ratio)``. A burst
  fires only if it is both improbable and at least ``burst_ratio`` times the size of
  recent bursts: the series' own burstiness sets the bar.
* ``cusum``: a one-sided CUSUM of residuals standardised against the slow
  ``base`` level, each capped at ``cusum_z_cap`` (one spike is the tail test's job),
  less the allowance ``cusum_k``, scored ``S / (S + cusum_h)``: slow build-ups that
  no single bucket reveals and that the fast level would absorb. When it crosses,
  it restarts from the new level, so one shift fires once.

``score`` is the larger of the two. ``fired`` is ``score >= threshold`` outside the
warm-up, outside a cooldown, and with at least ``min_count`` mentions in the bucket.
The cooldown runs from the last bucket at or above the threshold, so one long
incident fires once.

`ShareDetector` does the same for a proportion (negative mentions / all mentions):
a quasi-binomial upper-tail test of the share, in the bucket and in exponentially
weighted recent counts, against a robust EWMA of the baseline share, so growth in
volume alone does not fire it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "ShareConfig",
    "ShareDetector",
    "SpikeConfig",
    "SpikeDetector",
    "SpikeResult",
    "binomial_upper_tail",
    "count_upper_tail",
    "detect_series",
    "detect_share_series",
    "nab_anomaly_scores",
]

_SPIKE_STATE_VERSION = 2
"""Version 2: seasonal factors as ratios of sums, ratio-of-means levels (1 upgrades)."""
_SHARE_STATE_VERSION = 1
_MIN_EXPECTED = 0.05
"""Floor on the expected count so an all-zero history cannot give log(0) scores."""

_FACTOR_MIN, _FACTOR_MAX = 0.02, 50.0
"""Bounds on a normalised seasonal factor."""

_ABS_Z_CAPPED_MEAN = 0.7971
"""E[min(|Z|, 3)] for a standard normal Z: the target of the dispersion estimate."""


def _ewma_rate(step_hours: float, half_life_hours: float) -> float:
    """Per-update EWMA weight for updates every ``step_hours`` with a half-life."""
    if half_life_hours <= 0:
        return 1.0
    return 1.0 - 0.5 ** (step_hours / half_life_hours)


def _bounded(factor: float) -> float:
    """A normalised seasonal factor kept within sane bounds."""
    return min(max(factor, _FACTOR_MIN), _FACTOR_MAX)


def _ratio_ewma(
    level: float, weight: float, count: float, factor: float, rate: float
) -> tuple[float, float]:
    """One step of ``EWMA(count) / EWMA(factor)``, kept as (ratio, denominator)."""
    total = level * weight
    total += rate * (count - total)
    weight += rate * (factor - weight)
    return max(total / weight, 0.0), weight


def _clip_band(mu: float, sd: float, sigmas: float) -> tuple[float, float]:
    """Learning band around ``mu``, symmetric on the square-root scale.

    For a Poisson count, ``sqrt(X)`` has standard deviation about 1/2 whatever the
    mean, so ``sqrt(mu) +- sigmas / 2`` is a fair band: squared, it is
    ``mu +- sigmas * sd + sigmas**2 / 4``. ``sd`` also carries the overdispersion.
    At low means the plain ``mu +- sigmas * sd`` cuts off ordinary counts of 1 or 2
    (while the lower end is stuck at 0), which biases every update down.
    """
    offset = sigmas * sigmas / 4.0
    high = mu + sigmas * sd + offset
    low = max(mu - sigmas * sd + offset, 0.0) if math.sqrt(mu) > sigmas / 2.0 else 0.0
    return low, high


def _evidence_score(s: float, scale: float) -> float:
    """Map a non-negative evidence value to ``[0, 1)``, 0.5 at ``s == scale``."""
    if s <= 0:
        return 0.0
    if math.isinf(s):
        return 1.0
    return s / (s + scale)


def count_upper_tail(observed: float, expected: float, dispersion: float = 0.0) -> float:
    """Upper tail probability ``P(X >= observed)`` of a count.

    ``X`` is Poisson with mean ``expected`` when ``dispersion`` is 0, else negative
    binomial with mean ``expected`` and variance ``expected + dispersion * expected**2``.
    Non-integer observations are rounded up (counts are integers).

    Args:
        observed: The observed count.
        expected: The expected count (> 0).
        dispersion: The overdispersion ``alpha`` (>= 0).

    Returns:
        The tail probability in ``[0, 1]`` (0 only on floating-point underflow).

    Raises:
        ValueError: If ``expected`` is not positive or ``dispersion`` is negative.
    """
    from scipy import special

    if expected <= 0:
        raise ValueError("expected must be positive")
    if dispersion < 0:
        raise ValueError("dispersion must be >= 0")
    k = math.ceil(observed - 1e-9)
    if k <= 0:
        return 1.0
    if dispersion < 1e-9:
        return float(special.gammainc(k, expected))
    size = 1.0 / dispersion
    return float(special.betainc(k, size, expected / (size + expected)))


def binomial_upper_tail(successes: float, trials: float, share: float) -> float:
    """Upper tail ``P(K >= successes)`` for ``K ~ Binomial(trials, share)``.

    Real-valued ``successes`` and ``trials`` are allowed (the quasi-binomial test
    scales both by the design effect), via the regularised incomplete beta function.

    Args:
        successes: Observed successes, ``0 <= successes <= trials``.
        trials: Number of trials (> 0).
        share: Success probability in ``(0, 1)``.

    Returns:
        The tail probability in ``[0, 1]``.

    Raises:
        ValueError: If the arguments are out of range.
    """
    from scipy import special

    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError("need 0 <= successes <= trials and trials > 0")
    if not 0 < share < 1:
        raise ValueError("share must be in (0, 1)")
    if successes <= 0:
        return 1.0
    return float(special.betainc(successes, trials - successes + 1.0, share))


def _quiet_reason(
    ts: datetime,
    first_ts: str,
    quiet_until: str | None,
    warmup_hours: float,
    cooldown_hours: float,
) -> tuple[str | None, str]:
    """Why a bucket at or above the threshold must stay quiet, and the new quiet end.

    Every such bucket extends the quiet period, so one incident fires once however
    long it lasts.
    """
    in_cooldown = quiet_until is not None and ts < datetime.fromisoformat(quiet_until)
    new_quiet_until = (ts + timedelta(hours=cooldown_hours)).isoformat()
    if ts - datetime.fromisoformat(first_ts) < timedelta(hours=warmup_hours):
        return "warmup", new_quiet_until
    if in_cooldown:
        return "cooldown", new_quiet_until
    return None, new_quiet_until


@dataclass(frozen=True)
class SpikeResult:
    """The detector's verdict on one bucket, able to explain itself.

    Attributes:
        ts: Bucket timestamp.
        value: Observed value (count, or share for `ShareDetector`).
        expected: Baseline expectation learnt from earlier buckets only.
        score: Anomaly score in ``[0, 1]``; 0.5 is each statistic's decision boundary.
        fired: True when this bucket raises an alert (score at or above the threshold,
            not in warm-up, not in cooldown, enough volume).
        statistic: Which statistic gave the score: ``"poisson_tail"``, ``"nb_tail"``,
            ``"cusum"``, ``"binomial_tail"`` or ``"binomial_tail_recent"``.
        statistic_value: That statistic's value: a tail p-value, or the CUSUM sum.
        statistic_threshold: The statistic's value at the score threshold: the
            p-value at or below which, or the CUSUM sum at or above which, the
            statistic alone would fire (the prominence cap can still hold a tail
            test back).
        threshold: The score threshold.
        reason: Why a bucket at or above the threshold did not fire (``"warmup"``,
            ``"cooldown"``, ``"min_count"``, ``"min_lift"``), else None.
        recent_peak: For `SpikeDetector`, the decayed largest recent excess over
            the expectation that this bucket's excess was compared with; else None.
    """

    ts: datetime
    value: float
    expected: float
    score: float
    fired: bool
    statistic: str
    statistic_value: float
    statistic_threshold: float
    threshold: float
    reason: str | None = None
    recent_peak: float | None = None

    def explain(self) -> str:
        """One-line human explanation, e.g. for an alert message.

        Returns:
            Text such as ``"observed 48 vs expected 11.2, nb_tail p=1e-09 <= 1e-08,
            excess 36.8 vs recent peak 20.1 (score 0.55, FIRED)"``.
        """
        if self.statistic == "cusum":
            passed = self.statistic_value >= self.statistic_threshold
            test = (
                f"cusum {self.statistic_value:.3g} {'>=' if passed else '<'} "
                f"{self.statistic_threshold:.3g}"
            )
        else:
            passed = self.statistic_value <= self.statistic_threshold
            test = (
                f"{self.statistic} p={self.statistic_value:.3g} {'<=' if passed else '>'} "
                f"{self.statistic_threshold:.3g}"
            )
            if self.recent_peak is not None and self.recent_peak > 0:
                test += (
                    f", excess {_fmt(self.value - self.expected)} vs recent peak "
                    f"{_fmt(self.recent_peak)}"
                )
        verdict = "FIRED" if self.fired else (self.reason or "quiet")
        return (
            f"observed {_fmt(self.value)} vs expected {_fmt(self.expected)}, {test} "
            f"(score {self.score:.2f}, {verdict})"
        )


def _fmt(x: float) -> str:
    """Counts without noise digits, shares with three significant ones."""
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 1:
        return f"{x:.1f}"
    return f"{x:.3g}"


@dataclass(frozen=True)
class SpikeConfig:
    """Settings of `SpikeDetector`; durations are in hours so any bucket size works.

    The defaults are the robust pick of ``scripts/tune_spikes.py`` (leave-one-series-out
    on NAB Twitter-volume series, at full and thinned volume).

    Attributes:
        bucket_minutes: Bucket length; converts half-lives to per-bucket rates.
        threshold: Score at or above which a bucket fires.
        tail_log10_p: ``-log10`` of the tail p-value that scores exactly 0.5.
        burst_ratio: Prominence (excess / decayed recent peak excess) that scores
            0.5; 0 turns the prominence cap off.
        burst_half_life_hours: Half-life of the recent peak excess.
        cusum_k: CUSUM allowance, in standard deviations.
        cusum_h: CUSUM sum that scores exactly 0.5.
        cusum_z_cap: Cap on one bucket's standardised residual inside the CUSUM.
        level_half_life_hours: Half-life of the deseasonalised local level.
        base_half_life_hours: Half-life of the slow level that the CUSUM measures
            against and the day-of-week factors are learnt against (a fast level
            would follow a build-up, or a weekend, within hours).
        hour_half_life_days: Half-life of each hour-of-day factor.
        weekday_half_life_weeks: Half-life of each day-of-week factor.
        seasonal_prior_count: Pseudo-mentions that shrink each seasonal factor toward
            1 (``(counts + c) / (expected + c)``); matters only for slots with few
            mentions, where it keeps Poisson noise from passing for seasonality.
        use_weekday: Learn day-of-week factors.
        dispersion_half_life_hours: Half-life of the overdispersion estimate.
        min_dispersion: Floor on the ``alpha`` used in tests.
        max_dispersion: Cap on the ``alpha`` used in tests; at low counts model error
            inflates the estimate and would hide even obvious spikes.
        clip_sigmas: Updates use the count clipped to ``expected +- clip_sigmas * sd``
            plus ``clip_sigmas**2 / 4`` (symmetric on the square-root scale).
        shift_accept_hours: After this long outside the clip band, learn raw counts.
        warmup_hours: Nothing fires this long after the first bucket.
        cooldown_hours: After a bucket at or above the threshold, nothing fires
            again until this long has passed without one.
        min_count: Buckets with fewer mentions never fire.
    """

    bucket_minutes: float = 5.0
    threshold: float = 0.5
    tail_log10_p: float = 8.0
    burst_ratio: float = 1.0
    burst_half_life_hours: float = 336.0
    cusum_k: float = 2.0
    cusum_h: float = 50.0
    cusum_z_cap: float = 4.0
    level_half_life_hours: float = 3.0
    base_half_life_hours: float = 72.0
    hour_half_life_days: float = 7.0
    weekday_half_life_weeks: float = 3.0
    seasonal_prior_count: float = 10.0
    use_weekday: bool = True
    dispersion_half_life_hours: float = 72.0
    min_dispersion: float = 0.05
    max_dispersion: float = 0.25
    clip_sigmas: float = 3.0
    shift_accept_hours: float = 2.0
    warmup_hours: float = 48.0
    cooldown_hours: float = 2.0
    min_count: float = 5.0

    def __post_init__(self) -> None:
        if self.bucket_minutes <= 0:
            raise ValueError("bucket_minutes must be positive")
        if not 0 < self.threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        if self.tail_log10_p <= 0 or self.cusum_h <= 0:
            raise ValueError("tail_log10_p and cusum_h must be positive")
        if not 0 <= self.min_dispersion <= self.max_dispersion:
            raise ValueError("need 0 <= min_dispersion <= max_dispersion")
        if self.seasonal_prior_count <= 0:
            raise ValueError("seasonal_prior_count must be positive")
        if self.clip_sigmas <= 0 or self.burst_ratio < 0 or self.burst_half_life_hours <= 0:
            raise ValueError("clip_sigmas and burst_half_life_hours must be > 0, burst_ratio >= 0")

    @property
    def tail_p_threshold(self) -> float:
        """Tail p-value at the score threshold."""
        ratio = self.threshold / (1.0 - self.threshold) if self.threshold < 1 else math.inf
        return 10.0 ** (-self.tail_log10_p * ratio)

    @property
    def cusum_threshold(self) -> float:
        """CUSUM sum at the score threshold."""
        if self.threshold >= 1:
            return math.inf
        return self.cusum_h * self.threshold / (1.0 - self.threshold)


@dataclass
class _SpikeState:
    n: int = 0
    first_ts: str | None = None
    last_ts: str | None = None
    level: float = 0.0
    level_weight: float = 1.0
    base_level: float = 0.0
    base_weight: float = 1.0
    hour_factor: list[float] = field(default_factory=lambda: [1.0] * 24)
    hour_n: list[int] = field(default_factory=lambda: [0] * 24)
    hour_count: list[float] = field(default_factory=lambda: [0.0] * 24)
    hour_expected: list[float] = field(default_factory=lambda: [0.0] * 24)
    weekday_factor: list[float] = field(default_factory=lambda: [1.0] * 7)
    weekday_n: list[int] = field(default_factory=lambda: [0] * 7)
    weekday_count: list[float] = field(default_factory=lambda: [0.0] * 7)
    weekday_expected: list[float] = field(default_factory=lambda: [0.0] * 7)
    dispersion: float = 0.1
    cusum: float = 0.0
    outside_run: int = 0
    outside_sign: int = 0
    quiet_until: str | None = None
    rebase_until: str | None = None
    recent_peak: float = 0.0


class SpikeDetector:
    """Online seasonal, count-aware spike detector for one series.

    Call `update` once per bucket in time order, including empty buckets (count 0).
    Work per bucket is constant and the state (`to_dict`) is a few hundred numbers.
    """

    def __init__(self, config: SpikeConfig | None = None) -> None:
        """Create a detector with an empty history.

        Args:
            config: Settings; the defaults were tuned on NAB Twitter-volume series
                with leave-one-series-out (see ``scripts/tune_spikes.py``).
        """
        self.config = config or SpikeConfig()
        self._state = _SpikeState()
        cfg_minutes = self.config.bucket_minutes
        step = cfg_minutes / 60.0
        self._level_rate = _ewma_rate(step, self.config.level_half_life_hours)
        self._base_rate = _ewma_rate(step, self.config.base_half_life_hours)
        # A seasonal factor only learns when its slot comes round: an hour-of-day slot
        # max(1, 60 / bucket) times a day, a weekday max(1, 1440 / bucket) times a week.
        hour_visits = self.config.hour_half_life_days * max(1.0, 60.0 / cfg_minutes)
        weekday_visits = self.config.weekday_half_life_weeks * max(1.0, 1440.0 / cfg_minutes)
        self._hour_rate = _ewma_rate(1.0, hour_visits)
        self._weekday_rate = _ewma_rate(1.0, weekday_visits)
        self._dispersion_rate = _ewma_rate(step, self.config.dispersion_half_life_hours)
        self._shift_buckets = max(1, round(self.config.shift_accept_hours / step))
        self._peak_decay = 0.5 ** (step / self.config.burst_half_life_hours)
        self._buckets_per_day = max(1, round(24.0 / step))
        self._weekday_min_n = max(1, self._buckets_per_day // 2)

    # -- model -------------------------------------------------------------------

    def _norms(self) -> tuple[float, float]:
        """Means of the seasonal factors over the slots seen so far."""
        s = self._state
        hours = [f for f, n in zip(s.hour_factor, s.hour_n, strict=True) if n]
        days = [
            f
            for f, n in zip(s.weekday_factor, s.weekday_n, strict=True)
            if n >= self._weekday_min_n
        ]
        return (
            sum(hours) / len(hours) if hours else 1.0,
            sum(days) / len(days) if days else 1.0,
        )

    def _factors(self, ts: datetime, norms: tuple[float, float]) -> tuple[float, float]:
        """Normalised hour-of-day and day-of-week factors for ``ts``."""
        s = self._state
        hour_f = _bounded(s.hour_factor[ts.hour] / norms[0])
        week_f = 1.0
        if self.config.use_weekday and s.weekday_n[ts.weekday()] >= self._weekday_min_n:
            week_f = _bounded(s.weekday_factor[ts.weekday()] / norms[1])
        return hour_f, week_f

    def expected(self, ts: datetime) -> float:
        """Baseline expectation for a bucket at ``ts`` given the history so far.

        Args:
            ts: Timestamp of the bucket.

        Returns:
            The expected count (0.0 before the first update).
        """
        if self._state.n == 0:
            return 0.0
        hour_f, week_f = self._factors(ts, self._norms())
        return max(self._state.level * hour_f * week_f, _MIN_EXPECTED)

    # -- update ------------------------------------------------------------------

    def update(self, ts: datetime, value: float) -> SpikeResult:
        """Score one bucket against the history, then learn from it.

        Args:
            ts: Bucket timestamp; must be later than the previous one.
            value: Mentions in the bucket (a non-negative count).

        Returns:
            The verdict for this bucket.

        Raises:
            ValueError: If ``ts`` is not after the previous bucket or ``value`` is
                negative or not finite.
        """
        cfg, s = self.config, self._state
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"value must be a finite non-negative count, got {value!r}")
        if s.last_ts is not None and ts <= datetime.fromisoformat(s.last_ts):
            raise ValueError(f"buckets must arrive in time order: {ts} after {s.last_ts}")
        if s.n == 0:
            return self._first(ts, value)

        norms = self._norms()
        hour_f, week_f = self._factors(ts, norms)
        mu = max(s.level * hour_f * week_f, _MIN_EXPECTED)
        alpha = min(max(s.dispersion, cfg.min_dispersion), cfg.max_dispersion)
        sd = math.sqrt(mu + alpha * mu * mu)

        # Scores: tail test on this bucket, CUSUM for build-ups.
        p_value = count_upper_tail(value, mu, alpha) if value > mu else 1.0
        tail_evidence = -math.log10(p_value) if p_value > 0 else math.inf
        tail_score = _evidence_score(tail_evidence, cfg.tail_log10_p)
        excess = value - mu
        peak = s.recent_peak * self._peak_decay
        if cfg.burst_ratio > 0 and excess > 0:
            prominence = excess / peak if peak > 0 else math.inf
            tail_score = min(tail_score, _evidence_score(prominence, cfg.burst_ratio))
        s.recent_peak = max(peak, excess)
        # The CUSUM measures against the slow level, which a build-up cannot drag along.
        mu_base = max(s.base_level * hour_f * week_f, _MIN_EXPECTED)
        z = (value - mu_base) / math.sqrt(mu_base + alpha * mu_base * mu_base)
        s.cusum = max(0.0, s.cusum + min(z, cfg.cusum_z_cap) - cfg.cusum_k)
        cusum_score = _evidence_score(s.cusum, cfg.cusum_h)
        if cusum_score > tail_score:
            score, statistic = cusum_score, "cusum"
            stat_value, stat_threshold = s.cusum, cfg.cusum_threshold
        else:
            score = tail_score
            statistic = "poisson_tail" if alpha < 1e-9 else "nb_tail"
            stat_value, stat_threshold = p_value, cfg.tail_p_threshold

        fired, reason = self._decide(ts, value, score)
        if s.cusum >= cfg.cusum_threshold:
            # The build-up has been reported (or would have been): for one cooldown the
            # slow level follows the fast one up and the CUSUM stays at zero, so the
            # new level becomes the reference and one shift fires once.
            s.rebase_until = (ts + timedelta(hours=cfg.cooldown_hours)).isoformat()
        if s.rebase_until is not None and ts <= datetime.fromisoformat(s.rebase_until):
            s.cusum = 0.0
            s.base_level = max(s.base_level, s.level)

        self._learn(ts, value, mu, sd, norms)
        return SpikeResult(
            ts=ts,
            value=value,
            expected=mu,
            score=score,
            fired=fired,
            statistic=statistic,
            statistic_value=stat_value,
            statistic_threshold=stat_threshold,
            threshold=cfg.threshold,
            reason=reason,
            recent_peak=peak,
        )

    def _first(self, ts: datetime, value: float) -> SpikeResult:
        s = self._state
        s.n = 1
        s.first_ts = s.last_ts = ts.isoformat()
        s.level = s.base_level = max(value, _MIN_EXPECTED)
        s.level_weight = s.base_weight = 1.0
        s.hour_n[ts.hour] = 1
        s.hour_count[ts.hour] = value
        s.hour_expected[ts.hour] = s.level
        return SpikeResult(
            ts=ts,
            value=value,
            expected=value,
            score=0.0,
            fired=False,
            statistic="nb_tail",
            statistic_value=1.0,
            statistic_threshold=self.config.tail_p_threshold,
            threshold=self.config.threshold,
            reason="warmup",
        )

    def _decide(self, ts: datetime, value: float, score: float) -> tuple[bool, str | None]:
        cfg, s = self.config, self._state
        if score < cfg.threshold:
            return False, None
        assert s.first_ts is not None
        reason, s.quiet_until = _quiet_reason(
            ts, s.first_ts, s.quiet_until, cfg.warmup_hours, cfg.cooldown_hours
        )
        if reason is None and value < cfg.min_count:
            reason = "min_count"
        return reason is None, reason

    def _learn(
        self, ts: datetime, value: float, mu: float, sd: float, norms: tuple[float, float]
    ) -> None:
        cfg, s = self.config, self._state
        s.n += 1
        s.last_ts = ts.isoformat()
        low, high = _clip_band(mu, sd, cfg.clip_sigmas)
        sign = 1 if value > high else -1 if value < low else 0
        if sign and sign == s.outside_sign:
            s.outside_run += 1
        else:
            s.outside_run, s.outside_sign = (1, sign) if sign else (0, 0)
        if s.outside_run >= self._shift_buckets:
            learnt = value  # a sustained shift, not a spike: follow it
        else:
            learnt = min(max(value, low), high)

        hour, weekday = ts.hour, ts.weekday()
        hour_f, week_f = self._factors(ts, norms)
        old_level = max(s.level, _MIN_EXPECTED)

        # Levels are ratios of means: EWMA(count) / EWMA(seasonal factor), the Poisson
        # maximum-likelihood level. A mean of count / factor would divide each sparse
        # count by a noisy factor and be biased up (Jensen) at low counts.
        rate = max(self._level_rate, 1.0 / s.n)
        s.level, s.level_weight = _ratio_ewma(
            s.level, s.level_weight, learnt, hour_f * week_f, rate
        )

        # Seasonal factors: discounted sums of counts over what the rest of the model
        # expected in that slot, shrunk toward 1 by pseudo-counts, so that slots seen
        # with few (or no) mentions stay near 1 instead of collapsing.
        prior = cfg.seasonal_prior_count
        s.hour_n[hour] += 1
        keep = 1.0 - self._hour_rate
        s.hour_count[hour] = s.hour_count[hour] * keep + learnt
        s.hour_expected[hour] = s.hour_expected[hour] * keep + old_level * week_f
        s.hour_factor[hour] = (s.hour_count[hour] + prior) / (s.hour_expected[hour] + prior)

        if cfg.use_weekday and s.n > self._buckets_per_day:
            # Weekdays are learnt from the second day on, once the hour-of-day profile
            # has a first estimate, and used once half a day of that weekday is seen.
            # Against the slow level: the fast one would absorb a weekend within hours.
            s.weekday_n[weekday] += 1
            keep = 1.0 - self._weekday_rate
            base = max(s.base_level, _MIN_EXPECTED)
            s.weekday_count[weekday] = s.weekday_count[weekday] * keep + learnt
            s.weekday_expected[weekday] = s.weekday_expected[weekday] * keep + base * hour_f
            s.weekday_factor[weekday] = (s.weekday_count[weekday] + prior) / (
                s.weekday_expected[weekday] + prior
            )
        rate = max(self._base_rate, 1.0 / s.n)
        s.base_level, s.base_weight = _ratio_ewma(
            s.base_level, s.base_weight, learnt, hour_f * week_f, rate
        )

        # Overdispersion by stochastic approximation on a robust (L1, capped) scale:
        # alpha moves until E[min(|z|, 3)] matches the normal's, so bursts, which
        # would dominate a second moment, barely move it. Each step is weighted by
        # the share of the variance that alpha explains, so low-count buckets (pure
        # Poisson noise, and too discrete for the normal target) barely move it.
        extra = s.dispersion * mu * mu
        weight = extra / (mu + extra)
        step_size = max(self._dispersion_rate, 1.0 / s.n)
        gap = min(abs(value - mu) / math.sqrt(mu + extra), 3.0) - _ABS_Z_CAPPED_MEAN
        s.dispersion *= math.exp(4.0 * step_size * weight * gap)
        s.dispersion = min(max(s.dispersion, 1e-3), 10.0)

    # -- persistence -------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Serialise config and state to plain JSON-compatible data.

        Returns:
            A dict that `from_dict` turns back into an identical detector.
        """
        return {
            "kind": "spike",
            "version": _SPIKE_STATE_VERSION,
            "config": asdict(self.config),
            "state": asdict(self._state),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpikeDetector:
        """Restore a detector saved with `to_dict`.

        Args:
            data: The output of `to_dict` (possibly through JSON).

        Returns:
            A detector whose next results equal the saved one's. A version-1 state
            (seasonal factors as plain EWMAs) is upgraded: its level and its bounded,
            normalised factors carry over, weighted as about one day of data, so the
            new estimators take over within hours (level) or days (factors).

        Raises:
            ValueError: If the data is not a saved `SpikeDetector` of a supported version.
        """
        version = data.get("version")
        if data.get("kind") != "spike" or version not in (1, _SPIKE_STATE_VERSION):
            raise ValueError("not a saved SpikeDetector state of a supported version")
        names = {f.name for f in fields(SpikeConfig)}
        detector = cls(SpikeConfig(**{k: v for k, v in data["config"].items() if k in names}))
        names = {f.name for f in fields(_SpikeState)}
        detector._state = _SpikeState(**{k: v for k, v in data["state"].items() if k in names})
        if version == 1:
            detector._upgrade_from_v1()
        return detector

    def _upgrade_from_v1(self) -> None:
        """Turn version-1 seasonal EWMAs into version-2 sums worth about a day of data."""
        s = self._state
        s.level_weight = s.base_weight = 1.0
        hour_norm, day_norm = self._norms()
        per_hour = max(1.0, 60.0 / self.config.bucket_minutes)
        level = max(s.level, _MIN_EXPECTED)
        for h in range(24):
            weight = min(s.hour_n[h], per_hour) * level
            factor = _bounded(s.hour_factor[h] / hour_norm) if s.hour_n[h] else 1.0
            s.hour_count[h], s.hour_expected[h] = factor * weight, weight
            s.hour_factor[h] = (factor * weight + self.config.seasonal_prior_count) / (
                weight + self.config.seasonal_prior_count
            )
        base = max(s.base_level, _MIN_EXPECTED)
        for d in range(7):
            weight = min(s.weekday_n[d], self._buckets_per_day) * base
            factor = _bounded(s.weekday_factor[d] / day_norm) if s.weekday_n[d] else 1.0
            s.weekday_count[d], s.weekday_expected[d] = factor * weight, weight
            s.weekday_factor[d] = (factor * weight + self.config.seasonal_prior_count) / (
                weight + self.config.seasonal_prior_count
            )


@dataclass(frozen=True)
class ShareConfig:
    """Settings of `ShareDetector`.

    Attributes:
        bucket_minutes: Bucket length; converts half-lives to per-bucket rates.
        threshold: Score at or above which a bucket fires.
        tail_log10_p: ``-log10`` of the binomial tail p-value that scores 0.5.
        window_half_life_hours: Half-life of the exponentially weighted recent counts
            behind the second test, which catches shifts too small for one bucket.
        min_total: Fewest mentions in all (in the bucket, or weighted in the recent
            window) for a test to run.
        min_count: Fewest matching mentions for a test to fire.
        min_lift: The tested share must exceed the baseline share by at least this
            much (absolute) to fire, so a tiny but significant change stays quiet.
        half_life_hours: Half-life of the baseline share.
        dispersion_half_life_hours: Half-life of the design-effect estimate.
        clip_sigmas: Updates use counts clipped to ``expected +- clip_sigmas * sd``.
        warmup_hours: Nothing fires this long after the first bucket.
        cooldown_hours: Quiet period after a bucket at or above the threshold.
    """

    bucket_minutes: float = 5.0
    threshold: float = 0.5
    tail_log10_p: float = 6.0
    window_half_life_hours: float = 0.5
    min_total: float = 20.0
    min_count: float = 5.0
    min_lift: float = 0.05
    half_life_hours: float = 24.0
    dispersion_half_life_hours: float = 72.0
    clip_sigmas: float = 3.0
    warmup_hours: float = 24.0
    cooldown_hours: float = 2.0

    def __post_init__(self) -> None:
        if self.bucket_minutes <= 0:
            raise ValueError("bucket_minutes must be positive")
        if not 0 < self.threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        if self.tail_log10_p <= 0 or self.min_total <= 0 or self.window_half_life_hours <= 0:
            raise ValueError("tail_log10_p, min_total and window_half_life_hours must be > 0")

    @property
    def tail_p_threshold(self) -> float:
        """Tail p-value at the score threshold."""
        ratio = self.threshold / (1.0 - self.threshold) if self.threshold < 1 else math.inf
        return 10.0 ** (-self.tail_log10_p * ratio)


@dataclass
class _ShareState:
    n: int = 0
    first_ts: str | None = None
    last_ts: str | None = None
    hits: float = 0.0
    totals: float = 0.0
    design_effect: float = 1.0
    recent_hits: float = 0.0
    recent_totals: float = 0.0
    quiet_until: str | None = None


_SHARE_FLOOR = 1e-4


class ShareDetector:
    """Online detector for a jump in a share (e.g. negative / all mentions).

    The test is quasi-binomial: with design effect ``phi >= 1`` estimated online from
    the spread of past shares, ``K / phi`` is compared with ``Binomial(N / phi, p0)``
    where ``p0`` is the robust EWMA baseline share. It runs on the bucket's counts
    (``"binomial_tail"``) and on exponentially weighted recent counts
    (``"binomial_tail_recent"``, conservative, for shifts spread over several
    buckets); the larger score wins. Volume growth at a stable share raises ``K``
    and ``N`` together and does not fire.
    """

    def __init__(self, config: ShareConfig | None = None) -> None:
        """Create a detector with an empty history.

        Args:
            config: Settings.
        """
        self.config = config or ShareConfig()
        self._state = _ShareState()
        step = self.config.bucket_minutes / 60.0
        self._rate = _ewma_rate(step, self.config.half_life_hours)
        self._dispersion_rate = _ewma_rate(step, self.config.dispersion_half_life_hours)
        self._window_decay = 0.5 ** (step / self.config.window_half_life_hours)

    @property
    def baseline_share(self) -> float | None:
        """The current baseline share, or None before any mention was seen."""
        s = self._state
        return s.hits / s.totals if s.totals > 0 else None

    def _test(self, hits: float, totals: float, p0: float, phi: float) -> float:
        """Quasi-binomial upper-tail p-value of ``hits`` out of ``totals``."""
        if totals < self.config.min_total or hits <= totals * p0:
            return 1.0
        return binomial_upper_tail(hits / phi, totals / phi, p0)

    def update(self, ts: datetime, count: float, total: float) -> SpikeResult:
        """Score one bucket's share ``count / total``, then learn from it.

        Args:
            ts: Bucket timestamp; must be later than the previous one.
            count: Matching mentions in the bucket (e.g. negative ones).
            total: All mentions in the bucket.

        Returns:
            The verdict; ``value`` is the tested share (the bucket's, or the recent
            window's for ``"binomial_tail_recent"``) and ``expected`` the baseline.

        Raises:
            ValueError: If the counts are inconsistent or ``ts`` is out of order.
        """
        cfg, s = self.config, self._state
        if not (math.isfinite(count) and math.isfinite(total)) or not 0 <= count <= total:
            raise ValueError(f"need 0 <= count <= total, got {count!r} / {total!r}")
        if s.last_ts is not None and ts <= datetime.fromisoformat(s.last_ts):
            raise ValueError(f"buckets must arrive in time order: {ts} after {s.last_ts}")
        s.last_ts = ts.isoformat()
        if s.first_ts is None:
            s.first_ts = ts.isoformat()
        share = count / total if total > 0 else 0.0
        s.recent_hits = s.recent_hits * self._window_decay + count
        s.recent_totals = s.recent_totals * self._window_decay + total
        baseline = self.baseline_share
        if baseline is None:
            if total > 0:
                s.n, s.hits, s.totals = 1, count, total
            return SpikeResult(
                ts, share, share, 0.0, False, "binomial_tail", 1.0, cfg.tail_p_threshold,
                cfg.threshold, "warmup",
            )  # fmt: skip

        p0 = min(max(baseline, _SHARE_FLOOR), 1.0 - _SHARE_FLOOR)
        phi = max(s.design_effect, 1.0)
        tests = [
            ("binomial_tail", count, total),
            ("binomial_tail_recent", s.recent_hits, s.recent_totals),
        ]
        scored = []
        for name, hits, totals in tests:
            p_value = self._test(hits, totals, p0, phi)
            evidence = -math.log10(p_value) if p_value > 0 else math.inf
            scored.append(
                (_evidence_score(evidence, cfg.tail_log10_p), p_value, name, hits, totals)
            )
        score, p_value, statistic, hits, totals = max(scored, key=lambda t: t[0])
        tested_share = hits / totals if totals > 0 else 0.0

        reason: str | None = None
        if score >= cfg.threshold:
            reason, s.quiet_until = _quiet_reason(
                ts, s.first_ts, s.quiet_until, cfg.warmup_hours, cfg.cooldown_hours
            )
            if reason is None and hits < cfg.min_count:
                reason = "min_count"
            elif reason is None and tested_share - p0 < cfg.min_lift:
                reason = "min_lift"
        fired = score >= cfg.threshold and reason is None

        if total > 0:
            # Learn from the count clipped to the baseline's band (robust update).
            s.n += 1
            sd = math.sqrt(phi * total * p0 * (1.0 - p0))
            expected_hits = total * p0
            learnt = min(
                max(count, expected_hits - cfg.clip_sigmas * sd),
                expected_hits + cfg.clip_sigmas * sd,
            )
            rate = max(self._rate, 1.0 / s.n)
            s.hits += rate * (learnt - s.hits)
            s.totals += rate * (total - s.totals)
            pearson = (learnt - expected_hits) ** 2 / (expected_hits * (1.0 - p0))
            rate = max(self._dispersion_rate, 1.0 / s.n)
            s.design_effect += rate * (min(pearson, 100.0) - s.design_effect)

        return SpikeResult(
            ts=ts,
            value=tested_share,
            expected=p0,
            score=score,
            fired=fired,
            statistic=statistic,
            statistic_value=p_value,
            statistic_threshold=cfg.tail_p_threshold,
            threshold=cfg.threshold,
            reason=reason,
        )

    def to_dict(self) -> dict[str, Any]:
        """Serialise config and state to plain JSON-compatible data.

        Returns:
            A dict that `from_dict` turns back into an identical detector.
        """
        return {
            "kind": "share",
            "version": _SHARE_STATE_VERSION,
            "config": asdict(self.config),
            "state": asdict(self._state),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShareDetector:
        """Restore a detector saved with `to_dict`.

        Args:
            data: The output of `to_dict` (possibly through JSON).

        Returns:
            A detector whose next results equal the saved one's.

        Raises:
            ValueError: If the data is not a saved `ShareDetector` of this version.
        """
        if data.get("kind") != "share" or data.get("version") != _SHARE_STATE_VERSION:
            raise ValueError("not a saved ShareDetector state of a supported version")
        detector = cls(ShareConfig(**data["config"]))
        names = {f.name for f in fields(_ShareState)}
        detector._state = _ShareState(**{k: v for k, v in data["state"].items() if k in names})
        return detector


def detect_series(
    timestamps: Sequence[datetime],
    values: Sequence[float],
    config: SpikeConfig | None = None,
) -> list[SpikeResult]:
    """Run the live detector over a whole series: the backtest, with no look-ahead.

    Args:
        timestamps: Bucket timestamps, strictly increasing.
        values: Mentions per bucket.
        config: Detector settings (defaults if None).

    Returns:
        One result per bucket, exactly as the live detector would have produced.

    Raises:
        ValueError: If the lengths differ (or as `SpikeDetector.update`).
    """
    if len(timestamps) != len(values):
        raise ValueError(f"{len(timestamps)} timestamps but {len(values)} values")
    detector = SpikeDetector(config)
    return [detector.update(ts, float(v)) for ts, v in zip(timestamps, values, strict=True)]


def detect_share_series(
    timestamps: Sequence[datetime],
    counts: Sequence[float],
    totals: Sequence[float],
    config: ShareConfig | None = None,
) -> list[SpikeResult]:
    """Run `ShareDetector` over a whole series, exactly as live.

    Args:
        timestamps: Bucket timestamps, strictly increasing.
        counts: Matching mentions per bucket.
        totals: All mentions per bucket.
        config: Detector settings (defaults if None).

    Returns:
        One result per bucket.

    Raises:
        ValueError: If the lengths differ (or as `ShareDetector.update`).
    """
    if not len(timestamps) == len(counts) == len(totals):
        raise ValueError("timestamps, counts and totals must have the same length")
    detector = ShareDetector(config)
    return [
        detector.update(ts, float(k), float(n))
        for ts, k, n in zip(timestamps, counts, totals, strict=True)
    ]


def nab_anomaly_scores(results: Sequence[SpikeResult]) -> list[float]:
    """Per-bucket anomaly scores that carry the alerting decision, for NAB scoring.

    A bucket that fired keeps its score; any other bucket is capped just below the
    threshold, so thresholding these at ``result.threshold`` reproduces exactly the
    buckets that alerted (warm-up, cooldown and minimum count included).

    Args:
        results: Output of `detect_series`.

    Returns:
        One score in ``[0, 1]`` per result.
    """
    return [r.score if r.fired else min(r.score, math.nextafter(r.threshold, 0.0)) for r in results]
