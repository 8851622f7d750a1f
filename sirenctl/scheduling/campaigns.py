"""Campaign (schedule) files: what to do, to which assets, when, and what counts as on time.

One file per campaign in ``schedules/campaigns/NAME.toml``; see docs/scheduling.md for
every field. The key of a campaign is its file name without ``.toml``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sirenctl.i18n import L_, in_language
from sirenctl.models.enums import AssetKind
from sirenctl.scheduling.durations import parse_duration
from sirenctl.scheduling.programmes import Programme
from sirenctl.scheduling.rules import DaySpec, WhenRule, parse_day_spec, parse_when
from sirenctl.scheduling.spec import Fields, SpecFile, SpecProblem, load_keyed
from sirenctl.scheduling.tasks import CHECKLIST_TASKS, SOUNDING_TASKS, Task

TASKS = tuple(t.value for t in Task)
HOLIDAY_POLICIES = ("ignore", "skip", "move", "postpone")
MAX_POSTPONE_DAYS = 27  # a postponed monthly test stays within about a month
DEFAULT_TIMEZONE = "Asia/Shanghai"
MAX_SOUNDING_WINDOW = (
    15 * 60
)  # a sounding later than this is worse than none (docs/development.md, "Safety")
MAX_GROWL_SECONDS = 25
#: A sounding's default window: run-due starts it up to 2 minutes after its due time, then marks
#: it missed (an alarm). A campaign may set ``window`` up to MAX_SOUNDING_WINDOW: docs/scheduling.md.
SOUNDING_WINDOW_S = 120
DEFAULT_WINDOW: dict[str, int] = {
    Task.TRIAL_SOUNDING: SOUNDING_WINDOW_S,
    Task.GROWL_TEST: SOUNDING_WINDOW_S,
    Task.SILENT_TEST: 3600,
    Task.MANUAL_CHECK: 7 * 86400,
    Task.INSPECTION: 7 * 86400,
    Task.DRILL: 86400,
}


@dataclass(frozen=True)
class Selector:
    """Which assets: all, or those matching every given list (any item within a list)."""

    all: bool = False
    kinds: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # asset tags, shell-style patterns such as "HC-*"

    def matches(self, kind: str, site_code: str, tag: str) -> bool:
        if self.all:
            return True
        return (
            (not self.kinds or kind in self.kinds)
            and (not self.sites or site_code in self.sites)
            and (not self.tags or any(fnmatchcase(tag, p) for p in self.tags))
        )

    def describe(self) -> str:
        if self.all:
            return "all assets"
        parts = [
            f"{name}={','.join(values)}"
            for name, values in (("kind", self.kinds), ("site", self.sites), ("tag", self.tags))
            if values
        ]
        return " and ".join(parts)


@dataclass(frozen=True)
class Campaign:
    key: str
    title: str
    task: str
    assets: Selector
    when: WhenRule
    timezone: str = DEFAULT_TIMEZONE
    window: int = 0  # seconds after the due time in which execution counts as on time
    programme: str | None = None
    checklist: tuple[str, ...] = ()
    holiday_policy: str = "ignore"
    holiday_country: str = "CN"
    enabled: bool = True
    description: str = ""
    source: str = field(default="", compare=False)  # the file it was loaded from
    citation: str = ""  # the ``source`` field: issuing body, year, title of the rule's notice
    verified: bool = True  # false: the citation does not confirm every detail (see ``note``)
    note: str = ""  # shown with the campaign (e.g. a planned phase-out)
    postpone: tuple[int, ...] = ()  # "postpone" policy: day offsets tried in order
    skip_days: tuple[DaySpec, ...] = ()  # days on which it never runs, whatever the holidays
    title_zh: str = ""  # the title in Chinese (``title_zh`` in the file), shown in Chinese

    @property
    def shown_title(self) -> str:
        return in_language(self.title, self.title_zh)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sounding(self) -> bool:
        return self.task in SOUNDING_TASKS


def load_campaign(
    path: Path | str, programmes: dict[str, Programme], text: str | None = None
) -> Campaign:
    """One campaign file, checked against the known programmes; raises :class:`SpecError`."""
    spec = SpecFile(path, text)
    campaign = _parse(spec, Path(path).stem, programmes) if spec.ok else None
    spec.raise_if_problems()
    assert campaign is not None
    return campaign


def _parse(spec: SpecFile, key: str, programmes: dict[str, Programme]) -> Campaign | None:
    top = Fields(spec, spec.data)
    title = top.text("title", required=True)
    title_zh = top.text("title_zh", default="") or ""
    task = top.choice("task", TASKS, required=True)
    description = top.text("description", default="") or ""
    enabled = top.get("enabled", bool, default=True)
    zone_name = top.text("timezone", default=DEFAULT_TIMEZONE) or DEFAULT_TIMEZONE
    zone = None
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        top.problem(
            "timezone",
            L_(
                "unknown time zone {zone_name!r} (e.g. Asia/Shanghai, Europe/Berlin)",
                zone_name=zone_name,
            ),
        )
    window = top.duration("window", default=DEFAULT_WINDOW.get(task or "", 3600))
    policy = top.choice("holiday_policy", HOLIDAY_POLICIES, default="ignore")
    citation = top.text("source", default="") or ""
    verified = top.get("verified", bool, default=True)
    note = top.text("note", default="") or ""
    postpone = _parse_postpone(top, policy)
    skip_days = _parse_skip_days(top)
    country = top.text("holiday_country", default="CN") or "CN"
    if not (len(country) == 2 and country.isalpha() and country.isupper()):
        top.problem(
            "holiday_country",
            L_("must be an ISO 3166 country code such as CN, got {country!r}", country=country),
        )
    programme = _check_programme(top, task, programmes)
    checklist = tuple(top.strings("checklist"))
    if task in CHECKLIST_TASKS and not checklist and "checklist" not in top.table:
        top.problem(
            "checklist",
            L_("is required for {task} (the questions a technician answers)", task=task),
        )
    if task in SOUNDING_TASKS and window is not None and window > MAX_SOUNDING_WINDOW:
        top.problem(
            "window",
            L_(
                (
                    "a sounding may start at most {value} min late (later is worse than "
                    "none); shorten the window"
                ),
                value=MAX_SOUNDING_WINDOW // 60,
            ),
        )
    selector = _parse_selector(top, task)
    when_fields = top.sub("when", required=True)
    when = parse_when(when_fields, zone) if when_fields else None
    top.reject_unknown()
    if None in (title, task, window, policy, selector, when, zone) or spec.problems:
        return None
    assert title and task and window is not None and policy and selector and when
    return Campaign(
        key,
        title,
        task,
        selector,
        when,
        zone_name,
        window,
        programme,
        checklist,
        policy,
        country,
        bool(enabled),
        description,
        spec.name,
        citation,
        verified is not False,
        note,
        postpone,
        skip_days,
        title_zh or "",
    )


def _parse_postpone(top: Fields, policy: str | None) -> tuple[int, ...]:
    """``postpone = ["7d", "1d"]``: with ``holiday_policy = "postpone"``, the offsets from the
    nominal day tried in order; the first that is a working day wins (none: skipped)."""
    values = top.get("postpone", list, default=None)
    if policy != "postpone":
        if values is not None:
            top.problem("postpone", L_('is only used with holiday_policy = "postpone"'))
        return ()
    if not values:
        top.spec.problems.append(  # no postpone line to point at: the policy's line
            SpecProblem(
                top.spec.name,
                top.spec.line(("holiday_policy",)),
                "postpone",
                'is required with holiday_policy = "postpone", e.g. ["7d", "1d"]',
            )
        )
        return ()
    out = []
    for value in values:
        try:
            seconds = parse_duration(value)
        except (ValueError, TypeError):
            top.problem(
                "postpone", L_('{value!r}: expected whole days such as "7d" or "1d"', value=value)
            )
            return ()
        if seconds % 86400 or not 1 <= seconds // 86400 <= MAX_POSTPONE_DAYS:
            top.problem(
                "postpone",
                L_(
                    "{value!r}: must be whole days, 1d..{MAX_POSTPONE_DAYS}d",
                    value=value,
                    MAX_POSTPONE_DAYS=MAX_POSTPONE_DAYS,
                ),
            )
            return ()
        out.append(seconds // 86400)
    return tuple(out)


def _parse_skip_days(top: Fields) -> tuple[DaySpec, ...]:
    """``[skip_days]`` table: ``"05-04" = "reason"`` or ``"1st sat of 10" = "reason"``."""
    table = top.get("skip_days", dict, default={}) or {}
    out = []
    for key, reason in table.items():
        if not isinstance(reason, str) or not reason.strip():
            top.spec.problem(
                ("skip_days", key), L_('needs a reason (text), e.g. "Dodenherdenking"')
            )
            continue
        try:
            out.append(parse_day_spec(key, reason.strip()))
        except ValueError as exc:
            top.spec.problem(("skip_days", key), str(exc))
    return tuple(out)


def _check_programme(top: Fields, task: str | None, programmes: dict[str, Programme]) -> str | None:
    name = top.text("programme")
    if name is None:
        if task in (*SOUNDING_TASKS, Task.SILENT_TEST) and "programme" not in top.table:
            top.problem("programme", L_("is required for {task}", task=task))
        return None
    programme = programmes.get(name)
    if programme is None:
        known = ", ".join(sorted(programmes)) or "none"
        top.problem(
            "programme", L_("unknown programme {name!r}; known: {known}", name=name, known=known)
        )
        return None
    if task == Task.SILENT_TEST and programme.audible:
        top.problem("programme", L_("{name!r} is audible; a silent test must not sound", name=name))
    elif task in SOUNDING_TASKS and not programme.audible:
        top.problem("programme", L_('{name!r} makes no sound; use task = "silent_test"', name=name))
    elif task == Task.GROWL_TEST and programme.total_seconds > MAX_GROWL_SECONDS:
        top.problem(
            "programme",
            L_(
                ("{name!r} lasts {total_seconds} s; a growl test is at most {MAX_GROWL_SECONDS} s"),
                name=name,
                total_seconds=programme.total_seconds,
                MAX_GROWL_SECONDS=MAX_GROWL_SECONDS,
            ),
        )
    return name


def _parse_selector(top: Fields, task: str | None) -> Selector | None:
    fields = top.sub("assets", required=True)
    if fields is None:
        return None
    every = fields.get("all", bool, default=False)
    kinds = tuple(fields.strings("kinds"))
    sites = tuple(fields.strings("sites"))
    tags = tuple(fields.strings("tags"))
    fields.reject_unknown()
    known = [k.value for k in AssetKind]
    for kind in kinds:
        if kind not in known:
            fields.problem(
                "kinds",
                L_(
                    "unknown asset kind {kind!r}; known: {value}", kind=kind, value=", ".join(known)
                ),
            )
            return None
    if every and (kinds or sites or tags):
        fields.problem("all", L_("all = true cannot be combined with kinds, sites or tags"))
        return None
    if not every and not (kinds or sites or tags):
        fields.problem("all", L_("say which assets: all = true, or kinds / sites / tags"))
        return None
    if task in (Task.SILENT_TEST, Task.GROWL_TEST) and kinds == (AssetKind.HAND_CRANK.value,):
        fields.problem(
            "kinds", L_("a hand-crank siren cannot run a {task}; use manual_check", task=task)
        )
        return None
    return Selector(bool(every), kinds, sites, tags)


def load_campaigns(paths: Iterable[Path], programmes: dict[str, Programme]) -> dict[str, Campaign]:
    return load_keyed(paths, lambda path: load_campaign(path, programmes), "campaign")
