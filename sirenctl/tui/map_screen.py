"""The map screen: a text map of communities, sirens, terminals and works; ``h`` writes the
HTML map (the same page as ``sirenctl map --format html``) and opens it in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Header, Label, Static

from sirenctl.tui.base import Notice, SirenScreen, post_result


class MapDrawn(Message):
    """The text map at the screen's size, and the line above it."""

    def __init__(self, text: Any, summary: str) -> None:
        super().__init__()
        self.text, self.summary = text, summary


class MapScreen(SirenScreen):
    DEFAULT_CSS = """
    MapScreen #map-info { height: auto; margin: 0 1; color: $text-muted; }
    MapScreen #map { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [
        Binding("h", "open_html", "Open in browser", id="map.html"),
        Binding("r", "refresh", "Refresh", id="map.refresh"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("loading…", id="map-info")
        yield Static("", id="map")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Map"
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load(self.size.width - 4, max(8, self.size.height - 8))

    @work(thread=True, exclusive=True, group="map", exit_on_error=False)
    def load(self, width: int, height: int) -> None:
        from sirenctl.reports.map_data import collect_map
        from sirenctl.tui.map_text import map_summary, text_map

        with self.services.db.session() as session:
            data = collect_map(session)
        post_result(self, MapDrawn(text_map(data, max(20, width), height), map_summary(data)))

    def on_map_drawn(self, message: MapDrawn) -> None:
        self.query_one("#map", Static).update(message.text)
        self.query_one("#map-info", Label).update(message.summary)

    @work(thread=True, exclusive=True, group="map-html", exit_on_error=False)
    def action_open_html(self) -> None:
        import tempfile
        import webbrowser

        from sirenctl.reports.map_data import collect_map
        from sirenctl.reports.map_formats import to_html_page

        with self.services.db.session() as session:
            page = to_html_page(collect_map(session))
        path = Path(tempfile.gettempdir()) / "sirenctl-map.html"
        path.write_text(page, encoding="utf-8")
        opened = webbrowser.open(path.as_uri())
        message = f"map opened in the browser: {path}" if opened else f"map written to {path}"
        post_result(self, Notice(message))
