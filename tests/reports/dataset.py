"""A hand-built year (2025) in which every report figure is known; see EXPECTED.

Four communities, five assets in the year (two more outside it, and a bench unit), seven findings (one in 2024),
five notices (one in 2024), five outreach events (one in 2024) and, as scheduling facts, two
trial soundings and seven checks. Times are Shanghai local unless marked Z.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sirenctl.db import Database
from sirenctl.findings.drills import add_drill
from sirenctl.findings.findings import add_finding, resolve_finding
from sirenctl.findings.notices import apply_action, issue_notice
from sirenctl.models import Asset
from sirenctl.registry.assets import add_asset
from sirenctl.registry.sites import add_site
from sirenctl.reports.facts import OrderFact

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 1, 15, 2, 0, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(UTC)


EXPECTED = {
    "assets.total": 5,
    "assets.hand_crank": 2,
    "assets.hand_crank.in_service": 1,
    "assets.hand_crank.under_repair": 1,
    "assets.electronic.in_service": 1,
    "assets.motor.faulty": 1,
    "assets.controller.in_service": 1,
    "communities.total": 4,
    "communities.with_working_siren": 2,
    "communities.population_assessed": 15000,
    "communities.population_covered": 13000,
    "communities.coverage_rate": 13000 / 15000,
    "trials.cn-918-trial-sounding.2025-09-18T1200.planned": 4,
    "trials.cn-918-trial-sounding.2025-09-18T1200.sounded": 2,
    "trials.cn-918-trial-sounding.2025-09-18T1200.failed": 2,
    "trials.cn-918-trial-sounding.2025-09-18T1200.rate": 0.5,
    "trials.cn-512-disaster-day.2025-05-12T1000.rate": 1.0,
    "trials.planned": 6,
    "trials.sounded": 4,
    "trials.failed": 2,
    "trials.rate": 4 / 6,
    "serviceability.asset_days": 1460.0,  # 4 sirens x 365 days
    "serviceability.down_days": 45.0,  # HC-C01 03-01..03-16 (merged) + MO-C01 12-02..12-31
    "serviceability.rate_year": (1460 - 45) / 1460,
    "serviceability.rate_now": 0.5,  # HC-C01, EL-C02 working; MO-C01 faulty; HC-C03 in repair
    "checks.planned": 7,
    "checks.done": 4,
    "checks.missed": 2,
    "checks.pending": 1,
    "checks.rate": 4 / 6,
    "checks.month.01.done": 2,
    "checks.month.02.missed": 1,
    "checks.month.12.planned": 3,
    "findings.total": 6,
    "findings.category.corrosion": 1,
    "findings.category.mounting": 1,
    "findings.category.power": 1,
    "findings.category.communication": 1,
    "findings.category.signage": 1,
    "findings.category.sound": 1,
    "findings.category.other": 0,
    "findings.category.sound.minor": 1,
    "findings.severity.critical": 3,
    "findings.severity.major": 1,
    "findings.severity.minor": 2,
    "notices.issued": 4,
    "notices.closed_on_time": 1,
    "notices.closed_late": 1,
    "notices.open": 2,
    "notices.overdue": 1,
    "drills.total.held": 4,
    "drills.total.participants": 1040,
    "drills.total.certificates": 65,
    "drills.total.materials": 1050,
    "drills.evacuation_drill.held": 2,
    "drills.evacuation_drill.participants": 500,
    "drills.training.certificates": 40,
    "drills.publicity.materials": 1000,
}


def build(db: Database) -> dict[str, int]:
    """Write the dataset; returns ids by name for row checks."""
    ids: dict[str, int] = {}
    with db.transaction() as s:
        for code, name, pop, lat in (
            ("C01", "东风社区", 8000, 36.650),
            ("C02", "向阳社区", 5000, 36.660),  # ~1,112 m north
            ("C03", "新城社区", 2000, 36.700),
        ):  # ~5.6 km north
            add_site(
                s,
                {
                    "code": code,
                    "name": name,
                    "population": pop,
                    "latitude": lat,
                    "longitude": 117.0,
                },
                operator="seed",
            )
        add_site(s, {"code": "C04", "name": "老城社区", "population": 1000}, operator="seed")
        for values in (
            # 100 dB measured at 30.48 m -> L100 100 -> 244 m at 70 dBC: covers C01 only
            {
                "tag": "HC-C01",
                "site": "C01",
                "kind": "hand_crank",
                "measured_db": 100.0,
                "measured_distance_m": 30.48,
            },
            # rated 120 dBC -> 975 m: covers C02, not C01 (1,112 m away)
            {
                "tag": "EL-C02",
                "site": "C02",
                "kind": "electronic",
                "rated_dbc": 120.0,
                "controller_transport": "modbus_tcp",
                "controller_host": "127.0.0.1",
            },
            # rated 125 -> 1,724 m would cover C01 and C02, but it is faulty
            {
                "tag": "MO-C01",
                "site": "C01",
                "kind": "motor",
                "rated_dbc": 125.0,
                "latitude": 36.650,
                "longitude": 117.0,
            },
            {
                "tag": "HC-C03",
                "site": "C03",
                "kind": "hand_crank",
                "status": "under_repair",
                "rated_dbc": 130.0,
            },
            {"tag": "CT-1", "site": "C01", "kind": "controller"},
            {
                "tag": "HC-NEW",
                "site": "C04",
                "kind": "hand_crank",
                "install_date": date(2026, 1, 5),
            },
            {"tag": "HC-OLD", "site": "C04", "kind": "hand_crank"},
            {
                "tag": "BENCH-01",
                "site": "C01",
                "kind": "electronic",
                "is_bench": True,
                "rated_dbc": 130.0,
            },  # the office's test bench is not a field siren
        ):
            ids[values["tag"]] = add_asset(s, values, operator="seed").id
        s.scalar(select(Asset).where(Asset.tag == "HC-OLD")).status = "retired"
        s.scalar(select(Asset).where(Asset.tag == "HC-OLD")).retired_at = local(2024, 6, 1)

    def finding(name: str, at: datetime, **kw: object) -> None:
        with db.transaction() as s:
            ids[name] = add_finding(
                s, operator="insp", description=name, found_at=at, now=at, **kw
            ).id  # type: ignore[arg-type]

    def notice(name: str, finding_name: str, issued: datetime, deadline: date) -> None:
        with db.transaction() as s:
            n = issue_notice(
                s,
                operator="office",
                findings=[ids[finding_name]],
                deadline=deadline,
                responsible_unit="居委会",
                responsible_person="王建国",
                required_action="整改",
                now=issued,
            )
            ids[name] = n.id
            ids[name + ".number"] = n.number  # type: ignore[assignment]

    def close(name: str, at: datetime) -> None:
        with db.transaction() as s:
            for action in ("submit", "recheck_pass", "close"):
                apply_action(
                    s,
                    ids[name + ".number"],
                    action,  # type: ignore[arg-type]
                    operator="office",
                    now=at,
                )

    finding("f6-2024", local(2024, 12, 31, 23), asset="HC-C01", category="sound", severity="minor")
    notice("n0-2024", "f6-2024", local(2024, 12, 31, 23, 30), date(2025, 1, 31))
    finding("f1", local(2025, 3, 1), asset="HC-C01", category="corrosion", severity="critical")
    notice("n1", "f1", local(2025, 3, 1, 9), date(2025, 3, 10))
    finding("f2", local(2025, 3, 6), asset="HC-C01", category="mounting", severity="critical")
    notice("n2", "f2", local(2025, 3, 6, 9), date(2025, 3, 31))
    close("n1", local(2025, 3, 11))  # late
    close("n2", local(2025, 3, 16))  # on time; HC-C01 back in service
    finding("f3", local(2025, 12, 2), asset="MO-C01", category="power", severity="critical")
    notice("n3", "f3", local(2025, 12, 2, 9), date(2025, 12, 20))  # open, overdue
    finding("f4", local(2025, 6, 10), asset="EL-C02", category="communication", severity="major")
    notice("n4", "f4", local(2025, 6, 10, 9), date(2026, 2, 28))  # open, not overdue
    finding("f5", local(2025, 7, 1), site="C03", category="signage", severity="minor")
    with db.transaction() as s:
        resolve_finding(s, ids["f5"], operator="insp", resolution="重新张贴", now=local(2025, 7, 2))
    finding("f7", local(2025, 12, 31, 23, 30), asset="EL-C02", category="sound", severity="minor")

    with db.transaction() as s:
        for site, held, kind, people, certs, materials in (
            ("C01", date(2025, 3, 28), "evacuation_drill", 320, 25, 0),
            ("C02", date(2025, 9, 18), "evacuation_drill", 180, 0, 50),
            ("C03", date(2025, 5, 12), "training", 40, 40, 0),
            ("C01", date(2025, 12, 31), "publicity", 500, 0, 1000),
            ("C01", date(2024, 12, 30), "evacuation_drill", 99, 9, 9),
        ):
            add_drill(
                s,
                operator="seed",
                site=site,
                held_on=held,
                kind=kind,
                participants=people,
                certificates=certs,
                materials=materials,
            )
    return ids


def order_facts(ids: dict[str, int]) -> list[OrderFact]:
    """Work orders of 2025 as scheduling facts (used until/unless read from scheduling tables)."""
    facts = []
    n = 0

    def add(
        task: str, campaign: str, due: datetime, tag: str, state: str, passed: bool | None
    ) -> None:
        nonlocal n
        n += 1
        facts.append(
            OrderFact(f"work_order:{n}", task, campaign, campaign, due, ids[tag], state, passed)
        )

    trial = local(2025, 9, 18, 12)
    add("trial_sounding", "cn-918-trial-sounding", trial, "HC-C01", "done", True)
    add("trial_sounding", "cn-918-trial-sounding", trial, "EL-C02", "done", True)
    add("trial_sounding", "cn-918-trial-sounding", trial, "MO-C01", "done", False)
    add("trial_sounding", "cn-918-trial-sounding", trial, "HC-C03", "missed", None)
    disaster = local(2025, 5, 12, 10)
    add("trial_sounding", "cn-512-disaster-day", disaster, "HC-C01", "done", True)
    add("trial_sounding", "cn-512-disaster-day", disaster, "EL-C02", "done", True)
    for month, states in (
        (1, ("done", "done")),
        (2, ("done", "missed")),
        (12, ("done", "missed", "pending")),
    ):
        for i, state in enumerate(states):
            add(
                "manual_check",
                "cn-handcrank-monthly-check",
                local(2025, month, 7, 9),
                ("HC-C01", "HC-C03", "HC-C01")[i],
                state,
                True if state == "done" else None,
            )
    add(
        "silent_test",
        "cn-terminal-quarterly-selftest",
        local(2025, 4, 1, 3),
        "EL-C02",
        "done",
        True,
    )
    return facts
