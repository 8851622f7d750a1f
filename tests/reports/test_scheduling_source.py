"""The report reads real work orders and test results (the scheduling tables)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sirenctl.models.scheduling import TestResult, WorkOrder
from sirenctl.registry.assets import add_asset
from sirenctl.registry.sites import add_site
from sirenctl.reports.annual import compute_report
from sirenctl.reports.scheduling_source import order_facts

DUE = datetime(2025, 9, 18, 4, 0, tzinfo=UTC)  # 12:00 Shanghai
NOW = datetime(2025, 9, 30, tzinfo=UTC)


def _order(
    asset_id: int,
    status: str,
    *,
    task: str = "trial_sounding",
    due: datetime = DUE,
    campaign: str = "cn-918-trial-sounding",
    window: timedelta = timedelta(minutes=2),
) -> WorkOrder:
    return WorkOrder(
        campaign=campaign,
        task=task,
        asset_id=asset_id,
        nominal_at=due,
        due_at=due,
        act_at=due,
        window_end_at=due + window,
        timezone="Asia/Shanghai",
        status=status,
        planned_by="test",
    )


def test_work_orders_become_report_figures(rdb) -> None:
    with rdb.transaction() as s:
        add_site(s, {"code": "C01", "name": "东风社区"}, operator="t")
        ids = [
            add_asset(s, {"tag": f"HC-{i}", "site": "C01", "kind": "hand_crank"}, operator="t").id
            for i in range(7)
        ]
        bench = add_asset(
            s, {"tag": "BENCH", "site": "C01", "kind": "electronic", "is_bench": True}, operator="t"
        ).id
        orders = [
            _order(ids[0], "done"),
            _order(ids[1], "failed"),
            _order(ids[2], "unknown"),
            _order(ids[3], "missed"),
            _order(ids[4], "issued"),  # window closed: missed
            _order(ids[5], "cancelled"),
            _order(
                ids[6],
                "issued",
                task="manual_check",
                due=NOW - timedelta(days=1),
                campaign="cn-handcrank-monthly-check",
                window=timedelta(days=7),
            ),
            _order(
                ids[6],
                "done",
                task="manual_check",
                due=DUE,
                campaign="cn-handcrank-monthly-check",
                window=timedelta(days=7),
            ),
            _order(bench, "failed"),
        ]  # a bench run is not field work
        s.add_all(orders)
        s.flush()
        for order, outcome in (
            (orders[0], "pass"),
            (orders[1], "failed_to_sound"),
            (orders[7], "pass"),
        ):
            s.add(
                TestResult(
                    work_order_id=order.id,
                    asset_id=order.asset_id,
                    kind=order.task,
                    outcome=outcome,
                    started_at=DUE,
                    finished_at=DUE,
                    duration_s=1.0,
                    operator="t",
                )
            )
    with rdb.session() as s:
        facts = order_facts(s, DUE - timedelta(days=300), DUE + timedelta(days=60), NOW)
        assert [(f.state, f.passed) for f in facts] == [
            ("done", True),
            ("done", False),
            ("done", False),
            ("missed", None),
            ("missed", None),
            ("pending", None),
            ("done", True),
        ]
        assert facts[0].title == "9·18 national air-defence trial sounding"
        assert facts[0].rows == ("work_order:1", "test_result:1")
        report = compute_report(s, 2025, now=NOW)
    key = "trials.cn-918-trial-sounding.2025-09-18T1200"
    assert [report.figure(f"{key}.{m}").value for m in ("planned", "sounded", "failed")] == [
        5,
        1,
        4,
    ]
    assert report.figure(f"{key}.rate").value == 0.2
    assert report.figure(f"{key}.sounded").rows == ("work_order:1", "test_result:1")
    assert [report.figure(f"checks.{m}").value for m in ("planned", "done", "pending")] == [2, 1, 1]
