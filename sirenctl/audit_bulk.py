"""Many audit records at once, prepared before the write transaction (issue 12).

:func:`prepare` does the per-record work that needs no lock: normalising and serialising the
``before``/``after`` documents and the canonical JSON (format v1, sirenctl/audit_chain.py) of
every field except the four known only when writing: ``at``, ``db_user``, ``prev_hash`` and
``seq``. :func:`append` then, inside the writing transaction, takes the chain head, fills in
those four, hashes, and inserts everything with one executemany per batch. The hash is the
same :func:`sirenctl.audit_chain.record_hash` of the same fields, so ``audit verify`` cannot
tell these records from any other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any, NamedTuple, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from sirenctl.audit_chain import (
    CHAIN_VERSION,
    canonical_time,
    chain_head,
    normal_value,
    session_db_user,
)
from sirenctl.db_bulk import insert_rows
from sirenctl.models import AuditEvent
from sirenctl.timeutil import utcnow

# json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False), built once
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def _c_encode() -> Any:
    """The C encoder JSONEncoder.encode builds on every call, built once (without the
    circular-reference check: documents come fresh and acyclic from normal_value); None
    unless it gives exactly what JSONEncoder gives on a sample."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    sample = {"b": [1, 2.5, None, True], "a": '东风\n"', "c": {"z": -0.5, "y": "x"}}
    try:
        encode = make(None, _ENCODER.default, encode_basestring, None, ":", ",", True, False, False)
        ok = "".join(encode(sample, 0)) == _ENCODER.encode(sample)
    except TypeError:  # another signature in another Python
        return None
    return encode if ok else None


_C_ENCODE = _c_encode()


def _ENCODE(value: Any) -> str:  # noqa: N802 - used like the constant it replaced
    if _C_ENCODE is None or type(value) is not dict:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


_NULL = b"null"
_AUDIT_TABLE = cast("Table", AuditEvent.__table__)
_KEYS = (
    "operator", "action", "object_type", "object_ref", "outcome", "message",
    "before", "after", "seq", "prev_hash", "hash", "db_user", "at",
)  # fmt: skip
_DOCS = ("before", "after")
_VERSION = str(CHAIN_VERSION).encode()


class PreparedRecord(NamedTuple):
    """An audit record whose place in the chain is not yet known (canonical pieces as UTF-8)."""

    operator: str
    action: str
    object_type: str
    object_ref: str | None
    outcome: str
    message: str | None
    before: bytes  # canonical JSON of the document ("null" for none): stored and hashed
    after: bytes
    at: datetime | None  # None: the time of writing
    head: bytes  # '{"action":…,"after":'
    tail: bytes  # ',"message":…,"outcome":…,"prev_hash":'


def _json(value: Any) -> bytes:
    return _ENCODE(normal_value(value)).encode("utf-8")


def document(value: dict[str, Any] | None) -> bytes:
    """Canonical JSON of a ``before``/``after`` document (what :func:`prepare` takes as is)."""
    return _NULL if value is None else _json(value)


def _text(value: Any) -> bytes:
    """Canonical JSON of a plain string field (what ``json.dumps`` gives for a ``str``)."""
    if value is None:
        return _NULL
    if isinstance(value, str):
        return bytes(encode_basestring(value), "utf-8")
    return _json(value)


_HEADS: dict[str, bytes] = {}  # '{"action":…,"after":' per action
_AROUND_REF: dict[tuple[str | None, str, str, str], tuple[bytes, bytes]] = {}


def _tail(
    message: str | None, ref: str | None, object_type: str, operator: str, outcome: str
) -> bytes:
    key = (message, object_type, operator, outcome)
    around = _AROUND_REF.get(key)
    if around is None:
        if len(_AROUND_REF) > 1000:
            _AROUND_REF.clear()
        around = _AROUND_REF[key] = (
            b',"message":' + _text(message) + b',"object_ref":',
            b',"object_type":' + _text(object_type) + b',"operator":' + _text(operator)
            + b',"outcome":' + _text(outcome) + b',"prev_hash":',
        )  # fmt: skip
    return around[0] + _text(ref) + around[1]


def prepare(
    *,
    operator: str,
    action: str,
    object_type: str,
    object_ref: str | None,
    before: dict[str, Any] | bytes | None = None,
    after: dict[str, Any] | bytes | None = None,
    outcome: str = "ok",
    message: str | None = None,
    at: datetime | None = None,
) -> PreparedRecord:
    """:func:`sirenctl.audit.record`'s arguments, prepared; ``before``/``after`` may already be
    :func:`document` bytes (shared parts of many records are serialised once)."""
    head = _HEADS.get(action)
    if head is None:
        head = _HEADS.setdefault(action, b'{"action":' + _text(action) + b',"after":')
    return PreparedRecord(
        operator, action, object_type, object_ref, outcome, message,
        before if isinstance(before, bytes) else document(before),
        after if isinstance(after, bytes) else document(after),
        at, head, _tail(message, object_ref, object_type, operator, outcome),
    )  # fmt: skip


def append(session: Session, records: Sequence[PreparedRecord], *, batch: int = 5000) -> None:
    """Chain and insert ``records`` in order, in the session's (writing) transaction."""
    if not records:
        return
    session.flush()  # pending ORM events take their places in the chain first
    conn = session.connection()
    head = chain_head(conn, lock=True)
    db_user = session_db_user(conn)
    user_piece = _json(db_user)
    now = utcnow()
    seq, prev = head.seq, head.hash
    for start in range(0, len(records), batch):
        chunk = records[start : start + batch]
        ats = {r.at or now for r in chunk}
        pieces = {at: _json(canonical_time(at)) for at in ats}
        rows: list[tuple[Any, ...]] = []
        for r in chunk:
            at = r.at or now
            seq += 1
            digest = _seal(r, pieces[at], user_piece, prev, seq)
            rows.append(
                (
                    r.operator, r.action, r.object_type, r.object_ref, r.outcome, r.message,
                    r.before.decode(), r.after.decode(), seq, prev, digest, db_user,
                )
            )  # fmt: skip
            prev = digest
        if len(ats) == 1:  # one time for the whole batch (an import): converted once
            const = {"at": ats.pop()}
            insert_rows(conn, _AUDIT_TABLE, _KEYS[:-1], rows, const=const, json_text=_DOCS)
        else:
            rows = [(*row, r.at or now) for row, r in zip(rows, chunk, strict=True)]
            insert_rows(conn, _AUDIT_TABLE, _KEYS, rows, json_text=_DOCS)


def _seal(r: PreparedRecord, at: bytes, db_user: bytes, prev: str, seq: int) -> str:
    """record_hash() of the record at its place: the canonical JSON in sorted key order."""
    parts = (r.head, r.after, b',"at":', at, b',"before":', r.before, b',"db_user":', db_user)
    end = (r.tail, b'"', prev.encode(), b'","seq":', str(seq).encode(), b',"v":', _VERSION, b"}")
    return hashlib.sha256(b"".join((*parts, *end))).hexdigest()
