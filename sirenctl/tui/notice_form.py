"""Issue a rectification notice (整改通知书) for open findings of one site, or edit one
(an extended deadline, a new responsible party); both recorded in the notice's history."""

from __future__ import annotations

from typing import Any

from sirenctl.i18n import N_, _
from sirenctl.labels import term
from sirenctl.tui.field_form import FieldForm, FormField, form_bindings
from sirenctl.tui.notices_data import NoticeRow, WorkflowService


class NoticeForm(FieldForm):
    """Dismisses with the notice number, or None when cancelled."""

    BINDINGS = form_bindings("notice_form")

    def __init__(
        self, findings: list[int] | None = None, notice: NoticeRow | None = None, summary: str = ""
    ) -> None:
        super().__init__()
        self.findings = list(findings or [])
        self.notice = notice
        self.summary = summary
        self.original = notice.form_text() if notice else {}
        self.FORM_TITLE = (
            _("Edit notice {number}").format(number=notice.number)
            if notice
            else N_("Issue rectification notice")
        )
        self.SAVE_LABEL = N_("Save changes") if notice else N_("Issue notice")

    def head(self) -> str:
        if self.notice is not None:
            return _("{number} · {status} · site {site} · issued {issued}").format(
                number=self.notice.number,
                status=term(self.notice.status),
                site=self.notice.site,
                issued=self.notice.issued_on,
            )
        covered = ", ".join(f"#{i}" for i in self.findings)
        return _("covers finding {ids}").format(ids=covered) + (
            f": {self.summary}" if self.summary else ""
        )

    def fields(self) -> list[FormField]:
        text = self.original or {
            "deadline": WorkflowService.of(self.services).default_deadline().isoformat()
        }
        return [
            FormField(
                "deadline",
                N_("deadline"),
                text.get("deadline", ""),
                "YYYY-MM-DD (整改期限)",
                required=True,
            ),
            FormField(
                "responsible_unit",
                N_("responsible unit"),
                text.get("responsible_unit", ""),
                _("责任单位, e.g. 东风社区居委会"),
                required=True,
            ),
            FormField(
                "responsible_person",
                N_("responsible person"),
                text.get("responsible_person", ""),
                "责任人",
                required=True,
            ),
            FormField(
                "responsible_phone", N_("phone"), text.get("responsible_phone", ""), "联系电话"
            ),
            FormField(
                "required_action",
                N_("required action"),
                text.get("required_action", ""),
                _("整改要求: what must be done"),
                required=True,
            ),
            FormField("note", N_("note"), "", _("remark for the notice history")),
        ]

    def submit(self, raw: dict[str, str]) -> tuple[Any, str]:
        service = WorkflowService.of(self.services)
        if self.notice is None:
            number = service.issue(self.findings, raw)
            return number, _("issued {number} to {unit} {person}, deadline {deadline}").format(
                number=number,
                unit=raw["responsible_unit"].strip(),
                person=raw["responsible_person"].strip(),
                deadline=raw["deadline"],
            )
        number = self.notice.number
        changed = service.edit(number, self.original, raw)
        return number, (
            _("{number}: changed {fields}").format(number=number, fields=", ".join(changed))
            if changed
            else _("{number}: nothing changed").format(number=number)
        )
