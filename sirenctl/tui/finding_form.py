"""Record a finding by hand (an inspection): on an asset, or on a site when no asset applies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sirenctl.i18n import N_, _, localized
from sirenctl.labels import term
from sirenctl.models.findings import FindingCategory, Severity
from sirenctl.registry.errors import FieldProblem, NotFound, ValidationFailed
from sirenctl.tui.field_form import FieldForm, FormField, form_bindings
from sirenctl.tui.notices_data import WorkflowService


class FindingForm(FieldForm):
    """Dismisses with the new finding's id, or None when cancelled."""

    BINDINGS = form_bindings("finding_form")
    FORM_TITLE = N_("New finding (inspection)")
    SAVE_LABEL = N_("Record finding")

    def head(self) -> str:
        return _(
            "found by {operator} unless you name someone; "
            "a critical finding on an asset marks it faulty"
        ).format(operator=self.services.operator)

    def fields(self) -> list[FormField]:
        return [
            FormField("asset", N_("asset tag"), placeholder=_("e.g. HC-C01 (or choose a site)")),
            FormField(
                "site", N_("site"), placeholder=_("site (when not on one asset)"), choices=()
            ),
            FormField(
                "category",
                N_("category"),
                required=True,
                choices=tuple((term(c.value), c.value) for c in FindingCategory),
            ),
            FormField(
                "severity",
                N_("severity"),
                required=True,
                choices=tuple((term(s.value), s.value) for s in Severity),
            ),
            FormField(
                "description",
                N_("description"),
                required=True,
                placeholder=_("what is wrong (问题描述)"),
            ),
            FormField(
                "found_at", N_("found at"), placeholder=_("YYYY-MM-DD HH:MM site time; empty: now")
            ),
            FormField("found_by", N_("found by"), placeholder=_("empty: you")),
            FormField(
                "attachments", N_("photos / files"), placeholder=_("references, comma separated")
            ),
        ]

    def choice_loaders(self) -> dict[str, Callable[[], list[tuple[str, str]]]]:
        registry = self.services.registry
        return {"site": lambda: [(label, code) for code, label in registry.site_choices()]}

    def submit(self, raw: dict[str, str]) -> tuple[Any, str]:
        raw = {**raw, "asset": raw["asset"].strip()}
        try:
            finding_id = WorkflowService.of(self.services).add_finding(raw)
        except NotFound as exc:  # an unknown tag or site belongs next to its field
            raise ValidationFailed(
                [FieldProblem("asset" if raw["asset"] else "site", localized(exc))]
            ) from None
        where = raw["asset"] or raw["site"]
        return finding_id, _("finding #{id} recorded ({severity}) at {where}").format(
            id=finding_id, severity=term(raw["severity"]), where=where
        )
