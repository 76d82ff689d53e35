"""Match mentions to brands with their boolean queries, aliases and own handles."""

from __future__ import annotations

from dataclasses import dataclass, field

from listener.query import Query, QueryDoc, brand_query
from models.types import MentionIn


def normalise_handle(handle: str) -> str:
    """Lower-case a handle and drop a leading @ (and any instance part after a second @)."""
    value = handle.strip().lstrip("@").casefold()
    return value.split("@", 1)[0]


@dataclass
class BrandSpec:
    """What matching needs to know about a brand (a plain copy of the table row)."""

    id: int
    name: str
    aliases: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    query: str | None = None


class BrandMatcher:
    """Decides which brands a mention is about, and whether a brand posted it.

    Queries are parsed once here, then matched against each mention's tokens.
    A mention imported with an explicit brand (`brand_hint`) belongs to that
    brand alone; a brand's own posts belong to it even when they do not name it.

    Args:
        brands: The workspace's brands.
    """

    def __init__(self, brands: list[BrandSpec]) -> None:
        self.brands = brands
        self._queries: list[tuple[int, Query]] = [
            (b.id, brand_query(b.name, b.aliases, b.query)) for b in brands
        ]
        self._by_name: dict[str, int] = {}
        for b in brands:
            for name in (b.name, *b.aliases):
                self._by_name.setdefault(name.casefold().strip(), b.id)
        self._owner: dict[str, int] = {
            normalise_handle(h): b.id for b in brands for h in b.handles if h.strip()
        }

    def owner(self, mention: MentionIn) -> int | None:
        """Return the brand whose own account wrote the mention, if any."""
        if not mention.author:
            return None
        return self._owner.get(normalise_handle(mention.author))

    def is_owned(self, mention: MentionIn) -> bool:
        """Return True when one of the brands' own accounts wrote the mention."""
        return self.owner(mention) is not None

    def match(self, mention: MentionIn) -> tuple[list[int], str | None]:
        """Return the ids of the brands the mention is about, and an unknown brand hint.

        Args:
            mention: The mention.

        Returns:
            Sorted brand ids, and the mention's `brand_hint` if it names no known
            brand (None otherwise).
        """
        if mention.brand_hint:
            brand_id = self._by_name.get(mention.brand_hint.casefold().strip())
            if brand_id is not None:
                return [brand_id], None
            hint: str | None = mention.brand_hint
        else:
            hint = None
        doc = QueryDoc.from_mention(mention)
        found = {brand_id for brand_id, query in self._queries if query.matches(doc)}
        owner = self.owner(mention)
        if owner is not None:
            found.add(owner)
        return sorted(found), hint
