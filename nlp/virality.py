"""Virality: single posts spreading far faster than a brand's posts usually do.

Two signals, both measured per post in reshares per hour and compared with the
brand's own norm, so a brand whose posts are always shared a lot is judged
against itself:

* ``reshare_velocity``: an original post's shares + replies per hour since it was
  posted, read when its counts were collected. The age is floored at
  ``min_age_minutes`` (three shares in the first minute are not 180 an hour) and
  capped at ``max_age_hours`` (counts collected days later are mostly settled, so
  they count as one day's worth).
* ``copy_velocity``: near-duplicate copies of one original (reshares, quotes,
  syndicated articles: the listener's dedup links) created in the last
  ``copy_window_hours``, per hour.

The norm of each signal is a decaying histogram of ``log10(1 + velocity)``
(half-life ``norm_half_life_days``) over the brand's past posts, or for copies
over its past copied originals, each by its peak; only posts that did not fire
are learnt, so an incident does not become the norm. A post fires when its
velocity reaches ``factor`` times the norm's ``quantile`` (by default three times
the brand's 99th percentile) and an absolute floor. Quantiles in log space are
robust: one viral post moves them little, and the many posts nobody shares do not
collapse the scale the way a median/MAD would. Each post fires at most once per
``cooldown_hours``.

`ViralityDetector` is fed one bucket at a time, like the spike detectors, with
the originals posted in the bucket and the copies created in it. Its work per
bucket is constant in the length of the history (the histograms have a fixed
number of bins; only originals copied within the window are remembered) and its
state is JSON-serialisable. A viral post is not a crisis by itself: the caller
decides what it means from `ViralFiring.negative` and `ViralFiring.harm`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "CopyActivity",
    "LogHistogram",
    "PostActivity",
    "ViralFiring",
    "ViralityConfig",
    "ViralityDetector",
]

_STATE_VERSION = 1


@dataclass(frozen=True)
class PostActivity:
    """An original post as the virality detector sees it.

    Attributes:
        post_id: The post's id (the caller's, e.g. the mention id).
        created_at: When it was posted.
        shares: Reshares (retweets, boosts) as collected.
        replies: Replies as collected.
        observed_at: When those counts were read; None means the end of the bucket
            the post is fed in.
        negative: The post's sentiment is negative.
        harm: The post is a harm claim.
    """

    post_id: int
    created_at: datetime
    shares: int = 0
    replies: int = 0
    observed_at: datetime | None = None
    negative: bool = False
    harm: bool = False


@dataclass(frozen=True)
class CopyActivity:
    """Near-duplicate copies of one original created in one bucket.

    Attributes:
        original_id: The original's id.
        count: Copies of it created in the bucket.
        negative: The original's sentiment is negative.
        harm: The original is a harm claim.
    """

    original_id: int
    count: int
    negative: bool = False
    harm: bool = False


@dataclass(frozen=True)
class ViralFiring:
    """One post spreading far faster than the brand's norm.

    Attributes:
        ts: Start of the bucket in which it fired.
        post_id: The post (for ``copy_velocity``: the original being copied).
        statistic: ``"reshare_velocity"`` or ``"copy_velocity"``.
        velocity: Reshares (shares + replies, or copies) per hour.
        expected: The brand's norm: the configured quantile of past posts'
            velocity, per hour (0 while the norm has too little history).
        threshold: Velocity per hour at or above which a post fires.
        count: Shares + replies, or copies within the window.
        hours: The age the velocity was measured over, or the copy window.
        negative: The post is negative.
        harm: The post is a harm claim.
        score: ``velocity / threshold`` mapped to ``[0, 1)``, 0.5 at the threshold.
    """

    ts: datetime
    post_id: int
    statistic: str
    velocity: float
    expected: float
    threshold: float
    count: float
    hours: float
    negative: bool
    harm: bool
    score: float

    @property
    def crisis(self) -> bool:
        """True when the spreading post is negative or a harm claim."""
        return self.negative or self.harm

    def explain(self) -> str:
        """One-line human explanation, e.g. for an alert message.

        Returns:
            Text such as ``"post 42: 36 copies in 1h = 36/h vs brand p99 1.2/h,
            threshold 10/h (score 0.78, FIRED)"``.
        """
        what = (
            f"{self.count:.0f} shares+replies in {self.hours:.3g}h"
            if self.statistic == "reshare_velocity"
            else f"{self.count:.0f} copies in {self.hours:.3g}h"
        )
        return (
            f"post {self.post_id}: {what} = {self.velocity:.3g}/h vs brand norm "
            f"{self.expected:.3g}/h, threshold {self.threshold:.3g}/h "
            f"(score {self.score:.2f}, FIRED)"
        )


@dataclass(frozen=True)
class ViralityConfig:
    """Settings of `ViralityDetector`.

    Attributes:
        bucket_minutes: Bucket length.
        min_age_minutes: Reshare velocity is measured over at least this long.
        max_age_hours: ... and at most this long.
        quantile: The norm's quantile that the factor multiplies.
        factor: A post fires at ``factor`` times the norm's quantile.
        min_velocity_per_hour: Absolute floor of the reshare-velocity threshold.
        min_copies: Fewest copies within the window that may fire.
        copy_window_hours: Copies are counted over this sliding window.
        norm_half_life_days: Half-life of both norms.
        min_history: Effective number of past posts the reshare norm needs before
            it may fire; until the copy norm has as many samples, copies are judged
            by ``min_copies`` alone.
        cooldown_hours: A post that fired stays quiet this long.
        bin_width: Width of a histogram bin in ``log10(1 + velocity)``.
        max_log10: Upper edge of the histograms (larger values go in the last bin).
    """

    bucket_minutes: float = 5.0
    min_age_minutes: float = 60.0
    max_age_hours: float = 24.0
    quantile: float = 0.99
    factor: float = 3.0
    min_velocity_per_hour: float = 10.0
    min_copies: int = 10
    copy_window_hours: float = 1.0
    norm_half_life_days: float = 14.0
    min_history: float = 100.0
    cooldown_hours: float = 12.0
    bin_width: float = 0.05
    max_log10: float = 6.0

    def __post_init__(self) -> None:
        if self.bucket_minutes <= 0 or self.copy_window_hours <= 0:
            raise ValueError("bucket_minutes and copy_window_hours must be positive")
        if not 0 < self.min_age_minutes <= self.max_age_hours * 60:
            raise ValueError("need 0 < min_age_minutes <= max_age_hours * 60")
        if not 0 < self.quantile < 1:
            raise ValueError("quantile must be in (0, 1)")
        if self.factor < 1 or self.min_velocity_per_hour < 0 or self.min_copies < 1:
            raise ValueError("need factor >= 1, min_velocity_per_hour >= 0, min_copies >= 1")
        if self.bin_width <= 0 or self.max_log10 <= self.bin_width:
            raise ValueError("need 0 < bin_width < max_log10")
        if self.norm_half_life_days <= 0 or self.min_history < 0 or self.cooldown_hours < 0:
            raise ValueError("need norm_half_life_days > 0, min_history and cooldown >= 0")


class LogHistogram:
    """A decaying histogram of ``log10(1 + x)``: a robust norm in constant space.

    Example:
        >>> h = LogHistogram.empty(bins=121, width=0.05)
        >>> for x in [0, 1, 2, 3, 100]:
        ...     h.add(x)
        >>> round(h.quantile(0.5), 1)
        2.0
    """

    def __init__(self, counts: list[float], width: float) -> None:
        """Wrap bin weights.

        Args:
            counts: Weight per bin; bin ``i`` holds ``log10(1 + x)`` in
                ``[i * width, (i + 1) * width)``.
            width: Bin width in log10 units.
        """
        self.counts = counts
        self.width = width

    @classmethod
    def empty(cls, bins: int, width: float) -> LogHistogram:
        """An empty histogram.

        Args:
            bins: Number of bins.
            width: Bin width in log10 units.

        Returns:
            The histogram.
        """
        return cls([0.0] * bins, width)

    @property
    def total(self) -> float:
        """Total (decayed) weight."""
        return sum(self.counts)

    def add(self, x: float, weight: float = 1.0) -> None:
        """Add one value.

        Args:
            x: A non-negative value (velocity).
            weight: Its weight.
        """
        i = int(math.log10(1.0 + max(x, 0.0)) / self.width)
        self.counts[min(i, len(self.counts) - 1)] += weight

    def decay(self, factor: float) -> None:
        """Multiply every weight by ``factor`` (forget the past)."""
        self.counts = [c * factor for c in self.counts]

    def quantile(self, q: float) -> float:
        """The ``q`` quantile, interpolated within its bin.

        Args:
            q: In ``(0, 1)``.

        Returns:
            The value (in the original units, not log); 0.0 when empty.
        """
        total = self.total
        if total <= 0:
            return 0.0
        target = q * total
        running = 0.0
        for i, c in enumerate(self.counts):
            if c > 0 and running + c >= target:
                log_value = (i + (target - running) / c) * self.width
                return float(10.0**log_value - 1.0)
            running += c
        return float(10.0 ** (len(self.counts) * self.width) - 1.0)


@dataclass
class _ViralState:
    reshare_hist: list[float]
    copy_hist: list[float]
    # Originals copied within the window: {"window": [[bucket_iso, n], ...],
    # "peak": highest windowed velocity so far, "fired": bool}.
    copies: dict[str, dict[str, Any]] = field(default_factory=dict)
    quiet: dict[str, str] = field(default_factory=dict)
    last_ts: str | None = None


class ViralityDetector:
    """Online detector of posts spreading far faster than the brand's norm.

    Norms learn from posts that did not fire only, so a viral incident does not
    become the brand's normal (the way the spike detectors clip what they learn).
    The copy norm holds one sample per copied original, its peak windowed
    velocity, learnt once its copies stop arriving for a whole window.
    """

    def __init__(self, config: ViralityConfig | None = None) -> None:
        """Create a detector with an empty history.

        Args:
            config: Settings (defaults if None).
        """
        self.config = config or ViralityConfig()
        bins = int(math.ceil(self.config.max_log10 / self.config.bin_width)) + 1
        self._state = _ViralState(reshare_hist=[0.0] * bins, copy_hist=[0.0] * bins)
        step_days = self.config.bucket_minutes / 1440.0
        self._decay = 0.5 ** (step_days / self.config.norm_half_life_days)
        self._step = timedelta(minutes=self.config.bucket_minutes)

    def _hist(self, name: str) -> LogHistogram:
        return LogHistogram(getattr(self._state, name), self.config.bin_width)

    def reshare_threshold(self) -> tuple[float, float]:
        """The brand's reshare-velocity norm and the threshold derived from it.

        Returns:
            ``(norm, threshold)`` per hour; the threshold is infinite while the norm
            has less than ``min_history`` weight.
        """
        cfg = self.config
        hist = self._hist("reshare_hist")
        if hist.total < cfg.min_history:
            return 0.0, math.inf
        norm = hist.quantile(cfg.quantile)
        return norm, max(cfg.min_velocity_per_hour, cfg.factor * norm)

    def copy_threshold(self) -> tuple[float, float]:
        """The brand's copy-velocity norm and the threshold derived from it.

        Returns:
            ``(norm, threshold)`` per hour; until the norm has ``min_history``
            samples the threshold is ``min_copies`` per window.
        """
        cfg = self.config
        floor = cfg.min_copies / cfg.copy_window_hours
        hist = self._hist("copy_hist")
        if hist.total < cfg.min_history:
            return 0.0, floor
        norm = hist.quantile(cfg.quantile)
        return norm, max(floor, cfg.factor * norm)

    def _age_hours(self, post: PostActivity, end: datetime) -> float:
        observed = post.observed_at or end
        age = (observed - post.created_at).total_seconds() / 3600.0
        return min(max(age, self.config.min_age_minutes / 60.0), self.config.max_age_hours)

    def update(
        self,
        ts: datetime,
        posts: Sequence[PostActivity] = (),
        copies: Sequence[CopyActivity] = (),
    ) -> list[ViralFiring]:
        """Judge the posts and copies of one bucket, then learn from them.

        Args:
            ts: Bucket start; later than the previous bucket's.
            posts: Originals posted in the bucket.
            copies: Copies created in the bucket, per original.

        Returns:
            The posts that fired, in input order (reshare velocity first).

        Raises:
            ValueError: If ``ts`` is out of order or a count is negative.
        """
        cfg, s = self.config, self._state
        if s.last_ts is not None and ts <= datetime.fromisoformat(s.last_ts):
            raise ValueError(f"buckets must arrive in time order: {ts} after {s.last_ts}")
        for post in posts:
            if post.shares < 0 or post.replies < 0:
                raise ValueError(f"post {post.post_id}: counts must be >= 0")
        for activity in copies:
            if activity.count < 0:
                raise ValueError(f"original {activity.original_id}: copies must be >= 0")
        s.last_ts = ts.isoformat()
        end = ts + self._step
        s.quiet = {k: v for k, v in s.quiet.items() if datetime.fromisoformat(v) > ts}
        reshare = self._hist("reshare_hist")
        copy_hist = self._hist("copy_hist")
        reshare.decay(self._decay)
        copy_hist.decay(self._decay)
        firings: list[ViralFiring] = []

        # Reshare velocity: judged against the past, then learnt unless it fired.
        norm, threshold = self.reshare_threshold()
        for post in posts:
            age = self._age_hours(post, end)
            count = float(post.shares + post.replies)
            velocity = count / age
            if velocity >= threshold:
                if self._may_fire(f"r:{post.post_id}", ts):
                    firings.append(
                        self._firing(ts, post.post_id, "reshare_velocity", velocity, norm,
                                     threshold, count, age, post.negative, post.harm)
                    )  # fmt: skip
                continue
            reshare.add(velocity)

        # Copy velocity: copies of one original within the sliding window.
        norm, threshold = self.copy_threshold()
        window_start = end - timedelta(hours=cfg.copy_window_hours)
        for activity in copies:
            if activity.count == 0:
                continue
            entry = s.copies.setdefault(
                str(activity.original_id), {"window": [], "peak": 0.0, "fired": False}
            )
            entry["window"].append([ts.isoformat(), activity.count])
        for key in list(s.copies):
            entry = s.copies[key]
            entry["window"] = [
                h for h in entry["window"] if datetime.fromisoformat(h[0]) >= window_start
            ]
            if not entry["window"]:
                # Its copies stopped: one sample per original, unless it fired.
                if not entry["fired"]:
                    copy_hist.add(entry["peak"])
                del s.copies[key]
        for activity in copies:
            active = s.copies.get(str(activity.original_id))
            if activity.count == 0 or active is None:
                continue
            in_window = float(sum(n for _, n in active["window"]))
            velocity = in_window / cfg.copy_window_hours
            active["peak"] = max(float(active["peak"]), velocity)
            if in_window >= cfg.min_copies and velocity >= threshold:
                active["fired"] = True
                if self._may_fire(f"c:{activity.original_id}", ts):
                    firings.append(
                        self._firing(ts, activity.original_id, "copy_velocity", velocity, norm,
                                     threshold, in_window, cfg.copy_window_hours,
                                     activity.negative, activity.harm)
                    )  # fmt: skip
        s.reshare_hist, s.copy_hist = reshare.counts, copy_hist.counts
        return firings

    def _may_fire(self, key: str, ts: datetime) -> bool:
        if key in self._state.quiet:
            return False
        until = ts + timedelta(hours=self.config.cooldown_hours)
        self._state.quiet[key] = until.isoformat()
        return True

    @staticmethod
    def _firing(
        ts: datetime,
        post_id: int,
        statistic: str,
        velocity: float,
        norm: float,
        threshold: float,
        count: float,
        hours: float,
        negative: bool,
        harm: bool,
    ) -> ViralFiring:
        ratio = velocity / threshold if threshold > 0 else math.inf
        score = 1.0 if math.isinf(ratio) else ratio / (ratio + 1.0)
        return ViralFiring(
            ts=ts,
            post_id=post_id,
            statistic=statistic,
            velocity=velocity,
            expected=norm,
            threshold=threshold,
            count=count,
            hours=hours,
            negative=negative,
            harm=harm,
            score=score,
        )

    def to_dict(self) -> dict[str, Any]:
        """Serialise config and state to plain JSON-compatible data.

        Returns:
            A dict that `from_dict` turns back into an identical detector.
        """
        return {
            "kind": "virality",
            "version": _STATE_VERSION,
            "config": asdict(self.config),
            "state": asdict(self._state),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ViralityDetector:
        """Restore a detector saved with `to_dict`.

        Args:
            data: The output of `to_dict` (possibly through JSON).

        Returns:
            A detector whose next results equal the saved one's.

        Raises:
            ValueError: If the data is not a saved `ViralityDetector` of this version.
        """
        if data.get("kind") != "virality" or data.get("version") != _STATE_VERSION:
            raise ValueError("not a saved ViralityDetector state of a supported version")
        detector = cls(ViralityConfig(**data["config"]))
        raw = data["state"]
        detector._state = _ViralState(
            reshare_hist=[float(c) for c in raw["reshare_hist"]],
            copy_hist=[float(c) for c in raw["copy_hist"]],
            copies={
                str(k): {
                    "window": [[str(t), int(n)] for t, n in v["window"]],
                    "peak": float(v["peak"]),
                    "fired": bool(v["fired"]),
                }
                for k, v in raw["copies"].items()
            },
            quiet={str(k): str(v) for k, v in raw["quiet"].items()},
            last_ts=raw.get("last_ts"),
        )
        return detector
