"""Errors raised by registry services; the CLI maps each to an exit code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str
    line: int | None = None
    value: str | None = None

    def __str__(self) -> str:
        from sirenctl.i18n import _, localized

        where = _("line {line}: ").format(line=self.line) if self.line is not None else ""
        shown = (
            _(" (got {value!r})").format(value=self.value) if self.value not in (None, "") else ""
        )
        return f"{where}{self.field}: {localized(self.message)}{shown}"


class RegistryError(Exception):
    """Base class of registry errors."""


class NotFound(RegistryError):
    pass


class Conflict(RegistryError):
    pass


class ValidationFailed(RegistryError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
