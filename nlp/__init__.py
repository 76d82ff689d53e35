"""Language id, sentiment, harm claims, spikes, topics: texts and series in, results out."""
