"""Reading a year's official holiday arrangement: a small TOML file, a text file, or options.

TOML (``sirenctl holidays set 2027 --file 2027.toml``)::

    year = 2027
    country = "CN"                         # default CN
    source = "国务院办公厅关于2027年部分节假日安排的通知"
    [[holiday]]
    name = "春节"
    off = "2027-02-05..2027-02-12"         # a day, a range FIRST..LAST, or a list of them
    workdays = ["2027-01-31", "2027-02-13"]  # adjusted working days (调休上班), weekends only

Text (``sirenctl holidays import 2027.txt``), one entry a line, ``#`` starts a comment::

    year 2027
    country CN
    source 国务院办公厅关于2027年部分节假日安排的通知
    2027-02-05..2027-02-12 off 春节
    2027-01-31 work 春节调休上班

Every problem names its file and line (or option) and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from sirenctl.i18n import L_
from sirenctl.scheduling.holiday_calendar import HOLIDAY, WORKDAY, DayEntry
from sirenctl.scheduling.holidays_db import Arrangement
from sirenctl.scheduling.spec import Fields, SpecError, SpecFile, SpecProblem

MAX_BREAK_DAYS = 15


def parse_days(text: str) -> list[date]:
    """``2027-02-05`` or ``2027-02-05..2027-02-12`` (inclusive); ValueError with a message."""
    first_text, _, last_text = text.strip().partition("..")
    try:
        first = date.fromisoformat(first_text.strip())
        last = date.fromisoformat(last_text.strip()) if last_text else first
    except ValueError:
        raise ValueError(
            L_("{text!r}: expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD", text=text)
        ) from None
    if last < first:
        raise ValueError(L_("{text!r}: the last day is before the first", text=text))
    if (last - first).days >= MAX_BREAK_DAYS:
        raise ValueError(
            L_(
                "{text!r}: a break of more than {MAX_BREAK_DAYS} days is not plausible",
                text=text,
                MAX_BREAK_DAYS=MAX_BREAK_DAYS,
            )
        )
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class _Collector:
    """Days of one arrangement with their origin, checked against the year."""

    def __init__(self, name: str, year: int | None) -> None:
        self.name = name
        self.year = year
        self.problems: list[SpecProblem] = []
        self.entries: dict[date, DayEntry] = {}

    def problem(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(SpecProblem(self.name, line, field, message))

    def add(self, spec: str, kind: str, label: str, line: int | None, field: str) -> None:
        try:
            days = parse_days(spec)
        except ValueError as exc:
            self.problem(line, field, str(exc))
            return
        for day in days:
            if self.year is not None and day.year != self.year:
                self.problem(line, field, L_("{day} is not in {year}", day=day, year=self.year))
                return
            if kind == WORKDAY and day.weekday() < 5:
                self.problem(
                    line,
                    field,
                    L_(
                        "{day} is a {value}: an adjusted working day is a weekend day",
                        day=day,
                        value=day.strftime("%A"),
                    ),
                )
                return
            known = self.entries.get(day)
            if known is not None and known.kind != kind:
                self.problem(
                    line,
                    field,
                    L_("{day} is given both as a day off and as a working day", day=day),
                )
                return
            self.entries[day] = DayEntry(day, kind, label)

    def result(self, country: str, source: str) -> Arrangement:
        if not self.entries and not self.problems:
            self.problem(None, "", L_("no days off or adjusted working days given"))
        if self.problems:
            raise SpecError(self.problems)
        assert self.year is not None
        return Arrangement(
            country, self.year, source, tuple(sorted(self.entries.values(), key=lambda e: e.day))
        )


def from_options(
    year: int, country: str, source: str, off: Sequence[str], workdays: Sequence[str], name: str
) -> Arrangement:
    """``--off 2027-02-05..2027-02-12=春节 --workday 2027-01-31=春节``; a value without
    ``=NAME`` takes ``name``. Together they are the whole year's arrangement."""
    days = _Collector("command line", year)
    for value in off:
        spec, _, label = value.partition("=")
        days.add(spec, HOLIDAY, label.strip() or name, None, "--off")
    for value in workdays:
        spec, _, label = value.partition("=")
        days.add(spec, WORKDAY, f"{label.strip() or name}调休上班", None, "--workday")
    return days.result(_country(days, country, None), source)


def _country(days: _Collector, value: str, line: int | None) -> str:
    code = value.strip().upper()
    if not (len(code) == 2 and code.isalpha()):
        days.problem(
            line, "country", L_("must be an ISO 3166 code such as CN, got {value!r}", value=value)
        )
    return code


def _as_list(value: object) -> list[str] | None:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return None
    return list(items)


def from_toml(path: Path | str, text: str | None = None, year: int | None = None) -> Arrangement:
    """The TOML form (see the module docstring); raises :class:`SpecError`."""
    spec = SpecFile(path, text)
    spec.raise_if_problems()
    top = Fields(spec, spec.data)
    file_year = top.integer("year", required=year is None, low=1900, high=2200)
    if year is not None and file_year is not None and file_year != year:
        top.problem(
            "year",
            L_(
                "the file is for {file_year}, the command line says {year}",
                file_year=file_year,
                year=year,
            ),
        )
    country = top.text("country", default="CN") or "CN"
    source = top.text("source", default="") or ""
    days = _Collector(spec.name, year or file_year)
    for entry in top.tables("holiday", required=True):
        name = entry.text("name", required=True) or ""
        for key, kind in (("off", HOLIDAY), ("workdays", WORKDAY)):
            value = entry.get(key, (str, list), default=[])
            items = _as_list(value) if value is not None else []
            if items is None:
                entry.problem(key, L_("must be a date, a range FIRST..LAST, or a list of them"))
                continue
            line = spec.line(entry.at(key))
            for item in items:
                label = name if kind == HOLIDAY else f"{name}调休上班"
                days.add(item, kind, label, line, _field(entry, key))
        entry.reject_unknown()
    top.reject_unknown()
    days.problems[:0] = spec.problems
    code = _country(days, country, spec.line(("country",)))
    return days.result(code, source)


def _field(entry: Fields, key: str) -> str:
    from sirenctl.scheduling.spec import field_name

    return field_name(entry.at(key))


def from_text(path: Path | str, text: str | None = None, year: int | None = None) -> Arrangement:
    """The line form (see the module docstring); raises :class:`SpecError`."""
    name = str(path)
    source_text = Path(path).read_text(encoding="utf-8") if text is None else text
    lines = list(_numbered(source_text))
    header: dict[str, tuple[str, int]] = {}
    for number, line in lines:
        word, _, rest = line.partition(" ")
        if word in ("year", "country", "source"):
            header[word] = (rest.strip(), number)
    file_year = year
    probe = _Collector(name, None)
    if "year" in header:
        value, number = header["year"]
        if not value.isdigit():
            probe.problem(
                number, "year", L_("expected a year such as 2027, got {value!r}", value=value)
            )
        elif year is not None and int(value) != year:
            probe.problem(
                number,
                "year",
                L_("the file is for {value}, the command line says {year}", value=value, year=year),
            )
        else:
            file_year = int(value)
    if file_year is None and not probe.problems:
        probe.problem(None, "year", L_("is required (a line `year 2027`)"))
    if probe.problems:
        raise SpecError(probe.problems)
    days = _Collector(name, file_year)
    for number, line in lines:
        word = line.split(" ", 1)[0]
        if word in ("year", "country", "source"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 3 or parts[1] not in ("off", "work"):
            days.problem(
                number, "", L_("expected `DATE[..DATE] off|work NAME`, got {line!r}", line=line)
            )
            continue
        kind = HOLIDAY if parts[1] == "off" else WORKDAY
        days.add(parts[0], kind, parts[2].strip(), number, parts[1])
    country_value, country_line = header.get("country", ("CN", 0))
    code = _country(days, country_value, country_line or None)
    return days.result(code, header.get("source", ("", 0))[0])


def _numbered(text: str) -> Iterable[tuple[int, str]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            yield number, line
