from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from listener.base import Batch, CollectorError
from listener.collectors.youtube import YouTubeCollector
from listener.http import HttpClient
from tests.listener.servers import LoopbackServer, RecordedRequest, Reply, json_reply

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
PATH = "/youtube/v3/commentThreads"
VIDEO = "dQw4w9WgXcQ"
KEY = "AIzaTESTKEY123"


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


def comment(cid: str, minutes_ago: float, text: str, author: str = "@viewer",
            parent: str | None = None, likes: int = 0, channel: str = "UCviewer") -> dict[str, Any]:
    snippet: dict[str, Any] = {
        "channelId": "UCnuvola", "videoId": VIDEO,
        "textDisplay": text, "textOriginal": text,
        "authorDisplayName": author, "authorProfileImageUrl": "https://yt3.example/a.jpg",
        "authorChannelUrl": f"http://www.youtube.com/{author}",
        "authorChannelId": {"value": channel}, "canRate": True, "viewerRating": "none",
        "likeCount": likes,
        "publishedAt": (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "updatedAt": (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "etag": f"e-{cid}", "id": cid, "snippet": snippet}


def thread(n: int, minutes_ago: float, replies: list[dict[str, Any]] | None = None,
           **kw: Any) -> dict[str, Any]:
    tid = f"UgzThread{n:05d}"
    item: dict[str, Any] = {
        "kind": "youtube#commentThread", "etag": f"t-{n}", "id": tid,
        "snippet": {"channelId": "UCnuvola", "videoId": VIDEO,
                    "topLevelComment": comment(tid, minutes_ago, f"Nuvola comment {n}", **kw),
                    "canReply": True, "totalReplyCount": len(replies or []), "isPublic": True},
    }
    if replies:
        item["replies"] = {"comments": replies}
    return item


def comment_threads(threads: list[dict[str, Any]]) -> Any:
    """commentThreads.list: key required, order=time, maxResults, opaque pageToken."""

    def handle(request: RecordedRequest) -> Reply:
        if request.arg("key") != KEY:
            return json_reply({"error": {"code": 400, "message": "API key not valid. Please "
                               "pass a valid API key.", "errors": [{"message": "API key not "
                               "valid.", "domain": "global", "reason": "badRequest"}],
                               "status": "INVALID_ARGUMENT"}}, status=400)
        per = int(request.arg("maxResults") or 20)
        start = int((request.arg("pageToken") or "tok0")[3:])
        page = threads[start:start + per]
        body: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "etag": "x",
                                "pageInfo": {"totalResults": len(page), "resultsPerPage": per},
                                "items": page}
        if start + per < len(threads):
            body["nextPageToken"] = f"tok{start + per}"
        return json_reply(body)

    return handle


def collector(server: LoopbackServer, **kw: Any) -> YouTubeCollector:
    kw.setdefault("http", HttpClient(allow_private=True, sleep=lambda s: None, max_retries=1))
    kw.setdefault("lookback_days", None)
    kw.setdefault("api_key", KEY)
    kw.setdefault("video_id", VIDEO)
    return YouTubeCollector(base_url=server.url("/youtube/v3"), clock=lambda: NOW, **kw)


def ids(batches: list[Batch]) -> list[str]:
    return [m.external_id for b in batches for m in b.mentions]


def test_maps_threads_and_replies(server: LoopbackServer) -> None:
    tid = "UgzThread00001"
    replies = [comment(f"{tid}.r1", 1, "Thanks for trying it!", author="@NuvolaDrinks",
                       parent=tid, likes=7, channel="UCnuvola")]
    server.route(PATH, comment_threads([thread(1, 5, replies, likes=12)]))
    c = collector(server, own_handles="@nuvoladrinks", rate_limit_per_minute=1000)
    [batch] = list(c.collect("citrus", {}))
    top, reply = batch.mentions
    assert top.external_id == tid
    assert top.text == "Nuvola comment 1"
    assert top.url == f"https://www.youtube.com/watch?v={VIDEO}&lc={tid}"
    assert top.author == "@viewer"
    assert (top.likes, top.replies) == (12, 1)
    assert top.created_at == NOW - timedelta(minutes=5)
    assert top.extra["video_id"] == VIDEO and top.extra["author_channel_id"] == "UCviewer"
    assert not top.is_owned
    assert reply.external_id == f"{tid}.r1"
    assert (reply.parent_external_id, reply.thread_external_id) == (tid, tid)
    assert reply.is_owned and reply.likes == 7
    [request] = server.requests_to(PATH)
    assert request.arg("part") == "snippet,replies"
    assert request.arg("videoId") == VIDEO
    assert request.arg("order") == "time"
    assert request.arg("textFormat") == "plainText"
    assert request.arg("searchTerms") == "citrus"
    assert request.arg("maxResults") == "100"
    assert batch.cursor == {"newest": (NOW - timedelta(minutes=5)).timestamp()}


def test_pages_with_next_page_token_and_stops_at_the_watermark(server: LoopbackServer) -> None:
    threads = [thread(i, i) for i in range(250)]
    server.route(PATH, comment_threads(threads))
    batches = list(collector(server).collect("", {}))
    assert [len(b.mentions) for b in batches] == [100, 100, 50]
    assert [r.arg("pageToken") for r in server.requests_to(PATH)] == [None, "tok100", "tok200"]
    server.route(PATH, comment_threads([thread(999, -1)] + threads))
    again = list(collector(server).collect("", batches[-1].cursor))
    assert ids(again) == ["UgzThread00999", "UgzThread00000"]
    assert len(server.requests_to(PATH)) == 4


def test_channel_mode_and_open_pass_resume(server: LoopbackServer) -> None:
    server.route(PATH, comment_threads([thread(i, i) for i in range(30)]))
    c = collector(server, video_id=None, channel_id="UCnuvola00000000000000", page_size=10,
                  max_pages=1)
    first = list(c.collect("", {}))
    assert server.requests_to(PATH)[0].arg("allThreadsRelatedToChannelId") == (
        "UCnuvola00000000000000")
    assert server.requests_to(PATH)[0].arg("videoId") is None
    assert first[-1].cursor["pass"]["page"] == "tok10"
    second = list(collector(server, page_size=10).collect("", first[-1].cursor))
    assert len(set(ids(first) + ids(second))) == 30


def test_key_is_required_and_never_leaks_into_errors(server: LoopbackServer) -> None:
    with pytest.raises(CollectorError, match="no API key"):
        list(collector(server, api_key=None).collect("", {}))
    quota = {"error": {"code": 403, "message": "The request cannot be completed because you "
                       "have exceeded your quota.", "errors": [{"message": "quota",
                       "domain": "youtube.quota", "reason": "quotaExceeded"}]}}
    server.route(PATH, json_reply(quota, status=403))
    with pytest.raises(CollectorError) as info:
        list(collector(server).collect("", {}))
    assert "quotaExceeded" in info.value.reason
    assert KEY not in info.value.reason and "key=***" in info.value.reason
    server.route(PATH, comment_threads([]))
    with pytest.raises(CollectorError) as bad:
        list(collector(server, api_key="wrong-key").collect("", {}))
    assert "API key not valid" in bad.value.reason
    assert "wrong-key" not in bad.value.reason


def test_truncated_body_and_bad_config(server: LoopbackServer) -> None:
    server.route(PATH, Reply(body=b'{"items": [{"snippet": {"topLevelC',
                             content_type="application/json"))
    with pytest.raises(CollectorError, match="invalid JSON"):
        list(collector(server).collect("", {}))
    with pytest.raises(ValueError):
        YouTubeCollector()
    with pytest.raises(ValueError):
        YouTubeCollector(video_id=VIDEO, channel_id="UCnuvola00000000000000")
    with pytest.raises(ValueError):
        YouTubeCollector(video_id="../../etc")
