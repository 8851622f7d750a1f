"""Notice numbers stay unique and gap-free when several threads and processes issue at once."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select

from sirenctl.db import Database
from sirenctl.findings.findings import add_finding
from sirenctl.findings.notices import issue_notice
from sirenctl.models.findings import RectificationNotice
from tests.findings.conftest import NOW

PER_WORKER = 4
PROCESSES = 3

ISSUE = """
import sys, time
from datetime import date, datetime, UTC
from pathlib import Path
from sirenctl.db import Database
from sirenctl.findings.findings import add_finding
from sirenctl.findings.notices import issue_notice

db = Database(sys.argv[1])
Path(sys.argv[3] + ".ready." + sys.argv[4]).touch()
while not Path(sys.argv[3]).exists():  # start issuing together with the other processes
    time.sleep(0.005)
for _ in range(int(sys.argv[2])):
    with db.transaction() as s:
        f = add_finding(s, operator="p", site="C01", category="other", severity="minor",
                        description="x")
        issue_notice(s, operator="p", findings=[f.id], deadline=date(2025, 12, 31),
                     responsible_unit="u", responsible_person="p", required_action="a",
                     now=datetime(2025, 3, 10, tzinfo=UTC))
db.dispose()
"""


def issue_many(db: Database, count: int, then: Callable[[], None] = lambda: None) -> None:
    for _ in range(count):
        with db.transaction() as s:
            finding = add_finding(
                s,
                operator="t",
                site="C01",
                category="other",
                severity="minor",
                description="x",
                now=NOW,
            )
            issue_notice(
                s,
                operator="t",
                findings=[finding.id],
                deadline=date(2025, 12, 31),
                responsible_unit="u",
                responsible_person="p",
                required_action="a",
                now=NOW,
            )
            then()


def numbers(db: Database) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(RectificationNotice.number)))


def expected(count: int) -> list[str]:
    return [f"ZG-2025-{i:03d}" for i in range(1, count + 1)]


def test_threads_never_draw_the_same_number(fdb) -> None:
    threads = [threading.Thread(target=issue_many, args=(fdb, PER_WORKER)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers(fdb)) == expected(6 * PER_WORKER)


def test_processes_never_draw_the_same_number(fdb, tmp_path) -> None:
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ISSUE, fdb.url, str(PER_WORKER), str(go), str(i)],
            stderr=subprocess.PIPE,
        )
        for i in range(PROCESSES)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready.*"))) < PROCESSES and time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.01)
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    assert sorted(numbers(fdb)) == expected(PROCESSES * PER_WORKER)


def test_a_rolled_back_issue_leaves_no_gap_and_numbers_are_never_reused(fdb) -> None:
    issue_many(fdb, 2)

    class PrinterJammed(Exception):
        pass

    def fail_after_issuing() -> None:
        raise PrinterJammed

    with pytest.raises(PrinterJammed):
        issue_many(fdb, 1, then=fail_after_issuing)
    issue_many(fdb, 1)
    assert sorted(numbers(fdb)) == expected(3)
    with fdb.transaction() as s:  # even a notice renumbered by hand does not free its number
        s.execute(
            RectificationNotice.__table__.update()
            .values(number="X")
            .where(RectificationNotice.number == "ZG-2025-003")
        )
    issue_many(fdb, 1)
    assert "ZG-2025-004" in numbers(fdb) and "ZG-2025-003" not in numbers(fdb)
