"""Accounts through the real CLI, passphrases as lines on stdin (never argv or environment)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from sirenctl.models import AuditEvent
from sirenctl.models.accounts import OperatorAccount

pytestmark = pytest.mark.real_prompt

BOSS = "boss passphrase 1"
LI = "li passphrase 22"


def anchor_file(url: str) -> Path:
    return Path(str(make_url(url).database) + ".anchor")


def accounts(url: str) -> list[str]:
    from sirenctl.db import Database

    db = Database(url)
    try:
        with db.session() as s:
            return [
                a.login for a in s.scalars(select(OperatorAccount).order_by(OperatorAccount.id))
            ]
    finally:
        db.dispose()


def test_init_creates_the_first_administrator_and_pins_its_key(sqlite_cli, sqlite_url):
    mismatch = sqlite_cli("init", "--admin", "boss", input=f"{BOSS}\nsomething else\n")
    assert mismatch.exit_code == 3 and "differ" in mismatch.stderr
    assert accounts(sqlite_url) == [] and not anchor_file(sqlite_url).exists()
    short = sqlite_cli("init", "--admin", "boss", input="short\nshort\n")
    assert short.exit_code == 3 and "at least 10" in short.stderr
    ok = sqlite_cli("init", "--admin", "boss", input=f"{BOSS}\n{BOSS}\n")
    assert ok.exit_code == 0, ok.output
    assert accounts(sqlite_url) == ["boss"]
    pinned = anchor_file(sqlite_url).read_text("utf-8")
    shown = sqlite_cli("account", "anchor")
    assert shown.stdout.split()[0] == "boss"
    assert "".join(shown.stdout.split()[1:]) in pinned.replace(" ", "")
    again = sqlite_cli("init", input="")
    assert again.exit_code == 0 and "accounts exist already" in again.stderr


@pytest.fixture
def office(sqlite_cli):
    assert sqlite_cli("init", "--admin", "boss", input=f"{BOSS}\n{BOSS}\n").exit_code == 0
    added = sqlite_cli(
        "--user",
        "boss",
        "account",
        "add",
        "li",
        "--role",
        "approver",
        "--name",
        "李主任",
        input=f"{BOSS}\n{LI}\n{LI}\n",
    )
    assert added.exit_code == 0, added.output
    return sqlite_cli


def test_only_an_administrator_adds_accounts(office, sqlite_url):
    refused = office(
        "--user",
        "li",
        "account",
        "add",
        "mallory",
        "--role",
        "administrator",
        input=f"{LI}\nmallory pass 1\nmallory pass 1\n",
    )
    assert refused.exit_code == 7 and "administrator role" in refused.stderr
    assert accounts(sqlite_url) == ["boss", "li"]
    listing = office("account", "list", "--json")
    rows = __import__("json").loads(listing.stdout)
    assert [(r["login"], r["roles"], r["state"]) for r in rows] == [
        ("boss", ["administrator"], "active"),
        ("li", ["approver"], "active"),
    ]


def test_passwd_changes_the_passphrase_and_keeps_the_key(office):
    before = office("account", "show", "li", "--json").stdout
    new = "li new passphrase"
    changed = office("--user", "li", "account", "passwd", input=f"{LI}\n{new}\n{new}\n")
    assert changed.exit_code == 0, changed.output
    assert office("account", "show", "li", "--json").stdout == before  # same key, still trusted
    old = office("--user", "li", "account", "passwd", input=f"{LI}\n")
    assert old.exit_code == 12


def test_a_passphrase_in_the_environment_is_not_read(office, monkeypatch):
    monkeypatch.setenv("SIRENCTL_PASSPHRASE", LI)
    result = office("--user", "li", "account", "passwd", input="")
    assert result.exit_code == 12 and "standard input ended" in result.stderr


def test_without_the_anchor_file_nobody_is_trusted(office, sqlite_url):
    anchor_file(sqlite_url).unlink()
    result = office("--user", "boss", "account", "lock", "li", input=f"{BOSS}\n")
    assert result.exit_code == 7 and "no trust anchor" in result.stderr
    from sirenctl.db import Database

    db = Database(sqlite_url)
    with db.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "auth.fail")).one()
        assert event.outcome == "alarm"
    db.dispose()
