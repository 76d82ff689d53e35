"""Mastodon: a hashtag's public timeline, or status search, on a chosen instance.

- Hashtag: ``GET {instance}/api/v1/timelines/tag/{tag}?limit=40&since_id=..&max_id=..``
  returns an array of Status, newest first; older pages are linked by the
  ``Link: <...?max_id=X>; rel="next"`` header
  (https://docs.joinmastodon.org/methods/timelines/#tag).
- Search: ``GET {instance}/api/v2/search?q=..&type=statuses&limit=40&max_id=..``
  returns ``{"accounts": [], "statuses": [...], "hashtags": []}``; most
  instances require a token (``access_token``) for full-text status search.

A Status carries ``id``, ``uri``, ``url``, ``created_at``, ``content`` (HTML),
``spoiler_text``, ``language``, ``in_reply_to_id``, ``replies_count``,
``reblogs_count``, ``favourites_count``, ``reblog`` and ``account`` (``acct``,
``followers_count``...). Ids are per instance, so external ids are
``{instance host}:{id}`` (the reply parent likewise); the public ``url`` is the
same on every instance, so canonical-URL dedup still merges copies fetched
through two instances. A reblog is stored as the status it reblogs.

The cursor's watermark is the newest status id of the last completed pass
(Mastodon ids grow with time); the ``max_id`` of an open pass is kept so a
crash resumes where it stopped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

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
    html_to_text,
    lookback_floor,
    make_client,
    owned,
    parse_datetime,
    short_language,
)
from listener.http import HttpClient, HttpResponse
from models.timeutil import utcnow
from models.types import MentionIn

_TAG = re.compile(r"^\w{1,100}$", re.UNICODE)


def _id_order(value: Any) -> tuple[int, str]:
    """Mastodon ids are decimal strings that grow with time: compare by length, then text."""
    text = str(value)
    return (len(text), text)


class MastodonCollector:
    """Collect statuses from one Mastodon instance.

    Args:
        instance: The instance's base URL, e.g. ``https://mastodon.social``.
        mode: ``"tag"`` (a hashtag timeline, public) or ``"search"``.
        access_token: Bearer token, needed by most instances for search.
        local_only: For hashtags, only statuses from this instance.
        own_handles: The brand's accounts (``@brand``, ``brand@instance``).
        page_size: Statuses per request (Mastodon allows 40).
        max_pages: Requests per pass; a longer backlog resumes next pass.
        lookback_days: How far back a first run reaches; 0 or None: no limit.
        http: The shared client; default: one built from the next two.
        allow_private: Let the instance resolve to a private address (tests).
        rate_limit_per_minute: Requests a minute (Mastodon allows 300 per 5 minutes).
        source_name: Stored as each mention's ``source``.
        clock: Current time, for the lookback.

    Raises:
        ValueError: A configuration value is invalid.
    """

    kind = "mastodon"
    default_rate_limit_per_minute: ClassVar[float] = 60.0

    def __init__(
        self,
        *,
        instance: str = "https://mastodon.social",
        mode: str = "tag",
        access_token: str | None = None,
        local_only: bool = False,
        own_handles: str | Iterable[str] | None = None,
        page_size: int = 40,
        max_pages: int = 10,
        lookback_days: float | None = 7,
        http: HttpClient | None = None,
        allow_private: bool = False,
        rate_limit_per_minute: float | None = None,
        source_name: str = "mastodon",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        parts = urlsplit(instance.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"instance must be an http(s) URL, not {instance!r}")
        if mode not in ("tag", "search"):
            raise ValueError(f"mode must be 'tag' or 'search', not {mode!r}")
        check_page_settings(page_size, max_pages, most=40)
        self.instance = instance.strip().rstrip("/")
        self.host = parts.hostname
        self.mode = mode
        self.local_only = local_only
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
            query: A hashtag (``#nuvola`` or ``nuvola``) in tag mode, search
                terms in search mode.
            cursor: The last batch's cursor from the previous run, or empty.

        Yields:
            One batch per page.

        Raises:
            CollectorError: The request failed or the response is malformed.
        """
        return guarded(self.kind, self._collect(query.strip(), dict(cursor)))

    def _fetch(self, query: str, since_id: str | None, max_id: str | None) -> HttpResponse:
        params: dict[str, Any] = {"limit": self.page_size, "max_id": max_id}
        if self.mode == "tag":
            tag = query.lstrip("#")
            if not _TAG.match(tag):
                raise CollectorError(self.kind, f"not a hashtag: {query!r}")
            params["since_id"] = since_id
            if self.local_only:
                params["local"] = "true"
            url = f"{self.instance}/api/v1/timelines/tag/{quote(tag)}"
        else:
            if not query:
                raise CollectorError(self.kind, "a Mastodon search needs a query")
            # No min_id: it would page upwards from the watermark; the pass stops
            # at the watermark by itself instead.
            params.update({"q": query, "type": "statuses", "resolve": "false"})
            url = f"{self.instance}/api/v2/search"
        return self.http.get(url, params=params, headers=self.headers)

    def _collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        floor = lookback_floor(self.lookback_days, self.clock())
        state = PassState.load(cursor, order=_id_order)
        max_id = state.page
        for page_number in range(1, self.max_pages + 1):
            response = self._fetch(query, state.newest, max_id)
            payload = response.json()
            if self.mode == "search":
                payload = expect_dict(payload, "response").get("statuses")
            statuses = [expect_dict(s, "status") for s in expect_list(payload, "statuses")]
            mentions: list[MentionIn] = []
            reached_old = False
            for status in statuses:
                status_id = str(status["id"])
                state.see(status_id)
                created = parse_datetime(status.get("created_at"))
                too_early = floor is not None and created is not None and created < floor
                if state.is_old(status_id) or (state.newest is None and too_early):
                    reached_old = True
                    continue
                mention = self._mention(status)
                if mention is not None:
                    mentions.append(mention)
            next_max = self._next_max_id(response, statuses)
            if reached_old or not statuses or next_max is None:
                yield Batch(mentions, state.finish(), done=True)
                return
            max_id = next_max
            yield Batch(mentions, state.advance(max_id), done=page_number == self.max_pages)

    def _next_max_id(self, response: HttpResponse, statuses: list[dict[str, Any]]) -> str | None:
        if self.mode == "tag":
            # Only the max_id is taken from the Link header: we never follow a
            # URL the server chose, so it cannot point us at another host.
            link = response.links().get("next")
            if not link:
                return None
            values = parse_qs(urlsplit(link).query).get("max_id")
            return values[0] if values else None
        if len(statuses) < self.page_size:
            return None
        return min((str(s["id"]) for s in statuses), key=_id_order)

    def _mention(self, wrapper: dict[str, Any]) -> MentionIn | None:
        status = expect_dict(wrapper.get("reblog") or wrapper, "status")
        account = expect_dict(status.get("account") or {}, "account")
        spoiler = (status.get("spoiler_text") or "").strip()
        body = html_to_text(status.get("content"))
        text = f"{spoiler}\n\n{body}" if spoiler and body else (body or spoiler)
        if not text:
            return None
        acct = str(account.get("acct") or account.get("username") or "")
        author = acct if "@" in acct or not acct else f"{acct}@{self.host}"
        reply_to = status.get("in_reply_to_id")
        extra: dict[str, Any] = {
            "instance": self.host,
            "uri": status.get("uri"),
            "visibility": status.get("visibility"),
            "display_name": account.get("display_name") or None,
            "tags": [t.get("name") for t in status.get("tags") or [] if isinstance(t, dict)],
        }
        if status.get("sensitive"):
            extra["sensitive"] = True
        if wrapper.get("reblog"):
            extra["reblogged_by"] = (wrapper.get("account") or {}).get("acct")
        return MentionIn(
            external_id=clip_id(f"{self.host}:{status['id']}"),
            text=text,
            source=self.source_name,
            url=status.get("url") or status.get("uri"),
            author=author or None,
            author_followers=count(account.get("followers_count"))
            if account.get("followers_count") is not None
            else None,
            language=short_language(status.get("language")),
            created_at=parse_datetime(status.get("created_at")),
            likes=count(status.get("favourites_count")),
            shares=count(status.get("reblogs_count")),
            replies=count(status.get("replies_count")),
            parent_external_id=f"{self.host}:{reply_to}" if reply_to else None,
            is_owned=owned(author, self.own_handles, account.get("username")),
            extra={k: v for k, v in extra.items() if v not in (None, [])},
        )
