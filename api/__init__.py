"""FastAPI app, services that join listener + nlp + the database, and the CLI."""
