from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from listener.base import Batch, CollectorError
from listener.collectors.mastodon import MastodonCollector
from listener.http import HttpClient
from tests.listener.servers import LoopbackServer, RecordedRequest, Reply, json_reply

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
TAG_PATH = "/api/v1/timelines/tag/nuvola"
BASE_ID = 113000000000000000


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


def status(n: int, minutes_ago: float = 0, **over: Any) -> dict[str, Any]:
    sid = str(BASE_ID + n)
    data: dict[str, Any] = {
        "id": sid,
        "created_at": (NOW - timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", ".000Z"),
        "in_reply_to_id": None, "in_reply_to_account_id": None, "sensitive": False,
        "spoiler_text": "", "visibility": "public", "language": "en",
        "uri": f"https://remote.example/users/u{n}/statuses/{n}",
        "url": f"https://remote.example/@u{n}/{n}",
        "replies_count": 1, "reblogs_count": 2, "favourites_count": 3,
        "content": f"<p>Loving <a href=\"https://m.example/tags/nuvola\" class=\"mention "
                   f"hashtag\">#<span>nuvola</span></a> number {n}</p>",
        "reblog": None,
        "account": {"id": str(n), "username": f"u{n}", "acct": f"u{n}@remote.example",
                    "display_name": f"User {n}", "followers_count": 100 + n,
                    "url": f"https://remote.example/@u{n}"},
        "media_attachments": [], "mentions": [], "tags": [{"name": "nuvola"}], "emojis": [],
    }
    data.update(over)
    return data


def tag_timeline(statuses: list[dict[str, Any]], base_url: str) -> Any:
    """/api/v1/timelines/tag/:hashtag with max_id/since_id/limit and Link headers."""
    ordered = sorted(statuses, key=lambda s: -int(s["id"]))

    def handle(request: RecordedRequest) -> Reply:
        limit = min(int(request.arg("limit") or 20), 40)
        page = ordered
        if request.arg("max_id"):
            page = [s for s in page if int(s["id"]) < int(request.arg("max_id") or 0)]
        if request.arg("since_id"):
            page = [s for s in page if int(s["id"]) > int(request.arg("since_id") or 0)]
        page = page[:limit]
        links = []
        if len(page) == limit:
            links.append(f'<{base_url}{request.path}?max_id={page[-1]["id"]}>; rel="next"')
        if page:
            links.append(f'<{base_url}{request.path}?min_id={page[0]["id"]}>; rel="prev"')
        return json_reply(page, headers={"Link": ", ".join(links)} if links else {})

    return handle


def collector(server: LoopbackServer, **kw: Any) -> MastodonCollector:
    kw.setdefault("http", HttpClient(allow_private=True, sleep=lambda s: None, max_retries=1))
    kw.setdefault("lookback_days", None)
    return MastodonCollector(instance=server.base_url, clock=lambda: NOW, **kw)


def ids(batches: list[Batch]) -> list[str]:
    return [m.external_id for b in batches for m in b.mentions]


def test_maps_statuses(server: LoopbackServer) -> None:
    own = status(2, 1, account={"id": "9", "username": "nuvoladrinks", "acct": "nuvoladrinks",
                                "display_name": "Nuvola", "followers_count": 18400},
                 in_reply_to_id=str(BASE_ID + 1), language="de", spoiler_text="Warnung",
                 content="<p>Danke!<br>Wir kümmern uns.</p>")
    server.route(TAG_PATH, tag_timeline([status(1, 2), own], server.base_url))
    c = collector(server, own_handles=["@NuvolaDrinks"])
    [batch] = list(c.collect("#nuvola", {}))
    reply, first = batch.mentions
    host = "127.0.0.1"
    assert first.external_id == f"{host}:{BASE_ID + 1}"
    assert first.url == "https://remote.example/@u1/1"
    assert first.text == "Loving #nuvola number 1"
    assert first.author == "u1@remote.example"
    assert first.author_followers == 101
    assert (first.likes, first.shares, first.replies) == (3, 2, 1)
    assert first.language == "en"
    assert first.created_at == NOW - timedelta(minutes=2)
    assert first.extra["uri"] == "https://remote.example/users/u1/statuses/1"
    assert first.extra["tags"] == ["nuvola"]
    assert not first.is_owned
    assert reply.author == f"nuvoladrinks@{host}"
    assert reply.is_owned
    assert reply.parent_external_id == f"{host}:{BASE_ID + 1}"
    assert reply.text == "Warnung\n\nDanke!\nWir kümmern uns."
    assert reply.language == "de" and reply.author_followers == 18400
    assert batch.cursor == {"newest": str(BASE_ID + 2)}


def test_follows_link_headers_and_next_run_uses_since_id(server: LoopbackServer) -> None:
    statuses = [status(i, i) for i in range(1, 91)]
    server.route(TAG_PATH, tag_timeline(statuses, server.base_url))
    batches = list(collector(server).collect("nuvola", {}))
    assert [len(b.mentions) for b in batches] == [40, 40, 10]
    assert len(set(ids(batches))) == 90
    max_ids = [r.arg("max_id") for r in server.requests_to(TAG_PATH)]
    assert max_ids == [None, str(BASE_ID + 51), str(BASE_ID + 11)]
    assert batches[-1].cursor == {"newest": str(BASE_ID + 90)}

    server.route(TAG_PATH, tag_timeline(statuses + [status(95, 0)], server.base_url))
    [again] = list(collector(server).collect("nuvola", batches[-1].cursor))
    assert server.requests_to(TAG_PATH)[-1].arg("since_id") == str(BASE_ID + 90)
    assert ids([again]) == [f"127.0.0.1:{BASE_ID + 95}"]


def test_an_interrupted_pass_resumes_at_its_max_id(server: LoopbackServer) -> None:
    statuses = [status(i, i) for i in range(1, 101)]
    server.route(TAG_PATH, tag_timeline(statuses, server.base_url))
    first = list(collector(server, max_pages=1).collect("nuvola", {}))
    assert first[-1].cursor["pass"] == {"page": str(BASE_ID + 61), "newest": str(BASE_ID + 100)}
    rest = list(collector(server).collect("nuvola", first[-1].cursor))
    assert set(ids(first) + ids(rest)) == {f"127.0.0.1:{BASE_ID + i}" for i in range(1, 101)}
    assert rest[-1].cursor == {"newest": str(BASE_ID + 100)}


def test_reblogs_are_stored_as_the_original(server: LoopbackServer) -> None:
    original = status(5, 10)
    boost = status(6, 1, content="", reblog=original)
    server.route(TAG_PATH, tag_timeline([boost], server.base_url))
    [batch] = list(collector(server).collect("nuvola", {}))
    [m] = batch.mentions
    assert m.external_id == f"127.0.0.1:{BASE_ID + 5}"
    assert m.extra["reblogged_by"] == "u6@remote.example"


def test_search_mode_uses_v2_search_with_the_token(server: LoopbackServer) -> None:
    server.route("/api/v2/search", json_reply({"accounts": [], "hashtags": [],
                                               "statuses": [status(1), status(2)]}))
    c = collector(server, mode="search", access_token="s3cret")
    [batch] = list(c.collect("nuvola citrus", {}))
    assert len(batch.mentions) == 2
    [request] = server.requests_to("/api/v2/search")
    assert request.arg("q") == "nuvola citrus" and request.arg("type") == "statuses"
    assert request.headers["authorization"] == "Bearer s3cret"


def test_errors_are_reported_with_the_instance_message(server: LoopbackServer) -> None:
    server.route("/api/v2/search", json_reply(
        {"error": "This API requires an authenticated user"}, status=401))
    with pytest.raises(CollectorError, match="authenticated user"):
        list(collector(server, mode="search").collect("nuvola", {}))
    server.route(TAG_PATH, Reply(body="<!doctype html><p>Maintenance</p>",
                                 content_type="text/html"))
    with pytest.raises(CollectorError, match="invalid JSON"):
        list(collector(server).collect("nuvola", {}))
    with pytest.raises(CollectorError, match="not a hashtag"):
        list(collector(server).collect("#two words", {}))


def test_instance_is_checked_by_the_ssrf_guard() -> None:
    c = MastodonCollector(instance="http://127.0.0.1:9/", allow_private=False)
    with pytest.raises(CollectorError, match="non-public"):
        list(c.collect("nuvola", {}))
    with pytest.raises(ValueError):
        MastodonCollector(instance="mastodon.social")
    with pytest.raises(ValueError):
        MastodonCollector(mode="federated")
