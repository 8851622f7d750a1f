"""The content digest an approval binds: what will be sent, where, and when.

SHA-256 over canonical JSON of: the work order (id, campaign, task, due time, window, planner
account), the asset (id, tag, bench flag), its controller endpoint (transport, host/port or
device and serial settings, unit id, model), the content of the model's register map file, and
the resolved programme steps (signal code, cycles, offset, and the map's on/off timings of that
signal). Change any of them after approval and run-due refuses.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from sirenctl.models import Asset
from sirenctl.models.scheduling import WorkOrder
from sirenctl.security.keys import canonical


@functools.cache
def _map_path(model: str) -> Path:
    return Path(str(resources.files("sirenctl.drivers") / "maps" / f"{model}.toml"))


_MAP_SHA: dict[tuple[str, int, int], str] = {}


def _map_sha256(model: str) -> str | None:
    """SHA-256 of the map file as it is now: re-read whenever its size or mtime changed
    (a 9·18 batch of 5,000 orders would otherwise read and hash it 5,000 times)."""
    path = _map_path(model)
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _MAP_SHA:
        _MAP_SHA[key] = hashlib.sha256(path.read_text("utf-8").encode()).hexdigest()
    return _MAP_SHA[key]


def _timings(model: str, code: int) -> Any:
    from sirenctl.drivers.regmap import MapError, load_map

    try:
        signal = load_map(model).signals.get(code)
    except (MapError, KeyError):
        return None
    return {"segments": [list(s) for s in signal.segments], "repeat": signal.repeat}


def content(wo: WorkOrder, asset: Asset, steps: Sequence[Any]) -> dict[str, Any]:
    model = asset.controller_model or "sirenctl-generic"
    return {
        "v": 1,
        "work_order": {
            "id": wo.id,
            "campaign": wo.campaign,
            "task": wo.task,
            "programme": wo.programme,
            "audible": bool(wo.audible),
            "due_at": wo.due_at.isoformat(),
            "window_end_at": wo.window_end_at.isoformat(),
            "planned_by_account": wo.planned_by_account_id,
        },
        "asset": {"id": asset.id, "tag": asset.tag, "bench": bool(asset.is_bench)},
        "controller": {
            "transport": asset.controller_transport,
            "host": asset.controller_host,
            "port": asset.controller_port,
            "device": asset.controller_device,
            "serial": asset.controller_serial,
            "unit_id": asset.controller_unit_id,
            "model": model,
            "map_sha256": _map_sha256(model),
        },
        "steps": [
            {
                "signal_code": s.signal_code,
                "cycles": s.cycles,
                "at": float(s.start_offset),
                "timings": _timings(model, s.signal_code),
            }
            for s in steps
        ],
    }


def content_digest(wo: WorkOrder, asset: Asset, steps: Sequence[Any]) -> str:
    return hashlib.sha256(canonical(content(wo, asset, steps))).hexdigest()
