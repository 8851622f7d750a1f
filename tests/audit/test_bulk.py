"""Records written in bulk (sirenctl/audit_bulk.py, CSV import) hash exactly like record():
the same canonical JSON, so `audit verify` checks them with the one format v1."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from sirenctl.audit import record, record_many
from sirenctl.audit_chain import record_fields, record_hash
from sirenctl.audit_verify import verify_chain
from sirenctl.models import AuditEvent

AWKWARD = [
    {
        "text": 'quote " backslash \\ tab \t newline \n bell \x07',
        "zh": "东风社区1号",
        "emoji": "🚨",
    },
    {
        "whole": 96.0,
        "half": 2.5,
        "big": 123456.789,
        "neg": -0.0,
        "int": 7,
        "flag": True,
        "none": None,
    },
    {"nested": {"b": [1, 2.0, {"z": "ü"}], "a": []}, 3: "int key", "tuple": (1, "x")},
    {},
]


def test_bulk_records_verify_and_hash_like_record(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        record(session, operator="李工", action="test.one", object_type="asset", object_ref="A")
    events = [
        {
            "operator": "王工" if i % 2 else "ops",
            "action": "test.bulk",
            "object_type": "asset" if i % 3 else "fleet",
            "object_ref": f"T{i}" if i % 4 else None,
            "before": AWKWARD[(i + 1) % len(AWKWARD)] if i % 5 else None,
            "after": AWKWARD[i % len(AWKWARD)],
            "outcome": "error" if i == 3 else "ok",
            "message": None if i % 2 else f'第 {i} 条 "引号"',
            "at": datetime(2026, 9, 18, 10, 0, i % 3, 123456, tzinfo=UTC) if i < 6 else None,
        }
        for i in range(12)
    ]
    with db.transaction() as session:
        record_many(session, events, batch=5)  # several batches, with one and several times
        record(session, operator="李工", action="test.two", object_type="asset", object_ref="B")
    with db.session() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [r.seq for r in rows] == list(range(1, 15))
        assert rows[1].after == {"text": AWKWARD[0]["text"], "zh": "东风社区1号", "emoji": "🚨"}
        assert rows[2].after["whole"] == 96 and rows[2].after["half"] == 2.5
        for row in rows:
            assert row.hash == record_hash(record_fields(row)), row.seq
    report = verify_chain(db)
    assert report.fault is None and report.records == 14
