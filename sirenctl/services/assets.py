"""Registry use cases with authority: adding, editing and importing assets.

Marking a unit as bench, or setting or changing any controller field (transport, endpoint,
model, unit id), is an administrator action (issue 9): CLI ``asset add|edit|import`` and the
TUI asset form call these functions, which refuse such a change by anyone else. A bench
registration is signed by the administrator (sirenctl/security/bench.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sirenctl.i18n import L_
from sirenctl.identity import Actor, AuthMethod, Role
from sirenctl.models import Asset
from sirenctl.registry import assets as registry
from sirenctl.registry.csv_io import import_assets as registry_import
from sirenctl.registry.csv_io import parse_asset_csv
from sirenctl.registry.import_write import ImportPlan
from sirenctl.security.authn import Authenticated, require_role
from sirenctl.security.bench import sign_bench

ADMIN_FIELDS = ("is_bench", *registry.CONTROLLER_FIELDS)


def plain_person(login: str) -> Authenticated:
    """Someone making a plain (non-privileged) write: a login name, no roles, no key."""
    return Authenticated(Actor(login, frozenset(), AuthMethod.OS_USER))


def admin_fields_to_add(values: Mapping[str, Any]) -> list[str]:
    return [f for f in ADMIN_FIELDS if values.get(f) not in (None, False, "")]


def admin_fields_to_edit(session: Session, tag: str, changes: Mapping[str, Any]) -> list[str]:
    asset = session.scalar(select(Asset).where(Asset.tag == tag))
    if asset is None:
        return []  # edit_asset raises NotFound
    fields = (*ADMIN_FIELDS, "serial_no") if asset.is_bench else ADMIN_FIELDS
    return [f for f in fields if f in changes and getattr(asset, f) != changes[f]]


def admin_fields_to_import(text: str) -> list[str]:
    rows, _problems = parse_asset_csv(text)
    return sorted({f for _line, values in rows for f in admin_fields_to_add(values)})


def _require_admin(person: Authenticated, fields: list[str], what: str) -> None:
    if fields:
        require_role(
            person.actor,
            Role.ADMINISTRATOR,
            L_(
                "{what} ({fields}: bench flag and controller settings)",
                what=what,
                fields=", ".join(fields),
            ),
        )


def add_asset(session: Session, person: Authenticated, values: dict[str, Any]) -> Asset:
    _require_admin(
        person, admin_fields_to_add(values), L_("add asset {tag}", tag=values.get("tag"))
    )
    asset = registry.add_asset(session, values, operator=person.actor.login)
    sign_bench(asset, person)
    return asset


def edit_asset(session: Session, person: Authenticated, tag: str, changes: dict[str, Any]) -> Asset:
    _require_admin(
        person, admin_fields_to_edit(session, tag, changes), L_("change asset {tag}", tag=tag)
    )
    asset = registry.edit_asset(session, tag, changes, operator=person.actor.login)
    if any(f in changes for f in ("is_bench", "serial_no", *registry.CONTROLLER_FIELDS)):
        sign_bench(asset, person)
    return asset


def import_assets(session: Session, person: Authenticated, text: str, *, source: str) -> list[str]:
    """Import a CSV text (all rows or none); returns the new tags."""
    _require_admin(
        person, admin_fields_to_import(text), L_("import assets from {file}", file=source)
    )
    added = registry_import(session, text, operator=person.actor.login, source=source)
    sign_imported_bench_units(session, person, added)
    return added


def admin_fields_of_plan(plan: ImportPlan) -> list[str]:
    """Administrator fields an import plan sets on new assets or changes on existing ones."""
    # every row of a file has the same keys: look only at the administrator fields it has
    present = [f for f in ADMIN_FIELDS if plan.rows and f in plan.rows[0][1]]
    fields = {f for f in present if any(v.get(f) not in (None, False, "") for _l, v in plan.rows)}
    fields |= {key for changes in plan.changes.values() for key, _old, _new in changes}
    return sorted(f for f in fields if f in ADMIN_FIELDS)


def sign_imported_bench_units(session: Session, person: Authenticated, tags: list[str]) -> None:
    """Sign (or clear) the bench registration of imported or updated assets: a bench flag
    counts only with an administrator's signature (sirenctl/security/bench.py)."""
    if not tags:
        return
    # The county's few bench-flagged or signed assets, then those among ``tags``: not an IN
    # list of 100,000 tags, nor 100,000 ORM objects loaded to look at one flag.
    wanted = set(tags)
    flagged = select(Asset).where(or_(Asset.is_bench.is_(True), Asset.bench_signature.is_not(None)))
    for asset in session.scalars(flagged):
        if asset.tag in wanted:
            sign_bench(asset, person)
