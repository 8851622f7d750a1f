"""CSV import: BOM, Chinese headers, atomicity with every bad row reported; export round-trips."""

from __future__ import annotations

import json

from tests.registry.helpers import add_crank, add_site


def _write(tmp_path, text: str, *, bom: bool = False, name: str = "assets.csv"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_chinese_headers_with_bom_as_from_excel(cli, tmp_path) -> None:
    add_site(cli)
    path = _write(
        tmp_path,
        (
            "标签,社区编码,类型,名称,实测声级,测量距离,管护人,状态,备用电池\r\n"
            "HC-C01,C01,手摇,东风社区手摇警报器,96,30,网格员老王,在用,否\r\n"
            "T01,C01,电声,东风电声警报器,,,,故障,是\r\n"
        ),
        bom=True,
    )
    result = cli("asset", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "imported 2 asset(s)" in result.stderr
    crank = cli.json("asset", "show", "HC-C01")
    assert (crank["kind"], crank["name"], crank["measured_db"], crank["custodian"]) == (
        "hand_crank",
        "东风社区手摇警报器",
        96.0,
        "网格员老王",
    )
    t01 = cli.json("asset", "show", "T01")
    assert (t01["kind"], t01["status"], t01["battery_backup"]) == ("electronic", "faulty", True)


def test_any_bad_row_imports_nothing_and_reports_every_line(cli, tmp_path) -> None:
    add_site(cli)
    add_crank(cli, "HC-OLD")
    path = _write(
        tmp_path,
        (
            "tag,site,kind,latitude,longitude,rated_dbc,install_date\n"
            "OK-1,C01,motor,36.6,117.0,120,2024-01-05\n"  # line 2: fine
            ",C01,motor,,,,\n"  # line 3: missing tag
            "OK-1,C01,motor,,,,\n"  # line 4: duplicate of line 2
            "X-3,C99,motor,,,,\n"  # line 5: unknown site
            "X-4,C01,motor,136.6,117,,\n"  # line 6: bad latitude
            "X-5,C01,foghorn,,,,\n"  # line 7: unknown kind
            "X-6,C01,motor,,,loud,\n"  # line 8: bad number
            "HC-OLD,C01,hand_crank,,,,\n"  # line 9: tag already registered
            "X-8,C01,motor,,,,2024-13-01\n"  # line 10: bad date
        ),
    )
    result = cli("asset", "import", str(path))
    assert result.exit_code == 3
    err = result.stderr
    assert "nothing was changed" in err
    for expected in (
        "line 3: tag: is required",
        "line 4: tag: duplicate of line 2",
        "line 5: site: unknown site code (got 'C99')",
        "line 6: latitude: latitude must be between -90 and 90",
        "line 7: kind: unknown value",
        "line 8: rated_dbc: not a number (got 'loud')",
        "line 9: tag: already in the registry (use --update to change it) (got 'HC-OLD')",
        "line 10: install_date: there is no month 13",
    ):
        assert expected in err, expected
    assert "line 2:" not in err
    assert [a["tag"] for a in cli.json("asset", "list")] == ["HC-OLD"]


def test_header_problems(cli, tmp_path) -> None:
    add_site(cli)
    result = cli("asset", "import", str(_write(tmp_path, "tag,colour\nA,red\n")))
    assert result.exit_code == 3
    assert "line 1: header: unknown column 'colour'" in result.stderr
    assert "missing required column 'site'" in result.stderr
    empty = cli("asset", "import", str(_write(tmp_path, "", name="empty.csv")))
    assert empty.exit_code == 3 and "is empty" in empty.stderr


def test_undecodable_bytes_name_the_encoding_and_offset(cli, tmp_path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\xef\xbb\xbftag,site,kind\n\xff\xfe\xfd,C01,hand_crank\n")
    result = cli("asset", "import", str(path))
    assert result.exit_code == 3
    assert "cannot be read as UTF-8 (byte-order mark found): bad byte at offset" in result.stderr


def test_export_round_trips_through_import_csv_and_json(db_url, tmp_path) -> None:
    from tests.conftest import CLI

    source = CLI(db_url)
    add_site(source)
    add_crank(source)
    r = source(
        "asset",
        "add",
        "--tag",
        "T04",
        "--site",
        "C01",
        "--kind",
        "electronic",
        "--controller-transport",
        "modbus_rtu",
        "--controller-device",
        "/dev/ttyUSB0",
        "--controller-unit-id",
        "4",
        "--install-date",
        "2024-09-01",
        "--rated-dbc",
        "118.5",
        "--power-mains",
        "--battery-backup",
        "--notes",
        '带逗号, 和"引号"',
    )
    assert r.exit_code == 0, r.stderr
    original = source.json("asset", "list")

    for fmt in ("csv", "json"):
        out = tmp_path / f"export.{fmt}"
        assert source("asset", "export", "--format", fmt, "--out", str(out)).exit_code == 0
        target = CLI(f"sqlite:///{tmp_path / f'copy-{fmt}.db'}")
        add_site(target)
        result = target("asset", "import", str(out))
        assert result.exit_code == 0, result.stderr
        assert target.json("asset", "list") == original, fmt


def test_export_with_chinese_headers_imports_back(sqlite_cli, tmp_path) -> None:
    add_site(sqlite_cli)
    add_crank(sqlite_cli)
    out = tmp_path / "zh.csv"
    assert (
        sqlite_cli("asset", "export", "--chinese-headers", "--excel", "--out", str(out)).exit_code
        == 0
    )
    raw = out.read_bytes()
    assert raw.startswith("\ufeff标签,社区编码,类型".encode())
    copy = tmp_path / "copy.db"
    from tests.conftest import CLI

    target = CLI(f"sqlite:///{copy}")
    add_site(target)
    assert target("asset", "import", str(out)).exit_code == 0
    assert json.dumps(target.json("asset", "list"), sort_keys=True) == json.dumps(
        sqlite_cli.json("asset", "list"), sort_keys=True
    )


def test_rows_with_and_without_controller_and_a_retired_row(cli, tmp_path) -> None:
    """Cross-field defaults (controller port and model) fill some rows only; every value still
    reaches its column, retired rows get their retirement time, and the chain verifies."""
    add_site(cli)
    path = _write(
        tmp_path,
        (
            "tag,site,kind,controller_transport,controller_host,status\n"
            "HC-1,C01,hand_crank,,,\n"
            "E-2,C01,electronic,modbus_tcp,10.0.0.5,\n"
            "HC-3,C01,hand_crank,,,报废\n"
        ),
    )
    result = cli("asset", "import", str(path))
    assert result.exit_code == 0, result.stderr
    crank = cli.json("asset", "show", "HC-1")
    assert (crank["controller_port"], crank["status"], crank["retired_at"]) == (
        None,
        "in_service",
        None,
    )
    e2 = cli.json("asset", "show", "E-2")
    assert (e2["controller_host"], e2["controller_port"], e2["controller_unit_id"]) == (
        "10.0.0.5",
        502,
        1,
    )
    assert e2["controller_model"]
    retired = cli.json("asset", "show", "HC-3")
    assert retired["status"] == "retired" and retired["retired_at"]
    assert cli("audit", "verify").exit_code == 0
