"""CSV as Chinese Excel writes it; export -> edit -> re-import with --update; formula cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.registry.helpers import add_site

ROWS = [
    ["标签", "社区编码", "类型", "名称", "实测声级", "测量距离"],
    ["HC-C01", "C01", "手摇", "东风社区手摇警报器", "96", "30"],
    ["HC-C02", "C01", "手摇", '=HYPERLINK("http://x","点我")', "95", "30"],
]


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoded", "found"),
    [
        (lambda: _csv(ROWS).encode("utf-8-sig"), "UTF-8 with BOM"),
        (lambda: _csv(ROWS).encode("gbk"), "GBK/GB18030"),
        (lambda: _csv(ROWS).encode("gb18030"), "GBK/GB18030"),
        (lambda: _csv(ROWS, "\t").encode("utf-16"), "UTF-16 (Excel Unicode text)"),
    ],
    ids=["utf8-bom", "gbk", "gb18030", "utf16-tabs"],
)
def test_reads_what_excel_writes(cli: Any, tmp_path: Path, encoded: Any, found: str) -> None:
    add_site(cli)
    path = tmp_path / "sirens.csv"
    path.write_bytes(encoded())
    result = cli("asset", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert found in result.stderr and "imported 2 asset(s)" in result.stderr
    shown = cli.json("asset", "show", "HC-C01")
    assert shown["name"] == "东风社区手摇警报器"


def test_formula_text_is_stored_verbatim_and_exported_neutralised(cli: Any, tmp_path: Path) -> None:
    add_site(cli)
    path = tmp_path / "sirens.csv"
    path.write_text(_csv(ROWS + [["HC-C03", "C01", "手摇", "+1-2", "", ""]]), encoding="utf-8")
    assert cli("asset", "import", str(path)).exit_code == 0
    assert cli.json("asset", "show", "HC-C02")["name"] == '=HYPERLINK("http://x","点我")'
    exported = cli("asset", "export").stdout
    rows = {r["tag"]: r for r in csv.DictReader(io.StringIO(exported))}
    assert rows["HC-C02"]["name"] == '\'=HYPERLINK("http://x","点我")'
    assert rows["HC-C03"]["name"] == "'+1-2"
    for row in rows.values():  # no cell a spreadsheet would run
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_negative_numbers_are_not_mangled(cli: Any, tmp_path: Path) -> None:
    add_site(cli)
    path = tmp_path / "w.csv"
    path.write_text("tag,site,kind,longitude,latitude\nHC-W,C01,hand_crank,-70.5,-33.4\n")
    assert cli("asset", "import", str(path)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(cli("asset", "export").stdout)))
    assert rows[0]["longitude"] == "-70.5" and rows[0]["latitude"] == "-33.4"


def test_export_edit_reimport_with_update(cli: Any, tmp_path: Path) -> None:
    add_site(cli)
    path = tmp_path / "sirens.csv"
    path.write_text(_csv(ROWS), encoding="utf-8")
    assert cli("asset", "import", str(path)).exit_code == 0
    export = tmp_path / "export.csv"
    assert cli("asset", "export", "--excel", "--out", str(export)).exit_code == 0
    rows = list(csv.reader(io.StringIO(export.read_text("utf-8-sig"))))
    header = rows[0]
    name, db = header.index("name"), header.index("measured_db")
    for row in rows[1:]:
        if row[0] == "HC-C01":
            row[name] = "东风社区手摇警报器(新)"
            row[db] = "98.5"
    rows.append(
        ["HC-C09" if i == 0 else ("C01" if k == "site" else "") for i, k in enumerate(header)]
    )
    rows[-1][header.index("kind")] = "hand_crank"
    edited = tmp_path / "edited.csv"
    edited.write_bytes(_csv(rows).encode("gbk"))  # Excel saved it as plain CSV

    plain = cli("asset", "import", str(edited))
    assert plain.exit_code == 3 and "use --update" in plain.stderr

    preview = cli("asset", "import", str(edited), "--update", "--dry-run")
    assert preview.exit_code == 0, preview.stderr
    assert "~ HC-C01 name: '东风社区手摇警报器' -> '东风社区手摇警报器(新)'" in preview.stdout
    assert "~ HC-C01 measured_db: 96.0 -> 98.5" in preview.stdout
    assert "+ HC-C09 (new)" in preview.stdout and "HC-C02" not in preview.stdout
    assert cli.json("asset", "show", "HC-C01")["measured_db"] == 96.0  # nothing written

    applied = cli("asset", "import", str(edited), "--update")
    assert applied.exit_code == 0, applied.stderr
    assert "added 1, updated 1 asset(s)" in applied.stderr
    shown = cli.json("asset", "show", "HC-C01")
    assert shown["name"] == "东风社区手摇警报器(新)" and shown["measured_db"] == 98.5
    # the formula cell came back through the apostrophe unchanged
    assert cli.json("asset", "show", "HC-C02")["name"] == '=HYPERLINK("http://x","点我")'
    edits = cli.json("audit", "list", "--action", "asset.edit")
    assert [e["object_ref"] for e in edits] == ["HC-C01"]


def test_update_is_all_or_nothing(cli: Any, tmp_path: Path) -> None:
    add_site(cli)
    path = tmp_path / "sirens.csv"
    path.write_text(_csv(ROWS), encoding="utf-8")
    assert cli("asset", "import", str(path)).exit_code == 0
    bad = [
        ROWS[0],
        ["HC-C01", "C01", "手摇", "新名字", "96", "30"],
        ["HC-C02", "C99", "手摇", "x", "", ""],
    ]
    path.write_text(_csv(bad), encoding="utf-8")
    result = cli("asset", "import", str(path), "--update")
    assert result.exit_code == 3 and "line 3: site: unknown site code" in result.stderr
    assert cli.json("asset", "show", "HC-C01")["name"] == "东风社区手摇警报器"
