"""The `groundswell` command line: init, brands, import, analyze, serve, demo, eval."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.context import AppContext, open_context
from api.services.errors import DomainError
from models.db import DatabaseNotInitialised, DataDirError
from models.settings import Settings

app = typer.Typer(
    help="Groundswell: self-hosted social listening and sentiment monitor.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
brands_app = typer.Typer(help="Manage the brands a workspace listens for.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys for the REST API and dashboard.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure the NLP components on labelled data.", no_args_is_help=True)
app.add_typer(brands_app, name="brands")
app.add_typer(keys_app, name="keys")
app.add_typer(eval_app, name="eval")

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Turn the errors a user can fix into one clear line and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (DataDirError, DatabaseNotInitialised, DomainError, FileNotFoundError) as exc:
            detail = exc.detail if isinstance(exc, DomainError) else str(exc)
            err_console.print(f"[bold red]error:[/] {detail}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def settings() -> Settings:
    """Read settings once per process (environment and .env)."""
    return Settings()


def context(*, create: bool = False, check_schema: bool = True) -> AppContext:
    """Open the configured database."""
    return open_context(settings(), create=create, check_schema=check_schema)


def progress_bar() -> Progress:
    """A Rich progress bar for anything that takes more than a second."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


@app.command()
@friendly_errors
def init() -> None:
    """Create the data directory and database schema, and the default workspace."""
    from api.services.workspaces import get_or_create_workspace
    from models.db import migrate, session_scope

    ctx = context(create=True, check_schema=False)
    migrate(ctx.engine)
    with session_scope(ctx.engine) as session:
        workspace = get_or_create_workspace(session, ctx.settings.workspace)
    url = ctx.engine.url.render_as_string(hide_password=True)
    console.print(f"Initialised [bold]{url}[/] with workspace [bold]{workspace.name}[/].")


# --- brands -----------------------------------------------------------------------------


@brands_app.command("add")
@friendly_errors
def brands_add(
    name: Annotated[str, typer.Argument(help="Brand name.")],
    alias: Annotated[
        list[str] | None, typer.Option("--alias", "-a", help="Alias (repeat).")
    ] = None,
    handle: Annotated[
        list[str] | None, typer.Option("--handle", help="The brand's own account (repeat).")
    ] = None,
    competitor_group: Annotated[
        str | None, typer.Option("--group", "-g", help="Competitor group.")
    ] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Boolean query.")] = None,
) -> None:
    """Add a brand, with aliases, own handles, a competitor group and a boolean query."""
    from api.services.brands import create_brand
    from api.services.workspaces import get_workspace
    from models.brand import BrandCreate
    from models.db import session_scope

    ctx = context()
    with session_scope(ctx.engine) as session:
        workspace = get_workspace(session, ctx.settings.workspace)
        data = BrandCreate(
            name=name,
            aliases=alias or [],
            handles=handle or [],
            competitor_group=competitor_group,
            query=query,
        )
        brand = create_brand(session, workspace.id or 0, data)
        console.print(f"Added brand [bold]{brand.name}[/] (id {brand.id}).")


@brands_app.command("list")
@friendly_errors
def brands_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the workspace's brands."""
    from api.services.brands import list_brands
    from api.services.workspaces import get_workspace
    from models.db import session_scope

    ctx = context()
    with session_scope(ctx.engine) as session:
        workspace = get_workspace(session, ctx.settings.workspace)
        brands = list_brands(session, workspace.id or 0)
        if as_json:
            rows = [
                b.model_dump(
                    include={"id", "name", "aliases", "handles", "competitor_group", "query"}
                )
                for b in brands
            ]
            print(json.dumps(rows, ensure_ascii=False))
            return
        table = Table("id", "name", "aliases", "handles", "group", "query")
        for b in brands:
            table.add_row(
                str(b.id),
                b.name,
                ", ".join(b.aliases),
                ", ".join(b.handles),
                b.competitor_group or "",
                b.query or "",
            )
        console.print(table)


@brands_app.command("remove")
@friendly_errors
def brands_remove(name: Annotated[str, typer.Argument(help="Brand name.")]) -> None:
    """Remove a brand (its mentions stay; their links to it go)."""
    from api.services.brands import find_brand, remove_brand
    from api.services.workspaces import get_workspace
    from models.db import session_scope

    ctx = context()
    with session_scope(ctx.engine) as session:
        workspace = get_workspace(session, ctx.settings.workspace)
        brand = find_brand(session, workspace.id or 0, name)
        remove_brand(session, workspace.id or 0, brand.id or 0)
        console.print(f"Removed brand [bold]{name}[/].")


# --- keys -------------------------------------------------------------------------------


@keys_app.command("create")
@friendly_errors
def keys_create(
    name: Annotated[str, typer.Argument(help="A label for the key.")],
    admin: Annotated[bool, typer.Option("--admin", help="Admin role (default: read).")] = False,
) -> None:
    """Create an API key; the secret is printed once and never stored."""
    from api.services.workspaces import create_api_key, get_workspace
    from models import ApiKeyRole
    from models.db import session_scope

    ctx = context()
    with session_scope(ctx.engine) as session:
        workspace = get_workspace(session, ctx.settings.workspace)
        role = ApiKeyRole.admin if admin else ApiKeyRole.read
        key, secret = create_api_key(session, workspace.id or 0, name, role)
    console.print(f"Created {role.value} key {key.prefix}… (id {key.id}). Secret, shown once:")
    print(secret)


@keys_app.command("list")
@friendly_errors
def keys_list() -> None:
    """List API keys (never their secrets)."""
    from api.services.workspaces import get_workspace, list_api_keys
    from models.db import session_scope

    ctx = context()
    with session_scope(ctx.engine) as session:
        workspace = get_workspace(session, ctx.settings.workspace)
        table = Table("id", "name", "role", "prefix", "created", "last used", "revoked")
        for k in list_api_keys(session, workspace.id or 0):
            table.add_row(
                str(k.id),
                k.name,
                k.role.value,
                k.prefix,
                f"{k.created_at:%Y-%m-%d}",
                f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "",
                "yes" if k.revoked else "",
            )
        console.print(table)


@keys_app.command("revoke")
@friendly_errors
def keys_revoke(key_id: Annotated[int, typer.Argument(help="Key id.")]) -> None:
    """Revoke an API key."""
    from api.services.workspaces import get_workspace, revoke_api_key
    from models.db import session_scope

    ctx = context()
    with session_scope(ctx.engine) as session:
        workspace = get_workspace(session, ctx.settings.workspace)
        revoke_api_key(session, workspace.id or 0, key_id)
    console.print(f"Revoked key {key_id}.")


# --- import -----------------------------------------------------------------------------


@app.command("import")
@friendly_errors
def import_file(
    file: Annotated[Path, typer.Argument(help="A JSONL or CSV file.")],
    fmt: Annotated[str | None, typer.Option("--format", help="jsonl or csv.")] = None,
    source: Annotated[str, typer.Option(help="Source name for rows without one.")] = "import",
    text_field: Annotated[str, typer.Option(help="Field with the text.")] = "text",
    time_field: Annotated[str, typer.Option(help="Field with the time.")] = "created_at",
    id_field: Annotated[str, typer.Option(help="Field with the id.")] = "id",
    author_field: Annotated[str, typer.Option(help="Field with the author.")] = "author",
    brand_field: Annotated[str, typer.Option(help="Field naming the brand.")] = "brand",
    lang_field: Annotated[str, typer.Option(help="Field with the language.")] = "lang",
    url_field: Annotated[str, typer.Option(help="Field with the URL.")] = "url",
) -> None:
    """Import mentions from a file; malformed lines are reported and skipped.

    Exits 1 if any line was skipped. Importing the same file twice adds nothing.
    """
    from api.services.imports import import_path
    from api.services.workspaces import get_workspace
    from listener.fileimport import FieldMap
    from models.db import session_scope

    fields = FieldMap(
        text=text_field,
        time=time_field,
        id=id_field,
        author=author_field,
        brand=brand_field,
        lang=lang_field,
        url=url_field,
    )
    ctx = context()
    with session_scope(ctx.engine) as session, progress_bar() as progress:
        workspace = get_workspace(session, ctx.settings.workspace)
        task = progress.add_task(f"importing {file.name}", total=None)
        result = import_path(
            session,
            workspace.id or 0,
            file,
            fields,
            fmt=fmt,
            default_source=source,
            on_progress=lambda n: progress.update(task, completed=n),
        )
    for problem in result.problems[:50]:
        typer.echo(f"skipped {problem}", err=True)
    if len(result.problems) > 50:
        err_console.print(f"… and {len(result.problems) - 50} more skipped lines")
    r = result.report
    console.print(
        f"Read {result.lines} records: {r.inserted} new, {r.duplicates} already present, "
        f"{r.near_duplicates} near-duplicates linked, {len(result.problems)} skipped; "
        f"{r.brand_links} brand links, {r.unmatched} matched no brand."
    )
    for hint, count in sorted(r.unknown_brand_hints.items()):
        err_console.print(f"[yellow]note[/] {count} rows name unknown brand {hint!r}")
    if result.problems:
        raise typer.Exit(1)


# --- analyze ----------------------------------------------------------------------------


@app.command()
@friendly_errors
def analyze(
    reanalyze: Annotated[
        bool, typer.Option("--reanalyze", help="Score every mention again (after a model change).")
    ] = False,
    batch_size: Annotated[
        int | None, typer.Option(help="Mentions per batch (default: a worker's analyze job).")
    ] = None,
) -> None:
    """Run the NLP stages (language, sentiment, harm claims, alerts) over new mentions."""
    from api.cli_crisis import channels_from_settings
    from api.services.analysis import build_pipeline, run_analysis
    from api.services.detection import run_detection
    from api.services.jobs import DEFAULT_ANALYZE_BATCH
    from api.services.workspaces import get_workspace
    from models.db import session_scope

    ctx = context()
    nlp = build_pipeline(ctx.settings)
    with session_scope(ctx.engine) as session, progress_bar() as progress:
        workspace = get_workspace(session, ctx.settings.workspace)
        task = progress.add_task("analysing", total=None)
        done = run_analysis(
            session,
            workspace.id or 0,
            nlp,
            reanalyze=reanalyze,
            batch_size=batch_size or DEFAULT_ANALYZE_BATCH,
            on_progress=lambda n, total: progress.update(task, completed=n, total=total),
        )
        alerts = run_detection(
            session,
            workspace.id or 0,
            bucket_minutes=ctx.settings.bucket_minutes,
            channels=channels_from_settings(ctx.settings),
        )
    console.print(f"Analysed {done} mentions with {nlp.sentiment.version}; {alerts} alerts open.")


# --- eval -------------------------------------------------------------------------------


def read_labelled_rows(path: Path, label_field: str = "label") -> tuple[list[dict[str, Any]], int]:
    """Read JSONL rows that have `text` and a label; report bad lines on stderr.

    Returns:
        The good rows and the number of skipped lines.
    """
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    rows: list[dict[str, Any]] = []
    skipped = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8", errors="replace"))
                if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                    raise ValueError("expected an object with a string 'text'")
                if row.get(label_field) in (None, ""):
                    raise ValueError(f"missing {label_field!r}")
            except (ValueError, json.JSONDecodeError) as exc:
                typer.echo(f"skipped {path}:{number}: {exc}", err=True)
                skipped += 1
                continue
            rows.append(row)
    return rows, skipped


@eval_app.command("sentiment")
@friendly_errors
def eval_sentiment(
    data: Annotated[Path, typer.Option("--data", help="JSONL with text, label, optional lang.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    model: Annotated[
        str | None, typer.Option(help="Model spec (default: the configured one).")
    ] = None,
    detect_language: Annotated[
        bool, typer.Option(help="Detect the language of rows without `lang`.")
    ] = True,
) -> None:
    """Score the sentiment model on labelled rows: accuracy, macro recall/F1, per language."""
    from nlp.langid import LanguageIdentifier
    from nlp.metrics import classification_report
    from nlp.sentiment import LABELS, load_sentiment_model

    cfg = settings()
    rows, _ = read_labelled_rows(data)
    bad = [r["label"] for r in rows if str(r["label"]).lower() not in LABELS]
    if bad:
        raise FileNotFoundError(f"unknown labels {sorted(set(map(str, bad)))[:5]}: use {LABELS}")
    if not rows:
        raise FileNotFoundError(f"{data} has no usable rows")
    label_map = json.loads(cfg.sentiment_label_map) if cfg.sentiment_label_map else None
    sentiment = load_sentiment_model(
        model or cfg.sentiment_model,
        label_map=label_map,
        device=cfg.device,
        batch_size=cfg.sentiment_batch_size,
    )
    texts = [r["text"] for r in rows]
    langs: list[str | None] = [r.get("lang") or None for r in rows]
    if detect_language and any(lang is None for lang in langs):
        missing = [i for i, lang in enumerate(langs) if lang is None]
        found = LanguageIdentifier().detect([texts[i] for i in missing])
        for i, lang in zip(missing, found, strict=True):
            langs[i] = lang
    predicted = [r.label for r in sentiment.predict(texts, langs=langs)]
    report = classification_report([str(r["label"]).lower() for r in rows], predicted, langs=langs)
    report["model_version"] = sentiment.version
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    console.print(
        f"n={report['n']}  accuracy={report['accuracy']:.3f}  "
        f"macro_recall={report['macro_recall']:.3f}  macro_f1={report['macro_f1']:.3f}  "
        f"({sentiment.version})"
    )
    table = Table("lang", "n", "accuracy", "macro recall", "macro F1", title="Per language")
    for lang, m in sorted(report["per_lang"].items()):
        table.add_row(
            lang,
            str(m["n"]),
            f"{m['accuracy']:.3f}",
            f"{m['macro_recall']:.3f}",
            f"{m['macro_f1']:.3f}",
        )
    console.print(table)
    labels = report.get("labels", list(LABELS))
    confusion = Table("true \\ predicted", *labels, title="Confusion matrix")
    for label, row in zip(labels, report["confusion"], strict=True):
        confusion.add_row(label, *map(str, row))
    console.print(confusion)


# --- serve / demo -----------------------------------------------------------------------


@app.command()
@friendly_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
) -> None:
    """Serve the REST API and the dashboard."""
    import uvicorn

    from api.main import create_app

    ctx = context()
    uvicorn.run(
        create_app(ctx.settings),
        host=host or ctx.settings.host,
        port=port or ctx.settings.port,
        log_level="info",
    )


@app.command()
@friendly_errors
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the dashboard after the summary.")
    ] = True,
    days: Annotated[int, typer.Option(help="Simulated days.", min=2, max=120)] = 14,
    seed: Annotated[int, typer.Option(help="Simulator seed.")] = 7,
    port: Annotated[int | None, typer.Option(help="Port for the dashboard.")] = None,
) -> None:
    """Run the whole monitor on simulated data, print a summary, then serve the dashboard."""
    from api.services.demo import print_summary, run_demo

    base = settings()
    demo_settings = base.model_copy(
        update={"database_url": None, "data_dir": base.data_dir / "demo", "workspace": "demo"}
    )
    with progress_bar() as progress:
        result = run_demo(demo_settings, days=days, seed=seed, progress=progress)
    print_summary(console, result)
    if not serve_after:
        return
    import uvicorn

    from api.main import create_app

    bind_port = port or demo_settings.port
    console.print(
        f"\nDashboard: [bold]http://{demo_settings.host}:{bind_port}/[/]  "
        f"(API key: [bold]{result.api_key}[/])  — Ctrl-C to stop."
    )
    uvicorn.run(
        create_app(demo_settings), host=demo_settings.host, port=bind_port, log_level="warning"
    )


def _register_extensions() -> None:
    """Add the command groups that live in their own modules."""
    from api import cli_crisis, cli_listen, cli_topics, cli_worker

    cli_listen.register(app)
    cli_crisis.register(app)
    cli_topics.register(app)
    cli_worker.register(app)


_register_extensions()


def main() -> None:
    """Entry point for `python -m api.cli`."""
    app()


if __name__ == "__main__":
    main()
