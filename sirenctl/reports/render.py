"""Render an AnnualReport as Markdown, HTML (inline SVG charts), CSV or JSON, in zh or en."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sirenctl.findings.localtime import fmt_local
from sirenctl.reports.annual import AnnualReport
from sirenctl.reports.charts import Series, bar_chart
from sirenctl.reports.document import Document, Heading, Para, Table, render
from sirenctl.reports.document import Figure as Chart
from sirenctl.reports.figures import Figure, compress
from sirenctl.reports.labels import label, term

FORMATS = ("md", "html", "csv", "json")


def _value_table(figures: list[Figure], lang: str) -> Table:
    return Table(
        [label("col.figure", lang), label("col.value", lang)],
        [[f.label(lang), f.shown()] for f in figures],
    )


def _rows(rows: list[list[Figure]], lang: str, name: Any = None) -> list[list[Any]]:
    """Table rows: a name (the first figure's label, or ``name(first)``), then every value."""
    return [
        [name(row[0]) if name else row[0].label(lang), *[f.shown() for f in row]] for row in rows
    ]


def build_document(report: AnnualReport, lang: str, *, charts: bool) -> Document:
    def t(key: str, **params: Any) -> str:
        return label(key, lang, **params)

    s = report.sections
    doc = Document(title=t("report.title", year=report.year), lang=lang)
    doc.add(
        Para(
            t(
                "report.generated",
                at=fmt_local(report.generated_at, report.timezone),
                tz=report.timezone,
            )
        )
    )
    if report.audit_head is not None:
        head = report.audit_head
        doc.add(
            Para(
                t(
                    "report.audit_head",
                    until=fmt_local(head.as_of, report.timezone),
                    seq=head.seq,
                    hash=head.hash,
                    db=head.database_id,
                )
            )
        )

    assets = s["assets"]
    statuses = ["in_service", "faulty", "under_repair", "retired"]
    doc.add(Heading(t("report.assets")), Para(t("report.assets.note")))
    doc.add(
        Table(
            [t("col.kind"), t("col.total"), *[term(x, lang) for x in statuses]],
            _rows(assets.tables["by_kind"], lang),
        ),
        _value_table(assets.figures, lang),
    )

    com = s["communities"]
    doc.add(
        Heading(t("report.communities")),
        _value_table(com.figures, lang),
        Para(t("report.coverage.note")),
    )
    if com.tables["coverage"]:
        doc.add(
            Table(
                [t("col.site"), t("col.population"), t("col.covered"), t("col.radius")],
                [
                    [r[0].params["name"], r[0].shown(), bool(r[1].value), r[2].shown()]
                    for r in com.tables["coverage"]
                ],
                caption=t("report.coverage.table"),
            )
        )

    trials = s["trials"]
    doc.add(Heading(t("report.trials")))
    if trials.tables["by_sounding"]:
        doc.add(
            Table(
                [
                    t("col.trial"),
                    t("col.planned"),
                    t("col.sounded"),
                    t("col.failed"),
                    t("col.sound_rate"),
                ],
                _rows(trials.tables["by_sounding"], lang, lambda f: f.params["name"]),
            ),
            _value_table(trials.figures, lang),
        )
    else:
        doc.add(Para(t("report.trials.none")))

    doc.add(
        Heading(t("report.serviceability")),
        _value_table([f for f in s["serviceability"].figures if f.label_key], lang),
        Para(t("report.serviceability.note")),
    )

    checks = s["checks"]
    doc.add(Heading(t("report.checks")), _value_table(checks.figures, lang))
    months = checks.tables["by_month"]
    if charts:
        doc.add(
            Chart(
                bar_chart(
                    [str(r[0].params["month"]) for r in months],
                    [
                        Series(t("col.planned"), [r[0].value or 0 for r in months]),
                        Series(t("col.done"), [r[1].value or 0 for r in months]),
                        Series(t("col.missed"), [r[2].value or 0 for r in months]),
                    ],
                    title=t("report.checks.chart"),
                ),
                t("report.checks.chart"),
            )
        )
    doc.add(
        Table(
            [t("col.month"), t("col.planned"), t("col.done"), t("col.missed")],
            _rows(months, lang, lambda f: f.params["month"]),
        )
    )

    findings = s["findings"]
    by_cat = findings.tables["by_category"]
    doc.add(Heading(t("report.findings")))
    if charts:
        doc.add(
            Chart(
                bar_chart(
                    [r[0].label(lang) for r in by_cat],
                    [Series(t("col.count"), [r[0].value or 0 for r in by_cat])],
                    title=t("report.findings.chart"),
                ),
                t("report.findings.chart"),
            )
        )
    doc.add(
        Table(
            [t("col.category"), t("col.total")]
            + [term(x, lang) for x in ("minor", "major", "critical")],
            _rows(by_cat, lang),
        ),
        _value_table(findings.figures, lang),
    )

    doc.add(Heading(t("report.notices")), _value_table(s["notices"].figures, lang))

    drills = s["drills"].tables["by_kind"]
    doc.add(
        Heading(t("report.drills")),
        Table(
            [
                t("col.kind"),
                t("report.drills.held"),
                t("col.participants"),
                t("col.certificates"),
                t("col.materials"),
            ],
            _rows(drills, lang),
        ),
    )

    from sirenctl.reports.works_render import map_blocks, works_blocks

    doc.add(*works_blocks(report, lang))
    if charts:
        doc.add(*map_blocks(report, lang))
    doc.add(
        Heading(t("report.sources")),
        Para(t("report.sources.note")),
        Table(
            [t("col.figure"), t("col.value"), t("col.rows")],
            [[f.key, f.shown(), compress(f.rows)] for f in report.figures() if f.rows],
        ),
    )
    return doc


def to_json(report: AnnualReport, lang: str) -> str:
    data = {
        "year": report.year,
        "generated_at": report.generated_at.isoformat(),
        "timezone": report.timezone,
        "target_dbc": report.target_dbc,
        "audit_head": (
            {
                "as_of": report.audit_head.as_of.isoformat(),
                "seq": report.audit_head.seq,
                "hash": report.audit_head.hash,
                "database_id": report.audit_head.database_id,
            }
            if report.audit_head
            else None
        ),
        "figures": {f.key: {"label": f.label(lang), **f.to_json()} for f in report.figures()},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(report: AnnualReport, lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "label", "value", "rows"])
    for section in report.sections.values():
        for fig in section.all_figures():
            value = (
                ""
                if fig.value is None
                else (round(fig.value, 6) if isinstance(fig.value, float) else fig.value)
            )
            writer.writerow([section.key, fig.key, fig.label(lang), value, " ".join(fig.rows)])
    return out.getvalue()


def render_report(report: AnnualReport, fmt: str, lang: str = "zh") -> str:
    if fmt == "json":
        return to_json(report, lang)
    if fmt == "csv":
        return to_csv(report, lang)
    return render(build_document(report, lang, charts=fmt == "html"), fmt)
