"""A printable rectification notice (Markdown or HTML), in Chinese or English.

(In reports, not findings: it is rendered with the report's document model and labels.)"""

from __future__ import annotations

from datetime import datetime

from sirenctl.findings.localtime import fmt_local
from sirenctl.findings.notice_queries import days_overdue
from sirenctl.models.findings import RectificationNotice
from sirenctl.reports.document import (
    Document,
    Heading,
    KeyValues,
    Para,
    Signatures,
    Table,
    render,
)
from sirenctl.reports.labels import label, term


def notice_document(notice: RectificationNotice, *, lang: str, now: datetime) -> Document:
    def t(key: str) -> str:
        return label(key, lang)

    tz = notice.site.timezone
    to = f"{notice.responsible_unit} {notice.responsible_person}"
    pairs = [
        (t("notice.number"), notice.number),
        (t("notice.to"), to),
        (t("notice.phone"), notice.responsible_phone),
        (t("notice.site"), f"{notice.site.name} ({notice.site.code})"),
        (t("notice.issued_on"), notice.issued_on.isoformat()),
        (t("notice.deadline"), notice.deadline.isoformat()),
        (t("notice.issued_by"), notice.issued_by),
        (t("notice.status"), term(notice.status, lang)),
    ]
    overdue = days_overdue(notice, now)
    if overdue:
        pairs.append((t("notice.overdue"), str(overdue)))
    findings = Table(
        [
            t("col.id"),
            t("col.asset"),
            t("col.category"),
            t("col.severity"),
            t("col.description"),
            t("col.found_at"),
            t("col.found_by"),
        ],
        [
            [
                f"#{f.id}",
                f.asset.tag if f.asset is not None else "",
                term(f.category, lang),
                term(f.severity, lang),
                f.description,
                fmt_local(f.found_at, tz),
                f.found_by,
            ]
            for f in notice.findings
        ],
    )
    history = Table(
        [t("col.at"), t("col.event"), t("col.status"), t("col.by"), t("col.note")],
        [
            [fmt_local(e.at, tz), term(e.event, lang), term(e.to_status, lang), e.by, e.note]
            for e in notice.events
        ],
    )
    doc = Document(title=f"{t('notice.title')} {notice.number}", lang=lang)
    doc.add(
        KeyValues(pairs),
        Para(t("notice.intro")),
        Heading(t("notice.findings")),
        findings,
        Heading(t("notice.action")),
        Para(notice.required_action),
        Heading(t("notice.history")),
        history,
        Signatures(
            [t("notice.sign.issuer"), t("notice.sign.receiver"), t("notice.sign.rechecker")]
        ),
    )
    return doc


def print_notice(
    notice: RectificationNotice, *, fmt: str = "md", lang: str = "zh", now: datetime
) -> str:
    return render(notice_document(notice, lang=lang, now=now), fmt)
