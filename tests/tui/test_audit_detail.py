"""The audit screen's detail pane shows the whole change of the highlighted record, in English
and in Chinese (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from textual.widgets import DataTable, Static

from sirenctl.i18n import Language, set_language
from sirenctl.models import AuditEvent
from tests.conftest import CLI
from tests.tui.conftest import make_app, settle, text_of

NOTE = "摇把松动，需要紧固；底座螺栓锈蚀，建议下次巡检时更换全部四颗螺栓并涂防锈漆"


@pytest.fixture
def edited(demo_url: str, demo_db) -> AuditEvent:  # type: ignore[no-untyped-def]
    """A real edit through the CLI: its audit record has a before and an after."""
    result = CLI(demo_url)("asset", "edit", "HC-C03", "--status", "faulty", "--notes", NOTE)
    assert result.exit_code == 0, result.output
    with demo_db.session() as session:
        event: AuditEvent = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "asset.edit")
        ).one()
        session.expunge(event)
    assert event.before and event.after and event.hash
    return event


@pytest.fixture(params=["en", "zh"])
def language(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "zh":
        monkeypatch.setenv("SIRENCTL_LANG", "zh")
        set_language(Language.ZH)
    yield request.param
    set_language(Language.EN)


LABELS = {
    "en": ["record", "time", "operator", "action", "object", "outcome", "before", "after", "hash"],
    "zh": ["记录", "时间", "操作员", "操作", "对象", "结果", "变更前", "变更后", "哈希"],
}


async def test_the_pane_shows_every_field_of_the_highlighted_change(
    edited: AuditEvent,
    language: str,
    services,  # type: ignore[no-untyped-def]
) -> None:
    app = make_app(services, mode="audit")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#audit", DataTable)
        assert table.cursor_row == 0  # newest first: the edit
        pane = text_of(app.screen.query_one("#audit-detail-body", Static), width=70)
        await pilot.press("down")  # the pane follows the highlight
        await settle(pilot)
        following = text_of(app.screen.query_one("#audit-detail-body", Static), width=70)
    assert all(label in pane for label in LABELS[language]), pane
    assert f"#{edited.id}" in pane and "asset.edit" in pane and "asset:HC-C03" in pane
    assert "tester" in pane  # who made the change (tests log in as tester)
    local = edited.at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert f"{local:%Y-%m-%d %H:%M:%S}" in pane and "UTC+08:00" in pane
    assert edited.hash is not None and edited.hash in pane.replace("\n", "").replace(" ", "")
    for key in {*edited.before, *edited.after}:  # every field of before and after
        assert key in pane, key
    assert "in_service" in pane and "faulty" in pane
    # the long note is wrapped in the pane, not cut: read back it is whole
    assert NOTE in "".join(line.strip() for line in pane.splitlines()).replace(" ", ""), pane
    assert all(len(line) <= 70 * 2 for line in pane.splitlines())
    assert f"#{edited.id}" not in following and "asset:HC-C03" not in following
