"""Shared fixtures: a fresh database per test, settings, factories.

The backend is SQLite unless GROUNDSWELL_TEST_BACKEND=postgres, in which case each
test gets its own database on the server in GROUNDSWELL_TEST_POSTGRES_URL, created
and dropped around it (CI reuses the server as it was left).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from models.db import make_engine, migrate
from models.settings import Settings

POSTGRES_URL = os.environ.get("GROUNDSWELL_TEST_POSTGRES_URL")
BACKEND = os.environ.get("GROUNDSWELL_TEST_BACKEND", "sqlite")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, built once and copied per test (migrations are slow-ish)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture()
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("GROUNDSWELL_TEST_POSTGRES_URL not set")
    name = f"gs_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture()
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """URL of a fresh, migrated database of the configured test backend."""
    if BACKEND == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        return url
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(sqlite_template, data_dir / "groundswell.db")
    return f"sqlite:///{data_dir / 'groundswell.db'}"


@pytest.fixture()
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the fresh database."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture()
def session(engine: Engine) -> Iterator[Session]:
    """A session on the fresh database."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture()
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings pointing at the fresh database and a temporary data directory."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        workspace="default",
        allow_private_urls=True,
    )
