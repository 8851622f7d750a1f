"""Record a community drill, training session or publicity event (疏散演练、培训、宣传)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sirenctl.i18n import _
from sirenctl.models.findings import OutreachKind
from sirenctl.tui.drills_data import DrillService
from sirenctl.tui.field_form import FieldForm, FormField, form_bindings

KIND_LABELS = {
    "evacuation_drill": "evacuation drill",
    "training": "training",
    "publicity": "publicity",
}


class DrillForm(FieldForm):
    """Dismisses with the new event's id, or None when cancelled."""

    BINDINGS = form_bindings("drill_form")
    FORM_TITLE = "Record a drill or outreach event"
    SAVE_LABEL = "Record"

    def head(self) -> str:
        return (
            "an evacuation drill also completes that month's planned drill work orders at the site"
        )

    def fields(self) -> list[FormField]:
        today = DrillService.of(self.services).today().isoformat()
        return [
            FormField("site", "site", placeholder=_("community"), choices=(), required=True),
            FormField("held_on", "date", today, "YYYY-MM-DD", required=True),
            FormField(
                "kind",
                "kind",
                OutreachKind.EVACUATION_DRILL.value,
                required=True,
                choices=tuple((KIND_LABELS[k.value], k.value) for k in OutreachKind),
            ),
            FormField("title", "title", placeholder=_("e.g. 春季疏散演练")),
            FormField("participants", "participants", placeholder=_("people taking part")),
            FormField("certificates", "certificates", placeholder=_("issued, e.g. first aid")),
            FormField("certificate_type", "certificate type", placeholder=_("e.g. 急救基础")),
            FormField("materials", "materials", placeholder=_("leaflets etc. handed out (count)")),
            FormField("materials_note", "materials note", placeholder=_("what was handed out")),
            FormField("evacuation_minutes", "evacuation (min)", placeholder=_("time to evacuate")),
            FormField("notes", "notes"),
        ]

    def choice_loaders(self) -> dict[str, Callable[[], list[tuple[str, str]]]]:
        registry = self.services.registry
        return {"site": lambda: [(label, code) for code, label in registry.site_choices()]}

    def submit(self, raw: dict[str, str]) -> tuple[Any, str]:
        event_id, orders = DrillService.of(self.services).add(raw)
        message = (
            f"{KIND_LABELS.get(raw['kind'], raw['kind'])} #{event_id} recorded at "
            f"{raw['site']} on {raw['held_on'].strip()}"
        )
        if orders:
            message += "; drill work order " + ", ".join(f"#{o}" for o in orders) + " done"
        return event_id, message
