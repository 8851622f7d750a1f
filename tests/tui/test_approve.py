"""TUI agenda: a second person approves a live sounding with their own passphrase (issue 9);
the same service as `sirenctl approve` (sirenctl/services/approvals.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Input

from sirenctl.identity import Role
from sirenctl.models import Asset, AuditEvent
from sirenctl.models.scheduling import Approval, WorkOrder
from sirenctl.tui.approve_dialog import ApproveDialog
from tests.authority import ensure_accounts, passphrase_for, sign_plans_as
from tests.tui.conftest import FIXED_NOW, fixed_clock, make_app, settle

pytestmark = pytest.mark.real_prompt


def _live_sounding(db, planner_roles=frozenset({Role.PLANNER})) -> int:  # type: ignore[no-untyped-def]
    """The 9·18-style sounding of HC-C01 tomorrow, planned and signed by ``planner``."""
    with db.transaction() as session:
        asset_id = session.scalar(select(Asset.id).where(Asset.tag == "HC-C01"))
        due = FIXED_NOW + timedelta(days=1)
        wo = WorkOrder(
            campaign="cn-918-trial-sounding",
            task="trial_sounding",
            asset_id=asset_id,
            nominal_at=due,
            due_at=due,
            act_at=due,
            window_end_at=due + timedelta(minutes=2),
            timezone="Asia/Shanghai",
            planned_by="planner",
            status="planned",
            programme="cn-918-noon",
            audible=True,
        )
        session.add(wo)
        session.flush()
        wo_id = int(wo.id)
    ensure_accounts(db, "planner", roles=planner_roles)
    assert sign_plans_as(db, "planner", [wo_id]) == [wo_id]
    return wo_id


async def _approve(app, pilot, wo_id: int, reason: str, passphrase: str) -> None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#agenda", DataTable)
    table.move_cursor(row=table.get_row_index(str(wo_id)))
    await pilot.press("v")
    await settle(pilot)
    assert isinstance(app.screen, ApproveDialog)
    app.screen.query_one("#approve-reason", Input).value = reason
    app.screen.query_one("#approve-passphrase", Input).value = passphrase
    await pilot.click("#approve-ok")
    await settle(pilot)


def _services(db, login: str):  # type: ignore[no-untyped-def]
    from sirenctl.tui.agenda_data import AgendaService
    from sirenctl.tui.services import Services

    services = Services(db, login, clock=fixed_clock)
    services.agenda = AgendaService.create(db)
    return services


def _approvals(db, wo_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        rows = session.scalars(select(Approval).where(Approval.work_order_id == wo_id))
        return [a.approved_by for a in rows]


async def test_an_approver_approves_with_their_passphrase(demo_db) -> None:  # type: ignore[no-untyped-def]
    wo_id = _live_sounding(demo_db)
    ensure_accounts(demo_db, "lizhuren", roles={Role.APPROVER})
    app = make_app(_services(demo_db, "lizhuren"), mode="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _approve(app, pilot, wo_id, "县人防办〔2026〕12号", passphrase_for("lizhuren"))
        assert (f"work order #{wo_id} approved by lizhuren", "information") in app.notified
    assert _approvals(demo_db, wo_id) == ["lizhuren"]
    with demo_db.session() as session:
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "workorder.approve", AuditEvent.object_ref == str(wo_id)
            )
        )
        assert event is not None and event.operator == "lizhuren"


@pytest.mark.parametrize(
    ("login", "roles", "passphrase", "expected"),
    [
        ("lizhuren", {Role.APPROVER}, "not-my-passphrase", "wrong passphrase"),
        ("tech-li", {Role.TECHNICIAN}, None, "needs the approver role"),
        ("planner", {Role.PLANNER, Role.APPROVER}, None, "a different person must approve"),
    ],
    ids=["wrong-passphrase", "technician", "own-plan"],
)
async def test_refusals_are_shown_and_nothing_is_approved(  # type: ignore[no-untyped-def]
    demo_db, login, roles, passphrase, expected
) -> None:
    # "planner" holds the approver role too: still not a second person for their own plan
    wo_id = _live_sounding(demo_db, roles if login == "planner" else frozenset({Role.PLANNER}))
    ensure_accounts(demo_db, login, roles=roles)

    app = make_app(_services(demo_db, login), mode="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _approve(app, pilot, wo_id, "notice 12", passphrase or passphrase_for(login))
        errors = [m for m, severity in app.notified if severity == "error"]
        assert errors and errors[-1].startswith("not approved:") and expected in errors[-1]
        assert "Traceback" not in errors[-1] and "unexpected error" not in errors[-1]
    assert _approvals(demo_db, wo_id) == []


async def test_an_approval_needs_a_reason(demo_db) -> None:  # type: ignore[no-untyped-def]
    wo_id = _live_sounding(demo_db)
    ensure_accounts(demo_db, "lizhuren", roles={Role.APPROVER})
    app = make_app(_services(demo_db, "lizhuren"), mode="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _approve(app, pilot, wo_id, "   ", passphrase_for("lizhuren"))
        assert isinstance(app.screen, ApproveDialog)  # still open, says why
        assert "needs a reason" in str(app.screen.query_one("#approve-message").render())
    assert _approvals(demo_db, wo_id) == []


async def test_both_passphrase_dialogs_speak_chinese() -> None:
    from textual.app import App
    from textual.widgets import Button, Static

    from sirenctl.i18n import Language, set_language
    from sirenctl.tui.passphrase_dialog import PassphraseDialog

    set_language(Language.ZH)
    try:
        for dialog, title in (
            (PassphraseDialog("boss", "修改试验台标记"), "管理员操作"),
            (ApproveDialog("lizhuren", "工单 #1"), "批准在用警报器鸣响"),
        ):
            app: App[None] = App()
            async with app.run_test() as pilot:
                app.push_screen(dialog)
                await pilot.pause()
                texts = [str(w.render()) for w in app.screen.query(Static)]
                assert title in texts
                labels = {str(b.label) for b in app.screen.query(Button)}
                assert "取消" in labels and not labels & {"OK", "Cancel", "Approve"}
    finally:
        set_language(Language.EN)
