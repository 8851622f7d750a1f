"""Each shipped signal, test day and holiday rule checked against the notice it cites.

The sources are named in the schedule files themselves (``source = ...``); each test states
the rule it checks and where it comes from.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from sirenctl.scheduling.holiday_calendar import WORKDAY, ChineseCalendarSource, HolidayCalendar
from sirenctl.scheduling.library import load_library, shipped_dir
from sirenctl.scheduling.occurrences import occurrences

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def library():
    return load_library()


def year_of(campaign, year, cal=None, *, include_skipped=False):
    return occurrences(
        campaign,
        datetime(year, 1, 1, tzinfo=UTC),
        datetime(year + 1, 1, 1, tzinfo=UTC),
        cal or HolidayCalendar(),
        include_skipped=include_skipped,
    )


def clock(programme, start):
    return [
        (p.signal.key, a.strftime("%H:%M"), b.strftime("%H:%M"))
        for p, a, b in programme.timeline(start)
    ]


@pytest.mark.parametrize("folder", ["programmes", "campaigns"])
def test_every_shipped_file_names_its_source(folder):
    """Issue 15 item 5: each shipped campaign and programme file names its source (issuing
    body, year, title) in a `source` field; one that cannot be verified says so."""
    files = sorted((shipped_dir() / folder).glob("*.toml"))
    assert len(files) > 10
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert data.get("source", "").strip(), f"{path.name} has no source"
        if data["source"].startswith("none"):
            assert data.get("verified") is False, (
                f"{path.name}: no source but not marked unverified"
            )


def test_default_918_is_the_cited_jiangsu_programme(library):
    """镇江市人民政府办公室 2024 / 南京市人防办 2016: 10:00-10:03, 10:08-10:11, 10:16-10:19."""
    campaign = library.campaigns["cn-918-trial-sounding"]
    assert campaign.programme == "cn-918-jiangsu" and campaign.citation
    (occ,) = year_of(campaign, 2026)
    assert occ.due == datetime(2026, 9, 18, 10, 0, tzinfo=SHANGHAI)
    assert clock(library.programme("cn-918-jiangsu"), occ.due) == [
        ("pre-alert", "10:00", "10:03"),
        ("air-raid", "10:08", "10:11"),
        ("all-clear", "10:16", "10:19"),
    ]
    assert library.programme("cn-918-noon").verified is False  # no notice found for 12:00


@pytest.mark.parametrize(
    ("campaign", "year", "day", "expected"),
    [
        # 上海市人民政府 2018-09-05 and 2024 通告: 11:35-11:38, 11:45-11:48, 11:55-11:58
        (
            "cn-shanghai-trial-sounding",
            2024,
            date(2024, 9, 21),
            [
                ("pre-alert", "11:35", "11:38"),
                ("air-raid", "11:45", "11:48"),
                ("all-clear", "11:55", "11:58"),
            ],
        ),
        # 北京市人民政府 2022-09-09 通告: 10:00-10:03, 10:10-10:13, 10:20-10:23
        (
            "cn-beijing-trial-sounding",
            2022,
            date(2022, 9, 17),
            [
                ("pre-alert", "10:00", "10:03"),
                ("air-raid", "10:10", "10:13"),
                ("all-clear", "10:20", "10:23"),
            ],
        ),
    ],
)
def test_shanghai_and_beijing_sound_in_10_minute_steps_on_the_third_saturday(
    library, campaign, year, day, expected
):
    spec = library.campaigns[campaign]
    (occ,) = year_of(spec, year)
    assert occ.due.date() == day and occ.due.weekday() == 5
    assert clock(library.programme(spec.programme), occ.due) == expected


def test_chongqing_xiamen_nanjing_presets(library):
    """重庆市人民政府 2022: 10:30-10:42, four signals of 3 minutes, 灾情警报 3 s on 3 s off x30;
    厦门 2024: 15:00, 15:10, 15:20; 南京市人民政府 2022: 10:01-10:02 one minute."""
    cq = library.campaigns["cn-chongqing-65"]
    (occ,) = year_of(cq, 2027)
    assert occ.due == datetime(2027, 6, 5, 10, 30, tzinfo=SHANGHAI)
    programme = library.programme(cq.programme)
    assert [s.signal.key for s in programme.steps] == [
        "pre-alert",
        "air-raid",
        "all-clear",
        "disaster-3-3",
    ]
    assert programme.total_seconds == 12 * 60
    assert (
        library.signals.get("disaster-3-3").segments == ((3, 3),)
        and library.signals.get("disaster-3-3").repeat == 30
    )
    xm = library.campaigns["cn-xiamen-510"]
    (occ,) = year_of(xm, 2027)
    assert [start for _, start, _ in clock(library.programme(xm.programme), occ.due)] == [
        "15:00",
        "15:10",
        "15:20",
    ]
    nj = library.campaigns["cn-nanjing-1213"]
    (occ,) = year_of(nj, 2027)
    assert occ.due == datetime(2027, 12, 13, 10, 1, tzinfo=SHANGHAI)
    assert library.programme(nj.programme).total_seconds == 60


def test_swiss_water_alarm_twelve_tones(library):
    """BABS Sirenentest: zwölf tiefe Dauertöne von je 20 Sekunden in Abständen von je 10 Sekunden,
    after the general alarm on the 1st Wednesday of February."""
    campaign = library.campaigns["ch-wasseralarm"]
    (occ,) = year_of(campaign, 2027)
    assert occ.due.date() == date(2027, 2, 3) and occ.due.hour == 14
    spans = library.programme(campaign.programme).sound_spans()
    assert spans == [(30 * i, 30 * i + 20) for i in range(12)]


def test_austria_weekly_test_every_saturday_but_the_october_probealarm(library):
    """Österreichischer Zivilschutzverband: Sirenenprobe 15 s jeden Samstag um 12 Uhr; on the
    1st Saturday of October the Zivilschutz-Probealarm's own 12:00 Sirenenprobe replaces it."""
    weekly = library.campaigns["at-weekly-sirenenprobe"]
    occ = year_of(weekly, 2027, include_skipped=True)
    assert all(o.due.weekday() == 5 and o.due.hour == 12 for o in occ) and len(occ) == 52
    skipped = [o for o in occ if o.skipped]
    assert [o.nominal.date() for o in skipped] == [date(2027, 10, 2)]
    assert library.programme(weekly.programme).total_seconds == 15
    (probe,) = year_of(library.campaigns["at-zivilschutz"], 2027)
    assert probe.due.date() == date(2027, 10, 2)


def test_czech_test_cancelled_on_a_state_holiday(library):
    """HZS ČR: 1 January 2014, a state holiday on the first Wednesday: 'tato zkouška ruší'.
    5 July 2028 (Cyril and Methodius) is the first Wednesday of July: no test that month."""
    cz = library.campaigns["cz-monthly"]
    occ = year_of(cz, 2028, include_skipped=True)
    july = next(o for o in occ if o.nominal.month == 7)
    assert july.nominal.date() == date(2028, 7, 5) and july.skipped
    assert date(2028, 7, 5) not in {o.due.date() for o in year_of(cz, 2028)}


@pytest.mark.parametrize(
    ("nominal", "postponed"),
    [
        (date(2023, 11, 1), date(2023, 11, 8)),  # Toussaint: the next Wednesday
        (date(2024, 5, 1), date(2024, 5, 2)),  # 8 May is a holiday too: the Thursday
        (date(2025, 1, 1), date(2025, 1, 8)),  # Jour de l'an: the next Wednesday
        (date(2028, 11, 1), date(2028, 11, 8)),  # booked on the holiday before issue 15
    ],
)
def test_french_test_postponed_as_the_ministry_did(library, nominal, postponed):
    """Ministère de l'Intérieur: 2023-11-01 -> 8 Nov, 2024-05-01 -> jeudi 2 mai, 2025-01-01 -> 8 Jan."""
    fr = library.campaigns["fr-rna-monthly"]
    assert fr.holiday_policy == "postpone" and fr.postpone == (7, 1)
    occ = next(o for o in year_of(fr, nominal.year) if o.nominal.date() == nominal)
    assert occ.due.date() == postponed and occ.due.hour == 12 and "postponed" in occ.note


def test_dutch_test_never_on_4_may_and_phase_out_visible(library):
    """Veiligheidsregio's (NOS 2018): no test on feestdagen nor on 4 May (Dodenherdenking),
    which the holidays package does not list. 4 May 2026 is the first Monday of May."""
    nl = library.campaigns["nl-monthly"]
    occ = year_of(nl, 2026, include_skipped=True)
    may = next(o for o in occ if o.nominal.month == 5)
    assert may.nominal.date() == date(2026, 5, 4) and may.skipped and "Dodenherdenking" in may.note
    assert HolidayCalendar().is_workday("NL", date(2026, 5, 4))  # not a public holiday
    assert "phase-out" in nl.note.lower() and "NL-Alert" in nl.note


def test_us_growl_monthly_fires_monthly(library):
    """Issue 15 item 9: a monthly test fires 12 times a year, each on the 1st Wednesday."""
    occ = year_of(library.campaigns["us-growl-monthly"], 2027)
    assert len(occ) == 12
    assert all(o.due.weekday() == 2 and o.due.day <= 7 and o.due.hour == 11 for o in occ)


def test_estimate_reproduces_the_official_2025_arrangement():
    """国务院办公厅关于2025年部分节假日安排的通知 (2024-11-12): the rules it states reproduce its
    own days off and adjusted workdays exactly."""
    from sirenctl.scheduling.cn_holiday_rules import estimate_year

    estimate = estimate_year(2025)
    official = ChineseCalendarSource().year("CN", 2025)
    assert estimate is not None and official is not None
    day, est_off, off = date(2025, 1, 1), set(), set()
    while day.year == 2025:
        (est_off if not estimate.is_workday(day) else set()).add(day)
        (off if not official.is_workday(day) else set()).add(day)
        day = day.fromordinal(day.toordinal() + 1)
    assert est_off == off
    workdays = {e.day for e in estimate.days.values() if e.kind == WORKDAY}
    assert workdays == {e.day for e in official.days.values() if e.kind == WORKDAY}


def test_2027_and_2028_breaks_by_the_rules():
    """Spring Festival 8 days from New Year's Eve, National Day 7, Labour Day 5 (2025 rules):
    the days issue 15 names as very likely holidays are off, and the year stays provisional."""
    cal = HolidayCalendar()
    for text in ("2027-05-05", "2027-10-06", "2028-01-31", "2028-05-03", "2028-10-05"):
        assert not cal.is_workday("CN", date.fromisoformat(text)), text
    y2027 = cal.year("CN", 2027)
    assert y2027.status == "provisional"
    spring = [d for d, e in y2027.days.items() if e.kind == "holiday" and e.name.startswith("春节")]
    assert min(spring) == date(2027, 2, 5) and len(spring) == 8  # 除夕 is 5 February 2027
    assert any(e.kind == WORKDAY for e in y2027.days.values())  # adjusted workdays estimated


CAMPAIGN = """title = "t"
task = "trial_sounding"
programme = "fr-rna-monthly"
holiday_country = "FR"
{extra}
[assets]
all = true
[when]
rule = "nth_weekday"
n = 1
weekday = "wed"
time = "12:00"
"""


@pytest.mark.parametrize(
    ("extra", "line", "field", "message"),
    [
        ('holiday_policy = "postpone"', 5, "postpone", "is required"),
        ('holiday_policy = "skip"\npostpone = ["7d"]', 6, "postpone", "only used"),
        ('holiday_policy = "postpone"\npostpone = ["36h"]', 6, "postpone", "whole days"),
        ('[skip_days]\n"13-45" = "x"', 6, "skip_days.13-45", "MM-DD"),
        ('[skip_days]\n"1st sat of 10" = ""', 6, "skip_days.1st sat of 10", "needs a reason"),
    ],
)
def test_postpone_and_skip_days_are_validated(library, tmp_path, extra, line, field, message):
    from sirenctl.scheduling.campaigns import load_campaign
    from sirenctl.scheduling.spec import SpecError

    path = tmp_path / "c.toml"
    path.write_text(CAMPAIGN.format(extra=extra), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_campaign(path, library.programmes)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (line, field) and message in problem.message
