"""The asset detail pane: field names as words (Chinese in Chinese), numbers as entered."""

from __future__ import annotations

import io

from rich.console import Console

from sirenctl.i18n import Language, set_language
from sirenctl.registry.fields import as_entered
from sirenctl.tui.asset_detail import render_detail
from sirenctl.tui.data import ASSET_SPECS, AssetDetail


def _text(detail: AssetDetail) -> str:
    console = Console(width=100, file=io.StringIO(), record=True, color_system=None)
    console.print(render_detail(detail))
    return console.export_text()


def _detail() -> AssetDetail:
    values = {key: None for key in ASSET_SPECS}
    values.update(
        tag="HC-C01",
        name="东风社区手摇警报器",
        kind="hand_crank",
        status="in_service",
        site="C01",
        longitude=117.02000000000001,
        latitude=36.6512,
        controller_transport=None,
        power_mains=True,
        custodian_phone="13800000000",
    )
    return AssetDetail(tag="HC-C01", values=values, site_name="东风社区", endpoint="", history=[])


def test_numbers_show_as_entered() -> None:
    assert as_entered(117.02000000000001) == "117.02"
    assert as_entered(36.6512) == "36.6512"
    assert as_entered(96.0) == "96"


def test_detail_labels_are_words_in_both_languages() -> None:
    english = _text(_detail())
    assert "Custodian phone" in english and "custodian_phone" not in english
    assert "117.02" in english and "117.0200000" not in english
    set_language(Language.ZH)
    try:
        chinese = _text(_detail())
    finally:
        set_language(Language.EN)
    assert "管护人电话" in chinese and "经度" in chinese and "是" in chinese
