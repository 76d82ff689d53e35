"""Sources: create, list, update and remove configured collectors, with validation.

A source is a collector kind (``rss``, ``reddit``...; see
`listener.base.available_collectors`), a query and a config dict passed to the
collector's constructor as keywords. A config is valid when the collector can
be built from it: construction does no I/O, so an unknown key, a missing
required value or a malformed one is caught here, with the collector's own
message, before anything is stored. A few keywords are the scheduler's to set
(`RESERVED_CONFIG_KEYS`: the HTTP client, the private-address switch) and are
refused in user config, so a source cannot turn the SSRF guard off for itself.

Changing a source's query or config resets its cursor: a watermark reached
for one search says nothing about another.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from api.services.errors import Conflict, Invalid, NotFound
from listener.base import Collector, available_collectors, get_collector_factory
from models import Mention, Source, SourceRun
from models.source import SourceCreate, SourceUpdate

RESERVED_CONFIG_KEYS = frozenset({"http", "allow_private", "clock", "transport", "resolver"})
"""Constructor keywords only the scheduler sets; refused in a source's config."""


def parse_config_pairs(pairs: Iterable[str]) -> dict[str, Any]:
    """Turn CLI ``key=value`` pairs into a config dict.

    Values that are JSON literals become numbers, booleans, null, lists or
    objects (``max_pages=3``, ``local_only=true``, ``own_handles=["@a","@b"]``);
    anything else stays a string (``subreddit=sodapop``, ``own_handles=@a,@b``).

    Args:
        pairs: Strings of the form ``key=value``.

    Returns:
        The config.

    Raises:
        Invalid: A pair has no ``=`` or an empty key.
    """
    config: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise Invalid(f"config must be key=value, got {pair!r}")
        value: Any = raw
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        config[key] = value
    return config


def _accepts(factory: Callable[..., Any], name: str) -> bool:
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False
    return name in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def collector_kwargs(
    factory: Callable[..., Any],
    config: Mapping[str, Any],
    *,
    defaults: Mapping[str, Any] | None = None,
    injected: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge defaults, a source's config and scheduler-injected values for a factory.

    Defaults and injected values are passed only if the factory takes them (the
    simulator has no ``http``); config values always are, so typos surface.

    Args:
        factory: The collector class or factory.
        config: The source's config.
        defaults: Values the config may override (an API key from settings).
        injected: Values that override the config (the HTTP client, ``allow_private``).

    Returns:
        Keyword arguments for the factory.
    """
    kwargs = {k: v for k, v in (defaults or {}).items() if v is not None and _accepts(factory, k)}
    kwargs.update(config)
    kwargs.update({k: v for k, v in (injected or {}).items() if _accepts(factory, k)})
    return kwargs


def build_collector(
    kind: str,
    config: Mapping[str, Any],
    *,
    defaults: Mapping[str, Any] | None = None,
    injected: Mapping[str, Any] | None = None,
) -> Collector:
    """Build the collector a source describes.

    Args:
        kind: A registered collector kind.
        config: The source's config.
        defaults: See `collector_kwargs`.
        injected: See `collector_kwargs`.

    Returns:
        The collector (no I/O done yet).

    Raises:
        Invalid: The kind is unknown or the collector refuses the config.
    """
    try:
        factory = get_collector_factory(kind)
    except KeyError as exc:
        raise Invalid(str(exc.args[0]) if exc.args else f"unknown source kind {kind!r}") from exc
    except (ImportError, AttributeError) as exc:
        raise Invalid(f"source kind {kind!r} cannot be loaded: {exc}") from exc
    try:
        return factory(**collector_kwargs(factory, config, defaults=defaults, injected=injected))
    except (TypeError, ValueError) as exc:
        raise Invalid(f"invalid config for a {kind} source: {exc}") from exc


def validate_source(kind: str, query: str, config: Mapping[str, Any]) -> None:
    """Check a source's kind and config by building its collector.

    Args:
        kind: The collector kind.
        query: The source's query (checked for length only; meaning is per kind).
        config: The collector's config.

    Raises:
        Invalid: Unknown kind, reserved or rejected config keys, or a bad value.
    """
    reserved = sorted(RESERVED_CONFIG_KEYS & set(config))
    if reserved:
        raise Invalid(f"config keys set by the listener, not by a source: {', '.join(reserved)}")
    if kind not in available_collectors():
        known = ", ".join(sorted(available_collectors()))
        raise Invalid(f"unknown source kind {kind!r}; known: {known}")
    if len(query) > 2000:
        raise Invalid("query is longer than 2000 characters")
    build_collector(kind, config)


def list_sources(session: Session, workspace_id: int) -> list[Source]:
    """Return the workspace's sources by name."""
    statement = select(Source).where(Source.workspace_id == workspace_id).order_by(Source.name)
    return list(session.execute(statement).scalars())


def get_source(session: Session, workspace_id: int, source_id: int) -> Source:
    """Return one source of the workspace.

    Raises:
        NotFound: No such source in this workspace.
    """
    source = session.get(Source, source_id)
    if source is None or source.workspace_id != workspace_id:
        raise NotFound(f"source {source_id} not found")
    return source


def find_source(session: Session, workspace_id: int, name: str) -> Source:
    """Return a source by name (case-insensitive).

    Raises:
        NotFound: No source of that name.
    """
    for source in list_sources(session, workspace_id):
        if source.name.casefold() == name.strip().casefold():
            return source
    raise NotFound(f"source {name!r} not found")


def create_source(session: Session, workspace_id: int, data: SourceCreate) -> Source:
    """Create a source after validating its kind, config and name.

    Raises:
        Invalid: Unknown kind or a config the collector refuses.
        Conflict: A source of that name exists.
    """
    name = data.name.strip()
    if not name:
        raise Invalid("source name must not be empty")
    validate_source(data.kind, data.query, data.config)
    if any(s.name.casefold() == name.casefold() for s in list_sources(session, workspace_id)):
        raise Conflict(f"source {name!r} already exists")
    source = Source.model_validate(
        data, update={"workspace_id": workspace_id, "name": name, "cursor": {}}
    )
    session.add(source)
    session.commit()
    session.refresh(source)
    return source


def update_source(
    session: Session, workspace_id: int, source_id: int, data: SourceUpdate
) -> Source:
    """Apply a partial update; a new query or config resets the cursor.

    Raises:
        NotFound: No such source.
        Invalid: The new config is refused.
        Conflict: The new name is taken.
    """
    source = get_source(session, workspace_id, source_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("name") is not None:
        name = str(changes["name"]).strip()
        if not name:
            raise Invalid("source name must not be empty")
        taken = any(
            s.id != source.id and s.name.casefold() == name.casefold()
            for s in list_sources(session, workspace_id)
        )
        if taken:
            raise Conflict(f"source {name!r} already exists")
        changes["name"] = name
    query: str = changes["query"] if changes.get("query") is not None else source.query
    config: dict[str, Any] = (
        changes["config"] if changes.get("config") is not None else source.config
    )
    if "query" in changes or "config" in changes:
        validate_source(source.kind, query, config)
        if query != source.query or config != source.config:
            source.cursor = {}
    for key, value in changes.items():
        if value is not None:
            setattr(source, key, value)
    session.add(source)
    session.commit()
    session.refresh(source)
    return source


def remove_source(session: Session, workspace_id: int, source_id: int) -> None:
    """Remove a source and its run history; its mentions stay, unlinked from it.

    Raises:
        NotFound: No such source.
    """
    source = get_source(session, workspace_id, source_id)
    session.execute(
        update(Mention).where(col(Mention.source_id) == source.id).values(source_id=None)
    )
    session.execute(delete(SourceRun).where(col(SourceRun.source_id) == source.id))
    session.delete(source)
    session.commit()


def list_runs(
    session: Session, workspace_id: int, source_id: int, *, limit: int = 20
) -> list[SourceRun]:
    """Return a source's most recent runs, newest first.

    Raises:
        NotFound: No such source.
    """
    get_source(session, workspace_id, source_id)
    statement = (
        select(SourceRun)
        .where(SourceRun.source_id == source_id)
        .order_by(col(SourceRun.id).desc())
        .limit(limit)
    )
    return list(session.execute(statement).scalars())
