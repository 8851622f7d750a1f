"""Live activation of sirens, beyond scheduled tests (issue 11 item 5, DESIGN §5 and §8).

Two modes, always explicit and recorded on every command and result:

* **exercise**: planned by one authenticated person, approved by a second authenticated person
  with the approver role (:func:`authorise_activation`).
* **emergency**: one authenticated person with a mandatory reason. It is first *armed*
  (loud audit record, notification hook) and can then fire only within the armed window
  (default 255 s, as Federal Signal's SS2000); firing sends at once; disarming is one step.

Nothing here sends on start, restart or reconnect: commands leave only from :func:`fire`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sirenctl.i18n import L_, as_text
from sirenctl.identity import Actor, Role

if TYPE_CHECKING:
    from sirenctl.db import Database
    from sirenctl.drivers.audit import CommandRecord
    from sirenctl.drivers.clock import Clock
    from sirenctl.drivers.endpoint import Endpoint
    from sirenctl.drivers.permit import Permit
    from sirenctl.drivers.programme import ProgrammeResult
    from sirenctl.scheduling.programmes import Programme
    from sirenctl.security.authn import Prompt

DEFAULT_ARM_SECONDS = 255.0
NOTIFY_COMMAND_ENV = "SIRENCTL_ACTIVATION_NOTIFY_COMMAND"
NOTIFY_URL_ENV = "SIRENCTL_ACTIVATION_NOTIFY_URL"


class ActivationMode(StrEnum):
    EXERCISE = "exercise"
    EMERGENCY = "emergency"


class ActivationRefused(PermissionError):
    """Not authorised, not armed, or the arming window has passed: nothing was sent."""


@dataclass(frozen=True)
class Activation:
    """An authorised activation: who, what, where, and (emergency) until when it may fire."""

    id: str
    mode: ActivationMode
    tags: tuple[str, ...]
    programme: str
    reason: str
    planner: str
    approver: str | None
    permit: Permit
    endpoints: dict[str, Endpoint]
    armed_at: float
    fire_by: float  # epoch seconds; after this the activation must be armed again

    def describe(self) -> str:
        """The banner line, in the interface language (CLI and TUI show the same words)."""
        from sirenctl.i18n import _
        from sirenctl.labels import ACTIVATION_MODE

        return _("LIVE {mode}: {programme} on {count} siren(s): {tags}").format(
            mode=ACTIVATION_MODE.show(self.mode.value),
            programme=self.programme,
            count=len(self.tags),
            tags=", ".join(self.tags),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "activation": self.id,
            "mode": self.mode.value,
            "tags": list(self.tags),
            "programme": self.programme,
            "reason": self.reason,
            "planner": self.planner,
            "approver": self.approver,
            "armed_at": self.armed_at,
            "fire_by": self.fire_by,
        }


@dataclass
class ActivationResult:
    activation: Activation
    results: dict[str, ProgrammeResult] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # units that could not be played at all

    @property
    def cancelled(self) -> bool:
        return any(r.cancelled for r in self.results.values())

    def unit_outcome(self, tag: str) -> str:
        if tag in self.errors:
            return "failed"
        r = self.results[tag]
        if r.cancelled:
            return "cancelled"
        return "done" if r.ok else "failed"

    def to_dict(self) -> dict[str, Any]:
        return self.activation.to_dict() | {
            "units": {
                tag: {
                    "outcome": self.unit_outcome(tag),
                    "error": self.errors.get(tag),
                    "result": self.results[tag].to_dict() if tag in self.results else None,
                }
                for tag in self.activation.tags
            }
        }


def authorise_activation(
    mode: ActivationMode, planner: Actor, approver: Actor | None, reason: str
) -> None:
    """Who may activate live sirens, given people already authenticated (see above).

    Exercise: a second person, an approver, who is not the planner (accounts compared, not
    names). Emergency: one person and a reason.
    """
    if not reason.strip():
        raise ActivationRefused(L_("a reason is required for a live activation; nothing was sent"))
    if mode is ActivationMode.EMERGENCY:
        return
    if approver is None:
        raise ActivationRefused(
            L_(
                "an exercise activation needs a second authenticated person (an "
                "approver); nothing was sent"
            )
        )
    if not approver.has(Role.APPROVER):
        raise ActivationRefused(
            L_("{label} is not an approver; nothing was sent", label=approver.label)
        )
    same = (
        approver.account_id is not None and approver.account_id == planner.account_id
    ) or approver.login == planner.login
    if same:
        raise ActivationRefused(
            L_(
                "the approver must be a different person from the one who plans the "
                "activation; nothing was sent"
            )
        )


def authenticate_requester(
    db: Database, login: str, mode: ActivationMode, *, ask: Prompt | None = None
) -> Actor:
    """The person asking for a live activation, proven now, with the planner role (exercise
    and emergency alike: an emergency is one person, never an unproven one)."""
    from sirenctl.security.authn import authenticate

    purpose = (
        L_("live emergency activation")
        if mode is ActivationMode.EMERGENCY
        else L_("live exercise activation")
    )
    return authenticate(db, login, purpose=purpose, role=Role.PLANNER, ask=ask).actor


def authenticate_approver(db: Database, login: str, *, ask: Prompt | None = None) -> Actor:
    """The second person of an exercise, present now and proven with their own secret
    (sirenctl/security/authn.py ``authenticate_other``); :func:`authorise_activation`
    then checks they are an approver and not the requester."""
    from sirenctl.security.authn import authenticate_other

    purpose = L_("approve a live exercise activation")
    return authenticate_other(db, login, purpose=purpose, role=Role.APPROVER, ask=ask).actor


def _record(
    db: Database, actor: Actor, action: str, activation: Activation | None, **kw: Any
) -> None:
    from sirenctl.audit import record

    with db.transaction() as session:
        record(
            session,
            operator=actor.label,
            action=action,
            object_type="activation",
            object_ref=activation.id if activation else None,
            after=(activation.to_dict() if activation else {}) | kw.pop("after", {}),
            **kw,
        )


def notify(event: str, activation: Activation) -> str | None:
    """Tell someone outside sirenctl (configured command and/or webhook); returns a problem."""
    payload = json.dumps({"event": event} | activation.to_dict(), ensure_ascii=False)
    problems = []
    command = os.environ.get(NOTIFY_COMMAND_ENV)
    if command:
        try:
            subprocess.run(
                command, shell=True, input=payload, text=True, timeout=10, check=True,
                capture_output=True,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            problems.append(f"notify command failed: {exc}")
    url = os.environ.get(NOTIFY_URL_ENV)
    if url:
        import urllib.request

        request = urllib.request.Request(
            url, data=payload.encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except OSError as exc:
            problems.append(f"notify webhook {url} failed: {exc}")
    return "; ".join(problems) or None


def arm(
    db: Database,
    actor: Actor,
    mode: ActivationMode,
    tags: list[str],
    programme: Programme,
    reason: str,
    *,
    approver: Actor | None = None,
    arm_seconds: float = DEFAULT_ARM_SECONDS,
    timeout: float = 2.0,
    now: float | None = None,
) -> Activation:
    """Authorise and arm an activation (nothing is sent). Refusals are recorded too."""
    from sirenctl.devices import endpoint_for
    from sirenctl.drivers.permit import Permit
    from sirenctl.registry.assets import get_asset

    now = time.time() if now is None else now
    if not 1 <= arm_seconds <= 900:
        raise ActivationRefused(
            L_("arm window {arm_seconds:g} s must be 1..900 s", arm_seconds=arm_seconds)
        )
    if not tags:
        raise ActivationRefused(L_("name at least one siren"))
    try:
        authorise_activation(mode, actor, approver, reason)
        if not programme.audible:
            raise ActivationRefused(
                L_("programme {key} is silent; nothing to activate", key=programme.key)
            )
    except ActivationRefused as exc:
        _record(db, actor, "activation.refused", None, outcome="refused", message=str(exc),
                after={"mode": mode.value, "tags": tags, "programme": programme.key})  # fmt: skip
        raise
    with db.session() as session:
        endpoints = {tag: endpoint_for(get_asset(session, tag), timeout=timeout) for tag in tags}
    valid = arm_seconds + programme.total_seconds + 60
    if mode is ActivationMode.EMERGENCY:
        permit = Permit.emergency(tags, actor.label, reason, valid_for=valid, now=now)
    else:
        assert approver is not None
        permit = Permit.authorised(
            tags, approver.label, actor.label, reason, valid_for=valid, now=now
        )
    activation = Activation(
        id=uuid.uuid4().hex[:12],
        mode=mode,
        tags=tuple(tags),
        programme=programme.key,
        reason=reason,
        planner=actor.label,
        approver=approver.label if approver else None,
        permit=permit,
        endpoints=endpoints,
        armed_at=now,
        fire_by=now + arm_seconds,
    )
    loud = mode is ActivationMode.EMERGENCY
    _record(
        db, actor, "activation.armed", activation,
        message=("EMERGENCY ACTIVATION ARMED by one person: " if loud else "exercise armed: ")
        + reason,
    )  # fmt: skip
    problem = notify("armed", activation)
    if problem:
        _record(db, actor, "activation.notify_failed", activation, outcome="error", message=problem)
    return activation


def disarm(db: Database, actor: Actor, activation: Activation, why: str = "cancelled") -> None:
    """One step: the armed activation can no longer fire."""
    _record(db, actor, "activation.disarmed", activation, message=why)
    notify("disarmed", activation)


def _tagged_sink(writer: Callable[[CommandRecord], None], activation: Activation) -> Any:
    def sink(rec: CommandRecord) -> None:
        extra = {"activation": activation.id, "activation_mode": activation.mode.value}
        writer(dataclasses.replace(rec, details=rec.details | extra))

    return sink


async def fire(
    db: Database,
    actor: Actor,
    activation: Activation,
    programme: Programme,
    *,
    clock: Clock | None = None,
    on_step: Callable[[str, Any], None] | None = None,
) -> ActivationResult:
    """Send now to every armed siren at once; cancelling the task stops them all (verified)."""
    from sirenctl.devices import AuditWriter
    from sirenctl.drivers.clock import RealClock
    from sirenctl.drivers.errors import DriverError
    from sirenctl.drivers.modbus_link import quiet_pymodbus_logs
    from sirenctl.drivers.pool import Fleet
    from sirenctl.drivers.programme import play_programme
    from sirenctl.steps import programme_steps

    clock = clock or RealClock()
    if clock.now() > activation.fire_by:
        await asyncio.to_thread(disarm, db, actor, activation, "arming window passed")
        raise ActivationRefused(
            L_(
                ("the arming window closed {value:.0f} s ago: arm again; nothing was sent"),
                value=clock.now() - activation.fire_by,
            )
        )
    await asyncio.to_thread(
        _record, db, actor, "activation.fired", activation,
        message=f"LIVE {activation.mode.value.upper()}: sending now",
    )  # fmt: skip
    quiet_pymodbus_logs()
    steps = programme_steps(programme)
    out = ActivationResult(activation)
    sink = _tagged_sink(AuditWriter(db, actor.label), activation)
    async with Fleet(activation.endpoints, audit=sink, clock=clock) as fleet:

        async def one(tag: str) -> None:
            try:
                out.results[tag] = await play_programme(
                    fleet.driver(tag), steps, activation.permit, clock, stop_on_cancel=True,
                    on_outcome=(lambda oc: on_step(tag, oc)) if on_step else None,
                )  # fmt: skip
            except DriverError as exc:
                out.errors[tag] = as_text(exc)
            except ValueError as exc:  # a signal this model cannot play: refused before sending
                out.errors[tag] = as_text(exc)

        tasks = [asyncio.ensure_future(one(tag)) for tag in activation.tags]
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)  # each sends and verifies stop
            current = asyncio.current_task()
            if current is not None:
                while current.uncancel():
                    pass
    outcome = "ok" if all(out.unit_outcome(t) == "done" for t in activation.tags) else "error"
    await asyncio.to_thread(
        _record, db, actor, "activation.result", activation, outcome=outcome,
        after={"units": {t: out.unit_outcome(t) for t in activation.tags}},
        message="cancelled: stop sent" if out.cancelled else None,
    )  # fmt: skip
    return out
