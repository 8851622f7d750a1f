"""Programme playback against the timings in docs/scheduling.md (Signals), on a manual (instant) clock."""

from __future__ import annotations

import pytest

from sirenctl.drivers.permit import Permit
from sirenctl.drivers.pool import Fleet
from sirenctl.drivers.programme import ProgrammeStep, play_programme, validate_steps
from sirenctl.drivers.signals import AIR_RAID, ALL_CLEAR, PRE_ALERT, SignalTable

from .conftest import spec

NINE_EIGHTEEN = [
    ProgrammeStep(PRE_ALERT, 1, 0),
    ProgrammeStep(AIR_RAID, 1, 360),
    ProgrammeStep(ALL_CLEAR, 1, 720),
]


@pytest.mark.parametrize(
    ("model", "transport"),
    [("sirenctl-generic", "modbus_tcp"), ("hs-ms400", "modbus_rtu"), ("bench-v1", "bench_serial")],
)
async def test_nine_eighteen_programme_plays_signal_by_signal(
    make_sim, clock, audit, model, transport
) -> None:
    sim = await make_sim([spec("S1", model, transport)])
    t0 = clock.now()
    async with Fleet(sim.endpoints, clock=clock, audit=audit) as fleet:
        res = await play_programme(
            fleet.driver("S1"), NINE_EIGHTEEN, Permit.for_bench("S1", now=t0), clock
        )
    assert res.ok, res.to_dict()
    assert [s.outcome for s in res.steps] == ["ok", "ok", "ok"]
    assert [s.echo["function"] for s in res.steps] == [PRE_ALERT, AIR_RAID, ALL_CLEAR]
    acts = sim.controller("S1").stats.commands
    assert [(a.code, a.at - t0) for a in acts] == [
        (PRE_ALERT, 0),
        (AIR_RAID, 360),
        (ALL_CLEAR, 720),
    ]
    assert res.final_status is not None and not res.final_status.sounding
    assert res.finished_at - t0 >= 900  # 12:00 .. 12:15
    assert len(audit.of("sound")) == 3


async def test_sounding_pattern_seen_over_the_wire(make_sim, clock) -> None:
    sim = await make_sim([spec("S1")])
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        drv = fleet.driver("S1")
        res = await play_programme(
            drv,
            [ProgrammeStep(PRE_ALERT, 1, 0)],
            Permit.for_bench("S1", now=clock.now()),
            clock,
            wait_to_end=False,
        )
        start = res.steps[0].started_at
        seen = []
        for t in (1, 35, 37, 59, 61, 95, 97, 121, 155, 157, 179):
            clock.advance(start + t - clock.now())
            seen.append((t, (await drv.read_status()).sounding))
    # 36 s on, 24 s off, three times
    assert seen == [
        (1, True),
        (35, True),
        (37, False),
        (59, False),
        (61, True),
        (95, True),
        (97, False),
        (121, True),
        (155, True),
        (157, False),
        (179, False),
    ]


async def test_failed_to_sound_step_is_reported_not_retried(make_sim, clock) -> None:
    sim = await make_sim([spec("S1", faults="stale_echo")])
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        res = await play_programme(
            fleet.driver("S1"), NINE_EIGHTEEN, Permit.for_bench("S1", now=clock.now()), clock
        )
    assert not res.ok
    assert [s.outcome for s in res.steps] == ["failed_to_sound"] * 3
    assert sim.controller("S1").stats.write_frames == 3


async def test_refused_permit_stops_the_programme(make_sim, clock) -> None:
    sim = await make_sim([spec("S1")])
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        res = await play_programme(
            fleet.driver("S1"), NINE_EIGHTEEN, Permit.for_bench("OTHER", now=clock.now()), clock
        )
    assert [s.outcome for s in res.steps] == ["refused", "not_run", "not_run"]
    assert sim.controller("S1").stats.requests == 0


def test_overlapping_steps_rejected() -> None:
    with pytest.raises(
        ValueError, match="step 2: starts at 100 s but step 1 .pre-alert x1. lasts until 180 s"
    ):
        validate_steps(
            [ProgrammeStep(PRE_ALERT, 1, 0), ProgrammeStep(AIR_RAID, 1, 100)], SignalTable()
        )
    assert ProgrammeStep.from_dict(
        {"signal": "air-raid", "cycles": 2, "at": 1200}
    ) == ProgrammeStep(AIR_RAID, 2, 1200.0)
