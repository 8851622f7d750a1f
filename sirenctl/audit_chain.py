"""The audit log's hash chain: the canonical form of a record, its hash, and the chain head.

Format v1 (never change it: every stored chain is verified with it). Record ``n`` stores
``prev_hash`` (the hash of record ``n-1``; for ``seq`` 1 the database's genesis hash) and
``hash = SHA-256(canonical JSON of every field but id)``. Canonical JSON: sorted keys, no spaces,
UTF-8, no NaN, integral floats written as integers (PostgreSQL's JSONB returns ``1.0`` as
``1``), timestamps as ISO 8601 UTC with microseconds. ``id`` is not hashed (the database
assigns it at insert); :mod:`sirenctl.audit_verify` checks that ids rise with ``seq``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from sirenctl.timeutil import ensure_utc

CHAIN_VERSION = 1
#: PostgreSQL transaction-level advisory lock serialising chain appends (also taken by the
#: insert trigger of migration 0006, so raw SQL inserts queue behind sirenctl's own)
PG_CHAIN_LOCK = 0x5172_0006

#: the fields of a record that the hash covers, in the order ``verify`` names them
HASHED_FIELDS = (
    "seq",
    "prev_hash",
    "at",
    "operator",
    "action",
    "object_type",
    "object_ref",
    "before",
    "after",
    "outcome",
    "message",
    "db_user",
)

_EXACT_FLOAT = 2**53
_PLAIN = frozenset({str, int, bool, type(None)})  # JSON as they are (exact types, not subclasses)


def _normal(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < _EXACT_FLOAT else value
    if kind is dict:
        return _normal_dict(value)
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_FLOAT:
            return int(value)
        return value
    if isinstance(value, dict):
        return _normal_dict(value)
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    raise TypeError(f"audit value of type {type(value).__name__} is not JSON")


def _normal_dict(value: dict[Any, Any]) -> dict[str, Any]:
    # plain str/int/bool/None values (most of an audit record) and floats are handled without
    # a call each: the CSV import of 100,000 assets writes 100,000 of these documents
    return {
        k if type(k) is str else str(k): v
        if type(v) in _PLAIN
        else (int(v) if v.is_integer() and -_EXACT_FLOAT < v < _EXACT_FLOAT else v)
        if type(v) is float
        else _normal(v)
        for k, v in value.items()
    }


#: a value as it reads back from a JSON column (what the canonical JSON is made of)
normal_value = _normal


def canonical_json(value: Any) -> str:
    return json.dumps(
        _normal(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def json_document(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """``value`` as it will read back from the database (what the hash must cover)."""
    if value is None:
        return None
    # _normal already gives what a JSON round trip would (str keys, lists, integral floats as
    # ints); NaN and infinities are refused when the record is hashed (allow_nan=False).
    normal: dict[str, Any] = _normal(value)
    return normal


def canonical_time(at: datetime) -> str:
    return ensure_utc(at).isoformat(timespec="microseconds")


def record_fields(row: Any) -> dict[str, Any]:
    """The hashed fields of an ``AuditEvent`` or of a row with the same attribute names."""
    fields = {name: getattr(row, name) for name in HASHED_FIELDS}
    fields["at"] = canonical_time(fields["at"])
    return fields


def record_hash(fields: dict[str, Any]) -> str:
    doc = {"v": CHAIN_VERSION, **fields}
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def genesis_hash(database_id: str) -> str:
    """``prev_hash`` of the first record: binds the chain to one database."""
    return hashlib.sha256(f"sirenctl-audit-chain-v1:{database_id}".encode()).hexdigest()


def new_database_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class ChainHead:
    """The newest record of the chain (``seq`` 0 and the genesis hash when it is empty)."""

    database_id: str
    genesis: str
    seq: int
    hash: str
    at: datetime | None
    record_id: int | None


def chain_head(conn: Connection, *, lock: bool = False) -> ChainHead:
    """The head; with ``lock`` (a writer, PostgreSQL) first take the chain's append lock."""
    if lock and conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_CHAIN_LOCK})
    database_id, genesis = conn.execute(
        text("SELECT database_id, genesis FROM audit_chain WHERE id = 1")
    ).one()
    row = conn.execute(
        text(
            "SELECT seq, hash, at, id FROM audit_event WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
        )
    ).first()
    if row is None:
        return ChainHead(database_id, genesis, 0, genesis, None, None)
    at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
    return ChainHead(database_id, genesis, int(row.seq), str(row.hash), ensure_utc(at), int(row.id))


def session_db_user(conn: Connection) -> str | None:
    """Who the database says we are (PostgreSQL ``session_user``); ``None`` on SQLite."""
    if conn.dialect.name != "postgresql":
        return None
    user: str = conn.execute(text("SELECT session_user")).scalar_one()
    return user


def head_as_of(conn: Connection, until: datetime) -> ChainHead:
    """The chain's head as it stood at ``until``: its newest record written before then
    (printed in the annual report: a later rewrite of that year's history changes it)."""
    database_id, genesis = conn.execute(
        text("SELECT database_id, genesis FROM audit_chain WHERE id = 1")
    ).one()
    bound = ensure_utc(until)
    row = conn.execute(
        text(
            "SELECT seq, hash, at, id FROM audit_event WHERE seq IS NOT NULL AND at < :until "
            "ORDER BY seq DESC LIMIT 1"
        ),
        {"until": bound.replace(tzinfo=None) if conn.dialect.name == "sqlite" else bound},
    ).first()
    if row is None:
        return ChainHead(database_id, genesis, 0, genesis, None, None)
    at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
    return ChainHead(database_id, genesis, int(row.seq), str(row.hash), ensure_utc(at), int(row.id))
