"""`sirenctl activate`: live activation, exercise or emergency, against simulated controllers."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.helpers import register_fleet
from tests.integration.simthread import fleet_in_thread

pytest.importorskip("sirenctl.simulators.fleet")
TAGS = ("T01", "T02")


@pytest.fixture
def fleet(sqlite_cli: Any) -> Iterator[Any]:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("T01"), SimSpec("T02", "hs-ms400")]) as running:
        register_fleet(sqlite_cli, running)
        yield running


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """A notification receiver on loopback (what an office's paging gateway would be)."""
    received: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SIRENCTL_ACTIVATION_NOTIFY_URL", f"http://127.0.0.1:{server.server_port}/")
    yield received
    server.shutdown()


def _activate(
    cli: Any, *extra: str, answer: str = "FIRE\n", mode: str = "emergency", user: str = ""
) -> Any:
    return cli(
        *(("--user", user) if user else ()), "activate", *TAGS, "--mode", mode, "--programme", "cn-growl",
        "--reason", "chemical fire at the industrial park", *extra, input=answer,
    )  # fmt: skip


def _codes(fleet: Any, tag: str) -> list[int]:
    return [a.code for a in fleet.controller(tag).stats.commands]


def test_emergency_arms_notifies_fires_and_records_the_mode(
    sqlite_cli: Any, fleet: Any, webhook: list[dict[str, Any]]
) -> None:
    result = _activate(sqlite_cli, "--json")
    assert result.exit_code == 0, result.stderr
    assert "LIVE EMERGENCY" in result.stderr and "ARMED for 255 s" in result.stderr
    assert _codes(fleet, "T01") == [4] and _codes(fleet, "T02") == [4]
    assert [n["event"] for n in webhook] == ["armed"]
    assert webhook[0]["mode"] == "emergency" and webhook[0]["tags"] == list(TAGS)
    sounds = sqlite_cli.json("audit", "list", "--action", "command.sound")
    # each command's intent record (written before it is sent) precedes its result record
    assert sorted(e["outcome"] == "intent" for e in sounds) == [False, False, True, True]
    sounds = [e for e in sounds if e["outcome"] != "intent"]
    assert len(sounds) == 2
    for event in sounds:
        assert event["after"]["details"]["activation_mode"] == "emergency"
        assert event["after"]["permit"]["mode"] == "emergency"
        assert event["after"]["permit"]["reason"] == "chemical fire at the industrial park"
    armed = sqlite_cli.json("audit", "list", "--action", "activation.armed")
    assert "EMERGENCY ACTIVATION ARMED by one person" in armed[0]["message"]
    results = sqlite_cli.json("audit", "list", "--action", "activation.result")
    assert results[0]["after"]["mode"] == "emergency"
    assert results[0]["after"]["units"] == {"T01": "done", "T02": "done"}
    assert json.loads(result.stdout)["units"]["T01"]["outcome"] == "done"


@pytest.mark.parametrize("answer", ["no\n", "", "fire\n"], ids=["no", "eof", "lowercase"])
def test_anything_but_fire_disarms_and_sends_nothing(
    sqlite_cli: Any, fleet: Any, webhook: list[dict[str, Any]], answer: str
) -> None:
    result = _activate(sqlite_cli, answer=answer)
    assert result.exit_code == 7 and "disarmed: nothing was sent" in result.stderr
    for tag in TAGS:
        assert fleet.controller(tag).stats.write_frames == 0
    assert [n["event"] for n in webhook] == ["armed", "disarmed"]
    assert sqlite_cli.json("audit", "list", "--action", "activation.disarmed")


def test_emergency_needs_a_reason(sqlite_cli: Any, fleet: Any) -> None:
    result = sqlite_cli(
        "activate", "T01", "--mode", "emergency", "--programme", "cn-growl", "--reason", "  ",
        input="FIRE\n",
    )  # fmt: skip
    assert result.exit_code == 7 and "a reason is required" in result.stderr
    assert fleet.controller("T01").stats.write_frames == 0


def test_exercise_from_one_person_is_refused(sqlite_cli: Any, fleet: Any) -> None:
    alone = _activate(sqlite_cli, mode="exercise", user="wang.duty")
    assert alone.exit_code == 7 and "second authenticated person" in alone.stderr
    twice = _activate(sqlite_cli, "--approver", "wang.duty", mode="exercise", user="wang.duty")
    assert twice.exit_code == 7 and "different person" in twice.stderr
    assert all(fleet.controller(t).stats.write_frames == 0 for t in TAGS)
    refused = sqlite_cli.json("audit", "list", "--action", "activation.refused")
    assert [r["after"]["mode"] for r in refused] == ["exercise", "exercise"]


def test_exercise_with_two_accounts_from_the_cli_plays(sqlite_cli: Any, fleet: Any) -> None:
    result = _activate(sqlite_cli, "--approver", "li.approver", mode="exercise", user="wang.duty")
    assert result.exit_code == 0, result.stderr
    assert _codes(fleet, "T01") == [4] and _codes(fleet, "T02") == [4]
    sounds = sqlite_cli.json("audit", "list", "--action", "command.sound")
    permits = {e["after"]["permit"]["approved_by"] for e in sounds if e["outcome"] != "intent"}
    assert permits == {"li.approver"}
    armed = sqlite_cli.json("audit", "list", "--action", "activation.armed")[0]
    assert armed["operator"] == "wang.duty"


def test_activation_needs_the_planner_role(sqlite_cli: Any, fleet: Any) -> None:
    from sirenctl.db import Database
    from sirenctl.identity import Role
    from tests.authority import ensure_accounts

    db = Database(sqlite_cli.url)
    try:
        ensure_accounts(db, "zhao.tech", roles={Role.TECHNICIAN})
    finally:
        db.dispose()
    result = _activate(sqlite_cli, user="zhao.tech")
    assert result.exit_code == 7 and "needs the planner role" in result.stderr
    assert all(fleet.controller(t).stats.write_frames == 0 for t in TAGS)
    assert not sqlite_cli.json("audit", "list", "--action", "activation.armed")
    fails = sqlite_cli.json("audit", "list", "--action", "auth.fail")
    assert fails and fails[0]["object_ref"] == "zhao.tech"


def test_a_wrong_passphrase_arms_nothing_and_is_audited(
    sqlite_cli: Any, fleet: Any, real_prompts: None
) -> None:
    """The real prompt (one stdin line): an emergency is one person, never an unproven one."""
    from sirenctl.db import Database
    from tests.authority import ensure_accounts, passphrase_for

    db = Database(sqlite_cli.url)
    try:
        ensure_accounts(db, "wang.duty", "li.approver")
    finally:
        db.dispose()
    wrong = _activate(sqlite_cli, answer="guess\nFIRE\n", user="wang.duty")
    assert wrong.exit_code == 12 and "wrong passphrase for wang.duty" in wrong.stderr
    approver_wrong = _activate(
        sqlite_cli, "--approver", "li.approver", mode="exercise", user="wang.duty",
        answer=passphrase_for("wang.duty") + "\nguess\nFIRE\n",
    )  # fmt: skip
    assert approver_wrong.exit_code == 12
    assert "wrong passphrase for li.approver" in approver_wrong.stderr
    assert all(fleet.controller(t).stats.write_frames == 0 for t in TAGS)
    assert not sqlite_cli.json("audit", "list", "--action", "activation.armed")
    fails = sqlite_cli.json("audit", "list", "--action", "auth.fail")
    assert sorted(f["object_ref"] for f in fails) == ["li.approver", "wang.duty"]


def _services(cli: Any) -> Any:
    from sirenctl.db import Database
    from sirenctl.scheduling.library import load_library

    return Database(cli.url), load_library(None).programme("cn-growl")


def test_exercise_with_two_people_plays_and_one_person_twice_is_refused(
    sqlite_cli: Any, fleet: Any
) -> None:
    import asyncio

    from sirenctl.services.activation import ActivationMode, ActivationRefused, arm, fire
    from tests.integration.helpers import person

    db, programme = _services(sqlite_cli)
    planner, approver = person("wang.planner", "planner"), person("li.approver", "approver")
    try:
        with pytest.raises(ActivationRefused, match="different person"):
            arm(db, planner, ActivationMode.EXERCISE, ["T01"], programme, "drill",
                approver=person("wang.planner", "approver"))  # fmt: skip
        with pytest.raises(ActivationRefused, match="not an approver"):
            arm(db, planner, ActivationMode.EXERCISE, ["T01"], programme, "drill",
                approver=person("zhao.tech", "technician"))  # fmt: skip
        assert fleet.controller("T01").stats.write_frames == 0
        activation = arm(
            db, planner, ActivationMode.EXERCISE, ["T01"], programme, "drill", approver=approver
        )
        result = asyncio.run(fire(db, planner, activation, programme))
    finally:
        db.dispose()
    assert result.unit_outcome("T01") == "done" and _codes(fleet, "T01") == [4]
    sound = sqlite_cli.json("audit", "list", "--action", "command.sound")[0]
    assert sound["after"]["details"]["activation_mode"] == "exercise"
    assert sound["after"]["permit"]["approved_by"] == "li.approver"


def test_an_expired_arming_window_sends_nothing(sqlite_cli: Any, fleet: Any) -> None:
    import asyncio
    import time

    from sirenctl.drivers.clock import ManualClock
    from sirenctl.services.activation import ActivationMode, ActivationRefused, arm, fire
    from tests.integration.helpers import person

    db, programme = _services(sqlite_cli)
    actor = person("wang.duty", "planner")
    try:
        activation = arm(db, actor, ActivationMode.EMERGENCY, ["T01"], programme, "flood",
                         arm_seconds=255)  # fmt: skip
        clock = ManualClock(start=time.time() + 256)  # 256 s later
        with pytest.raises(ActivationRefused, match="arming window closed"):
            asyncio.run(fire(db, actor, activation, programme, clock=clock))
    finally:
        db.dispose()
    assert fleet.controller("T01").stats.write_frames == 0


LONG = """
title = "air raid (3 minutes)"
[[step]]
signal = "air-raid"
"""


def test_sigint_during_an_activation_stops_every_siren(
    sqlite_cli: Any, fleet: Any, tmp_path: Path
) -> None:
    from sirenctl.db import Database
    from tests.authority import ensure_accounts, passphrase_for

    db = Database(sqlite_cli.url)
    try:
        ensure_accounts(db, "wang.duty")
    finally:
        db.dispose()
    sched = tmp_path / "sched" / "programmes"
    sched.mkdir(parents=True)
    (sched / "long.toml").write_text(LONG)
    proc = subprocess.Popen(
        [sys.executable, "-c", "from sirenctl.cli.main import main; main()", "--db",
         sqlite_cli.url, "--user", "wang.duty", "activate", *TAGS, "--mode", "emergency", "--programme", "long",
         "--schedules", str(tmp_path / "sched"), "--reason", "test of the stop path"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ),
    )  # fmt: skip
    try:
        assert proc.stdin is not None and proc.stderr is not None
        proc.stdin.write(passphrase_for("wang.duty") + "\nFIRE\n")  # the real prompt: stdin
        proc.stdin.flush()
        done: set[str] = set()
        for line in proc.stderr:
            if ": step 1 air-raid alert: ok" in line:
                done.add(line.split(":")[0])
            if done == set(TAGS):
                break
        assert all(fleet.controller(t).sounding() for t in TAGS)
        proc.send_signal(signal.SIGINT)
        proc.send_signal(signal.SIGINT)  # a second Ctrl-C does not skip the stop
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert not any(fleet.controller(t).sounding() for t in TAGS)
    assert _codes(fleet, "T01") == [2, 0] and _codes(fleet, "T02") == [2, 0]
    assert "Traceback" not in err and "T01: cancelled" in err
