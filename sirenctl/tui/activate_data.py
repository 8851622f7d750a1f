"""What the LIVE activation screen does, without Textual: the sirens it offers, the request it
checks, the two people it authenticates and the run that fires (sirenctl/services/activation.py,
the same service as ``sirenctl activate``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sirenctl.i18n import _
from sirenctl.identity import Actor
from sirenctl.services.activation import (
    Activation,
    ActivationMode,
    ActivationResult,
    arm,
    authenticate_approver,
    authenticate_requester,
    disarm,
    fire,
)
from sirenctl.tui.bench_data import BenchUnit, networked_units, programme_choices

if TYPE_CHECKING:
    from sirenctl.db import Database
    from sirenctl.scheduling.programmes import Programme


class Stage(StrEnum):
    """Where the screen is: nothing can fire unless it is ARMED and the window is open."""

    IDLE = "idle"
    ARMING = "arming"  # passphrases being checked
    ARMED = "armed"
    FIRING = "firing"
    STOPPING = "stopping"


LiveUnit = BenchUnit  # the same fields: tag, name, site, endpoint


def live_units(db: Database) -> list[LiveUnit]:
    """Networked, not retired, live sirens (bench units belong on the bench screen)."""
    return networked_units(db, bench=False)


def audible_programmes() -> list[Programme]:
    return [p for p in programme_choices() if p.audible]


@dataclass(frozen=True)
class ActivationRequest:
    """What the operator filled in; :meth:`problems` before any passphrase is asked."""

    mode: ActivationMode
    tags: tuple[str, ...]
    programme: Programme | None
    reason: str
    approver: str
    arm_seconds_text: str

    @property
    def arm_seconds(self) -> float:
        return float(self.arm_seconds_text)

    def problems(self, requester: str) -> list[str]:
        found = []
        if not self.tags:
            found.append(_("mark at least one siren (space)"))
        if self.programme is None:
            found.append(_("pick a programme"))
        if not self.reason.strip():
            found.append(_("a reason is required"))
        try:
            if not 1 <= self.arm_seconds <= 900:
                raise ValueError
        except ValueError:
            found.append(_("the arm window must be 1 to 900 seconds"))
        if self.mode is ActivationMode.EXERCISE:
            if not self.approver.strip():
                found.append(_("an exercise needs the approver's login"))
            elif self.approver.strip() == requester:
                found.append(_("the approver must be a different person"))
        return found


@dataclass(frozen=True)
class Armed:
    """An armed activation and the person who armed it (who fires or disarms it)."""

    actor: Actor
    activation: Activation
    programme: Programme


def arm_request(
    db: Database,
    request: ActivationRequest,
    requester: str,
    passphrase: str,
    approver_passphrase: str | None,
    *,
    now: float,
    timeout: float = 2.0,
) -> Armed:
    """Authenticate the requester (and, exercise, the approver) and arm; nothing is sent."""
    assert request.programme is not None
    actor = authenticate_requester(db, requester, request.mode, ask=lambda _p: passphrase)
    approver = None
    if request.mode is ActivationMode.EXERCISE:
        secret = approver_passphrase or ""
        approver = authenticate_approver(db, request.approver.strip(), ask=lambda _p: secret)
    activation = arm(
        db, actor, request.mode, list(request.tags), request.programme, request.reason,
        approver=approver, arm_seconds=request.arm_seconds, timeout=timeout, now=now,
    )  # fmt: skip
    return Armed(actor, activation, request.programme)


def disarm_armed(db: Database, armed: Armed, why: str) -> None:
    disarm(db, armed.actor, armed.activation, why)


@dataclass
class FireRun:
    """One firing on its own event loop (a worker thread), stoppable from the UI thread.

    :meth:`stop` cancels the firing: every siren is sent stop and verified (services.activation
    .fire); stopped before the fleet was reached, nothing was sent and the activation is disarmed.
    """

    db: Database
    armed: Armed
    clock: Any
    on_step: Callable[[str, Any], None]
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False)
    _task: asyncio.Task[Any] | None = field(default=None, init=False)
    _stop: bool = field(default=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def run(self) -> ActivationResult | None:
        """The result, or None when stopped before anything was sent."""
        try:
            return asyncio.run(self._main())
        except asyncio.CancelledError:
            disarm_armed(self.db, self.armed, "stopped before sending")
            return None

    async def _main(self) -> ActivationResult:
        with self._lock:
            self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
            if self._stop:
                raise asyncio.CancelledError
        armed = self.armed
        return await fire(
            self.db, armed.actor, armed.activation, armed.programme, clock=self.clock,
            on_step=self.on_step,
        )  # fmt: skip

    def stop(self) -> None:
        """Once: a second request must not interrupt the stop being sent and verified."""
        with self._lock:
            if self._stop:
                return
            self._stop = True
            if self._loop is not None and self._task is not None and not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._task.cancel)
