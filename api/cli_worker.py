"""The `groundswell worker` command and the `groundswell jobs` sub-commands.

`register(app)` adds them to the main Typer app (idempotent); see `api.cli_listen`
for the pattern.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from api.context import AppContext
    from api.services.jobs import ClaimedJob, HandlerEnv


def handler_env(ctx: AppContext, *, analyze_batch: int | None = None) -> HandlerEnv:
    """The built-in handlers' settings, from the configured Settings.

    Args:
        ctx: The opened context.
        analyze_batch: Mentions per analyze job; default: the handlers' default.

    Returns:
        The environment a `Worker` runs its handlers with.
    """
    from api.cli_crisis import channels_from_settings
    from api.services.analysis import build_pipeline
    from api.services.jobs import DEFAULT_ANALYZE_BATCH, HandlerEnv

    settings = ctx.settings
    defaults: dict[str, dict[str, Any]] = {}
    if settings.youtube_api_key:
        defaults["youtube"] = {"api_key": settings.youtube_api_key}
    return HandlerEnv(
        nlp_factory=lambda: build_pipeline(settings),
        analyze_batch=analyze_batch or DEFAULT_ANALYZE_BATCH,
        bucket_minutes=settings.bucket_minutes,
        channels=channels_from_settings(settings),
        allow_private=settings.allow_private_urls,
        collector_defaults=defaults,
    )


def register(app: typer.Typer) -> None:
    """Add ``worker`` and the ``jobs`` group to `app` (idempotent).

    Args:
        app: The `groundswell` Typer application.
    """
    if any(getattr(c, "name", None) == "worker" for c in app.registered_commands):
        return
    from api import cli as base

    jobs_app = typer.Typer(help="Inspect and queue background jobs.", no_args_is_help=True)
    app.add_typer(jobs_app, name="jobs")

    @app.command("worker")
    @base.friendly_errors
    def worker(
        concurrency: Annotated[
            int, typer.Option("--concurrency", "-c", min=1, help="Jobs run at once (threads).")
        ] = 1,
        worker_id: Annotated[
            str | None, typer.Option("--id", help="Name in jobs' locked_by (default: host:pid).")
        ] = None,
        once: Annotated[
            bool, typer.Option("--once", help="Run the jobs that are ready, then exit.")
        ] = False,
        kinds: Annotated[
            list[str] | None,
            typer.Option("--kinds", "-k", help="Only these kinds (repeat or comma-separate)."),
        ] = None,
        schedule: Annotated[
            bool,
            typer.Option(
                "--schedule/--no-schedule",
                help="Also queue due source passes and pending analysis every 30 s.",
            ),
        ] = True,
        lease: Annotated[
            float, typer.Option("--lease", min=1.0, help="Lease seconds (renewed while running).")
        ] = 60.0,
        analyze_batch: Annotated[
            int | None, typer.Option("--analyze-batch", min=1, help="Mentions per analyze job.")
        ] = None,
        verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every job.")] = False,
    ) -> None:
        """Run background jobs (collect, analyze, detect) until stopped.

        Any number of workers, on any number of machines, can share one database.
        SIGTERM or Ctrl-C lets the jobs in progress finish first; a worker that is
        killed leaves its jobs to be retried once their lease expires.
        """
        import logging

        from api.services.jobs import Worker

        logging.basicConfig(
            level=logging.INFO if verbose else logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        ctx = base.context()
        wanted = [k.strip() for item in kinds or [] for k in item.split(",") if k.strip()]
        try:
            runner = Worker(
                ctx.engine,
                env=handler_env(ctx, analyze_batch=analyze_batch),
                worker_id=worker_id,
                concurrency=concurrency,
                kinds=wanted or None,
                lease_seconds=lease,
                schedule=schedule,
                on_job=_print_job if verbose or once else None,
            )
        except ValueError as exc:
            base.err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(2) from None
        mode = "until no job is ready" if once else "until stopped (Ctrl-C)"
        base.err_console.print(
            f"Worker {runner.worker_id} running {', '.join(runner.kinds)} jobs {mode}.",
            highlight=False,
        )
        summary = runner.run(once=once, handle_signals=True)
        base.console.print(
            f"{summary.done} jobs done, {summary.failed} failed attempts, "
            f"{summary.released} handed back, {summary.lost} lost leases; "
            f"{summary.db_errors} database errors.",
            highlight=False,
        )

    @jobs_app.command("list")
    @base.friendly_errors
    def jobs_list(
        status: Annotated[str | None, typer.Option(help="queued, running, done or failed.")] = None,
        kind: Annotated[str | None, typer.Option(help="Only this kind.")] = None,
        limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 50,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List the newest jobs, with a count per status."""
        from rich.table import Table

        from api.services.jobs import count_by_status, list_jobs
        from models.db import session_scope

        ctx = base.context()
        with session_scope(ctx.engine) as session:
            rows = list_jobs(session, status=status, kind=kind, limit=limit)
            counts = count_by_status(session)
        if as_json:
            print(
                json.dumps(
                    [r.model_dump(mode="json") for r in rows],
                    ensure_ascii=False,
                )
            )
            return
        table = Table("id", "kind", "status", "attempts", "workspace", "payload", "last error")
        for r in rows:
            table.add_row(
                str(r.id),
                r.kind,
                r.status,
                f"{r.attempts}/{r.max_attempts}",
                str(r.workspace_id or ""),
                json.dumps(r.payload)[:60],
                (r.last_error or "")[:80],
            )
        base.console.print(table)
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no jobs"
        base.console.print(summary, highlight=False)

    @jobs_app.command("enqueue")
    @base.friendly_errors
    def jobs_enqueue(
        kind: Annotated[str, typer.Argument(help="collect, analyze, detect (or a plugin's kind).")],
        source: Annotated[
            str | None, typer.Option("--source", "-s", help="collect: the source's name.")
        ] = None,
        payload: Annotated[str | None, typer.Option(help="JSON object of arguments.")] = None,
        priority: Annotated[int, typer.Option(help="Higher runs first.")] = 0,
        max_attempts: Annotated[int, typer.Option(min=1, help="Attempts before failing.")] = 5,
    ) -> None:
        """Queue a job for the workspace (a no-op if the same job is already queued)."""
        from api.services.errors import Invalid
        from api.services.jobs import dedupe_key_for, enqueue
        from api.services.sources import find_source
        from api.services.workspaces import get_workspace
        from models.db import session_scope

        try:
            args: dict[str, Any] = json.loads(payload) if payload else {}
        except json.JSONDecodeError as exc:
            raise Invalid(f"--payload is not JSON: {exc}") from None
        if not isinstance(args, dict):
            raise Invalid("--payload must be a JSON object")
        ctx = base.context()
        with session_scope(ctx.engine) as session:
            workspace_id = get_workspace(session, ctx.settings.workspace).id or 0
            if kind == "collect":
                if source is None and "source_id" not in args:
                    raise Invalid("a collect job needs --source NAME")
                if source is not None:
                    args["source_id"] = find_source(session, workspace_id, source).id
            job_id = enqueue(
                session,
                kind,
                args,
                workspace_id=workspace_id,
                priority=priority,
                max_attempts=max_attempts,
                dedupe_key=dedupe_key_for(kind, workspace_id, args),
            )
        if job_id is None:
            base.console.print(f"A {kind} job is already queued; nothing added.", highlight=False)
        else:
            base.console.print(f"Queued {kind} job {job_id}.", highlight=False)

    @jobs_app.command("retry")
    @base.friendly_errors
    def jobs_retry(
        job_ids: Annotated[
            list[int] | None, typer.Argument(help="Failed jobs to queue again.")
        ] = None,
        all_failed: Annotated[bool, typer.Option("--all-failed", help="Every failed job.")] = False,
        attempts: Annotated[int, typer.Option(min=1, help="More attempts each gets.")] = 1,
    ) -> None:
        """Queue failed jobs again."""
        from api.services.errors import Invalid
        from api.services.jobs import retry_jobs
        from models.db import session_scope

        if not job_ids and not all_failed:
            raise Invalid("name job ids or pass --all-failed")
        ctx = base.context()
        with session_scope(ctx.engine) as session:
            count = retry_jobs(session, None if all_failed else job_ids, attempts=attempts)
        base.console.print(f"Queued {count} failed job(s) again.", highlight=False)


def _print_job(job: ClaimedJob, outcome: str, detail: str) -> None:
    from api import cli as base

    colour = {"done": "green", "retry": "yellow", "released": "yellow"}.get(outcome, "red")
    base.err_console.print(
        f"[{colour}]{outcome}[/] job {job.id} ({job.kind}, attempt {job.attempt}) {detail}",
        highlight=False,
    )
