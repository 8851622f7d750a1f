"""The demo's ports: free when seeded, different per user, recorded where `sim run` finds them."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sirenctl.demo_fleet import demo_sim_specs
from sirenctl.registry.demo import (
    DEMO_SIM_BASE_PORT,
    PORT_BLOCK,
    load_demo_base_port,
    pick_demo_base_port,
    save_demo_base_port,
)

# serves simulators on the demo's loopback ports: one xdist worker for all such tests
pytestmark = pytest.mark.xdist_group("demo-ports")


def test_two_users_get_different_blocks() -> None:
    """User 1000's demo is running (its block's ports are held); user 1001's demo must pick
    another block, whatever else runs on this machine."""
    first = pick_demo_base_port(uid=1000)
    held = []
    try:
        for offset in range(1, PORT_BLOCK):
            sock = socket.socket()
            sock.bind(("127.0.0.1", first + offset))
            sock.listen()
            held.append(sock)
        assert pick_demo_base_port(uid=1001) != first
    finally:
        for sock in held:
            sock.close()


def test_a_block_with_a_port_in_use_is_skipped() -> None:
    base = pick_demo_base_port(uid=1234)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", base + 2))  # T02's port, held by "another user's" demo
        taken.listen()
        other = pick_demo_base_port(uid=1234)
    assert other != base and (other - DEMO_SIM_BASE_PORT) % PORT_BLOCK == 0


def test_sim_run_serves_the_recorded_ports(tmp_path: Path) -> None:
    assert load_demo_base_port(tmp_path) == DEMO_SIM_BASE_PORT  # nothing recorded yet
    save_demo_base_port(tmp_path, 15420)
    ports = {s.name: s.port for s in demo_sim_specs(tmp_path)}
    assert ports["T01"] == 15421 and ports["BENCH-01"] == 15429 and ports["T04"] == 0
    (tmp_path / "demo-ports.json").write_text("{not json", encoding="utf-8")
    assert load_demo_base_port(tmp_path) == DEMO_SIM_BASE_PORT
