"""The safety property, generated: no live controller ever receives an audible command without
a valid approval by two distinct authenticated accounts of exactly what is sent.

A hypothesis state machine mixes registry edits (by an administrator, refused for a
technician, raw SQL on the bench flag), signed plans and approvals (valid, self, technician,
forged SQL rows, wrong passphrases), programme file edits and run-due runs, against live
loopback simulators. Its model of "validly approved" is independent of the implementation:
content as it was when a plan/approval succeeded through sirenctl's own functions.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, text

from sirenctl.models import Asset
from sirenctl.security.errors import AuthError, NotPermitted
from tests.authority import passphrase_for, person
from tests.security.helpers import (
    AIR_RAID,
    APPROVER,
    BOTH,
    DUE,
    GROWL,
    LIVE,
    PLANNER,
    TECH,
    audible,
    make_county,
)

pytestmark = pytest.mark.real_prompt

TAGS = st.sampled_from(LIVE)


class SafetyMachine(RuleBasedStateMachine):
    fleet: Any = None  # set by the test (one simulated fleet for all examples)
    sounded = 0  # validly approved soundings seen: the property is not vacuous
    base: Path = Path()

    @initialize()
    def setup(self) -> None:
        directory = self.base / uuid.uuid4().hex[:10]
        directory.mkdir(parents=True)
        self.fleet.test_clock._now = DUE.timestamp() + 5
        self.county = make_county(f"sqlite:///{directory / 'p.db'}", directory / "s", self.fleet)
        self.db = self.county.db
        self.programme = GROWL
        self.sql_bench: dict[str, bool] = dict.fromkeys(LIVE, False)
        self.unit: dict[str, int] = dict.fromkeys(LIVE, 1)
        self.plan: dict[str, tuple[str, Any]] = {}  # tag -> (planner, content)
        self.approvals: dict[str, list[tuple[str, str, Any]]] = {t: [] for t in LIVE}
        self.counted = {t: audible(self.fleet, t) for t in LIVE}
        self.wo = {t: self.county.order(t).id for t in LIVE}

    def teardown(self) -> None:
        county = getattr(self, "county", None)
        if county is not None:
            county.db.dispose()

    def content(self, tag: str) -> Any:
        return (self.programme, self.unit[tag], self.sql_bench[tag])

    def valid(self, tag: str) -> bool:
        if tag not in self.plan:
            return False
        planner, planned = self.plan[tag]
        now = self.content(tag)
        return planned == now and any(
            who != planner and at_planner == planner and content == now
            for who, at_planner, content in self.approvals[tag]
        )

    # ---- plans and approvals -----------------------------------------------------------
    @rule(tag=TAGS, who=st.sampled_from([PLANNER, BOTH, TECH]))
    def sign_plan(self, tag: str, who: str) -> None:
        from sirenctl.scheduling.library import load_library
        from sirenctl.security.approvals import sign_plans
        from sirenctl.timeutil import utcnow

        try:
            someone = person(self.db, who)
            with self.db.transaction() as s:
                signed = sign_plans(
                    s, someone, [self.wo[tag]], load_library(self.county.schedules), utcnow()
                )
        except (NotPermitted, AuthError):
            assert who == TECH
            return
        if signed:
            self.plan[tag] = (who, self.content(tag))

    @rule(tag=TAGS)
    def self_approval(self, tag: str) -> None:
        """chen (planner and approver) plans and then approves the same work order."""
        self.sign_plan(tag, BOTH)
        self.approve(tag, BOTH)

    @rule(tag=TAGS, who=st.sampled_from([APPROVER, BOTH, TECH]))
    def approve(self, tag: str, who: str) -> None:
        from sirenctl.registry.errors import RegistryError
        from sirenctl.scheduling.library import load_library
        from sirenctl.security.approvals import ApprovalRefused, approve
        from sirenctl.timeutil import utcnow

        try:
            someone = person(self.db, who)
            with self.db.transaction() as s:
                made = approve(
                    s,
                    someone,
                    [self.wo[tag]],
                    reason="n",
                    now=utcnow(),
                    library=load_library(self.county.schedules),
                )
        except (NotPermitted, AuthError, ApprovalRefused, RegistryError):
            return
        if made:
            planner = self.plan.get(tag, ("?", None))[0]
            self.approvals[tag].append((who, planner, self.content(tag)))

    @rule(tag=TAGS)
    def honest_plan_and_approval(self, tag: str) -> None:
        """The legitimate path in one step: wang plans, li approves (often generated)."""
        self.sign_plan(tag, PLANNER)
        self.approve(tag, APPROVER)

    @rule(tag=TAGS, plan_first=st.booleans())
    def forge_approval_row(self, tag: str, plan_first: bool) -> None:
        """A plain SQL tool inserts an 'approval by li' (after an honest plan, or not)."""
        if plan_first:
            self.sign_plan(tag, PLANNER)
        with self.db.engine.begin() as conn:
            li = conn.execute(text("SELECT id FROM operator_account WHERE login='li'")).scalar()
            digest = conn.execute(
                text("SELECT plan_digest FROM work_order WHERE id=:i"), {"i": self.wo[tag]}
            ).scalar()
            conn.execute(
                text(
                    "INSERT INTO work_order_approval (work_order_id, approved_by, approved_at, "
                    "reason, approver_account_id, content_digest, signature) VALUES "
                    "(:wo, :by, '2027-09-18 03:00:00', 'forged', :li, :d, :sig)"
                ),
                {
                    "wo": self.wo[tag],
                    "by": f"li-{uuid.uuid4().hex[:6]}",
                    "li": li,
                    "d": digest,
                    "sig": "ab" * 64,
                },
            )
            conn.execute(  # and re-arms a refused work order, as approve would
                text("UPDATE work_order SET status='planned' WHERE id=:i AND status='refused'"),
                {"i": self.wo[tag]},
            )

    @rule(who=st.sampled_from([APPROVER, PLANNER]))
    def wrong_passphrase(self, who: str) -> None:
        from sirenctl.security.authn import authenticate

        with pytest.raises(AuthError):
            authenticate(self.db, who, purpose="guess", ask=lambda _p: "not " + passphrase_for(who))

    # ---- content and registry ------------------------------------------------------------
    @rule()
    def edit_programme(self) -> None:
        self.programme = AIR_RAID if self.programme == GROWL else GROWL
        (self.county.schedules / "programmes" / "test-prog.toml").write_text(
            self.programme, "utf-8"
        )

    @rule(tag=TAGS, admin=st.booleans())
    def edit_unit_id(self, tag: str, admin: bool) -> None:
        from sirenctl.services.assets import edit_asset, plain_person

        new = 2 if self.unit[tag] == 1 else 1
        who = person(self.db, "admin") if admin else plain_person(TECH)
        try:
            with self.db.transaction() as s:
                edit_asset(s, who, tag, {"controller_unit_id": new})
        except NotPermitted:
            assert not admin
            return
        assert admin
        self.unit[tag] = new

    @rule(tag=TAGS)
    def technician_marks_bench(self, tag: str) -> None:
        from sirenctl.services.assets import edit_asset, plain_person

        if self.sql_bench[tag]:
            return  # already flagged (with SQL): no change, nothing to refuse
        with pytest.raises(NotPermitted), self.db.transaction() as s:
            edit_asset(s, plain_person(TECH), tag, {"is_bench": True})

    @rule(tag=TAGS, flag=st.booleans())
    def bench_flag_with_sql(self, tag: str, flag: bool) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(
                text("UPDATE asset SET is_bench = :f WHERE tag = :t"), {"f": flag, "t": tag}
            )
        self.sql_bench[tag] = flag

    @rule(tag=TAGS, edit=st.sampled_from(["programme", "unit_id", "bench_sql"]))
    def honest_then_edit(self, tag: str, edit: str) -> None:
        """Approved honestly, then the content changes before run-due runs."""
        self.sign_plan(tag, PLANNER)
        self.approve(tag, APPROVER)
        if edit == "programme":
            self.edit_programme()
        elif edit == "unit_id":
            self.edit_unit_id(tag, admin=True)
        else:
            self.bench_flag_with_sql(tag, flag=True)

    # ---- running: after every step, as cron does every minute ------------------------------
    @invariant()
    def run_due(self) -> None:
        if not hasattr(self, "county"):
            return
        allowed = {tag: self.valid(tag) for tag in LIVE}
        self.county.run_due()
        for tag in LIVE:
            now = audible(self.fleet, tag)
            if now > self.counted[tag]:
                assert allowed[tag], f"{tag} sounded without a valid two-person approval"
                SafetyMachine.sounded += 1
            self.counted[tag] = now

    @invariant()
    def registry_unchanged_by_refusals(self) -> None:
        if not hasattr(self, "db"):
            return
        with self.db.session() as s:
            for asset in s.scalars(select(Asset).where(Asset.tag.in_(LIVE))):
                assert asset.controller_unit_id == self.unit[asset.tag]


def test_no_live_audible_command_without_two_people(fleet, tmp_path) -> None:
    SafetyMachine.fleet, SafetyMachine.base, SafetyMachine.sounded = fleet, tmp_path, 0
    run_state_machine_as_test(
        SafetyMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # shrinking a fleet run is slow
        ),
    )
    assert SafetyMachine.sounded > 0, "no generated sequence ever sounded: the property is vacuous"
