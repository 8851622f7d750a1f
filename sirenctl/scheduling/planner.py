"""Planning: campaigns x matching assets x occurrences -> work orders, as a diff.

Re-planning is idempotent: a work order is identified by (campaign, nominal time, asset).
Only future work orders that have not started (planned, refused, cancelled) are changed or
cancelled; whatever is running, done, missed or issued stays as it is. When a rule's time
of day changes, the same day's work order moves rather than a second one being added.

Additions are kept as groups (one occurrence, many assets) and expanded into rows only in
batches while inserting, so a year for 100,000 assets never holds a million dicts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.i18n import L_, N_
from sirenctl.models import Asset, AssetStatus, Site
from sirenctl.models.scheduling import Approval, WorkOrder, WorkOrderStatus
from sirenctl.progress import Progress, no_progress
from sirenctl.scheduling.campaigns import Campaign
from sirenctl.scheduling.holiday_calendar import OFFICIAL, HolidayCalendar
from sirenctl.scheduling.occurrences import Occurrence, occurrences
from sirenctl.scheduling.policy import ISSUE_AHEAD, is_automatic

REPLANNABLE = (
    WorkOrderStatus.PLANNED.value,
    WorkOrderStatus.REFUSED.value,
    WorkOrderStatus.CANCELLED.value,
)
COMPARED = (
    "task",
    "due_at",
    "act_at",
    "window_end_at",
    "timezone",
    "programme",
    "checklist",
    "audible",
    "provisional",
    "note",
)
BATCH = 20_000


@dataclass(frozen=True)
class AssetRow:
    id: int
    tag: str
    kind: str
    site: str
    transport: str | None


@dataclass
class Group:
    """Work orders of one occurrence that share every column but the asset."""

    common: dict[str, Any]  # every column but asset_id
    asset_ids: list[int]

    def rows(self) -> Iterator[dict[str, Any]]:
        for asset_id in self.asset_ids:
            yield {**self.common, "asset_id": asset_id}


@dataclass
class PlanDiff:
    start: datetime
    end: datetime
    added: list[Group] = field(default_factory=list)
    changed: list[tuple[int, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    cancelled: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    kept: int = 0  # started or past work orders that a re-plan leaves alone
    skipped: list[Occurrence] = field(default_factory=list)
    past: int = 0  # occurrences whose window had closed when planning: never planned
    provisional_years: set[tuple[str, int]] = field(default_factory=set)

    @property
    def added_count(self) -> int:
        return sum(len(g.asset_ids) for g in self.added)

    def added_rows(self) -> Iterator[dict[str, Any]]:
        for group in self.added:
            yield from group.rows()

    @property
    def empty(self) -> bool:
        return not (self.added_count or self.changed or self.cancelled)

    def summary(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "added": self.added_count,
            "changed": len(self.changed),
            "cancelled": len(self.cancelled),
            "unchanged": self.unchanged,
            "kept": self.kept,
            "skipped_occurrences": len(self.skipped),
            "past_occurrences": self.past,
            "provisional_years": sorted(f"{c}:{y}" for c, y in self.provisional_years),
        }

    def grouped(self) -> list[dict[str, Any]]:
        """One line per (change, campaign, due time): what a person reads before confirming."""
        counts: Counter[tuple[str, str, datetime, str]] = Counter()
        for group in self.added:
            c = group.common
            counts[("add", c["campaign"], c["due_at"], c["timezone"])] += len(group.asset_ids)
        for _, row, changes in self.changed:
            what = "change " + ",".join(sorted(changes))
            counts[(what, row["campaign"], row["due_at"], row["timezone"])] += 1
        for row in self.cancelled:
            counts[("cancel", row["campaign"], row["due_at"], row["timezone"])] += 1
        ordered = sorted(counts.items(), key=lambda i: (i[0][2], i[0][1], i[0][0]))
        return [
            {
                "change": change,
                "campaign": campaign,
                "assets": n,
                "due_local": due.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M %Z"),
            }
            for (change, campaign, due, tz), n in ordered
        ]


def load_assets(session: Session) -> list[AssetRow]:
    rows = session.execute(
        select(Asset.id, Asset.tag, Asset.kind, Site.code, Asset.controller_transport)
        .join(Site)
        .where(Asset.status != AssetStatus.RETIRED.value)
        .order_by(Asset.id)
    )
    return [AssetRow(*row) for row in rows]


def desired_groups(
    campaigns: Iterable[Campaign],
    assets: list[AssetRow],
    start: datetime,
    end: datetime,
    calendar: HolidayCalendar,
    programmes_audible: dict[str, bool],
    *,
    planner: str,
    now: datetime,
    diff: PlanDiff,
    progress: Progress = no_progress,
) -> list[Group]:
    """For each occurrence, one group of automatically executed assets and one of manual ones."""
    groups: list[Group] = []
    campaigns = list(campaigns)
    for done, campaign in enumerate(campaigns):
        progress(N_("planning campaigns"), done, len(campaigns))
        if not campaign.enabled:
            continue
        selected = [a for a in assets if campaign.assets.matches(a.kind, a.site, a.tag)]
        auto = [a.id for a in selected if is_automatic(campaign.task, a.kind, a.transport)]
        manual = [a.id for a in selected if not is_automatic(campaign.task, a.kind, a.transport)]
        audible = campaign.is_sounding and programmes_audible.get(campaign.programme or "", False)
        checklist = list(campaign.checklist) or None
        for occ in occurrences(campaign, start, end, calendar, include_skipped=True):
            if occ.provisional:
                diff.provisional_years.add((campaign.holiday_country, occ.due.year))
            if occ.skipped:
                diff.skipped.append(occ)
                continue
            if occ.window_end_utc <= now:
                # Planning after the fact would only create work that is missed on arrival.
                diff.past += 1
                continue
            common = {
                "campaign": campaign.key,
                "task": campaign.task,
                "nominal_at": occ.nominal_utc,
                "due_at": occ.due_utc,
                "window_end_at": occ.window_end_utc,
                "timezone": campaign.timezone,
                "programme": campaign.programme,
                "checklist": checklist,
                "audible": audible,
                "provisional": occ.provisional,
                "note": occ.note or None,
                "status": WorkOrderStatus.PLANNED.value,
                "planned_by": planner,
                "planned_at": now,
                "attempts": 0,
            }
            if auto:
                groups.append(Group({**common, "act_at": occ.due_utc}, auto))
            if manual:
                groups.append(Group({**common, "act_at": occ.due_utc - ISSUE_AHEAD}, manual))
    progress(N_("planning campaigns"), len(campaigns), len(campaigns))
    return groups


def _editable(row: Any, now: datetime) -> bool:
    return row.status in REPLANNABLE and row.due_at > now


def _compare(diff: PlanDiff, row: Any, target: dict[str, Any], now: datetime) -> None:
    if not _editable(row, now):
        diff.kept += 1
        return
    changes = {c: target[c] for c in (*COMPARED, "nominal_at") if getattr(row, c) != target[c]}
    if row.status == WorkOrderStatus.CANCELLED.value:
        changes["status"] = WorkOrderStatus.PLANNED.value
    if changes:
        diff.changed.append((row.id, target, changes))
    else:
        diff.unchanged += 1


def _local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def compute_plan(
    session: Session,
    campaigns: Iterable[Campaign],
    start: datetime,
    end: datetime,
    calendar: HolidayCalendar,
    programmes_audible: dict[str, bool],
    *,
    planner: str,
    now: datetime,
    progress: Progress = no_progress,
) -> PlanDiff:
    """What a plan for ``[start, end)`` would add, change and cancel; writes nothing."""
    diff = PlanDiff(start, end)
    groups = desired_groups(
        campaigns,
        load_assets(session),
        start,
        end,
        calendar,
        programmes_audible,
        planner=planner,
        now=now,
        diff=diff,
        progress=progress,
    )
    columns = [
        WorkOrder.id,
        WorkOrder.campaign,
        WorkOrder.nominal_at,
        WorkOrder.asset_id,
        WorkOrder.status,
        *(getattr(WorkOrder, c) for c in COMPARED),
    ]
    existing: dict[tuple[str, datetime], dict[int, Any]] = {}
    for row in session.execute(
        select(*columns).where(WorkOrder.nominal_at >= start, WorkOrder.nominal_at < end)
    ):
        existing.setdefault((row.campaign, row.nominal_at), {})[row.asset_id] = row
    for group in groups:
        have = existing.get((group.common["campaign"], group.common["nominal_at"]))
        if not have:
            diff.added.append(group)
            continue
        new_ids = []
        for asset_id in group.asset_ids:
            row = have.pop(asset_id, None)
            if row is None:
                new_ids.append(asset_id)
            else:
                _compare(diff, row, {**group.common, "asset_id": asset_id}, now)
        if new_ids:
            diff.added.append(Group(group.common, new_ids))
    orphans = {
        (row.campaign, row.asset_id, _local_day(row.nominal_at, row.timezone)): row
        for rows in existing.values()
        for row in rows.values()
    }
    if orphans:  # a rule's time changed: the same day's work order moves instead of doubling
        added, diff.added = diff.added, []
        for group in added:
            day = _local_day(group.common["nominal_at"], group.common["timezone"])
            keep = []
            for asset_id in group.asset_ids:
                row = orphans.pop((group.common["campaign"], asset_id, day), None)
                if row is None:
                    keep.append(asset_id)
                else:
                    _compare(diff, row, {**group.common, "asset_id": asset_id}, now)
            if keep:
                diff.added.append(Group(group.common, keep))
    for row in orphans.values():
        if _editable(row, now) and row.status != WorkOrderStatus.CANCELLED.value:
            diff.cancelled.append(
                {
                    "id": row.id,
                    "campaign": row.campaign,
                    "due_at": row.due_at,
                    "timezone": row.timezone,
                    "asset_id": row.asset_id,
                }
            )
        else:
            diff.kept += 1
    return diff


def apply_plan(
    session: Session, diff: PlanDiff, *, operator: str, now: datetime,
    progress: Progress = no_progress,
) -> None:  # fmt: skip
    """Write a computed diff: bulk insert, bulk update by id, cancel; one audit event."""
    statement = insert(WorkOrder)
    for done, group in enumerate(diff.added):
        progress(N_("writing work orders"), done, len(diff.added))
        ids, common = group.asset_ids, group.common
        for i in range(0, len(ids), BATCH):
            session.execute(statement, [{**common, "asset_id": a} for a in ids[i : i + BATCH]])
    if diff.changed:
        session.execute(
            update(WorkOrder),
            [
                {"id": wo_id, **changes, "planned_by": operator, "planned_at": now}
                for wo_id, _, changes in diff.changed
            ],
        )
        # an approval was given for the old plan: a changed sounding needs a new one
        retimed = [
            wo_id
            for wo_id, _, changes in diff.changed
            if {"due_at", "programme", "task"} & set(changes)
        ]
        for i in range(0, len(retimed), BATCH):
            session.execute(
                delete(Approval).where(Approval.work_order_id.in_(retimed[i : i + BATCH]))
            )
    cancelled = [row["id"] for row in diff.cancelled]
    for i in range(0, len(cancelled), BATCH):
        session.execute(
            update(WorkOrder)
            .where(WorkOrder.id.in_(cancelled[i : i + BATCH]))
            .values(status=WorkOrderStatus.CANCELLED.value, outcome_note="dropped by re-plan")
        )
    record(
        session,
        operator=operator,
        action="schedule.plan",
        object_type="plan",
        object_ref=f"{diff.start.date()}..{diff.end.date()}",
        after=diff.summary(),
        at=now,
    )


def plan_warnings(
    diff: PlanDiff, calendar: HolidayCalendar, countries: Iterable[str], now: datetime
) -> list[str]:
    """One warning per country whose holidays the plan relies on while still provisional
    (the years the plan touches, and next year): said once, however many work orders."""
    years: dict[str, set[int]] = {}
    for country, year in diff.provisional_years:
        years.setdefault(country, set()).add(year)
    for country in set(countries):
        if calendar.status(country, now.year + 1) != OFFICIAL:
            years.setdefault(country, set()).add(now.year + 1)
    out: list[str] = []
    for country in sorted(years):
        listed = ", ".join(str(y) for y in sorted(years[country]))
        sources = ", ".join(sorted({calendar.year(country, y).source for y in years[country]}))
        out.append(
            L_(
                "holidays of {country} {years} are provisional ({sources}): work orders that "
                "depend on them are flagged; when the official notice is out, enter it with "
                "`sirenctl holidays set YEAR --file FILE` (or `holidays import`) to re-plan them",
                country=country,
                years=listed,
                sources=sources,
            )
        )
    return out


def cancelled_by_asset(session: Session, diff: PlanDiff) -> list[tuple[str, str, list[str]]]:
    """(campaign, due time local, asset tags) of every cancelled work order, for the diff."""
    ids = {row["asset_id"] for row in diff.cancelled}
    tags = (
        {
            asset_id: tag
            for asset_id, tag in session.execute(
                select(Asset.id, Asset.tag).where(Asset.id.in_(ids))
            ).tuples()
        }
        if ids
        else {}
    )
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in diff.cancelled:
        due = row["due_at"].astimezone(ZoneInfo(row["timezone"])).strftime("%Y-%m-%d %H:%M %Z")
        grouped.setdefault((row["campaign"], due), []).append(
            tags.get(row["asset_id"], f"asset #{row['asset_id']}")
        )
    return [
        (c, d, sorted(t)) for (c, d), t in sorted(grouped.items(), key=lambda i: (i[0][1], i[0][0]))
    ]
