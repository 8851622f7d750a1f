"""At T: a committed order's programme played (or its self-test run), bench identity checked
first, progress reported (sirenctl/scheduling/executor.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sirenctl.i18n import _
from sirenctl.models.scheduling import ResultOutcome
from sirenctl.scheduling.instant import (
    Guarded,
)
from sirenctl.scheduling.outcomes import Outcome, Verdict, classify, done, programme_verdict
from sirenctl.scheduling.prepare import Job

if TYPE_CHECKING:
    from sirenctl.drivers.base import SirenDriver
from sirenctl.scheduling.run_state import (
    PROGRESS_UNITS,
    ExecutorState,
    connection_of,
)


class Firing(ExecutorState):
    async def _silent(self, job: Job, driver: Any, started: datetime) -> None:
        from sirenctl.drivers.errors import DriverError

        await self._until(job.due_at.timestamp())
        if self.registry.stopping.is_set():  # before its self-test was sent: hand it back
            self._unsent.append(job.wo_id)
            return
        try:
            res = await driver.silent_test()
        except DriverError as exc:
            self._done(job, started, classify(exc, sent=exc.sent), error=exc.to_dict())
            return
        status = res.status
        faults = status.faults()
        note = f"self-test {res.result}" + (f"; faults: {', '.join(faults)}" if faults else "")
        verdict = (
            done(note)
            if res.passed and not faults
            else Verdict(Outcome.FAILED, ResultOutcome.FAIL, note)
        )
        measurements = {
            "battery_volts": status.battery_volts,
            "mains_present": status.mains_present,
            "door_open": status.door_open,
            "self_test": res.result,
            "faults": faults,
        }
        self._done(job, started, verdict, measurements=measurements, echo=res.activation.to_dict())

    async def _sound(self, job: Job, driver: Any, started: datetime) -> None:
        from sirenctl.drivers.programme import play_programme
        from sirenctl.security.approval_check import recheck_before_send

        def authority() -> str | None:
            return recheck_before_send(self.db, job.wo_id, job.steps)

        if job.bench is not None and not await self._bench_proven(job, driver, started):
            return
        guarded = Guarded(driver, lambda: job.wo_id in self.owned, authority)
        try:
            result = await play_programme(
                cast("SirenDriver", guarded),  # Guarded stands in for the driver it wraps
                job.steps,
                job.permit,
                self.clock,
                late_allowance=job.late_allowance,
                registry=self.registry,
                start_at=job.due_at.timestamp(),
                on_step=self._on_step,
            )
        except ValueError as exc:  # steps the controller cannot play (signal not configured)
            self._done(job, started, Verdict(Outcome.FAILED, ResultOutcome.ERROR, str(exc)))
            return
        verdict = programme_verdict(result)
        if verdict.outcome is Outcome.REFUSED and "claim" in verdict.message:
            self._done(job, started, verdict, lost=True)
            return
        echo = {
            "steps": [
                {
                    "index": s.index,
                    "signal_code": s.step.signal_code,
                    "outcome": s.outcome,
                    "planned_at": s.planned_at,
                    "sent_at": s.started_at,
                    "echo": s.echo,
                }
                for s in result.steps
            ]
        }
        final = result.final_status.to_dict() if result.final_status else None
        self._done(
            job,
            started,
            verdict,
            echo=echo,
            measurements={"final_status": final},
            stopped_by_operator=self.stopped_by_operator if result.stopped_by else None,
        )

    async def _bench_proven(self, job: Job, driver: Any, started: datetime) -> bool:
        """Read the bench unit's identity block before anything audible (services.bench); a
        mismatch or no answer refuses the order with an alarm (workorder.refuse), nothing sent."""
        from sirenctl.bench_guard import BenchNotProven, prove_bench_unit
        from sirenctl.drivers.errors import DriverError

        try:
            problem, read_on = self._proven.pop(job.wo_id, (None, None))
            if read_on is not None and read_on == connection_of(driver):
                if problem is not None:  # read before T, on the connection the command takes
                    raise problem
            else:  # not read ahead, or the link reconnected since: read it now
                await prove_bench_unit(driver, job.bench)
        except (BenchNotProven, DriverError) as exc:
            reason = f"bench unit not proven on the wire, nothing sent: {exc}"
            self._done(
                job,
                started,
                Verdict(Outcome.REFUSED, ResultOutcome.ERROR, reason),
                refused_authority=True,
            )
            return False
        return True

    def _on_step(self, tag: str, index: int, total: int, name: str, left: float) -> None:
        if self.progress is None:
            return
        if self._jobs <= PROGRESS_UNITS:
            self.progress(
                _("{tag}: step {index}/{total} {name} playing, {left:.0f} s left").format(
                    tag=tag, index=index, total=total, name=name, left=left
                )
            )
            return
        key = (index, total, name)  # a large run: one line per step, not one per unit
        self._playing[key] = self._playing.get(key, 0) + 1
        if self._playing[key] == 1:
            self.progress(
                _(
                    "step {index}/{total} {name} playing on the first unit, {left:.0f} s left"
                ).format(index=index, total=total, name=name, left=left)
            )
