from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from listener.base import Batch, CollectorError
from listener.collectors.appstore import AppStoreCollector
from listener.http import HttpClient
from tests.listener.servers import LoopbackServer, RecordedRequest, Reply, json_reply

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
APP = "1234567890"
PACIFIC = timezone(timedelta(hours=-7))


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


def path(page: int, country: str = "us") -> str:
    return f"/{country}/rss/customerreviews/page={page}/id={APP}/sortby=mostrecent/json"


def review(n: int, hours_ago: float, **over: Any) -> dict[str, Any]:
    updated = (NOW - timedelta(hours=hours_ago)).astimezone(PACIFIC)
    entry = {
        "author": {"uri": {"label": f"https://itunes.apple.com/us/reviews/id{9000 + n}"},
                   "name": {"label": f"Reviewer{n}"}, "label": ""},
        "updated": {"label": updated.isoformat()},
        "im:rating": {"label": str(1 + n % 5)},
        "im:version": {"label": "3.2.1"},
        "id": {"label": str(11000000000 + n)},
        "title": {"label": f"Review {n}"},
        "content": {"label": f"Nuvola app review body {n}", "attributes": {"type": "text"}},
        "link": {"attributes": {"rel": "related",
                                "href": f"https://itunes.apple.com/us/review?id={APP}&type=Purple%20Software"}},
        "im:voteSum": {"label": str(n % 4)},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
        "im:voteCount": {"label": str(n % 6)},
    }
    entry.update(over)
    return entry


def feed_server(reviews: list[dict[str, Any]], base: str, per_page: int = 50) -> Any:
    """The customerreviews JSON feed: 50 a page, pages 1-10, entry omitted when empty."""

    def handle(request: RecordedRequest) -> Reply:
        m = re.search(r"/page=(\d+)/", request.path)
        page = int(m.group(1)) if m else 1
        last = max(1, min(10, math.ceil(len(reviews) / per_page)))
        if page > 10:
            return Reply(400, body="Bad Request", content_type="text/plain")
        chunk = reviews[(page - 1) * per_page: page * per_page]
        links = [{"attributes": {"rel": "alternate", "type": "text/html",
                                 "href": f"https://apps.apple.com/us/app/id{APP}"}}]
        for rel, n in (("self", page), ("first", 1), ("last", last), ("previous", max(1, page - 1)),
                       ("next", min(last, page + 1))):
            links.append({"attributes": {
                "rel": rel, "href": f"{base}/us/rss/customerreviews/page={n}/id={APP}/"
                "sortby=mostrecent/xml?urlDesc=/customerreviews/id=" + APP + "/json"}})
        feed: dict[str, Any] = {
            "author": {"name": {"label": "iTunes Store"}, "uri": {"label": "http://www.apple.com/itunes/"}},
            "updated": {"label": NOW.isoformat()}, "rights": {"label": "Copyright 2008 Apple Inc."},
            "title": {"label": "iTunes Store: Customer Reviews"}, "icon": {"label": "x"},
            "link": links, "id": {"label": f"{base}/us/rss/customerreviews/id={APP}/json"},
        }
        if len(chunk) == 1:
            feed["entry"] = chunk[0]
        elif chunk:
            feed["entry"] = chunk
        return json_reply({"feed": feed})

    return handle


def collector(server: LoopbackServer, **kw: Any) -> AppStoreCollector:
    kw.setdefault("http", HttpClient(allow_private=True, sleep=lambda s: None, max_retries=1))
    return AppStoreCollector(base_url=server.base_url, clock=lambda: NOW, **kw)


def ids(batches: list[Batch]) -> list[str]:
    return [m.external_id for b in batches for m in b.mentions]


def route_all(server: LoopbackServer, reviews: list[dict[str, Any]]) -> None:
    handler = feed_server(reviews, server.base_url)
    for page in range(1, 12):
        server.route(path(page), handler)


def test_maps_review_entries(server: LoopbackServer) -> None:
    app_meta = {"im:name": {"label": "Nuvola"}, "id": {"label": "https://apps.apple.com/app"},
                "title": {"label": "Nuvola - Nuvola Drinks"}}
    route_all(server, [app_meta, review(1, 2), review(2, 5)])
    [batch] = list(collector(server).collect(APP, {}))
    first, second = batch.mentions
    assert first.external_id == f"{APP}:11000000001"
    assert first.text == "Review 1\n\nNuvola app review body 1"
    assert first.author == "Reviewer1"
    assert first.url is None
    assert first.country == "US"
    assert first.created_at == NOW - timedelta(hours=2)
    assert first.extra == {"app_id": APP, "rating": 2, "version": "3.2.1", "votes": 1}
    assert first.likes == 1
    assert second.extra["rating"] == 3
    assert batch.cursor == {"newest": (NOW - timedelta(hours=2)).timestamp()}


def test_a_single_review_comes_as_an_object(server: LoopbackServer) -> None:
    route_all(server, [review(1, 1)])
    [batch] = list(collector(server, app_id="id" + APP).collect("", {}))
    assert ids([batch]) == [f"{APP}:11000000001"]


def test_pages_until_the_last_and_then_only_fetches_new_reviews(server: LoopbackServer) -> None:
    reviews = [review(i, i) for i in range(120)]
    route_all(server, reviews)
    batches = list(collector(server).collect(APP, {}))
    assert [len(b.mentions) for b in batches] == [50, 50, 20]
    assert len(server.requests_to(path(4))) == 0
    assert batches[1].cursor["pass"]["page"] == 3
    route_all(server, [review(500, 0)] + reviews)
    again = list(collector(server).collect(APP, batches[-1].cursor))
    assert ids(again) == [f"{APP}:11000000500", f"{APP}:11000000000"]


def test_empty_feed_has_no_entry_key(server: LoopbackServer) -> None:
    route_all(server, [])
    [batch] = list(collector(server).collect(APP, {}))
    assert batch.mentions == [] and batch.cursor == {"newest": None}


def test_errors_and_bad_config(server: LoopbackServer) -> None:
    server.route(path(1), Reply(body="<html>not json</html>", content_type="text/html"))
    with pytest.raises(CollectorError, match="invalid JSON"):
        list(collector(server).collect(APP, {}))
    server.route(path(1), json_reply({"nofeed": {}}))
    with pytest.raises(CollectorError, match="unexpected response format"):
        list(collector(server).collect(APP, {}))
    with pytest.raises(CollectorError, match="numeric app id"):
        list(collector(server).collect("nuvola", {}))
    with pytest.raises(ValueError):
        AppStoreCollector(country="usa")
    with pytest.raises(ValueError):
        AppStoreCollector(app_id="nuvola")
