"""The bundle of plain-Python services the TUI is given (no Textual code).

Tests and the benchmark build one with a fixed clock and a seeded database; ``sirenctl tui``
builds one from the CLI context. Optional parts (agenda, devices) plug in when their layers
are available; screens show what is missing instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sirenctl.db import Database
from sirenctl.identity import Actor
from sirenctl.services.operator import actor_for_operator
from sirenctl.timeutil import Clock, utcnow
from sirenctl.tui.data import RegistryService

if TYPE_CHECKING:
    from sirenctl.tui.agenda_data import AgendaService
    from sirenctl.tui.devices import DeviceService


@dataclass
class Services:
    db: Database
    operator: str
    clock: Clock = utcnow
    registry: RegistryService = field(init=False)
    agenda: AgendaService | None = None
    devices: DeviceService | None = None
    #: seconds between the end of one status sweep and the start of the next
    poll_interval: float = 5.0
    #: clock of device commands and timing guides (sirenctl.drivers.clock); None: real time
    device_clock: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.registry = RegistryService(self.db, self.operator, self.clock)

    def now(self) -> datetime:
        return self.clock()

    @property
    def actor(self) -> Actor:
        """The acting person the services are given (sirenctl/services/operator.py)."""
        return actor_for_operator(self.operator, self.db)

    def timer(self) -> Any:
        """The device/timing clock (real time unless a test or the demo injected one)."""
        if self.device_clock is None:
            from sirenctl.drivers.clock import RealClock

            self.device_clock = RealClock()
        return self.device_clock
