"""Sites (communities): add, edit, look up, list. Every change is audited in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from sirenctl.audit import effective_changes, record, record_edit, snapshot
from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.i18n import L_
from sirenctl.models import Site
from sirenctl.registry.errors import Conflict, FieldProblem, NotFound, ValidationFailed


def get_site(session: Session, code: str) -> Site:
    site = session.scalar(select(Site).where(Site.code == code))
    if site is None:
        raise NotFound(L_("no site with code {code!r} (see `sirenctl site list`)", code=code))
    return site


def add_site(session: Session, values: dict[str, Any], *, operator: str) -> Site:
    if session.scalar(select(Site.id).where(Site.code == values["code"])) is not None:
        raise Conflict(L_("a site with code {code!r} already exists", code=values["code"]))
    clean = {k: v for k, v in values.items() if v is not None}
    clean.setdefault("timezone", DEFAULT_TIMEZONE)
    site = Site(**clean)
    session.add(site)
    session.flush()
    record(
        session,
        operator=operator,
        action="site.add",
        object_type="site",
        object_ref=site.code,
        after=snapshot(site),
    )
    return site


def site_changes(session: Session, code: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The part of ``changes`` that differs from site ``code`` today."""
    return effective_changes(snapshot(get_site(session, code)), changes)


def edit_site(session: Session, code: str, changes: dict[str, Any], *, operator: str) -> Site:
    site = get_site(session, code)
    if "code" in changes and changes["code"] != code:
        raise ValidationFailed([FieldProblem("code", L_("a site code cannot be changed"))])
    for required in ("name", "timezone"):
        if required in changes and changes[required] is None:
            raise ValidationFailed([FieldProblem(required, L_("cannot be cleared"))])
    before = snapshot(site)
    for key, value in changes.items():
        setattr(site, key, value)
    session.flush()
    record_edit(
        session,
        operator=operator,
        action="site.edit",
        object_type="site",
        object_ref=site.code,
        before=before,
        after=snapshot(site),
    )
    return site


def list_sites(session: Session, *, search: str | None = None) -> list[Site]:
    query = select(Site).order_by(Site.code)
    if search:
        pattern = f"%{search}%"
        query = query.where(
            or_(Site.code.ilike(pattern), Site.name.ilike(pattern), Site.district.ilike(pattern))
        )
    return list(session.scalars(query))


def site_asset_counts(session: Session) -> dict[int, int]:
    from sirenctl.models import Asset

    rows = session.execute(select(Asset.site_id, func.count()).group_by(Asset.site_id))
    return {site_id: count for site_id, count in rows}


def site_to_dict(site: Site, asset_count: int | None = None) -> dict[str, Any]:
    data = snapshot(site, exclude=frozenset({"id", "created_at", "updated_at"}))
    if asset_count is not None:
        data["assets"] = asset_count
    return data
