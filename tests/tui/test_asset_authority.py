"""TUI asset form: the bench flag is an administrator action, asked with a passphrase dialog."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.widgets import Input, Select

from sirenctl.identity import Role
from sirenctl.models import Asset, AuditEvent
from sirenctl.tui.passphrase_dialog import PassphraseDialog
from tests.authority import ensure_accounts, passphrase_for
from tests.tui.conftest import make_app, settle
from tests.tui.test_registry_screens import select_tag, static_text

pytestmark = pytest.mark.real_prompt


async def _mark_bench(app, pilot, passphrase: str) -> None:  # type: ignore[no-untyped-def]
    select_tag(app, "T01")
    await pilot.press("e")
    await settle(pilot)
    app.screen.query_one("#f-is_bench", Select).value = "yes"
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(app.screen, PassphraseDialog)
    app.screen.query_one("#pass-input", Input).value = passphrase
    await pilot.press("enter")
    await settle(pilot)


async def test_technician_cannot_mark_a_live_unit_bench(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    ensure_accounts(demo_db, "tech-li", roles={Role.TECHNICIAN})
    app = make_app(services, mode="assets")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _mark_bench(app, pilot, passphrase_for("tech-li"))
        assert "administrator role" in static_text(app, "#form-message")
    with demo_db.session() as session:
        assert session.scalar(select(Asset.is_bench).where(Asset.tag == "T01")) is False
        fail = session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.fail"))
        assert fail.operator == "tech-li"


async def test_administrator_marks_bench_with_the_passphrase(demo_db) -> None:  # type: ignore[no-untyped-def]
    from sirenctl.tui.services import Services
    from tests.tui.conftest import fixed_clock

    ensure_accounts(demo_db, "boss", roles={Role.ADMINISTRATOR})
    app = make_app(Services(demo_db, "boss", clock=fixed_clock), mode="assets")  # type: ignore[arg-type]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _mark_bench(app, pilot, passphrase_for("boss"))
    with demo_db.session() as session:
        t01 = session.scalar(select(Asset).where(Asset.tag == "T01"))
        assert t01.is_bench and t01.bench_signature
        edit = session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "asset.edit", AuditEvent.object_ref == "T01"
            )
        )
        assert edit.operator == "boss"
