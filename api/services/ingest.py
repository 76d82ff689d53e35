"""The one ingest path: file import, webhook, simulator and collectors all end here.

Ingest is idempotent: a mention is unique per workspace by source + external id,
and by canonical URL, so replaying a batch after a crash adds nothing. Rows go
in with INSERT … ON CONFLICT DO NOTHING, so two writers racing on the same batch
cannot double it either. Near-duplicates (retweets, copies, syndication) are
stored but linked to their original, so counts can be taken with or without them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import bindparam, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from api.services.rollups import add_mentions as add_rollups
from listener.dedup import NearDuplicateIndex, dedup_key
from listener.matching import BrandMatcher, BrandSpec
from models import Brand, Mention, MentionBrand
from models.timeutil import ensure_utc, utcnow
from models.types import MentionIn


@dataclass
class IngestReport:
    """What an ingest did, in counts."""

    received: int = 0
    inserted: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    brand_links: int = 0
    unmatched: int = 0
    unknown_brand_hints: dict[str, int] = field(default_factory=dict)

    def add(self, other: IngestReport) -> None:
        """Accumulate another report into this one."""
        self.received += other.received
        self.inserted += other.inserted
        self.duplicates += other.duplicates
        self.near_duplicates += other.near_duplicates
        self.brand_links += other.brand_links
        self.unmatched += other.unmatched
        for name, count in other.unknown_brand_hints.items():
            self.unknown_brand_hints[name] = self.unknown_brand_hints.get(name, 0) + count


def brand_specs(session: Session, workspace_id: int) -> list[BrandSpec]:
    """Return the workspace's brands as plain specs for matching."""
    brands = session.exec(select(Brand).where(Brand.workspace_id == workspace_id))
    return [
        BrandSpec(
            id=b.id or 0,
            name=b.name,
            aliases=list(b.aliases),
            handles=list(b.handles),
            query=b.query,
        )
        for b in brands
    ]


def _chunks(items: Iterable[MentionIn], size: int) -> Iterator[list[MentionIn]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _insert(session: Session):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


class Ingestor:
    """Stores mentions for one workspace: dedup, brand links, owned flags.

    Args:
        session: An open session; `ingest` commits after each batch.
        workspace_id: The workspace the mentions belong to.
        matcher: Brand matcher; default: built from the workspace's brands.
        near_duplicates: Index of recent texts; default: rebuilt from the last
            `recent_limit` mentions in the database.
        recent_limit: How many recent mentions seed the near-duplicate index.
    """

    def __init__(
        self,
        session: Session,
        workspace_id: int,
        *,
        matcher: BrandMatcher | None = None,
        near_duplicates: NearDuplicateIndex | None = None,
        recent_limit: int = 20_000,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.matcher = matcher or BrandMatcher(brand_specs(session, workspace_id))
        if near_duplicates is None:
            near_duplicates = NearDuplicateIndex()
            self._seed_index(near_duplicates, recent_limit)
        self.near_duplicates = near_duplicates

    def _seed_index(self, index: NearDuplicateIndex, limit: int) -> None:
        rows = self.session.execute(
            select(Mention.dedup_key, Mention.text, Mention.created_at)
            .where(Mention.workspace_id == self.workspace_id)
            .order_by(Mention.created_at.desc())  # type: ignore[attr-defined]
            .limit(limit)
        ).all()
        for key, text, created in reversed(rows):
            index.add(key, text, timestamp=created.timestamp())

    def ingest(
        self, mentions: Iterable[MentionIn], *, source_id: int | None = None, batch_size: int = 500
    ) -> IngestReport:
        """Store mentions in batches, committing after each.

        Args:
            mentions: The mentions, in any order.
            source_id: The configured source they came from, if any.
            batch_size: Rows per transaction.

        Returns:
            Counts of what was inserted, skipped and linked.
        """
        report = IngestReport()
        for chunk in _chunks(mentions, batch_size):
            report.add(self._ingest_batch(chunk, source_id))
            self.session.commit()
        return report

    def _existing(self, batch: list[MentionIn], keys: list[str]) -> tuple[set[Any], set[str]]:
        pairs = {(m.source, m.external_id) for m in batch}
        found_pairs = set(
            self.session.execute(
                select(Mention.source, Mention.external_id).where(
                    Mention.workspace_id == self.workspace_id,
                    tuple_(Mention.source, Mention.external_id).in_(list(pairs)),
                )
            ).all()
        )
        found_keys = set(
            self.session.execute(
                select(Mention.dedup_key).where(
                    Mention.workspace_id == self.workspace_id,
                    Mention.dedup_key.in_(keys),  # type: ignore[attr-defined]
                )
            ).scalars()
        )
        return {tuple(p) for p in found_pairs}, found_keys

    def _ingest_batch(self, batch: list[MentionIn], source_id: int | None) -> IngestReport:
        report = IngestReport(received=len(batch))
        keys = [dedup_key(m) for m in batch]
        known_pairs, known_keys = self._existing(batch, keys)
        now = utcnow()
        rows: list[dict[str, Any]] = []
        links: dict[str, list[int]] = {}
        originals: dict[str, str] = {}
        for mention, key in zip(batch, keys, strict=True):
            pair = (mention.source, mention.external_id)
            if pair in known_pairs or key in known_keys:
                report.duplicates += 1
                continue
            known_pairs.add(pair)
            known_keys.add(key)
            created = ensure_utc(mention.created_at) if mention.created_at else now
            brand_ids, unknown_hint = self.matcher.match(mention)
            if unknown_hint:
                hints = report.unknown_brand_hints
                hints[unknown_hint] = hints.get(unknown_hint, 0) + 1
            if not brand_ids:
                report.unmatched += 1
            original = self.near_duplicates.add(key, mention.text, timestamp=created.timestamp())
            if original is not None and original != key:
                originals[key] = original
            links[key] = brand_ids
            extra = dict(mention.extra)
            rows.append(
                {
                    "workspace_id": self.workspace_id,
                    "source_id": source_id,
                    "source": mention.source,
                    "external_id": mention.external_id,
                    "url": mention.url,
                    "author": mention.author,
                    "author_followers": mention.author_followers,
                    "text": mention.text,
                    "language": mention.language,
                    "created_at": created,
                    "collected_at": now,
                    "likes": mention.likes,
                    "shares": mention.shares,
                    "replies": mention.replies,
                    "parent_external_id": mention.parent_external_id,
                    "thread_external_id": mention.thread_external_id,
                    "is_owned": mention.is_owned or self.matcher.is_owned(mention),
                    "country": mention.country,
                    "dedup_key": key,
                    "truncated": mention.truncated,
                    "is_harm": False,
                    "extra": extra,
                }
            )
        if not rows:
            return report
        insert = _insert(self.session)
        # One statement with the rows as executemany parameters, not a VALUES list: its
        # compiled form is cached across batches (a 500-row VALUES list has ~11,000 bind
        # parameters and was compiled afresh for every batch, 44 % of webhook time), and
        # SQLAlchemy still sends it as multi-row INSERTs ("insertmanyvalues").
        statement = (
            insert(Mention)
            .on_conflict_do_nothing(index_elements=["workspace_id", "source", "external_id"])
            .returning(Mention.id, Mention.dedup_key, Mention.created_at)  # type: ignore[arg-type]
        )
        inserted = self.session.execute(statement, rows).all()
        report.inserted = len(inserted)
        report.duplicates += len(rows) - len(inserted)
        id_by_key = {key: mention_id for mention_id, key, _ in inserted}
        self._link_near_duplicates(originals, id_by_key, links, report)
        brand_rows = [
            {"mention_id": mention_id, "brand_id": brand_id, "created_at": created}
            for mention_id, key, created in inserted
            for brand_id in links.get(key, [])
        ]
        if brand_rows:
            self.session.execute(insert(MentionBrand).on_conflict_do_nothing(), brand_rows)
        report.brand_links = len(brand_rows)
        # --- rollups (api/services/rollups.py): count the new mentions into brand × hour ---
        add_rollups(self.session, [mention_id for mention_id, _, _ in inserted])
        # --- end rollups ---
        return report

    def _link_near_duplicates(
        self,
        originals: dict[str, str],
        id_by_key: dict[str, int],
        links: dict[str, list[int]],
        report: IngestReport,
    ) -> None:
        if not originals:
            return
        missing = {o for o in originals.values() if o not in id_by_key}
        if missing:
            found = self.session.execute(
                select(Mention.dedup_key, Mention.id).where(
                    Mention.workspace_id == self.workspace_id,
                    col(Mention.dedup_key).in_(list(missing)),
                )
            ).all()
            id_by_key = {**id_by_key, **{k: i for k, i in found}}
        # A copy counts as a copy only of a post about the same brands: two posts
        # built from the same sentence about different brands are two voices.
        brands_of: dict[str, set[int]] = {k: set(v) for k, v in links.items()}
        stored = [o for o in set(originals.values()) if o not in brands_of and o in id_by_key]
        if stored:
            key_by_id = {id_by_key[k]: k for k in stored}
            for key in stored:
                brands_of[key] = set()
            for mention_id, brand_id in self.session.execute(
                select(MentionBrand.mention_id, MentionBrand.brand_id).where(
                    col(MentionBrand.mention_id).in_(list(key_by_id))
                )
            ).all():
                brands_of[key_by_id[mention_id]].add(brand_id)
        updates = []
        for key, original in originals.items():
            mention_id = id_by_key.get(key)
            original_id = id_by_key.get(original)
            if mention_id is None or original_id is None or mention_id == original_id:
                continue
            if brands_of.get(key, set()) != brands_of.get(original, set()):
                continue
            updates.append({"mid": mention_id, "oid": original_id})
        if updates:
            table = Mention.__table__  # type: ignore[attr-defined]
            self.session.execute(
                table.update()
                .where(table.c.id == bindparam("mid"))
                .values(duplicate_of_id=bindparam("oid")),
                updates,
            )
        report.near_duplicates += len(updates)
