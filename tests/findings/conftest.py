"""Fixtures for findings tests: two communities with a hand-crank siren each, and a terminal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sirenctl.db import Database

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def seed_registry(db: Database) -> None:
    from sirenctl.registry.assets import add_asset
    from sirenctl.registry.sites import add_site

    with db.transaction() as s:
        add_site(s, {"code": "C01", "name": "东风社区", "population": 8200}, operator="seed")
        add_site(s, {"code": "C02", "name": "向阳社区", "population": 5100}, operator="seed")
        add_asset(s, {"tag": "HC-C01", "site": "C01", "kind": "hand_crank"}, operator="seed")
        add_asset(s, {"tag": "HC-C02", "site": "C02", "kind": "hand_crank"}, operator="seed")
        add_asset(
            s,
            {
                "tag": "EL-C01",
                "site": "C01",
                "kind": "electronic",
                "controller_transport": "modbus_tcp",
                "controller_host": "127.0.0.1",
            },
            operator="seed",
        )


@pytest.fixture
def fdb(db: Database) -> Database:
    seed_registry(db)
    return db
