"""Permits for audible commands.

A driver refuses every audible command (any sounding, including growl tests) unless it
is given a :class:`Permit` that names the target and has not expired. Permits can only be
made through the explicit constructors below; *who* may call them is the registry's
decision (bench assets get bench permits; live sirens need two different people, or a
logged single-person emergency path with a reason).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from .errors import RefusedForSafety
from .problems import DriverProblem as P
from .problems import DriverText

PermitMode = Literal["bench", "authorised", "emergency"]
_KEY = object()
MAX_VALIDITY_S = 24 * 3600.0


def _tags(tags: str | Iterable[str]) -> frozenset[str]:
    out = frozenset([tags]) if isinstance(tags, str) else frozenset(tags)
    if not out or any(not t or not isinstance(t, str) for t in out):
        raise ValueError(DriverText(P.PERMIT_NO_TARGET))
    return out


def _validity(valid_for: float) -> float:
    if not 0 < valid_for <= MAX_VALIDITY_S:
        raise ValueError(DriverText(P.PERMIT_VALIDITY, valid_for=valid_for, most=MAX_VALIDITY_S))
    return valid_for


@dataclass(frozen=True)
class Permit:
    """Authorisation for audible commands to the named targets until ``expires_at`` (epoch s)."""

    mode: PermitMode
    targets: frozenset[str]
    issued_at: float
    expires_at: float
    approved_by: str | None = None
    planner: str | None = None
    reason: str = ""
    _key: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._key is not _KEY:
            raise TypeError(
                "Permit cannot be constructed directly; use Permit.for_bench(), "
                "Permit.authorised() or Permit.emergency()"
            )

    @classmethod
    def for_bench(
        cls, tags: str | Iterable[str], *, valid_for: float = 1800.0, now: float | None = None
    ) -> Permit:
        """A permit for bench assets (the caller has checked that the targets are bench assets)."""
        issued = time.time() if now is None else now
        return cls(
            "bench", _tags(tags), issued, issued + _validity(valid_for), reason="bench", _key=_KEY
        )

    @classmethod
    def authorised(
        cls,
        tags: str | Iterable[str],
        approved_by: str,
        planner: str,
        reason: str,
        *,
        valid_for: float = 1800.0,
        now: float | None = None,
    ) -> Permit:
        """A permit for live sirens, approved by a second person who is not the planner."""
        if not approved_by or not planner:
            raise ValueError(DriverText(P.PERMIT_PEOPLE))
        if approved_by.strip().casefold() == planner.strip().casefold():
            raise ValueError(DriverText(P.PERMIT_SAME_PERSON))
        if not reason.strip():
            raise ValueError(DriverText(P.PERMIT_REASON))
        issued = time.time() if now is None else now
        return cls(
            "authorised",
            _tags(tags),
            issued,
            issued + _validity(valid_for),
            approved_by=approved_by,
            planner=planner,
            reason=reason,
            _key=_KEY,
        )

    @classmethod
    def emergency(
        cls,
        tags: str | Iterable[str],
        by: str,
        reason: str,
        *,
        valid_for: float = 900.0,
        now: float | None = None,
    ) -> Permit:
        """Single-person emergency permit; the reason is mandatory and is audited."""
        if not by or not reason.strip():
            raise ValueError(DriverText(P.EMERGENCY_NEEDS))
        issued = time.time() if now is None else now
        return cls(
            "emergency",
            _tags(tags),
            issued,
            issued + _validity(valid_for),
            approved_by=by,
            planner=by,
            reason=reason,
            _key=_KEY,
        )

    def check(self, target: str, now: float | None = None) -> None:
        """Raise :class:`RefusedForSafety` unless this permit covers ``target`` at ``now``."""
        t = time.time() if now is None else now
        if target not in self.targets:
            raise RefusedForSafety(
                DriverText(
                    P.PERMIT_OTHER_TARGET,
                    mode=self.mode,
                    targets=", ".join(sorted(self.targets)),
                    target=target,
                ),
                target=target,
            )
        if t >= self.expires_at:
            raise RefusedForSafety(
                DriverText(P.PERMIT_EXPIRED, mode=self.mode, ago=t - self.expires_at),
                target=target,
            )
        if t < self.issued_at - 300:
            raise RefusedForSafety(DriverText(P.PERMIT_FUTURE), target=target)

    def to_dict(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "targets": sorted(self.targets),
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
            "approved_by": self.approved_by,
            "planner": self.planner,
            "reason": self.reason,
        }


def require_permit(
    permit: Permit | None, target: str, what: str, now: float | None = None
) -> Permit:
    """Check that an audible command ``what`` may go to ``target``; return the permit."""
    if permit is None:
        raise RefusedForSafety(DriverText(P.NO_PERMIT, what=what), target=target)
    if not isinstance(permit, Permit):
        raise RefusedForSafety(
            DriverText(P.NOT_A_PERMIT, what=what, type=type(permit).__name__), target=target
        )
    permit.check(target, now)
    return permit
