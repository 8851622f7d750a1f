"""Crank guide follows the 9·18 programme on a simulated clock (nothing sleeps)."""

from __future__ import annotations

from textual.widgets import Digits

from sirenctl.drivers.clock import ManualClock
from sirenctl.scheduling.library import load_library
from tests.tui.conftest import make_app, settle, text_of


def cue(app) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    screen = app.screen
    return (
        screen.query_one("#cue").word,
        screen.query_one("#seconds", Digits).value,
        text_of(screen.query_one("#where")),
    )


async def test_crank_guide_cues_follow_the_programme(services) -> None:  # type: ignore[no-untyped-def]
    clock = ManualClock()
    services.device_clock = clock
    programme = load_library().programme("cn-918-noon")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_crank_guide(programme, asset="HC-C01")
        await pilot.pause()
        assert cue(app)[0] == "READY"
        await pilot.press("space")

        async def at(seconds: float) -> tuple[str, str, str]:
            clock.advance(seconds - (clock.now() - app.screen.started_at))
            app.screen.tick()
            await pilot.pause()
            return cue(app)

        word, left, where = await at(0)
        assert (word, left) == ("CRANK", "36")
        assert "预先警报 pre-alert: cycle 1 of 1, blast 1 of 3" in where
        assert "50–80 rpm" in text_of(app.screen.query_one("#hint"))
        word, left, where = await at(40)
        assert (word, left) == ("STOP", "20") and "blast 1 of 3" in where
        word, left, where = await at(125)
        assert (word, left) == ("CRANK", "31") and "blast 3 of 3" in where
        word, left, where = await at(200)  # the 3-minute gap before the air raid
        assert (word, left) == ("STOP", "160") and "gap before 空袭警报 air raid" in where
        word, left, where = await at(360 + 13)  # air raid: 6 s on, 6 s off, x15
        assert (word, left) == ("CRANK", "5") and "blast 2 of 15" in where
        word, left, where = await at(720 + 100)
        assert word == "CRANK" and "解除警报 all clear" in where
        word, left, where = await at(900)
        assert word == "DONE" and "record the check-in" in where
