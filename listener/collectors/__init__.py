"""Collectors for real sources, and what they share.

One module a source, each a class with ``kind`` and ``collect(query, cursor)``
(the `listener.base.Collector` protocol), registered by kind in
`listener.base.BUILTIN_COLLECTORS`:

========== ============================ ================================================
kind       module                       query means
========== ============================ ================================================
rss        `listener.collectors.rss`     the feed URL (or config ``url``)
reddit     `listener.collectors.reddit`  search terms (``subreddit`` config narrows it)
hackernews `listener.collectors.hackernews` search terms (Algolia HN Search)
mastodon   `listener.collectors.mastodon` a hashtag, or search terms with ``mode=search``
bluesky    `listener.collectors.bluesky` search terms (``app.bsky.feed.searchPosts``)
appstore   `listener.collectors.appstore` the app's numeric id (or config ``app_id``)
youtube    `listener.collectors.youtube` optional search terms within the comments
========== ============================ ================================================

Constructors take explicit configuration only (never `Settings`): base URLs
(overridable, so tests point them at loopback), API keys, the brand's own
handles (``own_handles``) and an `HttpClient` (or ``allow_private`` and a rate,
to build one). Building a collector does no I/O, so the sources service can
validate a configuration by constructing it.

Cursors are plain JSON. Sources that page newest-first keep a `PassState`:
the watermark of the last *completed* pass plus, while a pass is open, the page
to resume at. Each `Batch` carries the cursor that is true once its mentions
are stored, so a crash replays at most one page (dedup makes that harmless) and
never skips one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from listener.base import Batch, CollectorError
from listener.http import HttpClient, HttpError
from listener.matching import normalise_handle

MAX_EXTERNAL_ID = 512


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "li", "blockquote", "pre", "tr", "h1", "h2", "h3", "h4",
                         "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br" or tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            # In HTML a line break in the source is just a space; only tags break lines.
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def html_to_text(markup: str | None) -> str:
    """Turn an HTML fragment (a toot, an HN comment, a feed summary) into plain text.

    Block elements and ``<br>`` become line breaks, entities are decoded,
    scripts and styles dropped, runs of blank lines and spaces collapsed.

    Args:
        markup: HTML, or plain text (returned tidied), or None.

    Returns:
        The text.
    """
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def as_list(value: str | Iterable[str] | None) -> list[str]:
    """Read a list from config: a list, or a comma-separated string (as the CLI gives it)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part).strip() for part in value if str(part).strip()]


def handle_set(value: str | Iterable[str] | None) -> frozenset[str]:
    """Normalise the brand's own handles from config for `is_owned` checks.

    Uses `listener.matching.normalise_handle`, the same rule the brand matcher
    uses, so ``@Nuvola``, ``nuvola`` and ``nuvola@mastodon.social`` all match.
    """
    return frozenset(h for h in (normalise_handle(x) for x in as_list(value)) if h)


def owned(author: str | None, handles: frozenset[str], *aliases: str | None) -> bool:
    """True when the author (or one of its alternative names) is one of `handles`."""
    if not handles:
        return False
    return any(name and normalise_handle(name) in handles for name in (author, *aliases))


def parse_datetime(value: Any) -> datetime | None:
    """Parse ISO 8601 (``Z`` or offset; naive taken as UTC) or epoch seconds into aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), UTC)
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def count(value: Any) -> int:
    """A non-negative engagement count from whatever the API gave (None, str, negative)."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def short_language(code: Any) -> str | None:
    """``en-US`` → ``en``; None or junk → None."""
    if not code or not isinstance(code, str):
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def clip_id(value: str) -> str:
    """Keep an external id within the 512-character column: long ids become a hash."""
    if len(value) <= MAX_EXTERNAL_ID:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def make_client(
    http: HttpClient | None,
    *,
    allow_private: bool,
    rate_limit_per_minute: float | None,
    default_rate: float,
    headers: dict[str, str] | None = None,
) -> HttpClient:
    """Return the given client, or a new one with this source's rate limit."""
    if http is not None:
        return http
    return HttpClient(
        allow_private=allow_private,
        rate_limit_per_minute=rate_limit_per_minute or default_rate,
        headers=headers,
    )


def check_page_settings(page_size: int, max_pages: int, *, most: int) -> None:
    """Validate paging config.

    Raises:
        ValueError: A value is out of range.
    """
    if not 1 <= page_size <= most:
        raise ValueError(f"page_size must be between 1 and {most}")
    if max_pages < 1:
        raise ValueError("max_pages must be at least 1")


def lookback_floor(lookback_days: float | None, now: datetime) -> datetime | None:
    """The oldest time a first run reaches back to; None: no limit."""
    if not lookback_days:
        return None
    return now - timedelta(days=float(lookback_days))


def guarded(kind: str, batches: Iterator[Batch]) -> Iterator[Batch]:
    """Re-raise whatever a collector's generator throws as `CollectorError` with a reason.

    HTTP failures keep their reason; a response of the wrong shape (a key or
    type the documented format promises but the body lacks) says so.

    Args:
        kind: The collector kind, for the error.
        batches: The collector's own generator.

    Yields:
        The same batches.

    Raises:
        CollectorError: Anything went wrong.
    """
    try:
        yield from batches
    except CollectorError:
        raise
    except HttpError as exc:
        raise CollectorError(kind, exc.reason) from exc
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as exc:
        raise CollectorError(kind, f"unexpected response format: {type(exc).__name__}: {exc}") \
            from exc


def expect_dict(value: Any, what: str) -> dict[str, Any]:
    """Return `value` if it is a JSON object, else raise `ValueError` naming `what`."""
    if not isinstance(value, dict):
        raise ValueError(f"{what} is {type(value).__name__}, expected an object")
    return value


def expect_list(value: Any, what: str) -> list[Any]:
    """Return `value` if it is a JSON array (None counts as empty), else raise `ValueError`."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{what} is {type(value).__name__}, expected an array")
    return value


@dataclass
class PassState:
    """Resumable position of a newest-first collection pass.

    Attributes:
        newest: Watermark of the last completed pass (a timestamp or an id):
            items older than it were seen before.
        page: While a pass is open, the page token to resume at; None: start
            at the newest item.
        candidate: The newest item seen by the open pass; it becomes `newest`
            when the pass completes (not before: older pages are still unread).
        floor: Used instead of `newest` before any pass completed (the
            lookback limit of a first run), in the same units.
        order: Maps a watermark value to something comparable (ids as ints).
    """

    newest: Any = None
    page: Any = None
    candidate: Any = None
    floor: Any = None
    order: Callable[[Any], Any] = lambda value: value

    @classmethod
    def load(
        cls,
        cursor: dict[str, Any],
        *,
        floor: Any = None,
        order: Callable[[Any], Any] | None = None,
    ) -> PassState:
        """Read the state from a stored cursor (empty at first).

        Args:
            cursor: The stored cursor.
            floor: The first run's lookback limit, in watermark units.
            order: Sort key for watermark values.

        Returns:
            The state.
        """
        pending = cursor.get("pass") or {}
        state = cls(newest=cursor.get("newest"), page=pending.get("page"),
                    candidate=pending.get("newest"), floor=floor)
        if order is not None:
            state.order = order
        return state

    @property
    def threshold(self) -> Any:
        """What an item must not be older than: the watermark, else the floor."""
        return self.newest if self.newest is not None else self.floor

    def see(self, value: Any) -> None:
        """Note an item's watermark value."""
        if value is None:
            return
        if self.candidate is None or self.order(value) > self.order(self.candidate):
            self.candidate = value

    def is_old(self, value: Any) -> bool:
        """True if the item is older than the watermark (equal ones are yielded again)."""
        limit = self.newest if self.newest is not None else self.floor
        if limit is None or value is None:
            return False
        return bool(self.order(value) < self.order(limit))

    def advance(self, page: Any) -> dict[str, Any]:
        """Cursor for "this page is stored, resume at `page`"."""
        self.page = page
        return self.cursor()

    def finish(self) -> dict[str, Any]:
        """Cursor for "the pass reached the watermark": the candidate becomes the watermark."""
        if self.candidate is not None and (
            self.newest is None or self.order(self.candidate) > self.order(self.newest)
        ):
            self.newest = self.candidate
        self.page = None
        self.candidate = None
        return self.cursor()

    def cursor(self) -> dict[str, Any]:
        """The JSON cursor for the current state."""
        data: dict[str, Any] = {"newest": self.newest}
        if self.page is not None:
            data["pass"] = {"page": self.page, "newest": self.candidate}
        return data


__all__ = [
    "PassState",
    "as_list",
    "check_page_settings",
    "clip_id",
    "count",
    "expect_dict",
    "expect_list",
    "guarded",
    "handle_set",
    "html_to_text",
    "lookback_floor",
    "make_client",
    "owned",
    "parse_datetime",
    "short_language",
]
