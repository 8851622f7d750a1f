"""A tiny document model (headings, paragraphs, key/value lists, tables, figures) rendered to
Markdown or to one self-contained HTML page. The annual report and the printable notice use it."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class KeyValues:
    pairs: Sequence[tuple[str, Any]]


@dataclass(frozen=True)
class Table:
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    caption: str | None = None


@dataclass(frozen=True)
class Figure:
    """An inline SVG chart; Markdown shows its caption and leaves the numbers to a table."""

    svg: str
    caption: str


@dataclass(frozen=True)
class Signatures:
    labels: Sequence[str]


Block = Heading | Para | KeyValues | Table | Figure | Signatures


@dataclass
class Document:
    title: str
    lang: str = "zh"
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self


def cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _md_cell(value: Any) -> str:
    return cell(value).replace("|", "\\|").replace("\n", "<br>")


def to_markdown(doc: Document) -> str:
    out = [f"# {doc.title}", ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {block.text}", ""]
        elif isinstance(block, Para):
            out += [block.text, ""]
        elif isinstance(block, KeyValues):
            out += [f"- **{k}**: {_md_cell(v)}" for k, v in block.pairs] + [""]
        elif isinstance(block, Table):
            if block.caption:
                out += [f"*{block.caption}*", ""]
            out.append("| " + " | ".join(_md_cell(c) for c in block.columns) + " |")
            out.append("|" + "|".join("---" for _ in block.columns) + "|")
            out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in block.rows]
            out.append("")
        elif isinstance(block, Figure):
            out += [f"*{block.caption}*", ""]
        elif isinstance(block, Signatures):
            out += ["", "  ".join(f"{label}：________" for label in block.labels), ""]
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;
max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{text-align:center}table{border-collapse:collapse;margin:.5rem 0 1rem}
th,td{border:1px solid #999;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right}dl{display:grid;grid-template-columns:max-content auto;
gap:.2rem 1rem}dt{font-weight:bold}figure{margin:1rem 0}figcaption{font-style:italic}
.sign{display:flex;gap:3rem;margin-top:3rem}.sign span{border-top:1px solid #000;min-width:10rem;
padding-top:.3rem}@media print{body{margin:0}}
"""


def _html_cell(value: Any, tag: str = "td") -> str:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    cls = ' class="n"' if numeric and tag == "td" else ""
    return f"<{tag}{cls}>{html.escape(cell(value))}</{tag}>"


def to_html(doc: Document) -> str:
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(doc.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{esc(doc.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(doc.title)}</h1>",
    ]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            out.append(f"<p>{esc(block.text)}</p>")
        elif isinstance(block, KeyValues):
            out.append(
                "<dl>"
                + "".join(f"<dt>{esc(k)}</dt><dd>{esc(cell(v))}</dd>" for k, v in block.pairs)
                + "</dl>"
            )
        elif isinstance(block, Table):
            caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
            head = "".join(_html_cell(c, "th") for c in block.columns)
            body = "".join(
                "<tr>" + "".join(_html_cell(v) for v in row) + "</tr>" for row in block.rows
            )
            out.append(
                f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
        elif isinstance(block, Figure):
            out.append(f"<figure>{block.svg}<figcaption>{esc(block.caption)}</figcaption></figure>")
        elif isinstance(block, Signatures):
            out.append(
                '<div class="sign">'
                + "".join(f"<span>{esc(label)}</span>" for label in block.labels)
                + "</div>"
            )
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render(doc: Document, fmt: str) -> str:
    if fmt == "md":
        return to_markdown(doc)
    if fmt == "html":
        return to_html(doc)
    raise ValueError(f"unknown document format {fmt!r}")
