"""`asset list` at scale: the Core listing equals the registry's own view of each asset."""

from __future__ import annotations

from typing import Any

from tests.registry.helpers import add_crank, add_site


def test_listing_matches_show_and_columns_stay_aligned(cli: Any) -> None:
    add_site(cli)
    add_crank(cli, "HC-C01")
    add_crank(cli, "HC-LONG-TAG-01")
    listed = {r["tag"]: r for r in cli.json("asset", "list")}
    for tag in ("HC-C01", "HC-LONG-TAG-01"):
        assert listed[tag] == cli.json("asset", "show", tag)
    lines = cli("asset", "list").stdout.splitlines()  # piped: plain aligned columns
    assert lines[0].split() == ["tag", "site", "kind", "status", "name", "endpoint", "bench"]
    from rich.cells import cell_len

    starts = {cell_len(line[: line.index(" C01") + 1]) for line in lines[1:]}
    assert len(starts) == 1  # the site column starts at one cell offset in every row
