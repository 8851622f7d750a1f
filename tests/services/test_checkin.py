"""Check-in, as the CLI and the TUI both do it (sirenctl/services/checkin.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from sirenctl.models.findings import Finding
from sirenctl.models.scheduling import TestResult, WorkOrder
from sirenctl.registry.assets import get_asset
from sirenctl.registry.errors import Conflict, NotFound, ValidationFailed
from sirenctl.services.checkin import CheckIn, check_in
from tests.findings.conftest import NOW
from tests.services.helpers import technician

CHECKLIST = ["crank turns freely", "mounting and bolts secure", "sound heard at 100 m"]


def _order(db, tag: str = "HC-C01", status: str = "issued") -> int:
    with db.transaction() as s:
        order = WorkOrder(
            campaign="cn-handcrank-monthly-check",
            task="manual_check",
            asset_id=get_asset(s, tag).id,
            nominal_at=NOW,
            due_at=NOW,
            act_at=NOW,
            window_end_at=NOW + timedelta(days=7),
            timezone="Asia/Shanghai",
            status=status,
            planned_by="planner",
            checklist=CHECKLIST,
        )
        s.add(order)
        s.flush()
        return order.id


def _counts(db) -> tuple[int, int]:
    with db.session() as s:
        return s.scalar(select(func.count(TestResult.id))), s.scalar(select(func.count(Finding.id)))


def test_named_and_found_work_order_are_answered_alike(sdb) -> None:
    first, second = _order(sdb, "HC-C01"), _order(sdb, "HC-C02")
    answers = {"1": "ok", "2": "fail", "3": "ok"}
    named = check_in(
        sdb, technician(), "HC-C01", CheckIn(dict(answers)), work_order_id=first, now=NOW
    )
    found = check_in(sdb, technician(), "HC-C02", CheckIn(dict(answers)), now=NOW)
    assert (named.work_order_id, found.work_order_id) == (first, second)
    assert (named.outcome, named.work_order_status) == ("fail", "failed")
    assert (found.outcome, found.work_order_status) == ("fail", "failed")
    assert _counts(sdb) == (2, 2)  # two results, a finding each


@pytest.mark.parametrize("named", [True, False], ids=["named-order", "found-order"])
def test_an_unanswered_item_is_refused_alike_and_nothing_is_written(sdb, named) -> None:
    order = _order(sdb)
    with pytest.raises(ValidationFailed) as refused:
        check_in(
            sdb,
            technician(),
            "HC-C01",
            CheckIn({"1": "ok", "2": "ok"}),
            work_order_id=order if named else None,
            now=NOW,
        )
    assert "unanswered: 3. sound heard at 100 m" in str(refused.value.problems[0])
    assert _counts(sdb) == (0, 0)


def test_without_any_open_order_a_blank_answer_is_refused_too(sdb) -> None:
    with pytest.raises(ValidationFailed, match="no answer for 'rotor'"):
        check_in(sdb, technician(), "HC-C01", CheckIn({"rotor": " "}), now=NOW)
    assert _counts(sdb) == (0, 0)


def test_a_done_work_order_is_never_checked_in_again(sdb) -> None:
    order = _order(sdb)
    check_in(sdb, technician(), "HC-C01", CheckIn({"1": "ok", "2": "ok", "3": "ok"}), now=NOW)
    with pytest.raises(Conflict, match=f"work order {order} is already done"):
        check_in(
            sdb,
            technician(),
            "HC-C01",
            CheckIn({"1": "fail", "2": "ok", "3": "ok"}),
            work_order_id=order,
            now=NOW,
        )
    with sdb.session() as s:
        assert s.get(WorkOrder, order).status == "done"
    assert _counts(sdb) == (1, 0)


def test_another_assets_work_order_is_not_found(sdb) -> None:
    order = _order(sdb, "HC-C02")
    with pytest.raises(NotFound, match=f"no work order {order} for asset HC-C01"):
        check_in(sdb, technician(), "HC-C01", CheckIn({"1": "ok"}), work_order_id=order, now=NOW)


def test_cli_refuses_a_done_order_with_exit_5(sqlite_cli, sqlite_url) -> None:
    from sirenctl.db import Database
    from tests.findings.conftest import seed_registry

    db = Database(sqlite_url)
    seed_registry(db)
    order = _order(db)
    ok = sqlite_cli("checkin", "HC-C01", "--work-order", str(order), *_all_ok())
    assert ok.exit_code == 0, ok.output
    again = sqlite_cli("checkin", "HC-C01", "--work-order", str(order), "--check", "1=fail")
    assert again.exit_code == 5, again.output
    assert f"work order {order} is already done" in again.stderr
    with db.session() as s:
        assert s.get(WorkOrder, order).status == "done"
    db.dispose()


def _all_ok() -> list[str]:
    return [arg for i in (1, 2, 3) for arg in ("--check", f"{i}=ok")]
