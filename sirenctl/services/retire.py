"""Retiring an asset: the registry change and its open work dropped in one transaction.

An asset that is retired must not keep appearing in the agenda or be claimed by run-due (the
claim would only cancel it then, sirenctl/scheduling/claims.py); so retiring cancels the
asset's planned and refused work orders at once and says how many.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.models import Asset
from sirenctl.models.scheduling import OPEN_STATUSES, WorkOrder, WorkOrderStatus
from sirenctl.registry.assets import retire_asset as registry_retire

RETIRED_NOTE = "asset retired"


@dataclass(frozen=True)
class Retired:
    asset: Asset
    cancelled_orders: list[int]


def retire_asset(session: Session, tag: str, *, operator: str, reason: str | None) -> Retired:
    asset = registry_retire(session, tag, operator=operator, reason=reason)
    open_ids = list(
        session.scalars(
            select(WorkOrder.id)
            .where(WorkOrder.asset_id == asset.id)
            .where(WorkOrder.status.in_([s.value for s in OPEN_STATUSES]))
            .order_by(WorkOrder.id)
        )
    )
    if open_ids:
        session.execute(
            update(WorkOrder)
            .where(WorkOrder.id.in_(open_ids))
            .values(status=WorkOrderStatus.CANCELLED.value, outcome_note=RETIRED_NOTE)
        )
        record(
            session,
            operator=operator,
            action="workorder.cancel",
            object_type="asset",
            object_ref=tag,
            after={"work_orders": open_ids, "status": WorkOrderStatus.CANCELLED.value},
            message=RETIRED_NOTE,
        )
    return Retired(asset, open_ids)
