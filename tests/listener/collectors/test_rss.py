from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from listener.base import CollectorError
from listener.collectors.rss import RssCollector
from listener.http import HttpClient
from tests.listener.servers import LoopbackServer, RecordedRequest, Reply, huge_body, redirect

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
  <title>Food &amp; Trade Weekly</title>
  <link>https://foodtrade.example.com/</link>
  <description>Drinks industry news</description>
  <language>en-gb</language>
  <item>
    <title>Nuvola launches Nuvola Zero</title>
    <link>https://foodtrade.example.com/2026/11/05/nuvola-zero?utm_source=rss</link>
    <guid isPermaLink="false">ftw-10001</guid>
    <dc:creator>Jane Reporter</dc:creator>
    <pubDate>Thu, 05 Nov 2026 08:15:00 +0000</pubDate>
    <category>Launches</category><category>Soft drinks</category>
    <description>&lt;p&gt;The &lt;b&gt;sugar-free&lt;/b&gt; line
      arrives&amp;nbsp;today.&lt;/p&gt;</description>
    <slash:comments>4</slash:comments>
  </item>
  <item>
    <title>Fizzly recalls nothing</title>
    <link>https://foodtrade.example.com/2026/11/04/fizzly</link>
    <description>Plain text summary.</description>
    <pubDate>Wed, 04 Nov 2026 17:00:00 +0100</pubDate>
  </item>
  <item>
    <title>Untitled brief without id or link</title>
    <description>Nuvola shares rose.</description>
  </item>
</channel>
</rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Tagesblatt Wirtschaft</title>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <updated>2026-11-06T10:00:00Z</updated>
  <author><name>Redaktion</name></author>
  <entry>
    <title>Nuvola Zero im Test</title>
    <link rel="alternate" href="https://tagesblatt.example.org/nuvola-zero-test"/>
    <id>tag:tagesblatt.example.org,2026:1234</id>
    <published>2026-11-06T09:30:00+01:00</published>
    <updated>2026-11-06T09:45:00+01:00</updated>
    <content type="html">&lt;p&gt;Schmeckt &lt;em&gt;erfrischend&lt;/em&gt;.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Pressemitteilung</title>
    <link href="https://tagesblatt.example.org/pm"/>
    <id>tag:tagesblatt.example.org,2026:1235</id>
    <updated>2026-11-06T11:00:00Z</updated>
    <author><name>Nuvola Drinks</name></author>
    <summary>Nuvola meldet Rekordabsatz.</summary>
  </entry>
</feed>"""


def rss_items(n: int) -> str:
    items = "".join(
        f"<item><title>Nuvola item {i}</title><link>https://blog.example/{i}</link>"
        f"<guid>b-{i}</guid><pubDate>Thu, 05 Nov 2026 08:{i % 60:02d}:00 GMT</pubDate></item>"
        for i in range(n)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>b</title>'
    return f"{head}{items}</channel></rss>"


@pytest.fixture()
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


def collector(**kw: Any) -> RssCollector:
    kw.setdefault("http", HttpClient(allow_private=True, sleep=lambda s: None, max_retries=1,
                                     timeout=2.0))
    return RssCollector(**kw)


def feed(body: str, **kw: Any) -> Reply:
    return Reply(body=body, content_type="application/rss+xml; charset=utf-8", **kw)


def test_maps_rss_items(server: LoopbackServer) -> None:
    server.route("/feed.xml", feed(RSS))
    [batch] = list(collector(source_name="news").collect(server.url("/feed.xml"), {}))
    launch, fizzly, brief = batch.mentions
    assert launch.external_id == "ftw-10001"
    assert launch.source == "news"
    assert launch.url == "https://foodtrade.example.com/2026/11/05/nuvola-zero?utm_source=rss"
    assert launch.text == "Nuvola launches Nuvola Zero\n\nThe sugar-free line arrives today."
    assert launch.author == "Jane Reporter"
    assert launch.created_at == datetime(2026, 11, 5, 8, 15, tzinfo=UTC)
    assert launch.language == "en"
    assert launch.replies == 4
    assert launch.extra == {"feed_title": "Food & Trade Weekly",
                            "tags": ["Launches", "Soft drinks"]}
    assert fizzly.external_id == "https://foodtrade.example.com/2026/11/04/fizzly"
    assert fizzly.created_at == datetime(2026, 11, 4, 16, 0, tzinfo=UTC)
    assert brief.external_id.startswith("sha256:") and brief.url is None
    assert brief.created_at is None
    [again] = list(collector().collect(server.url("/feed.xml"), {}))
    assert again.mentions[2].external_id == brief.external_id  # stable across runs


def test_maps_atom_entries(server: LoopbackServer) -> None:
    server.route("/atom", Reply(body=ATOM, content_type="application/atom+xml"))
    [batch] = list(collector(own_handles="Nuvola Drinks").collect(server.url("/atom"), {}))
    test, release = batch.mentions
    assert test.external_id == "tag:tagesblatt.example.org,2026:1234"
    assert test.url == "https://tagesblatt.example.org/nuvola-zero-test"
    assert test.text == "Nuvola Zero im Test\n\nSchmeckt erfrischend."
    assert test.created_at == datetime(2026, 11, 6, 8, 30, tzinfo=UTC)
    assert test.language == "de"
    assert test.author == "Redaktion"
    assert not test.is_owned
    assert release.created_at == datetime(2026, 11, 6, 11, 0, tzinfo=UTC)
    assert release.is_owned


def test_conditional_get_round_trip(server: LoopbackServer) -> None:
    validators = {"ETag": '"abc123"', "Last-Modified": "Thu, 05 Nov 2026 09:00:00 GMT"}

    def handle(request: RecordedRequest) -> Reply:
        if request.headers.get("if-none-match") == '"abc123"':
            return Reply(304, headers=validators)
        return feed(RSS, headers=validators)

    server.route("/feed.xml", handle)
    url = server.url("/feed.xml")
    [first] = list(collector().collect(url, {}))
    assert len(first.mentions) == 3
    assert first.cursor == {"url": url, "etag": '"abc123"',
                            "modified": "Thu, 05 Nov 2026 09:00:00 GMT"}
    [second] = list(collector().collect(url, first.cursor))
    assert second.mentions == [] and second.cursor == first.cursor
    sent = server.requests_to("/feed.xml")[1].headers
    assert sent["if-none-match"] == '"abc123"'
    assert sent["if-modified-since"] == "Thu, 05 Nov 2026 09:00:00 GMT"
    # A cursor from another URL is not sent along.
    list(collector().collect(url, {**first.cursor, "url": "https://other.example/feed"}))
    assert "if-none-match" not in server.requests_to("/feed.xml")[2].headers


def test_new_validators_come_only_with_the_last_batch(server: LoopbackServer) -> None:
    server.route("/big.xml", feed(rss_items(450), headers={"ETag": '"v2"'}))
    old = {"url": server.url("/big.xml"), "etag": '"v1"'}
    batches = list(collector(batch_size=200).collect(server.url("/big.xml"), old))
    assert [len(b.mentions) for b in batches] == [200, 200, 50]
    assert [b.cursor["etag"] for b in batches] == ['"v1"', '"v1"', '"v2"']
    assert [b.done for b in batches] == [False, False, True]


def test_feed_url_may_come_from_config(server: LoopbackServer) -> None:
    server.route("/feed.xml", feed(RSS))
    [batch] = list(collector(url=server.url("/feed.xml")).collect("", {}))
    assert len(batch.mentions) == 3


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(body="<!doctype html><html><body><h1>Welcome</h1></body></html>",
               content_type="text/html"), "is not an RSS or Atom feed"),
        (Reply(body='{"error": "gone"}', content_type="application/json"),
         "is not an RSS or Atom feed"),
        (Reply(body=b"", content_type="application/xml"), "is not an RSS or Atom feed"),
        (Reply(body=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, content_type="image/png"),
         "is not an RSS or Atom feed"),
        (Reply(500, body="Internal Server Error"), "HTTP 500"),
        (Reply(404, body="<html><title>Not Found</title></html>", content_type="text/html"),
         "HTTP 404"),
    ],
)
def test_bad_feeds_fail_the_source_with_a_reason(
    server: LoopbackServer, reply: Reply, reason: str
) -> None:
    server.route("/feed.xml", reply)
    with pytest.raises(CollectorError) as info:
        list(collector().collect(server.url("/feed.xml"), {}))
    assert reason in info.value.reason


def test_slightly_broken_feed_still_yields_its_entries(server: LoopbackServer) -> None:
    broken = RSS.replace("<title>Fizzly recalls nothing</title>",
                         "<title>Fizzly &unknownentity; recalls</title>")
    server.route("/feed.xml", feed(broken))
    [batch] = list(collector().collect(server.url("/feed.xml"), {}))
    assert batch.mentions[0].external_id == "ftw-10001"


def test_hostile_responses_fail_the_source(server: LoopbackServer) -> None:
    server.route("/huge", lambda _r: Reply(body=huge_body(50 * 1024 * 1024),
                                           content_type="application/rss+xml"))
    server.route("/loop", redirect("/loop2"))
    server.route("/loop2", redirect("/loop"))
    server.route("/slow", feed(RSS, delay=2.0))
    c = collector(http=HttpClient(allow_private=True, timeout=0.2, max_retries=0))
    expected = {"/huge": "byte limit", "/loop": "redirect loop", "/slow": "timed out"}
    for path, reason in expected.items():
        with pytest.raises(CollectorError) as info:
            list(c.collect(server.url(path), {}))
        assert reason in info.value.reason


def test_feed_urls_are_guarded_and_validated(server: LoopbackServer) -> None:
    server.route("/feed.xml", feed(RSS))
    with pytest.raises(CollectorError, match="non-public"):
        list(RssCollector().collect(server.url("/feed.xml"), {}))
    assert server.requests == []
    with pytest.raises(CollectorError, match="absolute http"):
        list(collector().collect("file:///etc/passwd", {}))
    with pytest.raises(ValueError):
        RssCollector(url="feed.example.com/rss")
