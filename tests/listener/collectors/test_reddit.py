from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from listener.base import Batch, CollectorError, get_collector_factory
from listener.collectors.reddit import RedditCollector
from listener.http import HttpClient
from tests.listener.servers import LoopbackServer, Reply, json_reply, reddit_listing, reddit_post

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
T = NOW.timestamp()


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


def collector(server: LoopbackServer, **kw: Any) -> RedditCollector:
    kw.setdefault("http", HttpClient(allow_private=True, sleep=lambda s: None, max_retries=2))
    return RedditCollector(base_url=server.base_url, clock=lambda: NOW, **kw)


def posts(n: int, start: int = 0) -> list[dict[str, Any]]:
    # Newest first, one a minute.
    return [reddit_post(i, T - 60 * (i - start)) for i in range(start, start + n)]


def ids(batches: list[Batch]) -> list[str]:
    return [m.external_id for b in batches for m in b.mentions]


def test_search_maps_the_listing_format(server: LoopbackServer) -> None:
    items = [
        reddit_post(1, T - 60, author="NuvolaDrinks", score=42, num_comments=5, num_crossposts=2),
        reddit_post(2, T - 120, is_self=False, url="https://news.example.com/nuvola", selftext=""),
        reddit_post(3, T - 180, selftext="[removed]", author="[deleted]"),
    ]
    server.route("/r/sodapop/search.json", reddit_listing(items))
    c = collector(server, subreddit="r/sodapop", own_handles="u/nuvoladrinks, @other")
    [batch] = list(c.collect("nuvola OR fizzly", {}))
    first, second, third = batch.mentions
    assert first.external_id == "t3_p00001"
    assert first.source == "reddit"
    assert first.text == "Nuvola post number 1\n\nBody of post 1: tried the new flavour."
    assert first.url == "https://www.reddit.com/r/sodapop/comments/p00001/nuvola_post_number_1/"
    assert first.author == "NuvolaDrinks"
    assert first.is_owned
    assert (first.likes, first.replies, first.shares) == (42, 5, 2)
    assert first.created_at == datetime.fromtimestamp(T - 60, UTC)
    assert first.extra["subreddit"] == "sodapop"
    assert second.text == "Nuvola post number 2"
    assert second.extra["link"] == "https://news.example.com/nuvola"
    assert not second.is_owned
    assert third.author is None and third.text == "Nuvola post number 3"
    [request] = server.requests_to("/r/sodapop/search.json")
    assert request.query["q"] == ["nuvola OR fizzly"]
    assert request.arg("sort") == "new"
    assert request.arg("restrict_sr") == "1"
    assert request.arg("limit") == "100"
    assert request.arg("raw_json") == "1"
    assert request.headers["user-agent"].startswith("Groundswell/")
    assert batch.done
    assert batch.cursor == {"newest": T - 60}


def test_pages_through_after_and_resumes_from_a_stored_cursor(server: LoopbackServer) -> None:
    items = posts(250)
    server.route("/search.json", reddit_listing(items))
    batches = list(collector(server, page_size=100).collect("nuvola", {}))
    assert [len(b.mentions) for b in batches] == [100, 100, 50]
    assert [b.done for b in batches] == [False, False, True]
    assert ids(batches) == [c["data"]["name"] for c in items]
    afters = [r.arg("after") for r in server.requests_to("/search.json")]
    assert afters == [None, "t3_p00099", "t3_p00199"]
    # A crash after the first batch was stored: its cursor resumes at page two.
    resumed = list(collector(server, page_size=100).collect("nuvola", batches[0].cursor))
    assert server.requests_to("/search.json")[-2].arg("after") == "t3_p00099"
    assert set(ids(batches[:1]) + ids(resumed)) == {c["data"]["name"] for c in items}
    assert resumed[-1].cursor == {"newest": T}


def test_next_run_only_fetches_newer_posts(server: LoopbackServer) -> None:
    items = posts(30)
    server.route("/search.json", reddit_listing(items))
    first = list(collector(server, page_size=10).collect("nuvola", {}))
    cursor = first[-1].cursor
    newer = [reddit_post(1000 + i, T + 60 * (5 - i)) for i in range(5)]
    server.route("/search.json", reddit_listing(newer + items))
    before = len(server.requests_to("/search.json"))
    second = list(collector(server, page_size=10).collect("nuvola", cursor))
    assert len(server.requests_to("/search.json")) == before + 1
    # The newest post of the last pass is yielded again (same second); ingest dedups it.
    assert ids(second) == [p["data"]["name"] for p in newer] + ["t3_p00000"]
    assert second[-1].cursor == {"newest": T + 300}


def test_max_pages_leaves_the_pass_open_for_the_next_run(server: LoopbackServer) -> None:
    items = posts(50)
    server.route("/search.json", reddit_listing(items))
    c = collector(server, page_size=10, max_pages=2)
    first = list(c.collect("nuvola", {}))
    assert len(ids(first)) == 20
    assert first[-1].cursor == {"newest": None, "pass": {"page": "t3_p00019", "newest": T}}
    second = list(c.collect("nuvola", first[-1].cursor))
    third = list(c.collect("nuvola", second[-1].cursor))
    assert ids(first) + ids(second) + ids(third) == [p["data"]["name"] for p in items]
    assert third[-1].cursor == {"newest": T}


def test_first_run_stops_at_the_lookback(server: LoopbackServer) -> None:
    items = [reddit_post(i, T - 3600 * 24 * i) for i in range(10)]  # one a day
    server.route("/search.json", reddit_listing(items))
    [batch] = list(collector(server, lookback_days=3.5).collect("nuvola", {}))
    assert ids([batch]) == ["t3_p00000", "t3_p00001", "t3_p00002", "t3_p00003"]


def test_comments_listing_keeps_the_thread_structure(server: LoopbackServer) -> None:
    comment = {"kind": "t1", "data": {
        "id": "c1", "name": "t1_c1", "body": "Nuvola Berry is great", "author": "fan",
        "parent_id": "t1_c0", "link_id": "t3_p00001", "link_title": "Best soda?",
        "permalink": "/r/sodapop/comments/p00001/best_soda/c1/", "created_utc": T - 5,
        "score": 3, "subreddit": "sodapop"}}
    server.route("/r/sodapop/comments.json", reddit_listing([comment]))
    [batch] = list(collector(server, subreddit="sodapop", listing="comments").collect("", {}))
    [m] = batch.mentions
    assert (m.external_id, m.parent_external_id, m.thread_external_id) == (
        "t1_c1", "t1_c0", "t3_p00001")
    assert m.likes == 3 and m.extra["link_title"] == "Best soda?"


def test_rate_limit_answer_is_retried_after_its_delay(server: LoopbackServer) -> None:
    waits: list[float] = []
    http = HttpClient(allow_private=True, sleep=waits.append)
    server.route("/search.json", [
        json_reply({"message": "Too Many Requests", "error": 429}, status=429,
                   headers={"Retry-After": "3"}),
        json_reply({"kind": "Listing", "data": {"after": None, "children": posts(2)}}),
    ])
    [batch] = list(collector(server, http=http).collect("nuvola", {}))
    assert len(batch.mentions) == 2
    assert waits == [3.0]


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (json_reply({"reason": "private", "message": "Forbidden", "error": 403}, status=403),
         "HTTP 403"),
        (Reply(body="<html><body>blocked</body></html>", content_type="text/html"),
         "invalid JSON"),
        (Reply(body=b'{"kind": "Listing", "data": {"children": [{"kind": "t3", "da',
               content_type="application/json"), "invalid JSON"),
        (json_reply({"kind": "t2", "data": {}}), "unexpected response format"),
        (json_reply({"kind": "Listing", "data": {"children": "nope"}}),
         "unexpected response format"),
        (Reply(500), "HTTP 500"),
    ],
)
def test_bad_answers_become_collector_errors(
    server: LoopbackServer, reply: Reply, reason: str
) -> None:
    server.route("/search.json", reply)
    with pytest.raises(CollectorError) as info:
        list(collector(server).collect("nuvola", {}))
    assert reason in info.value.reason
    assert info.value.source == "reddit"


def test_config_is_validated_without_io() -> None:
    with pytest.raises(ValueError):
        RedditCollector(subreddit="no spaces allowed")
    with pytest.raises(ValueError):
        RedditCollector(listing="new")
    with pytest.raises(ValueError):
        RedditCollector(listing="hot", subreddit="sodapop")
    with pytest.raises(ValueError):
        RedditCollector(page_size=500)
    built = get_collector_factory("reddit")(subreddit="sodapop+drinks_de")
    assert isinstance(built, RedditCollector)


def test_search_without_query_is_an_error(server: LoopbackServer) -> None:
    with pytest.raises(CollectorError, match="needs a query"):
        list(collector(server, listing="search").collect("  ", {}))
