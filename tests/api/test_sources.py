from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app
from api.cli_listen import register
from api.services.errors import Conflict, Invalid, NotFound
from api.services.sources import (
    build_collector,
    create_source,
    find_source,
    list_runs,
    list_sources,
    parse_config_pairs,
    remove_source,
    update_source,
    validate_source,
)
from listener.collectors.reddit import RedditCollector
from models import Mention, Source, SourceRun
from models.source import SourceCreate, SourceUpdate
from tests.factories import make_workspace, mention

register(app)
runner = CliRunner()


def test_parse_config_pairs_types_values() -> None:
    pairs = ["max_pages=3", "local_only=true", "subreddit=sodapop", "own_handles=@a,@b",
             'tags=["x","y"]', "url=https://a.example/?q=1"]
    assert parse_config_pairs(pairs) == {
        "max_pages": 3, "local_only": True, "subreddit": "sodapop", "own_handles": "@a,@b",
        "tags": ["x", "y"], "url": "https://a.example/?q=1"}
    with pytest.raises(Invalid):
        parse_config_pairs(["novalue"])


def test_validation_uses_the_collectors_own_checks() -> None:
    validate_source("rss", "https://news.example/feed.xml", {})
    validate_source("reddit", "nuvola", {"subreddit": "sodapop", "max_pages": 3})
    validate_source("youtube", "", {"video_id": "dQw4w9WgXcQ"})
    cases = [
        ("twitter", {}, "unknown source kind"),
        ("reddit", {"subredit": "typo"}, "unexpected keyword argument 'subredit'"),
        ("reddit", {"subreddit": "not valid!"}, "invalid subreddit"),
        ("youtube", {}, "exactly one of video_id and channel_id"),
        ("mastodon", {"instance": "ftp://x"}, "instance must be an http(s) URL"),
        ("appstore", {"country": "usa"}, "two-letter"),
        ("rss", {"allow_private": True}, "set by the listener"),
        ("rss", {"http": "x"}, "set by the listener"),
    ]
    for kind, config, message in cases:
        with pytest.raises(Invalid) as info:
            validate_source(kind, "q", config)
        assert message in info.value.detail, (kind, config)


def test_build_collector_injects_only_what_the_factory_takes() -> None:
    collector = build_collector("reddit", {"subreddit": "sodapop"},
                                defaults={"api_key": "ignored"}, injected={"allow_private": True})
    assert isinstance(collector, RedditCollector) and collector.http.allow_private
    simulator = build_collector("simulator", {"days": 2}, injected={"allow_private": False})
    assert simulator.kind == "simulator"
    youtube = build_collector("youtube", {"video_id": "dQw4w9WgXcQ"}, defaults={"api_key": "k1"})
    assert youtube.api_key == "k1"  # type: ignore[attr-defined]
    own_key = build_collector("youtube", {"video_id": "dQw4w9WgXcQ", "api_key": "mine"},
                              defaults={"api_key": "k1"})
    assert own_key.api_key == "mine"  # type: ignore[attr-defined]


def test_crud_round_trip(session: Session) -> None:
    ws = make_workspace(session)
    wid = ws.id or 0
    src = create_source(session, wid, SourceCreate(name=" news ", kind="rss",
                                                   query="https://news.example/feed.xml"))
    assert src.name == "news" and src.cursor == {} and src.enabled
    with pytest.raises(Conflict):
        create_source(session, wid, SourceCreate(name="NEWS", kind="rss", query="x"))
    with pytest.raises(Invalid):
        create_source(session, wid, SourceCreate(name="bad", kind="nope"))
    reddit = create_source(session, wid, SourceCreate(name="reddit", kind="reddit", query="nuvola",
                                                      config={"subreddit": "sodapop"}))
    assert [s.name for s in list_sources(session, wid)] == ["news", "reddit"]
    assert find_source(session, wid, "REDDIT").id == reddit.id

    reddit.cursor = {"newest": 123.0}
    session.add(reddit)
    session.commit()
    same = update_source(session, wid, reddit.id or 0, SourceUpdate(interval_seconds=60,
                                                                    enabled=False))
    assert same.cursor == {"newest": 123.0} and same.interval_seconds == 60 and not same.enabled
    changed = update_source(session, wid, reddit.id or 0, SourceUpdate(query="fizzly"))
    assert changed.cursor == {}  # a new search starts afresh
    with pytest.raises(Invalid):
        update_source(session, wid, reddit.id or 0, SourceUpdate(config={"listing": "hot"}))
    with pytest.raises(Conflict):
        update_source(session, wid, reddit.id or 0, SourceUpdate(name="News"))

    session.add(SourceRun(source_id=reddit.id or 0, status="ok", fetched=3, inserted=2))
    session.add(SourceRun(source_id=reddit.id or 0, status="error", error="HTTP 500"))
    session.commit()
    runs = list_runs(session, wid, reddit.id or 0)
    assert [r.status for r in runs] == ["error", "ok"]

    from api.services.ingest import Ingestor

    Ingestor(session, wid).ingest([mention("Nuvola!", source="reddit")], source_id=reddit.id)
    remove_source(session, wid, reddit.id or 0)
    assert [s.name for s in list_sources(session, wid)] == ["news"]
    kept = session.execute(select(Mention)).scalars().one()
    assert kept.source_id is None
    assert session.execute(select(SourceRun)).scalars().all() == []
    with pytest.raises(NotFound):
        find_source(session, wid, "reddit")
    other = make_workspace(session, "other")
    with pytest.raises(NotFound):
        update_source(session, other.id or 0, src.id or 0, SourceUpdate(enabled=False))


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("GROUNDSWELL_DATA_DIR", str(data))
    monkeypatch.delenv("GROUNDSWELL_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return data


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_cli_sources_add_list_remove(env: Path) -> None:
    assert invoke("init").exit_code == 0
    added = invoke("sources", "add", "sodapop", "--kind", "reddit", "--query", "nuvola",
                   "--config", "subreddit=sodapop", "--config", "max_pages=3",
                   "--interval", "600")
    assert added.exit_code == 0, added.output
    assert "Added reddit source" in added.output
    rows = json.loads(invoke("sources", "list", "--json").output)
    assert rows[0]["name"] == "sodapop"
    assert rows[0]["config"] == {"subreddit": "sodapop", "max_pages": 3}
    assert rows[0]["interval_seconds"] == 600 and rows[0]["enabled"] is True
    table = invoke("sources", "list")
    assert "sodapop" in table.output and "reddit" in table.output

    bad = invoke("sources", "add", "yt", "--kind", "youtube")
    assert bad.exit_code == 2 and "video_id" in bad.output
    unknown = invoke("sources", "add", "x", "--kind", "myspace")
    assert unknown.exit_code == 2 and "unknown source kind" in unknown.output
    dup = invoke("sources", "add", "SodaPop", "--kind", "reddit", "--query", "q")
    assert dup.exit_code == 2 and "already exists" in dup.output
    assert invoke("sources", "add", "fast", "--kind", "rss", "--interval", "5").exit_code == 2

    assert invoke("sources", "remove", "sodapop").exit_code == 0
    assert json.loads(invoke("sources", "list", "--json").output) == []
    assert invoke("sources", "remove", "sodapop").exit_code == 2


def test_cli_listen_once_reports_and_fails_on_a_broken_source(env: Path) -> None:
    invoke("init")
    invoke("sources", "add", "feed", "--kind", "rss", "--query", "http://127.0.0.1:9/feed.xml")
    result = invoke("listen", "--once")
    # The URL is loopback and private URLs are not allowed: the source fails, recorded.
    assert result.exit_code == 1
    assert "non-public" in result.output
    listed = json.loads(invoke("sources", "list", "--json").output)
    assert listed[0]["consecutive_failures"] == 1
    assert "non-public" in listed[0]["last_error"]
    missing = invoke("listen", "--once", "--source", "nope")
    assert missing.exit_code == 2 and "no source named 'nope'" in missing.output


def test_register_is_idempotent() -> None:
    before = len(app.registered_commands)
    register(app)
    assert len(app.registered_commands) == before
    assert any(c.name == "listen" for c in app.registered_commands)
    assert sum(1 for g in app.registered_groups if g.name == "sources") == 1


def test_sources_table_is_plain_sqlmodel(session: Session) -> None:
    # The REST layer will serialise these rows; make sure config/cursor stay JSON.
    ws = make_workspace(session)
    config = {"own_handles": ["nuvola.bsky.social"]}
    src = create_source(session, ws.id or 0, SourceCreate(
        name="bsky", kind="bluesky", query="nuvola", config=config))
    fresh = session.get(Source, src.id)
    assert fresh is not None and fresh.config == {"own_handles": ["nuvola.bsky.social"]}
