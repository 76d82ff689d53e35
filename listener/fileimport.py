"""File import: JSON Lines or CSV into `MentionIn`, with a field mapping.

Every line is parsed on its own: a malformed line becomes an `ImportProblem`
(file, line number, reason) and the rest of the file still imports. The webhook
and the scheduler use the same `MentionIn` path afterwards.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models.types import MentionIn


@dataclass(frozen=True)
class FieldMap:
    """Which input field holds which mention attribute.

    Dotted names reach into nested JSON objects (``user.screen_name``).
    """

    text: str = "text"
    time: str = "created_at"
    id: str = "id"
    author: str = "author"
    brand: str = "brand"
    lang: str = "lang"
    url: str = "url"
    followers: str = "author_followers"
    likes: str = "likes"
    shares: str = "shares"
    replies: str = "replies"
    parent: str = "parent_id"
    source: str = "source"


@dataclass(frozen=True)
class ImportProblem:
    """A line that could not be imported, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class ParsedLine:
    """One input line's outcome: a mention or a problem."""

    line: int
    mention: MentionIn | None = None
    problem: ImportProblem | None = None
    notes: list[str] = field(default_factory=list)


_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


def parse_time(value: Any) -> datetime:
    """Parse the timestamps that exports use.

    Accepts ISO 8601 (with ``Z``), epoch seconds or milliseconds, Twitter's
    ``Wed Oct 10 20:19:24 +0000 2018`` and RFC 2822 dates.

    Args:
        value: A string or number.

    Returns:
        An aware UTC datetime (naive inputs are taken to be UTC).

    Raises:
        ValueError: The value is not a time in any of those forms.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value) / 1000.0 if value > 1e11 else float(value)
        return datetime.fromtimestamp(seconds, tz=UTC)
    text = str(value).strip()
    if not text:
        raise ValueError("empty timestamp")
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return parse_time(number)
    candidates = (
        lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")),
        lambda s: datetime.strptime(s, _TWITTER_TIME),
        parsedate_to_datetime,
    )
    for parse in candidates:
        try:
            parsed = parse(text)
        except (ValueError, TypeError, IndexError):
            continue
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    raise ValueError(f"unrecognised timestamp {text[:40]!r}")


def _get(row: dict[str, Any], dotted: str) -> Any:
    value: Any = row
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _as_count(value: Any, name: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(float(value))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not a number: {value!r}") from exc
    if number < 0:
        raise ValueError(f"{name} is negative: {number}")
    return number


def row_to_mention(
    row: dict[str, Any], fields: FieldMap, *, default_source: str = "import"
) -> MentionIn:
    """Map one input record to a `MentionIn`.

    Rows without an id get a stable one derived from their content, so a file
    without ids still imports idempotently.

    Args:
        row: The decoded record.
        fields: The field mapping.
        default_source: Source name for rows that do not carry one.

    Returns:
        The mention.

    Raises:
        ValueError: A required field is missing or a value has the wrong type.
    """
    text = _get(row, fields.text)
    if text is None:
        raise ValueError(f"missing text field {fields.text!r}")
    if not isinstance(text, str):
        raise ValueError(f"text field {fields.text!r} is not a string")
    raw_time = _get(row, fields.time)
    created_at = parse_time(raw_time) if raw_time not in (None, "") else None
    author = _get(row, fields.author)
    raw_id = _get(row, fields.id)
    if raw_id in (None, ""):
        basis = json.dumps([text, str(raw_time), str(author)], ensure_ascii=False)
        raw_id = "sha1:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()
    followers = _get(row, fields.followers)
    parent = _get(row, fields.parent)
    source = _get(row, fields.source) or default_source
    brand = _get(row, fields.brand)
    try:
        return MentionIn(
            external_id=str(raw_id),
            text=text,
            source=str(source)[:50],
            url=_get(row, fields.url) or None,
            author=str(author) if author not in (None, "") else None,
            author_followers=_as_count(followers, "followers")
            if followers not in (None, "")
            else None,
            language=_get(row, fields.lang) or None,
            created_at=created_at,
            likes=_as_count(_get(row, fields.likes), "likes"),
            shares=_as_count(_get(row, fields.shares), "shares"),
            replies=_as_count(_get(row, fields.replies), "replies"),
            parent_external_id=str(parent) if parent not in (None, "") else None,
            brand_hint=str(brand) if brand not in (None, "") else None,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise ValueError(f"{where}: {first.get('msg')}") from exc


def _decode(raw: bytes) -> tuple[str, bool]:
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), True


def iter_jsonl(
    path: Path, fields: FieldMap, *, default_source: str = "import"
) -> Iterator[ParsedLine]:
    """Parse a JSON Lines file line by line.

    Invalid UTF-8 is replaced with U+FFFD and noted, not fatal. Blank lines are
    skipped silently.

    Args:
        path: The file.
        fields: The field mapping.
        default_source: Source name for rows that carry none.

    Yields:
        One `ParsedLine` per non-blank line.
    """
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            text, replaced = _decode(raw)
            notes = ["invalid UTF-8 replaced"] if replaced else []
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                reason = f"malformed JSON: {exc.msg} at column {exc.colno}"
                yield ParsedLine(number, problem=ImportProblem(str(path), number, reason))
                continue
            if not isinstance(row, dict):
                reason = f"expected a JSON object, got {type(row).__name__}"
                yield ParsedLine(number, problem=ImportProblem(str(path), number, reason))
                continue
            try:
                mention = row_to_mention(row, fields, default_source=default_source)
            except ValueError as exc:
                yield ParsedLine(number, problem=ImportProblem(str(path), number, str(exc)))
                continue
            if replaced:
                mention.extra["invalid_utf8"] = True
            yield ParsedLine(number, mention=mention, notes=notes)


def iter_csv(
    path: Path, fields: FieldMap, *, default_source: str = "import"
) -> Iterator[ParsedLine]:
    """Parse a CSV file with a header row; line numbers are the file's own.

    Args:
        path: The file.
        fields: The field mapping.
        default_source: Source name for rows that carry none.

    Yields:
        One `ParsedLine` per data row.
    """
    raw = path.read_bytes()
    text, replaced = _decode(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None:
        yield ParsedLine(1, problem=ImportProblem(str(path), 1, "empty CSV: no header row"))
        return
    previous_end = 1
    for row in reader:
        number = previous_end + 1
        previous_end = reader.line_num
        if None in row:
            width = len(reader.fieldnames)
            reason = f"{width + len(row[None])} columns, header has {width}"  # type: ignore[index]
            yield ParsedLine(number, problem=ImportProblem(str(path), number, reason))
            continue
        try:
            mention = row_to_mention(dict(row), fields, default_source=default_source)
        except ValueError as exc:
            yield ParsedLine(number, problem=ImportProblem(str(path), number, str(exc)))
            continue
        if replaced and "\ufffd" in mention.text:
            mention.extra["invalid_utf8"] = True
        yield ParsedLine(number, mention=mention)


def iter_file(
    path: Path, fields: FieldMap, *, fmt: str | None = None, default_source: str = "import"
) -> Iterator[ParsedLine]:
    """Parse a JSONL or CSV file, choosing by `fmt` or the file extension.

    Args:
        path: The file.
        fields: The field mapping.
        fmt: ``"jsonl"`` or ``"csv"``; default from the extension.
        default_source: Source name for rows that carry none.

    Yields:
        One `ParsedLine` per record.

    Raises:
        ValueError: The format is unknown.
        FileNotFoundError: The file does not exist.
    """
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if kind in {"jsonl", "ndjson", "json"}:
        yield from iter_jsonl(path, fields, default_source=default_source)
    elif kind in {"csv", "tsv"}:
        yield from iter_csv(path, fields, default_source=default_source)
    else:
        raise ValueError(f"unknown import format {kind!r}: use jsonl or csv")
