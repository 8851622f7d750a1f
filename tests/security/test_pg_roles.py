"""PostgreSQL mode: the database itself enforces authority, tried with real logins.

Each person is a real PostgreSQL login in the sirenctl group roles; a raw SQL client
(psycopg) connected as each login tries what sirenctl would refuse. Needs
SIRENCTL_TEST_PG_URL (.ci/run starts a cluster); login names are unique per test because
roles are cluster-global.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sirenctl.db import Database
from sirenctl.identity import Role
from tests.security.helpers import CAMPAIGN, DUE, GROWL

pytestmark = [pytest.mark.postgres, pytest.mark.real_prompt]


def url_as(pg_url: str, login: str) -> str:
    return make_url(pg_url).set(username=login, password=None).render_as_string(False)


def raw(pg_url: str, login: str) -> Any:
    """A plain SQL client connected as ``login`` (autocommit)."""
    import psycopg

    u = make_url(pg_url)
    return psycopg.connect(host=u.host, port=u.port, user=login, dbname=u.database, autocommit=True)


@pytest.fixture
def office(pg_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    from sirenctl.registry.assets import add_asset
    from sirenctl.registry.sites import add_site
    from sirenctl.security.pg_setup import add_login, setup_roles

    admin_db = Database(pg_url)
    setup_roles(admin_db)
    uid = uuid.uuid4().hex[:8]
    people = {
        "tech": (f"tech_{uid}", {Role.TECHNICIAN}),
        "planner": (f"plan_{uid}", {Role.PLANNER}),
        "approver": (f"appr_{uid}", {Role.APPROVER}),
        "both": (f"both_{uid}", {Role.PLANNER, Role.APPROVER}),
        "admin": (f"admin_{uid}", {Role.ADMINISTRATOR}),
        "service": (f"svc_{uid}", {Role.SERVICE}),
    }
    for login, roles in people.values():
        add_login(admin_db, login, frozenset(roles))
    dbs = {key: Database(url_as(pg_url, login)) for key, (login, _r) in people.items()}
    with dbs["admin"].transaction() as s:
        add_site(s, {"code": "C01", "name": "东风社区"}, operator="x")
        add_asset(
            s,
            {
                "tag": "T01",
                "site": "C01",
                "kind": "electronic",
                "controller_transport": "modbus_tcp",
                "controller_host": "127.0.0.1",
                "controller_port": 1502,
            },
            operator="x",
        )
    schedules = tmp_path / "schedules"
    (schedules / "programmes").mkdir(parents=True)
    (schedules / "campaigns").mkdir()
    (schedules / "programmes" / "test-prog.toml").write_text(GROWL, "utf-8")
    (schedules / "campaigns" / "test.toml").write_text(CAMPAIGN, "utf-8")
    try:
        yield {"url": pg_url, "people": people, "dbs": dbs, "schedules": schedules}
    finally:
        for db in dbs.values():
            db.dispose()
        admin_db.dispose()
        for login, _roles in people.values():
            with raw(pg_url, make_url(pg_url).username or "postgres") as conn:
                conn.execute(f'DROP OWNED BY "{login}"')
                conn.execute(f'DROP ROLE IF EXISTS "{login}"')


def login(office: dict[str, Any], key: str) -> str:
    return str(office["people"][key][0])


def plan_as(office: dict[str, Any], key: str) -> int:
    from sirenctl.models.scheduling import WorkOrder
    from sirenctl.scheduling.library import load_library
    from sirenctl.scheduling.plan_service import plan_campaigns
    from sirenctl.security.approvals import sign_plans
    from sirenctl.security.authn import authenticate

    db = office["dbs"][key]
    library = load_library(office["schedules"])
    start = datetime(2027, 1, 1, tzinfo=UTC)
    with db.transaction() as s:
        plan_campaigns(
            s,
            library,
            start,
            datetime(2028, 1, 1, tzinfo=UTC),
            operator=login(office, key),
            now=start,
        )
    with db.session() as s:
        wo_id = s.execute(
            text("SELECT id FROM work_order WHERE due_at = :d"), {"d": DUE}
        ).scalar_one()
    person = authenticate(db, "ignored", purpose="plan")  # PostgreSQL: session_user
    with db.transaction() as s:
        s.get(WorkOrder, wo_id)
        sign_plans(s, person, [wo_id], library, start)
    return int(wo_id)


def refused(conn: Any, sql: str, *params: Any) -> str:
    import psycopg

    with pytest.raises(psycopg.Error) as info:
        conn.execute(sql, params or None)
    return str(info.value)


def test_identity_is_the_database_login_not_the_user_option(office):
    from sirenctl.security.authn import authenticate

    person = authenticate(office["dbs"]["approver"], "someone-else", purpose="check")
    assert person.actor.login == login(office, "approver")
    assert person.actor.roles == frozenset({Role.APPROVER})


def test_technician_login_cannot_approve_bench_or_move_controllers(office):
    wo = plan_as(office, "planner")
    with raw(office["url"], login(office, "tech")) as conn:
        msg = refused(
            conn,
            "INSERT INTO work_order_approval (work_order_id, approved_by, approved_at, reason) "
            "VALUES (%s, %s, now(), 'x')",
            wo,
            login(office, "approver"),
        )
        assert "permission denied" in msg
        assert "administrators only" in refused(
            conn, "UPDATE asset SET is_bench = true WHERE tag = 'T01'"
        )
        for column, value in (
            ("controller_model", "'hs-ms400'"),
            ("controller_port", "502"),
            ("controller_unit_id", "7"),
            ("controller_host", "'10.0.0.9'"),
        ):
            assert "administrators only" in refused(
                conn, f"UPDATE asset SET {column} = {value} WHERE tag = 'T01'"
            )
        assert "administrators only" in refused(
            conn,
            "INSERT INTO asset (tag, site_id, kind, status, is_bench, created_at, updated_at) "
            "SELECT 'FAKE', id, 'electronic', 'active', true, now(), now() FROM site",
        )
        conn.execute("UPDATE asset SET notes = 'door sticks' WHERE tag = 'T01'")  # plain edit
        assert "planned_by must be the login" in refused(
            conn, "UPDATE work_order SET planned_by = 'somebody' WHERE id = %s", wo
        )


def test_no_application_login_can_rewrite_the_audit_log(office):
    from sirenctl.audit import record
    from sirenctl.models import AuditEvent

    for key in ("tech", "planner", "approver", "admin", "service"):
        with office["dbs"][key].transaction() as s:  # appends, chained, as this login
            event = record(
                s, operator=login(office, key), action="test", object_type="test", object_ref=None
            )
            s.flush()
            event_id = event.id
        with office["dbs"][key].session() as s:
            assert s.get(AuditEvent, event_id).db_user == login(office, key)
        with raw(office["url"], login(office, key)) as conn:
            assert "does not continue the chain" in refused(  # an unchained row
                conn,
                "INSERT INTO audit_event (at, operator, action, object_type, outcome) "
                "VALUES (now(), %s, 'test', 'test', 'ok')",
                login(office, key),
            )
            for sql in (
                "UPDATE audit_event SET operator = 'nobody'",
                "DELETE FROM audit_event",
                "TRUNCATE audit_event",
                "ALTER TABLE audit_event DISABLE TRIGGER ALL",
                "DROP TABLE audit_event",
                "UPDATE audit_chain SET genesis = repeat('0', 64)",
                "DELETE FROM audit_chain",
                "INSERT INTO audit_chain (id, database_id, genesis, created_at) "
                "VALUES (2, 'x', repeat('0', 64), now())",
                "ALTER TABLE audit_chain DISABLE TRIGGER ALL",
                "ALTER FUNCTION audit_event_chain() SECURITY INVOKER",
                "CREATE TRIGGER t BEFORE INSERT ON audit_event "
                "FOR EACH ROW EXECUTE FUNCTION audit_event_check_user()",
            ):
                msg = refused(conn, sql)
                assert "permission denied" in msg or "must be owner" in msg, (key, sql, msg)
    with raw(office["url"], make_url(office["url"]).username or "postgres") as conn:
        owners = conn.execute(
            "SELECT proname, pg_get_userbyid(proowner) FROM pg_proc "
            "WHERE proname IN ('audit_event_chain', 'audit_event_check_user', "
            "'audit_event_append_only', 'audit_chain_append_only')"
        ).fetchall()
    assert sorted(owners) == sorted(  # the SECURITY DEFINER chain trigger runs as the owner
        (name, "sirenctl_owner")
        for name in (
            "audit_event_chain",
            "audit_event_check_user",
            "audit_event_append_only",
            "audit_chain_append_only",
        )
    )


def test_approval_rows_only_by_an_approver_as_themselves_not_the_planner(office):
    wo = plan_as(office, "both")
    insert = (
        "INSERT INTO work_order_approval (work_order_id, approved_by, approved_at, reason) "
        "VALUES (%s, %s, now(), 'x')"
    )
    with raw(office["url"], login(office, "planner")) as conn:
        assert "permission denied" in refused(conn, insert, wo, login(office, "planner"))
    with raw(office["url"], login(office, "both")) as conn:  # planned it: may not approve
        assert "may not approve" in refused(conn, insert, wo, login(office, "both"))
    with raw(office["url"], login(office, "approver")) as conn:
        assert "approved_by must be the login" in refused(conn, insert, wo, "someone_else")
        conn.execute(insert, (wo, login(office, "approver")))
        assert "permission denied" in refused(
            conn, "UPDATE work_order_approval SET reason = 'changed'"
        )
    with raw(office["url"], login(office, "service")) as conn:
        assert "permission denied" in refused(conn, insert, wo, login(office, "service"))


def test_sirenctl_approval_on_postgresql_binds_content(office):
    from sirenctl.models import Asset
    from sirenctl.models.scheduling import WorkOrder
    from sirenctl.scheduling.library import load_library
    from sirenctl.security.approval_check import Refusal, VerifiedApproval, verify_for_execution
    from sirenctl.security.approvals import approve, work_order_steps
    from sirenctl.security.authn import authenticate
    from sirenctl.security.errors import NotPermitted

    wo_id = plan_as(office, "planner")
    library = load_library(office["schedules"])
    planner = office["dbs"]["planner"]
    with pytest.raises(NotPermitted), planner.transaction() as s:
        approve(
            s,
            authenticate(planner, "x", purpose="t"),
            [wo_id],
            reason="r",
            now=DUE,
            library=library,
        )
    approver = office["dbs"]["approver"]
    with approver.transaction() as s:
        approve(
            s,
            authenticate(approver, "x", purpose="t"),
            [wo_id],
            reason="r",
            now=DUE,
            library=library,
        )
    service = office["dbs"]["service"]
    with service.session() as s:
        wo = s.get(WorkOrder, wo_id)
        asset = s.get(Asset, wo.asset_id)
        assert isinstance(
            verify_for_execution(s, wo, asset, work_order_steps(wo, library)), VerifiedApproval
        )
    (office["schedules"] / "programmes" / "test-prog.toml").write_text(
        GROWL.replace("growl", "air-raid"), "utf-8"
    )
    library = load_library(office["schedules"])
    with service.session() as s:
        wo = s.get(WorkOrder, wo_id)
        asset = s.get(Asset, wo.asset_id)
        verdict = verify_for_execution(s, wo, asset, work_order_steps(wo, library))
        assert isinstance(verdict, Refusal) and "content changed" in verdict.reason


def test_plain_writes_record_the_database_login_and_a_different_user_is_refused(office):
    """`sirenctl` on PostgreSQL: the audit names the login, whatever --operator says; a
    --user naming someone else is refused (exit 12), audited, and changes nothing."""
    from click.testing import CliRunner

    from sirenctl.cli.main import cli

    tech = login(office, "tech")
    url = url_as(office["url"], tech)
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(cli, ["--db", url, *args], catch_exceptions=False)

    edited = run("--operator", "李主任", "asset", "edit", "T01", "--notes", "门锁已换")
    assert edited.exit_code == 0, edited.stderr
    other = login(office, "approver")
    mismatch = run("--user", other, "asset", "edit", "T01", "--notes", "冒名")
    assert mismatch.exit_code == 12
    assert f"--user {other} is not who the database says you are ({tech})" in mismatch.stderr
    same = run("--user", tech, "asset", "edit", "T01", "--notes", "本人")
    assert same.exit_code == 0, same.stderr
    with office["dbs"]["admin"].session() as s:
        rows = s.execute(
            text("SELECT action, operator, db_user, message FROM audit_event ORDER BY seq")
        ).all()
        notes = s.execute(text("SELECT notes FROM asset WHERE tag = 'T01'")).scalar_one()
    edits = [(r.operator, r.db_user) for r in rows if r.action == "asset.edit"]
    assert edits == [(tech, tech), (tech, tech)]  # never 李主任, never the approver
    refusals = [r for r in rows if r.action == "auth.fail"]
    assert refusals and refusals[-1].operator == tech and "login mismatch" in refusals[-1].message
    assert notes == "本人"


@pytest.fixture
def approver_password(office: dict[str, Any]) -> Iterator[str]:
    """The approver's login needs a password (scram-sha-256) on loopback, as in an office;
    the test cluster trusts everyone else, so one hba line is put first for this login."""
    from sirenctl.security.pg_setup import add_login

    appr = login(office, "approver")
    password = "正确 horse battery"
    superuser = Database(office["url"])
    try:
        add_login(superuser, appr, frozenset(), password)
    finally:
        superuser.dispose()
    su = make_url(office["url"]).username or "postgres"
    with raw(office["url"], su) as conn:
        hba = Path(str(conn.execute("SHOW hba_file").fetchone()[0]))  # type: ignore[index]
        try:
            original = hba.read_text()
            hba.write_text(f"host all {appr} 127.0.0.1/32 scram-sha-256\n" + original)
        except OSError as exc:
            pytest.skip(f"cannot edit {hba}: {exc}")
        conn.execute("SELECT pg_reload_conf()")
        try:
            yield password
        finally:
            hba.write_text(original)
            conn.execute("SELECT pg_reload_conf()")


def test_exercise_activation_asks_the_approvers_own_database_password(office, approver_password):
    """`activate --mode exercise` on PostgreSQL: the requester is the session's login; the
    second person is proven by the server with their own password on a fresh connection."""
    from click.testing import CliRunner

    from sirenctl.cli.main import cli

    planner, appr = login(office, "planner"), login(office, "approver")
    runner = CliRunner()

    def activate(answers: str) -> Any:
        args = ["--db", url_as(office["url"], planner), "activate", "T01", "--mode", "exercise",
                "--approver", appr, "--programme", "cn-growl", "--reason", "district drill"]  # fmt: skip
        return runner.invoke(cli, args, input=answers, catch_exceptions=False)

    wrong = activate("not the password\nFIRE\n")
    assert wrong.exit_code == 12 and f"PostgreSQL refused the login {appr}" in wrong.stderr
    right = activate(approver_password + "\nno\n")  # armed, then not confirmed: nothing sent
    assert right.exit_code == 7 and "disarmed: nothing was sent" in right.stderr
    with office["dbs"]["admin"].session() as s:
        rows = s.execute(
            text("SELECT action, operator, object_ref, after FROM audit_event ORDER BY seq")
        ).all()
    fails = [r for r in rows if r.action == "auth.fail"]
    assert [r.object_ref for r in fails] == [appr]
    armed = [r for r in rows if r.action == "activation.armed"]
    assert len(armed) == 1 and armed[0].operator == planner
    assert armed[0].after["approver"] == appr
