"""Fixtures shared by the whole suite: real database files, and a real PostgreSQL when available.

PostgreSQL tests need ``SIRENCTL_TEST_PG_URL`` (an admin URL such as
``postgresql+psycopg://postgres@127.0.0.1:55432/postgres``); `.ci/run` starts a throwaway cluster
and sets it. Each test gets its own freshly created database, so tests run in parallel safely.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

PG_ADMIN_URL = os.environ.get("SIRENCTL_TEST_PG_URL")


@pytest.fixture(autouse=True, scope="session")
def _wired() -> None:
    """Hooks between layers, as every entry point installs them (sirenctl/services/wiring.py).
    tests/test_import_hygiene.py checks in a fresh process that the CLI installs them itself."""
    from sirenctl.services import wiring

    wiring.install()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real per-user data directory or a developer's SIRENCTL_DB."""
    monkeypatch.setenv("SIRENCTL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SIRENCTL_DB", raising=False)
    monkeypatch.setenv("SIRENCTL_OPERATOR", "tester")
    # English unless a test asks for Chinese (sirenctl/i18n.py): a developer's zh locale or
    # ~/.config/sirenctl/config.toml must not change what the tests see.
    monkeypatch.setenv("SIRENCTL_LANG", "en")
    monkeypatch.setenv("SIRENCTL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LANGUAGE", "en")
    import sirenctl.i18n

    monkeypatch.setattr(sirenctl.i18n, "_language", None)  # chosen again from the env above
    monkeypatch.setattr(sirenctl.i18n, "_translation", None)


@pytest.fixture(autouse=True)
def _test_accounts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Privileged actions in tests of other areas: the acting login gets a test account (all
    roles, tests/authority.py) and its passphrase, without stdin plumbing. Tests marked
    ``real_prompt`` (tests/security) use real accounts, prompts and stdin instead."""
    if request.node.get_closest_marker("real_prompt"):
        return
    import re

    from sirenctl.security import authn, prompt
    from tests.authority import ensure_accounts, passphrase_for

    original = authn._authenticate_sqlite

    def provisioned(db, login, purpose, ask, now):  # type: ignore[no-untyped-def]
        ensure_accounts(db, login)
        return original(db, login, purpose, lambda _p: passphrase_for(login), now)

    def answer(text: str) -> str:
        found = re.search(r"for (\S+?)(?: \(|: )", text)
        return passphrase_for(found.group(1) if found else "unknown")

    provisioned.__wrapped__ = original  # type: ignore[attr-defined]
    answer.__wrapped__ = prompt.read_passphrase  # type: ignore[attr-defined]
    monkeypatch.setattr(authn, "_authenticate_sqlite", provisioned)
    monkeypatch.setattr(prompt, "read_passphrase", answer)


@pytest.fixture
def real_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, the real passphrase prompt and checks (after fixtures that needed the
    test accounts, e.g. registering a fleet as the administrator)."""
    from sirenctl.security import authn, prompt

    for module, name in ((authn, "_authenticate_sqlite"), (prompt, "read_passphrase")):
        current = getattr(module, name)
        monkeypatch.setattr(module, name, getattr(current, "__wrapped__", current))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head, once per session (per xdist worker): running every
    migration costs seconds, copying the file milliseconds (docs/development.md)."""
    from sirenctl.db import Database

    path = tmp_path_factory.mktemp("template") / "registry.db"
    database = Database(f"sqlite:///{path}")
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    assert not path.with_name(path.name + "-wal").exists(), "template left a WAL file"
    return path


def _copy_template(template: Path, target: Path) -> None:
    """A byte copy of the template with a database id of its own: the id is drawn once, when
    migration 0006 creates ``audit_chain``, and every copy would otherwise share it (a checkpoint
    of one test database would then pass for another's). The row is append-only, so its trigger
    is set aside for the update and put back as the migration wrote it."""
    from sirenctl.audit_chain import genesis_hash, new_database_id

    shutil.copyfile(template, target)
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        assert conn.execute("SELECT count(*) FROM audit_event").fetchone() == (0,)
        (trigger,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_chain_no_update'"
        ).fetchone()
        conn.execute("DROP TRIGGER audit_chain_no_update")
        database_id = new_database_id()
        conn.execute(
            "UPDATE audit_chain SET database_id = ?, genesis = ? WHERE id = 1",
            (database_id, genesis_hash(database_id)),
        )
        conn.execute(trigger)
        conn.execute("COMMIT")
    finally:
        conn.close()


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file of this test's own, already at the schema head (a copy of the session's
    template). Tests marked ``fresh_database`` get an empty path instead, so that opening it runs
    every migration: the tests of migrations themselves."""
    path = tmp_path / "registry.db"
    if not request.node.get_closest_marker("fresh_database"):
        _copy_template(request.getfixturevalue("_sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_ADMIN_URL:
        pytest.skip("SIRENCTL_TEST_PG_URL not set (.ci/run starts PostgreSQL and sets it)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from sirenctl.identity import Role

    name = f"sirenctl_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # the sirenctl group roles (cluster-global) exist, whatever ran first: the tests'
        # superuser connection then holds every sirenctl role, as on a set-up office server
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": 0x5172_0009})
        try:
            for group in (r.pg_group for r in Role):
                if not conn.execute(
                    text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": group}
                ).first():
                    conn.execute(text(f'CREATE ROLE "{group}" NOLOGIN'))
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": 0x5172_0009})
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on a SQLite file and once on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url: str) -> Iterator[object]:
    from sirenctl.db import Database

    database = Database(db_url)
    yield database
    database.dispose()


class CLI:
    """Runs the real ``sirenctl`` click entry point in-process against one database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, operator: str | None = None, input: str | None = None) -> Result:
        from sirenctl.cli.main import cli

        argv = ["--db", self.url]
        if operator:
            argv += ["--operator", operator]
        return self.runner.invoke(cli, [*argv, *args], input=input, catch_exceptions=False)

    def recorded(self, typed: str) -> str:
        """Who the audit names after ``--operator typed``: that name on SQLite, the database
        login on PostgreSQL (sirenctl/security/authn.py database_login)."""
        from sqlalchemy.engine import make_url

        url = make_url(self.url)
        return typed if url.get_backend_name() == "sqlite" else str(url.username)

    def json(self, *args: str) -> object:
        import json

        result = self(*args, "--json")
        assert result.exit_code == 0, result.output + result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(db_url: str) -> CLI:
    return CLI(db_url)


@pytest.fixture
def sqlite_cli(sqlite_url: str) -> CLI:
    return CLI(sqlite_url)
