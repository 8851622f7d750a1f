"""The sirenctl Textual app: wiring only (modes, global keys, command palette, theme, keymap).

Screens live one per module; the data they show comes from :class:`~sirenctl.tui.services.Services`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from sirenctl.i18n import N_, _, localized, ngettext
from sirenctl.tui.activate_screen import ActivateScreen
from sirenctl.tui.agenda import AgendaScreen
from sirenctl.tui.assets import AssetsScreen
from sirenctl.tui.audit_screen import AuditScreen
from sirenctl.tui.base import human_key, localize_bindings
from sirenctl.tui.bench import BenchScreen
from sirenctl.tui.dashboard import DashboardScreen
from sirenctl.tui.drills_screen import DrillsScreen
from sirenctl.tui.findings_screen import FindingsScreen
from sirenctl.tui.help_screen import HelpScreen
from sirenctl.tui.live import LiveScreen
from sirenctl.tui.map_screen import MapScreen
from sirenctl.tui.notices_screen import NoticesScreen
from sirenctl.tui.poller import StatusPoller
from sirenctl.tui.services import Services

# mode -> (screen class, title, key); the key binding's id is "nav.<mode>" (_nav_bindings)
SCREENS: dict[str, tuple[type[Screen[Any]], str, str]] = {
    "dashboard": (DashboardScreen, N_("Dashboard"), "d"),
    "assets": (AssetsScreen, N_("Assets"), "a"),
    "agenda": (AgendaScreen, N_("Agenda"), "g"),
    "live": (LiveScreen, N_("Live status"), "l"),
    "bench": (BenchScreen, N_("Bench test"), "b"),
    "findings": (FindingsScreen, N_("Findings"), "f"),
    "audit": (AuditScreen, N_("Audit log"), "u"),
}
# modes whose keys work everywhere but are shown in the footer of the Findings screen only
# (the footer stays readable at 80 columns)
MORE_SCREENS: dict[str, tuple[type[Screen[Any]], str, str]] = {
    "notices": (NoticesScreen, N_("Notices"), "o"),
    "drills": (DrillsScreen, N_("Drills"), "w"),
    "map": (MapScreen, N_("Map"), "m"),
    # red, and nothing like the test screens (DESIGN §5): sirenctl/tui/activate_screen.py
    "activate": (ActivateScreen, N_("LIVE activation"), "exclamation_mark"),
}
ALL_SCREENS = {**SCREENS, **MORE_SCREENS}
# help-screen section names of the dialogs and guides (not class names)
HELP_SECTION_NAMES = {
    "AssetFormScreen": N_("Asset form"),
    "CheckInForm": N_("Check-in form"),
    "CrankGuideScreen": N_("Crank guide"),
    "FindingForm": N_("Finding form"),
    "NoticeForm": N_("Notice form"),
    "NoticeActionDialog": N_("Notice action"),
    "DrillForm": N_("Drill form"),
    "PrintPreview": N_("Print preview"),
}
THEMES = ("textual-dark", "textual-light")
GIL_SWITCH_INTERVAL = 0.001


def _nav_bindings() -> list[Binding]:
    return [
        Binding(key, f"switch_mode('{mode}')", title, id=f"nav.{mode}", show=mode in SCREENS)
        for mode, (_cls, title, key) in ALL_SCREENS.items()
    ]


class SirenApp(App[None]):
    TITLE = "sirenctl"
    SUB_TITLE = "siren network"
    MODES: ClassVar[dict[str, Any]] = {mode: cls for mode, (cls, _t, _k) in ALL_SCREENS.items()}
    DEFAULT_MODE = "dashboard"
    BINDINGS: ClassVar[list[Any]] = [
        *_nav_bindings(),
        Binding("question_mark,f1", "help", "Help", key_display="?", id="app.help"),
        Binding("t", "toggle_theme", "Theme", id="app.theme", show=False),
        Binding(
            "f9", "stop_bench", "Stop bench test", id="app.stop_bench", show=False, priority=True
        ),
        Binding("f12", "stop_all", "STOP ALL", id="app.stop_all", show=True, priority=True),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        mode: str = "dashboard",
        theme: str | None = None,
        keymap: dict[str, str] | None = None,
        poll: bool = False,
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.services = services
        self.start_mode = mode
        self.start_theme = theme or THEMES[0]
        self.user_keymap = dict(keymap or {})
        self.poll = poll
        self.poller = StatusPoller(self)
        #: messages shown as notifications once the app is up (keymap problems, demo notes)
        self.notices: list[str] = []
        self.bench_screen: Any = None  # set by the bench screen: F9 stops it from anywhere

    def on_mount(self) -> None:
        # Worker threads make many short database calls, each releasing the GIL; with the
        # default 5 ms switch interval each call waits that long while the UI thread renders
        # (a 20 ms query took 600 ms at start-up). 1 ms keeps them quick; restored on exit.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, GIL_SWITCH_INTERVAL))
        self.theme = self.start_theme
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        self.switch_mode(self.start_mode)
        self.load_programmes()
        for notice in self.notices:
            self.notify(notice, timeout=8)
        if self.poll:
            self.poller.start()
        else:
            self.poller.show_known()

    @work(thread=True, exit_on_error=False, group="programmes")
    def load_programmes(self) -> None:
        from sirenctl.tui.bench_data import programme_choices

        programmes = programme_choices()
        self.call_from_thread(self.services.extras.__setitem__, "programmes", programmes)

    def open_crank_guide(
        self, programme: Any, asset: str | None = None, on_check_in: Callable[[], Any] | None = None
    ) -> None:
        from sirenctl.tui.crank_guide import CrankGuideScreen

        self.push_screen(CrankGuideScreen(programme, asset=asset, on_check_in=on_check_in))

    def on_unmount(self) -> None:
        sys.setswitchinterval(self._switch_interval)

    # ---- actions -----------------------------------------------------------------------------
    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def action_stop_bench(self) -> None:
        """Stop a playing bench test from any screen (F9 or the palette)."""
        bench = self.bench_screen
        if bench is None or bench.bench_run is None:
            self.notify(_("no bench test is playing"), timeout=2)
            return
        bench.action_stop()

    def action_stop_all(self) -> None:
        """Stop every sounding the office started, from any screen, in one step (F12)."""
        if self.bench_screen is not None and self.bench_screen.bench_run is not None:
            self.bench_screen.action_stop()
        self.notify(_("STOP ALL: sending stop to every networked unit..."), severity="warning")
        self.stop_all_units()

    @work(thread=True, exit_on_error=False, group="stop-all")
    def stop_all_units(self) -> None:
        from sirenctl.services.cancel import cancel

        report = cancel(self.services.db, self.services.actor, via="tui")
        failed = [o for o in report.outcomes if not o.stopped]
        if report.all_stopped:
            count = len(report.outcomes)
            text = ngettext(
                "STOP ALL: {count} unit stopped and silent",
                "STOP ALL: {count} units stopped and silent",
                count,
            ).format(count=count)
            self.call_from_thread(self.notify, text, timeout=10)
        else:
            names = ", ".join([o.tag for o in failed] + [localized(s) for s in report.skipped])
            text = _("STOP ALL: NOT confirmed for {names}: check them now").format(names=names)
            self.call_from_thread(self.notify, text, severity="error", timeout=30)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        sections: list[tuple[str, list[Binding]]] = [(_("Everywhere"), self._bindings_of(self))]
        for _mode, (cls, title, _key) in ALL_SCREENS.items():
            sections.append((_(title), self._bindings_of(cls)))
        for extra in self.extra_help_screens():
            name = HELP_SECTION_NAMES.get(extra.__name__, extra.__name__.removesuffix("Screen"))
            sections.append((_(name), self._bindings_of(extra)))
        self.push_screen(HelpScreen(sections, self.user_keymap))

    @staticmethod
    def _bindings_of(owner: Any) -> list[Binding]:
        return [b for b in owner.BINDINGS if isinstance(b, Binding) and b.id]

    def extra_help_screens(self) -> list[type[Screen[Any]]]:
        from sirenctl.tui.asset_form import AssetFormScreen
        from sirenctl.tui.checkin_form import CheckInForm
        from sirenctl.tui.crank_guide import CrankGuideScreen
        from sirenctl.tui.drill_form import DrillForm
        from sirenctl.tui.finding_form import FindingForm
        from sirenctl.tui.notice_action_dialog import NoticeActionDialog
        from sirenctl.tui.notice_form import NoticeForm
        from sirenctl.tui.print_preview import PrintPreview

        return [
            AssetFormScreen,
            CheckInForm,
            CrankGuideScreen,
            FindingForm,
            NoticeForm,
            NoticeActionDialog,
            PrintPreview,
            DrillForm,
        ]

    # ---- command palette ---------------------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for mode, (_cls, title, key) in ALL_SCREENS.items():
            yield SystemCommand(
                f"Go to {title}",
                f"Open the {title} screen (key {human_key(key)})",
                self._switcher(mode),
            )
        palette = getattr(screen, "palette_commands", None)
        if callable(palette):
            for name, help_text, callback in palette():
                yield SystemCommand(name, help_text, callback)
        for programme in self.services.extras.get("programmes", []):
            if programme.audible:
                yield SystemCommand(
                    _("Crank guide: {key}").format(key=programme.key),
                    _("Hand-crank timing guide for {title}").format(title=programme.shown_title),
                    self._crank(programme),
                )
        if self.bench_screen is not None and self.bench_screen.bench_run is not None:
            yield SystemCommand(
                "Stop bench test now", "Send stop to the bench unit (F9)", self.action_stop_bench
            )
        yield SystemCommand(
            "STOP ALL soundings", "Send stop to every networked unit (F12)", self.action_stop_all
        )
        yield SystemCommand("Help", "List every key and its id", self.action_help)
        yield SystemCommand(
            "Toggle light/dark theme", "Switch between light and dark", self.action_toggle_theme
        )
        yield from super().get_system_commands(screen)

    def _crank(self, programme: Any) -> Callable[[], None]:
        return lambda: self.open_crank_guide(programme)

    def _switcher(self, mode: str) -> Callable[[], None]:
        def switch() -> None:
            self.switch_mode(mode)

        return switch
