"""Help: every key binding with its id (ids are what a keymap file remaps)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sirenctl.i18n import N_, _, pgettext
from sirenctl.tui.base import human_key, localize_bindings

INTRO = N_(
    "Keys work without a mouse; Ctrl+P opens the command palette. Remap any key by its id in "
    "a keymap file (see docs/tui.md). Live sirens sound only from the red LIVE activation "
    "screen (!), armed by authenticated people; the bench test only offers bench units, F9 "
    "stops a playing bench test and F12 stops every unit, from any screen."
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll {
        width: 90%; max-width: 100; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[Binding]]], keymap: dict[str, str]) -> None:
        super().__init__()
        localize_bindings(self)
        self.sections = sections
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = _("Help: keys and their ids")
            scroll.border_subtitle = _("esc to close")
            yield Static(Text(_(INTRO)), id="help-intro")
            yield Static(self.table(), id="help-keys")

    def table(self) -> Table:
        table = Table(expand=True, box=None, padding=(0, 1))
        table.add_column(_("where"), style="dim", no_wrap=True)
        table.add_column(pgettext("keyboard", "key"), style="bold", no_wrap=True)
        table.add_column(_("action"))
        table.add_column(pgettext("binding id", "id"), style="dim", no_wrap=True)
        for section, bindings in self.sections:
            for binding in bindings:
                key = self.keymap.get(binding.id or "", binding.key)
                shown = (
                    binding.key_display
                    if binding.key_display and not self.keymap.get(binding.id or "")
                    else human_key(key)
                )
                table.add_row(section, shown, _(binding.description), binding.id or "")
        return table
