"""Registry queries and changes used by the TUI screens (no Textual code here).

Every method opens its own short session, so screens call them from thread workers.
Lists are paged and filtered in SQL: a screen never loads more than one page of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select

from sirenctl.db import Database
from sirenctl.i18n import L_, _, localized
from sirenctl.models import Asset, AssetStatus, AuditEvent, Site
from sirenctl.registry.assets import (
    AssetFilter,
    asset_to_dict,
    count_assets,
    endpoint_summary,
    get_asset,
    list_assets,
)
from sirenctl.registry.errors import FieldProblem, ValidationFailed
from sirenctl.registry.fields import ASSET_FIELDS, ASSET_SPECS, parse_values
from sirenctl.services.retire import retire_asset as retire_open_work
from sirenctl.timeutil import Clock, utcnow
from sirenctl.tui.audit_data import AuditFilter, AuditRow

PAGE_SIZE = 100
#: status sweeps of one set of terminals share one read audit record per this many seconds
TUI_READ_AUDIT_WINDOW = 60.0


class PassphraseNeeded(PermissionError):
    """The change touches administrator fields: ask the passphrase (TUI dialog) and retry."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


@dataclass(frozen=True)
class AssetRow:
    tag: str
    name: str
    kind: str
    status: str
    site: str
    site_name: str
    is_bench: bool
    endpoint: str

    @classmethod
    def of(cls, asset: Asset) -> AssetRow:
        return cls(
            asset.tag,
            asset.name or "",
            asset.kind,
            asset.status,
            asset.site.code,
            asset.site.name,
            asset.is_bench,
            endpoint_summary(asset),
        )


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int
    offset: int
    limit: int

    @property
    def label(self) -> str:
        if not self.total:
            return _("no matches")
        last = min(self.offset + len(self.rows), self.total)
        return _("{first:,}–{last:,} of {total:,}").format(
            first=self.offset + 1, last=last, total=self.total
        )

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total


@dataclass(frozen=True)
class AssetDetail:
    tag: str
    values: dict[str, Any]  # by ASSET_FIELDS key
    site_name: str
    endpoint: str
    history: list[AuditRow] = field(default_factory=list)

    def form_text(self) -> dict[str, str]:
        """Values as the text an operator would type into the form."""
        out: dict[str, str] = {}
        for key in ASSET_SPECS:
            value = self.values.get(key)
            if value is None:
                out[key] = ""
            elif isinstance(value, bool):
                out[key] = "yes" if value else "no"
            elif isinstance(value, float) and value.is_integer():
                out[key] = f"{value:g}"
            else:
                out[key] = str(value)
        return out


@dataclass(frozen=True)
class FleetSummary:
    """Counts for the dashboard (all from grouped SQL; cheap on 100,000 assets)."""

    by_kind: dict[str, dict[str, int]]  # kind -> status -> count
    total: int
    sites: int
    networked: int
    bench: int
    audit_events: int
    as_of: datetime

    def count(self, kind: str | None = None, status: str | None = None) -> int:
        return sum(
            n
            for k, statuses in self.by_kind.items()
            if kind in (None, k)
            for s, n in statuses.items()
            if status in (None, s)
        )


class RegistryService:
    """The registry as the TUI sees it: one operator, one database, one clock."""

    def __init__(self, db: Database, operator: str, clock: Clock = utcnow) -> None:
        self.db = db
        self.operator = operator
        self._read_window: tuple[float, list[str]] | None = None  # see _audit_sweep
        self.clock = clock

    # ---- reading --------------------------------------------------------------------------
    def fleet_summary(self) -> FleetSummary:
        """Counts that stay cheap on 100,000 assets: kind totals from the kind index, the
        (usually few) assets not in service from the status index, in service by difference."""
        not_in_service = [s.value for s in AssetStatus if s != AssetStatus.IN_SERVICE]
        with self.db.session() as session:
            totals = dict(
                session.execute(select(Asset.kind, func.count()).group_by(Asset.kind)).all()
            )
            others = session.execute(
                select(Asset.kind, Asset.status, func.count())
                .where(Asset.status.in_(not_in_service))
                .group_by(Asset.kind, Asset.status)
            ).all()
            networked, bench = session.execute(
                select(func.count(), func.sum(case((Asset.is_bench.is_(True), 1), else_=0))).where(
                    Asset.controller_transport.is_not(None), Asset.status != AssetStatus.RETIRED
                )
            ).one()
            sites = session.scalar(select(func.count()).select_from(Site)) or 0
            audit_events = session.scalar(select(func.max(AuditEvent.id))) or 0
        by_kind: dict[str, dict[str, int]] = {kind: {} for kind in totals}
        for kind, status, count in others:
            by_kind[kind][status] = count
        for kind, total in totals.items():
            by_kind[kind][AssetStatus.IN_SERVICE.value] = total - sum(by_kind[kind].values())
        return FleetSummary(
            by_kind,
            sum(totals.values()),
            sites,
            networked or 0,
            int(bench or 0),
            audit_events,
            self.clock(),
        )

    def site_choices(self) -> list[tuple[str, str]]:
        """(code, "code name") for every site, for filter and form drop-downs."""
        with self.db.session() as session:
            return [
                (code, f"{code} {name}")
                for code, name in session.execute(select(Site.code, Site.name).order_by(Site.code))
            ]

    def asset_page(self, flt: AssetFilter, offset: int = 0, limit: int = PAGE_SIZE) -> Page:
        with self.db.session() as session:
            rows = [AssetRow.of(a) for a in list_assets(session, flt, limit=limit, offset=offset)]
            if offset == 0 and len(rows) < limit:
                return Page(rows, len(rows), 0, limit)  # the page is everything: no count scan
            total = count_assets(session, flt)
            if offset and not rows and total:  # past the end (rows were removed): last page
                offset = ((total - 1) // limit) * limit
                rows = [
                    AssetRow.of(a) for a in list_assets(session, flt, limit=limit, offset=offset)
                ]
        return Page(rows, total, offset, limit)

    def asset_detail(self, tag: str, history: int = 8) -> AssetDetail:
        with self.db.session() as session:
            asset = get_asset(session, tag)
            events = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "asset", AuditEvent.object_ref == tag)
                .order_by(AuditEvent.id.desc())
                .limit(history)
            )
            return AssetDetail(
                tag,
                asset_to_dict(asset),
                asset.site.name,
                endpoint_summary(asset),
                [AuditRow.of(e) for e in events],
            )

    def networked_assets(self, *, bench: bool | None = None) -> list[Asset]:
        """Assets with a controller that are not retired (loaded with their site)."""
        flt = AssetFilter(networked=True, include_retired=False)
        with self.db.session() as session:
            assets = list_assets(session, flt)
        return [a for a in assets if bench is None or a.is_bench == bench]

    def known_statuses(self) -> dict[str, Any]:
        """The stored last known status of each terminal (tag -> KnownStatus)."""
        from sirenctl.registry.status_store import known_statuses

        with self.db.session() as session:
            return known_statuses(session)

    def store_statuses(self, results: dict[str, Any]) -> None:
        """Keep the poll results as each terminal's last known status (the poll use case,
        sirenctl/services/status.py). One read record per minute of sweeps (the TUI sweeps
        every few seconds): with the first sweep of each minute, and at once when the set of
        terminals changes."""
        from sirenctl.services.status import store_status

        if not results:
            return
        tags = sorted(results)
        at = self.clock()
        now = at.timestamp()
        window = self._read_window
        audit = window is None or window[1] != tags or now - window[0] >= TUI_READ_AUDIT_WINDOW
        if audit:
            self._read_window = (now, tags)
        store_status(
            self.db,
            self.operator,
            results,
            source="tui",
            audit=audit,
            audit_details={"covers_s": TUI_READ_AUDIT_WINDOW},
            at=at,
        )

    def audit_page(self, flt: AuditFilter, offset: int = 0, limit: int = PAGE_SIZE) -> Page:
        with self.db.session() as session:
            total = session.scalar(flt.apply(select(func.count()).select_from(AuditEvent))) or 0
            events = session.scalars(
                flt.apply(select(AuditEvent))
                .order_by(AuditEvent.id.desc())
                .offset(offset)
                .limit(limit)
            )
            rows = [AuditRow.of(e) for e in events]
        return Page(rows, total, offset, limit)

    def audit_actions(self) -> list[str]:
        """Action families present in the log (``asset``, ``site``, ``command`` ...)."""
        with self.db.session() as session:
            actions = session.scalars(select(AuditEvent.action).distinct())
            return sorted({a.split(".")[0] for a in actions})

    # ---- changing (each change audited with the operator, in one transaction) ---------------
    @staticmethod
    def check_field(key: str, text: str) -> str | None:
        """The registry parser's message for one field's text, or None when it is valid."""
        spec = ASSET_SPECS[key]
        if not text.strip():
            return "is required" if spec.required else None
        try:
            spec.parse(text)
        except ValueError as exc:
            return localized(exc)
        return None

    def _person(self, admin_fields: list[str], passphrase: str | None, purpose: str) -> Any:
        """The acting person: an administrator authenticated with ``passphrase`` when bench or
        controller fields change (sirenctl/services/assets.py), else the TUI's login."""
        from sirenctl.identity import Role
        from sirenctl.security.authn import authenticate
        from sirenctl.services.assets import plain_person

        if not admin_fields:
            return plain_person(self.operator)
        if passphrase is None and self.db.dialect == "sqlite":
            raise PassphraseNeeded(admin_fields)
        return authenticate(
            self.db,
            self.operator,
            purpose=purpose,
            role=Role.ADMINISTRATOR,
            ask=lambda _prompt: passphrase or "",
        )

    def add_asset(self, raw: dict[str, str], passphrase: str | None = None) -> str:
        from sirenctl.services.assets import add_asset, admin_fields_to_add

        values, problems = parse_values(ASSET_FIELDS, dict(raw))
        if problems:
            raise ValidationFailed(problems)
        from sirenctl.registry.assets import check_asset

        problems = check_asset(dict(values))  # field problems first, the passphrase after
        if problems:
            raise ValidationFailed(problems)
        fields = admin_fields_to_add(values)
        person = self._person(fields, passphrase, L_("add asset {tag}", tag=values.get("tag")))
        with self.db.transaction() as session:
            return add_asset(session, person, values).tag

    def edit_asset(
        self,
        tag: str,
        original: dict[str, str],
        raw: dict[str, str],
        passphrase: str | None = None,
    ) -> list[str]:
        """Apply the fields whose text changed; returns their keys (empty: nothing to do)."""
        changed = {k: v for k, v in raw.items() if k != "tag" and v.strip() != original.get(k, "")}
        if not changed:
            return []
        values, problems = parse_values(ASSET_FIELDS, changed, require=False)
        problems += [
            FieldProblem(k, L_("is required"))
            for k in changed
            if ASSET_SPECS[k].required and values.get(k) is None
        ]
        if problems:
            raise ValidationFailed(problems)
        from sirenctl.services.assets import admin_fields_to_edit, edit_asset

        with self.db.session() as session:
            fields = admin_fields_to_edit(session, tag, values)
        person = self._person(fields, passphrase, L_("change asset {tag}", tag=tag))
        with self.db.transaction() as session:
            edit_asset(session, person, tag, values)
        return sorted(changed)

    def retire_asset(self, tag: str, reason: str | None) -> None:
        with self.db.transaction() as session:
            retire_open_work(session, tag, operator=self.operator, reason=reason or None)
