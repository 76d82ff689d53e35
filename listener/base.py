"""The collector protocol, its errors and the registry of sources.

A collector turns a query and a cursor into `MentionIn` records and the next
cursor. Built-ins are registered in `BUILTIN_COLLECTORS`; other packages add
sources through the `groundswell.collectors` entry-point group, the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from models.types import MentionIn


class CollectorError(Exception):
    """A source failed; the run records it against the source and goes on."""

    def __init__(self, source: str, reason: str = "") -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}" if reason else source)


@dataclass
class Batch:
    """What one collection pass produced: mentions and the cursor that follows them.

    The cursor is persisted only after the mentions are committed, so a crash
    between the two replays the batch (dedup makes that harmless) rather than
    skipping it.
    """

    mentions: list[MentionIn]
    cursor: dict[str, Any] = field(default_factory=dict)
    done: bool = True


@runtime_checkable
class Collector(Protocol):
    """A source of mentions."""

    kind: str

    def collect(self, query: str, cursor: dict[str, Any]) -> Iterator[Batch]:
        """Yield batches of mentions after `cursor`, each with the cursor that follows it.

        Args:
            query: The source-specific search (a hashtag, a feed URL, a search string).
            cursor: What the previous run returned as its last cursor; empty at first.

        Yields:
            Batches in order; the last one's cursor is where the next run starts.

        Raises:
            CollectorError: The source failed in a way the run should record.
        """
        ...


CollectorFactory = Callable[..., Collector]

BUILTIN_COLLECTORS: dict[str, str] = {
    "simulator": "listener.simulator:ScenarioSimulator",
    "rss": "listener.collectors.rss:RssCollector",
    "reddit": "listener.collectors.reddit:RedditCollector",
    "hackernews": "listener.collectors.hackernews:HackerNewsCollector",
    "mastodon": "listener.collectors.mastodon:MastodonCollector",
    "bluesky": "listener.collectors.bluesky:BlueskyCollector",
    "appstore": "listener.collectors.appstore:AppStoreCollector",
    "youtube": "listener.collectors.youtube:YouTubeCollector",
}
"""Built-in sources, by kind, as `module:attribute` so nothing heavy imports early."""


def _load(target: str) -> CollectorFactory:
    module_name, _, attr = target.partition(":")
    module = __import__(module_name, fromlist=[attr])
    factory: CollectorFactory = getattr(module, attr)
    return factory


def available_collectors() -> dict[str, str]:
    """Return every known collector kind: built-ins plus entry points."""
    found = dict(BUILTIN_COLLECTORS)
    for ep in entry_points(group="groundswell.collectors"):
        found.setdefault(ep.name, ep.value)
    return found


def get_collector_factory(kind: str) -> CollectorFactory:
    """Return the factory for a collector kind.

    Args:
        kind: A registered kind, e.g. ``"simulator"`` or ``"rss"``.

    Returns:
        A callable that builds the collector from its config keywords.

    Raises:
        KeyError: No collector of that kind is registered.
    """
    known = available_collectors()
    if kind not in known:
        raise KeyError(f"unknown source kind {kind!r}; known: {', '.join(sorted(known))}")
    return _load(known[kind])
