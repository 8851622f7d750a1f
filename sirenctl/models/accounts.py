"""Operator accounts (SQLite mode): a login, roles, a passphrase hash and a signing key.

The private key is stored encrypted with a key derived from the passphrase; the public key and
the roles are certified (signed) by an administrator, so a row edited with a SQL tool is
detected (sirenctl/security/certificates.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sirenctl.models.base import Base, JSONDocument, UTCDateTime
from sirenctl.timeutil import utcnow


class OperatorAccount(Base):
    __tablename__ = "operator_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    login_key: Mapped[str] = mapped_column(String(64), unique=True)  # casefolded: no look-alikes
    display_name: Mapped[str | None] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200))  # comma-separated Role values, sorted
    passphrase_hash: Mapped[str] = mapped_column(Text)  # argon2id, parameters included
    public_key: Mapped[str] = mapped_column(String(64))  # Ed25519, hex
    key_id: Mapped[str] = mapped_column(String(32))  # fingerprint of public_key
    private_key: Mapped[str] = mapped_column(Text)  # AES-GCM under the passphrase-derived key
    kdf: Mapped[dict[str, Any]] = mapped_column(JSONDocument)  # salt and argon2id parameters
    certified_by: Mapped[int | None] = mapped_column(ForeignKey("operator_account.id"))
    certified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    certificate: Mapped[str | None] = mapped_column(String(128))  # administrator's signature
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def role_values(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]
