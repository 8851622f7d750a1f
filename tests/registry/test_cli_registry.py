"""Site and asset commands through the real click entry point on real databases."""

from __future__ import annotations

from tests.registry.helpers import add_crank, add_site


def test_site_add_list_show_edit_with_cjk(cli) -> None:
    add_site(cli)
    add_site(cli, "C02", "幸福家园社区")
    sites = cli.json("site", "list")
    assert [(s["code"], s["name"], s["population"]) for s in sites] == [
        ("C01", "东风社区", 8200),
        ("C02", "幸福家园社区", 8200),
    ]
    assert sites[0]["timezone"] == "Asia/Shanghai"
    table = cli("site", "list", "--search", "幸福")
    assert "幸福家园社区" in table.stdout and "东风社区" not in table.stdout

    result = cli("site", "edit", "C01", "--contact-person", "王建国", "--population", "9000")
    assert result.exit_code == 0, result.stderr
    shown = cli.json("site", "show", "C01")
    assert shown["contact_person"] == "王建国" and shown["population"] == 9000


def test_site_add_rejects_bad_values_and_duplicates(cli) -> None:
    bad = cli(
        "site", "add", "--code", "C09", "--name", "x", "--latitude", "91", "--population", "many"
    )
    assert bad.exit_code == 3
    assert "latitude: latitude must be between -90 and 90" in bad.stderr
    assert "population: not a whole number" in bad.stderr
    assert cli.json("site", "list") == []
    add_site(cli)
    dup = cli(*["site", "add", "--code", "C01", "--name", "again"])
    assert dup.exit_code == 5 and "already exists" in dup.stderr
    missing = cli("site", "add", "--name", "no code")
    assert missing.exit_code == 3 and "code: is required" in missing.stderr


def test_asset_lifecycle_and_filters(cli) -> None:
    add_site(cli)
    add_site(cli, "C02", "幸福家园社区")
    add_crank(cli)
    add_crank(cli, "HC-C02", "C02")
    result = cli(
        "asset",
        "add",
        "--tag",
        "T01",
        "--site",
        "C02",
        "--kind",
        "electronic",
        "--controller-transport",
        "modbus_tcp",
        "--controller-host",
        "127.0.0.1",
        "--rated-dbc",
        "118",
        "--bench",
    )
    assert result.exit_code == 0, result.stderr
    t01 = cli.json("asset", "show", "T01")
    # defaults a technician expects for a Modbus TCP controller
    assert (t01["controller_port"], t01["controller_unit_id"], t01["controller_model"]) == (
        502,
        1,
        "sirenctl-generic",
    )
    assert t01["is_bench"] is True and t01["site"] == "C02"

    assert [a["tag"] for a in cli.json("asset", "list", "--kind", "hand_crank")] == [
        "HC-C01",
        "HC-C02",
    ]
    assert [a["tag"] for a in cli.json("asset", "list", "--site", "C02")] == ["HC-C02", "T01"]
    assert [a["tag"] for a in cli.json("asset", "list", "--tag", "c0")] == ["HC-C01", "HC-C02"]
    assert [a["tag"] for a in cli.json("asset", "list", "--search", "幸福")] == ["HC-C02", "T01"]
    assert [a["tag"] for a in cli.json("asset", "list", "--networked")] == ["T01"]

    assert cli("asset", "edit", "HC-C01", "--status", "faulty").exit_code == 0
    assert [a["tag"] for a in cli.json("asset", "list", "--status", "faulty")] == ["HC-C01"]
    retire = cli("asset", "retire", "HC-C01", "--reason", "换新")
    assert retire.exit_code == 0
    assert cli.json("asset", "show", "HC-C01")["status"] == "retired"
    again = cli("asset", "retire", "HC-C01")
    assert again.exit_code == 5 and "already retired" in again.stderr


def test_asset_add_validation(cli) -> None:
    add_site(cli)
    crank_with_controller = cli(
        "asset",
        "add",
        "--tag",
        "X1",
        "--site",
        "C01",
        "--kind",
        "hand_crank",
        "--controller-transport",
        "modbus_tcp",
        "--controller-host",
        "10.0.0.1",
    )
    assert crank_with_controller.exit_code == 3
    assert "a hand-crank siren has no controller" in crank_with_controller.stderr
    rtu_without_device = cli(
        "asset",
        "add",
        "--tag",
        "X2",
        "--site",
        "C01",
        "--kind",
        "motor",
        "--controller-transport",
        "modbus_rtu",
    )
    assert rtu_without_device.exit_code == 3
    assert "controller_device: is required for modbus_rtu" in rtu_without_device.stderr
    odd_baud = cli(
        "asset",
        "add",
        "--tag",
        "X5",
        "--site",
        "C01",
        "--kind",
        "motor",
        "--controller-transport",
        "modbus_rtu",
        "--controller-device",
        "/dev/ttyUSB0",
        "--controller-serial",
        "1234 8N1",
    )  # the driver could never open this line
    assert (
        odd_baud.exit_code == 3 and "controller_serial: expected serial settings" in odd_baud.stderr
    )
    unknown_site = cli("asset", "add", "--tag", "X3", "--site", "C77", "--kind", "motor")
    assert unknown_site.exit_code == 4 and "C77" in unknown_site.stderr
    bad_kind = cli("asset", "add", "--tag", "X4", "--site", "C01", "--kind", "trumpet")
    assert bad_kind.exit_code == 3 and "kind: unknown value" in bad_kind.stderr
    assert cli.json("asset", "list") == []


def test_missing_things_and_usage_errors(cli) -> None:
    assert cli("asset", "show", "NOPE").exit_code == 4
    assert cli("asset", "edit", "NOPE", "--notes", "x").exit_code == 4
    assert cli("asset", "list", "--kind", "banana").exit_code == 2
    add_site(cli)
    assert cli("site", "edit", "C01").exit_code == 2  # nothing to change


def test_tables_show_cjk(cli) -> None:
    add_site(cli)
    add_crank(cli)
    out = cli("asset", "list").stdout
    assert "HC-C01" in out and "东风社区" in out
