"""Collectors, the brand query language, dedup: they return data, never write it."""
