import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from api.cli_topics import register
from models import Mention
from models.db import make_engine
from models.timeutil import utcnow
from tests.nlp.test_topics import modeler, posts

register(app)
register(app)  # idempotent
runner = CliRunner()

KEYS = {"n", "n_topics", "outlier_share", "nmi", "ari", "npmi", "diversity"}


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(data))
    monkeypatch.delenv("GROUNDSWELL_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    # the packaged MiniLM is too slow for a unit test: a hashing encoder stands in
    monkeypatch.setattr("api.services.topics.default_modeler", lambda *a, **k: modeler())
    return data


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def labelled_file(path: Path, per_theme: int = 40) -> Path:
    texts, labels = posts(["delivery", "battery", "refund"], per_theme)
    with path.open("w") as f:
        for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
            row = {"text": text, "category": label if i % 4 else None}
            f.write(json.dumps(row) + "\n")
        f.write("not json\n")
    return path


def test_help_lists_topics_commands() -> None:
    assert "topics" in invoke("--help").output
    out = invoke("topics", "--help").output
    for command in ("fit", "list", "show"):
        assert command in out
    assert "topics" in invoke("eval", "--help").output
    assert sum(g.name == "topics" for g in app.registered_groups) == 1


def test_eval_topics_json_keys_and_scores(env: Path, tmp_path: Path) -> None:
    data = labelled_file(tmp_path / "posts.jsonl")
    result = invoke(
        "eval",
        "topics",
        "--data",
        str(data),
        "--label-field",
        "category",
        "--json",
        "--no-baseline",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert KEYS <= set(report)
    assert report["n"] == 120
    assert report["n_labelled"] == 90  # every fourth row has no label
    assert report["n_topics"] == 3
    assert report["outlier_share"] < 0.2
    assert report["nmi"] > 0.9 and report["ari"] > 0.9
    assert -1.0 <= report["npmi"] <= 1.0
    assert 0.0 < report["diversity"] <= 1.0
    assert report["baseline"] is None
    assert len(report["topics"]) == 3 and all(t["label"] for t in report["topics"])


def test_eval_topics_table_and_small_file(env: Path, tmp_path: Path) -> None:
    data = labelled_file(tmp_path / "few.jsonl", per_theme=5)
    result = invoke(
        "eval", "topics", "--data", str(data), "--label-field", "category", "--no-baseline"
    )
    assert result.exit_code == 0, result.output
    assert "NMI" in result.output and "labelled posts" in result.output
    assert "only 15 distinct posts" in result.output
    missing = invoke("eval", "topics", "--data", str(tmp_path / "nope.jsonl"), "--label-field", "x")
    assert missing.exit_code == 2


@pytest.mark.slow
def test_eval_topics_reports_bertopic_defaults(env: Path, tmp_path: Path) -> None:
    data = labelled_file(tmp_path / "posts.jsonl")
    result = invoke("eval", "topics", "--data", str(data), "--label-field", "category", "--json")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert KEYS <= set(report["baseline"])
    assert report["baseline"]["n"] == 120


def test_topics_fit_list_show(env: Path) -> None:
    assert invoke("init").exit_code == 0
    assert invoke("topics", "list").output.startswith("No topics yet")
    engine = make_engine(f"sqlite:///{env / 'groundswell.db'}")
    texts, labels = posts(["delivery", "battery", "refund"], 40, seed=5)
    now = utcnow()
    with Session(engine) as session:
        for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
            session.add(
                Mention(
                    workspace_id=1,
                    source="test",
                    external_id=str(i),
                    text=text,
                    created_at=now - timedelta(days=1 + i / 10),
                    dedup_key=str(i),
                    sentiment="negative" if label == "refund" else "neutral",
                )
            )
        session.commit()
    engine.dispose()
    fitted = invoke("topics", "fit", "--days", "30", "--json")
    assert fitted.exit_code == 0, fitted.output
    report = json.loads(fitted.stdout.strip().splitlines()[-1])
    assert report["posts"] == 120 and report["topics"] == 3 and len(report["created"]) == 3
    listed = json.loads(invoke("topics", "list", "--json").stdout)
    assert len(listed) == 3
    refund = max(listed, key=lambda t: t["negative_share"])
    assert refund["negative_share"] == 1.0
    shown = invoke("topics", "show", str(refund["id"]), "--json")
    detail = json.loads(shown.stdout)
    assert detail["id"] == refund["id"]
    assert detail["sentiment"] == {"negative": refund["size"]}
    assert len(detail["representatives"]) == 5
    table = invoke("topics", "list").output
    assert refund["label"].split(" · ")[0] in table
    text = invoke("topics", "show", str(refund["id"])).output
    assert "negative 100%" in text
    again = json.loads(invoke("topics", "fit", "--json").stdout.strip().splitlines()[-1])
    assert sorted(again["continued"]) == sorted(report["created"]) and again["created"] == []
    assert invoke("topics", "show", "999").exit_code == 2
    assert invoke("topics", "fit", "--brand", "Nope").exit_code == 2
