import math

import pytest

from nlp.topic_metrics import label_agreement, npmi_coherence, topic_diversity

DOCS = [{"a", "b"}, {"a", "b"}, {"a"}, {"c"}]


def test_npmi_matches_hand_computation() -> None:
    # P(a)=3/4, P(b)=1/2, P(a,b)=1/2 -> log((1/2)/(3/8)) / -log(1/2)
    expected = math.log(4 / 3) / math.log(2)
    assert npmi_coherence([["a", "b"]], DOCS) == pytest.approx(expected)


def test_npmi_never_cooccurring_pair_is_minus_one_and_topics_are_averaged() -> None:
    ab = math.log(4 / 3) / math.log(2)
    assert npmi_coherence([["b", "c"]], DOCS) == pytest.approx(-1.0)
    assert npmi_coherence([["a", "b"], ["b", "c"]], DOCS) == pytest.approx((ab - 1.0) / 2)


def test_npmi_always_together_is_one_and_unknown_words_are_skipped() -> None:
    docs = [{"x", "y"}, {"x", "y"}, {"z"}]
    # P(x)=P(y)=P(x,y)=2/3 -> log(1/(2/3)) / -log(2/3) = 1
    assert npmi_coherence([["x", "y"]], docs) == pytest.approx(1.0)
    # a topic with only one word found in the corpus has no pair and does not count
    assert npmi_coherence([["x", "unknown"], ["x", "y"]], docs) == pytest.approx(1.0)
    assert npmi_coherence([["unknown", "x"]], docs) == 0.0
    assert npmi_coherence([["x", "y"]], []) == 0.0


def test_npmi_uses_only_top_n_words() -> None:
    # with top_n=2 the never-co-occurring "c" is not looked at
    assert npmi_coherence([["a", "b", "c"]], DOCS, top_n=2) == pytest.approx(
        math.log(4 / 3) / math.log(2)
    )


def test_topic_diversity() -> None:
    assert topic_diversity([["a", "b"], ["b", "c"]]) == pytest.approx(3 / 4)
    assert topic_diversity([["a", "b"], ["c", "d"]]) == 1.0
    assert topic_diversity([["a"] * 3, ["a"] * 3]) == pytest.approx(1 / 6)
    assert topic_diversity([]) == 0.0
    # only the top_n words of each topic count
    assert topic_diversity([["a", "x"], ["a", "y"]], top_n=1) == pytest.approx(1 / 2)


def test_label_agreement_perfect_and_permuted() -> None:
    scores = label_agreement([0, 0, 1, 1, 2, 2], ["x", "x", "y", "y", "z", "z"])
    assert scores.nmi == pytest.approx(1.0)
    assert scores.ari == pytest.approx(1.0)
    permuted = label_agreement([5, 5, 3, 3, 9, 9], ["x", "x", "y", "y", "z", "z"])
    assert permuted.nmi == pytest.approx(1.0)


def test_label_agreement_skips_unlabelled_and_counts_outliers_as_a_cluster() -> None:
    scores = label_agreement([0, 0, 1, 1, 7], ["x", "x", "y", "y", None])
    assert scores.n_labelled == 4
    assert scores.nmi == pytest.approx(1.0)
    # two posts of different labels left as outliers are one (impure) cluster
    mixed = label_agreement([0, 0, -1, 1, -1, 1], ["x", "x", "x", "y", "y", "y"])
    assert mixed.nmi < 1.0
    assert label_agreement([0, 1], [None, ""]).n_labelled == 0


def test_label_agreement_independent_clusters_score_zero() -> None:
    scores = label_agreement([0, 1, 0, 1], ["x", "x", "y", "y"])
    assert scores.nmi == pytest.approx(0.0, abs=1e-9)
    assert scores.ari <= 0.0


def test_label_agreement_length_mismatch() -> None:
    with pytest.raises(ValueError):
        label_agreement([0, 1], ["x"])
