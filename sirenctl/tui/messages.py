"""Typed messages that several screens' workers post (handled on the UI thread); each screen's own
messages live next to it. Workers post with ``post_result`` (sirenctl/tui/base.py)."""

from __future__ import annotations

from textual.message import Message

from sirenctl.tui.data import Page


class PageLoaded(Message):
    """One page of a paged table (assets, audit log, findings)."""

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page


class SitesLoaded(Message):
    """The site choices (value, label) for a site filter or field."""

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = choices
