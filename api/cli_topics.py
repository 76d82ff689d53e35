"""The `groundswell topics` commands and `groundswell eval topics`.

`register(app)` adds a ``topics`` group (fit, list, show) to the main Typer app and a
``topics`` command to its ``eval`` group; call it after `api.cli` has defined its helpers.
Registering twice is harmless.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer


def register(app: typer.Typer) -> None:
    """Add ``topics fit|list|show`` and ``eval topics`` to `app` (idempotent).

    Args:
        app: The `groundswell` Typer application.
    """
    from api import cli as base

    if any(getattr(g, "name", None) == "topics" for g in app.registered_groups):
        return
    topics_app = typer.Typer(
        help="Themes of the mentions: fit them, list them, show one.", no_args_is_help=True
    )
    app.add_typer(topics_app, name="topics")

    def modeler(backend: str, threads: int | None) -> Any:
        from api.services.topics import default_modeler

        data_dir = base.settings().data_dir
        return default_modeler(data_dir, backend=backend, num_threads=threads)

    @topics_app.command("fit")
    @base.friendly_errors
    def topics_fit(
        brand: Annotated[
            str | None, typer.Option("--brand", "-b", help="Only this brand's mentions.")
        ] = None,
        days: Annotated[int, typer.Option(help="Days of mentions to model.", min=1)] = 30,
        max_posts: Annotated[int, typer.Option(help="Most recent mentions used.", min=1)] = 100_000,
        backend: Annotated[str, typer.Option(help="Encoder backend: onnx or torch.")] = "onnx",
        threads: Annotated[int | None, typer.Option(help="Encoder threads.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Find the topics of the last DAYS of mentions; known topics keep their ids."""
        from api.services.brands import find_brand
        from api.services.topics import fit_topics
        from api.services.workspaces import get_workspace
        from models.db import session_scope

        ctx = base.context()
        model = modeler(backend, threads)
        with session_scope(ctx.engine) as session:
            workspace = get_workspace(session, ctx.settings.workspace)
            brand_id = find_brand(session, workspace.id or 0, brand).id if brand else None
            with base.err_console.status("fitting topics") as status:
                refit = fit_topics(
                    session,
                    workspace.id or 0,
                    model,
                    brand_id=brand_id,
                    days=days,
                    max_posts=max_posts,
                    on_progress=lambda stage: status.update(stage),
                )
        if as_json:
            print(
                json.dumps(
                    {
                        "posts": refit.n_posts,
                        "distinct": refit.n_unique,
                        "topics": refit.n_topics,
                        "outlier_share": round(refit.outlier_share, 4),
                        "method": refit.method,
                        "message": refit.message,
                        "continued": refit.continued,
                        "created": refit.created,
                        "retired": refit.retired,
                        "emerging": [e.__dict__ for e in refit.emerging],
                        "model_version": refit.model_version,
                        "seconds": round(refit.seconds, 2),
                    },
                    ensure_ascii=False,
                    default=str,
                )
            )
            return
        if refit.message:
            base.err_console.print(f"[yellow]note[/] {refit.message}", highlight=False)
        base.console.print(
            f"Modelled {refit.n_posts} mentions ({refit.n_unique} distinct) into "
            f"{refit.n_topics} topics in {refit.seconds:.1f} s; "
            f"{refit.outlier_share:.0%} without a topic. "
            f"{len(refit.continued)} continued, {len(refit.created)} new, "
            f"{len(refit.retired)} retired."
        )
        for item in refit.emerging:
            base.console.print(
                f"  emerging [bold]#{item.topic_id}[/] {item.label}: {item.evidence}",
                highlight=False,
            )

    @topics_app.command("list")
    @base.friendly_errors
    def topics_list(
        brand: Annotated[
            str | None, typer.Option("--brand", "-b", help="Only this brand's topics.")
        ] = None,
        show_all: Annotated[bool, typer.Option("--all", help="Include retired topics.")] = False,
        limit: Annotated[int, typer.Option(help="Topics shown.", min=1)] = 50,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List topics, largest first, with their negative share."""
        from rich.table import Table

        from api.services.brands import find_brand
        from api.services.topics import list_topics
        from api.services.workspaces import get_workspace
        from models.db import session_scope

        ctx = base.context()
        with session_scope(ctx.engine) as session:
            workspace = get_workspace(session, ctx.settings.workspace)
            brand_id = find_brand(session, workspace.id or 0, brand).id if brand else None
            rows = list_topics(
                session,
                workspace.id or 0,
                brand_id=brand_id,
                active=None if show_all else True,
                limit=limit,
            )
        if as_json:
            print(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False))
            return
        if not rows:
            base.console.print("No topics yet: run [bold]groundswell topics fit[/].")
            return
        table = Table("id", "label", "size", "negative", "keywords", "first seen")
        for r in rows:
            label = r.label if r.active else f"{r.label} (retired)"
            negative = f"{r.negative_share:.0%}" if r.negative_share is not None else ""
            table.add_row(
                str(r.id),
                label,
                str(r.size),
                negative,
                ", ".join(r.keywords[:6]),
                f"{r.first_seen_at:%Y-%m-%d}",
            )
        base.console.print(table)

    @topics_app.command("show")
    @base.friendly_errors
    def topics_show(
        topic_id: Annotated[int, typer.Argument(help="Topic id.")],
        posts: Annotated[int, typer.Option(help="Representative posts shown.", min=1)] = 5,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Show a topic: keywords, negative share, sentiment split, representative posts."""
        from api.services.topics import topic_detail
        from api.services.workspaces import get_workspace
        from models.db import session_scope

        ctx = base.context()
        with session_scope(ctx.engine) as session:
            workspace = get_workspace(session, ctx.settings.workspace)
            detail = topic_detail(session, workspace.id or 0, topic_id, n_posts=posts)
        s = detail.summary
        if as_json:
            print(
                json.dumps(
                    {
                        **s.model_dump(mode="json"),
                        "sentiment": detail.sentiment,
                        "emerging": detail.emerging,
                        "representatives": [
                            {
                                "id": p.id,
                                "text": p.text,
                                "created_at": p.created_at.isoformat(),
                                "sentiment": p.sentiment,
                            }
                            for p in detail.representatives
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        status = "" if s.active else " (retired)"
        base.console.print(f"[bold]#{s.id} {s.label}[/]{status}", highlight=False)
        base.console.print(f"keywords: {', '.join(s.keywords)}", highlight=False)
        negative = f"{s.negative_share:.0%}" if s.negative_share is not None else "n/a"
        split = ", ".join(f"{k} {v}" for k, v in sorted(detail.sentiment.items()))
        base.console.print(f"{s.size} mentions; negative {negative} ({split})")
        base.console.print(
            f"first seen {s.first_seen_at:%Y-%m-%d}, updated {s.updated_at:%Y-%m-%d}"
        )
        if detail.emerging:
            base.console.print(f"[bold yellow]emerging[/]: {detail.emerging.get('evidence')}")
        for post in detail.representatives:
            text = post.text.replace("\n", " ")
            base.console.print(
                f"  • [{post.sentiment or '-'}] {text[:200]}", highlight=False, markup=False
            )

    @base.eval_app.command("topics")
    @base.friendly_errors
    def eval_topics(
        data: Annotated[Path, typer.Option("--data", help="A JSON Lines file of posts.")],
        label_field: Annotated[str, typer.Option("--label-field", help="Field with the label.")],
        text_field: Annotated[str, typer.Option("--text-field", help="Field with the text.")] = (
            "text"
        ),
        limit: Annotated[int | None, typer.Option(help="Read at most this many posts.")] = None,
        baseline: Annotated[
            bool, typer.Option("--baseline/--no-baseline", help="Also score BERTopic defaults.")
        ] = True,
        backend: Annotated[str, typer.Option(help="Encoder backend: onnx or torch.")] = "onnx",
        threads: Annotated[int | None, typer.Option(help="Encoder threads.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Fit topics on a labelled file; report NMI/ARI against the labels, NPMI, diversity."""
        from api.services.topics import evaluate_topics, read_labelled_jsonl

        texts, labels, skipped = read_labelled_jsonl(
            data, text_field=text_field, label_field=label_field, limit=limit
        )
        if skipped:
            base.err_console.print(f"[yellow]note[/] skipped {skipped} lines without {text_field}")
        if not any(labels):
            base.err_console.print(f"[yellow]note[/] no row has {label_field!r}: NMI and ARI are 0")
        model = modeler(backend, threads)
        with base.err_console.status("evaluating") as status:
            result = evaluate_topics(
                texts, labels, model, baseline=baseline, on_progress=lambda s: status.update(s)
            )
        if result.message:
            base.err_console.print(f"[yellow]note[/] {result.message}", highlight=False)
        if as_json:
            print(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        from rich.table import Table

        table = Table("model", "n", "topics", "outliers", "NMI", "ARI", "NPMI", "diversity", "s")
        rows = [("groundswell", result.ours)]
        if result.baseline is not None:
            rows.append(("BERTopic defaults", result.baseline))
        for name, s in rows:
            table.add_row(
                name,
                str(s.n),
                str(s.n_topics),
                f"{s.outlier_share:.1%}",
                f"{s.nmi:.3f}",
                f"{s.ari:.3f}",
                f"{s.npmi:.3f}",
                f"{s.diversity:.3f}",
                f"{s.seconds:.1f}",
            )
        base.console.print(table)
        base.console.print(
            f"{result.ours.n_labelled} labelled posts; encoder {result.encoder} "
            f"({result.embed_seconds:.1f} s to embed)"
        )
        for topic in result.topics[:20]:
            base.console.print(
                f"  {topic['size']:>6}  {topic['label']}", highlight=False, markup=False
            )
