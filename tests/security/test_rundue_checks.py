"""run-due's checks at send time: a bench unit proves who it is on the wire before anything
audible (sirenctl/bench_guard.py), and a later programme step is re-checked against the
registry as it is now (sirenctl/scheduling/instant.py Guarded), each refusal recorded as an
alarm. Real simulators on loopback count what the controllers received."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from sirenctl.models import AuditEvent
from sirenctl.simulators.controller import default_serial
from tests.security.helpers import APPROVER, BENCH, audible, line, live_audible

TWO_GROWLS = (
    'title = "two growls"\n[[step]]\nsignal = "growl"\ncycles = 1\ngap = "2s"\n'
    '[[step]]\nsignal = "growl"\ncycles = 1\n'
)


def _refusals(county: Any, tag: str) -> list[AuditEvent]:
    order = county.order(tag)
    with county.db.session() as s:
        return list(
            s.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "workorder.refuse",
                    AuditEvent.object_ref == str(order.id),
                    AuditEvent.outcome == "alarm",
                )
            )
        )


def test_run_due_sounds_a_bench_unit_that_proves_its_serial(county: Any) -> None:
    result = county.run_due()
    bench = next(o for o in result.outcomes if o.tag == BENCH)
    assert bench.outcome == "done" and audible(county.fleet, BENCH) == 1
    assert _refusals(county, BENCH) == []


def test_run_due_refuses_a_bench_unit_whose_controller_reports_another_serial(
    county: Any,
) -> None:
    """Someone swapped the controller behind the bench unit's address: nothing audible."""
    county.fleet.controller(BENCH).serial = "SWAPPED-0001"
    result = county.run_due()
    bench = next(o for o in result.outcomes if o.tag == BENCH)
    assert bench.outcome == "refused" and "SWAPPED-0001" in bench.note
    assert audible(county.fleet, BENCH) == 0
    (alarm,) = _refusals(county, BENCH)
    assert "not proven" in (alarm.message or "") and "SWAPPED-0001" in (alarm.message or "")


def test_run_due_refuses_a_bench_address_answered_by_a_live_sirens_controller(
    county: Any,
) -> None:
    county.fleet.controller(BENCH).serial = default_serial("T01")
    result = county.run_due()
    bench = next(o for o in result.outcomes if o.tag == BENCH)
    assert bench.outcome == "refused" and "LIVE siren" in bench.note
    assert audible(county.fleet, BENCH) == 0 and len(_refusals(county, BENCH)) == 1


def test_a_later_step_refused_by_the_recheck_is_recorded_as_an_alarm(
    county: Any, sqlite_cli: Any
) -> None:
    cli = sqlite_cli  # the county fixture is a SQLite file
    """The controller's unit id is changed with SQL while step 1 plays: step 2 is not sent,
    and the refusal is on record like a refusal at prepare time."""
    from tests.security.test_attacks import approve

    (county.schedules / "programmes" / "test-prog.toml").write_text(TWO_GROWLS, "utf-8")
    county.plan_signed()
    assert approve(cli, county, APPROVER).exit_code == 0
    edited: list[str] = []

    def progress(message: str) -> None:
        if message.startswith("T01: step 1/2") and not edited:
            with county.db.engine.begin() as conn:
                conn.execute(text("UPDATE asset SET controller_unit_id = 9 WHERE tag = 'T01'"))
            edited.append(message)

    from sirenctl.scheduling.rundue import run_due

    result = run_due(
        county.db,
        clock=county.fleet.test_clock,
        worker="w1",
        schedules_dir=county.schedules,
        timeout=0.3,
        progress=progress,
        log=lambda _m: None,
    )
    assert edited, "step 1 of T01 never played"
    t01 = next(o for o in result.outcomes if o.tag == "T01")
    assert t01.outcome != "done"
    assert audible(county.fleet, "T01") == 1  # step 1 only
    assert live_audible(county.fleet) == 1
    alarms = _refusals(county, "T01")
    assert len(alarms) == 1 and "right before sending" in (alarms[0].message or "")


def test_wrong_serial_refusal_leaves_the_approval_path_untouched(
    county: Any, sqlite_cli: Any
) -> None:
    cli = sqlite_cli  # the county fixture is a SQLite file
    """A refused bench unit does not stop the approved live order of the same run."""
    from tests.security.test_attacks import approve

    county.fleet.controller(BENCH).serial = "SWAPPED-0002"
    county.plan_signed()
    assert approve(cli, county, APPROVER, passphrase=line(APPROVER)).exit_code == 0
    county.run_due()
    assert audible(county.fleet, "T01") == 1 and audible(county.fleet, BENCH) == 0
