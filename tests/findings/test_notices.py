"""Rectification notices: issue, every transition, every invalid one, overdue, audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from sirenctl.findings.findings import add_finding, get_finding
from sirenctl.findings.notice_edit import edit_notice
from sirenctl.findings.notice_queries import get_notice, is_overdue, notice_to_dict, overdue_notices
from sirenctl.findings.notices import (
    InvalidTransition,
    apply_action,
    close_notice,
    issue_notice,
    recheck,
    set_status,
)
from sirenctl.findings.transitions import ACTIONS
from sirenctl.models import Asset, AuditEvent
from sirenctl.models.findings import NoticeEvent, NoticeStatus, RectificationNotice
from sirenctl.registry.errors import Conflict, NotFound, ValidationFailed
from tests.findings.conftest import NOW

DEADLINE = date(2025, 3, 31)


def _finding(db, asset="HC-C01", severity="major", category="corrosion") -> int:
    with db.transaction() as s:
        return add_finding(
            s,
            operator="insp",
            asset=asset,
            category=category,
            severity=severity,
            description="转轴锈蚀",
            now=NOW,
        ).id


def _issue(db, *findings: int, prefix: str = "ZG") -> str:
    with db.transaction() as s:
        return issue_notice(
            s,
            operator="office",
            findings=list(findings),
            deadline=DEADLINE,
            responsible_unit="东风社区居委会",
            responsible_person="王建国",
            required_action="除锈并上油",
            prefix=prefix,
            now=NOW,
        ).number


def _status(db, number: str) -> str:
    with db.session() as s:
        return get_notice(s, number).status


def _drive_to(db, number: str, status: str) -> None:
    """Bring a fresh notice to ``status`` along a legal path."""
    paths = {
        "open": [],
        "in_progress": ["start"],
        "awaiting_recheck": ["submit"],
        "reopened": ["submit", "recheck_fail"],
        "closed": ["submit", "recheck_pass", "close"],
    }
    for action in paths[status]:
        with db.transaction() as s:
            apply_action(s, number, action, operator="office", now=NOW)
    assert _status(db, number) == status


def test_issue_numbers_in_sequence_per_prefix_and_year(fdb) -> None:
    first = _issue(fdb, _finding(fdb))
    second = _issue(fdb, _finding(fdb))
    other = _issue(fdb, _finding(fdb), prefix="安人防")
    assert (first, second, other) == ("ZG-2025-001", "ZG-2025-002", "安人防-2025-001")
    with fdb.session() as s:
        notice = get_notice(s, first)
        assert notice.status == NoticeStatus.OPEN
        assert notice.issued_on == date(2025, 3, 10)
        assert [f.id for f in notice.findings] == [1]
        assert [(e.event, e.from_status, e.to_status, e.by) for e in notice.events] == [
            ("issue", None, "open", "office")
        ]


def test_full_lifecycle_closes_findings_and_is_audited(fdb) -> None:
    fid = _finding(fdb)
    number = _issue(fdb, fid)
    steps = [
        ("start", "in_progress"),
        ("submit", "awaiting_recheck"),
        ("recheck_fail", "reopened"),
        ("start", "in_progress"),
        ("submit", "awaiting_recheck"),
        ("recheck_pass", "awaiting_recheck"),
        ("close", "closed"),
    ]
    for i, (action, expected) in enumerate(steps, start=1):
        with fdb.transaction() as s:
            notice = apply_action(
                s,
                number,
                action,
                operator=f"user{i}",
                note=f"step {i}",
                now=NOW + timedelta(days=i),
            )
            assert notice.status == expected
    with fdb.session() as s:
        notice = get_notice(s, number)
        assert [(e.event, e.to_status, e.by) for e in notice.events][1:] == [
            (a, st, f"user{i}") for i, (a, st) in enumerate(steps, start=1)
        ]
        assert notice.closed_at == NOW + timedelta(days=7)
        assert notice_to_dict(notice, NOW)["closed_on_time"] is True
        assert get_finding(s, fid).status == "resolved"
        audit = s.execute(
            select(AuditEvent.action, AuditEvent.operator, AuditEvent.at)
            .where(AuditEvent.object_ref == number)
            .order_by(AuditEvent.id)
        ).all()
        assert [a for a, _, _ in audit] == ["notice.issue"] + [f"notice.{a}" for a, _ in steps]
        assert [(o, at) for _, o, at in audit][1:] == [
            (f"user{i}", NOW + timedelta(days=i)) for i in range(1, 8)
        ]


def test_update_status_and_recheck_with_close(fdb) -> None:
    number = _issue(fdb, _finding(fdb))
    with fdb.transaction() as s:
        set_status(s, number, "in_progress", operator="a", now=NOW)
        set_status(s, number, "awaiting_recheck", operator="a", now=NOW)
        recheck(s, number, passed=True, close=True, operator="b", now=NOW)
    assert _status(fdb, number) == "closed"
    with fdb.transaction() as s, pytest.raises(ValidationFailed, match="status"):
        set_status(s, number, "closed", operator="a", now=NOW)


ALL_STATUSES = [s.value for s in NoticeStatus]
INVALID = [
    (status, action)
    for status in ALL_STATUSES
    for action in ACTIONS
    if not ACTIONS[action].allows(status)
] + [("awaiting_recheck", "close")]


def test_every_invalid_transition_is_refused_and_changes_nothing(fdb) -> None:
    def counts(s):
        return (
            s.scalar(select(func.count()).select_from(NoticeEvent)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
        )

    assert len(INVALID) == 18  # 25 pairs - 8 legal + close without a passed re-check
    for status, action in INVALID:
        number = _issue(fdb, _finding(fdb))
        _drive_to(fdb, number, status)
        with fdb.session() as s:
            before = counts(s), notice_to_dict(get_notice(s, number), NOW)
        with pytest.raises(InvalidTransition) as err, fdb.transaction() as s:
            apply_action(s, number, action, operator="x", now=NOW)
        message = str(err.value)
        assert number in message and status in message and "nothing was changed" in message
        with fdb.session() as s:
            assert (counts(s), notice_to_dict(get_notice(s, number), NOW)) == before, action


def test_close_needs_a_passed_recheck_since_the_last_submission(fdb) -> None:
    number = _issue(fdb, _finding(fdb))
    for action in ("submit", "recheck_pass", "recheck_fail", "submit"):
        with fdb.transaction() as s:
            apply_action(s, number, action, operator="o", now=NOW)
    with pytest.raises(InvalidTransition, match="re-check passes"), fdb.transaction() as s:
        close_notice(s, number, operator="o", now=NOW)


def test_issue_refuses_bad_input_without_using_a_number(fdb) -> None:
    fid = _finding(fdb)
    other_site = _finding(fdb, asset="HC-C02")
    with pytest.raises(ValidationFailed, match="several sites"), fdb.transaction() as s:
        issue_notice(
            s,
            operator="o",
            findings=[fid, other_site],
            deadline=DEADLINE,
            responsible_unit="u",
            responsible_person="p",
            required_action="a",
            now=NOW,
        )
    with pytest.raises(ValidationFailed, match="deadline"), fdb.transaction() as s:
        issue_notice(
            s,
            operator="o",
            findings=[fid],
            deadline=date(2025, 3, 1),
            responsible_unit="u",
            responsible_person="p",
            required_action="a",
            now=NOW,
        )
    with pytest.raises(ValidationFailed) as err, fdb.transaction() as s:
        issue_notice(
            s,
            operator="o",
            findings=[],
            deadline=DEADLINE,
            responsible_unit=" ",
            responsible_person="p",
            required_action="a",
            now=NOW,
        )
    assert {p.field for p in err.value.problems} == {"responsible_unit", "finding"}
    with pytest.raises(NotFound), fdb.transaction() as s:
        issue_notice(
            s,
            operator="o",
            findings=[999],
            deadline=DEADLINE,
            responsible_unit="u",
            responsible_person="p",
            required_action="a",
            now=NOW,
        )
    with pytest.raises(ValidationFailed, match="prefix"), fdb.transaction() as s:
        issue_notice(
            s,
            operator="o",
            findings=[fid],
            deadline=DEADLINE,
            prefix="a b",
            responsible_unit="u",
            responsible_person="p",
            required_action="a",
            now=NOW,
        )
    assert _issue(fdb, fid) == "ZG-2025-001"
    with pytest.raises(Conflict, match="already covered"):
        _issue(fdb, fid)
    with fdb.session() as s:
        assert s.scalar(select(func.count()).select_from(RectificationNotice)) == 1


def test_overdue_with_an_injected_clock_in_the_site_time_zone(fdb) -> None:
    number = _issue(fdb, _finding(fdb))
    # Deadline 2025-03-31 in Shanghai: overdue from 2025-04-01 00:00 +08:00 = 03-31 16:00 UTC.
    just_before = NOW.replace(month=3, day=31, hour=15, minute=59)
    just_after = just_before + timedelta(minutes=1)
    with fdb.session() as s:
        notice = get_notice(s, number)
        assert not is_overdue(notice, just_before)
        assert is_overdue(notice, just_after)
        assert overdue_notices(s, just_before) == []
        assert [n.number for n in overdue_notices(s, just_after)] == [number]
        assert notice_to_dict(notice, just_after + timedelta(days=2))["days_overdue"] == 3
    _drive_to(fdb, number, "closed")  # closed on 2025-03-10
    with fdb.session() as s:
        assert overdue_notices(s, just_after) == []
        assert notice_to_dict(get_notice(s, number), just_after)["closed_on_time"] is True


def test_late_close_is_not_on_time(fdb) -> None:
    number = _issue(fdb, _finding(fdb))
    late = NOW.replace(month=4, day=2)
    with fdb.transaction() as s:
        for action in ("submit", "recheck_pass", "close"):
            apply_action(s, number, action, operator="o", now=late)
    with fdb.session() as s:
        assert notice_to_dict(get_notice(s, number), late)["closed_on_time"] is False


def test_edit_extends_deadline_and_is_recorded(fdb) -> None:
    number = _issue(fdb, _finding(fdb))
    with fdb.transaction() as s:
        edit_notice(
            s,
            number,
            {"deadline": date(2025, 4, 15), "responsible_person": "李娜"},
            operator="chief",
            now=NOW,
        )
    with fdb.session() as s:
        notice = get_notice(s, number)
        assert (notice.deadline, notice.responsible_person) == (date(2025, 4, 15), "李娜")
        assert (
            notice.events[-1].event == "edit"
            and "2025-03-31 -> 2025-04-15" in notice.events[-1].note
        )
    _drive_to(fdb, number, "closed")
    with pytest.raises(InvalidTransition, match="final"), fdb.transaction() as s:
        edit_notice(s, number, {"deadline": date(2025, 5, 1)}, operator="chief", now=NOW)


def test_critical_finding_marks_asset_faulty_until_notice_closed(fdb) -> None:
    first = _finding(fdb, severity="critical", category="sound")
    second = _finding(fdb, severity="critical", category="mounting")

    def status() -> str:
        with fdb.session() as s:
            return s.scalar(select(Asset.status).where(Asset.tag == "HC-C01"))

    assert status() == "faulty"
    one = _issue(fdb, first)
    two = _issue(fdb, second)
    _drive_to(fdb, one, "closed")
    assert status() == "faulty"  # the second critical finding is still open
    _drive_to(fdb, two, "closed")
    assert status() == "in_service"


def test_a_second_close_waits_for_the_first_and_is_refused(fdb) -> None:
    """While one transaction closes the notice, another close blocks on its lock, then sees the
    notice closed (a check-then-act without the lock would close it twice)."""
    import threading

    number = _issue(fdb, _finding(fdb))
    for action in ("submit", "recheck_pass"):
        with fdb.transaction() as s:
            apply_action(s, number, action, operator="o", now=NOW)
    from sqlalchemy import event

    outcome: list[str] = []
    waiting = threading.Event()  # the second close has asked for the lock the first one holds

    def on_statement(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        locking = statement.startswith("BEGIN IMMEDIATE") or "FOR UPDATE" in statement
        if locking and threading.current_thread().name == "second-close":
            waiting.set()

    event.listen(fdb.engine, "before_cursor_execute", on_statement)

    def second_close() -> None:
        try:
            with fdb.transaction() as s:
                close_notice(s, number, operator="second", now=NOW)
            outcome.append("closed")
        except InvalidTransition:
            outcome.append("refused")

    with fdb.transaction() as s:
        close_notice(s, number, operator="first", now=NOW)
        thread = threading.Thread(target=second_close, name="second-close")
        thread.start()
        assert waiting.wait(timeout=60), "the second close never asked for the lock"
        assert outcome == []  # it is waiting on this transaction's lock, not done
    thread.join(timeout=60)
    event.remove(fdb.engine, "before_cursor_execute", on_statement)
    assert outcome == ["refused"]
    with fdb.session() as s:
        events = get_notice(s, number).events
        assert [(e.event, e.by) for e in events if e.event == "close"] == [("close", "first")]


def test_a_finding_cannot_be_dated_in_the_future(fdb) -> None:
    with (
        pytest.raises(ValidationFailed, match="found_at: is in the future"),
        fdb.transaction() as s,
    ):
        add_finding(
            s,
            operator="o",
            asset="HC-C01",
            category="other",
            severity="minor",
            description="x",
            found_at=NOW + timedelta(hours=1),
            now=NOW,
        )
