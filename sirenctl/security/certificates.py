"""Account certificates: an administrator's signature over an account's login, roles and key.

The chain of certificates must end at the first administrator, whose self-signed key is the
pinned trust anchor (sirenctl/security/anchor.py). Roles are trusted only as certified, so
adding "approver" to a row with a SQL tool grants nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sirenctl.identity import Role
from sirenctl.models.accounts import OperatorAccount
from sirenctl.security import keys
from sirenctl.security.anchor import Anchor

MAX_CHAIN = 16


def certificate_payload(
    account: OperatorAccount, certified_by: int, at: datetime
) -> dict[str, Any]:
    return {
        "v": 1,
        "purpose": "sirenctl account certificate",
        "account": account.id,
        "login": account.login,
        "roles": sorted(account.role_values),
        "public_key": account.public_key,
        "key_id": account.key_id,
        "certified_by": certified_by,
        "certified_at": at.isoformat(),
    }


def certify(account: OperatorAccount, certifier: OperatorAccount, key: Any, at: datetime) -> None:
    """Sign ``account`` with the certifier's unlocked key (the caller checked the role)."""
    account.certified_by, account.certified_at = certifier.id, at
    account.certificate = keys.sign(key, certificate_payload(account, certifier.id, at))


@dataclass(frozen=True)
class Trust:
    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def trust_of(session: Session, account: OperatorAccount, anchor: Anchor | None) -> Trust:
    """Whether ``account``'s certificate chain leads to the anchor (and why not)."""
    if anchor is None:
        return Trust(False, "no trust anchor is pinned for this database (sirenctl init)")
    seen: set[int] = set()
    current = account
    for _ in range(MAX_CHAIN):
        if current.disabled_at is not None:
            return Trust(False, f"account {current.login} is disabled")
        if (
            current.certificate is None
            or current.certified_by is None
            or current.certified_at is None
        ):
            return Trust(False, f"account {current.login} has no certificate")
        certifier = (
            current
            if current.certified_by == current.id
            else session.get(OperatorAccount, current.certified_by)
        )
        if certifier is None:
            return Trust(False, f"the certifier of account {current.login} does not exist")
        payload = certificate_payload(current, certifier.id, current.certified_at)
        if not keys.verify(certifier.public_key, current.certificate, payload):
            return Trust(False, f"the certificate of account {current.login} is not valid")
        if Role.ADMINISTRATOR.value not in certifier.role_values:
            return Trust(False, f"account {current.login} was certified by a non-administrator")
        if certifier.id == current.id:  # self-signed: must be the pinned first administrator
            if current.key_id != anchor.key_id:
                return Trust(
                    False,
                    f"account {current.login} is self-certified but its key is not the pinned "
                    "trust anchor",
                )
            return Trust(True)
        if certifier.id in seen:
            return Trust(False, "the certificate chain loops")
        seen.add(current.id)
        current = certifier
    return Trust(False, "the certificate chain is too long")
