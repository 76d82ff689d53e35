"""How good a set of topics is: agreement with human labels, coherence and diversity.

* :func:`label_agreement`: NMI and ARI (scikit-learn) between topic assignments and
  labels, over the posts that have a label. Outliers (-1) count as one more cluster, so a
  model cannot look better by leaving hard posts out.
* :func:`npmi_coherence`: mean normalised pointwise mutual information of each topic's
  top words, from document co-occurrence in the corpus itself (Bouma 2009; the measure
  behind OCTIS' and BERTopic's coherence figures). A pair that never co-occurs scores −1.
* :func:`topic_diversity`: share of unique words among all topics' top-25 words
  (Dieng et al. 2020).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from itertools import combinations

__all__ = ["LabelAgreement", "label_agreement", "npmi_coherence", "topic_diversity"]


@dataclass(frozen=True)
class LabelAgreement:
    """NMI and ARI over the labelled posts."""

    nmi: float
    ari: float
    n_labelled: int


def label_agreement(topics: Sequence[int], labels: Sequence[Hashable | None]) -> LabelAgreement:
    """NMI and ARI between topics and human labels, over posts whose label is set.

    Args:
        topics: Per post, its topic (-1 for outliers, counted as a cluster).
        labels: Per post, its label; None or "" means unlabelled and is skipped.

    Returns:
        The scores (0 for both when fewer than two posts are labelled).

    Raises:
        ValueError: The sequences differ in length.
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    if len(topics) != len(labels):
        raise ValueError(f"{len(topics)} topics but {len(labels)} labels")
    pairs = [(int(t), str(y)) for t, y in zip(topics, labels, strict=True) if y not in (None, "")]
    if len(pairs) < 2:
        return LabelAgreement(0.0, 0.0, len(pairs))
    predicted = [p for p, _ in pairs]
    truth = [y for _, y in pairs]
    return LabelAgreement(
        nmi=float(normalized_mutual_info_score(truth, predicted)),
        ari=float(adjusted_rand_score(truth, predicted)),
        n_labelled=len(pairs),
    )


def npmi_coherence(
    topic_words: Sequence[Sequence[str]],
    documents: Sequence[Collection[str]],
    *,
    top_n: int = 10,
) -> float:
    """Mean NPMI of each topic's top words over the corpus's own documents.

    For words i, j with document frequencies P(i), P(j) and co-occurrence P(i, j):
    ``NPMI = log(P(i,j) / (P(i)·P(j))) / −log P(i,j)``, −1 when they never co-occur,
    1 when they always do. A topic's score is the mean over pairs of its top words found
    in the corpus; the result is the mean over topics with at least one such pair.

    Args:
        topic_words: Per topic, its words, best first.
        documents: Per document, the set of terms it contains (the same tokenisation as
            the words, bigrams included if the words have them).
        top_n: Words per topic used.

    Returns:
        The coherence in [−1, 1] (0.0 if no topic has two known words).
    """
    n_docs = len(documents)
    if n_docs == 0:
        return 0.0
    vocabulary = {w for words in topic_words for w in words[:top_n]}
    postings: dict[str, set[int]] = {w: set() for w in vocabulary}
    for index, terms in enumerate(documents):
        for term in vocabulary.intersection(terms):
            postings[term].add(index)
    scores = []
    for words in topic_words:
        known = [w for w in dict.fromkeys(words[:top_n]) if postings.get(w)]
        pair_scores = []
        for a, b in combinations(known, 2):
            joint = len(postings[a] & postings[b]) / n_docs
            if joint == 0:
                pair_scores.append(-1.0)
                continue
            p_a = len(postings[a]) / n_docs
            p_b = len(postings[b]) / n_docs
            if joint >= 1.0:
                pair_scores.append(1.0)
                continue
            pmi = math.log(joint / (p_a * p_b))
            pair_scores.append(pmi / -math.log(joint))
        if pair_scores:
            scores.append(sum(pair_scores) / len(pair_scores))
    return float(sum(scores) / len(scores)) if scores else 0.0


def topic_diversity(topic_words: Sequence[Sequence[str]], *, top_n: int = 25) -> float:
    """Share of unique words among the topics' top words.

    Args:
        topic_words: Per topic, its words, best first.
        top_n: Words per topic used.

    Returns:
        In (0, 1]: 1 when no word is shared between topics; 0.0 for no words at all.
    """
    words = [w for topic in topic_words for w in topic[:top_n]]
    if not words:
        return 0.0
    return len(set(words)) / len(words)
