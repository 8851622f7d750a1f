"""run-due against simulated controllers on loopback, with a manual clock shared by both sides."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from sirenctl.models import AuditEvent
from sirenctl.models.scheduling import TestResult
from sirenctl.scheduling.rundue import run_due
from tests.authority import approve_as
from tests.integration.simthread import fleet_in_thread
from tests.scheduling.conftest import (
    NINE_EIGHTEEN,
    SILENT,
    SOUNDING,
    plan,
    seed_county,
    work_orders,
    write_campaign,
)
from tests.scheduling.test_run_due import YEAR, order_of


@pytest.fixture
def clock():
    from sirenctl.drivers.clock import ManualClock

    return ManualClock(start=NINE_EIGHTEEN.timestamp() + 5)


@pytest.fixture
def fleet(clock) -> Iterator[object]:
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimFleet, SimSpec  # noqa: F401

    specs = [
        SimSpec("T01", kind="electronic"),
        SimSpec("BENCH-01", kind="electronic"),
        SimSpec("T02", kind="motor", faults=Faults(stale_echo=True)),
        SimSpec("T03", kind="motor", faults=Faults(silent=True)),
        SimSpec("T04", kind="electronic", faults=Faults(lose_ack=True)),
        SimSpec("T05", kind="electronic", faults=Faults(mains_fail=True)),
    ]
    with fleet_in_thread(specs, clock=clock, timeout=0.3) as running:
        yield running


def register(db, fleet, tags, **extra) -> None:
    seed_county(
        db,
        {
            tag: {
                "controller_port": fleet.endpoints[tag].port,
                "is_bench": tag == "BENCH-01",
                **extra.get(tag, {}),
            }
            for tag in tags
        },
    )


def results(db) -> dict[int, TestResult]:
    with db.session() as s:
        return {r.work_order_id: r for r in s.scalars(select(TestResult))}


def test_918_sounding_bench_runs_live_refused_handcrank_issued(sqlite_db, fleet, clock, tmp_path):
    register(sqlite_db, fleet, ["T01", "BENCH-01"])
    write_campaign(tmp_path, "s", SOUNDING.format(programme="cn-918-noon", assets="all = true"))
    plan(sqlite_db, tmp_path, *YEAR)
    result = run_due(sqlite_db, clock=clock, worker="w1", schedules_dir=tmp_path, timeout=0.3)
    assert [(o.tag, o.outcome, o.status) for o in result.outcomes] == [
        ("BENCH-01", "done", "done")
    ], result.to_dict()["executed"]
    assert {d.tag: d.action for d in result.report.decisions} == {
        "T01": "refuse",
        "BENCH-01": "claim",
        "HC-C01": "issue",
        "HC-C02": "issue",
        "HC-C03": "issue",
    }
    bench = order_of(sqlite_db, "BENCH-01")
    res = results(sqlite_db)[bench.id]
    assert res.outcome == "pass" and res.operator == "scheduler"
    assert [s["signal_code"] for s in res.echo["steps"]] == [1, 2, 3]
    assert all(s["echo"]["function"] == s["signal_code"] for s in res.echo["steps"])
    # the programme played on the (manual) clock, timed from its due instant (run-due ran 5 s
    # late here, still within the late allowance)
    assert (res.finished_at - bench.due_at).total_seconds() >= 15 * 60
    assert fleet.controller("T01").last_function in (0, None)  # the live siren never sounded
    with sqlite_db.session() as s:
        sounds = list(
            s.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "command.sound", AuditEvent.outcome != "intent"
                )
            )
        )
    assert len(sounds) == 3 and {e.object_ref for e in sounds} == {"BENCH-01"}
    assert all(e.after["permit"]["mode"] == "bench" for e in sounds)


def test_approved_live_sounding_plays_with_authorised_permit(db_url, fleet, clock, tmp_path):
    from sirenctl.db import Database

    db = Database(db_url)
    try:
        register(db, fleet, ["T01"])
        write_campaign(
            tmp_path,
            "s",
            SOUNDING.format(programme="cn-growl", assets='kinds = ["electronic"]').replace(
                '"trial_sounding"', '"growl_test"'
            ),
        )
        plan(db, tmp_path, *YEAR)
        approve_as(
            db,
            "李主任",
            [order_of(db, "T01").id],
            "月度鸣响",
            schedules_dir=tmp_path,
            now=NINE_EIGHTEEN,
        )
        result = run_due(db, clock=clock, worker="w1", schedules_dir=tmp_path, timeout=0.3)
        assert [(o.tag, o.outcome) for o in result.outcomes] == [("T01", "done")]
        with db.session() as s:
            sound = s.scalar(select(AuditEvent).where(AuditEvent.action == "command.sound"))
        assert sound.after["permit"]["mode"] == "authorised"
        assert (
            sound.after["permit"]["approved_by"] == "李主任"
            and sound.after["permit"]["planner"] == "planner"
        )
        assert order_of(db, "T01").status == "done" and order_of(db, "T01").committed_at is not None
    finally:
        db.dispose()


def test_failed_to_sound_and_unknown_outcome(sqlite_db, fleet, clock, tmp_path):
    register(sqlite_db, fleet, ["T02", "T04"], T02={"is_bench": True}, T04={"is_bench": True})
    write_campaign(
        tmp_path,
        "s",
        SOUNDING.format(programme="cn-growl", assets='kinds = ["electronic", "motor"]').replace(
            '"trial_sounding"', '"growl_test"'
        ),
    )
    plan(sqlite_db, tmp_path, *YEAR)
    result = run_due(sqlite_db, clock=clock, worker="w1", schedules_dir=tmp_path, timeout=0.3)
    outcomes = {o.tag: (o.outcome, o.result, o.status) for o in result.outcomes}
    assert outcomes["T02"] == ("failed", "failed_to_sound", "failed")
    # executed, its reply lost: settled by reading the last-function echo, so it played
    assert outcomes["T04"] == ("done", "pass", "done")
    assert "settled by the echo" in results(sqlite_db)[order_of(sqlite_db, "T04").id].notes
    clock.advance(60)
    again = run_due(sqlite_db, clock=clock, worker="w2", schedules_dir=tmp_path, timeout=0.3)
    assert again.report.decisions == [] and again.outcomes == []


def test_failure_raises_a_finding(sqlite_db, fleet, clock, tmp_path):
    register(sqlite_db, fleet, ["T02"], T02={"is_bench": True})
    write_campaign(
        tmp_path,
        "s",
        SOUNDING.format(programme="cn-growl", assets="all = true")
        .replace('"trial_sounding"', '"growl_test"')
        .replace("all = true", 'kinds = ["electronic"]'),
    )
    plan(sqlite_db, tmp_path, *YEAR)
    run_due(sqlite_db, clock=clock, worker="w1", schedules_dir=tmp_path, timeout=0.3)
    from sirenctl.models.findings import Finding

    res = results(sqlite_db)[order_of(sqlite_db, "T02").id]
    with sqlite_db.session() as s:
        finding = s.scalar(select(Finding))
    assert finding.source == "test_result" and finding.source_ref == f"test_result:{res.id}"
    assert finding.category == "sound" and "failed_to_sound" in finding.description


def test_silent_self_tests_pass_fail_and_retry_unreachable(sqlite_db, fleet, clock, tmp_path):
    register(sqlite_db, fleet, ["T01", "T03", "T05"])
    write_campaign(tmp_path, "silent", SILENT)
    plan(sqlite_db, tmp_path, *YEAR)
    first = run_due(sqlite_db, clock=clock, worker="w1", schedules_dir=tmp_path, timeout=0.3)
    got = {o.tag: (o.outcome, o.status, o.retry) for o in first.outcomes}
    assert got["T01"] == ("done", "done", False)
    assert got["T05"] == ("failed", "failed", False)  # mains failed: the self-test reports it
    assert got["T03"] == ("not_sent", "planned", True)  # nothing sent: may be retried
    t05 = results(sqlite_db)[order_of(sqlite_db, "T05").id]
    assert "mains" in t05.notes and t05.measurements["mains_present"] is False
    t03 = order_of(sqlite_db, "T03")
    assert t03.next_attempt_at is not None and t03.attempts == 1
    for _ in range(3):  # backoff 2, 4 min...; the third attempt is final
        clock.advance((t03.next_attempt_at.timestamp() - clock.now()) + 1)
        run_due(sqlite_db, clock=clock, worker="w1", schedules_dir=tmp_path, timeout=0.3)
        t03 = order_of(sqlite_db, "T03")
        if t03.status != "planned":
            break
    assert t03.status == "failed" and t03.attempts == 3
    with sqlite_db.session() as s:
        tries = list(s.scalars(select(TestResult).where(TestResult.work_order_id == t03.id)))
    assert [r.outcome for r in tries] == ["unreachable"] * 3
    assert len(work_orders(sqlite_db)) == 3
    assert timedelta(0) < t03.finished_at - t03.due_at < timedelta(hours=1)
