"""Hacker News through the Algolia HN Search API (https://hn.algolia.com/api).

``GET /api/v1/search_by_date?query=...&tags=(story,comment)&numericFilters=...``
answers ``{"hits": [...], "nbHits", "page", "nbPages", "hitsPerPage"}``, newest
first. Each hit has ``objectID``, ``created_at_i`` (epoch seconds), ``author``,
``title``/``story_text`` for stories or ``comment_text``/``parent_id``/
``story_id`` for comments, ``points`` and ``num_comments``.

Algolia serves at most 1,000 hits per query, so deep pages are reached the way
the API's documentation suggests, by narrowing the time window instead of
raising ``page``: each request asks for ``created_at_i>=W`` (the watermark) and
``created_at_i<=U`` (the oldest time of the previous page); ``page`` only
advances when a whole page shares one second. Hits on the boundary second come
twice (ingest dedups them), none is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar

from listener.base import Batch
from listener.collectors import (
    PassState,
    check_page_settings,
    clip_id,
    count,
    expect_dict,
    expect_list,
    guarded,
    handle_set,
    html_to_text,
    lookback_floor,
    make_client,
    owned,
    parse_datetime,
)
from listener.http import HttpClient
from models.timeutil import utcnow
from models.types import MentionIn


class HackerNewsCollector:
    """Collect Hacker News stories and comments that match a search.

    Args:
        tags: Algolia ``tags`` filter; default stories and comments.
        own_handles: The brand's HN usernames.
        base_url: API root; tests point it at loopback.
        web_url: Root for item links stored on mentions.
        page_size: Hits per request (``hitsPerPage``, at most 1000).
        max_pages: Requests per pass; a longer backlog resumes next pass.
        lookback_days: How far back a first run reaches; 0 or None: no limit.
        http: The shared client; default: one built from the next two.
        allow_private: Let `base_url` be a private address (tests).
        rate_limit_per_minute: Requests a minute (Algolia allows 10,000 an hour).
        source_name: Stored as each mention's ``source``.
        clock: Current time, for the lookback.

    Raises:
        ValueError: A configuration value is invalid.
    """

    kind = "hackernews"
    default_rate_limit_per_minute: ClassVar[float] = 60.0

    def __init__(
        self,
        *,
        tags: str = "(story,comment)",
        own_handles: str | Iterable[str] | None = None,
        base_url: str = "https://hn.algolia.com/api/v1",
        web_url: str = "https://news.ycombinator.com",
        page_size: int = 100,
        max_pages: int = 10,
        lookback_days: float | None = 7,
        http: HttpClient | None = None,
        allow_private: bool = False,
        rate_limit_per_minute: float | None = None,
        source_name: str = "hackernews",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        check_page_settings(page_size, max_pages, most=1000)
        self.tags = tags
        self.own_handles = handle_set(own_handles)
        self.base_url = base_url.rstrip("/")
        self.web_url = web_url.rstrip("/")
        self.page_size = page_size
        self.max_pages = max_pages
        self.lookback_days = lookback_days
        self.source_name = source_name
        self.clock = clock
        self.http = make_client(
            http,
            allow_private=allow_private,
            rate_limit_per_minute=rate_limit_per_minute,
            default_rate=self.default_rate_limit_per_minute,
        )

    def collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        """Yield a batch a page, newest first, each with the cursor after it.

        Args:
            query: Search terms (Algolia syntax; empty matches everything).
            cursor: The last batch's cursor from the previous run, or empty.

        Yields:
            One batch per page.

        Raises:
            CollectorError: The request failed or the response is malformed.
        """
        return guarded(self.kind, self._collect(query.strip(), dict(cursor)))

    def _collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        floor = lookback_floor(self.lookback_days, self.clock())
        state = PassState.load(cursor, floor=int(floor.timestamp()) if floor else None)
        window: dict[str, Any] = dict(state.page or {})
        for page_number in range(1, self.max_pages + 1):
            filters = []
            if state.threshold is not None:
                filters.append(f"created_at_i>={int(state.threshold)}")
            if window.get("until") is not None:
                filters.append(f"created_at_i<={int(window['until'])}")
            params = {
                "query": query,
                "tags": self.tags or None,
                "hitsPerPage": self.page_size,
                "page": int(window.get("page", 0)),
                "numericFilters": ",".join(filters) or None,
            }
            payload = expect_dict(
                self.http.get(f"{self.base_url}/search_by_date", params=params).json(), "response"
            )
            hits = [expect_dict(h, "hit") for h in expect_list(payload["hits"], "hits")]
            mentions: list[MentionIn] = []
            times: list[int] = []
            for hit in hits:
                created = int(hit["created_at_i"])
                times.append(created)
                state.see(created)
                if state.is_old(created):
                    continue
                mention = self._mention(hit)
                if mention is not None:
                    mentions.append(mention)
            current_page = int(window.get("page", 0))
            exhausted = (
                not hits
                or len(hits) < self.page_size
                or current_page + 1 >= int(payload.get("nbPages", current_page + 2))
            )
            if exhausted:
                yield Batch(mentions, state.finish(), done=True)
                return
            oldest = min(times)
            if window.get("until") is not None and oldest >= int(window["until"]):
                window = {"until": oldest, "page": current_page + 1}  # one second fills a page
            else:
                window = {"until": oldest, "page": 0}
            yield Batch(mentions, state.advance(dict(window)), done=page_number == self.max_pages)

    def _mention(self, hit: dict[str, Any]) -> MentionIn | None:
        object_id = str(hit["objectID"])
        tags = hit.get("_tags") or []
        is_comment = "comment" in tags or bool(hit.get("comment_text"))
        extra: dict[str, Any] = {"type": "comment" if is_comment else "story"}
        if is_comment:
            text = html_to_text(hit.get("comment_text"))
            parent = str(hit["parent_id"]) if hit.get("parent_id") is not None else None
            thread = str(hit["story_id"]) if hit.get("story_id") is not None else None
            if hit.get("story_title"):
                extra["story_title"] = hit["story_title"]
        else:
            body = html_to_text(hit.get("story_text"))
            text = "\n\n".join(p for p in (hit.get("title") or "", body) if p)
            parent = thread = None
            if hit.get("url"):
                extra["link"] = hit["url"]
            if "poll" in tags:
                extra["type"] = "poll"
        if not text.strip():
            return None
        author = hit.get("author")
        return MentionIn(
            external_id=clip_id(object_id),
            text=text,
            source=self.source_name,
            url=f"{self.web_url}/item?id={object_id}",
            author=author,
            created_at=parse_datetime(int(hit["created_at_i"])),
            likes=count(hit.get("points")),
            replies=count(hit.get("num_comments")),
            parent_external_id=parent,
            thread_external_id=thread,
            is_owned=owned(author, self.own_handles),
            language=None,
            extra=extra,
        )
