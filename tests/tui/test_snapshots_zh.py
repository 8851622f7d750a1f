"""The main screens in Chinese at 80x24 and 120x40 (the English ones: test_snapshots.py), and
what a technician reads in Chinese: bindings, help screen, crank guide words.

Regenerate after an intended change: pytest tests/tui/test_snapshots_zh.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sirenctl.i18n import Language, set_language
from tests.tui.conftest import make_app, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
MODES = ["dashboard", "assets", "agenda", "live", "bench", "findings", "audit", "notices", "drills"]


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SIRENCTL_LANG", "zh")
    set_language(Language.ZH)
    yield
    set_language(Language.EN)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", MODES)
def test_main_screens_in_chinese(snap_compare, services, chinese, mode: str, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(services, mode=mode), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen_in_chinese(snap_compare, services, chinese, size) -> None:  # type: ignore[no-untyped-def]
    async def open_help(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(services), terminal_size=size, run_before=open_help)


async def test_footer_bindings_follow_the_language_of_each_app(services) -> None:  # type: ignore[no-untyped-def]
    set_language(Language.ZH)
    try:
        zh_app = make_app(services, mode="assets")
        async with zh_app.run_test(size=(120, 40)) as pilot:  # type: ignore[attr-defined]
            await settle(pilot)
            shown = (
                {b.description for b in zh_app.screen.active_bindings_descriptions()}
                if hasattr(zh_app.screen, "active_bindings_descriptions")
                else {
                    active.binding.description for active in zh_app.screen.active_bindings.values()
                }
            )
            assert {"帮助", "退出", "总览", "设备"} <= shown
    finally:
        set_language(Language.EN)
    en_app = make_app(services, mode="assets")
    async with en_app.run_test(size=(120, 40)) as pilot:  # type: ignore[attr-defined]
        await settle(pilot)
        shown = {active.binding.description for active in en_app.screen.active_bindings.values()}
        assert {"Help", "Quit", "Dashboard", "Assets"} <= shown


def test_help_lists_human_key_names() -> None:
    from sirenctl.tui.base import human_key

    assert human_key("escape,q,question_mark,f1") == "Esc / q / ? / F1"
    assert human_key("slash") == "/"
    assert human_key("ctrl+s,f2") == "Ctrl+S / F2"
    assert human_key("space") == "Space"


def test_crank_guide_words_are_chinese() -> None:
    from sirenctl.i18n import _
    from sirenctl.tui.big_word import render_word
    from sirenctl.tui.crank_guide import CUE_WORDS

    set_language(Language.ZH)
    try:
        words = {key: _(word) for key, word in CUE_WORDS.items()}
    finally:
        set_language(Language.EN)
    assert words == {"ready": "准备", "crank": "摇", "stop": "停", "done": "完成"}
    lines = render_word("摇").split("\n")
    assert len(lines) == 5 and "摇" in lines[2]  # same height as the block letters


def test_every_screen_can_be_opened_from_the_command_line() -> None:
    import click

    from sirenctl.cli.cmd_tui import tui
    from sirenctl.tui.app import ALL_SCREENS

    option = next(p for p in tui.params if p.name == "mode")
    assert isinstance(option.type, click.Choice)
    assert set(option.type.choices) == set(ALL_SCREENS)
