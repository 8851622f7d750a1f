"""Small builders shared by registry tests."""

from __future__ import annotations

SITE_ARGS = [
    "site",
    "add",
    "--code",
    "C01",
    "--name",
    "东风社区",
    "--district",
    "安宁县",
    "--latitude",
    "36.65",
    "--longitude",
    "117.02",
    "--population",
    "8200",
]


def add_site(cli, code: str = "C01", name: str = "东风社区") -> None:  # type: ignore[no-untyped-def]
    args = list(SITE_ARGS)
    args[3], args[5] = code, name
    result = cli(*args)
    assert result.exit_code == 0, result.stderr


def add_crank(cli, tag: str = "HC-C01", site: str = "C01") -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "asset",
        "add",
        "--tag",
        tag,
        "--site",
        site,
        "--kind",
        "hand_crank",
        "--name",
        "东风社区手摇警报器",
        "--measured-db",
        "96",
        "--measured-distance-m",
        "30",
    )
    assert result.exit_code == 0, result.stderr
