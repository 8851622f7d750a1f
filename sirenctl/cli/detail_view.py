"""``finding show``, ``notice show``, ``site show`` and ``account show`` as a person reads them:
fields as words, stored codes as their labels, numbers as entered, times in the site's time zone
(``--json`` keeps keys, codes and UTC ISO)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sirenctl.findings.localtime import fmt_local
from sirenctl.i18n import N_, _
from sirenctl.labels import term

FINDING_FIELDS = {
    "id": N_("Number"),
    "site": N_("Community"),
    "asset": N_("Asset"),
    "source": N_("Source"),
    "source_ref": N_("Source reference"),
    "found_at": N_("Found at"),
    "found_by": N_("Found by"),
    "category": N_("Category"),
    "severity": N_("Severity"),
    "description": N_("Description"),
    "attachments": N_("Attachments"),
    "status": N_("Status"),
    "resolved_at": N_("Resolved at"),
    "resolution": N_("Resolution"),
    "notice": N_("Rectification notice"),
}
NOTICE_FIELDS = {
    "number": N_("Number"),
    "site": N_("Community"),
    "site_name": N_("Community name"),
    "issued_on": N_("Issued on"),
    "deadline": N_("Deadline"),
    "issued_by": N_("Issued by"),
    "responsible_unit": N_("Responsible unit"),
    "responsible_person": N_("Responsible person"),
    "responsible_phone": N_("Responsible phone"),
    "required_action": N_("Required action"),
    "status": N_("Status"),
    "overdue": N_("Overdue"),
    "days_overdue": N_("Days overdue"),
    "recheck_passed_at": N_("Re-check passed at"),
    "closed_at": N_("Closed at"),
    "closed_on_time": N_("Closed on time"),
    "findings": N_("Findings"),
}
ACCOUNT_FIELDS = {
    "login": N_("Login"),
    "display_name": N_("Full name"),
    "roles": N_("Roles"),
    "state": N_("State"),
    "key_id": N_("Key fingerprint"),
    "failed_attempts": N_("Failed attempts"),
    "demo": N_("Demo account"),
    "created_at": N_("Created at"),
    "trusted": N_("Certificate trusted"),
    "trust_problem": N_("Trust problem"),
}
CODED = frozenset({"source", "category", "severity", "status"})
TIMES = frozenset({"found_at", "resolved_at", "recheck_passed_at", "closed_at", "created_at"})


def local_text(value: str | None) -> str:
    """An ISO time with offset (as ``*_to_dict`` gives it) in the site's time zone."""
    return fmt_local(datetime.fromisoformat(value)) if value else ""


def shown(key: str, value: Any) -> str:
    from sirenctl.cli.common import yes_no
    from sirenctl.registry.fields import as_entered

    if isinstance(value, bool):
        return yes_no(value)
    if value is None:
        return ""
    if key in CODED:
        return term(value)
    if key in TIMES:
        return local_text(value)
    if isinstance(value, list):
        return ", ".join(f"#{v}" if key == "findings" else str(v) for v in value)
    return as_entered(value)


def detail_rows(data: Mapping[str, Any], labels: Mapping[str, str]) -> list[list[str]]:
    """``[label, value]`` rows of a detail view, in the order of ``data``."""
    return [[_(labels[k]) if k in labels else k, shown(k, v)] for k, v in data.items()]


def site_rows(data: Mapping[str, Any]) -> list[list[str]]:
    """``site show``: each field by the word its forms and CSV header use."""
    from sirenctl.registry.fields import SITE_FIELDS

    labels = {spec.key: spec.label for spec in SITE_FIELDS}
    return [[labels.get(k) or k, shown(k, v)] for k, v in data.items()]


def account_rows(data: Mapping[str, Any]) -> list[list[str]]:
    """``account show``: roles and state by their labels."""
    from sirenctl.labels import ACCOUNT_STATE, roles_text

    words = dict(data, roles=roles_text(data["roles"]), state=ACCOUNT_STATE.show(data["state"]))
    return detail_rows(words, ACCOUNT_FIELDS)


def history_rows(history: list[Mapping[str, Any]]) -> list[list[str]]:
    return [
        [local_text(h["at"]), term(h["event"]), term(h["from"]), term(h["to"]),
         h["by"] or "", h["note"] or ""]
        for h in history
    ]  # fmt: skip
