"""The `groundswell listen` command and the `groundswell sources` sub-commands.

`register(app)` adds them to the main Typer app; call it after `api.cli` has
defined its helpers (it imports `friendly_errors`, `context` and the consoles
from there when called). Registering twice is harmless.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from api.services.listen import PassResult


def register(app: typer.Typer) -> None:
    """Add ``listen`` and the ``sources`` group to `app` (idempotent).

    Args:
        app: The `groundswell` Typer application.
    """
    if any(getattr(c, "name", None) == "listen" for c in app.registered_commands):
        return
    from api import cli as base

    sources_app = typer.Typer(
        help="Manage the sources (feeds, searches, channels) a workspace collects from.",
        no_args_is_help=True,
    )
    app.add_typer(sources_app, name="sources")

    @app.command("listen")
    @base.friendly_errors
    def listen(
        once: Annotated[
            bool, typer.Option("--once", help="Run each source a single pass, then exit.")
        ] = False,
        source: Annotated[
            list[str] | None,
            typer.Option("--source", "-s", help="Only this source, even if disabled (repeat)."),
        ] = None,
    ) -> None:
        """Collect mentions from every enabled source on its interval until stopped.

        Stops gracefully on SIGTERM or Ctrl-C: the batch being stored is finished
        and committed first. With --once, exits 1 if any source failed.
        """
        from api.services.listen import Listener, run_listener
        from api.services.workspaces import get_workspace
        from models.db import session_scope

        ctx = base.context()
        with session_scope(ctx.engine) as session:
            workspace_id = get_workspace(session, ctx.settings.workspace).id or 0
        defaults = {}
        if ctx.settings.youtube_api_key:
            defaults["youtube"] = {"api_key": ctx.settings.youtube_api_key}
        listener = Listener(
            ctx.engine,
            workspace_id,
            source_names=source,
            allow_private=ctx.settings.allow_private_urls,
            collector_defaults=defaults,
            on_pass=_print_pass,
        )
        mode = "one pass of each source" if once else "until stopped (Ctrl-C)"
        base.err_console.print(f"Listening {mode}.", highlight=False)
        summary = run_listener(listener, once=once)
        if once and not summary.passes:
            base.err_console.print(
                "No enabled sources: add one with `groundswell sources add`.", highlight=False
            )
        base.console.print(
            f"{summary.passes} passes: {summary.inserted} new mentions of {summary.fetched} "
            f"fetched; {summary.failures} failed.",
            highlight=False,
        )
        if once and summary.failures:
            raise typer.Exit(1)

    @sources_app.command("add")
    @base.friendly_errors
    def sources_add(
        name: Annotated[str, typer.Argument(help="A name for the source.")],
        kind: Annotated[str, typer.Option("--kind", "-k", help="Collector kind, e.g. rss.")],
        query: Annotated[
            str, typer.Option("--query", "-q", help="Feed URL, search terms, hashtag or app id.")
        ] = "",
        config: Annotated[
            list[str] | None,
            typer.Option("--config", "-c", help="Collector setting key=value (repeat)."),
        ] = None,
        interval: Annotated[
            int, typer.Option("--interval", help="Seconds between passes.", min=10)
        ] = 300,
        disabled: Annotated[bool, typer.Option("--disabled", help="Add it switched off.")] = False,
    ) -> None:
        """Add a source; its kind and config are checked before it is stored."""
        from pydantic import ValidationError

        from api.services.errors import Invalid
        from api.services.sources import create_source, parse_config_pairs
        from api.services.workspaces import get_workspace
        from models.db import session_scope
        from models.source import SourceCreate

        try:
            data = SourceCreate(
                name=name,
                kind=kind,
                query=query,
                config=parse_config_pairs(config or []),
                interval_seconds=interval,
                enabled=not disabled,
            )
        except ValidationError as exc:
            raise Invalid(_validation_message(exc)) from None
        ctx = base.context()
        with session_scope(ctx.engine) as session:
            workspace = get_workspace(session, ctx.settings.workspace)
            created = create_source(session, workspace.id or 0, data)
            base.console.print(
                f"Added {created.kind} source [bold]{created.name}[/] (id {created.id}), "
                f"every {created.interval_seconds} s."
            )

    @sources_app.command("list")
    @base.friendly_errors
    def sources_list(
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the workspace's sources with their health."""
        from rich.table import Table

        from api.services.sources import list_sources
        from api.services.workspaces import get_workspace
        from models.db import session_scope

        ctx = base.context()
        with session_scope(ctx.engine) as session:
            workspace = get_workspace(session, ctx.settings.workspace)
            sources = list_sources(session, workspace.id or 0)
            if as_json:
                rows = [
                    s.model_dump(
                        mode="json",
                        include={
                            "id",
                            "name",
                            "kind",
                            "query",
                            "config",
                            "enabled",
                            "interval_seconds",
                            "cursor",
                            "last_run_at",
                            "last_success_at",
                            "last_error",
                            "consecutive_failures",
                        },
                    )
                    for s in sources
                ]
                print(json.dumps(rows, ensure_ascii=False))
                return
            table = Table(
                "id",
                "name",
                "kind",
                "query",
                "every",
                "on",
                "last success",
                "failures",
                "last error",
            )
            for s in sources:
                table.add_row(
                    str(s.id),
                    s.name,
                    s.kind,
                    s.query,
                    f"{s.interval_seconds}s",
                    "yes" if s.enabled else "no",
                    f"{s.last_success_at:%Y-%m-%d %H:%M}" if s.last_success_at else "",
                    str(s.consecutive_failures),
                    (s.last_error or "")[:80],
                )
            base.console.print(table)

    @sources_app.command("remove")
    @base.friendly_errors
    def sources_remove(name: Annotated[str, typer.Argument(help="Source name.")]) -> None:
        """Remove a source and its run history (its mentions stay)."""
        from api.services.sources import find_source, remove_source
        from api.services.workspaces import get_workspace
        from models.db import session_scope

        ctx = base.context()
        with session_scope(ctx.engine) as session:
            workspace = get_workspace(session, ctx.settings.workspace)
            found = find_source(session, workspace.id or 0, name)
            remove_source(session, workspace.id or 0, found.id or 0)
            base.console.print(f"Removed source [bold]{found.name}[/].")


def _print_pass(result: PassResult) -> None:
    from api import cli as base

    if result.status == "error":
        base.err_console.print(
            f"[red]✗[/] {result.name} ({result.kind}): {result.error}", highlight=False
        )
        return
    note = " (stopped)" if result.status == "stopped" else ""
    base.console.print(
        f"[green]✓[/] {result.name} ({result.kind}): {result.inserted} new of "
        f"{result.fetched} fetched{note}",
        highlight=False,
    )


def _validation_message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors()]
        return "; ".join(parts)
    return str(exc)
