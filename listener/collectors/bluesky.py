"""Bluesky: post search through the AT Protocol's ``app.bsky.feed.searchPosts``.

``GET {base}/xrpc/app.bsky.feed.searchPosts?q=..&sort=latest&limit=100&since=..&cursor=..``
answers ``{"posts": [PostView], "cursor": "..." (absent on the last page),
"hitsTotal": n}`` (https://docs.bsky.app/docs/api/app-bsky-feed-search-posts).
A PostView has ``uri`` (``at://did/app.bsky.feed.post/rkey``), ``cid``,
``author`` (``did``, ``handle``, ``displayName``), ``record`` (``text``,
``createdAt``, ``langs``, ``reply.parent.uri`` / ``reply.root.uri``),
``likeCount``, ``repostCount``, ``replyCount``, ``quoteCount`` and
``indexedAt``. Errors are XRPC bodies: ``{"error": "InvalidRequest", "message": ..}``.

Search results carry no follower counts (``author`` is a ProfileViewBasic).
The public AppView has at times required authentication for search; set
``access_token`` (a session's ``accessJwt``) or ``base_url`` to your PDS then.

The watermark is the newest sort time (the earlier of ``createdAt`` and
``indexedAt``, as the AppView sorts) of the last completed pass, sent back as
``since`` (inclusive); an open pass keeps its ``cursor`` to resume.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from listener.base import Batch, CollectorError
from listener.collectors import (
    PassState,
    check_page_settings,
    clip_id,
    count,
    expect_dict,
    expect_list,
    guarded,
    handle_set,
    lookback_floor,
    make_client,
    owned,
    parse_datetime,
    short_language,
)
from listener.http import HttpClient
from models.timeutil import utcnow
from models.types import MentionIn


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class BlueskyCollector:
    """Collect Bluesky posts that match a search.

    Args:
        base_url: XRPC host; default the public AppView.
        web_url: Root for post links stored on mentions.
        access_token: Bearer token (``accessJwt``) if the host needs one.
        lang: Only posts in this language (``searchPosts``' ``lang``).
        own_handles: The brand's handles (``nuvola.bsky.social``).
        page_size: Posts per request (at most 100).
        max_pages: Requests per pass; a longer backlog resumes next pass.
        lookback_days: How far back a first run reaches; 0 or None: no limit.
        http: The shared client; default: one built from the next two.
        allow_private: Let `base_url` be a private address (tests).
        rate_limit_per_minute: Requests a minute (the AppView allows 3,000 per 5 minutes).
        source_name: Stored as each mention's ``source``.
        clock: Current time, for the lookback.

    Raises:
        ValueError: A configuration value is invalid.
    """

    kind = "bluesky"
    default_rate_limit_per_minute: ClassVar[float] = 60.0

    def __init__(
        self,
        *,
        base_url: str = "https://public.api.bsky.app",
        web_url: str = "https://bsky.app",
        access_token: str | None = None,
        lang: str | None = None,
        own_handles: str | Iterable[str] | None = None,
        page_size: int = 100,
        max_pages: int = 10,
        lookback_days: float | None = 7,
        http: HttpClient | None = None,
        allow_private: bool = False,
        rate_limit_per_minute: float | None = None,
        source_name: str = "bluesky",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        check_page_settings(page_size, max_pages, most=100)
        self.base_url = base_url.rstrip("/")
        self.web_url = web_url.rstrip("/")
        self.lang = lang
        self.own_handles = handle_set(own_handles)
        self.page_size = page_size
        self.max_pages = max_pages
        self.lookback_days = lookback_days
        self.source_name = source_name
        self.clock = clock
        self.headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        self.http = make_client(
            http,
            allow_private=allow_private,
            rate_limit_per_minute=rate_limit_per_minute,
            default_rate=self.default_rate_limit_per_minute,
        )

    def collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        """Yield a batch a page, newest first, each with the cursor after it.

        Args:
            query: Search terms (Lucene-like syntax, ``from:``, ``#tag``...).
            cursor: The last batch's cursor from the previous run, or empty.

        Yields:
            One batch per page.

        Raises:
            CollectorError: The request failed or the response is malformed.
        """
        return guarded(self.kind, self._collect(query.strip(), dict(cursor)))

    def _collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        if not query:
            raise CollectorError(self.kind, "a Bluesky search needs a query")
        floor = lookback_floor(self.lookback_days, self.clock())
        state = PassState.load(cursor, floor=floor.timestamp() if floor else None)
        page_token = state.page
        url = f"{self.base_url}/xrpc/app.bsky.feed.searchPosts"
        for page_number in range(1, self.max_pages + 1):
            params = {
                "q": query,
                "sort": "latest",
                "limit": self.page_size,
                "cursor": page_token,
                "since": _iso(state.threshold) if state.threshold is not None else None,
                "lang": self.lang,
            }
            payload = expect_dict(
                self.http.get(url, params=params, headers=self.headers).json(), "response"
            )
            posts = [expect_dict(p, "post") for p in expect_list(payload["posts"], "posts")]
            mentions: list[MentionIn] = []
            reached_old = False
            for post in posts:
                sort_at = self._sort_time(post)
                state.see(sort_at)
                if state.is_old(sort_at):
                    reached_old = True  # the host ignored `since`: stop here anyway
                    continue
                mention = self._mention(post)
                if mention is not None:
                    mentions.append(mention)
            next_token = payload.get("cursor")
            if reached_old or not posts or not next_token:
                yield Batch(mentions, state.finish(), done=True)
                return
            page_token = str(next_token)
            yield Batch(mentions, state.advance(page_token), done=page_number == self.max_pages)

    @staticmethod
    def _sort_time(post: dict[str, Any]) -> float | None:
        record = post.get("record") or {}
        times = [
            t for t in (parse_datetime(record.get("createdAt")),
                        parse_datetime(post.get("indexedAt"))) if t is not None
        ]
        return min(times).timestamp() if times else None

    def _mention(self, post: dict[str, Any]) -> MentionIn | None:
        uri = str(post["uri"])
        record = expect_dict(post.get("record") or {}, "record")
        author = expect_dict(post.get("author") or {}, "author")
        text = str(record.get("text") or "")
        if not text.strip():
            return None
        handle = author.get("handle")
        rkey = uri.rstrip("/").rsplit("/", 1)[-1]
        profile = handle if handle and handle != "handle.invalid" else author.get("did")
        reply = record.get("reply") or {}
        parent = (reply.get("parent") or {}).get("uri")
        root = (reply.get("root") or {}).get("uri")
        langs = record.get("langs") or []
        extra: dict[str, Any] = {
            "did": author.get("did"),
            "cid": post.get("cid"),
            "display_name": author.get("displayName") or None,
            "quotes": post.get("quoteCount"),
        }
        embed = record.get("embed") or {}
        external = embed.get("external") if isinstance(embed, dict) else None
        if isinstance(external, dict) and external.get("uri"):
            extra["link"] = external["uri"]
        return MentionIn(
            external_id=clip_id(uri),
            text=text,
            source=self.source_name,
            url=f"{self.web_url}/profile/{profile}/post/{rkey}" if profile else None,
            author=handle,
            language=short_language(langs[0]) if langs else None,
            created_at=parse_datetime(record.get("createdAt") or post.get("indexedAt")),
            likes=count(post.get("likeCount")),
            shares=count(post.get("repostCount")),
            replies=count(post.get("replyCount")),
            parent_external_id=parent,
            thread_external_id=root,
            is_owned=owned(handle, self.own_handles),
            extra={k: v for k, v in extra.items() if v is not None},
        )
