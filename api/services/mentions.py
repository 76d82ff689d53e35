"""Mention search: filters, keyset pagination with opaque cursors, and iteration for exports."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from api.services.analytics import SENTIMENTS, get_topic, workspace_brand
from api.services.errors import DomainError, NotFound
from models import Mention, MentionBrand, Source, TopicAssignment
from models.mention import MentionPublic
from models.timeutil import ensure_utc

SENTIMENT_FILTERS = (*SENTIMENTS, "unscored")
"""Values of the sentiment filter; ``unscored`` means not analysed yet."""
MAX_CURSOR_CHARS = 500


class BadCursor(DomainError):
    """A pagination cursor that this API did not issue (or for another list)."""

    status = 400
    title = "Invalid cursor"


def encode_cursor(kind: str, values: list[Any]) -> str:
    """Make an opaque cursor: base64 of the list's name and its last sort key.

    Args:
        kind: Which list the cursor belongs to.
        values: The sort key of the last item returned (JSON-serialisable).

    Returns:
        A URL-safe token.
    """
    raw = json.dumps({"k": kind, "v": values}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, token: str, types: tuple[type, ...]) -> list[Any]:
    """Read a cursor made by `encode_cursor`, checking its shape.

    Args:
        kind: The list it must belong to.
        token: The cursor.
        types: The expected type of each sort-key element (`datetime` parses ISO 8601).

    Returns:
        The sort key.

    Raises:
        BadCursor: Not a cursor of this list.
    """
    try:
        if len(token) > MAX_CURSOR_CHARS:
            raise ValueError("too long")
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(data, dict) or data.get("k") != kind:
            raise ValueError("wrong list")
        values = data.get("v")
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError("wrong shape")
        out: list[Any] = []
        for value, expected in zip(values, types, strict=True):
            if expected is datetime:
                if not isinstance(value, str):
                    raise ValueError("bad time")
                out.append(ensure_utc(datetime.fromisoformat(value)))
            elif expected is int:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError("bad int")
                if not -(2**63) <= value < 2**63:
                    raise ValueError("int out of range")
                out.append(value)
            elif not isinstance(value, expected):
                raise ValueError("bad value")
            else:
                out.append(value)
        return out
    except (ValueError, TypeError, UnicodeError, binascii.Error, OverflowError) as exc:
        raise BadCursor(f"the cursor is malformed or belongs to another list ({exc})") from None


@dataclass
class MentionFilter:
    """What to search for; every field is optional and they combine with AND."""

    brand_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    sentiment: str | None = None
    language: str | None = None
    source: str | None = None
    source_id: int | None = None
    harm: bool | None = None
    topic_id: int | None = None
    q: str | None = None
    author: str | None = None
    owned: bool | None = None
    include_duplicates: bool = True


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _check_ownership(session: Session, workspace_id: int, f: MentionFilter) -> None:
    if f.brand_id is not None:
        workspace_brand(session, workspace_id, f.brand_id)
    if f.topic_id is not None:
        get_topic(session, workspace_id, f.topic_id)
    if f.source_id is not None:
        source = session.get(Source, f.source_id)
        if source is None or source.workspace_id != workspace_id:
            raise NotFound(f"source {f.source_id} not found")


def _statement(workspace_id: int, f: MentionFilter) -> Any:
    m = Mention
    statement = select(m).where(col(m.workspace_id) == workspace_id)
    time_col: Any = col(m.created_at)
    if f.brand_id is not None:
        statement = statement.join(
            MentionBrand,
            and_(
                col(MentionBrand.mention_id) == col(m.id),
                col(MentionBrand.brand_id) == f.brand_id,
            ),
        )
        time_col = col(MentionBrand.created_at)
    if f.topic_id is not None:
        statement = statement.join(
            TopicAssignment,
            and_(
                col(TopicAssignment.mention_id) == col(m.id),
                col(TopicAssignment.topic_id) == f.topic_id,
            ),
        )
    if f.start is not None:
        statement = statement.where(time_col >= ensure_utc(f.start))
    if f.end is not None:
        statement = statement.where(time_col < ensure_utc(f.end))
    if f.sentiment == "unscored":
        statement = statement.where(col(m.sentiment).is_(None))
    elif f.sentiment is not None:
        statement = statement.where(col(m.sentiment) == f.sentiment)
    if f.language:
        statement = statement.where(col(m.language) == f.language)
    if f.source:
        statement = statement.where(col(m.source) == f.source)
    if f.source_id is not None:
        statement = statement.where(col(m.source_id) == f.source_id)
    if f.harm is not None:
        statement = statement.where(col(m.is_harm).is_(f.harm))
    if f.owned is not None:
        statement = statement.where(col(m.is_owned).is_(f.owned))
    if f.author:
        statement = statement.where(col(m.author) == f.author)
    if f.q:
        pattern = f"%{_escape_like(f.q)}%"
        statement = statement.where(col(m.text).ilike(pattern, escape="\\"))
    if not f.include_duplicates:
        statement = statement.where(col(m.duplicate_of_id).is_(None))
    return statement, time_col


def _page_query(
    session: Session,
    workspace_id: int,
    f: MentionFilter,
    limit: int,
    after: tuple[datetime, int] | None,
) -> list[Mention]:
    statement, time_col = _statement(workspace_id, f)
    if after is not None:
        moment, last_id = after
        statement = statement.where(
            or_(time_col < moment, and_(time_col == moment, col(Mention.id) < last_id))
        )
    statement = statement.order_by(time_col.desc(), col(Mention.id).desc()).limit(limit)
    return list(session.execute(statement).scalars())


def brand_links(session: Session, mention_ids: list[int]) -> dict[int, list[int]]:
    """Return the brand ids each mention is linked to."""
    out: dict[int, list[int]] = {i: [] for i in mention_ids}
    if not mention_ids:
        return out
    rows = session.execute(
        select(MentionBrand.mention_id, MentionBrand.brand_id)
        .where(col(MentionBrand.mention_id).in_(mention_ids))
        .order_by(col(MentionBrand.brand_id))
    ).all()
    for mention_id, brand_id in rows:
        out[mention_id].append(brand_id)
    return out


def to_public(mention: Mention, brand_ids: list[int]) -> MentionPublic:
    """Convert a stored mention to its API shape."""
    public = MentionPublic.model_validate(mention, update={"brand_ids": brand_ids})
    public.created_at = ensure_utc(public.created_at)
    public.collected_at = ensure_utc(public.collected_at)
    return public


def search_mentions(
    session: Session,
    workspace_id: int,
    f: MentionFilter,
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[MentionPublic], str | None]:
    """One page of the workspace's mentions matching `f`, newest first.

    Args:
        session: An open session.
        workspace_id: The workspace.
        f: The filters.
        limit: Page size.
        cursor: `next_cursor` of the previous page, or None for the first.

    Returns:
        The page and the cursor of the next page (None on the last).

    Raises:
        NotFound: A brand, topic or source filter names something not in this workspace.
        BadCursor: The cursor is malformed.
    """
    after: tuple[datetime, int] | None = None
    if cursor:
        moment, last_id = decode_cursor("mentions", cursor, (datetime, int))
        after = (moment, last_id)
    _check_ownership(session, workspace_id, f)
    rows = _page_query(session, workspace_id, f, limit + 1, after)
    more = len(rows) > limit
    rows = rows[:limit]
    links = brand_links(session, [r.id or 0 for r in rows])
    page = [to_public(r, links[r.id or 0]) for r in rows]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor("mentions", [ensure_utc(last.created_at).isoformat(), last.id])
    return page, next_cursor


def iter_mentions(
    session: Session,
    workspace_id: int,
    f: MentionFilter,
    *,
    batch_size: int = 1000,
    limit: int | None = None,
) -> Iterator[MentionPublic]:
    """Every mention matching `f`, newest first, read in keyset pages.

    Args:
        session: An open session.
        workspace_id: The workspace.
        f: The filters.
        batch_size: Rows per query.
        limit: Stop after this many, or None for all.

    Yields:
        The mentions.

    Raises:
        NotFound: A brand, topic or source filter names something not in this workspace.
    """
    _check_ownership(session, workspace_id, f)
    after: tuple[datetime, int] | None = None
    sent = 0
    while limit is None or sent < limit:
        size = batch_size if limit is None else min(batch_size, limit - sent)
        rows = _page_query(session, workspace_id, f, size, after)
        if not rows:
            return
        links = brand_links(session, [r.id or 0 for r in rows])
        for row in rows:
            yield to_public(row, links[row.id or 0])
        sent += len(rows)
        last = rows[-1]
        after = (ensure_utc(last.created_at), last.id or 0)
        session.expunge_all()
        if len(rows) < size:
            return


def get_mention(session: Session, workspace_id: int, mention_id: int) -> MentionPublic:
    """Return one of the workspace's mentions.

    Raises:
        NotFound: No such mention in this workspace.
    """
    mention = session.get(Mention, mention_id)
    if mention is None or mention.workspace_id != workspace_id:
        raise NotFound(f"mention {mention_id} not found")
    return to_public(mention, brand_links(session, [mention_id])[mention_id])
