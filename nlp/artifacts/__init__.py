"""Small model files bundled with Groundswell (package data, no code).

- `sentiment_ngram.npz`: the default sentiment model (`nlp.sentiment.NgramSentimentModel`),
  written by `scripts/train_sentiment_baseline.py`.
- `sentiment_ngram.metrics.json`: its held-out per-language scores and training settings.
"""
