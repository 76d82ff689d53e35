"""Apple App Store customer reviews, from the public RSS feed in its JSON form.

``GET https://itunes.apple.com/{country}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json``
answers ``{"feed": {"entry": [...], "link": [...], "updated": {...}, ...}}``;
each entry is label-wrapped: ``id.label``, ``author.name.label``,
``updated.label`` (ISO 8601 with offset), ``im:rating.label`` (1-5),
``im:version.label``, ``title.label``, ``content.label``, ``im:voteSum.label``
and ``im:voteCount.label``. ``entry`` is a list, a single object when there is
one review, and absent when there are none; older feeds put the app itself
first (no ``im:rating``), which is skipped. Pages run from 1 to at most 10
(50 reviews each); ``feed.link`` with ``rel="last"`` names the last page.

Reviews have no URL of their own, so none is stored (a shared app URL would
make canonical-URL dedup merge every review into one); the rating goes in
``extra["rating"]`` and the storefront country in ``country``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar

from listener.base import Batch, CollectorError
from listener.collectors import (
    PassState,
    clip_id,
    count,
    expect_dict,
    guarded,
    handle_set,
    lookback_floor,
    make_client,
    owned,
    parse_datetime,
)
from listener.http import HttpClient
from models.timeutil import utcnow
from models.types import MentionIn

MAX_PAGES = 10
_PAGE = re.compile(r"/page=(\d+)/")


def _label(node: Any) -> Any:
    return node.get("label") if isinstance(node, dict) else None


class AppStoreCollector:
    """Collect an app's most recent App Store reviews in one storefront.

    Args:
        app_id: The app's numeric id (from ``apps.apple.com/.../id123456``);
            default: the source's query.
        country: Two-letter storefront code.
        own_handles: Reviewer names that are the brand's own (rarely useful).
        base_url: Feed root; tests point it at loopback.
        max_pages: Pages per pass (Apple serves at most 10).
        lookback_days: How far back a first run reaches; 0 or None: all pages.
        http: The shared client; default: one built from the next two.
        allow_private: Let `base_url` be a private address (tests).
        rate_limit_per_minute: Requests a minute (Apple publishes no limit; be modest).
        source_name: Stored as each mention's ``source``.
        clock: Current time, for the lookback.

    Raises:
        ValueError: A configuration value is invalid.
    """

    kind = "appstore"
    default_rate_limit_per_minute: ClassVar[float] = 20.0

    def __init__(
        self,
        *,
        app_id: str | int | None = None,
        country: str = "us",
        own_handles: str | Iterable[str] | None = None,
        base_url: str = "https://itunes.apple.com",
        max_pages: int = MAX_PAGES,
        lookback_days: float | None = None,
        http: HttpClient | None = None,
        allow_private: bool = False,
        rate_limit_per_minute: float | None = None,
        source_name: str = "appstore",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if app_id is not None and not str(app_id).strip().removeprefix("id").isdigit():
            raise ValueError(f"app_id must be numeric, not {app_id!r}")
        if not re.fullmatch(r"[A-Za-z]{2}", country):
            raise ValueError(f"country must be a two-letter code, not {country!r}")
        if not 1 <= max_pages <= MAX_PAGES:
            raise ValueError(f"max_pages must be between 1 and {MAX_PAGES}")
        self.app_id = str(app_id).strip().removeprefix("id") if app_id is not None else None
        self.country = country.lower()
        self.own_handles = handle_set(own_handles)
        self.base_url = base_url.rstrip("/")
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
            query: The app id, unless given in the config.
            cursor: The last batch's cursor from the previous run, or empty.

        Yields:
            One batch per page.

        Raises:
            CollectorError: The request failed or the response is malformed.
        """
        return guarded(self.kind, self._collect(query.strip(), dict(cursor)))

    def _collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        app_id = self.app_id or query.removeprefix("id")
        if not app_id.isdigit():
            raise CollectorError(self.kind, f"need a numeric app id, got {app_id!r}")
        floor = lookback_floor(self.lookback_days, self.clock())
        state = PassState.load(cursor, floor=floor.timestamp() if floor else None)
        page = int(state.page or 1)
        last_page = MAX_PAGES
        for fetched in range(1, self.max_pages + 1):
            url = (
                f"{self.base_url}/{self.country}/rss/customerreviews/page={page}/id={app_id}"
                "/sortby=mostrecent/json"
            )
            feed = expect_dict(expect_dict(self.http.get(url).json(), "response")["feed"], "feed")
            last_page = min(last_page, self._last_page(feed))
            entries = feed.get("entry") or []
            if isinstance(entries, dict):
                entries = [entries]
            mentions: list[MentionIn] = []
            reached_old = False
            reviews = 0
            for entry in entries:
                entry = expect_dict(entry, "entry")
                if "im:rating" not in entry:
                    continue  # the app's own metadata entry, in older feeds
                reviews += 1
                updated = parse_datetime(_label(entry.get("updated")))
                stamp = updated.timestamp() if updated else None
                state.see(stamp)
                if state.is_old(stamp):
                    reached_old = True
                    continue
                mention = self._mention(entry, app_id, updated)
                if mention is not None:
                    mentions.append(mention)
            if reached_old or not reviews or page >= last_page:
                yield Batch(mentions, state.finish(), done=True)
                return
            page += 1
            yield Batch(mentions, state.advance(page), done=fetched == self.max_pages)

    @staticmethod
    def _last_page(feed: dict[str, Any]) -> int:
        links = feed.get("link") or []
        if isinstance(links, dict):
            links = [links]
        for link in links:
            attributes = link.get("attributes") if isinstance(link, dict) else None
            if isinstance(attributes, dict) and attributes.get("rel") == "last":
                match = _PAGE.search(str(attributes.get("href", "")))
                if match:
                    return max(1, int(match.group(1)))
        return MAX_PAGES

    def _mention(
        self, entry: dict[str, Any], app_id: str, updated: datetime | None
    ) -> MentionIn | None:
        review_id = _label(entry.get("id"))
        if not review_id:
            raise ValueError("review entry without id.label")
        title = str(_label(entry.get("title")) or "").strip()
        body = str(_label(entry.get("content")) or "").strip()
        text = "\n\n".join(p for p in (title, body) if p)
        if not text:
            return None
        author = _label((entry.get("author") or {}).get("name"))
        rating = count(_label(entry.get("im:rating")))
        extra: dict[str, Any] = {
            "app_id": app_id,
            "rating": rating,
            "version": _label(entry.get("im:version")),
            "votes": count(_label(entry.get("im:voteCount"))),
        }
        return MentionIn(
            external_id=clip_id(f"{app_id}:{review_id}"),
            text=text,
            source=self.source_name,
            url=None,
            author=author,
            created_at=updated,
            likes=count(_label(entry.get("im:voteSum"))),
            country=self.country.upper(),
            is_owned=owned(author, self.own_handles),
            extra={k: v for k, v in extra.items() if v is not None},
        )
