from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from listener.base import Batch, CollectorError
from listener.collectors import parse_datetime
from listener.collectors.bluesky import BlueskyCollector
from listener.http import HttpClient
from tests.listener.servers import LoopbackServer, RecordedRequest, Reply, json_reply

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
PATH = "/xrpc/app.bsky.feed.searchPosts"


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def post(n: int, minutes_ago: float = 0, **record_over: Any) -> dict[str, Any]:
    created = NOW - timedelta(minutes=minutes_ago)
    did = f"did:plc:user{n:04d}"
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": f"Nuvola Berry #{n} 🍓",
                              "createdAt": iso(created), "langs": ["en"]}
    record.update(record_over)
    return {
        "uri": f"at://{did}/app.bsky.feed.post/3kxyz{n:04d}",
        "cid": f"bafyreib{n:04d}",
        "author": {"did": did, "handle": f"user{n}.bsky.social", "displayName": f"User {n}",
                   "avatar": "https://cdn.example/a.jpg", "labels": []},
        "record": record,
        "replyCount": n % 3, "repostCount": n % 5, "likeCount": n % 7, "quoteCount": 1,
        "indexedAt": iso(created + timedelta(seconds=2)),
        "labels": [],
    }


def search_posts(posts: list[dict[str, Any]]) -> Any:
    """searchPosts: sort=latest, limit, since (inclusive), offset cursor, absent at the end."""
    def sort_at(p: dict[str, Any]) -> datetime:
        created = parse_datetime(p["record"]["createdAt"])
        indexed = parse_datetime(p["indexedAt"])
        assert created and indexed
        return min(created, indexed)

    ordered = sorted(posts, key=sort_at, reverse=True)

    def handle(request: RecordedRequest) -> Reply:
        if not request.arg("q"):
            return json_reply({"error": "InvalidRequest", "message": "Error: Params must have "
                               "the property \"q\""}, status=400)
        limit = int(request.arg("limit") or 25)
        selected = ordered
        if request.arg("since"):
            since = parse_datetime(request.arg("since"))
            assert since is not None
            selected = [p for p in selected if sort_at(p) >= since]
        offset = int(request.arg("cursor") or 0)
        page = selected[offset:offset + limit]
        body: dict[str, Any] = {"posts": page, "hitsTotal": len(selected)}
        if offset + limit < len(selected):
            body["cursor"] = str(offset + limit)
        return json_reply(body)

    return handle


def collector(server: LoopbackServer, **kw: Any) -> BlueskyCollector:
    kw.setdefault("http", HttpClient(allow_private=True, sleep=lambda s: None, max_retries=1))
    kw.setdefault("lookback_days", None)
    return BlueskyCollector(base_url=server.base_url, clock=lambda: NOW, **kw)


def ids(batches: list[Batch]) -> list[str]:
    return [m.external_id for b in batches for m in b.mentions]


def test_maps_post_views(server: LoopbackServer) -> None:
    reply = post(2, 1, text="@nuvola.bsky.social danke!", langs=["de"], reply={
        "root": {"uri": "at://did:plc:user0001/app.bsky.feed.post/3kxyz0001", "cid": "a"},
        "parent": {"uri": "at://did:plc:user0001/app.bsky.feed.post/3kxyz0001", "cid": "a"}})
    mine = post(3, 0.5)
    mine["author"]["handle"] = "nuvola.bsky.social"
    linked = post(4, 3, embed={"$type": "app.bsky.embed.external",
                               "external": {"uri": "https://news.example/nuvola", "title": "t"}})
    server.route(PATH, search_posts([post(1, 2), reply, mine, linked]))
    c = collector(server, own_handles="@nuvola.bsky.social", lang="en")
    [batch] = list(c.collect("nuvola", {}))
    own, second, first, with_link = batch.mentions
    assert first.external_id == "at://did:plc:user0001/app.bsky.feed.post/3kxyz0001"
    assert first.url == "https://bsky.app/profile/user1.bsky.social/post/3kxyz0001"
    assert first.text == "Nuvola Berry #1 🍓"
    assert first.author == "user1.bsky.social"
    assert first.author_followers is None
    assert (first.likes, first.shares, first.replies) == (1, 1, 1)
    assert first.language == "en"
    assert first.created_at == NOW - timedelta(minutes=2)
    assert first.extra["did"] == "did:plc:user0001" and first.extra["quotes"] == 1
    assert second.parent_external_id == first.external_id
    assert second.thread_external_id == first.external_id
    assert second.language == "de"
    assert own.is_owned and not first.is_owned
    assert with_link.extra["link"] == "https://news.example/nuvola"
    [request] = server.requests_to(PATH)
    assert (request.arg("q"), request.arg("sort"), request.arg("lang")) == ("nuvola", "latest",
                                                                            "en")
    assert request.arg("since") is None
    assert batch.cursor == {"newest": (NOW - timedelta(minutes=0.5)).timestamp()}


def test_pages_with_the_cursor_and_next_run_sends_since(server: LoopbackServer) -> None:
    posts = [post(i, i) for i in range(1, 251)]
    server.route(PATH, search_posts(posts))
    batches = list(collector(server).collect("nuvola", {}))
    assert [len(b.mentions) for b in batches] == [100, 100, 50]
    assert [r.arg("cursor") for r in server.requests_to(PATH)] == [None, "100", "200"]
    newest = (NOW - timedelta(minutes=1)).timestamp()
    assert batches[-1].cursor == {"newest": newest}

    server.route(PATH, search_posts(posts + [post(900, 0)]))
    [again] = list(collector(server).collect("nuvola", batches[-1].cursor))
    assert server.requests_to(PATH)[-1].arg("since") == "2026-11-10T11:59:00.000000Z"
    assert ids([again]) == [post(900)["uri"], post(1)["uri"]]


def test_interrupted_pass_resumes_with_its_cursor(server: LoopbackServer) -> None:
    posts = [post(i, i) for i in range(1, 121)]
    server.route(PATH, search_posts(posts))
    first = list(collector(server, page_size=50, max_pages=1).collect("nuvola", {}))
    assert first[-1].cursor["pass"]["page"] == "50"
    rest = list(collector(server, page_size=50).collect("nuvola", first[-1].cursor))
    assert set(ids(first) + ids(rest)) == {p["uri"] for p in posts}


def test_rate_limit_waits_for_ratelimit_reset(server: LoopbackServer) -> None:
    waits: list[float] = []
    reset = str(int(time.time()) + 20)
    server.route(PATH, [
        json_reply({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, status=429,
                   headers={"ratelimit-limit": "3000", "ratelimit-remaining": "0",
                            "ratelimit-reset": reset}),
        json_reply({"posts": [post(1)]}),
    ])
    c = collector(server, http=HttpClient(allow_private=True, sleep=waits.append))
    [batch] = list(c.collect("nuvola", {}))
    assert len(batch.mentions) == 1
    assert len(waits) == 1 and 15 <= waits[0] <= 20


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (json_reply({"error": "InvalidRequest", "message": "malformed cursor"}, status=400),
         "InvalidRequest: malformed cursor"),
        (json_reply({"error": "AuthMissing", "message": "Authentication Required"}, status=401),
         "Authentication Required"),
        (Reply(body=b'{"posts": [{"uri": "at://', content_type="application/json"),
         "invalid JSON"),
        (json_reply({"cursor": "1"}), "unexpected response format"),
    ],
)
def test_xrpc_errors_become_collector_errors(
    server: LoopbackServer, reply: Reply, reason: str
) -> None:
    server.route(PATH, reply)
    with pytest.raises(CollectorError) as info:
        list(collector(server).collect("nuvola", {}))
    assert reason in info.value.reason


def test_token_is_sent_and_query_is_required(server: LoopbackServer) -> None:
    server.route(PATH, search_posts([post(1)]))
    list(collector(server, access_token="jwt123").collect("nuvola", {}))
    assert server.requests_to(PATH)[0].headers["authorization"] == "Bearer jwt123"
    with pytest.raises(CollectorError, match="needs a query"):
        list(collector(server).collect("", {}))
