"""Recording a community drill completes that month's planned drill work orders at the site."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.scheduling.conftest import plan, seed_county, work_orders

DRILL = """title = "monthly community drill"
task = "drill"
window = "1d"
[assets]
kinds = ["hand_crank"]
[when]
rule = "last_weekday"
weekday = "fri"
time = "15:00"
"""


def test_drill_closes_the_months_drill_order_at_that_site(db, tmp_path) -> None:
    sdb = db
    from sirenctl.findings.drills import add_drill
    from tests.scheduling.conftest import write_campaign

    seed_county(sdb)
    write_campaign(tmp_path, "drill", DRILL)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    plan(sdb, tmp_path, now, datetime(2026, 4, 1, tzinfo=UTC), now=now)
    before = work_orders(sdb, task="drill")
    assert len(before) == 9  # 3 communities x 3 months
    with sdb.transaction() as s:
        add_drill(
            s,
            operator="李工",
            site="C02",
            held_on=date(2026, 2, 26),
            participants=120,
            now=datetime(2026, 2, 27, 2, 0, tzinfo=UTC),
        )
    done = [o for o in work_orders(sdb, task="drill") if o.status == "done"]
    assert len(done) == 1
    with sdb.session() as s:
        from sirenctl.models import Asset

        assert s.get(Asset, done[0].asset_id).tag == "HC-C02"
    assert done[0].due_at.month == 2 and "drill #" in (done[0].outcome_note or "")
