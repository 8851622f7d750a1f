"""Prepare claimed work orders before their instant: endpoints, approvals, permits, steps.

Nothing is sent here. A broken file in the schedules directory affects only the work orders
that need what it defines (its programme), reported per order as an alarm; a broken
*campaign* file does not matter here at all (execution needs programmes, not campaigns).
The approval check for execution is :func:`permit_for` (one place, for the authority work).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.i18n import L_
from sirenctl.models import Asset
from sirenctl.models.scheduling import Approval, ResultOutcome, WorkOrder
from sirenctl.scheduling.claims import valid_approvals
from sirenctl.scheduling.outcomes import Outcome, Verdict


@dataclass
class Job:
    wo_id: int
    tag: str
    task: str
    campaign: str
    audible: bool
    attempts: int
    due_at: datetime
    window_end_at: datetime
    gateway: str | None = None
    endpoint: Any = None
    permit: Any = None
    steps: Any = None
    problem: Verdict | None = None  # set when the job cannot start (nothing will be sent)
    claim_lost: bool = False  # another worker took it over: leave the work order alone
    refused_authority: bool = False  # no valid signed authority: refused with an alarm
    bench: Any = None  # bench unit: what its controller must prove (bench_guard.BenchExpectation)

    @property
    def channel(self) -> str:
        return str(self.endpoint.channel_key) if self.endpoint is not None else f"asset:{self.tag}"

    @property
    def late_allowance(self) -> float:
        return max(0.0, (self.window_end_at - self.due_at).total_seconds())


def _failed(message: str) -> Verdict:
    return Verdict(Outcome.FAILED, ResultOutcome.ERROR, message)


class Programmes:
    """Programmes loaded file by file: a broken file only breaks the programme it defines."""

    def __init__(self, directory: Path | str | None) -> None:
        from sirenctl.scheduling.library import shipped_dir
        from sirenctl.scheduling.programmes import load_programmes
        from sirenctl.scheduling.signals import SignalLibrary, load_signal_library
        from sirenctl.scheduling.spec import SpecError

        base = shipped_dir()
        chosen = Path(directory) if directory is not None else base
        self.problems: dict[str, str] = {}
        own = sorted(chosen.glob("signals.toml")) if chosen != base else []
        try:
            signals = load_signal_library(sorted(base.glob("signals.toml")), own)
        except SpecError as exc:
            self.problems["*"] = f"signals.toml: {exc}"
            signals = SignalLibrary()
        self.programmes: dict[str, Any] = {}
        for folder in dict.fromkeys([base, chosen]):
            for path in sorted((folder / "programmes").glob("*.toml")):
                try:
                    self.programmes.update(load_programmes([path], signals))
                except SpecError as exc:
                    self.problems[path.stem] = f"{path}: {exc}"

    def steps(self, key: str) -> Any:
        from sirenctl.steps import programme_steps

        if key in self.programmes:
            return programme_steps(self.programmes[key])
        why = self.problems.get(key) or self.problems.get("*")
        if why:
            raise KeyError(L_("programme {key!r} cannot be loaded: {why}", key=key, why=why))
        raise KeyError(
            L_(
                "unknown programme {key!r}; known: {value}",
                key=key,
                value=", ".join(sorted(self.programmes)),
            )
        )


def permit_for(
    session: Session,
    wo: WorkOrder,
    asset: Asset,
    approvals: list[Approval],
    steps: Any,
    *,
    now: float,
) -> Any:
    """The permit for an audible work order, or a refusal message (the one approval check:
    the signed plan and a distinct approver's signature over the content that will be sent,
    sirenctl/security/approval_check.py; re-checked when the order is committed to sending)."""
    from sirenctl.drivers.permit import Permit
    from sirenctl.security.approval_check import Refusal, verify_for_execution

    verdict = verify_for_execution(session, wo, asset, steps)
    if isinstance(verdict, Refusal):
        return str(verdict)
    valid_for = max(1800.0, (wo.window_end_at - wo.due_at).total_seconds() + 3600.0)
    if asset.is_bench:
        return Permit.for_bench(asset.tag, valid_for=valid_for, now=now)
    approved = valid_approvals(wo, approvals)
    if not approved:  # approvals were withdrawn after the claim
        return "no approval by a second person"
    return Permit.authorised(
        asset.tag,
        approved[0].approved_by,
        wo.planned_by,
        f"work order {wo.id} ({wo.campaign})",
        valid_for=min(valid_for, 24 * 3600.0),
        now=now,
    )


def prepare_jobs(
    db: Any,
    wo_ids: list[int],
    *,
    schedules_dir: Path | str | None,
    timeout: float | None,
    now: float,
) -> list[Job]:
    """One job per claimed work order, with everything needed to send at once."""
    from sirenctl.devices import endpoint_for

    programmes: Programmes | None = None
    jobs: list[Job] = []
    with db.session() as session:
        rows = session.execute(
            select(WorkOrder, Asset)
            .join(Asset, WorkOrder.asset_id == Asset.id)
            .where(WorkOrder.id.in_(wo_ids))
            .order_by(WorkOrder.id)
        ).all()
        approvals: dict[int, list[Approval]] = {}
        for approval in session.scalars(select(Approval).where(Approval.work_order_id.in_(wo_ids))):
            approvals.setdefault(approval.work_order_id, []).append(approval)
        for wo, asset in rows:
            job = Job(
                wo.id,
                asset.tag,
                wo.task,
                wo.campaign,
                wo.audible,
                wo.attempts,
                wo.due_at,
                wo.window_end_at,
                asset.gateway,
            )
            jobs.append(job)
            try:
                job.endpoint = endpoint_for(asset, timeout=timeout)
            except ValueError as exc:
                job.problem = _failed(f"bad controller settings, nothing sent: {exc}")
                continue
            if wo.task == "silent_test":
                continue
            if programmes is None:
                programmes = Programmes(schedules_dir)
            try:
                job.steps = programmes.steps(wo.programme or "")
            except KeyError as exc:
                job.problem = _failed(f"nothing sent: {exc.args[0]}")
                continue
            permit = permit_for(session, wo, asset, approvals.get(wo.id, []), job.steps, now=now)
            if isinstance(permit, str):
                job.problem = Verdict(Outcome.REFUSED, ResultOutcome.ERROR, permit)
                job.refused_authority = True
            else:
                job.permit = permit
                if asset.is_bench and wo.audible:
                    _expect_bench_unit(session, job, asset)
    return jobs


def _expect_bench_unit(session: Any, job: Job, asset: Asset) -> None:
    """A bench unit must prove itself on the wire before its first audible command
    (sirenctl/bench_guard.py); a registry that already rules it out refuses with an alarm."""
    from sirenctl.bench_guard import bench_expectation
    from sirenctl.devices import NotABenchUnit

    try:
        job.bench = bench_expectation(session, asset)
    except NotABenchUnit as exc:
        job.problem = Verdict(Outcome.REFUSED, ResultOutcome.ERROR, str(exc))
        job.refused_authority = True
