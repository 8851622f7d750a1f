"""Check in at a siren: one use case for ``sirenctl checkin`` and the TUI's check-in form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sirenctl.db import Database
from sirenctl.i18n import L_
from sirenctl.identity import Actor
from sirenctl.scheduling.results import CheckIn  # the report: answers, sound heard, level, notes


@dataclass(frozen=True)
class CheckInResult:
    result_id: int
    outcome: str  # sirenctl.models.scheduling.ResultOutcome value
    work_order_id: int | None  # the work order it closed, None when there was none open
    work_order_status: str | None  # done or failed

    @property
    def passed(self) -> bool:
        return self.outcome == "pass"


def check_in(
    db: Database,
    actor: Actor,
    tag: str,
    report: CheckIn,
    *,
    work_order_id: int | None = None,
    started_at: datetime | None = None,
    now: datetime,
) -> CheckInResult:
    """Record ``report`` at asset ``tag``; closes its work order as done or failed.

    With ``work_order_id`` that order is answered, and it must belong to ``tag`` and still be
    open (NotFound / Conflict otherwise: a done order is never flipped to failed). Without one,
    the earliest open order due within a week is answered, if any. Either way the answers are
    validated by the same rule (sirenctl.scheduling.results.check_in) and nothing is written
    when one is wrong (ValidationFailed). A failed check raises a finding (the failed-result
    hook, sirenctl/services/wiring.py).
    """
    from sirenctl.models.scheduling import WorkOrder
    from sirenctl.registry.assets import get_asset
    from sirenctl.registry.errors import Conflict, NotFound
    from sirenctl.scheduling import results

    with db.transaction() as session:
        asset = get_asset(session, tag)
        if work_order_id is not None:
            order = session.get(WorkOrder, work_order_id, with_for_update=True)
            if order is None or order.asset_id != asset.id:
                raise NotFound(
                    L_(
                        "no work order {work_order_id} for asset {tag}",
                        work_order_id=work_order_id,
                        tag=tag,
                    )
                )
            if order.status not in results.MANUAL_TASKS_OPEN:
                raise Conflict(
                    L_(
                        "work order {work_order_id} is already {status}; nothing was recorded",
                        work_order_id=work_order_id,
                        status=order.status,
                    )
                )
        else:
            order = results.open_manual_order(session, asset, now)
        result = results.check_in(
            session,
            asset,
            report,
            operator=actor.label,
            work_order=order,
            started_at=started_at,
            now=now,
        )
        return CheckInResult(
            result.id, result.outcome, order.id if order else None, order.status if order else None
        )


__all__ = ["CheckIn", "CheckInResult", "check_in"]
