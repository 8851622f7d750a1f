"""``sirenctl report``: the annual report."""

from __future__ import annotations

from pathlib import Path

import click

from sirenctl.cli.common import AppContext, pass_app
from sirenctl.cli.work_progress import StagedProgress
from sirenctl.i18n import L_, current_language, localized


@click.command()
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Calendar year.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "csv", "json", "docx"]),
    default="md",
    show_default=True,
    help="md to paste into a report, html with charts and map, csv, json, docx (Word; needs --out).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of stdout.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Labels in Chinese or English [default: the interface language, sirenctl --lang].",
)
@click.option(
    "--target-dbc",
    type=click.FloatRange(40, 120),
    default=70.0,
    show_default=True,
    help="Coverage target level: 70 dBC dense (> 2,000/sq mi), 60 sparse (CPG 1-17).",
)
@pass_app
def report(
    app: AppContext, year: int, fmt: str, out: Path | None, lang: str | None, target_dbc: float
) -> None:
    """Annual report: sirens, coverage, trial soundings, 完好率, checks, findings, notices, drills.

    Every figure lists the records behind it (appendix in md/html, a column in csv, "rows" in
    json).

    \b
    Example:
      sirenctl report --year 2025 --format html --out 2025.html
      sirenctl report --year 2025 --format docx --out 2025年度报告.docx
    """
    from sirenctl.cli.cmd_notice import write_output
    from sirenctl.reports.annual import compute_report
    from sirenctl.reports.render import render_report
    from sirenctl.timeutil import utcnow

    lang = lang or current_language().value  # sirenctl --lang, SIRENCTL_LANG, config, locale
    if fmt == "docx" and out is None:
        raise click.UsageError(
            localized(L_("--format docx writes a Word file: give --out FILE.docx"))
        )
    # few steps, but each may read a year of records: a bar from the first step on
    with app.db.session() as session, StagedProgress(min_total=1) as progress:
        computed = compute_report(
            session, year, now=utcnow(), target_dbc=target_dbc, progress=progress
        )
    if fmt == "docx":
        from sirenctl.cli.file_output import write_bytes
        from sirenctl.reports.docx_render import report_docx

        assert out is not None
        write_bytes(report_docx(computed, lang), out)
        return
    write_output(render_report(computed, fmt, lang), out)
