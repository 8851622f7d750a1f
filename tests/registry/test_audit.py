"""Every mutation is audited, with who, what, before and after; the log cannot be edited."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.registry.helpers import add_crank, add_site


def _events(cli) -> list[dict]:  # type: ignore[no-untyped-def]
    return list(reversed(cli.json("audit", "list", "--limit", "500")))


def test_every_mutation_is_audited(cli, tmp_path) -> None:
    add_site(cli)
    add_crank(cli)
    assert cli("site", "edit", "C01", "--contact-phone", "110", operator="李工").exit_code == 0
    assert (
        cli("asset", "edit", "HC-C01", "--status", "under_repair", operator="李工").exit_code == 0
    )
    assert cli("asset", "retire", "HC-C01", "--reason", "锈蚀", operator="张主任").exit_code == 0
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("tag,site,kind\nHC-X,C01,hand_crank\n", encoding="utf-8")
    assert cli("asset", "import", str(csv_file)).exit_code == 0

    events = _events(cli)
    assert [(e["action"], e["object_ref"], e["operator"]) for e in events] == [
        ("site.add", "C01", cli.recorded("tester")),
        ("asset.add", "HC-C01", cli.recorded("tester")),
        ("site.edit", "C01", cli.recorded("李工")),
        ("asset.edit", "HC-C01", cli.recorded("李工")),
        ("asset.retire", "HC-C01", cli.recorded("张主任")),
        ("asset.import", "HC-X", cli.recorded("tester")),
    ]
    edit = events[3]
    assert edit["before"] == {"status": "in_service"} and edit["after"] == {
        "status": "under_repair"
    }
    assert events[4]["message"] == "锈蚀"
    assert events[0]["after"]["name"] == "东风社区"
    assert all(e["at"].endswith("+00:00") for e in events)  # stored and shown as UTC


def test_failed_changes_leave_no_audit(cli) -> None:
    add_site(cli)
    before = len(_events(cli))
    assert cli("asset", "add", "--tag", "T", "--site", "C01", "--kind", "nope").exit_code == 3
    assert cli("site", "edit", "C01", "--latitude", "200").exit_code == 3
    assert len(_events(cli)) == before


def test_audit_filters(cli) -> None:
    add_site(cli)
    add_crank(cli)
    assert [e["action"] for e in cli.json("audit", "list", "--object", "asset:HC-C01")] == [
        "asset.add"
    ]
    assert [e["action"] for e in cli.json("audit", "list", "--action", "site")] == ["site.add"]
    assert cli.json("audit", "list", "--operator", "someone-else") == []


def test_audit_rows_cannot_be_changed_or_deleted(db) -> None:
    from sirenctl.audit import record

    with db.transaction() as session:
        record(session, operator="tester", action="test", object_type="x", object_ref="1")
    for statement in ("UPDATE audit_event SET operator = 'mallory'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), db.transaction() as session:
            session.execute(text(statement))
    with db.session() as session:
        assert session.execute(text("SELECT operator FROM audit_event")).scalars().all() == [
            "tester"
        ]
