"""NAB scorer: hand-computed cases on a 200-row series with two 20-row windows.

Layout used throughout: rows every 5 minutes; probation = floor(0.15 * 200) = 30 rows;
window A = rows 60..79, window B = rows 140..159 (width 20 each).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.nab import (
    PROFILES,
    nab_score,
    pooled_nab_score,
    probationary_length,
    scaled_sigmoid,
)

T0 = datetime(2015, 1, 1)
N = 200
TS = [T0 + timedelta(minutes=5 * i) for i in range(N)]
A = (60, 79)
B = (140, 159)
WINDOWS = [(TS[A[0]], TS[A[1]]), (TS[B[0]], TS[B[1]])]


def scores_at(*rows: int, value: float = 1.0) -> list[float]:
    scores = [0.0] * N
    for r in rows:
        scores[r] = value
    return scores


def test_scaled_sigmoid_reference_values() -> None:
    # Values quoted in NAB's docstrings.
    assert scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert scaled_sigmoid(-0.5) == pytest.approx(0.84828, abs=1e-5)
    assert scaled_sigmoid(0.0) == pytest.approx(0.0, abs=1e-12)
    assert scaled_sigmoid(1.0) == pytest.approx(-0.98661, abs=1e-5)
    assert scaled_sigmoid(3.0) == -1.0
    assert scaled_sigmoid(7.5) == -1.0


def test_probationary_length_is_fifteen_percent_capped_at_750() -> None:
    assert probationary_length(200) == 30
    assert probationary_length(15_902) == 750
    assert probationary_length(5000) == 750
    assert probationary_length(4999) == 749


def test_perfect_detector_at_window_starts_scores_100() -> None:
    report = nab_score(TS, scores_at(A[0], B[0]), WINDOWS)
    assert report.raw_score == pytest.approx(2.0)
    assert report.score == pytest.approx(100.0)
    assert report.true_positive_windows == 2
    assert report.false_negative_windows == 0
    assert report.false_positives == 0


def test_null_detector_scores_0() -> None:
    report = nab_score(TS, [0.0] * N, WINDOWS)
    assert report.raw_score == pytest.approx(-2.0)
    assert report.null_score == pytest.approx(-2.0)
    assert report.perfect_score == pytest.approx(2.0)
    assert report.score == pytest.approx(0.0)
    assert report.false_negative_windows == 2
    assert report.mean_delay is None


def test_fp_before_any_window_costs_full_fp_weight() -> None:
    report = nab_score(TS, scores_at(A[0], B[0], 40), WINDOWS)
    assert report.false_positives == 1
    assert report.false_positive_score == pytest.approx(-0.11)
    # 100 * (2 - 0.11 + 2) / 4
    assert report.score == pytest.approx(97.25)


def test_fp_just_after_a_window_costs_almost_nothing() -> None:
    # Row 80: d = |79 - 80| / (20 - 1) = 1/19; 2 / (1 + e^(5/19)) - 1 = -0.130828.
    report = nab_score(TS, scores_at(A[0], B[0], 80), WINDOWS)
    assert report.false_positive_score == pytest.approx(-0.130828 * 0.11, abs=1e-6)
    assert report.score == pytest.approx(100 * (4 - 0.130828 * 0.11) / 4, abs=1e-4)


def test_fp_three_window_widths_after_costs_full_weight() -> None:
    far = nab_score(TS, scores_at(A[0], B[0], A[1] + 57), WINDOWS)  # d = 57 / 19 = 3
    assert far.false_positive_score == pytest.approx(-0.11)
    nearer = nab_score(TS, scores_at(A[0], B[0], A[1] + 38), WINDOWS)  # d = 2
    assert nearer.false_positive_score == pytest.approx(-0.11 * 0.9999092, rel=1e-6)


def test_detection_at_window_end_scores_little() -> None:
    # Row 79: position -(79 - 79 + 1) / 20 = -0.05 -> 0.124353 / 0.986614 = 0.126040.
    report = nab_score(TS, scores_at(A[1], B[0]), WINDOWS)
    assert report.windows[0].weighted_score == pytest.approx(0.126040, abs=1e-6)
    assert report.score == pytest.approx(100 * (1.126040 + 2) / 4, abs=1e-4)


def test_only_first_detection_in_a_window_counts() -> None:
    # Row 70: position -(79 - 70 + 1) / 20 = -0.5 -> 0.848284 / 0.986614 = 0.859792.
    single = nab_score(TS, scores_at(70), WINDOWS)
    several = nab_score(TS, scores_at(70, 72, 75, 79), WINDOWS)
    assert single.windows[0].weighted_score == pytest.approx(0.859792, abs=1e-6)
    assert several.raw_score == pytest.approx(single.raw_score)
    assert several.detections_per_window == [4, 0]
    assert several.false_positives == 0


def test_delay_and_first_detection() -> None:
    report = nab_score(TS, scores_at(70, 150), WINDOWS)
    first = report.windows[0]
    assert first.first_detection == TS[70]
    assert first.delay == timedelta(minutes=50)
    assert first.delay_rows == 10
    assert report.mean_delay == timedelta(minutes=50)


def test_detections_in_probation_are_ignored() -> None:
    report = nab_score(TS, scores_at(0, 10, 29), WINDOWS)
    assert report.probationary_rows == 30
    assert report.false_positives == 0
    assert report.score == pytest.approx(0.0)
    counted = nab_score(TS, scores_at(30), WINDOWS)
    assert counted.false_positives == 1


def test_window_inside_probation_is_not_scored() -> None:
    windows = [(TS[5], TS[20]), *WINDOWS]
    report = nab_score(TS, scores_at(A[0], B[0]), windows)
    assert report.windows[0].scored is False
    assert report.null_score == pytest.approx(-2.0)
    # NAB normalises by every labelled window (tp_weight * 3).
    assert report.perfect_score == pytest.approx(3.0)
    assert report.raw_score == pytest.approx(2.0)


def test_threshold_is_inclusive() -> None:
    at = nab_score(TS, scores_at(A[0], value=0.5), WINDOWS, threshold=0.5)
    below = nab_score(TS, scores_at(A[0], value=0.4999), WINDOWS, threshold=0.5)
    assert at.true_positive_windows == 1
    assert below.true_positive_windows == 0


def test_false_alarms_per_week() -> None:
    report = nab_score(TS, scores_at(40, 100), WINDOWS)
    weeks = (TS[-1] - TS[30]) / timedelta(weeks=1)
    assert report.false_positives == 2
    assert report.false_alarms_per_week == pytest.approx(2 / weeks)


def test_windows_as_iso_strings_and_unsorted() -> None:
    as_text = [(b.isoformat(" "), e.isoformat(" ")) for b, e in reversed(WINDOWS)]
    report = nab_score(TS, scores_at(A[0], B[0]), as_text)
    assert report.score == pytest.approx(100.0)
    assert [w.start for w in report.windows] == [TS[A[0]], TS[B[0]]]


def test_profiles_change_fp_and_fn_costs() -> None:
    low_fp = nab_score(TS, scores_at(A[0], B[0], 40), WINDOWS, profile="reward_low_FP_rate")
    assert low_fp.false_positive_score == pytest.approx(-0.22)
    low_fn = nab_score(TS, [0.0] * N, WINDOWS, profile="reward_low_FN_rate")
    assert low_fn.null_score == pytest.approx(-4.0)
    assert PROFILES["standard"].fp_weight == pytest.approx(0.11)


def test_pooled_score_sums_before_normalising() -> None:
    perfect = nab_score(TS, scores_at(A[0], B[0]), WINDOWS)
    null = nab_score(TS, [0.0] * N, WINDOWS)
    assert pooled_nab_score([perfect, null]) == pytest.approx(50.0)
    with pytest.raises(ValueError):
        pooled_nab_score([])


@pytest.mark.parametrize(
    ("timestamps", "scores", "windows", "profile"),
    [
        (TS, [0.0] * (N - 1), WINDOWS, "standard"),
        (
            TS,
            [0.0] * N,
            [(TS[10] + timedelta(minutes=1), TS[10] + timedelta(minutes=2))],
            "standard",
        ),
        (TS, [0.0] * N, [(TS[10], TS[20]), (TS[15], TS[30])], "standard"),
        (TS, [0.0] * N, [(TS[20], TS[10])], "standard"),
        (TS, [0.0] * N, WINDOWS, "no_such_profile"),
        ([TS[1], TS[0]], [0.0, 0.0], [], "standard"),
    ],
)
def test_invalid_inputs_raise(
    timestamps: list[datetime],
    scores: list[float],
    windows: list[tuple[datetime, datetime]],
    profile: str,
) -> None:
    with pytest.raises(ValueError):
        nab_score(timestamps, scores, windows, profile=profile)


@settings(max_examples=60, deadline=None)
@given(
    detections=st.sets(st.integers(min_value=0, max_value=N - 1), max_size=15),
    extra=st.integers(min_value=0, max_value=N - 1),
)
def test_more_false_positives_never_help(detections: set[int], extra: int) -> None:
    base = nab_score(TS, scores_at(*detections), WINDOWS)
    assert base.score <= 100.0 + 1e-9
    in_window = A[0] <= extra <= A[1] or B[0] <= extra <= B[1]
    more = nab_score(TS, scores_at(*detections, extra), WINDOWS)
    if not in_window:
        assert more.raw_score <= base.raw_score + 1e-12
    else:
        # A detection inside a window can only help (or change nothing).
        assert more.raw_score >= base.raw_score - 1e-12


@settings(max_examples=40, deadline=None)
@given(first=st.integers(min_value=A[0], max_value=A[1]))
def test_earlier_detection_scores_higher(first: int) -> None:
    later = min(first + 1, A[1])
    early = nab_score(TS, scores_at(first), WINDOWS).raw_score
    late = nab_score(TS, scores_at(later), WINDOWS).raw_score
    assert early >= late
    position = -(A[1] - first + 1) / 20
    expected = scaled_sigmoid(position) / scaled_sigmoid(-1.0) - 1.0
    assert early == pytest.approx(expected)
    assert math.isfinite(early)
