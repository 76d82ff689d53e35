"""Crisis commands: `alerts` (list, ack, resolve, deliver), `backtest` and `eval harm`.

`api/cli.py` adds them to the `groundswell` app with `register(app)`. Like every
command, they read `Settings` here and pass plain values to the services.

``groundswell backtest`` runs the live volume detector (`nlp.spikes.detect_series`,
one bucket at a time, no look-ahead) over a ``timestamp,value`` CSV, writes
``timestamp,value,anomaly_score`` (`nlp.spikes.nab_anomaly_scores`: at or above
0.5 exactly where the live system would have alerted) and, given labelled windows,
scores the run as NAB does (`nlp.nab.nab_score`, standard profile).

``groundswell eval harm`` measures `nlp.harm.HarmClassifier` on a JSONL file of
``{"text": ..., "label": 1|0}`` rows (optional ``lang``).
"""

from __future__ import annotations

import csv
import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from api.services.delivery import DeliveryChannels, SmtpConfig
from api.services.errors import DomainError
from models.db import DatabaseNotInitialised, DataDirError
from models.settings import Settings

__all__ = [
    "BacktestResult",
    "InputError",
    "channels_from_settings",
    "infer_bucket_minutes",
    "read_series",
    "read_windows",
    "register",
    "run_backtest",
    "smtp_from_settings",
]

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


class InputError(ValueError):
    """A user-supplied file is missing or malformed; the message says where and why."""


def _friendly(func: F) -> F:
    """Turn the errors a user can fix into one clear line and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (DataDirError, DatabaseNotInitialised, DomainError, InputError) as exc:
            detail = exc.detail if isinstance(exc, DomainError) else str(exc)
            err_console.print(f"[bold red]error:[/] {escape(detail)}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------- settings


def channels_from_settings(settings: Settings) -> DeliveryChannels:
    """The alert delivery channels the settings configure.

    Args:
        settings: The settings (``alert_webhook_url``, ``alert_email_to``, host, port).

    Returns:
        The channels; e-mail only when an SMTP host is set too.
    """
    email_to = tuple(settings.alert_email_to) if settings.smtp_host else ()
    return DeliveryChannels(
        webhook_url=settings.alert_webhook_url or None,
        email_to=email_to,
        link_base=f"http://{settings.host}:{settings.port}",
    )


def smtp_from_settings(settings: Settings) -> SmtpConfig | None:
    """The SMTP server the settings configure, if any.

    Args:
        settings: The settings (``smtp_host``, ``smtp_port``, ``smtp_from``).

    Returns:
        The SMTP config, or None when no host is set.
    """
    if not settings.smtp_host:
        return None
    return SmtpConfig(host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_from)


def _context() -> Any:
    from api.context import open_context

    return open_context(Settings())


# --------------------------------------------------------------------------- alerts


def alerts_list(
    status: Annotated[
        list[str] | None,
        typer.Option("--status", "-s", help="open, acknowledged or resolved (repeat)."),
    ] = None,
    limit: Annotated[int, typer.Option(help="Most alerts to show.", min=1, max=500)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List alerts, newest incident first."""
    from api.services.alerts import list_alerts
    from api.services.workspaces import get_workspace
    from models import AlertStatus
    from models.db import session_scope

    try:
        statuses = [AlertStatus(s) for s in status] if status else None
    except ValueError as exc:
        raise InputError(f"unknown status: {exc}; use open, acknowledged or resolved") from None
    ctx = _context()
    with session_scope(ctx.engine) as session:
        workspace = get_workspace(session, ctx.settings.workspace)
        alerts, _ = list_alerts(session, workspace.id or 0, status=statuses, limit=limit)
    if as_json:
        print(json.dumps([a.model_dump(mode="json") for a in alerts], ensure_ascii=False))
        return
    if not alerts:
        console.print("No alerts.")
        return
    table = Table("id", "severity", "status", "kind", "brand", "since", "title")
    for a in alerts:
        table.add_row(
            str(a.id),
            a.severity,
            a.status.value,
            a.kind,
            escape(a.brand or ""),
            f"{a.started_at:%Y-%m-%d %H:%M}",
            escape(a.title),
        )
    console.print(table)


def _show_detail(detail: Any) -> None:
    console.print(
        f"#{detail.id} [bold]{escape(detail.title)}[/] — {detail.severity}, {detail.status.value}",
        highlight=False,
    )
    console.print(f"  why: {escape(detail.explain)}", highlight=False)
    for post in detail.posts[:3]:
        author = escape((post.author or "?").lstrip("@"))
        console.print(f"  • @{author}: {escape(post.text or '')}", highlight=False)


def alerts_ack(alert_id: Annotated[int, typer.Argument(help="Alert id.")]) -> None:
    """Acknowledge an alert: someone is on it."""
    from api.services.alerts import acknowledge_alert
    from api.services.workspaces import get_workspace
    from models.db import session_scope

    ctx = _context()
    with session_scope(ctx.engine) as session:
        workspace = get_workspace(session, ctx.settings.workspace)
        _show_detail(acknowledge_alert(session, workspace.id or 0, alert_id))


def alerts_resolve(alert_id: Annotated[int, typer.Argument(help="Alert id.")]) -> None:
    """Resolve an alert: the incident is over."""
    from api.services.alerts import resolve_alert
    from api.services.workspaces import get_workspace
    from models.db import session_scope

    ctx = _context()
    with session_scope(ctx.engine) as session:
        workspace = get_workspace(session, ctx.settings.workspace)
        _show_detail(resolve_alert(session, workspace.id or 0, alert_id))


def alerts_deliver(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Send due alert messages (webhook, e-mail); failures are retried later.

    Exits 1 if any message failed this time (it stays queued).
    """
    from api.services.delivery import deliver_pending
    from models.db import session_scope

    ctx = _context()
    with session_scope(ctx.engine) as session:
        report = deliver_pending(session, smtp=smtp_from_settings(ctx.settings))
    if as_json:
        print(
            json.dumps(
                {
                    "attempted": report.attempted,
                    "delivered": report.delivered,
                    "failed": report.failed,
                    "errors": report.errors,
                }
            )
        )
    else:
        console.print(
            f"Attempted {report.attempted}: {report.delivered} delivered, "
            f"{report.failed} failed (retried later)."
        )
        for error in report.errors:
            err_console.print(f"[yellow]failed[/] {escape(error)}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- backtest


def _parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def read_series(path: Path) -> tuple[list[str], list[datetime], list[float]]:
    """Read a ``timestamp,value`` CSV.

    Args:
        path: The file; a header with ``timestamp`` and ``value`` columns is required.

    Returns:
        The raw timestamp strings, the parsed timestamps (naive UTC) and the values.

    Raises:
        InputError: If the file is missing, a row is malformed, a value is negative
            or not finite, or timestamps are not strictly increasing.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw: list[str] = []
    stamps: list[datetime] = []
    values: list[float] = []
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            if "timestamp" not in header or "value" not in header:
                raise InputError(f"{path}:1: expected a header with timestamp and value columns")
            t_col, v_col = header.index("timestamp"), header.index("value")
            for row in reader:
                line = reader.line_num
                if not row or all(not cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise InputError(f"{path}:{line}: expected {len(header)} columns")
                try:
                    ts = _parse_time(row[t_col])
                except ValueError:
                    raise InputError(f"{path}:{line}: bad timestamp {row[t_col]!r}") from None
                try:
                    value = float(row[v_col])
                except ValueError:
                    raise InputError(f"{path}:{line}: bad value {row[v_col]!r}") from None
                if not math.isfinite(value) or value < 0:
                    raise InputError(f"{path}:{line}: value must be a non-negative number")
                if stamps and ts <= stamps[-1]:
                    raise InputError(
                        f"{path}:{line}: timestamps must be strictly increasing "
                        f"({row[t_col].strip()} after {raw[-1]})"
                    )
                raw.append(row[t_col].strip())
                stamps.append(ts)
                values.append(value)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV: {exc}") from None
    if len(stamps) < 2:
        raise InputError(f"{path}: need at least two rows")
    return raw, stamps, values


def read_windows(path: Path) -> list[tuple[datetime, datetime]]:
    """Read labelled windows: a JSON list of ``[start, end]`` pairs.

    Args:
        path: The file.

    Returns:
        The windows (naive UTC).

    Raises:
        InputError: If the file is missing or malformed.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: malformed JSON: {exc}") from None
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a list of [start, end] pairs")
    windows = []
    for i, pair in enumerate(data):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(x, str) for x in pair)
        ):
            raise InputError(f"{path}: window {i}: expected [start, end] as two strings")
        try:
            start, end = _parse_time(pair[0]), _parse_time(pair[1])
        except ValueError:
            raise InputError(f"{path}: window {i}: bad timestamp") from None
        if end < start:
            raise InputError(f"{path}: window {i}: ends before it starts")
        windows.append((start, end))
    return windows


def infer_bucket_minutes(timestamps: list[datetime]) -> float:
    """The bucket size of a series: the median gap between rows, in minutes.

    Args:
        timestamps: Strictly increasing, at least two.

    Returns:
        Minutes (> 0).
    """
    gaps = [
        (b - a) / timedelta(minutes=1) for a, b in zip(timestamps, timestamps[1:], strict=False)
    ]
    return float(median(gaps))


@dataclass
class BacktestResult:
    """A backtest's output.

    Attributes:
        n: Rows.
        bucket_minutes: Bucket size used.
        alerts: Rows where the live detector fired.
        scores: Anomaly score per row.
        report: The NAB report when windows were given (`nlp.nab.NabReport`).
    """

    n: int
    bucket_minutes: float
    alerts: int
    scores: list[float]
    report: Any = None

    def to_json(self) -> dict[str, Any]:
        """The JSON summary `groundswell backtest --json` prints.

        Returns:
            ``n``, ``bucket_minutes``, ``alerts`` and, with windows, ``nab_score``,
            ``windows`` (start, end, detected, first_detection, delay_minutes),
            ``false_alarms``, ``false_alarms_per_week`` and ``mean_delay_minutes``.
        """
        out: dict[str, Any] = {
            "n": self.n,
            "bucket_minutes": self.bucket_minutes,
            "alerts": self.alerts,
        }
        r = self.report
        if r is None:
            return out
        out["nab_score"] = round(r.score, 4)
        out["windows"] = [
            {
                "start": w.start.isoformat(),
                "end": w.end.isoformat(),
                "detected": w.detections > 0,
                "detections": w.detections,
                "first_detection": w.first_detection.isoformat() if w.first_detection else None,
                "delay_minutes": w.delay / timedelta(minutes=1) if w.delay is not None else None,
                "scored": w.scored,
            }
            for w in r.windows
        ]
        out["false_alarms"] = r.false_positives
        out["false_alarms_per_week"] = round(r.false_alarms_per_week, 4)
        out["mean_delay_minutes"] = (
            r.mean_delay / timedelta(minutes=1) if r.mean_delay is not None else None
        )
        return out


def run_backtest(
    timestamps: list[datetime],
    values: list[float],
    *,
    bucket_minutes: float | None = None,
    windows: list[tuple[datetime, datetime]] | None = None,
) -> BacktestResult:
    """Run the live volume detector over a series and score it.

    Args:
        timestamps: Strictly increasing bucket times.
        values: Counts per bucket.
        bucket_minutes: Bucket size; inferred from the timestamps if None.
        windows: Labelled anomaly windows, for NAB scoring.

    Returns:
        The result.

    Raises:
        InputError: If the windows do not fit the series (empty, overlapping).
    """
    from nlp.nab import nab_score
    from nlp.spikes import SpikeConfig, detect_series, nab_anomaly_scores

    minutes = bucket_minutes or infer_bucket_minutes(timestamps)
    results = detect_series(timestamps, values, SpikeConfig(bucket_minutes=minutes))
    scores = nab_anomaly_scores(results)
    report = None
    if windows is not None:
        threshold = results[0].threshold if results else 0.5
        try:
            report = nab_score(timestamps, scores, windows, threshold=threshold)
        except ValueError as exc:
            raise InputError(f"windows: {exc}") from None
    return BacktestResult(
        n=len(values),
        bucket_minutes=minutes,
        alerts=sum(r.fired for r in results),
        scores=scores,
        report=report,
    )


def backtest(
    series: Annotated[Path, typer.Option("--series", help="CSV with timestamp,value rows.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the scored CSV.")],
    windows: Annotated[
        Path | None, typer.Option("--windows", help="JSON list of [start, end] windows.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    bucket_minutes: Annotated[
        str, typer.Option("--bucket-minutes", help="Bucket size in minutes, or 'auto'.")
    ] = "auto",
) -> None:
    """Replay the live spike detector over a series (no look-ahead) and score it."""
    minutes: float | None = None
    if bucket_minutes.strip().lower() != "auto":
        try:
            minutes = float(bucket_minutes)
        except ValueError:
            raise InputError(
                f"--bucket-minutes: expected a number or 'auto', got {bucket_minutes!r}"
            ) from None
        if not math.isfinite(minutes) or minutes <= 0:
            raise InputError("--bucket-minutes must be positive")
    raw, stamps, values = read_series(series)
    labelled = read_windows(windows) if windows is not None else None
    result = run_backtest(stamps, values, bucket_minutes=minutes, windows=labelled)
    try:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["timestamp", "value", "anomaly_score"])
            for ts, value, score in zip(raw, values, result.scores, strict=True):
                # Full precision: a score held just below the threshold must not
                # round up to it.
                writer.writerow([ts, f"{value:g}", repr(float(score))])
    except OSError as exc:
        raise InputError(f"{out}: cannot write: {exc.strerror}") from None
    if as_json:
        print(json.dumps(result.to_json()))
        return
    console.print(
        f"{result.n} buckets of {result.bucket_minutes:g} min, {result.alerts} alerts; "
        f"scores written to {escape(str(out))}.",
        highlight=False,
    )
    r = result.report
    if r is None:
        return
    summary = result.to_json()
    table = Table("window start", "end", "detected", "first detection", "delay (min)")
    for w in summary["windows"]:
        first = w["first_detection"]
        table.add_row(
            _short(w["start"]),
            _short(w["end"]),
            "yes" if w["detected"] else "no",
            _short(first) if first else "",
            f"{w['delay_minutes']:.0f}" if w["delay_minutes"] is not None else "",
        )
    console.print(table)
    delay = summary["mean_delay_minutes"]
    console.print(
        f"NAB score (standard profile): {r.score:.1f}; false alarms: {r.false_positives} "
        f"({r.false_alarms_per_week:.2f}/week); mean detection delay: "
        + (f"{delay:.0f} min" if delay is not None else "n/a")
    )


def _short(iso: str) -> str:
    return f"{datetime.fromisoformat(iso):%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------- eval harm


def _read_labelled(path: Path) -> tuple[list[str], list[str | None], list[int], list[str]]:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    texts: list[str] = []
    langs: list[str | None] = []
    labels: list[int] = []
    problems: list[str] = []
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                problems.append(f"{path}:{number}: malformed JSON")
                continue
            if not isinstance(row, dict):
                problems.append(f"{path}:{number}: expected a JSON object")
                continue
            text = row.get("text")
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{path}:{number}: missing text")
                continue
            label = row.get("label")
            if isinstance(label, bool):
                label = int(label)
            elif isinstance(label, str) and label.strip() in ("0", "1"):
                label = int(label.strip())
            elif isinstance(label, float) and label in (0.0, 1.0):
                label = int(label)
            if label not in (0, 1):
                problems.append(f"{path}:{number}: label must be 1 or 0")
                continue
            lang = row.get("lang")
            texts.append(text)
            langs.append(lang if isinstance(lang, str) and lang else None)
            labels.append(int(label))
    return texts, langs, labels, problems


def eval_harm(
    data: Annotated[Path, typer.Option("--data", help="JSONL rows with text and label (1/0).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    product: Annotated[
        list[str] | None,
        typer.Option("--product", help="Brand or product name to treat as blamed (repeat)."),
    ] = None,
) -> None:
    """Precision, recall and F1 of the harm-claim classifier on labelled posts.

    Malformed rows are reported with their line numbers and skipped.
    """
    from nlp.harm import HarmClassifier, harm_metrics

    texts, langs, labels, problems = _read_labelled(data)
    for problem in problems[:50]:
        typer.echo(f"skipped {problem}", err=True)
    if len(problems) > 50:
        typer.echo(f"… and {len(problems) - 50} more skipped rows", err=True)
    if not texts:
        raise InputError(f"{data}: no valid rows")
    from api.services.analysis import harm_classifier_for
    from nlp.langid import LanguageIdentifier
    from nlp.sentiment import load_sentiment_model

    cfg = Settings()
    # As the analysis stage scores posts: languages detected where rows give none, and
    # the semantic head reading the configured sentiment model's encoder.
    missing = [i for i, lang in enumerate(langs) if lang is None]
    if missing:
        found = LanguageIdentifier().detect([texts[i] for i in missing])
        for i, lang in zip(missing, found, strict=True):
            langs[i] = lang
    classifier = HarmClassifier(products=product or [])
    try:
        sentiment = load_sentiment_model(cfg.sentiment_model, device=cfg.device)
    except Exception as exc:  # noqa: BLE001 - any load failure: score without the head
        typer.echo(f"sentiment model not loaded ({exc}): lexicon and n-gram scorers only", err=True)
    else:
        harm_classifier_for(sentiment, classifier)
    predicted = [int(r.is_claim) for r in classifier.predict(texts, langs)]
    metrics = harm_metrics(labels, predicted)
    if as_json:
        print(
            json.dumps(
                {
                    "n": int(metrics["n"]),
                    "precision": metrics["precision"],
                    "recall": metrics["recall"],
                    "f1": metrics["f1"],
                }
            )
        )
        return
    console.print(
        f"n={int(metrics['n'])} (skipped {len(problems)})  precision {metrics['precision']:.3f}  "
        f"recall {metrics['recall']:.3f}  F1 {metrics['f1']:.3f}  "
        f"(tp {int(metrics['tp'])}, fp {int(metrics['fp'])}, fn {int(metrics['fn'])})"
    )


# --------------------------------------------------------------------------- register


def register(app: typer.Typer) -> None:
    """Add `alerts`, `backtest` and `eval harm` to the `groundswell` app.

    The `eval harm` command joins an existing ``eval`` group if the app has one.

    Args:
        app: The root Typer app.
    """
    alerts_app = typer.Typer(
        help="Alerts: list, acknowledge, resolve, deliver.", no_args_is_help=True
    )
    alerts_app.command("list")(_friendly(alerts_list))
    alerts_app.command("ack")(_friendly(alerts_ack))
    alerts_app.command("resolve")(_friendly(alerts_resolve))
    alerts_app.command("deliver")(_friendly(alerts_deliver))
    app.add_typer(alerts_app, name="alerts")
    app.command("backtest")(_friendly(backtest))
    eval_app = next(
        (g.typer_instance for g in app.registered_groups if g.name == "eval" and g.typer_instance),
        None,
    )
    if eval_app is None:
        eval_app = typer.Typer(
            help="Measure the NLP components on labelled data.", no_args_is_help=True
        )
        app.add_typer(eval_app, name="eval")
    eval_app.command("harm")(_friendly(eval_harm))
