"""Issue a rectification notice (整改通知书) for open findings of one site, or edit one
(an extended deadline, a new responsible party); both recorded in the notice's history."""

from __future__ import annotations

from typing import Any

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
        self.FORM_TITLE = f"Edit notice {notice.number}" if notice else "Issue rectification notice"
        self.SAVE_LABEL = "Save changes" if notice else "Issue notice"

    def head(self) -> str:
        if self.notice is not None:
            return (
                f"{self.notice.number} · {self.notice.status} · site {self.notice.site} · "
                f"issued {self.notice.issued_on}"
            )
        covered = ", ".join(f"#{i}" for i in self.findings)
        return f"covers finding {covered}" + (f": {self.summary}" if self.summary else "")

    def fields(self) -> list[FormField]:
        text = self.original or {
            "deadline": WorkflowService.of(self.services).default_deadline().isoformat()
        }
        return [
            FormField(
                "deadline",
                "deadline",
                text.get("deadline", ""),
                "YYYY-MM-DD (整改期限)",
                required=True,
            ),
            FormField(
                "responsible_unit",
                "responsible unit",
                text.get("responsible_unit", ""),
                "责任单位, e.g. 东风社区居委会",
                required=True,
            ),
            FormField(
                "responsible_person",
                "responsible person",
                text.get("responsible_person", ""),
                "责任人",
                required=True,
            ),
            FormField("responsible_phone", "phone", text.get("responsible_phone", ""), "联系电话"),
            FormField(
                "required_action",
                "required action",
                text.get("required_action", ""),
                "整改要求: what must be done",
                required=True,
            ),
            FormField("note", "note", "", "remark for the notice history"),
        ]

    def submit(self, raw: dict[str, str]) -> tuple[Any, str]:
        service = WorkflowService.of(self.services)
        if self.notice is None:
            number = service.issue(self.findings, raw)
            return number, (
                f"issued {number} to {raw['responsible_unit'].strip()} "
                f"{raw['responsible_person'].strip()}, deadline {raw['deadline']}"
            )
        number = self.notice.number
        changed = service.edit(number, self.original, raw)
        return number, (
            f"{number}: changed {', '.join(changed)}" if changed else f"{number}: nothing changed"
        )
