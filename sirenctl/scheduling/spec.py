"""Loading TOML spec files with errors that name file, line and field.

``tomllib`` reports line numbers for syntax errors only. For a value that parses but is
wrong, :class:`KeyLocator` finds the line of the offending key by scanning the source for
table headers (``[a]``, ``[[a]]``) and ``key =`` lines.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sirenctl.i18n import L_
from sirenctl.scheduling.durations import parse_duration

PathPart = str | int

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_SYNTAX_LINE = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class SpecProblem:
    """One problem in one spec file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class SpecError(Exception):
    """One or more problems found while loading spec files; nothing was loaded."""

    def __init__(self, problems: Sequence[SpecProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _split_dotted(key: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", key)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


class KeyLocator:
    """Maps a key path such as ``("step", 2, "signal")`` to its line in the TOML source."""

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[PathPart, ...], int] = {}
        counters: dict[tuple[PathPart, ...], int] = {}
        table: tuple[PathPart, ...] = ()
        in_multiline: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if raw.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _HEADER.match(raw)
            if header and not _KEY.match(raw):
                names = tuple(_split_dotted(header.group(2)))
                if header.group(1) == "[[":
                    index = counters.get(names, 0)
                    counters[names] = index + 1
                    self._lines.setdefault(names, number)
                    table = (*names, index)
                else:
                    table = names
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(raw)
            if key:
                self._lines.setdefault((*table, *_split_dotted(key.group(1))), number)
                for quote in ('"""', "'''"):
                    if raw.count(quote) % 2 == 1:
                        in_multiline = quote

    def line(self, path: Sequence[PathPart]) -> int | None:
        """Line of ``path`` or of its nearest ancestor that has a line; None if none has."""
        parts = tuple(path)
        while parts:
            if parts in self._lines:
                return self._lines[parts]
            parts = parts[:-1]
        return None


def field_name(path: Sequence[PathPart]) -> str:
    """``("step", 2, "signal")`` -> ``step[3].signal`` (1-based like the file reads)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class SpecFile:
    """A parsed TOML file and a problem collector that knows its lines."""

    def __init__(self, path: Path | str, text: str | None = None) -> None:
        self.path = Path(path)
        self.name = str(path)
        self.problems: list[SpecProblem] = []
        self.data: dict[str, Any] = {}
        source = self.path.read_text(encoding="utf-8") if text is None else text
        try:
            self.data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            found = _SYNTAX_LINE.search(str(exc))
            message = _SYNTAX_LINE.sub("", str(exc)).strip()
            self.problems.append(
                SpecProblem(
                    self.name, int(found.group(1)) if found else None, "", f"TOML syntax: {message}"
                )
            )
        self._locator = KeyLocator(source)

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self, path: Sequence[PathPart]) -> int | None:
        """The source line of a key path (or of its nearest ancestor)."""
        return self._locator.line(path)

    def problem(self, path: Sequence[PathPart], message: str) -> None:
        self.problems.append(
            SpecProblem(self.name, self._locator.line(path), field_name(path), message)
        )

    def raise_if_problems(self) -> None:
        if self.problems:
            raise SpecError(self.problems)


class Fields:
    """Typed access to one table of a :class:`SpecFile`; wrong values become problems.

    Each getter returns ``None`` (after recording a problem) when the value is missing or
    has the wrong type, so a loader can collect every problem of a file in one pass.
    """

    def __init__(
        self, spec: SpecFile, table: dict[str, Any], path: Sequence[PathPart] = ()
    ) -> None:
        self.spec = spec
        self.table = table
        self.path = tuple(path)
        self.used: set[str] = set()

    def at(self, key: PathPart) -> tuple[PathPart, ...]:
        return (*self.path, key)

    def problem(self, key: PathPart, message: str) -> None:
        self.spec.problem(self.at(key), message)

    def get(
        self,
        key: str,
        kind: type | tuple[type, ...],
        *,
        required: bool = False,
        default: Any = None,
    ) -> Any:
        self.used.add(key)
        if key not in self.table:
            if required:
                self.spec.problem(self.at(key) if self.path else (key,), L_("is required"))
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            value_ok = False
        else:
            value_ok = isinstance(value, kinds)
        if not value_ok:
            wanted = " or ".join(_type_word(k) for k in kinds)
            self.problem(
                key,
                L_(
                    "must be {wanted}, got {value} {value2!r}",
                    wanted=wanted,
                    value=_type_word(type(value)),
                    value2=value,
                ),
            )
            return None
        return value

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        value: str | None = self.get(key, str, required=required, default=default)
        if required and value is not None and not value.strip():
            self.problem(key, L_("must not be empty"))
            return None
        return value

    def integer(
        self,
        key: str,
        *,
        required: bool = False,
        default: int | None = None,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        value: int | None = self.get(key, int, required=required, default=default)
        if value is None or key not in self.table:
            return value
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"{low}..{high}" if high is not None else f">= {low}"
            self.problem(key, L_("must be {bounds}, got {value}", bounds=bounds, value=value))
            return None
        return value

    def duration(
        self, key: str, *, required: bool = False, default: int | None = None
    ) -> int | None:
        """Whole seconds from ``"3m"``-style text or an integer number of seconds."""
        value = self.get(key, (str, int), required=required)
        if key not in self.table or value is None:
            return default if key not in self.table else None
        try:
            return parse_duration(value)
        except ValueError as exc:
            self.problem(key, str(exc))
            return None

    def choice(
        self,
        key: str,
        choices: Sequence[str],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        value = self.text(key, required=required, default=default)
        if value is not None and value not in choices:
            self.problem(
                key,
                L_(
                    "must be one of {value}; got {value2!r}", value=", ".join(choices), value2=value
                ),
            )
            return None
        return value

    def strings(self, key: str) -> list[str]:
        value = self.get(key, (list, str), default=[])
        if value is None:
            return []
        items = [value] if isinstance(value, str) else value
        if not all(isinstance(v, str) and v for v in items):
            self.problem(key, L_("must be a list of non-empty strings"))
            return []
        return list(items)

    def tables(self, key: str, *, required: bool = False) -> Iterator[Fields]:
        value = self.get(key, list, required=required, default=[])
        for index, item in enumerate(value or []):
            if not isinstance(item, dict):
                self.spec.problem((*self.at(key), index), L_("must be a table"))
                continue
            yield Fields(self.spec, item, (*self.at(key), index))

    def sub(self, key: str, *, required: bool = False) -> Fields | None:
        value = self.get(key, dict, required=required)
        return None if value is None else Fields(self.spec, value, self.at(key))

    def reject_unknown(self) -> None:
        """Unknown keys are errors (a typo must not silently change a schedule)."""
        for key in self.table:
            if key not in self.used:
                self.problem(key, L_("unknown field"))


def _type_word(kind: type) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
    }.get(kind, kind.__name__)


class Keyed(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def source(self) -> str: ...


K = TypeVar("K", bound=Keyed)


def load_keyed(paths: Iterable[Path], load_one: Callable[[Path], K], what: str) -> dict[str, K]:
    """Load one object per file, keyed by name; every problem of every file is reported together."""
    out: dict[str, K] = {}
    problems: list[SpecProblem] = []
    for path in paths:
        try:
            item = load_one(path)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        if item.key in out:
            problems.append(
                SpecProblem(
                    str(path),
                    None,
                    "",
                    f"{what} {item.key!r} is also defined in {out[item.key].source}",
                )
            )
        out[item.key] = item
    if problems:
        raise SpecError(problems)
    return out
