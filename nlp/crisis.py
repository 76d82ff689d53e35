"""Harm-claim bursts: the alert PR teams buy the product for.

Harm claims about a brand are rare, so their baseline is near zero and a volume
detector alone would either fire on one stray post or wait too long. This
detector keeps a sliding window of claim posts and fires when the window holds
at least `min_posts` claims *and* that many is improbable under the brand's own
long-run claim rate (a Poisson tail), so a brand that always draws a few such
posts is judged against its own normal.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from nlp.spikes import SpikeResult, count_upper_tail


@dataclass(frozen=True)
class ClaimBurstConfig:
    """Settings of `ClaimBurstDetector`.

    Attributes:
        bucket_minutes: Bucket length.
        window_hours: Claims are counted over this sliding window.
        min_posts: Fewest claims in the window that may fire.
        p_threshold: Tail probability below which the window is anomalous.
        baseline_half_life_days: Half-life of the long-run claim rate.
        prior_rate_per_day: Claims per day assumed before any history (small, so a
            brand-new series still needs `min_posts` claims).
        cooldown_hours: After firing, the same incident stays one alert this long.
    """

    bucket_minutes: float = 5.0
    window_hours: float = 6.0
    min_posts: int = 5
    p_threshold: float = 1e-4
    baseline_half_life_days: float = 7.0
    prior_rate_per_day: float = 0.5
    cooldown_hours: float = 12.0


@dataclass
class _ClaimState:
    window: deque[tuple[str, float]] = field(default_factory=deque)
    rate_per_bucket: float | None = None
    quiet_until: str | None = None


class ClaimBurstDetector:
    """Online detector of a burst of harm-claim posts; constant work per bucket."""

    def __init__(self, config: ClaimBurstConfig | None = None) -> None:
        """Create a detector with an empty history."""
        self.config = config or ClaimBurstConfig()
        self._state = _ClaimState()
        buckets_per_day = 1440.0 / self.config.bucket_minutes
        self._prior = self.config.prior_rate_per_day / buckets_per_day
        half_life = self.config.baseline_half_life_days * buckets_per_day
        self._alpha = 1.0 - 0.5 ** (1.0 / half_life)

    def update(self, ts: datetime, count: float) -> SpikeResult:
        """Score one bucket's count of claim posts.

        Args:
            ts: Bucket start; later than the previous bucket's.
            count: Claim posts in the bucket.

        Returns:
            The verdict, with the windowed count, its expectation and the tail p-value.
        """
        cfg = self.config
        state = self._state
        state.window.append((ts.isoformat(), float(count)))
        horizon = ts - timedelta(hours=cfg.window_hours)
        while state.window and datetime.fromisoformat(state.window[0][0]) <= horizon:
            state.window.popleft()
        observed = sum(c for _, c in state.window)
        rate = state.rate_per_bucket if state.rate_per_bucket is not None else self._prior
        rate = max(rate, self._prior)
        buckets = cfg.window_hours * 60.0 / cfg.bucket_minutes
        expected = rate * buckets
        p = count_upper_tail(observed, expected) if observed > 0 else 1.0
        s = -math.log10(max(p, 1e-300))
        limit = -math.log10(cfg.p_threshold)
        score = s / (s + limit)
        anomalous = observed >= cfg.min_posts and p <= cfg.p_threshold
        reason = None
        fired = False
        if anomalous:
            if state.quiet_until and ts < datetime.fromisoformat(state.quiet_until):
                reason = "cooldown"
            else:
                fired = True
            state.quiet_until = (ts + timedelta(hours=cfg.cooldown_hours)).isoformat()
        elif observed < cfg.min_posts and p <= cfg.p_threshold:
            reason = "min_count"
        # Learn the long-run rate from quiet buckets only, so a burst does not
        # become the next week's normal.
        if not anomalous:
            previous = state.rate_per_bucket if state.rate_per_bucket is not None else self._prior
            state.rate_per_bucket = previous + self._alpha * (float(count) - previous)
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

    def to_dict(self) -> dict[str, Any]:
        """Serialise the state (JSON-safe)."""
        state = asdict(self._state)
        state["window"] = list(self._state.window)
        return {"config": asdict(self.config), "state": state}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClaimBurstDetector:
        """Rebuild a detector from `to_dict` output."""
        detector = cls(ClaimBurstConfig(**data["config"]))
        raw = data["state"]
        detector._state = _ClaimState(
            window=deque((str(t), float(c)) for t, c in raw["window"]),
            rate_per_bucket=raw["rate_per_bucket"],
            quiet_until=raw["quiet_until"],
        )
        return detector
