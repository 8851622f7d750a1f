"""Assets: add, edit, retire, look up and list with the filters a technician needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from sirenctl.audit import effective_changes, record, record_edit, snapshot
from sirenctl.i18n import L_
from sirenctl.models import Asset, AssetKind, AssetStatus, Site, Transport
from sirenctl.registry.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from sirenctl.registry.sites import get_site
from sirenctl.timeutil import utcnow

DEFAULT_CONTROLLER_MODEL = "sirenctl-generic"
DEFAULT_MODBUS_PORT = 502
DEFAULT_MODBUS_TLS_PORT = 802  # Modbus/TCP Security
DEFAULT_SERIAL_SETTINGS = "9600 8N1"
CONTROLLER_FIELDS = (
    "controller_transport",
    "controller_model",
    "controller_host",
    "controller_port",
    "controller_device",
    "controller_serial",
    "controller_unit_id",
    "controller_tls",
)


_CONTROLLER_REST = frozenset(CONTROLLER_FIELDS[1:])


def check_asset(values: dict[str, Any], line: int | None = None) -> list[FieldProblem]:
    """Cross-field rules on a complete set of asset values; fills controller defaults in place."""
    problems: list[FieldProblem] = []
    transport = values.get("controller_transport")
    kind = values.get("kind")
    if transport is None:
        if values.keys().isdisjoint(_CONTROLLER_REST):  # the common case: a set check in C
            return problems
        for key in CONTROLLER_FIELDS[1:]:
            if (value := values.get(key)) is not None and value is not False:
                problems.append(
                    FieldProblem(key, L_("set, but controller_transport is empty"), line)
                )
        return problems
    if kind == AssetKind.HAND_CRANK:
        problems.append(
            FieldProblem(
                "controller_transport", L_("a hand-crank siren has no controller"), line, transport
            )
        )
    values["controller_model"] = values.get("controller_model") or DEFAULT_CONTROLLER_MODEL
    if values.get("controller_unit_id") is None:
        values["controller_unit_id"] = 1
    if values.get("controller_tls") and transport != Transport.MODBUS_TCP:
        problems.append(
            FieldProblem(
                "controller_tls",
                L_("TLS is for modbus_tcp only, not {transport}", transport=transport),
                line,
            )
        )
    if transport == Transport.MODBUS_TCP:
        if not values.get("controller_host"):
            problems.append(FieldProblem("controller_host", L_("is required for modbus_tcp"), line))
        default_port = (
            DEFAULT_MODBUS_TLS_PORT if values.get("controller_tls") else DEFAULT_MODBUS_PORT
        )
        values["controller_port"] = values.get("controller_port") or default_port
    else:
        if not values.get("controller_device"):
            problems.append(
                FieldProblem(
                    "controller_device",
                    L_("is required for {transport}", transport=transport),
                    line,
                )
            )
        values["controller_serial"] = values.get("controller_serial") or DEFAULT_SERIAL_SETTINGS
    return problems


def channel_problems(
    session: Session,
    values: dict[str, Any],
    line: int | None = None,
    extra: list[dict[str, Any]] | None = None,
) -> list[FieldProblem]:
    """A bench unit on a live asset's controller channel, or the reverse (sirenctl/registry/channel_index.py)."""
    from sirenctl.registry.channel_index import conflict_message, endpoint_conflicts

    shared = endpoint_conflicts(session, values, extra=extra or ())
    if not shared:
        return []
    key = (
        "controller_host"
        if values.get("controller_transport") == "modbus_tcp"
        else ("controller_device")
    )
    return [FieldProblem(key, conflict_message(values, shared), line, values.get(key))]


def get_asset(session: Session, tag: str) -> Asset:
    asset = session.scalar(select(Asset).options(joinedload(Asset.site)).where(Asset.tag == tag))
    if asset is None:
        raise NotFound(L_("no asset with tag {tag!r} (see `sirenctl asset list`)", tag=tag))
    return asset


def asset_snapshot(asset: Asset) -> dict[str, Any]:
    data = snapshot(asset, frozenset({"created_at", "updated_at", "bench_signature"}))
    data["site"] = asset.site.code if asset.site is not None else None
    return data


def asset_changes(session: Session, tag: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The part of ``changes`` that differs from asset ``tag`` today (an edit that changes
    nothing is answered "nothing changed" and records nothing)."""
    return effective_changes(asset_snapshot(get_asset(session, tag)), changes)


def new_asset(
    session: Session, values: dict[str, Any], sites: dict[str, Site] | None = None
) -> Asset:
    """Build (not add) an asset from parsed values whose ``site`` is a site code."""
    values = {k: v for k, v in values.items() if v is not None}
    site_code = values.pop("site")
    site = sites[site_code] if sites is not None else get_site(session, site_code)
    values.setdefault("status", AssetStatus.IN_SERVICE.value)
    if values["status"] == AssetStatus.RETIRED:
        values.setdefault("retired_at", utcnow())
    return Asset(site=site, **values)


def add_asset(session: Session, values: dict[str, Any], *, operator: str) -> Asset:
    problems = check_asset(values)
    problems = problems or channel_problems(session, values)
    if problems:
        raise ValidationFailed(problems)
    if session.scalar(select(Asset.id).where(Asset.tag == values["tag"])) is not None:
        raise Conflict(L_("an asset with tag {tag!r} already exists", tag=values["tag"]))
    asset = new_asset(session, values)
    session.add(asset)
    session.flush()
    record(
        session,
        operator=operator,
        action="asset.add",
        object_type="asset",
        object_ref=asset.tag,
        after=asset_snapshot(asset),
    )
    return asset


def edit_asset(session: Session, tag: str, changes: dict[str, Any], *, operator: str) -> Asset:
    asset = get_asset(session, tag)
    if "tag" in changes and changes["tag"] != tag:
        raise ValidationFailed(
            [FieldProblem("tag", L_("a tag cannot be changed; retire and re-add"))]
        )
    if changes.get("status") == AssetStatus.RETIRED:
        raise ValidationFailed(
            [FieldProblem("status", L_("use `sirenctl asset retire` to retire"))]
        )
    for required in ("kind", "status", "site"):
        if required in changes and changes[required] is None:
            raise ValidationFailed([FieldProblem(required, L_("cannot be cleared"))])
    before = asset_snapshot(asset)
    merged = {**before, **changes}
    problems = check_asset(merged)
    problems = problems or channel_problems(session, merged)
    if problems:
        raise ValidationFailed(problems)
    for key in changes:
        if key == "site":
            asset.site = get_site(session, changes["site"])
        else:
            setattr(asset, key, merged[key])
    for key in CONTROLLER_FIELDS:  # defaults filled by check_asset
        value = merged.get(key)
        setattr(asset, key, bool(value) if key == "controller_tls" else value)
    session.flush()
    record_edit(
        session,
        operator=operator,
        action="asset.edit",
        object_type="asset",
        object_ref=asset.tag,
        before=before,
        after=asset_snapshot(asset),
    )
    return asset


def retire_asset(session: Session, tag: str, *, operator: str, reason: str | None) -> Asset:
    asset = get_asset(session, tag)
    if asset.status == AssetStatus.RETIRED:
        raise Conflict(L_("asset {tag!r} is already retired", tag=tag))
    before = {"status": asset.status, "retired_at": None}
    asset.status = AssetStatus.RETIRED.value
    asset.retired_at = utcnow()
    session.flush()
    record(
        session,
        operator=operator,
        action="asset.retire",
        object_type="asset",
        object_ref=tag,
        before=before,
        after={"status": asset.status, "retired_at": asset.retired_at.isoformat()},
        message=reason,
    )
    return asset


@dataclass(frozen=True)
class AssetFilter:
    site: str | None = None
    kind: str | None = None
    status: str | None = None
    tag_contains: str | None = None
    text: str | None = None  # tag or name substring (CJK included)
    networked: bool | None = None
    include_retired: bool = True

    def apply(self, query: Select[Any]) -> Select[Any]:
        if self.site:
            query = query.where(Site.code == self.site)
        if self.kind:
            query = query.where(Asset.kind == self.kind)
        if self.status:
            query = query.where(Asset.status == self.status)
        if self.tag_contains:
            query = query.where(Asset.tag.ilike(f"%{self.tag_contains}%"))
        if self.text:
            pattern = f"%{self.text}%"
            query = query.where(
                or_(Asset.tag.ilike(pattern), Asset.name.ilike(pattern), Site.name.ilike(pattern))
            )
        if self.networked is not None:
            column = Asset.controller_transport
            query = query.where(column.is_not(None) if self.networked else column.is_(None))
        if not self.include_retired:
            query = query.where(Asset.status != AssetStatus.RETIRED)
        return query


def list_assets(
    session: Session, flt: AssetFilter = AssetFilter(), *, limit: int | None = None, offset: int = 0
) -> list[Asset]:
    query = flt.apply(select(Asset).join(Asset.site).options(joinedload(Asset.site)))
    query = query.order_by(Asset.tag).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_assets(session: Session, flt: AssetFilter = AssetFilter()) -> int:
    return session.scalar(flt.apply(select(func.count()).select_from(Asset).join(Asset.site))) or 0


def asset_to_dict(asset: Asset) -> dict[str, Any]:
    """Plain values by CSV/JSON key (site as its code); the export and the JSON listing use it."""
    data = asset_snapshot(asset)
    data.pop("id", None)
    data.pop("site_id", None)
    return data


def endpoint_summary(asset: Asset) -> str:
    """One line naming the controller endpoint, e.g. ``modbus_tcp 10.0.0.5:502 unit 1``."""
    if not asset.controller_transport:
        return ""
    if asset.controller_transport == Transport.MODBUS_TCP:
        where = f"{asset.controller_host}:{asset.controller_port}"
    else:
        where = f"{asset.controller_device} {asset.controller_serial}"
    tls = " TLS" if asset.controller_tls else ""
    return f"{asset.controller_transport} {where} unit {asset.controller_unit_id}{tls}"
