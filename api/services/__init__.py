"""Services: where listener, nlp and the database meet."""
