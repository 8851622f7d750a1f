"""What someone who can write the SQLite file does with a plain SQL tool (sqlite3); and the one
place these tests register bench units (adapt it when bench units need proof of identity)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sirenctl.audit_chain import canonical_time, record_hash

APPEND_ONLY = {
    "audit_event_no_update": "BEFORE UPDATE ON audit_event",
    "audit_event_no_delete": "BEFORE DELETE ON audit_event",
}


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def raw(url: str) -> sqlite3.Connection:
    conn = sqlite3.connect(sqlite_path(url), isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def drop_triggers(conn: sqlite3.Connection) -> list[str]:
    """Drop every trigger on audit_event; returns their SQL, to put them back afterwards."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    ).fetchall()
    for row in rows:
        conn.execute(f"DROP TRIGGER {row['name']}")
    return [row["sql"] for row in rows]


def recreate(conn: sqlite3.Connection, triggers: list[str]) -> None:
    for sql in triggers:
        conn.execute(sql)


def recompute_chain(conn: sqlite3.Connection) -> None:
    """Recompute every record's prev_hash and hash from the current contents (the chain is
    unkeyed: anyone who knows the format can)."""
    import json
    from datetime import datetime

    prev = conn.execute("SELECT genesis FROM audit_chain").fetchone()[0]
    for row in conn.execute("SELECT * FROM audit_event ORDER BY seq").fetchall():
        fields: dict[str, Any] = {
            "seq": row["seq"],
            "prev_hash": prev,
            "at": canonical_time(datetime.fromisoformat(row["at"])),
            "operator": row["operator"],
            "action": row["action"],
            "object_type": row["object_type"],
            "object_ref": row["object_ref"],
            "before": json.loads(row["before"]) if row["before"] else None,
            "after": json.loads(row["after"]) if row["after"] else None,
            "outcome": row["outcome"],
            "message": row["message"],
            "db_user": row["db_user"],
        }
        digest = record_hash(fields)
        conn.execute(
            "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row["id"])
        )
        prev = digest


def register_bench_units(url: str, endpoints: dict[str, dict[str, Any]]) -> None:
    """Register simulated bench units ``{tag: {"host", "port"}}`` at site C01, in one go."""
    from sirenctl.db import Database
    from sirenctl.registry.assets import add_asset
    from sirenctl.registry.sites import add_site
    from sirenctl.simulators.controller import default_serial
    from tests.authority import certify_bench

    db = Database(url)
    try:
        with db.transaction() as session:
            add_site(session, {"code": "C01", "name": "试验台"}, operator="tester")
            for tag, ep in endpoints.items():
                values = {
                    "tag": tag,
                    "site": "C01",
                    "kind": "electronic",
                    "is_bench": True,
                    "controller_transport": "modbus_tcp",
                    "controller_model": "sirenctl-generic",
                    "controller_host": ep["host"],
                    "controller_port": ep["port"],
                    "serial_no": default_serial(tag),  # the simulator's identity block
                }
                add_asset(session, values, operator="tester")
        certify_bench(db, *endpoints)  # an administrator signs the bench registrations
    finally:
        db.dispose()
