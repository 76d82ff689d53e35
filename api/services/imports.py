"""File import: parse a file and feed the one ingest path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from api.services.ingest import Ingestor, IngestReport
from listener.fileimport import FieldMap, ImportProblem, iter_file
from models.types import MentionIn


@dataclass
class ImportResult:
    """What an import read, stored and skipped."""

    lines: int = 0
    report: IngestReport = field(default_factory=IngestReport)
    problems: list[ImportProblem] = field(default_factory=list)


def import_path(
    session: Session,
    workspace_id: int,
    path: Path,
    fields: FieldMap,
    *,
    fmt: str | None = None,
    default_source: str = "import",
    batch_size: int = 500,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a JSONL or CSV file, committing batch by batch.

    A malformed line is recorded as a problem and skipped; everything else goes
    in. Re-importing the same file is a no-op (idempotent by source + id).

    Args:
        session: An open session.
        workspace_id: The target workspace.
        path: The file.
        fields: The field mapping.
        fmt: ``"jsonl"`` or ``"csv"``; default from the extension.
        default_source: Source name for rows that carry none.
        batch_size: Rows per transaction.
        on_progress: Called with the number of records read so far.

    Returns:
        Counts and the skipped lines.
    """
    result = ImportResult()
    ingestor = Ingestor(session, workspace_id)

    def mentions() -> Iterator[MentionIn]:
        for parsed in iter_file(path, fields, fmt=fmt, default_source=default_source):
            result.lines += 1
            if parsed.problem is not None:
                result.problems.append(parsed.problem)
            elif parsed.mention is not None:
                yield parsed.mention
            if on_progress is not None and result.lines % 200 == 0:
                on_progress(result.lines)

    result.report = ingestor.ingest(mentions(), batch_size=batch_size)
    if on_progress is not None:
        on_progress(result.lines)
    return result
