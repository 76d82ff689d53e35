"""Probability calibration: temperature scaling and expected calibration error.

Temperature scaling (Guo et al., 2017) divides a classifier's logits by one scalar
`T` fitted on held-out data so that the softmax probabilities match observed
accuracy; it never changes the arg-max, only how confident the scores are.
Everything here is plain numpy so it is cheap to import.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

MIN_TEMPERATURE = 0.05
MAX_TEMPERATURE = 20.0


def softmax(logits: npt.ArrayLike, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of `logits / temperature`, computed stably in float64.

    Args:
        logits: Array of shape (n, k) (or (k,) for a single row).
        temperature: Positive scalar the logits are divided by.

    Returns:
        Probabilities with the same shape as `logits`; each row sums to 1.

    Raises:
        ValueError: If `temperature` is not a positive finite number.
    """
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be positive and finite, got {temperature!r}")
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _check_logits_labels(
    logits: npt.ArrayLike, labels: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels)
    if z.ndim != 2 or z.shape[0] == 0 or z.shape[1] < 2:
        raise ValueError(f"expected a non-empty (n, k>=2) array, got shape {z.shape}")
    if y.shape != (z.shape[0],):
        raise ValueError(f"labels must have shape ({z.shape[0]},), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError("labels must be integer class indices")
    if y.min() < 0 or y.max() >= z.shape[1]:
        raise ValueError(f"labels must lie in [0, {z.shape[1] - 1}]")
    if not np.all(np.isfinite(z)):
        raise ValueError("logits contain NaN or infinite values")
    return z, y.astype(np.int64)


def negative_log_likelihood(
    logits: npt.ArrayLike, labels: npt.ArrayLike, temperature: float = 1.0
) -> float:
    """Mean negative log-likelihood of `labels` under `softmax(logits / temperature)`.

    Args:
        logits: Array of shape (n, k).
        labels: Integer class indices, shape (n,).
        temperature: Positive scalar.

    Returns:
        The mean NLL in nats.

    Raises:
        ValueError: On mismatched shapes, non-integer or out-of-range labels.
    """
    z, y = _check_logits_labels(logits, labels)
    return _nll(z, y, temperature)


def _nll(z: np.ndarray, y: np.ndarray, temperature: float) -> float:
    s = z / temperature
    s = s - s.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(s).sum(axis=1))
    return float(np.mean(log_norm - s[np.arange(len(y)), y]))


def fit_temperature(logits: npt.ArrayLike, labels: npt.ArrayLike) -> float:
    """Fit the temperature that minimises held-out NLL.

    A coarse grid over log-temperature finds the basin and a golden-section search
    refines it; the objective is one-dimensional, so this is exact enough and needs
    no optimiser dependency. The result is clipped to
    [`MIN_TEMPERATURE`, `MAX_TEMPERATURE`].

    Args:
        logits: Uncalibrated logits of a held-out calibration split, shape (n, k).
        labels: Their true class indices, shape (n,).

    Returns:
        The fitted temperature (> 1 softens over-confident models, < 1 sharpens).

    Raises:
        ValueError: On empty input, mismatched shapes or bad labels.
    """
    z, y = _check_logits_labels(logits, labels)
    lo, hi = math.log(MIN_TEMPERATURE), math.log(MAX_TEMPERATURE)
    grid = np.linspace(lo, hi, 41)
    losses = [_nll(z, y, math.exp(g)) for g in grid]
    best = int(np.argmin(losses))
    a = grid[max(best - 1, 0)]
    b = grid[min(best + 1, len(grid) - 1)]
    ratio = (math.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = _nll(z, y, math.exp(c)), _nll(z, y, math.exp(d))
    for _ in range(60):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = _nll(z, y, math.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = _nll(z, y, math.exp(d))
        if b - a < 1e-6:
            break
    return float(min(max(math.exp((a + b) / 2), MIN_TEMPERATURE), MAX_TEMPERATURE))


def expected_calibration_error(
    probs: npt.ArrayLike, labels: npt.ArrayLike, n_bins: int = 15
) -> float:
    """Top-label expected calibration error with equal-width confidence bins.

    Each prediction's confidence is its largest probability; bin `b` holds the
    confidences in `((b-1)/n_bins, b/n_bins]` (the first bin also holds 0).
    ECE is `sum_b |B_b| / n * |accuracy(B_b) - mean confidence(B_b)|`.

    Args:
        probs: Predicted probabilities, shape (n, k).
        labels: True class indices, shape (n,).
        n_bins: Number of equal-width bins on [0, 1].

    Returns:
        The ECE, in [0, 1].

    Raises:
        ValueError: On empty input, mismatched shapes, bad labels or `n_bins < 1`.
    """
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    p, y = _check_logits_labels(probs, labels)
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    # ceil(conf * n_bins) - 1 puts a confidence on a bin edge into the lower bin; the
    # small slack keeps float noise (0.6 * 15 = 9.000000000000002) on the right side.
    scaled = np.ceil(confidence * n_bins - 1e-9).astype(np.int64) - 1
    bins = np.clip(scaled, 0, n_bins - 1)
    total = 0.0
    for b in np.unique(bins):
        mask = bins == b
        total += mask.sum() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(total / len(y))
