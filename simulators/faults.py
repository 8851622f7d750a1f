"""Per-device fault injection and the text form used by ``sirenctl sim run --faults``.

Text form: ``TAG=FAULT[:ARG][+FAULT[:ARG]...]`` items separated by commas, e.g.
``T03=silent,T04=slow:2.5,T05=crc+door_open,T06=battery:22.1``.

Communication faults: silent, slow:SECONDS, crc, garble, drop, wrong_unit, stale_echo,
ignore_write (acknowledges writes without storing them), lose_ack (executes writes but
their reply is lost: the outcome is unknown to the caller), wrong_tid (TCP: replies carry
another transaction id, like a late reply to an earlier request), exception (command writes
are answered with Modbus exception 4, device failure, and not executed), die_on_write (a
command write is executed, then the unit goes dead: TCP drops the connection and refuses new
ones, an RS-485 unit falls silent; its acknowledgement and any later read are lost).
Siren-state faults (set at start, also settable at run time on the controller):
mains_fail, door_open, rotation_fault, amplifier_fault, battery:VOLTS.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

COMM_FAULTS = (
    "silent",
    "slow",
    "crc",
    "garble",
    "drop",
    "wrong_unit",
    "stale_echo",
    "ignore_write",
    "lose_ack",
    "wrong_tid",
    "exception",
    "die_on_write",
)
STATE_FAULTS = ("mains_fail", "door_open", "rotation_fault", "amplifier_fault", "battery")
_WITH_ARG = {"slow": 1.0, "battery": None}


@dataclass
class Faults:
    silent: bool = False
    slow: float = 0.0  # seconds of delay before answering
    crc: bool = False
    garble: bool = False
    drop: bool = False
    wrong_unit: bool = False
    stale_echo: bool = False
    ignore_write: bool = False  # writes acknowledged but not stored (read-back differs)
    lose_ack: bool = False  # writes executed, their replies lost
    wrong_tid: bool = False  # Modbus/TCP replies carry another transaction id
    exception: bool = False  # command writes answered with exception 4, not executed
    die_on_write: bool = False  # a command write executes, then the unit is dead
    mains_fail: bool = False
    door_open: bool = False
    rotation_fault: bool = False
    amplifier_fault: bool = False
    battery: float | None = None  # start battery voltage

    def active(self) -> list[str]:
        out = []
        for f in fields(self):
            v = getattr(self, f.name)
            if v is True:
                out.append(f.name)
            elif f.name in _WITH_ARG and v not in (None, 0.0, False):
                out.append(f"{f.name}:{v:g}")
        return out

    def __str__(self) -> str:
        return "+".join(self.active()) or "none"


def parse_one(text: str, where: str = "fault") -> Faults:
    """Parse ``silent+slow:2`` into :class:`Faults`."""
    f = Faults()
    for part in filter(None, (p.strip() for p in text.split("+"))):
        name, _, arg = part.partition(":")
        name = name.strip().lower().replace("-", "_")
        if name not in COMM_FAULTS and name not in STATE_FAULTS:
            raise ValueError(
                f"{where}: unknown fault {name!r}; known: {', '.join(COMM_FAULTS + STATE_FAULTS)}"
            )
        if name in _WITH_ARG:
            if not arg and _WITH_ARG[name] is None:
                raise ValueError(f"{where}: {name} needs a value, e.g. {name}:22.5")
            try:
                value = float(arg) if arg else float(_WITH_ARG[name] or 0)
            except ValueError:
                raise ValueError(f"{where}: {name}:{arg} is not a number") from None
            if value < 0 or (name == "slow" and value > 120) or (name == "battery" and value > 40):
                raise ValueError(f"{where}: {name}:{arg} is out of range")
            setattr(f, name, value)
        else:
            if arg:
                raise ValueError(f"{where}: {name} takes no value")
            setattr(f, name, True)
    return f


def parse_fault_spec(text: str, known_tags: list[str] | None = None) -> dict[str, Faults]:
    """Parse ``"T03=silent,T04=slow:2.5"``; errors name the item and what is wrong."""
    out: dict[str, Faults] = {}
    for i, item in enumerate(filter(None, (x.strip() for x in (text or "").split(","))), 1):
        tag, eq, spec = item.partition("=")
        tag = tag.strip()
        where = f"--faults item {i} ({item!r})"
        if not eq or not tag or not spec.strip():
            raise ValueError(f"{where}: expected TAG=FAULT[:ARG][+FAULT...]")
        if known_tags is not None and tag not in known_tags:
            raise ValueError(f"{where}: unknown tag {tag!r}")
        if tag in out:
            raise ValueError(f"{where}: {tag} given twice; combine faults with '+'")
        out[tag] = parse_one(spec, where)
    return out
