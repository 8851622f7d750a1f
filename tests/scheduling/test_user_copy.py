"""Users copy the shipped schedules and edit them: the copy overrides the shipped definitions."""

from __future__ import annotations

import shutil

import pytest

from sirenctl.scheduling.library import load_library, shipped_dir
from sirenctl.scheduling.spec import SpecError


def _copy(tmp_path):  # type: ignore[no-untyped-def]
    target = tmp_path / "schedules"
    shutil.copytree(
        shipped_dir(), target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__")
    )
    return target


def test_an_unchanged_copy_is_valid(tmp_path) -> None:
    library = load_library(_copy(tmp_path))
    assert "cn-918-trial-sounding" in library.campaigns


def test_edits_in_the_copy_win(tmp_path) -> None:
    copy = _copy(tmp_path)
    signals = copy / "signals.toml"
    text = signals.read_text(encoding="utf-8")
    assert "segments = [[3, 3]]" in text
    signals.write_text(text.replace("segments = [[3, 3]]", "segments = [[4, 2]]"), encoding="utf-8")
    programme = copy / "programmes" / "cn-growl.toml"
    programme.write_text(
        programme.read_text(encoding="utf-8").replace(
            'title = "Growl test, 5 s"', 'title = "本县鸣放测试"'
        ),
        encoding="utf-8",
    )
    library = load_library(copy)
    assert library.signals.get("disaster-3-3").segments == ((4, 2),)
    assert library.programme("cn-growl").title == "本县鸣放测试"


def test_national_signals_cannot_be_redefined_in_a_copy(tmp_path) -> None:
    copy = _copy(tmp_path)
    with (copy / "signals.toml").open("a", encoding="utf-8") as f:
        f.write(
            '\n[[signal]]\nkey = "pre-alert"\ncode = 30\ntitle = "x"\ntone = "steady"\n'
            "segments = [[10, 0]]\n"
        )
    with pytest.raises(SpecError, match="'pre-alert' is already defined"):
        load_library(copy)
