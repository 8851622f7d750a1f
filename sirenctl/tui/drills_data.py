"""Drills and outreach events as the TUI lists and records them (no Textual).

Recording goes through :func:`sirenctl.findings.drills.add_drill` (validated, audited); an
evacuation drill completes that month's planned drill work orders at the site, and the ids of
those orders are returned so the screen can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sirenctl.i18n import L_, localized
from sirenctl.registry.errors import FieldProblem, ValidationFailed
from sirenctl.tui.notices_data import OfficeService

COUNTS = ("participants", "certificates", "materials")
LIMIT = 500  # newest first; older years via the year filter


@dataclass(frozen=True)
class DrillRow:
    id: int
    held_on: date
    site: str
    site_name: str
    kind: str
    title: str
    participants: int
    certificates: int
    certificate_type: str
    materials: int
    materials_note: str
    evacuation_minutes: float | None
    notes: str
    recorded_by: str


def _number(raw: str, key: str, problems: list[FieldProblem], *, whole: bool) -> Any:
    text = raw.strip()
    if not text:
        return 0 if whole else None
    try:
        return int(text) if whole else float(text)
    except ValueError:
        problems.append(FieldProblem(key, "a whole number" if whole else "a number", None, text))
        return None


class DrillService(OfficeService):
    """Drills and outreach events."""

    def rows(
        self, site: str | None = None, kind: str | None = None, year: int | None = None
    ) -> list[DrillRow]:
        from sirenctl.findings.drills import DrillFilter, list_drills

        flt = DrillFilter(
            site=site,
            kind=kind,
            since=date(year, 1, 1) if year else None,
            until=date(year, 12, 31) if year else None,
        )
        with self.db.session() as session:
            return [
                DrillRow(
                    e.id,
                    e.held_on,
                    e.site.code,
                    e.site.name,
                    e.kind,
                    e.title or "",
                    e.participants,
                    e.certificates,
                    e.certificate_type or "",
                    e.materials,
                    e.materials_note or "",
                    e.evacuation_minutes,
                    e.notes or "",
                    e.recorded_by,
                )
                for e in list_drills(session, flt)[:LIMIT]
            ]

    def add(self, raw: dict[str, str]) -> tuple[int, list[int]]:
        """Record one event; returns its id and the drill work orders it completed."""
        from sirenctl.registry.fields import parse_date
        from sirenctl.services.drills import NewDrill, record_drill

        problems: list[FieldProblem] = []
        if not raw.get("site"):
            problems.append(FieldProblem("site", L_("is required")))
        held_on = None
        try:
            held_on = parse_date(raw.get("held_on", ""))
        except ValueError as exc:
            problems.append(FieldProblem("held_on", localized(exc), None, raw.get("held_on")))
        counts = {k: _number(raw.get(k, ""), k, problems, whole=True) for k in COUNTS}
        minutes = _number(
            raw.get("evacuation_minutes", ""), "evacuation_minutes", problems, whole=False
        )
        if problems:
            raise ValidationFailed(problems)
        assert held_on is not None

        def text(key: str) -> str | None:
            return raw.get(key, "").strip() or None

        new = NewDrill(
            site=raw["site"],
            held_on=held_on,
            kind=raw.get("kind") or "evacuation_drill",
            title=text("title"),
            certificate_type=text("certificate_type"),
            materials_note=text("materials_note"),
            evacuation_minutes=minutes,
            notes=text("notes"),
            **counts,
        )
        done = record_drill(self.db, self.actor, new, now=self.clock())
        return done.id, done.completed_orders
