"""A printable rectification notice: preview (Markdown, Chinese or English) and save as a file
(``.html`` for printing from a browser, ``.md`` for pasting), as `sirenctl notice print` does."""

from __future__ import annotations

import os
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Markdown, Static

from sirenctl.i18n import _
from sirenctl.tui.base import SirenModal, post_result
from sirenctl.tui.notices_data import WorkflowService


def write_atomically(path: Path, text: str) -> None:
    """No half-written file on error."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


class NoticeRendered(Message):
    """The notice as Markdown, in the language asked for."""

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown


class NoticeSaved(Message):
    """The save worker wrote the file; ``text`` says where."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class PrintPreview(SirenModal):
    DEFAULT_CSS = """
    PrintPreview { align: center middle; }
    PrintPreview #print-box {
        width: 95%; max-width: 110; height: 95%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PrintPreview #print-doc { height: 1fr; }
    PrintPreview #print-save { height: 1; }
    PrintPreview #print-save Input { width: 1fr; }
    PrintPreview #print-save Button { margin-left: 2; }
    PrintPreview #print-message { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("l", "language", "中文/English", id="print.language"),
        Binding("ctrl+s", "save", "Save file", id="print.save"),
        Binding("escape", "close", "Close", id="print.close"),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.lang = "zh"

    def compose(self) -> ComposeResult:
        with Vertical(id="print-box") as box:
            box.border_title = _("Print {number}").format(number=self.number)
            box.border_subtitle = _("l language · ctrl+s save · esc close")
            with VerticalScroll(id="print-doc"):
                yield Markdown(_("loading…"), id="print-md")
            with Horizontal(id="print-save"):
                yield Input(
                    f"{self.number}.html",
                    id="print-path",
                    compact=True,
                    placeholder=_("file name: .html or .md"),
                )
                yield Button(_("Save"), id="save", variant="primary", compact=True)
            yield Static("", id="print-message")

    def on_mount(self) -> None:
        self.render_doc(self.lang)
        self.query_one("#print-doc").focus()

    def action_language(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.render_doc(self.lang)

    def action_close(self) -> None:
        self.dismiss(None)

    @work(thread=True, exit_on_error=False, exclusive=True, group="print-render")
    def render_doc(self, lang: str) -> None:
        text = WorkflowService.of(self.services).print_text(self.number, "md", lang)
        post_result(self, NoticeRendered(text))

    async def on_notice_rendered(self, message: NoticeRendered) -> None:
        await self.query_one("#print-md", Markdown).update(message.markdown)

    @on(Input.Submitted, "#print-path")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        raw = self.query_one("#print-path", Input).value.strip()
        if not raw:
            self.query_one("#print-message", Static).update(_("give a file name"))
            return
        self.save(Path(raw).expanduser(), self.lang)

    @work(thread=True, exit_on_error=False, exclusive=True, group="print-save")
    def save(self, path: Path, lang: str) -> None:
        fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "html"
        text = WorkflowService.of(self.services).print_text(self.number, fmt, lang)
        write_atomically(path, text)
        message = _("saved {path} ({format})").format(path=path.resolve(), format=fmt)
        post_result(self, NoticeSaved(message))

    def on_notice_saved(self, message: NoticeSaved) -> None:
        self.query_one("#print-message", Static).update(message.text)
