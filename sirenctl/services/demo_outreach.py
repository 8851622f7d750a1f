"""The demo county's drills and outreach of 2025, as the office reported them.

Drills: one community a month, March to November (9 communities), 412 residents, 37 primary
first-aider certificates, 720 air-defence handbooks. Publicity on 4·15, 5·12, 9·18 and at drills
in 9 communities: 700 civil air-defence handbooks and 1,050 knowledge handbooks. A lecture at
the Party school to 98 trainees.
"""

from __future__ import annotations

from datetime import date

FIRST_AIDER = "初级救护员证"
FORM = "摆放宣传展板、政策咨询、发放宣传资料"

# site, day, participants, certificates, air-defence handbooks, evacuation minutes
DRILLS_2025: tuple[tuple[str, date, int, int, int, float], ...] = (
    ("C01", date(2025, 3, 28), 45, 4, 80, 9.5),
    ("C03", date(2025, 4, 25), 42, 4, 75, 8.0),
    ("C05", date(2025, 5, 30), 48, 5, 85, 10.0),
    ("C07", date(2025, 6, 27), 40, 3, 70, 7.5),
    ("C09", date(2025, 7, 25), 52, 5, 90, 11.0),
    ("C11", date(2025, 8, 29), 44, 4, 78, 9.0),
    ("C13", date(2025, 9, 26), 46, 4, 80, 8.5),
    ("C02", date(2025, 10, 31), 50, 4, 82, 9.0),
    ("C06", date(2025, 11, 28), 45, 4, 80, 10.5),
)
# site, day, occasion, people, civil air-defence handbooks, knowledge handbooks
PUBLICITY_2025: tuple[tuple[str, date, str, int, int, int], ...] = (
    ("C02", date(2025, 4, 15), "security_day", 120, 80, 120),
    ("C04", date(2025, 4, 15), "security_day", 95, 80, 110),
    ("C06", date(2025, 5, 12), "disaster_day", 130, 70, 120),
    ("C08", date(2025, 5, 12), "disaster_day", 110, 80, 110),
    ("C10", date(2025, 9, 18), "air_defence_day", 150, 80, 130),
    ("C12", date(2025, 9, 18), "air_defence_day", 140, 90, 120),
    ("C01", date(2025, 3, 28), "drill", 60, 70, 110),
    ("C09", date(2025, 7, 25), "drill", 70, 80, 120),
    ("C13", date(2025, 9, 26), "drill", 65, 70, 110),
)
LECTURE_2025 = (
    "C01",
    date(2025, 6, 26),
    "深入学习习近平强军思想 推动新时代国防动员高质量发展",
    "市委党校",
    98,
)
