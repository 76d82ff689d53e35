"""Harm-claim bursts: the alert PR teams buy the product for.

Harm claims about a brand are rare, so their baseline is near zero and a volume
detector alone would either fire on one stray post or wait too long. This
detector keeps a sliding window of claim posts and fires when the window holds
at least `min_posts` claims *and* that many is improbable under the brand's own
long-run claim rate (a Poisson tail), so a brand that always draws a few such
posts is judged against its own normal.

Like `nlp.spikes.SpikeDetector` it is fed one bucket at a time, does constant
work per bucket (a running sum over a window of fixed length) and keeps a small
JSON-serialisable state, so the live system persists it between runs and a
backtest (`detect_claim_series`) runs exactly the same code.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from nlp.spikes import SpikeResult, count_upper_tail

__all__ = [
    "ClaimBurstConfig",
    "ClaimBurstDetector",
    "detect_claim_series",
]

_STATE_VERSION = 1


@dataclass(frozen=True)
class ClaimBurstConfig:
    """Settings of `ClaimBurstDetector`.

    Attributes:
        bucket_minutes: Bucket length.
        window_hours: Claims are counted over this sliding window.
        min_posts: Fewest claims in the window that may fire.
        p_threshold: Tail probability at or below which the window is anomalous.
        baseline_half_life_days: Half-life of the long-run claim rate.
        prior_rate_per_day: Claims per day assumed before any history, and the
            floor of the learnt rate (small, so a brand-new series still needs
            `min_posts` claims, and a long quiet spell does not make one stray
            claim look improbable).
        cooldown_hours: After an anomalous bucket, nothing fires again until this
            long has passed without one, so one incident fires once.
        prior_days: Weight of the prior rate, in days of data, while the history
            is short.
        shift_accept_hours: After the window has been anomalous this long (quiet
            spells shorter than a window do not count as its end), the claims are
            the brand's new normal and are learnt (a crisis
            lasts hours to a day or two; a brand that always draws claims would
            otherwise never be learnt, as every window looks anomalous against a
            rate that cannot rise).
    """

    bucket_minutes: float = 5.0
    window_hours: float = 6.0
    min_posts: int = 5
    p_threshold: float = 1e-4
    baseline_half_life_days: float = 7.0
    prior_rate_per_day: float = 0.5
    cooldown_hours: float = 12.0
    prior_days: float = 1.0
    shift_accept_hours: float = 72.0

    def __post_init__(self) -> None:
        if self.bucket_minutes <= 0 or self.window_hours <= 0:
            raise ValueError("bucket_minutes and window_hours must be positive")
        if self.min_posts < 1:
            raise ValueError("min_posts must be at least 1")
        if not 0 < self.p_threshold < 1:
            raise ValueError("p_threshold must be in (0, 1)")
        if self.baseline_half_life_days <= 0 or self.prior_rate_per_day <= 0:
            raise ValueError("baseline_half_life_days and prior_rate_per_day must be positive")
        if self.cooldown_hours < 0 or self.prior_days < 0:
            raise ValueError("cooldown_hours and prior_days must be >= 0")


@dataclass
class _ClaimState:
    window: deque[list[Any]] = field(default_factory=deque)
    """[bucket start (ISO), claims, anomalous] per bucket in the window."""
    window_sum: float = 0.0
    rate_per_bucket: float | None = None
    quiet_until: str | None = None
    last_ts: str | None = None
    n_quiet: int = 0
    anomalous_run: int = 0
    quiet_run: int = 0


class ClaimBurstDetector:
    """Online detector of a burst of harm-claim posts; constant work per bucket.

    Example:
        >>> from datetime import datetime, timedelta
        >>> detector = ClaimBurstDetector()
        >>> t0 = datetime(2026, 11, 1)
        >>> results = [detector.update(t0 + timedelta(minutes=5 * i), 2) for i in range(3)]
        >>> [r.fired for r in results]
        [False, False, True]
    """

    def __init__(self, config: ClaimBurstConfig | None = None) -> None:
        """Create a detector with an empty history.

        Args:
            config: Settings (defaults if None).
        """
        self.config = config or ClaimBurstConfig()
        self._state = _ClaimState()
        buckets_per_day = 1440.0 / self.config.bucket_minutes
        self._prior = self.config.prior_rate_per_day / buckets_per_day
        half_life = self.config.baseline_half_life_days * buckets_per_day
        self._alpha = 1.0 - 0.5 ** (1.0 / half_life)
        self._window_buckets = self.config.window_hours * 60.0 / self.config.bucket_minutes
        self._prior_buckets = self.config.prior_days * buckets_per_day
        self._shift_buckets = self.config.shift_accept_hours * 60.0 / self.config.bucket_minutes

    @property
    def rate_per_day(self) -> float:
        """The long-run claim rate the window is judged against, per day."""
        rate = self._state.rate_per_bucket
        rate = self._prior if rate is None else max(rate, self._prior)
        return rate * 1440.0 / self.config.bucket_minutes

    def update(self, ts: datetime, count: float) -> SpikeResult:
        """Score one bucket's count of claim posts, then learn from it.

        Args:
            ts: Bucket start; later than the previous bucket's.
            count: Claim posts in the bucket (>= 0).

        Returns:
            The verdict: ``value`` is the number of claims in the window,
            ``expected`` its expectation under the long-run rate and
            ``statistic_value`` the Poisson tail p-value.

        Raises:
            ValueError: If ``count`` is negative or not finite, or ``ts`` is out of
                order.
        """
        cfg, state = self.config, self._state
        if not math.isfinite(count) or count < 0:
            raise ValueError(f"count must be a finite non-negative number, got {count!r}")
        if state.last_ts is not None and ts <= datetime.fromisoformat(state.last_ts):
            raise ValueError(f"buckets must arrive in time order: {ts} after {state.last_ts}")
        state.last_ts = ts.isoformat()
        entry: list[Any] = [ts.isoformat(), float(count), False]
        state.window.append(entry)
        state.window_sum += float(count)
        horizon = ts - timedelta(hours=cfg.window_hours)
        while state.window and datetime.fromisoformat(state.window[0][0]) <= horizon:
            _, old_count, was_anomalous = state.window.popleft()
            state.window_sum -= old_count
            if not was_anomalous or state.anomalous_run >= self._shift_buckets:
                self._learn(old_count)
        # Counts are integers, so the running sum is exact; guard against drift anyway.
        observed = max(round(state.window_sum, 6), 0.0)
        rate = state.rate_per_bucket if state.rate_per_bucket is not None else self._prior
        rate = max(rate, self._prior)
        expected = rate * self._window_buckets
        p = count_upper_tail(observed, expected) if observed > 0 else 1.0
        s = -math.log10(max(p, 1e-300))
        limit = -math.log10(cfg.p_threshold)
        score = s / (s + limit)
        anomalous = observed >= cfg.min_posts and p <= cfg.p_threshold
        entry[2] = anomalous
        # An anomaly "lasts" until the window has been quiet for a whole window, so
        # a habitual rate with the odd quiet spell still counts as one long shift.
        state.quiet_run = 0 if anomalous else state.quiet_run + 1
        if anomalous:
            state.anomalous_run += 1
        elif state.quiet_run >= self._window_buckets:
            state.anomalous_run = 0
        reason = None
        fired = False
        if anomalous:
            if state.quiet_until and ts < datetime.fromisoformat(state.quiet_until):
                reason = "cooldown"
            else:
                fired = True
            state.quiet_until = (ts + timedelta(hours=cfg.cooldown_hours)).isoformat()
        elif p <= cfg.p_threshold:
            reason = "min_count"
        return SpikeResult(
            ts=ts,
            value=observed,
            expected=expected,
            score=score,
            fired=fired,
            statistic="claim_window_poisson_tail",
            statistic_value=p,
            statistic_threshold=cfg.p_threshold,
            threshold=0.5,
            reason=reason,
        )

    def _learn(self, count: float) -> None:
        """Learn the long-run rate from a bucket that has left the window.

        Only buckets that were not anomalous are learnt (or all, once an anomaly has
        lasted ``shift_accept_hours``), and only once they are out of the window, so
        neither a burst nor its own build-up becomes the baseline it is judged
        against. The rate is the posterior mean of a Poisson rate
        under a gamma prior worth ``prior_days`` of the prior rate at first, then an
        EWMA with the configured half-life: a brand's habitual rate is known within
        a day or two, and the prior keeps a short history from looking quiet.
        """
        state = self._state
        state.n_quiet += 1
        previous = state.rate_per_bucket if state.rate_per_bucket is not None else self._prior
        step = max(self._alpha, 1.0 / (self._prior_buckets + state.n_quiet))
        state.rate_per_bucket = previous + step * (count - previous)

    def to_dict(self) -> dict[str, Any]:
        """Serialise config and state to plain JSON-compatible data.

        Returns:
            A dict that `from_dict` turns back into an identical detector.
        """
        state = asdict(self._state)
        state["window"] = [list(item) for item in self._state.window]
        return {
            "kind": "claim_burst",
            "version": _STATE_VERSION,
            "config": asdict(self.config),
            "state": state,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClaimBurstDetector:
        """Restore a detector saved with `to_dict`.

        Args:
            data: The output of `to_dict` (possibly through JSON).

        Returns:
            A detector whose next results equal the saved one's.

        Raises:
            ValueError: If the data is not a saved `ClaimBurstDetector` of this version.
        """
        if data.get("kind") != "claim_burst" or data.get("version") != _STATE_VERSION:
            raise ValueError("not a saved ClaimBurstDetector state of a supported version")
        detector = cls(ClaimBurstConfig(**data["config"]))
        raw = data["state"]
        window: deque[list[Any]] = deque(
            [str(item[0]), float(item[1]), bool(item[2]) if len(item) > 2 else False]
            for item in raw["window"]
        )
        detector._state = _ClaimState(
            window=window,
            window_sum=float(raw.get("window_sum", sum(item[1] for item in window))),
            rate_per_bucket=raw["rate_per_bucket"],
            quiet_until=raw["quiet_until"],
            last_ts=raw.get("last_ts"),
            n_quiet=int(raw.get("n_quiet", 0)),
            anomalous_run=int(raw.get("anomalous_run", 0)),
            quiet_run=int(raw.get("quiet_run", 0)),
        )
        return detector


def detect_claim_series(
    timestamps: Sequence[datetime],
    counts: Sequence[float],
    config: ClaimBurstConfig | None = None,
) -> list[SpikeResult]:
    """Run `ClaimBurstDetector` over a whole series, exactly as live (no look-ahead).

    Args:
        timestamps: Bucket starts, strictly increasing.
        counts: Claim posts per bucket.
        config: Detector settings (defaults if None).

    Returns:
        One result per bucket.

    Raises:
        ValueError: If the lengths differ (or as `ClaimBurstDetector.update`).
    """
    if len(timestamps) != len(counts):
        raise ValueError(f"{len(timestamps)} timestamps but {len(counts)} counts")
    detector = ClaimBurstDetector(config)
    return [detector.update(ts, float(c)) for ts, c in zip(timestamps, counts, strict=True)]
