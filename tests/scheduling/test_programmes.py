"""Signals and programme timelines, checked against docs/scheduling.md (Signals) to the second."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sirenctl.scheduling.library import load_library
from sirenctl.scheduling.programmes import load_programme
from sirenctl.scheduling.signals import NATIONAL, SignalLibrary

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def library():
    return load_library()


def hhmmss(value: datetime) -> str:
    return value.strftime("%H:%M:%S")


def test_national_signals_one_cycle_is_three_minutes(library):
    pre, raid, clear = (library.signals.get(k) for k in ("pre-alert", "air-raid", "all-clear"))
    assert (pre.code, raid.code, clear.code) == (1, 2, 3)
    assert pre.sound_offsets() == [(0, 36), (60, 96), (120, 156)]
    assert pre.cycle_seconds == 180
    spans = raid.sound_offsets()
    assert len(spans) == 15 and spans[0] == (0, 6) and spans[-1] == (168, 174)
    assert raid.cycle_seconds == 180
    assert clear.sound_offsets() == [(0, 180)] and clear.cycle_seconds == 180


def test_growl_and_silent_codes(library):
    assert library.signals.get("growl").code == 4
    silent = library.signals.get("silent-test")
    assert silent.code == 5 and not silent.audible and silent.sound_offsets() == []


def test_configurable_disaster_signals(library):
    a = library.signals.get("disaster-15-10-5-10")
    assert a.code >= 10 and a.cycle_seconds == (15 + 10 + 5 + 10) * 3
    b = library.signals.get("disaster-3-3")
    assert b.code >= 10 and b.cycle_seconds == 180 and len(b.sound_offsets()) == 30


def test_noon_programme_12_00_12_06_12_12(library):
    programme = library.programme("cn-918-noon")
    rows = programme.timeline(datetime(2026, 9, 18, 12, 0, tzinfo=SHANGHAI))
    got = [(p.signal.key, hhmmss(a), hhmmss(b)) for p, a, b in rows]
    assert got == [
        ("pre-alert", "12:00:00", "12:03:00"),
        ("air-raid", "12:06:00", "12:09:00"),
        ("all-clear", "12:12:00", "12:15:00"),
    ]
    assert programme.total_seconds == 15 * 60


def test_double_programme_is_the_cited_two_cycle_pattern(library):
    """鹤壁市人民防空办公室 2020 and 济源市人民防空办公室 2017: pre-alert and air raid two cycles
    each, 3 minutes between the cycles, 5 minutes between the signals, 31 minutes in all."""
    programme = library.programme("cn-918-double")
    rows = programme.timeline(datetime(2026, 9, 18, 10, 0, tzinfo=SHANGHAI))
    got = [(p.signal.key, p.step.cycles, hhmmss(a), hhmmss(b)) for p, a, b in rows]
    assert got == [
        ("pre-alert", 2, "10:00:00", "10:09:00"),
        ("air-raid", 2, "10:14:00", "10:23:00"),
        ("all-clear", 1, "10:28:00", "10:31:00"),
    ]
    assert programme.total_seconds == 31 * 60
    # pre-alert x2: three 36 s tones, a 3-minute pause, three more
    first = rows[0][0].sound_spans()
    assert first == [(0, 36), (60, 96), (120, 156), (360, 396), (420, 456), (480, 516)]


def test_single_three_minute_sounding(library):
    programme = library.programme("cn-918-single")
    assert programme.total_seconds == 180 and len(programme.steps) == 1


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("de-warntag", [(0, 60), (45 * 60, 46 * 60)]),
        ("ch-sirenentest", [(0, 60)]),
        ("fr-rna-monthly", [(0, 101)]),
        ("nl-monthly", [(0, 86)]),
        ("fi-monthly", [(0, 7)]),
        ("cz-monthly", [(0, 140)]),
        ("at-zivilschutz", [(0, 15), (15 * 60, 18 * 60), (30 * 60, 31 * 60), (45 * 60, 46 * 60)]),
    ],
)
def test_foreign_presets(library, key, expected):
    phases = library.programme(key).phases()
    assert [(p.start, p.stop) for p in phases] == expected


def test_us_growl_within_25_seconds(library):
    assert 1 <= library.programme("us-growl").total_seconds <= 25


def test_hand_crank_cue_guide(library):
    programme = library.programme("cn-918-noon")
    assert (programme.cue(0).action, programme.cue(0).seconds_left) == ("crank", 36)
    assert (programme.cue(36).action, programme.cue(36).seconds_left) == ("stop", 24)
    assert (programme.cue(59.5).action, programme.cue(59.5).seconds_left) == ("stop", 1)
    assert programme.cue(200).action == "stop" and programme.cue(200).seconds_left == 160
    assert programme.cue(900).action == "done"


def test_cycle_gap_between_cycles(tmp_path):
    path = tmp_path / "gapped.toml"
    path.write_text('title = "t"\n[[step]]\nsignal = "pre-alert"\ncycles = 2\ncycle_gap = "3m"\n')
    programme = load_programme(path, SignalLibrary())
    assert programme.total_seconds == 180 + 180 + 180


def test_codes_agree_with_driver_catalogue():
    drivers_signals = pytest.importorskip("sirenctl.drivers.signals")
    for signal in NATIONAL:
        theirs = drivers_signals.BUILTIN[signal.code]
        assert theirs.cycle_seconds == signal.cycle_seconds, signal.key
        assert theirs.audible == signal.audible, signal.key
