"""Issue 13: the CLI's detail views and programme timelines read as words in the interface
language: ``site show`` and ``account show`` name fields as the forms do (not ``display_name``),
codes by their labels, numbers as entered (not ``36.639199999999995``), and shipped programmes
by their Chinese titles and patterns in Chinese (``--json`` keeps keys, codes and English)."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from sirenctl.cli.main import cli

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
LONG_FLOAT = re.compile(r"\d+\.\d{8,}")


def run(db: str, lang: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", db, "--lang", lang, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_site_show_names_fields_and_asset_kinds_in_chinese(demo_db: str) -> None:
    out = run(demo_db, "zh", "site", "show", "C08")
    for word in ("编码", "名称", "街道", "纬度", "经度", "联系电话", "时区"):
        assert word in out
    assert "手摇警报器" in out and "在用" in out  # the site's assets by label
    assert not SNAKE.findall(out), SNAKE.findall(out)  # no contact_phone, hand_crank, in_service
    assert "assets" not in out and "field" not in out
    english = run(demo_db, "en", "site", "show", "C08")
    assert "Contact phone" in english and "hand-crank" in english


def test_account_show_is_a_table_of_words(demo_db: str) -> None:
    out = run(demo_db, "zh", "account", "show", "demo-tech")
    for word in ("登录名", "姓名", "角色", "技术员", "密钥指纹", "创建时间"):
        assert word in out
    assert "display_name" not in out and "['technician']" not in out
    assert "+00:00" not in out  # created at, in the site's time zone
    data = json.loads(run(demo_db, "zh", "account", "show", "demo-tech", "--json"))
    assert data["roles"] == ["technician"] and data["created_at"].endswith("+00:00")


def test_coordinates_show_as_entered_in_asset_and_site_views(demo_db: str) -> None:
    for args in (("asset", "show", "T03"), ("site", "show", "C08")):
        out = run(demo_db, "zh", *args)
        assert not LONG_FLOAT.findall(out), LONG_FLOAT.findall(out)
    assert re.search(r"纬度\s*│\s*36\.6392\s", run(demo_db, "zh", "asset", "show", "T03"))


def test_programme_show_in_chinese_and_json_unchanged(demo_db: str) -> None:
    out = run(demo_db, "zh", "programme", "show", "cn-918-jiangsu")
    assert "9·18 预先警报、空袭警报、解除警报，间隔 5 分钟" in out
    assert "间歇音：鸣 36 秒、停 24 秒，×3，每遍 180 秒" in out
    assert "音型" in out and "pre-alert" not in out and "per cycle" not in out
    english = run(demo_db, "en", "programme", "show", "cn-918-jiangsu")
    assert "intermittent: 36 s on, 24 s off x3 = 180 s per cycle" in english
    assert "with 5-minute gaps" in english
    data = json.loads(run(demo_db, "zh", "programme", "show", "cn-918-jiangsu", "--json"))
    assert data["title"].startswith("9·18 pre-alert") and data["title_zh"].startswith("9·18 预先")
    assert data["steps"][0]["pattern"].startswith("intermittent: 36 s on")


def test_every_shipped_programme_and_campaign_has_a_chinese_title(demo_db: str) -> None:
    for kind in ("programme", "schedule"):
        rows = json.loads(
            run(demo_db, "zh", kind, "list", "--json", *(("--all",) if kind == "schedule" else ()))
        )
        assert rows
        for row in rows:
            assert row.get("title_zh"), row["name"]


def test_a_users_file_without_title_zh_shows_its_title(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sirenctl.i18n import Language, set_language
    from sirenctl.scheduling.programmes import load_programme
    from sirenctl.scheduling.signals import SignalLibrary

    text = 'title = "Our own test"\n[[step]]\nsignal = "growl"\n'
    own = load_programme(tmp_path / "own.toml", SignalLibrary(), text)
    both = load_programme(
        tmp_path / "both.toml", SignalLibrary(), 'title_zh = "我们的测试"\n' + text
    )
    try:
        set_language(Language.ZH)
        assert own.shown_title == "Our own test" and both.shown_title == "我们的测试"
        set_language(Language.EN)
        assert both.shown_title == "Our own test"
    finally:
        set_language(Language.EN)
