"""Report sections about the year's work: trial soundings, checks, findings, notices, drills."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from sirenctl.findings.notice_queries import closed_on_time, is_overdue
from sirenctl.models.findings import (
    Finding,
    FindingCategory,
    OutreachEvent,
    OutreachKind,
    RectificationNotice,
    Severity,
)
from sirenctl.reports.facts import CHECK_TASKS, TRIAL_TASKS, OrderFact
from sirenctl.reports.figures import Figure, counted, rate, refs
from sirenctl.reports.model import Period, Section


def trials_section(orders: list[OrderFact], period: Period, timezone: str) -> Section:
    section = Section("trials")
    groups: dict[tuple[str, datetime], list[OrderFact]] = defaultdict(list)
    for order in orders:
        if order.task in TRIAL_TASKS:
            groups[(order.campaign, order.due_at)].append(order)
    rows = []
    totals: dict[str, list[OrderFact]] = {"planned": [], "sounded": []}
    zone = ZoneInfo(timezone)
    for (campaign, due), group in sorted(groups.items(), key=lambda kv: kv[0][1]):
        key = f"trials.{campaign}.{due.astimezone(zone):%Y-%m-%dT%H%M}"
        sounded = [o for o in group if o.state == "done" and o.passed]
        due_yet = due <= period.now
        failed = [o for o in group if o not in sounded] if due_yet else []
        name = f"{due.astimezone(zone):%Y-%m-%d %H:%M} {group[0].title}"
        rows.append(
            [
                Figure(f"{key}.planned", len(group), _rows(group), params={"name": name}),
                Figure(f"{key}.sounded", len(sounded), _rows(sounded)),
                Figure(f"{key}.failed", len(failed) if due_yet else None, _rows(failed)),
                Figure(
                    f"{key}.rate",
                    rate(len(sounded), len(group)) if due_yet else None,
                    _rows(group),
                    ratio=True,
                ),
            ]
        )
        if due_yet:
            totals["planned"] += group
            totals["sounded"] += sounded
    section.tables["by_sounding"] = rows
    planned, sounded = totals["planned"], totals["sounded"]
    section.add(
        Figure("trials.planned", len(planned), _rows(planned), label_key="col.planned"),
        Figure("trials.sounded", len(sounded), _rows(sounded), label_key="col.sounded"),
        Figure(
            "trials.failed",
            len(planned) - len(sounded),
            _rows([o for o in planned if o not in sounded]),
            label_key="col.failed",
        ),
        Figure(
            "trials.rate",
            rate(len(sounded), len(planned)),
            _rows(planned),
            label_key="col.sound_rate",
            ratio=True,
        ),
    )
    return section


def _rows(orders: list[OrderFact]) -> tuple[str, ...]:
    return tuple(r for o in orders for r in o.rows)


def checks_section(orders: list[OrderFact], timezone: str) -> Section:
    section = Section("checks")
    checks = [o for o in orders if o.task in CHECK_TASKS]
    zone = ZoneInfo(timezone)
    by_state: dict[str, list[OrderFact]] = {
        s: [o for o in checks if o.state == s] for s in ("done", "missed", "pending")
    }
    section.add(
        Figure("checks.planned", len(checks), _rows(checks), label_key="col.planned"),
        Figure("checks.done", len(by_state["done"]), _rows(by_state["done"]), label_key="col.done"),
        Figure(
            "checks.missed",
            len(by_state["missed"]),
            _rows(by_state["missed"]),
            label_key="col.missed",
        ),
        Figure(
            "checks.pending",
            len(by_state["pending"]),
            _rows(by_state["pending"]),
            label_key="col.pending",
        ),
        Figure(
            "checks.rate",
            rate(len(by_state["done"]), len(checks) - len(by_state["pending"])),
            _rows(checks),
            label_key="col.done_rate",
            ratio=True,
        ),
    )
    months = []
    for month in range(1, 13):
        planned = [o for o in checks if o.due_at.astimezone(zone).month == month]
        done = [o for o in planned if o.state == "done"]
        missed = [o for o in planned if o.state == "missed"]
        months.append(
            [
                Figure(
                    f"checks.month.{month:02d}.planned",
                    len(planned),
                    _rows(planned),
                    params={"month": month},
                ),
                Figure(f"checks.month.{month:02d}.done", len(done), _rows(done)),
                Figure(f"checks.month.{month:02d}.missed", len(missed), _rows(missed)),
            ]
        )
    section.tables["by_month"] = months
    return section


def findings_section(session: Session, period: Period) -> Section:
    section = Section("findings")
    found = list(
        session.scalars(
            select(Finding)
            .where(Finding.found_at >= period.start, Finding.found_at < period.end)
            .order_by(Finding.id)
        )
    )
    section.add(
        Figure(
            "findings.total",
            len(found),
            refs("finding", [f.id for f in found]),
            label_key="col.total",
        )
    )
    rows = []
    for category in FindingCategory:
        ids = [f.id for f in found if f.category == category]
        row = [
            Figure(
                f"findings.category.{category.value}",
                len(ids),
                refs("finding", ids),
                term_value=category.value,
            )
        ]
        for severity in Severity:
            sev_ids = [f.id for f in found if f.category == category and f.severity == severity]
            row.append(
                Figure(
                    f"findings.category.{category.value}.{severity.value}",
                    len(sev_ids),
                    refs("finding", sev_ids),
                    term_value=severity.value,
                )
            )
        rows.append(row)
    section.tables["by_category"] = rows
    severities = Counter(f.severity for f in found)
    section.add(
        *[
            Figure(
                f"findings.severity.{s.value}",
                severities[s.value],
                refs("finding", [f.id for f in found if f.severity == s]),
                term_value=s.value,
            )
            for s in Severity
        ]
    )
    return section


def notices_section(session: Session, year: int, period: Period) -> Section:
    section = Section("notices")
    notices = list(
        session.scalars(
            select(RectificationNotice)
            .options(
                joinedload(RectificationNotice.site), selectinload(RectificationNotice.findings)
            )
            .order_by(RectificationNotice.id)
        )
    )
    issued = [n for n in notices if n.issued_on.year == year]
    on_time = [n.id for n in issued if closed_on_time(n) is True]
    late = [n.id for n in issued if closed_on_time(n) is False]
    still_open = [n.id for n in issued if n.closed_at is None]
    overdue = [n.id for n in issued if is_overdue(n, period.now)]
    notice = "rectification_notice"
    section.add(
        counted("notices.issued", notice, [n.id for n in issued]),
        counted("notices.closed_on_time", notice, on_time, "report.notices.on_time"),
        counted("notices.closed_late", notice, late, "report.notices.late"),
        counted("notices.open", notice, still_open),
        counted("notices.overdue", notice, overdue),
    )
    return section


def drills_section(session: Session, year: int) -> Section:
    section = Section("drills")
    events = list(
        session.scalars(
            select(OutreachEvent)
            .where(
                OutreachEvent.held_on >= date(year, 1, 1),
                OutreachEvent.held_on <= date(year, 12, 31),
            )
            .order_by(OutreachEvent.id)
        )
    )
    rows = []
    for kind in [k.value for k in OutreachKind] + ["total"]:
        chosen = [e for e in events if kind in ("total", e.kind)]
        ids = refs("outreach_event", [e.id for e in chosen])
        rows.append(
            [
                Figure(
                    f"drills.{kind}.held",
                    len(chosen),
                    ids,
                    label_key="col.total" if kind == "total" else None,
                    term_value=None if kind == "total" else kind,
                ),
                Figure(f"drills.{kind}.participants", sum(e.participants for e in chosen), ids),
                Figure(f"drills.{kind}.certificates", sum(e.certificates for e in chosen), ids),
                Figure(f"drills.{kind}.materials", sum(e.materials for e in chosen), ids),
            ]
        )
    section.tables["by_kind"] = rows
    return section
