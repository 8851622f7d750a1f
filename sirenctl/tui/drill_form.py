"""Record a community drill, training session or publicity event (疏散演练、培训、宣传)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sirenctl.i18n import C_, N_, _
from sirenctl.labels import Labels
from sirenctl.models.findings import OutreachKind
from sirenctl.tui.drills_data import DrillService
from sirenctl.tui.field_form import FieldForm, FormField, form_bindings

KIND_LABELS = Labels(
    {
        "evacuation_drill": C_("outreach kind", "evacuation drill"),
        "training": C_("outreach kind", "training"),
        "publicity": C_("outreach kind", "publicity"),
    }
)


class DrillForm(FieldForm):
    """Dismisses with the new event's id, or None when cancelled."""

    BINDINGS = form_bindings("drill_form")
    FORM_TITLE = N_("Record a drill or outreach event")
    SAVE_LABEL = N_("Record")

    def head(self) -> str:
        return _(
            "an evacuation drill also completes that month's planned drill work orders at the site"
        )

    def fields(self) -> list[FormField]:
        today = DrillService.of(self.services).today().isoformat()
        return [
            FormField("site", N_("site"), placeholder=_("community"), choices=(), required=True),
            FormField("held_on", N_("date"), today, "YYYY-MM-DD", required=True),
            FormField(
                "kind",
                N_("kind"),
                OutreachKind.EVACUATION_DRILL.value,
                required=True,
                choices=tuple((KIND_LABELS[k.value], k.value) for k in OutreachKind),
            ),
            FormField("title", N_("title"), placeholder=_("e.g. 春季疏散演练")),
            FormField("participants", N_("participants"), placeholder=_("people taking part")),
            FormField("certificates", N_("certificates"), placeholder=_("issued, e.g. first aid")),
            FormField("certificate_type", N_("certificate type"), placeholder=_("e.g. 急救基础")),
            FormField(
                "materials", N_("materials"), placeholder=_("leaflets etc. handed out (count)")
            ),
            FormField("materials_note", N_("materials note"), placeholder=_("what was handed out")),
            FormField(
                "evacuation_minutes", N_("evacuation (min)"), placeholder=_("time to evacuate")
            ),
            FormField("notes", N_("notes")),
        ]

    def choice_loaders(self) -> dict[str, Callable[[], list[tuple[str, str]]]]:
        registry = self.services.registry
        return {"site": lambda: [(label, code) for code, label in registry.site_choices()]}

    def submit(self, raw: dict[str, str]) -> tuple[Any, str]:
        event_id, orders = DrillService.of(self.services).add(raw)
        message = _("{kind} #{id} recorded at {site} on {day}").format(
            kind=KIND_LABELS.show(raw["kind"]),
            id=event_id,
            site=raw["site"],
            day=raw["held_on"].strip(),
        )
        if orders:
            message += _("; drill work order {ids} done").format(
                ids=", ".join(f"#{o}" for o in orders)
            )
        return event_id, message
