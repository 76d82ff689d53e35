"""Package data for nlp.harm: labelled references (labels.jsonl) and trained weights."""
