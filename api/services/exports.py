"""Exports of any mention query as CSV, JSON Lines or a JSON array, produced as a stream.

The rows are read in keyset pages by a session of the export's own (the request's
session is gone once the response starts streaming), so memory stays flat however
many mentions match.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.services.mentions import MentionFilter, iter_mentions
from models.mention import MentionPublic

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "json": "application/json",
}
"""Export formats and their media types."""
CSV_COLUMNS = (
    "id",
    "created_at",
    "source",
    "external_id",
    "url",
    "author",
    "author_followers",
    "language",
    "country",
    "sentiment",
    "is_harm",
    "harm_probability",
    "likes",
    "shares",
    "replies",
    "is_owned",
    "duplicate_of_id",
    "parent_external_id",
    "brand_ids",
    "text",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_SIGNS = ("=", "(", "!", "|")


def _looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet would evaluate: ``=…``, or ``+ - @`` then a call or link.

    A plain ``@handle`` or ``-5`` stays as it is; ``@SUM(A1)`` or ``+cmd|' /C calc'!A0``
    is escaped.
    """
    if text.startswith(("=", "\t", "\r")):
        return True
    return text.startswith(_FORMULA_START) and any(sign in text for sign in _FORMULA_SIGNS)


def _cell(value: Any, escape_formulas: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if escape_formulas and isinstance(value, str) and _looks_like_formula(text):
        # Spreadsheets run cells that start like a formula; a leading quote keeps them text.
        return "'" + text
    return text


def csv_row(mention: MentionPublic, *, escape_formulas: bool = True) -> list[str]:
    """Return one mention as CSV cells in `CSV_COLUMNS` order."""
    data = mention.model_dump()
    return [_cell(data.get(name), escape_formulas) for name in CSV_COLUMNS]


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def stream_export(
    engine: Engine,
    workspace_id: int,
    f: MentionFilter,
    fmt: str,
    *,
    limit: int | None = None,
    escape_formulas: bool = True,
    rows_per_chunk: int = 200,
) -> Iterator[bytes]:
    """Yield an export in chunks of bytes.

    Args:
        engine: The engine; the export opens its own session.
        workspace_id: The workspace (already authorised).
        f: The mention filters (already checked to name this workspace's things).
        fmt: ``csv``, ``jsonl`` or ``json``.
        limit: Most mentions, or None for all.
        escape_formulas: In CSV, prefix cells that start like a spreadsheet formula
            (``= + - @``) with ``'``.
        rows_per_chunk: Mentions per yielded chunk.

    Yields:
        UTF-8 encoded pieces of the document.

    Raises:
        ValueError: Unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    with Session(engine, expire_on_commit=False) as session:
        parts: list[str] = []
        if fmt == "csv":
            parts.append(_csv_line(list(CSV_COLUMNS)))
        elif fmt == "json":
            parts.append("[")
        first = True
        for mention in iter_mentions(session, workspace_id, f, limit=limit):
            if fmt == "csv":
                parts.append(_csv_line(csv_row(mention, escape_formulas=escape_formulas)))
            else:
                line = mention.model_dump_json()
                if fmt == "jsonl":
                    parts.append(line + "\n")
                else:
                    parts.append(("\n" if first else ",\n") + line)
            first = False
            if len(parts) >= rows_per_chunk:
                yield "".join(parts).encode("utf-8")
                parts = []
        if fmt == "json":
            parts.append("\n]\n")
        if parts:
            yield "".join(parts).encode("utf-8")
