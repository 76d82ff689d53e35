"""RSS and Atom feeds (news sites, blogs, review sites), parsed by feedparser.

The feed is fetched with a conditional GET: the cursor keeps the response's
``ETag`` and ``Last-Modified`` and the next run sends them back as
``If-None-Match`` / ``If-Modified-Since``; a ``304 Not Modified`` yields one
empty batch and costs the site almost nothing. A changed feed is parsed whole
and every entry yielded: feeds are short, entries are often re-dated or added
out of order, and ingest dedups by id and canonical URL, so nothing is lost by
being thorough. The new validators are stored only with the *last* batch, so a
crash part-way through a big feed refetches it instead of skipping its rest.

Entries map to mentions as: id (``guid``/``id``, else the link, else a hash)
→ ``external_id``; link → ``url``; title + content (or summary) as plain text
→ ``text``; author; ``published`` (else ``updated``) → ``created_at``; the
entry's or feed's language. A body that is not a feed (HTML, junk, a JSON
error) fails the source with feedparser's reason.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from listener.base import Batch, CollectorError
from listener.collectors import (
    clip_id,
    guarded,
    handle_set,
    html_to_text,
    make_client,
    owned,
    short_language,
)
from listener.http import HttpClient, HttpResponse
from models.types import MentionIn


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


class RssCollector:
    """Collect the entries of one RSS or Atom feed.

    Args:
        url: The feed URL; default: the source's query.
        own_handles: Author names that are the brand's own (its newsroom feed).
        batch_size: Entries per batch.
        http: The shared client; default: one built from the next two.
        allow_private: Let the feed URL resolve to a private address (tests).
        rate_limit_per_minute: Requests a minute.
        source_name: Stored as each mention's ``source`` (``news``, ``blog``...).

    Raises:
        ValueError: A configuration value is invalid.
    """

    kind = "rss"
    default_rate_limit_per_minute: ClassVar[float] = 30.0

    def __init__(
        self,
        *,
        url: str | None = None,
        own_handles: str | Iterable[str] | None = None,
        batch_size: int = 200,
        http: HttpClient | None = None,
        allow_private: bool = False,
        rate_limit_per_minute: float | None = None,
        source_name: str = "rss",
    ) -> None:
        if url is not None:
            _check_feed_url(url)
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.url = url.strip() if url else None
        self.own_handles = handle_set(own_handles)
        self.batch_size = batch_size
        self.source_name = source_name
        self.http = make_client(
            http,
            allow_private=allow_private,
            rate_limit_per_minute=rate_limit_per_minute,
            default_rate=self.default_rate_limit_per_minute,
            headers={
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                "text/xml;q=0.8, */*;q=0.5"
            },
        )

    def collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        """Fetch the feed (conditionally) and yield its entries in batches.

        Args:
            query: The feed URL, unless given in the config.
            cursor: ``{"url", "etag", "modified"}`` from the last run, or empty.

        Yields:
            Batches of entries; only the last carries the new validators.

        Raises:
            CollectorError: The fetch failed or the body is not a feed.
        """
        return guarded(self.kind, self._collect(query.strip(), dict(cursor)))

    def _collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        feed_url = self.url or query
        try:
            _check_feed_url(feed_url)
        except ValueError as exc:
            raise CollectorError(self.kind, str(exc)) from exc
        headers: dict[str, str] = {}
        if cursor.get("url") == feed_url:
            if cursor.get("etag"):
                headers["If-None-Match"] = str(cursor["etag"])
            if cursor.get("modified"):
                headers["If-Modified-Since"] = str(cursor["modified"])
        response = self.http.get(feed_url, headers=headers)
        if response.not_modified:
            yield Batch([], cursor, done=True)
            return
        mentions = self._parse(response)
        new_cursor = {
            "url": feed_url,
            "etag": response.headers.get("etag"),
            "modified": response.headers.get("last-modified"),
        }
        new_cursor = {k: v for k, v in new_cursor.items() if v}
        if not mentions:
            yield Batch([], new_cursor, done=True)
            return
        for start in range(0, len(mentions), self.batch_size):
            chunk = mentions[start : start + self.batch_size]
            last = start + self.batch_size >= len(mentions)
            yield Batch(chunk, new_cursor if last else cursor, done=last)

    def _parse(self, response: HttpResponse) -> list[MentionIn]:
        import feedparser  # only the RSS collector needs it

        headers = {
            "content-type": response.headers.get("content-type", "application/xml"),
            "content-location": response.url,
        }
        if response.headers.get("content-language"):
            headers["content-language"] = response.headers["content-language"]
        parsed = feedparser.parse(response.content, response_headers=headers)
        if not parsed.get("version") and not parsed.entries:
            problem = parsed.get("bozo_exception")
            detail = f": {problem}" if problem else ""
            raise CollectorError(
                self.kind, f"{response.url} is not an RSS or Atom feed{detail}"
            )
        feed = parsed.get("feed", {})
        feed_language = short_language(feed.get("language"))
        feed_author = feed.get("author")
        found: list[MentionIn] = []
        for entry in parsed.entries:
            mention = self._mention(entry, feed, feed_language, feed_author)
            if mention is not None:
                found.append(mention)
        return found

    def _mention(
        self, entry: Any, feed: Any, feed_language: str | None, feed_author: str | None
    ) -> MentionIn | None:
        title = html_to_text(entry.get("title"))
        contents = entry.get("content") or []
        body_html = contents[0].get("value") if contents else entry.get("summary")
        body = html_to_text(body_html)
        if body == title:
            body = ""
        text = "\n\n".join(p for p in (title, body) if p)
        if not text:
            return None
        link = entry.get("link")
        identity = entry.get("id") or link
        if not identity:
            digest = hashlib.sha256(
                f"{title}\n{entry.get('published', '')}\n{body[:500]}".encode()
            ).hexdigest()
            identity = f"sha256:{digest}"
        language = None
        if contents:
            language = short_language(contents[0].get("language"))
        language = language or short_language(entry.get("language")) or feed_language
        author = entry.get("author") or feed_author
        created = _struct_time(entry.get("published_parsed")) or _struct_time(
            entry.get("updated_parsed")
        )
        extra: dict[str, Any] = {}
        if feed.get("title"):
            extra["feed_title"] = feed["title"]
        tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
        if tags:
            extra["tags"] = tags
        try:
            replies = max(0, int(entry.get("slash_comments") or 0))
        except (TypeError, ValueError):
            replies = 0
        return MentionIn(
            external_id=clip_id(str(identity)),
            text=text,
            source=self.source_name,
            url=link,
            author=author,
            language=language,
            created_at=created,
            replies=replies,
            is_owned=owned(author, self.own_handles),
            extra=extra,
        )


def _check_feed_url(url: str) -> None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"feed URL must be an absolute http(s) URL, not {url!r}")
