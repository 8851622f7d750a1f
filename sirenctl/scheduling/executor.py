"""Execute claimed work orders on networked assets through the driver layer.

Imported only when run-due has claimed something: it pulls in ``sirenctl.drivers`` (and so
pymodbus). All claimed work runs concurrently (the 9·18 sounding starts on every terminal at
once); the link pool keeps one owner per channel. While working, every lease is renewed; right
before each audible command the lease is re-checked and the work order is marked as committed,
so that a sounding is never sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sirenctl.models import Asset
from sirenctl.models.scheduling import Approval, ResultOutcome, WorkOrder, WorkOrderStatus
from sirenctl.scheduling.claims import renew_lease, valid_approvals
from sirenctl.scheduling.policy import MAX_SELF_TEST_ATTEMPTS, RENEW_EVERY_S, RETRY_BACKOFF
from sirenctl.scheduling.results import ResultData, record_result
from sirenctl.security.approvals import Refusal, recheck_before_send, verify_for_execution

S = WorkOrderStatus


@dataclass
class Job:
    wo_id: int
    tag: str
    task: str
    campaign: str
    audible: bool
    attempts: int
    window_end_at: datetime
    endpoint: Any = None
    permit: Any = None
    steps: Any = None
    error: str | None = None  # set when the job cannot start (bad endpoint, unknown programme)
    refusal: str | None = None  # no valid two-person approval (sirenctl/security/approvals.py)


@dataclass
class Outcome:
    wo_id: int
    tag: str
    outcome: str  # a ResultOutcome value, or "retry", or "lost"
    status: str  # the work order's status afterwards
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "work_order": self.wo_id,
            "tag": self.tag,
            "outcome": self.outcome,
            "status": self.status,
            "note": self.note,
        }


def _dt(clock: Any) -> datetime:
    return datetime.fromtimestamp(clock.now(), UTC)


def prepare_jobs(
    db: Any,
    wo_ids: list[int],
    *,
    schedules_dir: Path | str | None,
    timeout: float | None,
    now: float,
) -> list[Job]:
    """Endpoints, permits and controller steps for claimed work orders (nothing is sent)."""
    from sirenctl.devices import endpoint_for, programme_steps
    from sirenctl.drivers.permit import Permit
    from sirenctl.scheduling.library import load_library

    library = None
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
                wo.id, asset.tag, wo.task, wo.campaign, wo.audible, wo.attempts, wo.window_end_at
            )
            jobs.append(job)
            try:
                job.endpoint = endpoint_for(asset, timeout=timeout)
            except ValueError as exc:
                job.error = f"bad controller settings: {exc}"
                continue
            if wo.task == "silent_test":
                continue
            if library is None:
                library = load_library(schedules_dir)
            try:
                job.steps = programme_steps(library.programme(wo.programme or ""))
            except KeyError as exc:
                job.error = str(exc.args[0])
                continue
            valid_for = max(1800.0, (wo.window_end_at - wo.due_at).total_seconds() + 3600.0)
            if asset.is_bench:
                job.permit = Permit.for_bench(asset.tag, valid_for=valid_for, now=now)
            else:
                approved = valid_approvals(wo, approvals.get(wo.id, []))
                verdict = verify_for_execution(session, wo, asset, job.steps)
                if not approved or isinstance(verdict, Refusal):
                    job.refusal = (
                        str(verdict)
                        if isinstance(verdict, Refusal)
                        else ("no approval by a second person")
                    )
                    continue
                job.permit = Permit.authorised(
                    asset.tag,
                    approved[0].approved_by,
                    wo.planned_by,
                    f"work order {wo.id} ({wo.campaign})",
                    valid_for=min(valid_for, 24 * 3600.0),
                    now=now,
                )
    return jobs


class GuardedDriver:
    """A driver whose audible commands first re-check the lease (and commit to sending)."""

    def __init__(
        self,
        driver: Any,
        guard: Callable[[], bool],
        authority: Callable[[], str | None] = lambda: None,
    ) -> None:
        self._driver = driver
        self._guard = guard
        self._authority = authority  # a refusal reason, or None: still validly approved

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)

    async def sound(self, request: Any, permit: Any) -> Any:
        from sirenctl.drivers.errors import RefusedForSafety

        refusal = await asyncio.to_thread(self._authority)
        if refusal is not None:
            raise RefusedForSafety(f"not sending: {refusal}", target=self._driver.tag)
        if not await asyncio.to_thread(self._guard):
            raise RefusedForSafety(
                "the claim on this work order was lost (lease expired): not sending",
                target=self._driver.tag,
            )
        return await self._driver.sound(request, permit)


def programme_outcome(result: dict[str, Any]) -> tuple[str, str]:
    """Map a played programme (``ProgrammeResult.to_dict()``) to a result outcome and a note."""
    steps = result["steps"]
    outcomes = [s["outcome"] for s in steps]
    errors = [s["error"] for s in steps if s.get("error")]
    if result["ok"]:
        return ResultOutcome.PASS.value, f"{len(steps)} step(s) played and echoed"
    if "failed_to_sound" in outcomes:
        return ResultOutcome.FAILED_TO_SOUND.value, "; ".join(e["message"] for e in errors)
    if any(e.get("comm_fault") for e in errors):
        return ResultOutcome.UNKNOWN.value, (
            "communication failed during an audible command, so "
            "whether it sounded is unknown: " + errors[0]["message"]
        )
    if errors:
        return ResultOutcome.ERROR.value, "; ".join(e["message"] for e in errors)
    if "skipped_late" in outcomes:
        return ResultOutcome.FAIL.value, "steps skipped: later than the late allowance"
    final = result.get("final_error") or {}
    if final:
        return ResultOutcome.UNKNOWN.value, f"final status not read: {final.get('message')}"
    return ResultOutcome.FAIL.value, "still sounding after the programme ended"


class Executor:
    def __init__(self, db: Any, worker: str, clock: Any, *, audit: Any = None) -> None:
        self.db = db
        self.worker = worker
        self.clock = clock
        self.audit = audit

    def _guard(self, wo_id: int) -> Callable[[], bool]:
        return lambda: renew_lease(
            self.db, wo_id, self.worker, _dt(self.clock), commit_irreversible=True
        )

    async def run(self, jobs: list[Job]) -> list[Outcome]:
        from sirenctl.drivers.modbus_link import quiet_pymodbus_logs
        from sirenctl.drivers.pool import LinkPool

        quiet_pymodbus_logs()
        live = {job.wo_id for job in jobs}
        renewer = asyncio.create_task(self._renew(live))
        try:
            async with LinkPool() as pool:
                return list(await asyncio.gather(*(self._one(job, pool, live) for job in jobs)))
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer

    async def _renew(self, live: set[int]) -> None:
        while live:
            await asyncio.sleep(RENEW_EVERY_S)
            for wo_id in list(live):
                if not await asyncio.to_thread(
                    renew_lease, self.db, wo_id, self.worker, _dt(self.clock)
                ):
                    live.discard(wo_id)

    async def _one(self, job: Job, pool: Any, live: set[int]) -> Outcome:
        from sirenctl.drivers.errors import DriverError
        from sirenctl.drivers.pool import open_driver

        started = _dt(self.clock)
        try:
            if job.refusal:
                return await asyncio.to_thread(self._refuse, job, _dt(self.clock), job.refusal)
            if job.error:
                return await self._finish(job, started, ResultOutcome.ERROR.value, job.error)
            try:
                driver = open_driver(
                    job.endpoint, pool, tag=job.tag, audit=self.audit, clock=self.clock
                )
            except DriverError as exc:
                return await self._finish(job, started, ResultOutcome.ERROR.value, str(exc))
            if job.task == "silent_test":
                return await self._silent(job, driver, started)
            return await self._sound(job, driver, started)
        finally:
            live.discard(job.wo_id)

    async def _silent(self, job: Job, driver: Any, started: datetime) -> Outcome:
        from sirenctl.drivers.errors import DriverError

        try:
            res = await driver.silent_test()
        except DriverError as exc:
            if exc.comm_fault:
                return await self._finish(
                    job,
                    started,
                    ResultOutcome.UNREACHABLE.value,
                    str(exc),
                    error=exc.to_dict(),
                    retry=True,
                )
            return await self._finish(
                job, started, ResultOutcome.ERROR.value, str(exc), error=exc.to_dict()
            )
        status = res.status
        faults = status.faults()
        passed = res.passed and not faults
        note = f"self-test {res.result}" + (f"; faults: {', '.join(faults)}" if faults else "")
        measurements = {
            "battery_volts": status.battery_volts,
            "mains_present": status.mains_present,
            "door_open": status.door_open,
            "self_test": res.result,
            "faults": faults,
        }
        return await self._finish(
            job,
            started,
            (ResultOutcome.PASS if passed else ResultOutcome.FAIL).value,
            note,
            measurements=measurements,
            echo=res.activation.to_dict(),
        )

    async def _sound(self, job: Job, driver: Any, started: datetime) -> Outcome:
        from sirenctl.drivers.programme import play_programme

        def authority() -> str | None:
            return recheck_before_send(self.db, job.wo_id, job.steps)

        guarded = GuardedDriver(driver, self._guard(job.wo_id), authority)
        try:
            result = (
                await play_programme(
                    guarded, job.steps, job.permit, self.clock, late_allowance=60.0
                )
            ).to_dict()
        except ValueError as exc:  # steps the controller cannot play (signal not configured)
            return await self._finish(job, started, ResultOutcome.ERROR.value, str(exc))
        steps = result["steps"]
        if steps and steps[0]["outcome"] == "refused" and "claim" in str(steps[0].get("error")):
            return Outcome(job.wo_id, job.tag, "lost", "", "claim lost before anything was sent")
        outcome, note = programme_outcome(result)
        echo = {
            "steps": [
                {
                    "index": s["index"],
                    "signal_code": s["signal_code"],
                    "outcome": s["outcome"],
                    "echo": s["echo"],
                }
                for s in steps
            ]
        }
        return await self._finish(
            job,
            started,
            outcome,
            note,
            echo=echo,
            measurements={"final_status": result.get("final_status")},
        )

    def _refuse(self, job: Job, now: datetime, reason: str) -> Outcome:
        """No valid two-person approval: nothing is sent; refused, with an alarm."""
        from sirenctl.audit import record

        with self.db.transaction() as session:
            wo = session.get(WorkOrder, job.wo_id, with_for_update=True)
            if wo is not None and wo.status == S.RUNNING.value and wo.claimed_by == self.worker:
                wo.status, wo.claimed_by, wo.lease_until = S.REFUSED.value, None, None
                wo.outcome_note = reason[:2000]
            record(
                session,
                operator="scheduler",
                action="workorder.refuse",
                object_type="work_order",
                object_ref=str(job.wo_id),
                outcome="alarm",
                message=reason,
                at=now,
            )
        return Outcome(job.wo_id, job.tag, "refused", S.REFUSED.value, reason)

    async def _finish(
        self,
        job: Job,
        started: datetime,
        outcome: str,
        note: str,
        *,
        retry: bool = False,
        **data: Any,
    ) -> Outcome:
        return await asyncio.to_thread(
            self._write, job, started, _dt(self.clock), outcome, note, retry, data
        )

    def _write(
        self,
        job: Job,
        started: datetime,
        finished: datetime,
        outcome: str,
        note: str,
        retry: bool,
        data: dict[str, Any],
    ) -> Outcome:
        from sirenctl.audit import record

        with self.db.transaction() as session:
            wo = session.get(WorkOrder, job.wo_id, with_for_update=True)
            if wo is None or wo.status != S.RUNNING.value or wo.claimed_by != self.worker:
                record(
                    session,
                    operator="scheduler",
                    action="workorder.lost",
                    object_type="work_order",
                    object_ref=str(job.wo_id),
                    outcome="alarm",
                    at=finished,
                    message=f"result {outcome} of {self.worker} not applied: claim lost",
                )
                return Outcome(job.wo_id, job.tag, "lost", wo.status if wo else "", "claim lost")
            asset = session.get(Asset, wo.asset_id)
            assert asset is not None
            next_try = finished + RETRY_BACKOFF * (2 ** (wo.attempts - 1))
            again = retry and wo.attempts < MAX_SELF_TEST_ATTEMPTS and next_try < wo.window_end_at
            record_result(
                session,
                asset,
                wo,
                ResultData(
                    outcome,
                    started,
                    finished,
                    measurements=data.get("measurements"),
                    echo=data.get("echo")
                    or ({"error": data["error"]} if data.get("error") else None),
                    notes=note,
                ),
                kind=wo.task,
                final=not again,
            )
            wo.claimed_by, wo.lease_until = None, None
            if again:
                wo.status, wo.next_attempt_at = S.PLANNED.value, next_try
                wo.outcome_note = (
                    f"attempt {wo.attempts} {outcome}; next at {next_try:%H:%M:%S} UTC"
                )
                return Outcome(job.wo_id, job.tag, "retry", wo.status, wo.outcome_note)
            if outcome == ResultOutcome.PASS.value:
                wo.status = S.DONE.value
            elif outcome == ResultOutcome.UNKNOWN.value:
                wo.status = S.UNKNOWN.value
                record(
                    session,
                    operator="scheduler",
                    action="workorder.unknown",
                    object_type="work_order",
                    object_ref=str(wo.id),
                    outcome="alarm",
                    message=note,
                    at=finished,
                )
            else:
                wo.status = S.FAILED.value
            wo.finished_at, wo.outcome_note = finished, note[:2000]
            return Outcome(job.wo_id, job.tag, outcome, wo.status, note)


def execute(
    db: Any,
    wo_ids: list[int],
    *,
    worker: str,
    clock: Any,
    operator: str = "scheduler",
    schedules_dir: Path | str | None = None,
    timeout: float | None = 2.0,
) -> list[Outcome]:
    """Run claimed work orders to completion (blocking); returns one outcome per work order."""
    from sirenctl.devices import AuditWriter

    if not wo_ids:
        return []
    jobs = prepare_jobs(db, wo_ids, schedules_dir=schedules_dir, timeout=timeout, now=clock.now())
    return asyncio.run(Executor(db, worker, clock, audit=AuditWriter(db, operator)).run(jobs))
