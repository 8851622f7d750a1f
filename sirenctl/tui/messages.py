"""Typed messages that several screens' workers post (handled on the UI thread); each screen's own
messages live next to it. Workers post with ``post_result`` (sirenctl/tui/base.py)."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from sirenctl.registry.errors import ValidationFailed
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


class FormProblems(Message):
    """A form's values were refused; nothing was saved."""

    def __init__(self, problems: ValidationFailed) -> None:
        super().__init__()
        self.problems = problems


class FormMessage(Message):
    """The line under a form's fields."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class FormSaved(Message):
    """A form was saved: what the form dismisses with, and the notification's text."""

    def __init__(self, result: Any, text: str) -> None:
        super().__init__()
        self.result, self.text = result, text
