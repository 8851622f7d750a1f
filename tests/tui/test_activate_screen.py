"""The LIVE activation screen against simulated live controllers on loopback.

Real accounts (passphrases checked with argon2), the real service (sirenctl/services/activation.py)
and the simulators' own record of every command they received.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from textual.widgets import Input, OptionList, SelectionList

from sirenctl.drivers.clock import ManualClock
from sirenctl.models import AuditEvent
from sirenctl.registry.assets import edit_asset
from sirenctl.simulators.fleet import SimFleet, SimSpec
from tests.authority import ensure_accounts, passphrase_for
from tests.tui.conftest import make_app, settle, text_of, wait_until

pytestmark = pytest.mark.real_prompt  # real accounts: a wrong passphrase stays wrong
TAGS = ("T01", "T02")
REQUESTER = "tech-li"  # the operator of the services fixture
APPROVER = "li.approver"
REASON = "chemical fire at the industrial park"


def events(db: Any, action: str) -> list[AuditEvent]:
    with db.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.scalars(query.where(AuditEvent.outcome != "intent")))


def codes(fleet: SimFleet, tag: str) -> list[int]:
    return [c.code for c in fleet.controller(tag).stats.commands]


def nothing_sent(fleet: SimFleet) -> bool:
    return all(fleet.controller(t).stats.write_frames == 0 for t in TAGS)


@asynccontextmanager
async def live_fleet(db: Any, clock: Any = None) -> AsyncIterator[SimFleet]:
    """T01 and T02 simulated on loopback (on ``clock``), the registry pointed at them."""
    specs = [SimSpec("T01"), SimSpec("T02", kind="electronic")]
    async with SimFleet(specs, **({"clock": clock} if clock else {})) as running:
        with db.transaction() as session:
            for tag in TAGS:
                port = running.endpoints[tag].port
                edit_asset(session, tag, {"controller_port": port}, operator="tester")
        ensure_accounts(db, REQUESTER, APPROVER)
        yield running


@pytest.fixture
def clock(services: Any) -> ManualClock:
    services.device_clock = ManualClock(start=time.time())  # permits are issued in real time
    return services.device_clock  # type: ignore[no-any-return]


@pytest.fixture
async def fleet(demo_db: Any, clock: ManualClock) -> AsyncIterator[SimFleet]:
    async with live_fleet(demo_db, clock) as running:
        yield running


@pytest.fixture
def hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The notification hook: a real command that appends each event it is given."""
    out = tmp_path / "notified.jsonl"
    script = f"import sys; open({str(out)!r}, 'a').write(sys.stdin.read() + '\\n')"
    monkeypatch.setenv("SIRENCTL_ACTIVATION_NOTIFY_COMMAND", f'{sys.executable} -c "{script}"')
    return out


def notified(hook: Path) -> list[str]:
    if not hook.exists():
        return []
    return [json.loads(line)["event"] for line in hook.read_text().splitlines() if line]


async def fill(pilot: Any, mode: str, programme: str, *, approver: str = "") -> None:
    """Choose the mode, mark both sirens, pick the programme and give the reason."""
    app = pilot.app
    await settle(pilot)
    await pilot.click(f"#mode-{mode}")
    units = app.screen.query_one("#units", SelectionList)
    for tag in TAGS:
        units.select(tag)
    programmes = app.screen.query_one("#programmes", OptionList)
    ids = [programmes.get_option_at_index(i).id for i in range(programmes.option_count)]
    programmes.highlighted = ids.index(programme)
    app.screen.query_one("#reason", Input).value = REASON
    app.screen.query_one("#approver", Input).value = approver
    await pilot.pause()


async def arm_emergency(pilot: Any, programme: str) -> None:
    await fill(pilot, "emergency", programme)
    await pilot.press("f2")
    await answer_passphrase(pilot, REQUESTER)
    await wait_until(pilot, lambda: "ARMED" in state(pilot.app))


async def answer_passphrase(pilot: Any, login: str, passphrase: str | None = None) -> None:
    from sirenctl.tui.passphrase_dialog import PassphraseDialog

    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PassphraseDialog))
    dialog = pilot.app.screen
    assert login in text_of(dialog.query_one("#pass-body"))
    dialog.query_one("#pass-input", Input).value = passphrase or passphrase_for(login)
    await pilot.press("enter")


def state(app: Any) -> str:
    return text_of(app.screen.query_one("#state"))


async def test_screen_is_red_and_live_and_reached_from_the_dashboard(services: Any) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("exclamation_mark")
        await settle(pilot)
        assert app.current_mode == "activate"
        assert "███" in text_of(app.screen.query_one("#banner"))
        assert "实战" in text_of(app.screen.query_one("#banner-caption"))
        assert "NOT a test" in text_of(app.screen.query_one("#banner-caption"))
        assert app.screen.styles.background.r > app.screen.styles.background.g
        units = app.screen.query_one("#units", SelectionList)
        offered = [units.get_option_at_index(i).value for i in range(units.option_count)]
        assert "BENCH-01" not in offered and {"T01", "T02"} <= set(offered)


async def test_emergency_arms_counts_down_and_fires_on_confirm(
    services: Any, demo_db: Any, fleet: SimFleet, hook: Path, clock: ManualClock
) -> None:
    app = make_app(services, mode="activate")
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        await pilot.press("f8")  # not armed: nothing happens
        assert not app.screen.query("#confirm-body")
        await arm_emergency(pilot, "cn-growl")
        assert "4:15 left" in state(app) and "EMERGENCY" in state(app)
        clock.advance(60)
        app.screen.tick()
        assert "3:15 left" in state(app)
        assert nothing_sent(fleet)
        armed = str(events(demo_db, "activation.armed")[0].message)
        assert "EMERGENCY ACTIVATION ARMED by one person" in armed
        await pilot.press("f8")
        await settle(pilot)
        body = text_of(app.screen.query_one("#confirm-body"))
        assert "EMERGENCY" in body and "T01, T02" in body and "cn-growl" in body and REASON in body
        await pilot.click("#confirm")
        await wait_until(pilot, lambda: events(demo_db, "activation.result"))
        await settle(pilot)
        assert "2 of 2 siren(s) played" in state(app)
    assert codes(fleet, "T01") == [4] and codes(fleet, "T02") == [4]
    result = events(demo_db, "activation.result")[0]
    assert result.after["mode"] == "emergency" and result.after["planner"] == REQUESTER  # type: ignore[index]
    assert result.after["units"] == {"T01": "done", "T02": "done"}  # type: ignore[index]
    for sound in events(demo_db, "command.sound"):
        assert sound.after["details"]["activation_mode"] == "emergency"  # type: ignore[index]
        assert sound.after["permit"]["reason"] == REASON  # type: ignore[index]
    assert notified(hook) == ["armed"]


async def test_esc_disarms_in_one_step_and_the_window_closes_by_itself(
    services: Any, demo_db: Any, fleet: SimFleet, hook: Path, clock: ManualClock
) -> None:
    app = make_app(services, mode="activate")
    async with app.run_test(size=(100, 34)) as pilot:
        await arm_emergency(pilot, "cn-growl")
        await pilot.press("escape")
        assert "DISARMED (cancelled by the operator)" in state(app)
        await pilot.press("f8")  # disarmed: no confirmation, nothing sent
        await settle(pilot)
        assert not app.screen.query("#confirm-body")
        # armed again, the window passes: it disarms itself, even with the confirmation open
        await pilot.press("f2")
        await answer_passphrase(pilot, REQUESTER)
        await wait_until(pilot, lambda: "ARMED" in state(app))
        await pilot.press("f8")
        await settle(pilot)
        clock.advance(256)
        app.screen_stack[-2].tick()  # the activation screen, under the confirmation
        await pilot.click("#confirm")
        await settle(pilot)
        assert "DISARMED (arming window passed)" in state(app)
    assert nothing_sent(fleet)
    whys = [e.message for e in events(demo_db, "activation.disarmed")]
    assert whys == ["cancelled by the operator", "arming window passed"]
    # each hook runs in its own worker: the order of two close together is not fixed
    assert sorted(notified(hook)) == ["armed", "armed", "disarmed", "disarmed"]


async def test_quitting_while_armed_disarms(
    services: Any, demo_db: Any, fleet: SimFleet, hook: Path
) -> None:
    app = make_app(services, mode="activate")
    async with app.run_test(size=(100, 34)) as pilot:
        await arm_emergency(pilot, "cn-growl")
    assert [e.message for e in events(demo_db, "activation.disarmed")] == ["the program was closed"]
    assert notified(hook) == ["armed", "disarmed"] and nothing_sent(fleet)


async def test_exercise_needs_a_second_person_with_a_good_passphrase(
    services: Any, demo_db: Any, fleet: SimFleet
) -> None:
    app = make_app(services, mode="activate")
    async with app.run_test(size=(100, 34)) as pilot:
        await fill(pilot, "exercise", "cn-growl", approver=REQUESTER)
        await pilot.press("f2")
        await settle(pilot)
        assert "the approver must be a different person" in state(app)
        app.screen.query_one("#approver", Input).value = APPROVER
        await pilot.press("f2")
        await answer_passphrase(pilot, REQUESTER)
        await answer_passphrase(pilot, APPROVER, "not the passphrase")
        await wait_until(pilot, lambda: "not armed" in state(app))
        assert "wrong passphrase for li.approver" in state(app)
        assert not events(demo_db, "activation.armed")
        await pilot.press("f2")
        await answer_passphrase(pilot, REQUESTER)
        await answer_passphrase(pilot, APPROVER)
        await wait_until(pilot, lambda: "ARMED" in state(app))
        assert "EXERCISE" in state(app)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.click("#confirm")
        await wait_until(pilot, lambda: events(demo_db, "activation.result"))
    assert codes(fleet, "T01") == [4] and codes(fleet, "T02") == [4]
    failures = events(demo_db, "auth.fail")
    assert [f.object_ref for f in failures] == [APPROVER]
    for sound in events(demo_db, "command.sound"):
        assert sound.after["details"]["activation_mode"] == "exercise"  # type: ignore[index]
        assert sound.after["permit"]["approved_by"] == APPROVER  # type: ignore[index]


async def test_esc_while_sounding_stops_every_siren(services: Any, demo_db: Any) -> None:
    app = make_app(services, mode="activate")  # real time: the 3-minute sounding is stopped
    async with live_fleet(demo_db) as fleet, app.run_test(size=(100, 34)) as pilot:
        await arm_emergency(pilot, "cn-918-single")
        await pilot.press("f8")
        await settle(pilot)
        await pilot.click("#confirm")
        await wait_until(pilot, lambda: all(fleet.controller(t).sounding() for t in TAGS))
        await wait_until(pilot, lambda: "signal 2: ok" in "\n".join(
            str(line.text) for line in app.screen.query_one("#log").lines))  # fmt: skip
        await pilot.press("escape")
        await wait_until(pilot, lambda: events(demo_db, "activation.result"))
        await settle(pilot)
        assert "STOPPED" in state(app)
        assert not any(fleet.controller(t).sounding() for t in TAGS)
        assert codes(fleet, "T01") == [2, 0] and codes(fleet, "T02") == [2, 0]
    result = events(demo_db, "activation.result")[0]
    assert result.after["units"] == {"T01": "cancelled", "T02": "cancelled"}  # type: ignore[index]
