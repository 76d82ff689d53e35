"""The one Settings class. Only the CLI and `api/deps.py` read it."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration, from `GROUNDSWELL_*` variables or a `.env` file."""

    model_config = SettingsConfigDict(
        env_prefix="GROUNDSWELL_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("var"), description="Where SQLite and caches live.")
    database_url: str | None = Field(
        default=None,
        description="Any SQLAlchemy URL; default: SQLite (WAL) in data_dir.",
    )
    workspace: str = Field(default="default", description="Workspace the CLI acts on.")
    sentiment_model: str = Field(
        default="builtin:stack",
        description="'builtin:stack' (default), 'builtin:ngram' (fastest) or any Hugging "
        "Face model id / local path.",
    )
    sentiment_label_map: str | None = Field(
        default=None,
        description='JSON object mapping model labels to ours, e.g. {"LABEL_0": "negative"}.',
    )
    sentiment_batch_size: int | None = Field(
        default=None,
        ge=1,
        description="Texts per encoder forward pass; unset: the model's default (16 for the "
        "default model on the CPU, 128 on CUDA, 32 for Hugging Face models).",
    )
    device: str = Field(default="auto", description="'auto', 'cpu' or 'cuda'.")
    bucket_minutes: int = Field(default=5, ge=1, le=1440)
    allow_private_urls: bool = Field(
        default=False, description="Let user-supplied URLs resolve to private addresses."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_request_bytes: int = Field(default=5_000_000, ge=1024)
    rate_limit_per_minute: int = Field(default=600, ge=1)
    webhook_enqueue_analysis: bool = Field(
        default=True, description="Webhook batches queue an analyze job for the workers."
    )
    cors_origins: list[str] = Field(default_factory=list)
    youtube_api_key: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "groundswell@localhost"
    alert_email_to: list[str] = Field(default_factory=list)
    alert_webhook_url: str | None = None

    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to SQLite inside `data_dir`."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'groundswell.db').as_posix()}"
