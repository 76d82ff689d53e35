"""Numenta Anomaly Benchmark (NAB) scoring for one labelled series.

This follows NAB v1.x (`nab/sweeper.py`, `nab/runner.py`) row for row:

* Each labelled window ``[start, end]`` is scored by its *first* detection: a
  detection at relative position ``p = -(end - i + 1) / width`` (``-1`` at the left
  edge, just below ``0`` at the right edge) earns
  ``A_TP * scaled_sigmoid(p) / scaled_sigmoid(-1)``, so the earliest possible
  detection earns exactly ``A_TP``. A window with no detection costs ``A_FN``.
* Every detection outside a window is a false positive. Before the first window it
  costs ``A_FP`` in full; after a window it costs ``A_FP * scaled_sigmoid(d)`` with
  ``d = |prev_end - i| / (prev_width - 1)``, so detections just after a window cost
  almost nothing and those three window widths or more away cost ``A_FP`` in full.
* Rows in the probationary period, ``min(floor(0.15 * n), 0.15 * 5000)`` rows, are
  ignored (a window wholly inside it is not scored, as in NAB's sweeper).
* A row is a detection when its anomaly score is ``>= threshold``.
* The normalised score is ``100 * (raw - null) / (perfect - null)`` where
  ``perfect = A_TP * number_of_windows`` (NAB's ``Runner.normalize``) and ``null`` is
  the raw score of a detector that never detects.

The profile weights are NAB's ``config/profiles.json``; the cost weights are stored
as positive magnitudes (``A_FP = -0.11`` in the paper is ``fp_weight = 0.11`` here).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "PROFILES",
    "NabProfile",
    "NabReport",
    "WindowResult",
    "nab_score",
    "pooled_nab_score",
    "probationary_length",
    "scaled_sigmoid",
]

PROBATIONARY_PERCENT = 0.15
"""Share of each file whose detections NAB ignores."""

_PROBATION_CAP_ROWS = 5000
"""NAB caps the probationary period at ``PROBATIONARY_PERCENT`` of this many rows."""


@dataclass(frozen=True)
class NabProfile:
    """NAB cost matrix; every weight is a positive magnitude."""

    tp_weight: float
    fp_weight: float
    fn_weight: float


PROFILES: dict[str, NabProfile] = {
    "standard": NabProfile(tp_weight=1.0, fp_weight=0.11, fn_weight=1.0),
    "reward_low_FP_rate": NabProfile(tp_weight=1.0, fp_weight=0.22, fn_weight=1.0),
    "reward_low_FN_rate": NabProfile(tp_weight=1.0, fp_weight=0.11, fn_weight=2.0),
}
"""The three application profiles of NAB's ``config/profiles.json``."""


@dataclass(frozen=True)
class WindowResult:
    """How one labelled window was scored.

    Attributes:
        start: First timestamp inside the window.
        end: Last timestamp inside the window.
        rows: Number of data rows inside the window.
        detections: Number of scored rows in the window at or above the threshold.
        first_detection: Timestamp of the first such row, or None if missed.
        delay: Time from ``start`` to ``first_detection``, or None if missed.
        delay_rows: Rows from ``start`` to ``first_detection``, or None if missed.
        weighted_score: The window's contribution to the raw score (``-fn_weight``
            when missed).
        scored: False when the whole window lies in the probationary period.
    """

    start: datetime
    end: datetime
    rows: int
    detections: int
    first_detection: datetime | None
    delay: timedelta | None
    delay_rows: int | None
    weighted_score: float
    scored: bool


@dataclass(frozen=True)
class NabReport:
    """NAB result for one series at one threshold.

    Attributes:
        score: Normalised NAB score: 100 is perfect, 0 is the never-detecting
            detector (it can be negative).
        raw_score: Sum of the weighted window and false-positive contributions.
        perfect_score: ``tp_weight * len(windows)``.
        null_score: Raw score of a detector that never detects.
        threshold: Anomaly-score threshold used.
        profile: Name of the NAB profile used.
        probationary_rows: Leading rows whose detections were ignored.
        windows: Per-window details, in time order.
        true_positive_windows: Scored windows with at least one detection.
        false_negative_windows: Scored windows with no detection.
        false_positives: Detected rows outside every window (NAB counts rows).
        false_positive_score: Their summed (negative) contribution.
        false_alarms_per_week: ``false_positives`` per week of scored data.
        mean_delay: Mean time from window start to first detection over the
            detected windows, or None if none was detected.
    """

    score: float
    raw_score: float
    perfect_score: float
    null_score: float
    threshold: float
    profile: str
    probationary_rows: int
    windows: list[WindowResult]
    true_positive_windows: int
    false_negative_windows: int
    false_positives: int
    false_positive_score: float
    false_alarms_per_week: float
    mean_delay: timedelta | None

    @property
    def detections_per_window(self) -> list[int]:
        """Number of detections inside each window, in time order."""
        return [w.detections for w in self.windows]


def scaled_sigmoid(relative_position: float) -> float:
    """NAB's scaled sigmoid of a relative position.

    ``-1`` (a window's left edge) gives ``2 * sigmoid(5) - 1 = 0.98661``, ``0`` (its
    right edge) gives ``0``, ``1`` gives ``-0.98661``, and positions of 3 or more give
    exactly ``-1``.

    Args:
        relative_position: Position relative to a window, as described above.

    Returns:
        The value in ``[-1, 1]``.
    """
    if relative_position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * relative_position)) - 1.0


def probationary_length(n_rows: int) -> int:
    """Number of leading rows NAB ignores in a file of ``n_rows`` rows.

    Args:
        n_rows: Length of the series.

    Returns:
        ``min(floor(0.15 * n_rows), 0.15 * 5000)`` as an integer.
    """
    return int(
        min(
            math.floor(PROBATIONARY_PERCENT * n_rows),
            PROBATIONARY_PERCENT * _PROBATION_CAP_ROWS,
        )
    )


def _as_datetime(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _window_indices(
    timestamps: Sequence[datetime], windows: Sequence[tuple[datetime | str, datetime | str]]
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for raw_start, raw_end in sorted(
        ((_as_datetime(a), _as_datetime(b)) for a, b in windows), key=lambda w: w[0]
    ):
        if raw_end < raw_start:
            raise ValueError(f"window ends before it starts: {raw_start} > {raw_end}")
        first = bisect_left(timestamps, raw_start)
        last = bisect_right(timestamps, raw_end) - 1
        if first > last:
            raise ValueError(f"window [{raw_start}, {raw_end}] contains no rows")
        if spans and first <= spans[-1][1]:
            raise ValueError(f"window starting {raw_start} overlaps the previous one")
        spans.append((first, last))
    return spans


def nab_score(
    timestamps: Sequence[datetime],
    anomaly_scores: Sequence[float],
    windows: Sequence[tuple[datetime | str, datetime | str]],
    threshold: float = 0.5,
    profile: str = "standard",
) -> NabReport:
    """Score one series' anomaly scores against its labelled windows, as NAB does.

    Args:
        timestamps: Row timestamps, strictly increasing.
        anomaly_scores: One score per row; a row is a detection when its score is
            ``>= threshold``.
        windows: Labelled anomaly windows as ``(start, end)`` pairs (datetimes or ISO
            strings), inclusive; each must contain at least one row.
        threshold: Detection threshold on the anomaly scores.
        profile: A key of `PROFILES`.

    Returns:
        The normalised score and its parts, with per-window details.

    Raises:
        ValueError: If lengths differ, timestamps are not increasing, a window is
            empty or overlaps another, or the profile is unknown.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown NAB profile {profile!r}; known: {sorted(PROFILES)}")
    weights = PROFILES[profile]
    ts = list(timestamps)
    scores = [float(s) for s in anomaly_scores]
    if len(ts) != len(scores):
        raise ValueError(f"{len(ts)} timestamps but {len(scores)} anomaly scores")
    if any(b <= a for a, b in zip(ts, ts[1:], strict=False)):
        raise ValueError("timestamps must be strictly increasing")
    spans = _window_indices(ts, windows)
    n = len(ts)
    probation = probationary_length(n)
    max_tp = scaled_sigmoid(-1.0)

    window_results: list[WindowResult] = []
    window_total = 0.0
    null_score = 0.0
    for first, last in spans:
        width = last - first + 1
        scored = last >= probation
        hits = [i for i in range(max(first, probation), last + 1) if scores[i] >= threshold]
        if not scored:
            contribution = 0.0
        elif hits:
            position = -(last - hits[0] + 1) / width
            contribution = scaled_sigmoid(position) * weights.tp_weight / max_tp
        else:
            contribution = -weights.fn_weight
        if scored:
            null_score -= weights.fn_weight
        window_total += contribution
        first_hit = hits[0] if hits else None
        window_results.append(
            WindowResult(
                start=ts[first],
                end=ts[last],
                rows=width,
                detections=len(hits),
                first_detection=ts[first_hit] if first_hit is not None else None,
                delay=ts[first_hit] - ts[first] if first_hit is not None else None,
                delay_rows=first_hit - first if first_hit is not None else None,
                weighted_score=contribution,
                scored=scored,
            )
        )

    fp_count = 0
    fp_total = 0.0
    span_iter = iter(spans)
    next_span = next(span_iter, None)
    prev_last: int | None = None
    prev_width = 0
    for i in range(n):
        if next_span is not None and i > next_span[1]:
            prev_last, prev_width = next_span[1], next_span[1] - next_span[0] + 1
            next_span = next(span_iter, None)
        if next_span is not None and next_span[0] <= i <= next_span[1]:
            continue
        if i < probation or scores[i] < threshold:
            continue
        if prev_last is None or prev_width <= 1:
            # NAB divides by (width - 1); a one-row window would divide by zero,
            # so such FPs are treated as far from any window.
            position = 3.0
        else:
            position = abs(prev_last - i) / (prev_width - 1)
        fp_count += 1
        fp_total += scaled_sigmoid(position) * weights.fp_weight

    raw = window_total + fp_total
    perfect = weights.tp_weight * len(spans)
    denominator = perfect - null_score
    normalised = 100.0 * (raw - null_score) / denominator if denominator > 0 else 0.0
    scored_span = ts[-1] - ts[min(probation, n - 1)] if n else timedelta(0)
    weeks = scored_span / timedelta(weeks=1)
    delays = [w.delay for w in window_results if w.scored and w.delay is not None]
    mean_delay = sum(delays, timedelta(0)) / len(delays) if delays else None
    scored_windows = [w for w in window_results if w.scored]
    return NabReport(
        score=normalised,
        raw_score=raw,
        perfect_score=perfect,
        null_score=null_score,
        threshold=threshold,
        profile=profile,
        probationary_rows=probation,
        windows=window_results,
        true_positive_windows=sum(1 for w in scored_windows if w.detections > 0),
        false_negative_windows=sum(1 for w in scored_windows if w.detections == 0),
        false_positives=fp_count,
        false_positive_score=fp_total,
        false_alarms_per_week=fp_count / weeks if weeks > 0 else 0.0,
        mean_delay=mean_delay,
    )


def pooled_nab_score(reports: Sequence[NabReport]) -> float:
    """Corpus-level normalised score, as NAB reports it: sums first, then normalise.

    Args:
        reports: Per-series reports, all with the same profile.

    Returns:
        ``100 * (sum(raw) - sum(null)) / (sum(perfect) - sum(null))``.

    Raises:
        ValueError: If ``reports`` is empty or mixes profiles.
    """
    if not reports:
        raise ValueError("no reports to pool")
    if len({r.profile for r in reports}) > 1:
        raise ValueError("cannot pool reports scored with different profiles")
    raw = sum(r.raw_score for r in reports)
    null = sum(r.null_score for r in reports)
    perfect = sum(r.perfect_score for r in reports)
    return 100.0 * (raw - null) / (perfect - null) if perfect > null else 0.0
