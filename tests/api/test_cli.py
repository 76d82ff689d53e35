import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(data))
    monkeypatch.delenv("GROUNDSWELL_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return data


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("init", "brands", "import", "analyze", "serve", "demo", "eval"):
        assert command in result.output


def test_commands_before_init_say_what_to_do(env: Path) -> None:
    result = invoke("brands", "list")
    assert result.exit_code == 2
    assert "groundswell init" in result.output


def test_init_then_brands_add_list_remove(env: Path) -> None:
    assert invoke("init").exit_code == 0
    assert (env / "groundswell.db").exists()
    assert invoke("init").exit_code == 0  # idempotent
    result = invoke(
        "brands",
        "add",
        "Nuvola",
        "-a",
        "Nuvola Drinks",
        "--handle",
        "@nuvoladrinks",
        "-g",
        "soft-drinks",
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(invoke("brands", "list", "--json").output)
    assert listed[0]["name"] == "Nuvola"
    assert listed[0]["aliases"] == ["Nuvola Drinks"]
    assert invoke("brands", "add", "Nuvola").exit_code == 2  # duplicate name: clear error
    bad = invoke("brands", "add", "Broken", "--query", "Nuvola AND (")
    assert bad.exit_code == 2
    assert "position" in bad.output
    assert invoke("brands", "remove", "Nuvola").exit_code == 0
    assert json.loads(invoke("brands", "list", "--json").output) == []


def test_import_twice_leaves_count_unchanged_and_reports_bad_lines(
    env: Path, tmp_path: Path
) -> None:
    invoke("init")
    invoke("brands", "add", "Nuvola")
    path = tmp_path / "mentions.jsonl"
    rows = [
        json.dumps({"id": "1", "text": "Nuvola is lovely", "created_at": "2026-11-01T10:00:00Z"}),
        '{"id": "2", "text": "truncated json',
        json.dumps({"id": "3", "text": "Nuvola Zero launch!", "created_at": 1793527200}),
        json.dumps({"id": "4", "created_at": "2026-11-01T10:00:00Z"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "5", "text": "bad time", "created_at": "yesterday-ish"}),
    ]
    path.write_bytes(("\n".join(rows) + "\n").encode() + b'{"id": "6", "text": "caf\xe9 Nuvola"}\n')
    first = invoke("import", str(path))
    assert first.exit_code == 1  # something was skipped
    assert "mentions.jsonl:2: malformed JSON" in first.output
    assert "mentions.jsonl:4: missing text field" in first.output
    assert "mentions.jsonl:5: expected a JSON object" in first.output
    assert "mentions.jsonl:6: unrecognised timestamp" in first.output
    assert "3 new" in first.output
    second = invoke("import", str(path))
    assert "0 new" in second.output and "3 already present" in second.output

    from sqlalchemy import func
    from sqlmodel import Session, select

    from models import Mention
    from models.db import make_engine

    with Session(make_engine(f"sqlite:///{env / 'groundswell.db'}")) as s:
        assert s.exec(select(func.count()).select_from(Mention)).one() == 3
        cafe = s.exec(select(Mention).where(Mention.external_id == "6")).one()
        assert "\ufffd" in cafe.text and cafe.extra["invalid_utf8"] is True


def test_import_csv_with_field_mapping(env: Path, tmp_path: Path) -> None:
    invoke("init")
    invoke("brands", "add", "Nuvola")
    invoke("brands", "add", "Fizzly")
    path = tmp_path / "export.csv"
    path.write_text(
        "tweet_id,body,when,who,company\n"
        "10,loving it,2026-11-01 09:00:00,ann,Nuvola\n"
        "11,meh,Wed Oct 10 20:19:24 +0000 2018,bob,Fizzly\n"
        "12,too,many,columns,here,oops\n"
    )
    result = invoke(
        "import",
        str(path),
        "--id-field",
        "tweet_id",
        "--text-field",
        "body",
        "--time-field",
        "when",
        "--author-field",
        "who",
        "--brand-field",
        "company",
    )
    assert result.exit_code == 1
    assert "export.csv:4:" in result.output
    assert "2 new" in result.output and "2 brand links" in result.output


def test_import_missing_file_is_a_clear_error(env: Path) -> None:
    invoke("init")
    result = invoke("import", "nope.jsonl")
    assert result.exit_code == 2
    assert "no such file" in result.output
