"""Choosing the interface language: --lang, SIRENCTL_LANG, config.toml, the locale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sirenctl.cli.main import cli
from sirenctl.i18n import Language, resolve_language


def test_order_option_env_config_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIRENCTL_LANG")
    assert resolve_language(None, {"LANG": "zh_CN.UTF-8"}) is Language.ZH
    assert resolve_language(None, {"LANG": "en_US.UTF-8"}) is Language.EN
    assert resolve_language(None, {}) is Language.EN
    assert resolve_language(None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) is Language.EN
    config = Path(os.environ["SIRENCTL_CONFIG_DIR"])
    config.mkdir(parents=True)
    (config / "config.toml").write_text('lang = "zh"\n', encoding="utf-8")
    assert resolve_language(None, {"LANG": "en_US.UTF-8"}) is Language.ZH
    assert resolve_language(None, {"SIRENCTL_LANG": "en", "LANG": "zh_CN"}) is Language.EN
    assert resolve_language("en", {"SIRENCTL_LANG": "zh"}) is Language.EN


def test_bad_config_is_reported_and_ignored(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = Path(os.environ["SIRENCTL_CONFIG_DIR"])
    config.mkdir(parents=True)
    (config / "config.toml").write_text('lang = "fr"\n', encoding="utf-8")
    assert resolve_language(None, {"LANG": "zh_CN.UTF-8"}) is Language.ZH
    assert 'lang = "fr" is not one of zh, en' in capsys.readouterr().err


def test_chinese_locale_gives_chinese_help_and_messages(tmp_path: Path) -> None:
    """A real process with LANG=zh_CN.UTF-8 and no other setting: help, click's own words,
    our errors and the exit-code summary are Chinese."""
    env = {k: v for k, v in os.environ.items() if k not in ("SIRENCTL_LANG", "LANGUAGE")}
    env.update(LANG="zh_CN.UTF-8", LC_ALL="", SIRENCTL_DB=str(tmp_path / "x.db"))
    run = [str(Path(sys.executable).with_name("sirenctl"))]
    shown = subprocess.run([*run, "--help"], env=env, capture_output=True, text=True)
    assert shown.returncode == 0
    assert "用法：" in shown.stdout and "退出码" in shown.stdout
    assert "社区：添加、列表、显示、修改。" in shown.stdout
    bad = subprocess.run(
        [*run, "site", "add", "--latitude", "200"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 3
    assert "纬度必须在 -90 到 90 之间" in bad.stderr
    assert "错误：" in bad.stderr
    english = subprocess.run(
        [*run, "--lang", "en", "site", "add", "--latitude", "200"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "latitude must be between -90 and 90" in english.stderr


def test_lang_option_switches_within_one_process(tmp_path: Path) -> None:
    runner = CliRunner()
    zh = runner.invoke(cli, ["--lang", "zh", "site", "--help"])
    en = runner.invoke(cli, ["--lang", "en", "site", "--help"])
    assert "设有警报器的社区" in zh.output
    assert "Sites (communities) that host sirens." in en.output
    assert "设有" not in en.output


def test_report_lang_is_not_the_interface_language() -> None:
    from sirenctl.cli.main import _lang_argument

    assert _lang_argument(["--db", "x.db", "report", "--lang", "en"]) is None
    assert _lang_argument(["--db", "x.db", "--lang", "zh", "report"]) == "zh"
