"""The annual report prints the audit chain's head as of the end of the reported year."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sirenctl.audit import record
from sirenctl.audit_verify import verify_chain
from sirenctl.reports.annual import compute_report
from sirenctl.reports.render import render_report


def test_report_prints_the_chain_head_at_the_end_of_the_year(db) -> None:
    times = [
        datetime(2026, 9, 18, 4, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 15, 59, tzinfo=UTC),  # 23:59 on 31 December in Shanghai
        datetime(2026, 12, 31, 16, 1, tzinfo=UTC),  # 2027 already, in Shanghai
    ]
    for at in times:
        with db.transaction() as session:
            record(session, operator="李工", action="test", object_type="x", object_ref=None, at=at)
    with db.session() as session:
        head_2026 = (
            session.connection()
            .exec_driver_sql("SELECT hash FROM audit_event WHERE seq = 2")
            .scalar()
        )
        report = compute_report(session, 2026, now=datetime(2027, 3, 1, tzinfo=UTC))
    assert report.audit_head is not None
    assert (report.audit_head.seq, report.audit_head.hash) == (2, head_2026)
    md = render_report(report, "md", "en")
    assert f"seq 2, hash {head_2026}" in md and "as of 2027-01-01 00:00" in md
    assert f"序号 2，哈希 {head_2026}" in render_report(report, "md", "zh")
    data = json.loads(render_report(report, "json", "en"))
    assert data["audit_head"]["seq"] == 2 and data["audit_head"]["hash"] == head_2026
    assert data["audit_head"]["database_id"] == verify_chain(db).database_id
