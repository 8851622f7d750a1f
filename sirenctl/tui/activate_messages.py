"""What the LIVE activation screen's workers post to it (typed messages, UI thread)."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from sirenctl.services.activation import ActivationResult
from sirenctl.tui.activate_data import Armed, LiveUnit


class ActivationChoices(Message):
    """The live units and audible programmes to choose from."""

    def __init__(self, units: list[LiveUnit], programmes: list[Any]) -> None:
        super().__init__()
        self.units, self.programmes = units, programmes


class ActivationArmed(Message):
    def __init__(self, armed: Armed) -> None:
        super().__init__()
        self.armed = armed


class ActivationProblem(Message):
    """Arming or firing refused or failed (text says why); nothing more will be sent."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ActivationStep(Message):
    def __init__(self, tag: str, text: str, ok: bool) -> None:
        super().__init__()
        self.tag, self.text, self.ok = tag, text, ok


class ActivationFinished(Message):
    def __init__(self, result: ActivationResult | None) -> None:
        super().__init__()
        self.result = result
