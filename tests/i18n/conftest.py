"""Shared fixtures of the language tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from sirenctl.cli.main import cli
from sirenctl.i18n import Language, set_language


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo database (`sirenctl demo`) per test module; English again afterwards."""
    db = str(tmp_path_factory.mktemp("zh-demo") / "demo.db")
    assert CliRunner().invoke(cli, ["--db", db, "demo"]).exit_code == 0
    yield db
    set_language(Language.EN)
