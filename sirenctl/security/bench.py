"""Bench certificates: an administrator's signature over a bench unit's registration.

On SQLite anyone who can write the file can set ``is_bench``; run-due plays a bench unit's
programme without a second person, so the flag alone must not count. A bench unit counts
only with a valid signature by a trusted administrator over its tag, serial number and
controller endpoint; changing any of them voids it. (The controller's own identity block is
checked before audible commands by the driver layer: DESIGN.md section 8.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sirenctl.identity import Role
from sirenctl.models import Asset
from sirenctl.models.accounts import OperatorAccount
from sirenctl.security import keys

BENCH_FIELDS = (
    "tag",
    "serial_no",
    "controller_transport",
    "controller_model",
    "controller_host",
    "controller_port",
    "controller_device",
    "controller_serial",
    "controller_unit_id",
)


def bench_payload(asset: Asset, admin_id: int) -> dict[str, Any]:
    return {
        "v": 1,
        "purpose": "sirenctl bench unit",
        "asset": asset.id,
        **{name: getattr(asset, name) for name in BENCH_FIELDS},
        "certified_by": admin_id,
    }


def sign_bench(asset: Asset, admin: Any) -> None:
    """Sign (or clear) the bench registration with an authenticated administrator."""
    if not asset.is_bench or admin.key is None or admin.actor.account_id is None:
        asset.bench_signature, asset.bench_signed_by = None, None
        return
    asset.bench_signed_by = admin.actor.account_id
    asset.bench_signature = keys.sign(admin.key, bench_payload(asset, admin.actor.account_id))


def bench_problem(session: Session, asset: Asset) -> str | None:
    """Why this asset does not count as a bench unit, or None if it does."""
    if not asset.is_bench:
        return f"{asset.tag} is not a bench unit"
    if session.get_bind().dialect.name != "sqlite":
        return None  # PostgreSQL: only administrators can write the bench flag (pg_roles.sql)
    from sirenctl.security.anchor import read_anchor
    from sirenctl.security.certificates import trust_of

    admin = session.get(OperatorAccount, asset.bench_signed_by) if asset.bench_signed_by else None
    if admin is None or not asset.bench_signature:
        return f"{asset.tag} is flagged as a bench unit but no administrator signed it"
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    trust = trust_of(session, admin, read_anchor(url))
    if not trust or Role.ADMINISTRATOR.value not in admin.role_values:
        return f"{asset.tag}: the bench registration is signed by an untrusted account"
    if not keys.verify(admin.public_key, asset.bench_signature, bench_payload(asset, admin.id)):
        return f"{asset.tag}: the bench registration does not match its signature"
    return None
