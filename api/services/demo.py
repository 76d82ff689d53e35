"""`groundswell demo`: the whole monitor on simulated data, end to end."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlmodel import Session, func, select

from api.context import open_context
from api.services.analysis import build_pipeline, run_analysis
from api.services.analytics import BrandStats, brand_stats, share_of_voice
from api.services.brands import create_brand
from api.services.detection import AlertSummary, list_alert_summaries, run_detection
from api.services.ingest import Ingestor, IngestReport
from api.services.jobs import DEFAULT_ANALYZE_BATCH
from api.services.workspaces import create_api_key, get_or_create_workspace
from listener.simulator import ScenarioSimulator
from models import ApiKeyRole, Mention, Source
from models.brand import BrandCreate
from models.db import migrate
from models.settings import Settings
from models.timeutil import ensure_utc

# Posts the demo's topic fit reads at most (the newest): about half a minute of ONNX
# encoding on two cores, cached in the data directory.
DEMO_TOPIC_POSTS = 6_000


@dataclass
class DemoResult:
    """What the demo produced, for the summary and the tests."""

    database_url: str
    api_key: str
    ingest: IngestReport
    analysed: int
    stats: list[BrandStats]
    share_by_mentions: dict[int, float]
    share_by_reach: dict[int, float]
    alerts: list[AlertSummary]
    events: list[Any] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    topic_message: str | None = None


def run_demo(
    settings: Settings,
    *,
    days: int = 14,
    seed: int = 7,
    progress: Progress | None = None,
    topic_modeler: Any = "default",
) -> DemoResult:
    """Build a fresh demo database and run every stage on simulated mentions.

    Args:
        settings: Settings for the demo (its own data directory and workspace).
        days: Simulated days.
        seed: Simulator seed; the same seed gives the same run.
        progress: Where to show progress, if anywhere.
        topic_modeler: The topic modeler (``"default"``: the packaged MiniLM through
            ONNX, cached in the data directory; None: no topics).

    Returns:
        The figures the summary prints.
    """
    data_dir = settings.data_dir
    if data_dir.exists() and settings.database_url is None:
        shutil.rmtree(data_dir)
    ctx = open_context(settings, create=True, check_schema=False)
    migrate(ctx.engine)
    simulator = ScenarioSimulator(seed=seed, days=days)
    with Session(ctx.engine, expire_on_commit=False) as session:
        workspace = get_or_create_workspace(session, settings.workspace)
        ws = workspace.id or 0
        for spec in simulator.brands():
            create_brand(
                session,
                ws,
                BrandCreate(
                    name=spec["name"],
                    aliases=spec.get("aliases", []),
                    handles=spec.get("owned_handles", []),
                    competitor_group=spec.get("competitor_group"),
                    query=spec.get("query"),
                ),
            )
        source = Source(workspace_id=ws, name="simulator", kind="simulator", query="")
        session.add(source)
        session.commit()
        session.refresh(source)
        _, secret = create_api_key(session, ws, "demo", ApiKeyRole.admin)

        ingestor = Ingestor(session, ws)
        report = IngestReport()
        task = progress.add_task("simulating + ingesting", total=None) if progress else None
        cursor: dict[str, Any] = {}
        for batch in simulator.collect("", cursor):
            for m in batch.mentions:
                # Ground truth stays with the simulator; the pipeline must not see it.
                m.extra.pop("sim", None)
            report.add(ingestor.ingest(batch.mentions, source_id=source.id))
            source.cursor = batch.cursor
            session.add(source)
            session.commit()
            if progress is not None and task is not None:
                progress.update(task, completed=report.received)

        nlp = build_pipeline(settings)
        task = progress.add_task("analysing", total=None) if progress else None

        def on_progress(done: int, total: int) -> None:
            if progress is not None and task is not None:
                progress.update(task, completed=done, total=total)

        analysed = run_analysis(
            session, ws, nlp, batch_size=DEFAULT_ANALYZE_BATCH, on_progress=on_progress
        )
        topic_labels, topic_message = _fit_topics(session, ws, settings, topic_modeler, progress)
        # Topics first: crisis alerts cite the themes their evidence posts belong to.
        run_detection(session, ws, bucket_minutes=settings.bucket_minutes)
        stats = brand_stats(session, ws)
        alerts = list_alert_summaries(session, ws)
    return DemoResult(
        database_url=settings.resolved_database_url(),
        api_key=secret,
        ingest=report,
        analysed=analysed,
        stats=stats,
        share_by_mentions=share_of_voice(stats, by="unique_mentions"),
        share_by_reach=share_of_voice(stats, by="reach"),
        alerts=alerts,
        events=list(getattr(simulator, "events", [])),
        topics=topic_labels,
        topic_message=topic_message,
    )


def _fit_topics(
    session: Session, ws: int, settings: Settings, modeler: Any, progress: Progress | None
) -> tuple[list[str], str | None]:
    """Fit workspace topics over the whole simulated period; (labels, fallback message)."""
    if modeler is None:
        return [], None
    from api.services.topics import default_modeler, fit_topics, list_topics

    if isinstance(modeler, str):
        brands = [b.name for b in brand_stats(session, ws)]
        modeler = default_modeler(settings.data_dir, brand_names=brands)
    task = progress.add_task("topics", total=None) if progress else None

    def on_stage(stage: str) -> None:
        if progress is not None and task is not None:
            progress.update(task, description=f"topics: {stage}")

    last = session.execute(select(func.max(Mention.created_at))).scalar()
    if last is None:
        return [], "no mentions to model"
    end = ensure_utc(last) + timedelta(seconds=1)
    refit = fit_topics(
        session,
        ws,
        modeler,
        start=end - timedelta(days=365),
        end=end,
        max_posts=DEMO_TOPIC_POSTS,
        on_progress=on_stage,
    )
    return [t.label for t in list_topics(session, ws, limit=10)], refit.message


def print_summary(console: Console, result: DemoResult) -> None:
    """Print the demo's summary: mentions, sentiment, share of voice, alerts."""
    r = result.ingest
    # Rich assumes 80 columns when output is not a terminal; the table needs more.
    console.width = max(console.width, 132)
    console.print(
        f"\n[bold]Groundswell demo[/] — {result.database_url}\n"
        f"Ingested {r.inserted} mentions ({r.near_duplicates} near-duplicates linked, "
        f"{r.duplicates} exact duplicates skipped); analysed {result.analysed}."
    )
    table = Table(
        "brand",
        "mentions",
        "unique",
        "negative",
        "neutral",
        "positive",
        "net",
        "SoV (unique)",
        "SoV (reach)",
        "harm claims",
        title="Brands",
    )
    for s in result.stats:
        shares = s.sentiment_shares()
        table.add_row(
            s.name,
            str(s.mentions),
            str(s.unique_mentions),
            f"{shares['negative']:.0%}",
            f"{shares['neutral']:.0%}",
            f"{shares['positive']:.0%}",
            f"{s.net_sentiment:+.2f}",
            f"{result.share_by_mentions.get(s.brand_id, 0):.0%}",
            f"{result.share_by_reach.get(s.brand_id, 0):.0%}",
            str(s.harm_claims),
        )
    console.print(table)
    if result.topics:
        console.print(f"[bold]Top topics[/] ({len(result.topics)} shown)")
        for label in result.topics:
            console.print(f"  • {label}", highlight=False)
    if result.topic_message:
        console.print(f"Topics: {result.topic_message}", highlight=False)
    if not result.alerts:
        console.print("No alerts.")
        return
    console.print(f"[bold]Alerts ({len(result.alerts)})[/]")
    for alert in result.alerts:
        console.print(
            f"  [{_colour(alert.severity)}]{alert.severity.upper()}[/] #{alert.id} "
            f"{alert.title} — {alert.started_at:%Y-%m-%d %H:%M} UTC"
        )
        console.print(f"    why: {alert.why}", highlight=False)
        notes = ("new terms:", "themes:")
        posts = [line for line in alert.evidence if not line.startswith(notes)]
        for line in posts[:3] + [line for line in alert.evidence if line.startswith(notes)]:
            console.print(f"    • {line}", highlight=False)


def _colour(severity: str) -> str:
    return {"critical": "bold red", "high": "red", "medium": "yellow"}.get(severity, "cyan")
