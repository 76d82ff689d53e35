"""Reddit: the public JSON listings (search, a subreddit's newest posts or comments).

Endpoints (https://www.reddit.com/dev/api#listings), all returning a Listing
``{"kind": "Listing", "data": {"children": [{"kind": "t3"|"t1", "data": {...}}],
"after": "t3_x"|null}}``, newest first with ``sort=new``:

- search: ``/search.json?q=...&sort=new`` or ``/r/{sub}/search.json?...&restrict_sr=1``
- new posts: ``/r/{sub}/new.json``
- new comments: ``/r/{sub}/comments.json``

Pages chain through ``after`` (the fullname of the last item). The cursor keeps
the newest ``created_utc`` of the last completed pass; a pass pages back until
it reaches older items, and a pass cut short (``max_pages``, a crash) resumes
at its stored ``after``. Reddit gives no follower counts or language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar

from listener.base import Batch, CollectorError
from listener.collectors import (
    PassState,
    as_list,
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

_SUBREDDIT = re.compile(r"^[A-Za-z0-9_]{2,21}(?:\+[A-Za-z0-9_]{2,21})*$")
_LISTINGS = ("search", "new", "comments")
_GONE = frozenset({"[deleted]", "[removed]"})


class RedditCollector:
    """Collect Reddit posts or comments from the public JSON listings.

    Args:
        subreddit: Restrict to a subreddit (``a+b`` for several).
        listing: ``"search"`` (default when the query is non-empty), ``"new"``
            (a subreddit's newest posts) or ``"comments"`` (its newest comments).
        own_handles: The brand's Reddit usernames (``u/`` or ``@`` optional).
        base_url: API root; tests point it at loopback.
        web_url: Root for permalinks stored on mentions.
        page_size: Items per request (Reddit allows 100).
        max_pages: Requests per pass; a longer backlog resumes next pass.
        lookback_days: How far back a first run reaches; 0 or None: as far as
            the listing goes (Reddit stops at about 1,000 items).
        http: The shared client; default: one built from the next two.
        allow_private: Let `base_url` be a private address (tests).
        rate_limit_per_minute: Requests a minute (Reddit allows unauthenticated
            clients about 10).
        source_name: Stored as each mention's ``source``.
        clock: Current time, for the lookback.

    Raises:
        ValueError: A configuration value is invalid.
    """

    kind = "reddit"
    default_rate_limit_per_minute: ClassVar[float] = 10.0

    def __init__(
        self,
        *,
        subreddit: str | None = None,
        listing: str | None = None,
        own_handles: str | Iterable[str] | None = None,
        base_url: str = "https://www.reddit.com",
        web_url: str = "https://www.reddit.com",
        page_size: int = 100,
        max_pages: int = 10,
        lookback_days: float | None = 7,
        http: HttpClient | None = None,
        allow_private: bool = False,
        rate_limit_per_minute: float | None = None,
        source_name: str = "reddit",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if subreddit is not None:
            subreddit = subreddit.strip().removeprefix("/r/").removeprefix("r/")
            if not _SUBREDDIT.match(subreddit):
                raise ValueError(f"invalid subreddit name {subreddit!r}")
        if listing is not None and listing not in _LISTINGS:
            raise ValueError(f"listing must be one of {', '.join(_LISTINGS)}, not {listing!r}")
        if listing in ("new", "comments") and not subreddit:
            raise ValueError(f"listing {listing!r} needs a subreddit")
        check_page_settings(page_size, max_pages, most=100)
        self.subreddit = subreddit
        self.listing = listing
        self.own_handles = handle_set(
            [h.strip().removeprefix("/u/").removeprefix("u/") for h in as_list(own_handles)]
        )
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
            query: Search terms (Reddit's search syntax); may be empty for
                ``listing="new"`` or ``"comments"``.
            cursor: The last batch's cursor from the previous run, or empty.

        Yields:
            One batch per page.

        Raises:
            CollectorError: The request failed or the response is malformed.
        """
        return guarded(self.kind, self._collect(query.strip(), dict(cursor)))

    def _endpoint(self, query: str) -> tuple[str, dict[str, Any]]:
        listing = self.listing or ("search" if query else "new")
        if listing == "search":
            if not query:
                raise CollectorError(self.kind, "a Reddit search needs a query")
            params: dict[str, Any] = {"q": query, "sort": "new", "t": "all", "type": "link"}
            if self.subreddit:
                params["restrict_sr"] = "1"
                return f"{self.base_url}/r/{self.subreddit}/search.json", params
            return f"{self.base_url}/search.json", params
        if not self.subreddit:
            raise CollectorError(self.kind, f"listing {listing!r} needs a subreddit")
        return f"{self.base_url}/r/{self.subreddit}/{listing}.json", {}

    def _collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        url, params = self._endpoint(query)
        floor = lookback_floor(self.lookback_days, self.clock())
        state = PassState.load(cursor, floor=floor.timestamp() if floor else None)
        after = state.page
        for page_number in range(1, self.max_pages + 1):
            payload = expect_dict(
                self.http.get(
                    url, params={**params, "limit": self.page_size, "after": after, "raw_json": 1}
                ).json(),
                "response",
            )
            if payload.get("kind") != "Listing":
                raise ValueError(f"expected a Listing, got kind {payload.get('kind')!r}")
            data = expect_dict(payload.get("data"), "data")
            children = expect_list(data.get("children"), "data.children")
            mentions: list[MentionIn] = []
            reached_old = False
            for child in children:
                child = expect_dict(child, "child")
                item = expect_dict(child.get("data"), "child.data")
                created = float(item["created_utc"])
                state.see(created)
                if state.is_old(created):
                    reached_old = True
                    continue
                mention = self._mention(str(child.get("kind")), item)
                if mention is not None:
                    mentions.append(mention)
            next_after = data.get("after")
            if reached_old or not next_after or not children:
                yield Batch(mentions, state.finish(), done=True)
                return
            after = str(next_after)
            last = page_number == self.max_pages
            yield Batch(mentions, state.advance(after), done=last)

    def _mention(self, kind: str, item: dict[str, Any]) -> MentionIn | None:
        if kind not in ("t1", "t3"):
            return None
        author = item.get("author")
        author = None if author in _GONE else author
        permalink = item.get("permalink")
        extra: dict[str, Any] = {
            "subreddit": item.get("subreddit"),
            "score": item.get("score"),
        }
        if kind == "t3":
            body = item.get("selftext") or ""
            if body in _GONE:
                body = ""
            text = "\n\n".join(p for p in (item.get("title") or "", body) if p)
            if not item.get("is_self", True) and item.get("url"):
                extra["link"] = item["url"]
            if item.get("upvote_ratio") is not None:
                extra["upvote_ratio"] = item["upvote_ratio"]
            if item.get("link_flair_text"):
                extra["flair"] = item["link_flair_text"]
            if item.get("over_18"):
                extra["nsfw"] = True
            replies, shares = count(item.get("num_comments")), count(item.get("num_crossposts"))
            parent = thread = None
        else:
            text = item.get("body") or html_to_text(item.get("body_html"))
            if text in _GONE:
                return None
            if item.get("link_title"):
                extra["link_title"] = item["link_title"]
            replies, shares = 0, 0
            parent, thread = item.get("parent_id"), item.get("link_id")
        if not text.strip():
            return None
        name = item.get("name") or f"{kind}_{item['id']}"
        return MentionIn(
            external_id=clip_id(str(name)),
            text=text,
            source=self.source_name,
            url=f"{self.web_url}{permalink}" if permalink else None,
            author=author,
            created_at=parse_datetime(float(item["created_utc"])),
            likes=count(item.get("score")),
            shares=shares,
            replies=replies,
            parent_external_id=parent,
            thread_external_id=thread,
            is_owned=owned(author, self.own_handles),
            extra={k: v for k, v in extra.items() if v is not None},
        )
