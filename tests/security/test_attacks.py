"""Issue 9's attack paths, each tried against live simulated controllers: zero audible commands.

Every test also has the honest path next to it (a valid plan and approval sounds), so a
refusal is a refusal of the attack and not a broken set-up. Real SQLite files, real CLI
commands with passphrases on stdin, real loopback Modbus simulators.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from sirenctl.models import AuditEvent
from sirenctl.models.scheduling import Approval
from tests.security.helpers import (
    APPROVER,
    BENCH,
    BOTH,
    PLANNER,
    TECH,
    audible,
    line,
    live_audible,
)

pytestmark = pytest.mark.real_prompt


def approve(cli, county, login: str, tag: str = "T01", passphrase: str | None = None):
    wo = county.order(tag)
    return cli(
        "--user",
        login,
        "approve",
        str(wo.id),
        "--reason",
        "县人防办〔2027〕12号",
        "--schedules",
        str(county.schedules),
        input=passphrase if passphrase is not None else line(login),
    )


@pytest.fixture
def cli(county):
    from tests.conftest import CLI

    return CLI(county.url)


def test_honest_two_person_path_sounds(county, cli):
    county.plan_signed()
    result = approve(cli, county, APPROVER)
    assert result.exit_code == 0, result.output
    outcome = county.run_due()
    by_tag = {o.tag: o.outcome for o in outcome.outcomes}
    assert by_tag["T01"] == "done" and audible(county.fleet, "T01") == 1
    refused = {d.tag for d in outcome.report.of("refuse")}
    assert "T02" in refused and audible(county.fleet, "T02") == 0  # not approved
    assert audible(county.fleet, BENCH) == 1  # the certified bench unit needs no second person


def test_typed_name_without_the_passphrase_is_refused(county, cli):
    county.plan_signed()
    result = approve(cli, county, APPROVER, passphrase=line(TECH))  # zhang types li's name
    assert result.exit_code == 12 and "wrong passphrase" in result.stderr
    with county.db.session() as s:
        assert s.scalars(select(Approval)).all() == []
        fail = s.scalar(select(AuditEvent).where(AuditEvent.action == "auth.fail"))
        assert fail.operator == APPROVER and "wrong passphrase" in fail.message
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_operator_variable_is_only_a_login_name(county, cli, monkeypatch):
    county.plan_signed()
    monkeypatch.setenv("SIRENCTL_OPERATOR", APPROVER)
    wo = county.order("T01")
    result = cli("approve", str(wo.id), "--reason", "x", input="guess\n")
    assert result.exit_code == 12
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_zero_width_space_after_a_name_is_refused(county, cli):
    county.plan_signed()
    result = approve(cli, county, PLANNER + "\u200b", passphrase=line(PLANNER))
    assert result.exit_code == 2 and "ZERO WIDTH SPACE" in result.stderr
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_self_approval_is_refused(county, cli):
    from tests.authority import sign_plans_as

    sign_plans_as(county.db, BOTH, [county.order("T01").id], schedules_dir=county.schedules)
    result = approve(cli, county, BOTH)  # chen planned it and holds the approver role too
    assert result.exit_code == 7 and "different person" in result.stderr
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_technician_cannot_approve(county, cli):
    county.plan_signed()
    result = approve(cli, county, TECH)
    assert result.exit_code == 7 and "approver role" in result.stderr
    county.run_due()
    assert live_audible(county.fleet) == 0


def _li_id(county) -> int:
    with county.db.session() as s:
        return s.execute(text("SELECT id FROM operator_account WHERE login = 'li'")).scalar_one()


def test_approval_row_inserted_with_sql_is_refused(county):
    county.plan_signed()
    wo = county.order("T01")
    with county.db.engine.begin() as conn:  # a plain SQL tool on the file
        conn.execute(
            text(
                "INSERT INTO work_order_approval (work_order_id, approved_by, approved_at, reason,"
                " approver_account_id, content_digest, signature, key_id) VALUES "
                "(:wo, 'li', '2027-09-18 03:00:00', 'forged', :li, :digest, :sig, 'x')"
            ),
            {"wo": wo.id, "li": _li_id(county), "digest": wo.plan_digest, "sig": "ab" * 64},
        )
    result = county.run_due()
    t01 = next(o for o in result.outcomes if o.tag == "T01")
    assert t01.outcome == "refused" and "no valid signature" in t01.note
    assert live_audible(county.fleet) == 0
    assert any(
        a.action == "workorder.refuse" and a.object_ref == str(wo.id) for a in county.alarms()
    )


def test_plan_and_approval_rows_forged_with_sql_are_refused(county):
    """The whole work order forged: a plan 'signed' by wang and an approval by li."""
    wo = county.order("T01")
    with county.db.engine.begin() as conn:
        wang = conn.execute(text("SELECT id FROM operator_account WHERE login='wang'")).scalar()
        conn.execute(
            text(
                "UPDATE work_order SET planned_by='wang', planned_by_account_id=:w, "
                "plan_digest=:d, plan_signature=:sig WHERE id=:wo"
            ),
            {"w": wang, "d": "0" * 64, "sig": "cd" * 64, "wo": wo.id},
        )
        conn.execute(
            text(
                "INSERT INTO work_order_approval (work_order_id, approved_by, approved_at, reason,"
                " approver_account_id, content_digest, signature) VALUES "
                "(:wo, 'li', '2027-09-18 03:00:00', 'forged', :li, :d, :sig)"
            ),
            {"wo": wo.id, "li": _li_id(county), "d": "0" * 64, "sig": "ab" * 64},
        )
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_roles_granted_with_sql_count_for_nothing(county, cli):
    county.plan_signed()
    with county.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE operator_account SET roles='approver,technician' WHERE login='zhang'")
        )
    result = approve(cli, county, TECH)
    assert result.exit_code == 7 and "certificate" in result.stderr
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_administrator_forged_with_sql_is_not_trusted(county, cli):
    """A self-made 'administrator' certifies a fake approver: not traced to the pinned anchor."""
    from sirenctl.identity import Role
    from sirenctl.security.accounts import Certifier, add_account, create_first_administrator
    from tests.authority import TEST_KDF, passphrase_for

    county.plan_signed()
    with county.db.transaction() as s:  # same rows a SQL tool could write
        from sqlalchemy import delete

        from sirenctl.models.accounts import OperatorAccount
        from sirenctl.security.keys import new_sealed_key

        sealed, key = new_sealed_key(passphrase_for("mallory"), TEST_KDF)
        fake = OperatorAccount(
            login="mallory",
            login_key="mallory",
            roles="administrator",
            passphrase_hash="x",
            public_key=sealed.public_key,
            key_id=sealed.key_id,
            private_key=sealed.private_key,
            kdf=sealed.kdf,
            failed_attempts=0,
            demo=False,
        )
        s.add(fake)
        s.flush()
        from sirenctl.security.certificates import certify
        from sirenctl.timeutil import utcnow

        certify(fake, fake, key, utcnow())
        add_account(
            s,
            Certifier(fake, key, "mallory"),
            "fakeli",
            frozenset({Role.APPROVER}),
            passphrase_for("fakeli"),
            params=TEST_KDF,
        )
        del delete, create_first_administrator
    result = approve(cli, county, "fakeli")
    assert result.exit_code == 7 and "not trusted" in result.stderr
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_programme_changed_after_approval_is_refused(county, cli):
    county.plan_signed()
    assert approve(cli, county, APPROVER).exit_code == 0
    (county.schedules / "programmes" / "test-prog.toml").write_text(
        'title = "growl"\n[[step]]\nsignal = "air-raid"\ncycles = 1\n', "utf-8"
    )
    result = county.run_due()
    t01 = next(o for o in result.outcomes if o.tag == "T01")
    assert t01.outcome == "refused" and "content changed" in t01.note
    assert live_audible(county.fleet) == 0
    assert any(a.action == "workorder.refuse" for a in county.alarms())


def test_controller_moved_after_approval_is_refused(county, cli):
    """Even an administrator's legitimate endpoint change voids the approval."""
    county.plan_signed()
    assert approve(cli, county, APPROVER).exit_code == 0
    t02_port = county.fleet.endpoints["T02"].port
    result = cli(
        "--user",
        "admin",
        "asset",
        "edit",
        "T01",
        "--controller-port",
        str(t02_port),
        input=line("admin"),
    )
    assert result.exit_code == 0, result.output
    county.run_due()
    assert live_audible(county.fleet) == 0


@pytest.mark.parametrize(
    "option",
    [
        ["--bench"],
        ["--controller-model", "hs-ms400"],
        ["--controller-port", "1502"],
        ["--controller-unit-id", "7"],
        ["--controller-host", "127.0.0.2"],
    ],
)
def test_bench_flag_and_controller_edits_need_an_administrator(county, cli, option):
    from sirenctl.models import Asset

    result = cli("--user", TECH, "asset", "edit", "T01", *option, input=line(TECH))
    assert result.exit_code == 7 and "administrator role" in result.stderr
    with county.db.session() as s:
        t01 = s.scalar(select(Asset).where(Asset.tag == "T01"))
        assert not t01.is_bench and t01.controller_model == "sirenctl-generic"
        assert t01.controller_unit_id == 1 and t01.controller_host == "127.0.0.1"
        refusal = s.scalar(select(AuditEvent).where(AuditEvent.action == "auth.fail"))
        assert refusal.operator == TECH
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_bench_flag_set_with_sql_does_not_make_a_bench_unit(county):
    with county.db.engine.begin() as conn:
        conn.execute(text("UPDATE asset SET is_bench = 1 WHERE tag IN ('T01', 'T02')"))
    result = county.run_due()
    notes = {o.tag: o.note for o in result.outcomes}
    assert "no administrator signed it" in notes["T01"]
    assert live_audible(county.fleet) == 0
    assert audible(county.fleet, BENCH) == 1


def test_bench_certificate_does_not_follow_a_changed_endpoint(county):
    """BENCH-01's signed registration pointed at T01's controller with SQL: refused."""
    t01_port = county.fleet.endpoints["T01"].port
    with county.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE asset SET controller_port = :p WHERE tag = 'BENCH-01'"), {"p": t01_port}
        )
    county.run_due()
    assert live_audible(county.fleet) == 0
    assert audible(county.fleet, BENCH) == 0


def test_csv_import_declaring_a_bench_unit_needs_an_administrator(county, cli, tmp_path):
    header = "tag,site,kind,is_bench,controller_transport,controller_host,controller_port\n"
    csv = tmp_path / "units.csv"
    csv.write_text(header + "FAKE-BENCH,C01,electronic,yes,modbus_tcp,127.0.0.9,1502\n", "utf-8")
    result = cli("--user", TECH, "asset", "import", str(csv), input=line(TECH))
    assert result.exit_code == 7 and "administrator" in result.stderr
    assert cli("asset", "show", "FAKE-BENCH").exit_code == 4
    # the same 'bench unit' aimed at live T01's controller is refused for anyone
    t01_port = county.fleet.endpoints["T01"].port
    csv.write_text(
        header + f"FAKE-BENCH,C01,electronic,yes,modbus_tcp,127.0.0.1,{t01_port}\n", "utf-8"
    )
    result = cli("--user", "admin", "asset", "import", str(csv), input=line("admin"))
    assert result.exit_code == 3 and "live asset(s) T01" in result.output
    assert cli("asset", "show", "FAKE-BENCH").exit_code == 4
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_live_unit_marked_bench_by_a_technician_in_the_cli_never_sounds(county, cli):
    """issue 9: `asset edit T02 --bench` made run-due play its unapproved live growl."""
    cli("--user", TECH, "asset", "edit", "T02", "--bench", input=line(TECH))
    county.run_due()
    assert audible(county.fleet, "T02") == 0


def test_wrong_passphrases_lock_the_account(county, cli):
    county.plan_signed()
    for attempt in range(5):
        result = approve(cli, county, APPROVER, passphrase="wrong guess\n")
        assert result.exit_code == 12, attempt
    locked = approve(cli, county, APPROVER)  # even the right passphrase now
    assert locked.exit_code == 12 and "locked" in locked.stderr
    with county.db.session() as s:
        fails = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "auth.fail")))
        assert len(fails) == 6 and fails[4].outcome == "alarm"
        assert s.scalars(select(Approval)).all() == []
    unlock = cli("--user", "admin", "account", "unlock", APPROVER, input=line("admin"))
    assert unlock.exit_code == 0, unlock.output
    assert approve(cli, county, APPROVER).exit_code == 0


def test_unknown_account_is_refused_and_audited(county, cli):
    county.plan_signed()
    result = approve(cli, county, "nobody")
    assert result.exit_code == 12 and "no account 'nobody'" in result.stderr
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_disabled_approver_signatures_no_longer_count(county, cli):
    county.plan_signed()
    assert approve(cli, county, APPROVER).exit_code == 0
    assert (
        cli("--user", "admin", "account", "disable", APPROVER, input=line("admin")).exit_code == 0
    )
    county.run_due()
    assert live_audible(county.fleet) == 0


def test_bench_sound_refuses_a_bench_flag_set_with_sql(county, cli):
    """issue 9: `asset edit T01 --bench` then `bench sound T01` sounded a live siren."""
    with county.db.engine.begin() as conn:
        conn.execute(text("UPDATE asset SET is_bench = 1 WHERE tag = 'T01'"))
    result = cli("--user", TECH, "bench", "sound", "T01", "--programme", "cn-growl")
    assert result.exit_code == 7 and "no administrator signed it" in result.stderr
    assert live_audible(county.fleet) == 0


def test_a_wrong_planner_passphrase_writes_no_plan_at_all(county, cli):
    """The planner is asked before the plan is written: a wrong passphrase leaves the year
    unplanned (not planned-but-unsigned), the right one plans and signs it in one go."""
    from datetime import UTC, datetime

    from sirenctl.models import Asset
    from sirenctl.models.scheduling import WorkOrder

    def orders_2028() -> list[tuple[str, str | None, bytes | None]]:
        """(tag, planner, plan signature) of every work order due in 2028."""
        with county.db.session() as s:
            rows = s.execute(
                select(Asset.tag, WorkOrder.planned_by, WorkOrder.plan_signature)
                .join(Asset, WorkOrder.asset_id == Asset.id)
                .where(WorkOrder.due_at >= datetime(2028, 1, 1, tzinfo=UTC))
            )
            return [(r[0], r[1], r[2]) for r in rows]

    plan = ("--user", PLANNER, "plan", "--year", "2028", "--schedules", str(county.schedules))
    wrong = cli(*plan, input=line(TECH))
    assert wrong.exit_code == 12 and "wrong passphrase" in wrong.stderr
    assert orders_2028() == []
    right = cli(*plan, input=line(PLANNER))
    assert right.exit_code == 0, right.stderr
    live = [(by, signature) for tag, by, signature in orders_2028() if tag != BENCH]
    assert live and all(by == PLANNER and signature for by, signature in live)


def test_an_approval_after_the_window_closed_is_refused_audited_and_writes_nothing(county):
    """An expired approval: the sounding's window (due 12:00, 2 minutes late allowed) has
    closed, so approving now would authorise a sounding nobody planned for this moment."""
    from datetime import timedelta

    from sirenctl.scheduling.library import load_library
    from sirenctl.security.approvals import ApprovalRefused
    from sirenctl.services.approvals import approve_work_orders
    from sirenctl.services.errors import ProblemKind, describe
    from tests.authority import person

    county.plan_signed()
    wo = county.order("T01")
    late = wo.window_end_at.replace(tzinfo=wo.due_at.tzinfo) + timedelta(seconds=1)
    with pytest.raises(ApprovalRefused) as refused:
        approve_work_orders(
            county.db, person(county.db, APPROVER), [wo.id], reason="县人防办〔2027〕12号",
            library=load_library(county.schedules), now=late,
        )  # fmt: skip
    message = str(refused.value)
    assert (
        "its window closed at 2027-09-18 12:02" in message and "was due 2027-09-18 12:00" in message
    )
    problem = describe(refused.value)
    assert problem is not None and problem.kind is ProblemKind.REFUSED  # exit 7 in the CLI
    with county.db.session() as s:
        assert s.scalars(select(Approval)).all() == []
        trace = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "workorder.approve", AuditEvent.outcome == "refused"
            )
        ).all()
    assert [(t.operator, t.object_ref) for t in trace] == [(APPROVER, str(wo.id))]
    county.run_due()
    assert live_audible(county.fleet) == 0
