"""Notice numbers: office prefix + year + sequence, e.g. ``ZG-2025-007``.

The counter lives in ``notice_sequence`` and is incremented with one ``UPDATE … RETURNING`` inside
the caller's write transaction: SQLite serialises writers (``BEGIN IMMEDIATE``), PostgreSQL holds
the row lock until commit, so two concurrent issuers can never draw the same number. A rolled-back
transaction rolls its increment back too; a committed number is never handed out again.
"""

from __future__ import annotations

import re

from sqlalchemy import Executable, update
from sqlalchemy.orm import Session

from sirenctl.i18n import L_
from sirenctl.models.findings import NoticeSequence
from sirenctl.registry.errors import FieldProblem, ValidationFailed

DEFAULT_PREFIX = "ZG"  # 整改
_PREFIX_RE = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff]+(?:-[0-9A-Za-z\u4e00-\u9fff]+)*$")


def check_prefix(prefix: str) -> str:
    prefix = prefix.strip()
    if not prefix or len(prefix) > 20 or not _PREFIX_RE.match(prefix):
        raise ValidationFailed(
            [
                FieldProblem(
                    "prefix",
                    L_("use 1-20 letters, digits or Chinese characters (hyphens between)"),
                    None,
                    prefix,
                )
            ]
        )
    return prefix


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:03d}"


def _insert_if_missing(session: Session, prefix: str, year: int) -> None:
    values = {"prefix": prefix, "year": year, "last_seq": 0}
    stmt: Executable
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(NoticeSequence).values(values).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(NoticeSequence).values(values).on_conflict_do_nothing()
    session.execute(stmt)


def next_sequence(session: Session, prefix: str, year: int) -> int:
    """Draw the next sequence number for ``prefix`` and ``year`` (call inside a write transaction)."""
    _insert_if_missing(session, prefix, year)
    stmt = (
        update(NoticeSequence)
        .where(NoticeSequence.prefix == prefix, NoticeSequence.year == year)
        .values(last_seq=NoticeSequence.last_seq + 1)
        .returning(NoticeSequence.last_seq)
    )
    return int(session.execute(stmt).scalar_one())
