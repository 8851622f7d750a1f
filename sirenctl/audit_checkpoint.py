"""Checkpoints of the audit chain: a small file kept outside the database.

Someone who can write the database file (SQLite) can drop the triggers, edit a record and
recompute the whole unkeyed chain; it then verifies on its own. A checkpoint taken earlier and
kept elsewhere (another machine, a printed annual report, write-once media) still has the old
head hash, so verifying against it detects the rewrite, and its per-record marks (the first 8
hex digits of every record's hash up to its head) name the first rewritten record. Records
missing at the end (truncation) are detected by the head ``seq``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sirenctl.i18n import L_
from sirenctl.timeutil import ensure_utc, utcnow

FORMAT = "sirenctl-audit-checkpoint"
VERSION = 1
MARK_LEN = 8


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read (the message names the file and field)."""


@dataclass(frozen=True)
class Checkpoint:
    database_id: str
    seq: int
    hash: str
    record_id: int | None
    record_at: datetime | None
    taken_at: datetime
    marks: str  # MARK_LEN hex digits per record, seq 1 first

    def mark(self, seq: int) -> str | None:
        start = (seq - 1) * MARK_LEN
        part = self.marks[start : start + MARK_LEN]
        return part or None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "database_id": self.database_id,
            "seq": self.seq,
            "hash": self.hash,
            "record_id": self.record_id,
            "record_at": self.record_at.isoformat() if self.record_at else None,
            "taken_at": self.taken_at.isoformat(),
            "marks": self.marks,
        }

    @property
    def label(self) -> str:
        return f"seq {self.seq}, hash {self.hash[:16]}…, taken {self.taken_at:%Y-%m-%d %H:%M} UTC"


def make_checkpoint(
    database_id: str,
    seq: int,
    hash_: str,
    record_id: int | None,
    record_at: datetime | None,
    hashes: list[str],
    *,
    taken_at: datetime | None = None,
) -> Checkpoint:
    return Checkpoint(
        database_id,
        seq,
        hash_,
        record_id,
        record_at,
        ensure_utc(taken_at or utcnow()),
        "".join(h[:MARK_LEN] for h in hashes),
    )


def write_checkpoint(checkpoint: Checkpoint, path: Path) -> None:
    """Write atomically (a crash never leaves half a checkpoint)."""
    text = json.dumps(checkpoint.to_dict(), indent=1, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(checkpoint: Checkpoint) -> str:
    return json.dumps(checkpoint.to_dict(), indent=1, ensure_ascii=False)


def read_checkpoint(path: Path) -> Checkpoint:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CheckpointError(
            L_("{path}: cannot read the checkpoint: {strerror}", path=path, strerror=exc.strerror)
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(
            L_("{path}: not a checkpoint file (not JSON: {exc})", path=path, exc=exc)
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CheckpointError(
            L_("{path}: not a sirenctl audit checkpoint (field format)", path=path)
        )
    if doc.get("version") != VERSION:
        raise CheckpointError(
            "{path}: checkpoint version {version!r} is not supported (field version)".format(
                path=path, version=doc.get("version")
            )
        )
    seq = _field(doc, path, "seq", lambda v: isinstance(v, int) and v >= 0)
    hash_ = _field(doc, path, "hash", lambda v: isinstance(v, str) and len(v) == 64)
    marks = _field(doc, path, "marks", lambda v: isinstance(v, str) and len(v) == seq * MARK_LEN)
    database_id = _field(doc, path, "database_id", lambda v: isinstance(v, str) and bool(v))
    taken_at = _time(doc, path, "taken_at")
    record_id = doc.get("record_id")
    return Checkpoint(
        database_id,
        seq,
        hash_,
        record_id if isinstance(record_id, int) else None,
        _time(doc, path, "record_at") if doc.get("record_at") else None,
        taken_at,
        marks,
    )


def _field(doc: dict[str, Any], path: Path, name: str, valid: Callable[[Any], bool]) -> Any:
    if name not in doc:
        raise CheckpointError(L_("{path}: field {name} is missing", path=path, name=name))
    if not valid(doc[name]):
        raise CheckpointError(L_("{path}: field {name} is not valid", path=path, name=name))
    return doc[name]


def _time(doc: dict[str, Any], path: Path, name: str) -> datetime:
    value = _field(doc, path, name, lambda v: isinstance(v, str))
    try:
        return ensure_utc(datetime.fromisoformat(value))
    except ValueError:
        raise CheckpointError(
            L_("{path}: field {name} is not an ISO 8601 time", path=path, name=name)
        ) from None
