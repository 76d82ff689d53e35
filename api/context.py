"""Build the objects a command or the app needs from Settings, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from models.db import make_engine, require_schema
from models.settings import Settings


@dataclass
class AppContext:
    """Settings and the engine they describe."""

    settings: Settings
    engine: Engine


def open_context(
    settings: Settings, *, create: bool = False, check_schema: bool = True
) -> AppContext:
    """Open the database the settings name.

    Args:
        settings: The settings.
        create: Create the data directory if missing (only `init` and `demo` do).
        check_schema: Fail early if the schema was never created.

    Returns:
        The context.

    Raises:
        models.db.DataDirError: The data directory is missing or unwritable.
        models.db.DatabaseNotInitialised: The schema is missing.
    """
    engine = make_engine(settings.resolved_database_url(), create_dir=create)
    if check_schema:
        require_schema(engine)
    return AppContext(settings=settings, engine=engine)
