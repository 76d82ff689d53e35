"""The engine, sessions and schema migrations.

SQLite is the embedded default (WAL, foreign keys on, a busy timeout so the API
and a collector can share the file); any SQLAlchemy URL works, PostgreSQL
included. The schema is always built by Alembic, never by `create_all`, so a
fresh database and a migrated one are the same.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

import models  # noqa: F401  (registers every table on SQLModel.metadata)

ALEMBIC_DIR = Path(__file__).resolve().parent.parent / "alembic"


class DataDirError(RuntimeError):
    """The data directory is missing or cannot be written."""


class DatabaseNotInitialised(RuntimeError):
    """The database has no schema yet; `groundswell init` creates it."""


def sqlite_path(url: str) -> Path | None:
    """Return the file behind a SQLite URL, or None for other databases or :memory:."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def check_data_dir(path: Path, *, create: bool) -> None:
    """Make sure a data directory exists and is writable.

    Args:
        path: The directory.
        create: Create it (and its parents) if missing.

    Raises:
        DataDirError: It is missing (and not created), not a directory, or not writable.
    """
    if not path.exists():
        if not create:
            raise DataDirError(
                f"data directory {path} does not exist; run `groundswell init` "
                "or set GROUNDSWELL_DATA_DIR"
            )
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataDirError(f"cannot create data directory {path}: {exc.strerror}") from exc
    if not path.is_dir():
        raise DataDirError(f"data directory {path} is not a directory")
    if not os.access(path, os.W_OK | os.X_OK):
        raise DataDirError(f"data directory {path} is not writable")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, *, create_dir: bool = False, echo: bool = False) -> Engine:
    """Create an engine for any SQLAlchemy URL.

    Args:
        url: The database URL; a SQLite file URL gets WAL and foreign keys.
        create_dir: For SQLite, create the file's directory if missing.
        echo: Log SQL.

    Returns:
        The engine.

    Raises:
        DataDirError: A SQLite file's directory is missing or unwritable.
    """
    path = sqlite_path(url)
    if path is not None:
        check_data_dir(path.parent, create=create_dir)
    kwargs: dict[str, Any] = {"echo": echo}
    if make_url(url).get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if make_url(url).get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    from alembic import command

    command.upgrade(_alembic_config(engine), "heads")


def current_revision(engine: Engine) -> str | None:
    """Return the schema's Alembic revision(s), comma-separated, or None if it has none.

    Migrations may branch off a common parent (features land in parallel), so the
    database can sit at several heads at once.
    """
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) if heads else None


def require_schema(engine: Engine) -> None:
    """Raise `DatabaseNotInitialised` unless the schema exists.

    Raises:
        DatabaseNotInitialised: No migration has been applied.
    """
    if current_revision(engine) is None:
        raise DatabaseNotInitialised(
            f"database {engine.url.render_as_string(hide_password=True)} has no schema; "
            "run `groundswell init`"
        )


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
