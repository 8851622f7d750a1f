"""Walking the audit chain: the first broken, missing or reordered record, and the head.

Verification reads every record in ``seq`` order and recomputes its hash
(sirenctl/audit_chain.py); with a checkpoint (sirenctl/audit_checkpoint.py) it also compares
each record up to the checkpoint's head with the checkpoint's marks, so a chain that was
edited and then recomputed, or cut short, is detected too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sirenctl.audit_chain import ChainHead, chain_head, genesis_hash, record_fields, record_hash
from sirenctl.audit_checkpoint import Checkpoint, make_checkpoint
from sirenctl.db import Database
from sirenctl.models.audit import AuditEvent

BATCH = 2000


class Problem(StrEnum):
    EDITED = "edited"  # the content no longer matches the record's own hash
    BROKEN_LINK = "broken_link"  # prev_hash is not the previous record's hash
    MISSING = "missing"  # a seq is missing (records deleted)
    REORDERED = "reordered"  # ids do not rise with seq
    UNCHAINED = "unchained"  # a record without a place in the chain
    REWRITTEN = "rewritten"  # differs from the checkpoint (history recomputed)
    TRUNCATED = "truncated"  # the checkpoint's head is beyond the database's head
    OTHER_DATABASE = "other_database"  # the checkpoint belongs to another database


@dataclass(frozen=True)
class ChainFault:
    problem: Problem
    seq: int | None
    record_id: int | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "problem": self.problem.value,
            "seq": self.seq,
            "id": self.record_id,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class VerifyReport:
    database_id: str
    records: int
    head_seq: int
    head_hash: str
    head_at: datetime | None
    fault: ChainFault | None
    checkpoint: Checkpoint | None = None
    #: command ids recorded as intents that have no result (a run killed or lost mid-send)
    open_intents: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.fault is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "database_id": self.database_id,
            "records": self.records,
            "head": {
                "seq": self.head_seq,
                "hash": self.head_hash,
                "at": self.head_at.isoformat() if self.head_at else None,
            },
            "fault": self.fault.to_dict() if self.fault else None,
            "checkpoint": (
                {"seq": self.checkpoint.seq, "hash": self.checkpoint.hash}
                if self.checkpoint
                else None
            ),
            "open_intents": self.open_intents,
        }


def _rows(session: Session) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.seq > last)
                .order_by(AuditEvent.seq)
                .limit(BATCH)
                .execution_options(populate_existing=True)
            )
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].seq or last
        session.expunge_all()


def verify_chain(db: Database, checkpoint: Checkpoint | None = None) -> VerifyReport:
    """Walk the whole chain; stop at the first fault."""
    with db.session() as session:
        head = chain_head(session.connection())
        walk = _Walk(head, checkpoint)
        unchained = session.scalar(
            select(AuditEvent.id).where(AuditEvent.seq.is_(None)).order_by(AuditEvent.id).limit(1)
        )
        if head.genesis != genesis_hash(head.database_id):
            walk.fault = ChainFault(
                Problem.BROKEN_LINK,
                None,
                None,
                f"the chain's genesis does not belong to database {head.database_id}: audit_chain was edited",
            )
        elif checkpoint is not None and checkpoint.database_id != head.database_id:
            walk.fault = ChainFault(
                Problem.OTHER_DATABASE,
                None,
                None,
                f"the checkpoint is of database {checkpoint.database_id}, this is database {head.database_id}",
            )
        else:
            for ev in _rows(session):
                if not walk.step(ev):
                    break
            walk.finish()
        if walk.fault is None and unchained is not None:
            walk.fault = ChainFault(
                Problem.UNCHAINED,
                None,
                unchained,
                f"record id {unchained} has no seq or hash: it was not written by sirenctl",
            )
        records = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return VerifyReport(
        head.database_id,
        records,
        walk.seq,
        walk.prev,
        walk.last_at,
        walk.fault,
        checkpoint,
        sorted(walk.intents),
    )


class _Walk:
    def __init__(self, head: ChainHead, checkpoint: Checkpoint | None) -> None:
        self.checkpoint = checkpoint
        self.seq = 0
        self.prev = head.genesis
        self.last_id = 0
        self.last_at: datetime | None = None
        self.fault: ChainFault | None = None
        self.intents: set[str] = set()

    def _fail(self, problem: Problem, ev: AuditEvent | None, detail: str) -> bool:
        self.fault = ChainFault(problem, ev.seq if ev else None, ev.id if ev else None, detail)
        return False

    def step(self, ev: AuditEvent) -> bool:
        expected = self.seq + 1
        if ev.seq != expected:
            return self._fail(
                Problem.MISSING,
                ev,
                f"records seq {expected}..{(ev.seq or expected) - 1} are missing before this record",
            )
        if ev.id <= self.last_id:
            return self._fail(
                Problem.REORDERED,
                ev,
                f"id {ev.id} comes after id {self.last_id} in the chain: records were reordered",
            )
        if ev.prev_hash != self.prev:
            return self._fail(
                Problem.BROKEN_LINK,
                ev,
                "prev_hash {got} is not the hash of the record before it ({want})".format(
                    got=(ev.prev_hash or "none")[:16], want=self.prev[:16]
                ),
            )
        digest = record_hash(record_fields(ev))
        if digest != ev.hash:
            return self._fail(
                Problem.EDITED,
                ev,
                "its content does not match its hash (stored {got}, content {want}): "
                "the record was edited".format(got=(ev.hash or "none")[:16], want=digest[:16]),
            )
        cp = self.checkpoint
        if cp is not None and ev.seq <= cp.seq:
            mark = cp.mark(ev.seq)
            if mark != digest[: len(mark or "")] or (ev.seq == cp.seq and digest != cp.hash):
                return self._fail(
                    Problem.REWRITTEN,
                    ev,
                    "its hash {got} differs from the checkpoint's {want} ({label}): the "
                    "history up to the checkpoint was rewritten from this record on".format(
                        got=digest[:16],
                        want=(cp.hash if ev.seq == cp.seq else mark or "")[:16],
                        label=cp.label,
                    ),
                )
        self._track_intent(ev)
        self.seq, self.prev, self.last_id, self.last_at = ev.seq, digest, ev.id, ev.at
        return True

    def _track_intent(self, ev: AuditEvent) -> None:
        if not ev.action.startswith("command.") or not isinstance(ev.after, dict):
            return
        command_id = ev.after.get("command_id")
        if not isinstance(command_id, str):
            return
        if ev.outcome == "intent":
            self.intents.add(command_id)
        else:
            self.intents.discard(command_id)

    def finish(self) -> None:
        cp = self.checkpoint
        if self.fault is None and cp is not None and cp.seq > self.seq:
            self.fault = ChainFault(
                Problem.TRUNCATED,
                self.seq + 1,
                None,
                f"the checkpoint ({cp.label}) has records up to seq {cp.seq} but the database "
                f"ends at seq {self.seq}: records seq {self.seq + 1}..{cp.seq} were removed",
            )


def take_checkpoint(db: Database) -> Checkpoint:
    """The chain's head and a mark of every record (the chain is verified first)."""
    report = verify_chain(db)
    if report.fault is not None:
        raise ChainBroken(report)
    hashes: list[str] = []
    head_id: int | None = None
    with db.session() as session:
        for ev in _rows(session):
            if ev.seq is not None and ev.seq > report.head_seq:
                break
            hashes.append(ev.hash or "")
            head_id = ev.id
    return make_checkpoint(
        report.database_id, report.head_seq, report.head_hash, head_id, report.head_at, hashes
    )


class ChainBroken(RuntimeError):
    def __init__(self, report: VerifyReport) -> None:
        super().__init__(report.fault.detail if report.fault else "audit chain broken")
        self.report = report
