"""Help text wrapped by display cells, breaking between Chinese characters.

Click wraps help at spaces and counts characters, so a Chinese paragraph (no spaces, each
character two cells wide) is one "word" cut at an arbitrary character: lines run to twice the
terminal width and ASCII tokens inside (``mains_fail``, ``--faults``) are split in two. This
formatter wraps by cells (rich's ``cell_len``), may break between any two CJK characters, and
never inside an ASCII word. English help wraps as before.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click
import click.formatting

# a CJK character or full-width punctuation is a chunk of its own; ASCII words stay whole
_CJK = "\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef"
_CHUNK = re.compile(rf"[{_CJK}]|\s+|[^\s{_CJK}]+")
_NO_LINE_START = set("，。、；：？！）》」』】,.;:?!)")


def cell_len(text: str) -> int:
    """Display cells of ``text``; rich is imported only when help is rendered, not on the
    cron path (run-due resolves its command through sirenctl/cli/localize.py)."""
    from rich.cells import cell_len as cells

    return cells(text)


class CellWrapper(textwrap.TextWrapper):
    def _split(self, text: str) -> list[str]:
        return _CHUNK.findall(text)

    def _wrap_chunks(self, chunks: list[str]) -> list[str]:
        lines: list[str] = []
        chunks.reverse()
        while chunks:
            indent = self.subsequent_indent if lines else self.initial_indent
            width = max(self.width - cell_len(indent), 1)
            if lines and chunks[-1].strip() == "":
                chunks.pop()
            line: list[str] = []
            used = 0
            while chunks:
                size = cell_len(chunks[-1])
                fits = used + size <= width
                # keep closing punctuation with the character before it
                if fits or (line and chunks[-1] in _NO_LINE_START and used + size <= width + 2):
                    line.append(chunks.pop())
                    used += size
                else:
                    break
            if chunks and not line:  # one word wider than the line: cut it by cells
                word, rest = _cut(chunks.pop(), width)
                line.append(word)
                if rest:
                    chunks.append(rest)
            if line and line[-1].strip() == "":
                line.pop()
            lines.append(indent + "".join(line))
        return lines


def _cut(word: str, width: int) -> tuple[str, str]:
    used = 0
    for index, char in enumerate(word):
        used += cell_len(char)
        if used > width:
            return word[: max(index, 1)], word[max(index, 1) :]
    return word, ""


def wrap_text(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """click.formatting.wrap_text's contract (paragraphs, ``\\b`` blocks kept as written)."""
    text = text.expandtabs()
    wrapper = CellWrapper(width, initial_indent=initial_indent, subsequent_indent=subsequent_indent)
    if not preserve_paragraphs:
        return wrapper.fill(text)
    out: list[str] = []
    for indent, raw, body in _paragraphs(text):
        pad = " " * indent
        if raw:
            out.append("\n".join(f"{initial_indent}{pad}{line}" for line in body.splitlines()))
        else:
            with _extra_indent(wrapper, pad):
                out.append(wrapper.fill(body))
    return "\n\n".join(out)


def _paragraphs(text: str) -> Iterator[tuple[int, bool, str]]:
    buf: list[str] = []
    indent: int | None = None
    for line in [*text.splitlines(), ""]:
        if line:
            if indent is None:
                indent = len(line) - len(line.lstrip())
            buf.append(line if buf else line.lstrip())
            continue
        if buf:
            if buf[0].strip() == "\b":
                yield indent or 0, True, "\n".join(buf[1:])
            else:
                yield indent or 0, False, _join([b.strip() for b in buf])
        buf, indent = [], None


def _join(lines: list[str]) -> str:
    """Join wrapped source lines: a space between ASCII words, none between CJK characters."""
    text = lines[0]
    for line in lines[1:]:
        cjk_seam = cell_len(text[-1:]) == 2 or cell_len(line[:1]) == 2
        text += line if cjk_seam else " " + line
    return text


@contextmanager
def _extra_indent(wrapper: CellWrapper, pad: str) -> Iterator[None]:
    initial, subsequent = wrapper.initial_indent, wrapper.subsequent_indent
    wrapper.initial_indent += pad
    wrapper.subsequent_indent += pad
    try:
        yield
    finally:
        wrapper.initial_indent, wrapper.subsequent_indent = initial, subsequent


@contextmanager
def _cell_wrapping() -> Iterator[None]:
    original = click.formatting.wrap_text
    click.formatting.wrap_text = wrap_text  # HelpFormatter's methods look it up at call time
    try:
        yield
    finally:
        click.formatting.wrap_text = original


class CellHelpFormatter(click.HelpFormatter):
    def write_text(self, text: str) -> None:
        with _cell_wrapping():
            super().write_text(text)

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        with _cell_wrapping():
            super().write_dl(rows, col_max, col_spacing)


class CellContext(click.Context):
    formatter_class = CellHelpFormatter
