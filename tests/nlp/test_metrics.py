"""Metrics and calibration: hand-computed cases and a cross-check against scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nlp.calibration import (
    MIN_TEMPERATURE,
    expected_calibration_error,
    fit_temperature,
    negative_log_likelihood,
    softmax,
)
from nlp.metrics import UNKNOWN_LANGUAGE, classification_report

NEG, NEU, POS = "negative", "neutral", "positive"


# --------------------------------------------------------------------------- report


def test_report_hand_computed() -> None:
    y_true = [NEG, NEG, NEU, POS, POS, POS]
    y_pred = [NEG, NEU, NEU, POS, NEG, POS]
    r = classification_report(y_true, y_pred)
    assert r["n"] == 6
    assert r["labels"] == [NEG, NEU, POS]
    assert r["confusion"] == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert r["accuracy"] == pytest.approx(4 / 6)
    # recall: neg 1/2, neu 1/1, pos 2/3
    assert r["macro_recall"] == pytest.approx((0.5 + 1 + 2 / 3) / 3)
    # precision: neg 1/2, neu 1/2, pos 1 -> F1 0.5, 2/3, 0.8
    assert r["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0.8) / 3)
    assert r["per_lang"] == {}


def test_report_per_language() -> None:
    y_true = [NEG, NEG, NEU, POS, POS, POS]
    y_pred = [NEG, NEU, NEU, POS, NEG, POS]
    langs = ["en", "en", "en", "de", "de", None]
    r = classification_report(y_true, y_pred, langs)
    assert list(r["per_lang"]) == ["de", "en", UNKNOWN_LANGUAGE]
    en = r["per_lang"]["en"]
    # en: labels present neg, neu; recall .5 / 1; precision 1 / .5; F1 2/3 each.
    assert en["n"] == 3
    assert en["accuracy"] == pytest.approx(2 / 3)
    assert en["macro_recall"] == pytest.approx(0.75)
    assert en["macro_f1"] == pytest.approx(2 / 3)
    de = r["per_lang"]["de"]
    # de: true pos,pos; predicted pos,neg -> neg counts (predicted) with F1 0.
    assert de["n"] == 2
    assert de["accuracy"] == pytest.approx(0.5)
    assert de["macro_recall"] == pytest.approx(0.25)
    assert de["macro_f1"] == pytest.approx((0 + 2 / 3) / 2)
    und = r["per_lang"][UNKNOWN_LANGUAGE]
    assert und == {"n": 1, "accuracy": 1.0, "macro_recall": 1.0, "macro_f1": 1.0}
    # per-language counts add up to the total
    assert sum(v["n"] for v in r["per_lang"].values()) == r["n"]


def test_report_matches_sklearn_on_random_labels() -> None:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, recall_score

    rng = np.random.default_rng(7)
    labels = [NEG, NEU, POS]
    for size in (5, 50, 500):
        y_true = [labels[i] for i in rng.integers(0, 3, size)]
        y_pred = [labels[i] for i in rng.integers(0, 3, size)]
        r = classification_report(y_true, y_pred)
        assert r["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
        assert r["macro_f1"] == pytest.approx(
            f1_score(y_true, y_pred, average="macro", zero_division=0)
        )
        assert r["macro_recall"] == pytest.approx(
            recall_score(y_true, y_pred, average="macro", zero_division=0)
        )
        assert r["confusion"] == confusion_matrix(y_true, y_pred, labels=labels).tolist()


def test_report_perfect_and_empty() -> None:
    r = classification_report([POS, NEG], [POS, NEG])
    assert (r["accuracy"], r["macro_f1"], r["macro_recall"]) == (1.0, 1.0, 1.0)
    empty = classification_report([], [], langs=[])
    assert empty["n"] == 0 and empty["macro_f1"] == 0.0
    assert empty["confusion"] == [[0, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_report_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="length|items"):
        classification_report([POS], [POS, NEG])
    with pytest.raises(ValueError, match="unknown label"):
        classification_report([POS], ["great"])
    with pytest.raises(ValueError, match="langs"):
        classification_report([POS], [POS], langs=["en", "de"])


def test_report_is_json_serialisable() -> None:
    import json

    r = classification_report([POS, NEU], [NEU, NEU], ["en", "th"])
    assert json.loads(json.dumps(r)) == r


# --------------------------------------------------------------------------- calibration


def test_softmax_rows_sum_to_one_and_temperature_keeps_argmax() -> None:
    z = np.array([[2.0, 1.0, -1.0], [0.0, 0.0, 0.0], [1000.0, -1000.0, 0.0]])
    for t in (0.5, 1.0, 3.0):
        p = softmax(z, t)
        assert np.allclose(p.sum(axis=1), 1.0)
        assert (p.argmax(axis=1) == z.argmax(axis=1)).all()
    assert np.allclose(softmax(z[1]), 1 / 3)
    # a higher temperature flattens
    assert softmax(z, 3.0)[0].max() < softmax(z, 1.0)[0].max()
    with pytest.raises(ValueError):
        softmax(z, 0.0)


def test_ece_hand_computed() -> None:
    probs = np.array(
        [
            [0.90, 0.05, 0.05],  # conf .9, correct
            [0.60, 0.30, 0.10],  # conf .6, wrong (label 1)
            [0.20, 0.70, 0.10],  # conf .7, correct
            [0.25, 0.25, 0.50],  # conf .5, correct; on the bin edge -> lower bin
        ]
    )
    labels = np.array([0, 1, 1, 2])
    # bins (0, .5] and (.5, 1]: upper bin acc 2/3, conf 2.2/3; lower bin acc 1, conf .5
    expected = 3 / 4 * abs(2 / 3 - 2.2 / 3) + 1 / 4 * abs(1 - 0.5)
    assert expected_calibration_error(probs, labels, n_bins=2) == pytest.approx(expected)
    # one bin: |accuracy - mean confidence|
    assert expected_calibration_error(probs, labels, n_bins=1) == pytest.approx(
        abs(3 / 4 - (0.9 + 0.6 + 0.7 + 0.5) / 4)
    )


def test_ece_zero_when_confidence_equals_accuracy() -> None:
    # conf 0.6 everywhere (0.6 * 15 is 9.000000000000002 in floats), 3 of 5 right
    probs = np.tile([0.6, 0.3, 0.1], (5, 1))
    labels = np.array([0, 0, 0, 1, 2])
    assert expected_calibration_error(probs, labels) == pytest.approx(0.0, abs=1e-12)


def test_fit_temperature_recovers_generating_temperature() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=4.0, size=(20_000, 3))
    true_t = 2.0
    p = softmax(logits, true_t)
    labels = np.array([rng.choice(3, p=row) for row in p])
    t = fit_temperature(logits, labels)
    assert t == pytest.approx(true_t, rel=0.08)
    nll = negative_log_likelihood(logits, labels, t)
    for other in (1.0, t * 0.8, t * 1.25):
        assert nll <= negative_log_likelihood(logits, labels, other) + 1e-12


def test_fit_temperature_sharpens_underconfident_and_clips() -> None:
    # Always right but with small margins -> a temperature below 1 helps, down to the clip.
    logits = np.array([[0.3, 0.0, 0.0], [0.0, 0.3, 0.0], [0.0, 0.0, 0.3]] * 10)
    labels = np.array([0, 1, 2] * 10)
    t = fit_temperature(logits, labels)
    assert t == pytest.approx(MIN_TEMPERATURE, rel=1e-3)
    assert math.isfinite(negative_log_likelihood(logits, labels, t))


def test_calibration_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        fit_temperature(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError):
        fit_temperature(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError):
        expected_calibration_error(np.ones((2, 3)) / 3, np.array([0.5, 1.0]))
    with pytest.raises(ValueError):
        expected_calibration_error(np.ones((2, 3)) / 3, np.array([0, 1]), n_bins=0)
