"""The signal library: national signals (fixed by law), local disaster signals and foreign
presets (data in ``schedules/signals.toml``).

Every signal carries the controller function code used on the wire, shared with the
driver layer: 1 pre-alert, 2 air raid, 3 all clear, 4 growl, 5 silent test; 10 and above
are configurable signals that a controller must be set up to play.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sirenctl.i18n import L_, in_language
from sirenctl.scheduling.spec import Fields, SpecError, SpecFile, SpecProblem

PRE_ALERT, AIR_RAID, ALL_CLEAR, GROWL, SILENT_TEST = 1, 2, 3, 4, 5
FIRST_CONFIGURABLE_CODE = 10
MAX_CODE = 99
TONES = ("intermittent", "steady", "wail", "silent")


@dataclass(frozen=True)
class Signal:
    """A sound pattern: ``segments`` of (on, off) seconds, played ``repeat`` times per cycle."""

    key: str
    code: int
    title: str
    tone: str
    segments: tuple[tuple[int, int], ...]
    repeat: int = 1
    max_cycles: int = 10
    builtin: bool = field(default=False, compare=False)
    title_zh: str = ""  # the title in Chinese (``title_zh`` in the file), shown in Chinese

    @property
    def shown_title(self) -> str:
        return in_language(self.title, self.title_zh)

    @property
    def audible(self) -> bool:
        return self.tone != "silent"

    @property
    def cycle_seconds(self) -> int:
        return self.repeat * sum(on + off for on, off in self.segments)

    def sound_offsets(self, cycles: int = 1, cycle_gap: int = 0) -> list[tuple[int, int]]:
        """(start, stop) seconds of sound from the signal's start; adjacent tones merge."""
        spans: list[tuple[int, int]] = []
        clock = 0
        for cycle in range(cycles):
            if cycle:
                clock += cycle_gap
            for _ in range(self.repeat):
                for on, off in self.segments:
                    if on and self.audible:
                        if spans and spans[-1][1] == clock:
                            spans[-1] = (spans[-1][0], clock + on)
                        else:
                            spans.append((clock, clock + on))
                    clock += on + off
        return spans

    def pattern_text(self) -> str:
        parts = ", ".join(
            f"{on} s on" + (f", {off} s off" if off else "") for on, off in self.segments
        )
        times = f" x{self.repeat}" if self.repeat > 1 else ""
        return f"{self.tone}: {parts}{times} = {self.cycle_seconds} s per cycle"


NATIONAL: tuple[Signal, ...] = (
    Signal(
        "pre-alert",
        PRE_ALERT,
        "预先警报 pre-alert",
        "intermittent",
        ((36, 24),),
        3,
        builtin=True,
        title_zh="预先警报",
    ),
    Signal(
        "air-raid",
        AIR_RAID,
        "空袭警报 air raid",
        "intermittent",
        ((6, 6),),
        15,
        builtin=True,
        title_zh="空袭警报",
    ),
    Signal(
        "all-clear",
        ALL_CLEAR,
        "解除警报 all clear",
        "steady",
        ((180, 0),),
        1,
        builtin=True,
        title_zh="解除警报",
    ),
    Signal(
        "growl",
        GROWL,
        "growl test (5 s per cycle, 1-5 cycles)",
        "steady",
        ((5, 0),),
        1,
        max_cycles=5,
        builtin=True,
        title_zh="短鸣测试（每遍 5 秒，1–5 遍）",
    ),
    Signal(
        "silent-test",
        SILENT_TEST,
        "silent self-test (no sound)",
        "silent",
        ((10, 0),),
        1,
        max_cycles=1,
        builtin=True,
        title_zh="静默自检（不发声）",
    ),
)


class SignalLibrary:
    """Signals by key and by code; the national ones are always present and cannot be redefined."""

    def __init__(self, signals: Iterable[Signal] = ()) -> None:
        self._by_key: dict[str, Signal] = {}
        self._by_code: dict[int, Signal] = {}
        for signal in (*NATIONAL, *signals):
            self._by_key[signal.key] = signal
            self._by_code[signal.code] = signal

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[Signal]:
        return iter(sorted(self._by_key.values(), key=lambda s: s.code))

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, key: str) -> Signal:
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(L_("unknown signal {key!r}", key=key)) from None

    def by_code(self, code: int) -> Signal:
        return self._by_code[code]

    def has_code(self, code: int) -> bool:
        return code in self._by_code


def _parse_segments(fields: Fields) -> tuple[tuple[int, int], ...] | None:
    raw = fields.get("segments", list, required=True)
    if raw is None:
        return None
    segments = []
    for item in raw:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in item)
        ):
            fields.problem(
                "segments", L_("must be a list of [on, off] pairs of whole seconds >= 0")
            )
            return None
        segments.append((item[0], item[1]))
    if not segments or sum(on for on, _ in segments) == 0:
        fields.problem("segments", L_("must contain at least one sound (on > 0)"))
        return None
    return tuple(segments)


def load_signal_file(
    path: Path | str,
    library: SignalLibrary | None = None,
    text: str | None = None,
    replaceable: frozenset[str] = frozenset(),
) -> list[Signal]:
    """Signals from a file of ``[[signal]]`` tables; raises :class:`SpecError`.

    Keys in ``replaceable`` (shipped signals, when this is the user's own copy) may be defined
    again: the new definition replaces the shipped one, and may keep its code.
    """
    spec = SpecFile(path, text)
    known = library or SignalLibrary()
    seen_keys: set[str] = set()
    seen_codes: set[int] = set()
    signals: list[Signal] = []
    if spec.ok:
        top = Fields(spec, spec.data)
        for entry in top.tables("signal", required=True):
            key = entry.text("key", required=True)
            code = entry.integer("code", required=True, low=FIRST_CONFIGURABLE_CODE, high=MAX_CODE)
            title = entry.text("title", required=True)
            title_zh = entry.text("title_zh", default="") or ""
            tone = entry.choice("tone", TONES, required=True)
            segments = _parse_segments(entry)
            repeat = entry.integer("repeat", default=1, low=1, high=100)
            max_cycles = entry.integer("max_cycles", default=10, low=1, high=100)
            entry.reject_unknown()
            replacing = key in replaceable and key not in seen_keys
            if key is not None and not replacing and (key in seen_keys or key in known):
                entry.problem("key", L_("signal {key!r} is already defined", key=key))
                key = None
            if code is not None and (
                code in seen_codes
                or (known.has_code(code) and not (replacing and known.by_code(code).key == key))
            ):
                entry.problem("code", L_("code {code} is already used", code=code))
                code = None
            if None in (key, code, title, tone, segments, repeat, max_cycles):
                continue
            assert key is not None and code is not None and title and tone and segments
            seen_keys.add(key)
            seen_codes.add(code)
            signals.append(
                Signal(
                    key,
                    code,
                    title,
                    tone,
                    segments,
                    repeat or 1,
                    max_cycles or 10,
                    title_zh=title_zh,
                )
            )
        top.reject_unknown()
    spec.raise_if_problems()
    return signals


def load_signal_library(paths: Iterable[Path], overrides: Iterable[Path] = ()) -> SignalLibrary:
    """The national signals plus those of every file; all problems of all files together.

    ``overrides`` (a user's schedules directory) may redefine the signals of ``paths`` (the
    shipped ones), so a copied and edited ``signals.toml`` works; national signals stay fixed.
    """
    library = SignalLibrary()
    problems: list[SpecProblem] = []
    for path in paths:
        try:
            library = SignalLibrary([*library, *load_signal_file(path, library)])
        except SpecError as exc:
            problems.extend(exc.problems)
    shipped = frozenset(s.key for s in library if not s.builtin)
    for path in overrides:
        try:
            new = load_signal_file(path, library, replaceable=shipped)
            redefined = {s.key for s in new}
            library = SignalLibrary([*(s for s in library if s.key not in redefined), *new])
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    return library
