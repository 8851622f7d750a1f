"""One English word, two Chinese words: pgettext/msgctxt (issue 13). "key" of an account is its
signing key (密钥), "key" on the help screen is a keyboard key (按键)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sirenctl.cli.main import cli
from sirenctl.i18n import C_, Language, pgettext, set_language, translate


@pytest.fixture
def chinese() -> Iterator[None]:
    set_language(Language.ZH)
    yield
    set_language(Language.EN)


def test_same_word_in_two_contexts(chinese: None) -> None:
    assert pgettext("signing key", "key") == "密钥"
    assert pgettext("keyboard", "key") == "按键"
    assert translate(C_("person", "name")) == "姓名"
    assert translate("name") == "名称"  # no context: the name of a thing
    assert pgettext("no such context", "key") == "key"


def test_english_is_unchanged() -> None:
    set_language(Language.EN)
    assert pgettext("signing key", "key") == "key"
    assert translate(C_("person", "name")) == "name"


@pytest.mark.real_prompt  # the demo makes its own accounts
def test_account_list_in_chinese_says_signing_key_and_person_name(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "demo.db")
    assert runner.invoke(cli, ["--db", db, "demo"]).exit_code == 0
    shown = runner.invoke(cli, ["--lang", "zh", "--db", db, "account", "list"])
    assert shown.exit_code == 0, shown.output
    assert "密钥" in shown.output and "姓名" in shown.output
    assert "按键" not in shown.output and "名称" not in shown.output
    english = runner.invoke(cli, ["--lang", "en", "--db", db, "account", "list"])
    assert "key" in english.output and "密钥" not in english.output


def test_help_screen_says_keyboard_key_and_binding_id(chinese: None) -> None:
    from rich.console import Console

    from sirenctl.tui.help_screen import HelpScreen

    console = Console(width=100, record=True)
    console.print(HelpScreen([], {}).table())
    text = console.export_text()
    assert "按键" in text and "标识" in text and "密钥" not in text
