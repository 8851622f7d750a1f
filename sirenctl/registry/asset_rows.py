"""Asset listings at office scale: one Core SELECT, plain dicts, no ORM objects.

``asset list`` of 10,000 assets built 10,000 ORM objects and a rich table of them (18 s);
this module returns the same values as :func:`sirenctl.registry.assets.asset_to_dict` straight
from the rows (benchmarks/asset_list.py measures it against bare SQLAlchemy Core).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.models import Asset, Site, Transport
from sirenctl.registry.assets import AssetFilter

# the same fields as assets.asset_snapshot (the bench signature is not shown)
_SKIP = frozenset({"id", "site_id", "created_at", "updated_at", "bench_signature"})
_COLUMNS = [c for c in Asset.__table__.c if c.key not in _SKIP]


def asset_rows(
    session: Session, flt: AssetFilter, *, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Assets as plain JSON-safe dicts by CSV/JSON key (``site`` is the site code), by tag."""
    query = flt.apply(
        select(*_COLUMNS, Site.code.label("site")).join(Site, Site.id == Asset.site_id)
    )
    query = query.order_by(Asset.tag).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    temporal = [c.key for c in _COLUMNS if c.key in ("install_date", "retired_at")]
    out = []
    for row in session.execute(query):
        data = dict(row._mapping)
        for key in temporal:
            value = data[key]
            if isinstance(value, datetime | date):
                data[key] = value.isoformat()
        out.append(data)
    return out


def row_endpoint(row: dict[str, Any]) -> str:
    """:func:`sirenctl.registry.assets.endpoint_summary` for a row dict."""
    transport = row["controller_transport"]
    if not transport:
        return ""
    if transport == Transport.MODBUS_TCP:
        where = f"{row['controller_host']}:{row['controller_port']}"
    else:
        where = f"{row['controller_device']} {row['controller_serial']}"
    tls = " TLS" if row.get("controller_tls") else ""
    return f"{transport} {where} unit {row['controller_unit_id']}{tls}"
