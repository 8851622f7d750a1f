"""The audit hash chain: written by every path, verified, and tampering found and named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sirenctl.audit import record
from sirenctl.audit_checkpoint import read_checkpoint
from sirenctl.audit_verify import Problem, take_checkpoint, verify_chain
from sirenctl.cli.common import ExitCode
from tests.audit.helpers import drop_triggers, raw, recompute_chain, recreate
from tests.registry.helpers import add_crank, add_site


def _add(db, n: int, *, per_transaction: int = 1) -> None:  # type: ignore[no-untyped-def]
    for i in range(0, n, per_transaction):
        with db.transaction() as session:
            for j in range(i, min(n, i + per_transaction)):
                record(
                    session,
                    operator="李工",
                    action="test.event",
                    object_type="asset",
                    object_ref=f"T{j:02d}",
                    after={"n": j, "ratio": 1.0, "nested": {"b": [1, 2.5], "a": "东风"}},
                    message=f"第 {j} 条",
                )


def test_records_chain_in_order_and_verify(db) -> None:
    _add(db, 4)
    _add(db, 5, per_transaction=5)  # several events in one transaction (one flush)
    report = verify_chain(db)
    assert report.ok and report.records == 9 and report.head_seq == 9
    with db.session() as session:
        rows = session.execute(text("SELECT id, seq, prev_hash, hash FROM audit_event ORDER BY id"))
        chain = list(rows)
    assert [r.seq for r in chain] == list(range(1, 10))
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))
    assert report.head_hash == chain[-1].hash


def test_insert_that_does_not_continue_the_chain_is_refused(db) -> None:
    _add(db, 2)
    with db.session() as session:
        head = session.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC")).first()
    insert = text(
        "INSERT INTO audit_event (at, operator, action, object_type, outcome, seq, prev_hash, hash)"
        " VALUES ('2026-09-18 12:00:00', 'mallory', 'asset.edit', 'asset', 'ok', :s, :p, :h)"
    )
    for seq, prev in ((head.seq + 2, head.hash), (head.seq + 1, "0" * 64), (head.seq, head.hash)):
        with pytest.raises(DBAPIError, match="audit_event"), db.transaction() as session:
            session.execute(insert, {"s": seq, "p": prev, "h": "a" * 64})
    assert verify_chain(db).records == 2


def test_cli_verify_and_checkpoint(cli, tmp_path: Path) -> None:
    add_site(cli)
    add_crank(cli)
    ok = cli("audit", "verify")
    assert ok.exit_code == 0 and "Audit chain OK: 2 records, head seq 2" in ok.stdout
    out = tmp_path / "offsite" / "cp.json"
    made = cli("audit", "checkpoint", "--out", str(out))
    assert made.exit_code == 0 and "seq 2" in made.stderr
    cp = json.loads(out.read_text())
    assert (cp["seq"], len(cp["hash"]), len(cp["marks"])) == (2, 64, 16)
    assert cli("asset", "retire", "HC-C01", "--reason", "锈蚀").exit_code == 0
    later = cli.json("audit", "verify", "--checkpoint", str(out))
    assert later["ok"] and later["head"]["seq"] == 3 and later["checkpoint"]["seq"] == 2
    printed = cli("audit", "checkpoint")
    assert json.loads(printed.stdout)["seq"] == 3


def test_bad_checkpoint_file_is_named(cli, tmp_path: Path) -> None:
    add_site(cli)
    good = tmp_path / "cp.json"
    assert cli("audit", "checkpoint", "--out", str(good)).exit_code == 0
    cases = {
        "not json {": "not JSON",
        json.dumps({"format": "other"}): "field format",
        json.dumps({**json.loads(good.read_text()), "hash": "abc"}): "field hash is not valid",
        json.dumps({**json.loads(good.read_text()), "marks": ""}): "field marks is not valid",
    }
    for content, message in cases.items():
        bad = tmp_path / "bad.json"
        bad.write_text(content)
        result = cli("audit", "verify", "--checkpoint", str(bad))
        assert result.exit_code == ExitCode.INVALID_INPUT and message in result.stderr
        assert "Traceback" not in result.output
    missing = cli("audit", "verify", "--checkpoint", str(tmp_path / "nope.json"))
    assert missing.exit_code == ExitCode.INVALID_INPUT and "cannot read" in missing.stderr


def test_checkpoint_of_another_database_is_refused(db, tmp_path: Path, sqlite_url) -> None:
    from sirenctl.db import Database

    _add(db, 1)
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        _add(other, 1)
        report = verify_chain(db, take_checkpoint(other))
    finally:
        other.dispose()
    assert report.fault is not None and report.fault.problem == Problem.OTHER_DATABASE


# ---- SQLite: someone who can write the file ----------------------------------------------


def test_edited_record_is_named(sqlite_cli, sqlite_url) -> None:
    add_site(sqlite_cli)
    add_crank(sqlite_cli)
    assert sqlite_cli("site", "edit", "C01", "--contact-phone", "110").exit_code == 0
    conn = raw(sqlite_url)
    triggers = drop_triggers(conn)
    conn.execute("UPDATE audit_event SET operator = 'mallory' WHERE seq = 2")
    recreate(conn, triggers)
    result = sqlite_cli("audit", "verify")
    assert result.exit_code == ExitCode.AUDIT_BROKEN
    assert "BROKEN at seq 2 (record id 2): edited" in result.stderr


def test_deleted_record_is_named(sqlite_url) -> None:
    from sirenctl.db import Database

    db = Database(sqlite_url)
    _add(db, 5)
    conn = raw(sqlite_url)
    drop_triggers(conn)
    conn.execute("DELETE FROM audit_event WHERE seq = 3")
    fault = verify_chain(db).fault
    assert fault is not None and (fault.problem, fault.seq) == (Problem.MISSING, 4)
    assert "seq 3..3 are missing" in fault.detail
    db.dispose()


def test_reordered_records_are_named(sqlite_url) -> None:
    from sirenctl.db import Database

    db = Database(sqlite_url)
    _add(db, 4)
    conn = raw(sqlite_url)
    triggers = drop_triggers(conn)
    conn.execute("UPDATE audit_event SET id = 100 WHERE seq = 2")  # now after seq 3 and 4
    recreate(conn, triggers)
    fault = verify_chain(db).fault
    assert fault is not None and (fault.problem, fault.seq, fault.record_id) == (
        Problem.REORDERED,
        3,
        3,
    )
    assert "id 3 comes after id 100" in fault.detail
    db.dispose()


def test_rewritten_history_is_found_against_an_earlier_checkpoint(sqlite_url, tmp_path) -> None:
    """The issue's scenario: drop the triggers, edit a row, recompute the chain, recreate the
    triggers. The chain then verifies on its own; the checkpoint kept elsewhere names the row."""
    from sirenctl.db import Database
    from tests.conftest import CLI

    db = Database(sqlite_url)
    _add(db, 6)
    cp_file = tmp_path / "cp.json"
    assert CLI(sqlite_url)("audit", "checkpoint", "--out", str(cp_file)).exit_code == 0
    _add(db, 2)  # the log goes on after the checkpoint

    conn = raw(sqlite_url)
    triggers = drop_triggers(conn)
    conn.execute(
        "UPDATE audit_event SET operator = '张主任', after = json_set(after, '$.n', 99) "
        "WHERE seq = 4"
    )
    recompute_chain(conn)
    recreate(conn, triggers)
    conn.close()

    alone = verify_chain(db)
    assert alone.ok  # an unkeyed chain cannot tell on its own: that is what checkpoints are for
    report = verify_chain(db, read_checkpoint(cp_file))
    assert report.fault is not None
    assert (report.fault.problem, report.fault.seq, report.fault.record_id) == (
        Problem.REWRITTEN,
        4,
        4,
    )
    result = CLI(sqlite_url)("audit", "verify", "--checkpoint", str(cp_file))
    assert result.exit_code == ExitCode.AUDIT_BROKEN
    assert "BROKEN at seq 4 (record id 4): rewritten" in result.stderr
    db.dispose()


def test_truncation_is_found_against_a_checkpoint(sqlite_url, tmp_path) -> None:
    from sirenctl.db import Database

    db = Database(sqlite_url)
    _add(db, 5)
    checkpoint = take_checkpoint(db)
    conn = raw(sqlite_url)
    triggers = drop_triggers(conn)
    conn.execute("DELETE FROM audit_event WHERE seq >= 4")
    recreate(conn, triggers)
    assert verify_chain(db).ok  # the shorter chain is whole
    fault = verify_chain(db, checkpoint).fault
    assert fault is not None and fault.problem == Problem.TRUNCATED
    assert "records seq 4..5 were removed" in fault.detail
    db.dispose()


def test_a_row_written_around_sirenctl_is_found(sqlite_url) -> None:
    from sirenctl.db import Database

    db = Database(sqlite_url)
    _add(db, 2)
    conn = raw(sqlite_url)
    triggers = drop_triggers(conn)
    conn.execute(
        "INSERT INTO audit_event (at, operator, action, object_type, outcome) "
        "VALUES ('2026-09-18 12:00:00', 'mallory', 'approval.add', 'order', 'ok')"
    )
    recreate(conn, triggers)
    fault = verify_chain(db).fault
    assert fault is not None and fault.problem == Problem.UNCHAINED and fault.record_id == 3
    db.dispose()


@pytest.mark.fresh_database
def test_upgrade_from_0004_chains_existing_rows_in_id_order(db_url) -> None:
    from sirenctl.db import Database, downgrade_schema, upgrade_schema

    db = Database(db_url)
    try:
        downgrade_schema(db, "0004")
        with db.transaction() as session:
            for i in (1, 2, 3):
                session.execute(
                    text(
                        "INSERT INTO audit_event (at, operator, action, object_type, object_ref,"
                        " after, outcome) VALUES (:at, '李工', 'asset.add', 'asset', :ref, :after,"
                        " 'ok')"
                    ),
                    {
                        "at": f"2026-0{i}-01 08:00:00.12345{i}",
                        "ref": f"T{i}",
                        "after": json.dumps({"n": i, "x": 2.0, "名": "东风"}, ensure_ascii=False),
                    },
                )
        upgrade_schema(db)
        _add(db, 1)
        report = verify_chain(db)
        assert report.ok and report.head_seq == 4
        with db.session() as session:
            order = session.execute(text("SELECT object_ref FROM audit_event ORDER BY seq"))
            assert [r[0] for r in order] == ["T1", "T2", "T3", "T00"]
    finally:
        db.dispose()


def test_each_copy_of_the_test_template_is_a_database_of_its_own(
    sqlite_url, _sqlite_template, tmp_path
) -> None:
    """tests/conftest.py copies one migrated file per session: each copy draws its own
    database id and genesis, its chain verifies, and audit_chain is append-only again."""
    from sirenctl.db import Database
    from tests.conftest import _copy_template

    _copy_template(_sqlite_template, tmp_path / "other.db")
    db = Database(sqlite_url)
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        _add(db, 2)
        _add(other, 1)
        mine = verify_chain(db)
        assert mine.ok and mine.head_seq == 2
        assert mine.database_id != verify_chain(other).database_id
        refused = verify_chain(db, take_checkpoint(other))
        assert not refused.ok
        with pytest.raises(DBAPIError, match="append-only"), db.transaction() as session:
            session.execute(text("UPDATE audit_chain SET database_id = 'x'"))
    finally:
        db.dispose()
        other.dispose()
