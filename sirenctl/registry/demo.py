"""The demo county: 14 communities with a hand-crank siren each, plus networked terminals.

Terminal endpoints point at the simulated fleet that ``sirenctl sim run`` (and ``sirenctl demo``)
start on loopback, so the whole product can be tried without hardware.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sirenctl.models import Asset, Site
from sirenctl.registry.assets import add_asset
from sirenctl.registry.sites import add_site

DEMO_DISTRICT = "安宁县"
DEMO_SIM_HOST = "127.0.0.1"
DEMO_SIM_BASE_PORT = 15020

# code, name, subdistrict, latitude, longitude, population, contact, phone
DEMO_SITES: tuple[tuple[str, str, str, float, float, int, str, str], ...] = (
    ("C01", "东风社区", "城关街道", 36.6512, 117.0203, 8200, "王建国", "0531-8800101"),
    ("C02", "解放路社区", "城关街道", 36.6548, 117.0297, 9600, "李秀英", "0531-8800102"),
    ("C03", "人民路社区", "城关街道", 36.6475, 117.0351, 7400, "张伟", "0531-8800103"),
    ("C04", "建设路社区", "城关街道", 36.6439, 117.0158, 6900, "刘洋", "0531-8800104"),
    ("C05", "和平里社区", "新华街道", 36.6601, 117.0412, 5800, "陈静", "0531-8800105"),
    ("C06", "幸福家园社区", "新华街道", 36.6652, 117.0305, 11200, "杨帆", "0531-8800106"),
    ("C07", "向阳社区", "新华街道", 36.6688, 117.0189, 4300, "赵磊", "0531-8800107"),
    ("C08", "滨河社区", "滨河街道", 36.6397, 117.0488, 6100, "黄敏", "0531-8800108"),
    ("C09", "文化路社区", "滨河街道", 36.6352, 117.0379, 5200, "周杰", "0531-8800109"),
    ("C10", "新村社区", "滨河街道", 36.6311, 117.0264, 3900, "吴芳", "0531-8800110"),
    ("C11", "工业园社区", "开发区", 36.6235, 117.0571, 2800, "徐强", "0531-8800111"),
    ("C12", "南湖社区", "开发区", 36.6188, 117.0433, 4700, "孙丽", "0531-8800112"),
    ("C13", "北关社区", "城北镇", 36.6783, 117.0256, 3600, "马超", "0531-8800113"),
    ("C14", "桃园社区", "城北镇", 36.6854, 117.0097, 2500, "朱红", "0531-8800114"),
)


@dataclass(frozen=True)
class DemoTerminal:
    tag: str
    site: str
    kind: str
    name: str
    controller_model: str
    transport: str
    unit_id: int = 1
    port_offset: int | None = None  # TCP port = DEMO_SIM_BASE_PORT + offset
    rated_dbc: float | None = None
    is_bench: bool = False

    @property
    def serial_no(self) -> str:
        """The controller's serial number: registered, and served by `sirenctl sim run`."""
        return f"AN-{self.tag}"


DEMO_TERMINALS: tuple[DemoTerminal, ...] = (
    DemoTerminal(
        "T01",
        "C01",
        "motor",
        "东风社区楼顶电动警报器",
        "sirenctl-generic",
        "modbus_tcp",
        port_offset=1,
        rated_dbc=123,
    ),
    DemoTerminal(
        "T02",
        "C06",
        "electronic",
        "幸福家园电声警报器",
        "sirenctl-generic",
        "modbus_tcp",
        port_offset=2,
        rated_dbc=118,
    ),
    DemoTerminal(
        "T03",
        "C08",
        "multimedia",
        "滨河广场多媒体警报终端",
        "sirenctl-generic",
        "modbus_tcp",
        port_offset=3,
        rated_dbc=110,
    ),
    DemoTerminal(
        "T04",
        "C12",
        "electronic",
        "南湖电声警报器(RS-485)",
        "sirenctl-generic",
        "modbus_rtu",
        unit_id=4,
    ),
    DemoTerminal(
        "T05",
        "C11",
        "motor",
        "工业园电动警报器(RS-485)",
        "sirenctl-generic",
        "modbus_rtu",
        unit_id=5,
        rated_dbc=125,
    ),
    DemoTerminal(
        "BENCH-01",
        "C01",
        "electronic",
        "人防办试验台电声警报器",
        "sirenctl-generic",
        "modbus_tcp",
        port_offset=9,
        rated_dbc=100,
        is_bench=True,
    ),
)


DEMO_PORTS_FILE = "demo-ports.json"
PORT_BLOCK = 10  # each demo uses base + 1..9


def _block_free(base: int, host: str = DEMO_SIM_HOST) -> bool:
    import socket

    for term in DEMO_TERMINALS:
        if term.port_offset is None:
            continue
        with socket.socket() as s:
            try:
                s.bind((host, base + term.port_offset))
            except OSError:
                return False
    return True


def pick_demo_base_port(uid: int | None = None, tries: int = 200) -> int:
    """A base port whose demo ports are all free on loopback now. The search starts at a block
    derived from the user id, so two users' demos on one machine pick different blocks."""
    import os

    uid = os.getuid() if uid is None and hasattr(os, "getuid") else (uid or 0)
    start = uid % tries
    for k in range(tries):
        base = DEMO_SIM_BASE_PORT + PORT_BLOCK * ((start + k) % tries)
        if _block_free(base):
            return base
    return DEMO_SIM_BASE_PORT  # all taken: `sim run` will say which port is in use


def save_demo_base_port(data_dir: Path, base: int) -> None:
    """Record the demo's ports per user, where `sirenctl sim run` finds them."""
    import json

    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / (DEMO_PORTS_FILE + ".tmp")
    tmp.write_text(json.dumps({"base_port": base}) + "\n", encoding="utf-8")
    tmp.replace(data_dir / DEMO_PORTS_FILE)


def load_demo_base_port(data_dir: Path) -> int:
    import json

    try:
        value = json.loads((data_dir / DEMO_PORTS_FILE).read_text(encoding="utf-8"))["base_port"]
    except (OSError, ValueError, KeyError, TypeError):
        return DEMO_SIM_BASE_PORT
    return value if isinstance(value, int) and 1024 < value < 65500 else DEMO_SIM_BASE_PORT


def demo_rtu_device(data_dir: Path) -> Path:
    """Stable path of the simulated RS-485 line (a symlink to a pty made by ``sim run``)."""
    return data_dir / "sim" / "rtu-line1"


def demo_is_seeded(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(Site)) or 0) > 0


def seed_demo(
    session: Session, *, operator: str, data_dir: Path, base_port: int = DEMO_SIM_BASE_PORT
) -> None:
    for code, name, sub, lat, lon, pop, contact, phone in DEMO_SITES:
        add_site(
            session,
            {
                "code": code,
                "name": name,
                "district": DEMO_DISTRICT,
                "subdistrict": sub,
                "address": f"{DEMO_DISTRICT}{sub}{name}居委会",
                "latitude": lat,
                "longitude": lon,
                "population": pop,
                "contact_person": contact,
                "contact_phone": phone,
            },
            operator=operator,
        )
    for number, (code, name, _sub, lat, lon, *_rest) in enumerate(DEMO_SITES, start=1):
        add_asset(
            session,
            {
                "tag": f"HC-{code}",
                "site": code,
                "kind": "hand_crank",
                "name": f"{name}手摇警报器",
                "make": "江苏某警报器厂",
                "model": "SY-120",
                "serial_no": f"SY120-2023{number:03d}",
                "position": f"{name}居委会院内",
                "latitude": lat + 0.0004,
                "longitude": lon - 0.0003,
                "install_date": date(2023, 6, 1),
                "measured_db": 96.0 + (number % 5),
                "measured_distance_m": 30.0,
                "custodian": f"{name}网格员",
                "custodian_phone": f"1390531{number:04d}",
            },
            operator=operator,
        )
    sites = {code: (lat, lon) for code, _n, _s, lat, lon, *_r in DEMO_SITES}
    rtu_device = str(demo_rtu_device(data_dir))
    for term in DEMO_TERMINALS:
        lat, lon = sites[term.site]
        values: dict[str, object] = {
            "tag": term.tag,
            "site": term.site,
            "kind": term.kind,
            "name": term.name,
            "make": "sirenctl 仿真",
            "model": term.controller_model,
            "serial_no": term.serial_no,
            "latitude": lat - 0.0005,
            "longitude": lon + 0.0004,
            "install_date": date(2024, 9, 1),
            "rated_dbc": term.rated_dbc,
            "power_mains": True,
            "battery_backup": True,
            "is_bench": term.is_bench,
            "controller_transport": term.transport,
            "controller_model": term.controller_model,
            "controller_unit_id": term.unit_id,
        }
        if term.port_offset is not None:
            values["controller_host"] = DEMO_SIM_HOST
            values["controller_port"] = base_port + term.port_offset
        else:
            values["controller_device"] = rtu_device
            values["controller_serial"] = "9600 8N1"
        add_asset(session, values, operator=operator)


def demo_summary_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Asset.kind, func.count()).group_by(Asset.kind))
    return {kind: count for kind, count in rows}
