"""The annual report as a Word document (python-docx), to paste into the office's own report.

Same content as the Markdown/HTML report (sirenctl/reports/render.py build_document): Chinese
headings 一、二、…, tables with a header row, and the charts and the map as PNG images. The SVG
charts are rasterised with CairoSVG (one small library over the system's cairo; no second chart
implementation to keep in step); where cairo is missing the charts are left out with a note and
their numbers stay in the tables.
"""

from __future__ import annotations

import io
from typing import Any

from sirenctl.reports.annual import AnnualReport
from sirenctl.reports.document import Document as ReportDoc
from sirenctl.reports.document import (
    Figure,
    Heading,
    KeyValues,
    Para,
    Signatures,
    Table,
    cell,
)

BODY_FONT = "仿宋"  # the body face of Chinese official documents (GB/T 9704)
HEADING_FONT = "黑体"


def svg_to_png(svg: str, scale: float = 2.0) -> bytes | None:
    """PNG of an SVG chart, or None when cairo is not available on this machine."""
    try:
        import cairosvg
    except (ImportError, OSError):  # OSError: the cairo library itself is missing
        return None
    png: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
    return png


def _east_asian(style_or_run: Any, font: str) -> None:
    from docx.oxml.ns import qn

    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def to_docx(report_doc: ReportDoc) -> bytes:
    import docx
    from docx.shared import Cm, Pt

    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _east_asian(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _east_asian(doc.styles[name], HEADING_FONT)
    doc.add_heading(report_doc.title, level=0)
    for block in report_doc.blocks:
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=max(1, block.level - 1))
        elif isinstance(block, Para):
            doc.add_paragraph(block.text)
        elif isinstance(block, KeyValues):
            _table(doc, ["", ""], [[k, v] for k, v in block.pairs], header=False)
        elif isinstance(block, Table):
            if block.caption:
                doc.add_paragraph(block.caption).runs[0].italic = True
            _table(doc, list(block.columns), [list(r) for r in block.rows])
        elif isinstance(block, Figure):
            png = svg_to_png(block.svg)
            if png is None:
                doc.add_paragraph(f"[{block.caption}]")
                continue
            doc.add_picture(io.BytesIO(png), width=Cm(15))
            doc.add_paragraph(block.caption).runs[0].italic = True
        elif isinstance(block, Signatures):
            doc.add_paragraph("    ".join(f"{label}：________" for label in block.labels))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc: Any, columns: list[str], rows: list[list[Any]], *, header: bool = True) -> None:
    table = doc.add_table(rows=0, cols=len(columns))
    table.style = "Table Grid"
    if header:
        cells = table.add_row().cells
        for i, name in enumerate(columns):
            cells[i].text = str(name)
            for run in cells[i].paragraphs[0].runs:
                run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = cell(value)
    doc.add_paragraph()


def report_docx(report: AnnualReport, lang: str = "zh") -> bytes:
    from sirenctl.reports.render import build_document

    return to_docx(build_document(report, lang, charts=True))
