from pathlib import Path

import pytest
from sqlalchemy import inspect

from models.db import (
    DatabaseNotInitialised,
    DataDirError,
    check_data_dir,
    make_engine,
    migrate,
    require_schema,
)


def test_fresh_sqlite_gets_wal_and_full_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'd' / 'x.db'}", create_dir=True)
    migrate(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    tables = set(inspect(engine).get_table_names())
    expected = {
        "workspace",
        "brand",
        "source",
        "mention",
        "mentionbrand",
        "sentimentresult",
        "harmresult",
        "topic",
        "topicassignment",
        "alert",
        "alertevidence",
        "apikey",
        "outboxmessage",
        "sourcerun",
    }
    assert expected <= tables
    index_names = {ix["name"] for ix in inspect(engine).get_indexes("mentionbrand")}
    assert "ix_mentionbrand_brand_created" in index_names


def test_migrations_match_models(engine) -> None:
    """The migration history produces exactly the schema the models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_missing_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataDirError, match="does not exist"):
        make_engine(f"sqlite:///{tmp_path / 'nope' / 'x.db'}")


def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "file-not-dir"
    target.write_text("x")
    with pytest.raises(DataDirError, match="not a directory"):
        check_data_dir(target, create=False)


def test_schema_required(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(DatabaseNotInitialised, match="groundswell init"):
        require_schema(engine)
