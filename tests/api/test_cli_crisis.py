"""`groundswell backtest`, `eval harm` and `alerts ...` as a user runs them."""

from __future__ import annotations

import csv
import json
import math
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli_crisis import channels_from_settings, infer_bucket_minutes, register
from api.services.delivery import enqueue_alert
from models import Alert, AlertStatus, OutboxMessage
from models.settings import Settings
from tests.factories import T0, make_brand, make_workspace

runner = CliRunner()
SHARED_FB = Path("/work/shared/data/volume/Twitter_volume_FB.csv")


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer(pretty_exceptions_enable=False)

    @root.callback()
    def main() -> None:
        """Groundswell."""

    register(root)
    return root


def invoke(app: typer.Typer, *args: str) -> Any:
    return runner.invoke(app, list(args))


def synthetic_series(tmp_path: Path, *, minutes: int = 5) -> tuple[Path, Path, datetime]:
    """Six days of seasonal Poisson counts with one escalating burst on day five."""
    rng = np.random.default_rng(11)
    start = datetime(2024, 3, 4)
    n = 6 * 1440 // minutes
    ts = [start + timedelta(minutes=minutes * i) for i in range(n)]
    mu = np.array([20 * (1 + 0.5 * math.sin(2 * math.pi * (t.hour - 9) / 24)) for t in ts])
    values = rng.poisson(mu)
    burst = 4 * 1440 // minutes + 150
    values[burst : burst + 6] += np.array([80, 160, 240, 300, 200, 100])
    path = tmp_path / "series.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "value"])
        for t, v in zip(ts, values, strict=True):
            writer.writerow([t.strftime("%Y-%m-%d %H:%M:%S"), int(v)])
    windows = tmp_path / "series.windows.json"
    window = [ts[burst - 12], ts[burst + 24]]
    windows.write_text(json.dumps([[w.strftime("%Y-%m-%d %H:%M:%S.%f") for w in window]]))
    return path, windows, ts[burst]


# --------------------------------------------------------------------------- backtest


def test_backtest_scores_a_synthetic_series(app: typer.Typer, tmp_path: Path) -> None:
    series, windows, burst_at = synthetic_series(tmp_path)
    out = tmp_path / "results.csv"
    result = invoke(
        app, "backtest", "--series", str(series), "--windows", str(windows), "--out", str(out),
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {"nab_score", "windows", "false_alarms", "false_alarms_per_week"} <= set(summary)
    assert {"mean_delay_minutes", "n"} <= set(summary)
    assert summary["n"] == 6 * 288 and summary["bucket_minutes"] == 5
    [window] = summary["windows"]
    assert window["detected"] is True
    first = datetime.fromisoformat(window["first_detection"])
    assert burst_at <= first <= burst_at + timedelta(minutes=15)
    assert window["delay_minutes"] == (first - datetime.fromisoformat(window["start"])) / timedelta(
        minutes=1
    )
    assert summary["nab_score"] > 50

    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == summary["n"]
    assert list(rows[0]) == ["timestamp", "value", "anomaly_score"]
    scores = [float(r["anomaly_score"]) for r in rows]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert sum(s >= 0.5 for s in scores) == summary["alerts"]
    assert rows[0]["timestamp"] == "2024-03-04 00:00:00"

    human = invoke(
        app, "backtest", "--series", str(series), "--windows", str(windows), "--out", str(out)
    )
    assert human.exit_code == 0
    assert "NAB score" in human.stdout and "false alarms" in human.stdout


def test_backtest_infers_the_bucket_size(app: typer.Typer, tmp_path: Path) -> None:
    series, _, _ = synthetic_series(tmp_path, minutes=15)
    out = tmp_path / "r.csv"
    result = invoke(app, "backtest", "--series", str(series), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["bucket_minutes"] == 15 and "nab_score" not in summary
    forced = invoke(
        app, "backtest", "--series", str(series), "--out", str(out), "--json",
        "--bucket-minutes", "60",
    )  # fmt: skip
    assert json.loads(forced.stdout)["bucket_minutes"] == 60
    assert infer_bucket_minutes([T0, T0 + timedelta(minutes=5), T0 + timedelta(minutes=15)]) == 7.5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "timestamp,value\n2024-01-01 00:00:00,3\n2024-01-01 00:05:00,x\n",
            "series.csv:3: bad value",
        ),
        ("timestamp,value\n2024-01-01 00:00:00,3\nyesterday,4\n", "series.csv:3: bad timestamp"),
        (
            "timestamp,value\n2024-01-01 00:05:00,3\n2024-01-01 00:00:00,4\n",
            "series.csv:3: timestamps must be strictly increasing",
        ),
        ("timestamp,value\n2024-01-01 00:00:00,3\n2024-01-01 00:05:00,-1\n", "non-negative"),
        ("time,count\n2024-01-01 00:00:00,3\n", "expected a header with timestamp and value"),
        ("timestamp,value\n2024-01-01 00:00:00,3,9\n", "series.csv:2: expected 2 columns"),
    ],
)
def test_backtest_rejects_bad_series_clearly(
    app: typer.Typer, tmp_path: Path, content: str, message: str
) -> None:
    series = tmp_path / "series.csv"
    series.write_text(content)
    result = invoke(app, "backtest", "--series", str(series), "--out", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ("{not json", "malformed JSON"),
        ('{"start": 1}', "expected a list"),
        ('[["2024-03-05 00:00:00"]]', "window 0: expected [start, end]"),
        ('[["2024-03-05 00:00:00", "soon"]]', "window 0: bad timestamp"),
        ('[["2030-01-01 00:00:00", "2030-01-02 00:00:00"]]', "contains no rows"),
    ],
)
def test_backtest_rejects_bad_windows_clearly(
    app: typer.Typer, tmp_path: Path, windows: str, message: str
) -> None:
    series, _, _ = synthetic_series(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(windows)
    result = invoke(
        app, "backtest", "--series", str(series), "--windows", str(bad), "--out",
        str(tmp_path / "o.csv"),
    )  # fmt: skip
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_backtest_missing_files_and_bad_options(app: typer.Typer, tmp_path: Path) -> None:
    out = str(tmp_path / "o.csv")
    missing = invoke(app, "backtest", "--series", str(tmp_path / "nope.csv"), "--out", out)
    assert missing.exit_code == 2 and "no such file" in missing.output
    series, _, _ = synthetic_series(tmp_path)
    bad = invoke(app, "backtest", "--series", str(series), "--out", out, "--bucket-minutes", "x")
    assert bad.exit_code == 2 and "--bucket-minutes" in bad.output
    windows = invoke(
        app, "backtest", "--series", str(series), "--out", out, "--windows", str(tmp_path / "w")
    )
    assert windows.exit_code == 2 and "no such file" in windows.output


@pytest.mark.skipif(not SHARED_FB.exists(), reason="shared NAB volume data not present")
def test_backtest_on_the_labelled_fb_series(app: typer.Typer, tmp_path: Path) -> None:
    windows = SHARED_FB.with_name("Twitter_volume_FB.windows.json")
    out = tmp_path / "fb.csv"
    result = invoke(
        app, "backtest", "--series", str(SHARED_FB), "--windows", str(windows), "--out",
        str(out), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    labelled = json.loads(windows.read_text())
    assert len(summary["windows"]) == len(labelled)
    assert summary["n"] == sum(1 for _ in out.open()) - 1
    assert summary["bucket_minutes"] == 5
    assert -100 <= summary["nab_score"] <= 100
    assert summary["false_alarms"] >= 0 and summary["false_alarms_per_week"] >= 0
    detected = [w for w in summary["windows"] if w["detected"]]
    assert all(w["delay_minutes"] >= 0 for w in detected)


# --------------------------------------------------------------------------- eval harm


def test_eval_harm_reports_metrics_and_skips_malformed_rows(
    app: typer.Typer, tmp_path: Path
) -> None:
    from nlp.harm import HarmClassifier, harm_metrics

    rows = [
        {"text": "Acme Cola gave my kid diarrhea, we were up all night", "label": 1},
        {"text": "drank Acme Cola and threw up twice, never again", "label": 1, "lang": "en"},
        {"text": "this beat is sick 🔥", "label": 0},
        {"text": "Acme Cola tastes awful now, too sweet", "label": "0"},
        {"text": "I have the flu, staying home with tea", "label": False},
    ]
    lines = [json.dumps(r) for r in rows]
    lines.insert(2, '{"text": "broken')
    lines.insert(4, json.dumps({"text": "no label"}))
    lines.append(json.dumps({"label": 1}))
    lines.append(json.dumps(["a list"]))
    data = tmp_path / "harm.jsonl"
    data.write_text("\n".join(lines) + "\n")

    result = invoke(app, "eval", "harm", "--data", str(data), "--json", "--product", "Acme Cola")
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert set(got) == {"n", "precision", "recall", "f1"}
    classifier = HarmClassifier(products=["Acme Cola"])
    texts = [r["text"] for r in rows]
    langs = [r.get("lang") for r in rows]
    predicted = [int(r.is_claim) for r in classifier.predict(texts, langs)]
    expected = harm_metrics([1, 1, 0, 0, 0], predicted)
    assert got["n"] == 5
    for key in ("precision", "recall", "f1"):
        assert got[key] == pytest.approx(expected[key])
    assert "harm.jsonl:3: malformed JSON" in result.output
    assert "harm.jsonl:5: label must be 1 or 0" in result.output
    assert "harm.jsonl:8: missing text" in result.output
    assert "harm.jsonl:9: expected a JSON object" in result.output

    human = invoke(app, "eval", "harm", "--data", str(data))
    assert human.exit_code == 0 and "precision" in human.stdout


def test_eval_harm_scores_without_the_semantic_head_when_no_sentiment_model_loads(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GROUNDSWELL_SENTIMENT_MODEL", str(tmp_path / "no-such-model"))
    data = tmp_path / "harm.jsonl"
    rows = [
        {"text": "Got food poisoning from the chicken at Burger Palace", "label": 1, "lang": "en"},
        {"text": "that show was sick", "label": 0, "lang": "en"},
    ]
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = invoke(app, "eval", "harm", "--data", str(data), "--json")
    assert result.exit_code == 0, result.output
    assert "sentiment model not loaded" in result.output
    assert json.loads(result.stdout) == {"n": 2, "precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_eval_harm_without_usable_rows_is_an_error(app: typer.Typer, tmp_path: Path) -> None:
    data = tmp_path / "empty.jsonl"
    data.write_text("not json\n")
    result = invoke(app, "eval", "harm", "--data", str(data))
    assert result.exit_code == 2 and "no valid rows" in result.output
    missing = invoke(app, "eval", "harm", "--data", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_register_joins_an_existing_eval_group() -> None:
    root = typer.Typer()
    existing = typer.Typer()

    @existing.command("sentiment")
    def sentiment() -> None:
        """Another engineer's command."""

    root.add_typer(existing, name="eval")
    register(root)
    assert [g.name for g in root.registered_groups].count("eval") == 1
    names = {c.name for c in existing.registered_commands}
    assert names == {"sentiment", "harm"}


# --------------------------------------------------------------------------- alerts


@pytest.fixture()
def env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, session: Session
) -> Alert:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROUNDSWELL_DATABASE_URL", database_url)
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GROUNDSWELL_WORKSPACE", "default")
    ws = make_workspace(session)
    brand = make_brand(session, ws, "Nuvola")
    alert = Alert(
        workspace_id=ws.id or 0,
        brand_id=brand.id,
        fingerprint=f"brand:{brand.id}",
        kind="harm",
        severity="high",
        title="Harm claims about Nuvola: 6 posts (expected 0.12)",
        series="harm",
        why={"explain": "harm: observed 6 vs expected 0.125"},
        started_at=T0,
        last_seen_at=T0,
    )
    session.add(alert)
    session.commit()
    return alert


def test_alerts_list_ack_resolve(app: typer.Typer, env: Alert, session: Session) -> None:
    listed = invoke(app, "alerts", "list", "--json")
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.stdout)
    assert row["id"] == env.id and row["status"] == "open" and row["brand"] == "Nuvola"

    acked = invoke(app, "alerts", "ack", str(env.id))
    assert acked.exit_code == 0 and "acknowledged" in acked.stdout
    assert json.loads(invoke(app, "alerts", "list", "--json").stdout)[0]["status"] == (
        "acknowledged"
    )
    resolved = invoke(app, "alerts", "resolve", str(env.id))
    assert resolved.exit_code == 0 and "resolved" in resolved.stdout
    only_open = invoke(app, "alerts", "list", "--json", "--status", "open")
    assert json.loads(only_open.stdout) == []
    table = invoke(app, "alerts", "list")
    assert table.exit_code == 0
    assert "resolved" in table.stdout and "Nuvola" in table.stdout

    missing = invoke(app, "alerts", "ack", "999")
    assert missing.exit_code == 2 and "not found" in missing.output
    again = invoke(app, "alerts", "ack", str(env.id))  # resolved: cannot be acknowledged
    assert again.exit_code == 2 and "resolved" in again.output
    bad = invoke(app, "alerts", "list", "--status", "closed")
    assert bad.exit_code == 2 and "unknown status" in bad.output


class Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Hook.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_alerts_deliver_sends_queued_messages(
    app: typer.Typer, env: Alert, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        monkeypatch.setenv("GROUNDSWELL_ALERT_WEBHOOK_URL", url)
        monkeypatch.setenv("GROUNDSWELL_ALERT_EMAIL_TO", '["pr@example.com"]')
        settings = Settings()
        channels = channels_from_settings(settings)
        assert channels.webhook_url == url
        assert channels.email_to == ()  # no SMTP host: e-mail is not a channel
        enqueue_alert(session, env, channels)
        session.commit()
        Hook.received.clear()
        result = invoke(app, "alerts", "deliver", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {
            "attempted": 1,
            "delivered": 1,
            "failed": 0,
            "errors": [],
        }
        assert Hook.received and "Harm claims about Nuvola" in Hook.received[0]["text"]
        session.expire_all()
        message = session.execute(select(OutboxMessage)).scalar_one()
        assert message.delivered_at is not None
        assert env.status == AlertStatus.open
    finally:
        server.shutdown()
        server.server_close()


def test_alerts_deliver_exits_1_when_a_message_fails(
    app: typer.Typer, env: Alert, session: Session
) -> None:
    from api.services.delivery import DeliveryChannels

    enqueue_alert(session, env, DeliveryChannels(email_to=("pr@example.com",)))
    session.commit()
    result = invoke(app, "alerts", "deliver")
    assert result.exit_code == 1
    assert "1 failed" in result.stdout and "SMTP is not configured" in result.output
