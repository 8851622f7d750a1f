"""The Chinese catalogue covers every message of the sources, with the same placeholders, and
the shipped .mo is compiled from the .po (docs/translating.md)."""

from __future__ import annotations

import pytest

pytest.importorskip("babel")

from sirenctl.i18n_catalog import (  # noqa: E402
    extract_source,
    mo_bytes,
    placeholders,
    po_path,
    problems,
    read_po,
)


def test_every_message_has_a_chinese_translation_with_the_same_placeholders() -> None:
    found = problems("zh")
    assert not found, (
        f"{len(found)} catalogue problems; run `python -m sirenctl.i18n_catalog update`, "
        "translate, then `compile` (docs/translating.md):\n" + "\n".join(found[:40])
    )


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    committed = po_path("zh").with_suffix(".mo").read_bytes()
    assert committed == mo_bytes(read_po("zh")), "run `python -m sirenctl.i18n_catalog compile`"


def test_extractor_finds_click_help_calls_and_table_headers() -> None:
    source = '''
import click
@click.command()
@click.option("--year", help="Calendar   year.")
def report(year):
    """Annual report.

    More text.
    """
    info(_("wrote {file}").format(file=year))
    info(ngettext("{n} asset", "{n} assets", 2))
    echo_table(["tag", "site"], [], title="assets")
'''
    messages = {m for _line, _f, m, _c in extract_source(source)}
    assert messages == {
        "Calendar   year.",
        "Annual report.\n\nMore text.",
        "wrote {file}",
        ("{n} asset", "{n} assets"),
        "tag",
        "site",
        "assets",
    }


def test_placeholder_check_sees_a_renamed_or_dropped_field() -> None:
    assert placeholders("{count} polled: {healthy} healthy") == ["{count}", "{healthy}"]
    assert placeholders("已查询 {count} 台") != placeholders("{count} polled: {healthy} healthy")
    assert placeholders("{low:g} to {high:g}") == ["{high:g}", "{low:g}"]
