from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from listener.base import Batch, CollectorError
from listener.collectors.hackernews import HackerNewsCollector
from listener.http import HttpClient
from tests.listener.servers import LoopbackServer, RecordedRequest, Reply, json_reply

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
T = int(NOW.timestamp())
PATH = "/api/v1/search_by_date"


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


def story(n: int, created: int, **over: Any) -> dict[str, Any]:
    hit = {
        "objectID": str(40000000 + n), "created_at": datetime.fromtimestamp(created, UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ"), "created_at_i": created, "title": f"Show HN: Nuvola {n}",
        "url": f"https://example.com/{n}", "author": f"hn{n % 13}", "points": n % 90,
        "num_comments": n % 11, "story_text": None, "comment_text": None, "story_id": None,
        "parent_id": None, "story_title": None, "_tags": ["story", f"author_hn{n % 13}",
                                                           f"story_{40000000 + n}"],
    }
    hit.update(over)
    return hit


def algolia(hits: list[dict[str, Any]], max_hits: int = 1000) -> Any:
    """search_by_date: newest first, numericFilters, hitsPerPage/page, 1000-hit cap."""
    ordered = sorted(hits, key=lambda h: -h["created_at_i"])

    def handle(request: RecordedRequest) -> Reply:
        selected = ordered
        for f in filter(None, (request.arg("numericFilters") or "").split(",")):
            m = re.fullmatch(r"created_at_i(>=|<=|>|<)(\d+)", f)
            if m is None:
                return json_reply({"message": f"invalid numericFilters: {f}", "status": 400},
                                  status=400)
            op, value = m.group(1), int(m.group(2))
            compare = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}[op]
            selected = [h for h in selected if compare(h["created_at_i"], value)]
        per = int(request.arg("hitsPerPage") or 20)
        page = int(request.arg("page") or 0)
        reachable = selected[:max_hits]
        pages = math.ceil(len(reachable) / per)
        chunk = reachable[page * per:(page + 1) * per]
        return json_reply({"hits": chunk, "nbHits": len(selected), "page": page,
                           "nbPages": pages, "hitsPerPage": per, "exhaustiveNbHits": True,
                           "query": request.arg("query"), "params": "", "processingTimeMS": 1})

    return handle


def collector(server: LoopbackServer, **kw: Any) -> HackerNewsCollector:
    kw.setdefault("http", HttpClient(allow_private=True, sleep=lambda s: None, max_retries=2))
    kw.setdefault("lookback_days", None)
    return HackerNewsCollector(base_url=server.url("/api/v1"), clock=lambda: NOW, **kw)


def ids(batches: list[Batch]) -> list[str]:
    return [m.external_id for b in batches for m in b.mentions]


def test_maps_stories_and_comments(server: LoopbackServer) -> None:
    comment = {
        "objectID": "41000001", "created_at_i": T - 10, "author": "nuvola_team",
        "comment_text": "<p>We&#x27;re fixing it.</p><p>Thanks &amp; sorry</p>",
        "parent_id": 41000000, "story_id": 40000001, "story_title": "Show HN: Nuvola 1",
        "points": None, "num_comments": None, "_tags": ["comment", "author_nuvola_team"],
    }
    ask = story(2, T - 20, title="Ask HN: Nuvola?", url=None, story_text="Is it <i>good</i>?")
    server.route(PATH, algolia([comment, story(1, T - 5), ask]))
    [batch] = list(collector(server, own_handles="nuvola_team").collect("nuvola", {}))
    s1, c1, s2 = batch.mentions
    assert s1.external_id == "40000001"
    assert s1.url == "https://news.ycombinator.com/item?id=40000001"
    assert s1.text == "Show HN: Nuvola 1"
    assert (s1.likes, s1.replies) == (1, 1)
    assert s1.extra == {"type": "story", "link": "https://example.com/1"}
    assert s1.created_at == datetime.fromtimestamp(T - 5, UTC)
    assert c1.text == "We're fixing it.\n\nThanks & sorry"
    assert (c1.parent_external_id, c1.thread_external_id) == ("41000000", "40000001")
    assert c1.is_owned and not s1.is_owned
    assert c1.extra["story_title"] == "Show HN: Nuvola 1"
    assert s2.text == "Ask HN: Nuvola?\n\nIs it good?"
    [request] = server.requests_to(PATH)
    assert request.arg("query") == "nuvola"
    assert request.arg("tags") == "(story,comment)"
    assert request.arg("numericFilters") is None
    assert batch.cursor == {"newest": T - 5}


def test_reaches_past_the_1000_hit_cap_by_narrowing_the_window(server: LoopbackServer) -> None:
    # 2,500 hits; 300 of them share one second, more than a page.
    hits = [story(i, T - 2 * i) for i in range(2200)]
    hits += [story(5000 + i, T - 1001) for i in range(300)]
    server.route(PATH, algolia(hits))
    batches = list(collector(server, page_size=100, max_pages=100).collect("", {}))
    assert set(ids(batches)) == {h["objectID"] for h in hits}
    assert batches[-1].done and batches[-1].cursor == {"newest": T}
    windows = [r.arg("numericFilters") for r in server.requests_to(PATH)]
    assert windows[0] is None
    assert all(w and w.startswith("created_at_i<=") for w in windows[1:])
    assert any(r.arg("page") != "0" for r in server.requests_to(PATH))  # the crowded second


def test_next_run_asks_only_for_newer_hits(server: LoopbackServer) -> None:
    server.route(PATH, algolia([story(i, T - 60 * i) for i in range(5)]))
    [first] = list(collector(server).collect("nuvola", {}))
    server.route(PATH, algolia([story(100, T + 30)] + [story(i, T - 60 * i) for i in range(5)]))
    [second] = list(collector(server).collect("nuvola", first.cursor))
    assert server.requests_to(PATH)[-1].arg("numericFilters") == f"created_at_i>={T}"
    assert ids([second]) == ["40000100", "40000000"]
    assert second.cursor == {"newest": T + 30}


def test_lookback_limits_the_first_run(server: LoopbackServer) -> None:
    server.route(PATH, algolia([story(i, T - 86400 * i) for i in range(10)]))
    [batch] = list(collector(server, lookback_days=2).collect("nuvola", {}))
    assert server.requests_to(PATH)[0].arg("numericFilters") == f"created_at_i>={T - 2 * 86400}"
    assert len(batch.mentions) == 3


def test_resuming_an_open_pass_uses_the_stored_window(server: LoopbackServer) -> None:
    server.route(PATH, algolia([story(i, T - i) for i in range(30)]))
    first = list(collector(server, page_size=10, max_pages=1).collect("", {}))
    assert first[-1].cursor == {"newest": None, "pass": {"page": {"until": T - 9, "page": 0},
                                                         "newest": T}}
    rest = list(collector(server, page_size=10).collect("", first[-1].cursor))
    assert set(ids(first) + ids(rest)) == {str(40000000 + i) for i in range(30)}
    assert rest[-1].cursor == {"newest": T}


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (json_reply({"message": "invalid query", "status": 400}, status=400), "invalid query"),
        (Reply(body=b'{"hits": [{"objectID": "1"', content_type="application/json"),
         "invalid JSON"),
        (json_reply({"nbHits": 0}), "unexpected response format"),
        (json_reply({"hits": [{"objectID": "1"}]}), "unexpected response format"),
    ],
)
def test_bad_answers_become_collector_errors(
    server: LoopbackServer, reply: Reply, reason: str
) -> None:
    server.route(PATH, reply)
    with pytest.raises(CollectorError) as info:
        list(collector(server).collect("nuvola", {}))
    assert reason in info.value.reason


def test_transient_errors_are_retried(server: LoopbackServer) -> None:
    server.route(PATH, [Reply(502), Reply(503), json_reply({"hits": [story(1, T)], "nbPages": 1})])
    [batch] = list(collector(server).collect("nuvola", {}))
    assert ids([batch]) == ["40000001"]
