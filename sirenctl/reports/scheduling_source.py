"""Read work orders and test results (the scheduling tables) as report facts.

Mapping: ``done`` -> done and passed; ``failed`` -> done, not passed; ``unknown`` (a sounding
whose outcome is unknown) -> done, not passed (nobody can say it sounded); ``missed`` -> missed;
``cancelled`` -> left out; any other status is missed once its window has closed, else pending.
Orders on bench units are not field work and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.models import Asset
from sirenctl.models.scheduling import TestResult, WorkOrder, WorkOrderStatus
from sirenctl.reports.facts import OrderFact

S = WorkOrderStatus


@cache
def campaign_titles() -> dict[str, str]:
    """Titles of the shipped campaigns (best effort: a user's own campaign shows its key)."""
    try:
        from sirenctl.scheduling.library import load_library

        return {key: c.title for key, c in load_library().campaigns.items()}
    except Exception:  # a broken schedule file must not stop the annual report
        return {}


def _state(order: WorkOrder, now: datetime) -> tuple[str, bool | None] | None:
    status = order.status
    if status == S.CANCELLED:
        return None
    if status == S.DONE:
        return "done", True
    if status in (S.FAILED, S.UNKNOWN):
        return "done", False
    if status == S.MISSED or order.window_end_at < now:
        return "missed", None
    return "pending", None


def order_facts(
    session: Session, start: datetime, end: datetime, now: datetime | None = None
) -> list[OrderFact]:
    from sirenctl.timeutil import utcnow

    now = now or utcnow()
    orders = list(
        session.scalars(
            select(WorkOrder)
            .join(WorkOrder.asset)
            .where(WorkOrder.due_at >= start, WorkOrder.due_at < end, Asset.is_bench.is_(False))
            .order_by(WorkOrder.id)
        )
    )
    results: dict[int, list[int]] = defaultdict(list)
    if orders:
        rows = session.execute(
            select(TestResult.work_order_id, TestResult.id)
            .where(TestResult.work_order_id.in_([o.id for o in orders]))
            .order_by(TestResult.id)
        )
        for order_id, result_id in rows:
            if order_id is not None:  # the IN clause already excludes NULL
                results[order_id].append(result_id)
    titles = campaign_titles()
    facts = []
    for order in orders:
        state = _state(order, now)
        if state is None:
            continue
        facts.append(
            OrderFact(
                ref=f"work_order:{order.id}",
                task=order.task,
                campaign=order.campaign,
                title=titles.get(order.campaign, order.campaign),
                due_at=order.due_at,
                asset_id=order.asset_id,
                state=state[0],
                passed=state[1],
                result_refs=tuple(f"test_result:{i}" for i in results[order.id]),
            )
        )
    return facts
