"""Findings workflow in the TUI: a finding entered by hand, a notice issued for it, moved through
its status machine to closed; illegal steps not offered, stale ones refused with nothing changed."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from textual.widgets import Checkbox, DataTable, Input, Select

from sirenctl.models import AuditEvent
from sirenctl.models.findings import Finding, NoticeEvent, RectificationNotice
from tests.tui.conftest import FIXED_NOW, make_app, settle, text_of


def notice_in_db(db, number: str) -> RectificationNotice:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(
            select(RectificationNotice).where(RectificationNotice.number == number)
        )


def fill(app, **values: str) -> None:  # type: ignore[no-untyped-def]
    for key, value in values.items():
        widget = app.screen.query_one(f"#f-{key}")
        widget.value = value


def messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [message for message, _severity in app.notified]


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*keys)
    await settle(pilot)


async def form(pilot, key: str | None, **values: str) -> None:  # type: ignore[no-untyped-def]
    """Open a form with ``key`` (None: it is open), fill its fields, save."""
    if key:
        await press(pilot, key)
    fill(pilot.app, **values)
    await press(pilot, "ctrl+s")


async def step(pilot, key: str, **widgets: object) -> None:  # type: ignore[no-untyped-def]
    """Press ``key`` on the notices screen, set the dialog's widgets, confirm."""
    await press(pilot, key)
    for selector, value in widgets.items():
        pilot.app.screen.query_one(f"#{selector.replace('_', '-')}").value = value
    await press(pilot, "ctrl+s")


async def test_finding_to_closed_notice(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode="findings")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await form(
            pilot,
            "n",
            asset="HC-C04",
            category="corrosion",
            severity="major",
            description="转轴锈蚀，摇动费力",
        )
        with demo_db.session() as session:
            finding = session.scalar(select(Finding))
            assert (finding.asset.tag, finding.found_by, finding.status) == (
                "HC-C04",
                "tech-li",
                "open",
            )
            finding_id = finding.id
        table = app.screen.query_one("#findings", DataTable)
        assert table.row_count == 1

        await press(pilot, "i")
        assert f"covers finding #{finding_id}" in text_of(app.screen.query_one("#form-head"))
        assert app.screen.query_one("#f-deadline", Input).value == "2026-10-17"  # today + 30
        await form(
            pilot,
            None,
            responsible_unit="东风社区居委会",
            responsible_person="王建国",
            responsible_phone="13800000000",
            required_action="更换锈蚀转轴，复查鸣响",
        )
        number = "ZG-2026-001"
        assert re.fullmatch(r"ZG-\d{4}-\d{3}", number)
        assert any(number in m for m in messages(app))
        assert f"rectification notice {number}" in text_of(app.screen.query_one("#finding"))
        notice = notice_in_db(demo_db, number)
        assert (notice.status, notice.issued_by, str(notice.deadline)) == (
            "open",
            "tech-li",
            "2026-10-17",
        )

        await press(pilot, "o")
        assert app.current_mode == "notices"
        notices = app.screen.query_one("#notices", DataTable)
        assert str(notices.get_row_at(0)[0]) == number
        pane = text_of(app.screen.query_one("#notice"))
        assert "possible now: s start work · m submit for re-check" in pane
        assert "王建国 (13800000000)" in pane

        await step(pilot, "s", note="已派人维修")
        assert notice_in_db(demo_db, number).status == "in_progress"
        await step(pilot, "m")
        assert notice_in_db(demo_db, number).status == "awaiting_recheck"
        await step(pilot, "k", result="recheck_fail", note="仍有异响")
        assert notice_in_db(demo_db, number).status == "reopened"
        assert "reopened" in str(notices.get_row_at(0)[1])
        await step(pilot, "m")
        await step(pilot, "k", result="recheck_pass", close_now=True, note="复查鸣响正常")
        assert notice_in_db(demo_db, number).status == "closed"

        app.screen.query_one("#notices-view", Select).value = "all"
        await settle(pilot)
        pane = text_of(app.screen.query_one("#notice"))
        assert "a closed notice is final" in pane and "仍有异响" in pane

    with demo_db.session() as session:
        assert session.get(Finding, finding_id).status == "resolved"
        actions = list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.operator == "tech-li", AuditEvent.at == FIXED_NOW)
                .order_by(AuditEvent.id)
            )
        )
        assert actions == [
            "finding.add",
            "notice.issue",
            "notice.start",
            "notice.submit",
            "notice.recheck_fail",
            "notice.submit",
            "notice.recheck_pass",
            "notice.close",
            "finding.resolve",
        ]
        events = list(session.scalars(select(NoticeEvent.event).order_by(NoticeEvent.id)))
        assert events == [
            "issue",
            "start",
            "submit",
            "recheck_fail",
            "submit",
            "recheck_pass",
            "close",
        ]


def issue_one(db) -> str:  # type: ignore[no-untyped-def]
    from datetime import date

    from sirenctl.findings.findings import add_finding
    from sirenctl.findings.notices import issue_notice

    with db.transaction() as session:
        finding = add_finding(
            session,
            operator="insp-wang",
            description="二维码标签缺失",
            category="signage",
            severity="minor",
            asset="HC-C09",
            now=FIXED_NOW,
        )
        session.flush()
        return issue_notice(
            session,
            operator="insp-wang",
            findings=[finding.id],
            deadline=date(2026, 9, 10),
            issued_on=date(2026, 9, 1),
            responsible_unit="居委会",
            responsible_person="李四",
            required_action="补贴标签",
            now=FIXED_NOW,
        ).number


def event_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(NoticeEvent)) or 0


async def test_illegal_steps_not_offered_and_stale_ones_refused(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    from sirenctl.findings.notices import set_status

    number = issue_one(demo_db)
    app = make_app(services, mode="notices")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "1 notice · 1 overdue" in str(app.screen.query_one("#notices-info").content)
        notices = app.screen.query_one("#notices", DataTable)
        assert str(notices.get_row_at(0)[4]) == "7 d"  # deadline 09-10, today 09-17
        screen = app.screen
        assert screen.check_action("machine", ("close",)) is None
        assert screen.check_action("machine", ("recheck",)) is None
        assert screen.check_action("machine", ("start",)) is True
        offered = [name for name, _help, _cb in screen.palette_commands()]
        assert f"{number}: start work" in offered
        assert not any("close" in name or "re-check passed" in name for name in offered)
        before = event_count(demo_db)
        await pilot.press("c", "k")  # dimmed: nothing opens, nothing changes
        await settle(pilot)
        assert app.screen is screen and event_count(demo_db) == before

        # someone else starts the work meanwhile; this screen still shows "open"
        with demo_db.transaction() as session:
            set_status(session, number, "in_progress", operator="insp-wang", now=FIXED_NOW)
        before = event_count(demo_db)
        await step(pilot, "s")
        assert any(
            f"notice {number} is in_progress: 'start' needs status" in m
            and "nothing was changed" in m
            for m in messages(app)
        )
        assert event_count(demo_db) == before
        assert notice_in_db(demo_db, number).status == "in_progress"
        assert "in progress" in str(notices.get_row_at(0)[1])  # reloaded after the refusal

        # a re-check result must be chosen; close only goes with a pass
        await press(pilot, "k")
        assert app.screen is screen  # in_progress: no re-check yet
        await step(pilot, "m")
        await press(pilot, "k")
        app.screen.query_one("#result", Select).value = "recheck_fail"
        app.screen.query_one("#close-now", Checkbox).value = True
        await press(pilot, "ctrl+s")
        assert "only a passed re-check can close" in text_of(
            app.screen.query_one("#action-message")
        )
        await press(pilot, "escape")
        assert notice_in_db(demo_db, number).status == "awaiting_recheck"


async def test_bad_notice_input_is_marked_and_nothing_is_written(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    from sirenctl.findings.findings import add_finding

    with demo_db.transaction() as session:
        add_finding(
            session,
            operator="insp-wang",
            description="支架松动",
            category="mounting",
            severity="major",
            asset="HC-C02",
            now=FIXED_NOW,
        )
    app = make_app(services, mode="findings")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await form(
            pilot,
            "i",
            deadline="2026-13-01",
            responsible_unit="",
            responsible_person="张三",
            required_action="紧固支架",
        )
        assert "there is no month 13" in text_of(app.screen.query_one("#err-deadline"))
        await form(pilot, None, deadline="2026-09-01", responsible_unit="向阳社区居委会")
        assert "is before the issue date 2026-09-17" in text_of(
            app.screen.query_one("#err-deadline")
        )
        assert "nothing was saved" in text_of(app.screen.query_one("#form-message"))
        with demo_db.session() as session:
            assert session.scalar(select(func.count()).select_from(RectificationNotice)) == 0
        await form(pilot, None, deadline="2026-09-30")
        assert notice_in_db(demo_db, "ZG-2026-001").responsible_unit == "向阳社区居委会"


async def test_finding_form_marks_unknown_asset(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode="findings")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await form(
            pilot, "n", asset="HC-XX", category="power", severity="critical", description="无电"
        )
        assert "HC-XX" in text_of(app.screen.query_one("#err-asset"))
        await form(pilot, None, asset="", description="")
        assert "is required" in text_of(app.screen.query_one("#err-description"))
        with demo_db.session() as session:
            assert session.scalar(select(func.count()).select_from(Finding)) == 0


async def test_marked_findings_of_two_sites_are_refused(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    from sirenctl.findings.findings import add_finding

    with demo_db.transaction() as session:
        for asset in ("HC-C02", "HC-C05"):
            add_finding(
                session,
                operator="insp-wang",
                description="支架松动",
                category="mounting",
                severity="major",
                asset=asset,
                now=FIXED_NOW,
            )
    app = make_app(services, mode="findings")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "space", "down", "space")
        assert "marked for one notice: #1, #2" in text_of(app.screen.query_one("#finding"))
        await form(
            pilot,
            "i",
            responsible_unit="居委会",
            responsible_person="张三",
            required_action="紧固支架",
        )
        assert "several sites (C02, C05)" in text_of(app.screen.query_one("#form-message"))
        await press(pilot, "escape", "space")  # the list reloaded: unmark the top one (C05)
        await form(
            pilot,
            "i",
            responsible_unit="居委会",
            responsible_person="张三",
            required_action="紧固支架",
        )
        assert any("issued ZG-2026-001" in m for m in messages(app))
    with demo_db.session() as session:
        covered = session.scalars(select(Finding).where(Finding.notice_id.is_not(None)))
        assert [f.asset.tag for f in covered] == ["HC-C02"]


async def test_edit_deadline_print_and_help(services, demo_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    number = issue_one(demo_db)
    app = make_app(services, mode="notices")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await form(pilot, "e", deadline="2026-09-30", note="配件到货延迟")
        notice = notice_in_db(demo_db, number)
        assert str(notice.deadline) == "2026-09-30"
        assert "overdue" not in str(app.screen.query_one("#notices-info").content)
        pane = text_of(app.screen.query_one("#notice"))
        assert "changed" in pane and "配件到货延迟" in pane

        await press(pilot, "p")
        assert "整改通知书" in app.screen.query_one("#print-md").source
        await press(pilot, "l")
        assert "Rectification notice" in app.screen.query_one("#print-md").source
        out = tmp_path / f"{number}.html"
        app.screen.query_one("#print-path", Input).value = str(out)
        await press(pilot, "ctrl+s")
        assert number in out.read_text(encoding="utf-8") and "<html" in out.read_text(
            encoding="utf-8"
        )
        await press(pilot, "escape", "question_mark")
        keys = text_of(app.screen.query_one("#help-keys"))
        assert all(
            i in keys
            for i in (
                "nav.notices",
                "notices.recheck",
                "findings.issue_notice",
                "notice_form.save",
                "drills.new",
                "drill_form.save",
            )
        )
