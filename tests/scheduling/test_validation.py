"""Every validation error names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sirenctl.scheduling.campaigns import load_campaign
from sirenctl.scheduling.library import load_library, shipped_dir
from sirenctl.scheduling.programmes import load_programme
from sirenctl.scheduling.signals import SignalLibrary, load_signal_file
from sirenctl.scheduling.spec import KeyLocator, SpecError


@pytest.fixture(scope="module")
def programmes():
    return load_library().programmes


def problems_of(exc: pytest.ExceptionInfo[SpecError]) -> list[tuple[int | None, str]]:
    return [(p.line, p.field) for p in exc.value.problems]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'title = "x"\n\n[[step]]\nsignal = "pre-alert"\ngap = "3m"\n\n[[step]]\n'
            'signal = "air-raid-typo"\ncycles = 0\n',
            [(8, "step[2].signal"), (9, "step[2].cycles")],
        ),
        (
            'title = "x"\n[[step]]\nsignal = "pre-alert"\ngap = "three minutes"\n[[step]]\n'
            'signal = "all-clear"\ngap = "1m"\n',
            [(4, "step[1].gap"), (7, "step[2].gap")],
        ),
        ('title = "x"\n[[step]]\nsignal = "all-clear"\ncylces = 2\n', [(4, "step[1].cylces")]),
        ('[[step]]\nsignal = "growl"\ncycles = 6\n', [(None, "title"), (3, "step[1].cycles")]),
    ],
)
def test_programme_errors_name_line_and_field(tmp_path, text, expected):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(SpecError) as exc:
        load_programme(path, SignalLibrary())
    assert problems_of(exc) == expected
    assert all(str(p).startswith(f"{path}:") for p in exc.value.problems)


def test_error_message_format(tmp_path):
    path = write(tmp_path, "bad.toml", 'title = "x"\n[[step]]\nsignal = "air-raid-typo"\n')
    with pytest.raises(SpecError) as exc:
        load_programme(path, SignalLibrary())
    assert str(exc.value).startswith(f"{path}:3: step[1].signal: unknown signal 'air-raid-typo'")


def test_toml_syntax_error_has_line(tmp_path):
    path = write(tmp_path, "broken.toml", 'title = "x"\n[[step]]\nsignal = pre-alert\n')
    with pytest.raises(SpecError) as exc:
        load_programme(path, SignalLibrary())
    assert exc.value.problems[0].line == 3
    assert "TOML syntax" in str(exc.value)


def test_signal_file_reserved_code_and_bad_segments(tmp_path):
    path = write(
        tmp_path,
        "signals.toml",
        '[[signal]]\nkey = "x"\ncode = 2\ntitle = "x"\n'
        'tone = "steady"\nsegments = [[5, 0]]\n\n[[signal]]\nkey = "y"\ncode = 12\n'
        'title = "y"\ntone = "loud"\nsegments = [[5]]\n',
    )
    with pytest.raises(SpecError) as exc:
        load_signal_file(path)
    assert problems_of(exc) == [
        (3, "signal[1].code"),
        (12, "signal[2].tone"),
        (13, "signal[2].segments"),
    ]


CAMPAIGN_OK = """title = "t"
task = "trial_sounding"
programme = "cn-918-noon"
window = "2m"

[assets]
all = true

[when]
rule = "fixed_date"
month = 9
day = 18
time = "10:00"
"""


def test_good_campaign_loads(tmp_path, programmes):
    campaign = load_campaign(write(tmp_path, "ok.toml", CAMPAIGN_OK), programmes)
    assert campaign.key == "ok" and campaign.timezone == "Asia/Shanghai" and campaign.window == 120


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('task = "trial_sounding"', 'task = "sounding"', (2, "task")),
        ('programme = "cn-918-noon"', 'programme = "nope"', (3, "programme")),
        ('programme = "cn-918-noon"', 'programme = "cn-silent-selftest"', (3, "programme")),
        ('window = "2m"', 'window = "1h"', (4, "window")),
        ("all = true", 'kinds = ["hand_crank", "foghorn"]', (7, "assets.kinds")),
        ("month = 9", "month = 13", (11, "when.month")),
        ("day = 18", "day = 31", (12, "when.day")),
        ('time = "10:00"', 'time = "10h"', (13, "when.time")),
        ('rule = "fixed_date"', 'rule = "easter"', (10, "when.rule")),
        ('title = "t"', 'title = "t"\ntimezone = "Asia/Beijing"', (2, "timezone")),
    ],
)
def test_campaign_errors_name_line_and_field(tmp_path, programmes, old, new, expected):
    path = write(tmp_path, "bad.toml", CAMPAIGN_OK.replace(old, new))
    with pytest.raises(SpecError) as exc:
        load_campaign(path, programmes)
    assert expected in problems_of(exc)
    assert str(path) in str(exc.value)


def test_campaign_cron_error(tmp_path, programmes):
    text = CAMPAIGN_OK.split("[when]")[0] + '[when]\ncron = "0 12 * * 8"\n'
    with pytest.raises(SpecError) as exc:
        load_campaign(write(tmp_path, "c.toml", text), programmes)
    assert problems_of(exc) == [(10, "when.cron")]
    assert "day of week" in str(exc.value)


def test_manual_check_needs_checklist(tmp_path, programmes):
    text = CAMPAIGN_OK.replace('task = "trial_sounding"', 'task = "manual_check"').replace(
        'window = "2m"', 'window = "7d"'
    )
    with pytest.raises(SpecError) as exc:
        load_campaign(write(tmp_path, "m.toml", text), programmes)
    assert problems_of(exc)[0][1] == "checklist"


def test_silent_test_cannot_target_hand_crank_only(tmp_path, programmes):
    text = (
        CAMPAIGN_OK.replace('task = "trial_sounding"', 'task = "silent_test"')
        .replace("cn-918-noon", "cn-silent-selftest")
        .replace("all = true", 'kinds = ["hand_crank"]')
    )
    with pytest.raises(SpecError) as exc:
        load_campaign(write(tmp_path, "s.toml", text), programmes)
    assert problems_of(exc) == [(7, "assets.kinds")]


def test_library_reports_all_files(tmp_path):
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "programmes").mkdir()
    write(tmp_path / "campaigns", "a.toml", CAMPAIGN_OK.replace("month = 9", "month = 0"))
    write(tmp_path / "programmes", "p.toml", 'title = "p"\n[[step]]\nsignal = "nope"\n')
    with pytest.raises(SpecError) as exc:
        load_library(tmp_path)
    files = {Path(p.file).name for p in exc.value.problems}
    assert files == {"a.toml", "p.toml"}


def test_user_directory_extends_shipped(tmp_path):
    (tmp_path / "campaigns").mkdir()
    write(
        tmp_path,
        "signals.toml",
        '[[signal]]\nkey = "county-x"\ncode = 40\ntitle = "X"\n'
        'tone = "intermittent"\nsegments = [[2, 2]]\nrepeat = 10\n',
    )
    (tmp_path / "programmes").mkdir()
    write(tmp_path / "programmes", "county-x.toml", 'title = "x"\n[[step]]\nsignal = "county-x"\n')
    write(tmp_path / "campaigns", "mine.toml", CAMPAIGN_OK.replace("cn-918-noon", "county-x"))
    library = load_library(tmp_path)
    assert set(library.campaigns) == {"mine"}
    assert "cn-918-noon" in library.programmes and library.programme("county-x").total_seconds == 40


def test_shipped_library_is_valid():
    library = load_library(shipped_dir())
    assert {
        "cn-918-trial-sounding",
        "cn-handcrank-monthly-check",
        "cn-terminal-quarterly-selftest",
        "cn-community-drill-monthly",
    } <= {k for k, c in library.campaigns.items() if c.enabled}


def test_key_locator_dotted_and_quoted_keys():
    locator = KeyLocator('a = 1\n[t]\n"b c" = 2\nd.e = 3\n[[arr]]\nx = """\nk = 1\n"""\ny = 1\n')
    assert locator.line(("t", "b c")) == 3
    assert locator.line(("t", "d", "e")) == 4
    assert locator.line(("arr", 0, "y")) == 9
    assert locator.line(("arr", 0, "k")) == 5  # inside a string: falls back to the table
