"""The schedule library: signals, programmes and campaigns from a schedules directory.

Layout of a directory (the shipped one is the ``sirenctl.schedules`` package)::

    signals.toml            [[signal]] tables (optional)
    programmes/NAME.toml    one programme per file
    campaigns/NAME.toml     one campaign per file

The shipped signals and programmes are always available; a user directory adds to them
(a programme of the same name replaces the shipped one). Campaigns come from the chosen
directory only: users copy the shipped campaigns they want and edit them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sirenctl.i18n import L_
from sirenctl.scheduling.campaigns import Campaign, load_campaigns
from sirenctl.scheduling.programmes import Programme, load_programmes
from sirenctl.scheduling.signals import SignalLibrary, load_signal_library
from sirenctl.scheduling.spec import SpecError, SpecProblem


def shipped_dir() -> Path:
    """The installed ``sirenctl.schedules`` package, or ``schedules/`` of a source checkout."""
    try:
        import sirenctl.schedules

        return Path(sirenctl.schedules.__file__).parent
    except ModuleNotFoundError:
        import sirenctl

        checkout = Path(sirenctl.__file__).resolve().parent.parent / "schedules"
        if (checkout / "__init__.py").is_file():
            return checkout
        raise


@dataclass
class Library:
    signals: SignalLibrary
    programmes: dict[str, Programme]
    campaigns: dict[str, Campaign]
    directory: Path

    def programme(self, key: str) -> Programme:
        try:
            return self.programmes[key]
        except KeyError:
            raise KeyError(
                L_(
                    "unknown programme {key!r}; known: {value}",
                    key=key,
                    value=", ".join(sorted(self.programmes)),
                )
            ) from None


def _files(directory: Path, pattern: str) -> list[Path]:
    return sorted(directory.glob(pattern))


def load_library(directory: Path | str | None = None) -> Library:
    """Load and validate everything; raises :class:`SpecError` listing every problem."""
    base = shipped_dir()
    chosen = Path(directory) if directory is not None else base
    if not chosen.is_dir():
        raise SpecError([SpecProblem(str(chosen), None, "", "no such schedules directory")])
    problems: list[SpecProblem] = []
    own_signals = _files(chosen, "signals.toml") if chosen != base else []
    try:
        signals = load_signal_library(_files(base, "signals.toml"), own_signals)
    except SpecError as exc:
        problems.extend(exc.problems)
        signals = SignalLibrary()
    programmes: dict[str, Programme] = {}
    for folder in dict.fromkeys([base, chosen]):
        try:
            programmes.update(load_programmes(_files(folder / "programmes", "*.toml"), signals))
        except SpecError as exc:
            problems.extend(exc.problems)
    campaigns: dict[str, Campaign] = {}
    try:
        campaigns = load_campaigns(_files(chosen / "campaigns", "*.toml"), programmes)
    except SpecError as exc:
        problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    return Library(signals, programmes, campaigns, chosen)
