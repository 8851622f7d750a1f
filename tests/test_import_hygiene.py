"""Run-time proof of what the import contracts (pyproject.toml, `lint-imports`) cannot see.

The contracts read the static graph, so they cannot tell a module-level import from one deferred
into the function that needs it, nor that an entry point wires the layers together. These tests
run the real CLI in a fresh interpreter (no fixtures, nothing pre-imported) and look at
``sys.modules`` and at what was written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("textual", "pymodbus", "serial")

PROBE = """
import json, sys
from sirenctl.cli.main import main
codes = []
for argv in json.loads(sys.argv[1]):
    try:
        main(argv)
    except SystemExit as exc:
        codes.append(exc.code)
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(sys.argv[2])))
print(json.dumps({"codes": codes, "heavy": heavy}))
"""


def probe(tmp_path: Path, *commands: list[str]) -> tuple[dict[str, list[object]], str]:
    """Run ``commands`` in one fresh interpreter; returns (exit codes and heavy modules, stdout)."""
    db = ["--db", str(tmp_path / "probe.db"), "--operator", "tech-li"]
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([db + c for c in commands]), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    *printed, last = proc.stdout.splitlines()
    return json.loads(last), "\n".join(printed)


@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        ["run-due"],  # cron's idle run: nothing due, so no controller is contacted
        ["finding", "list"],
        ["notice", "list"],
        ["drill", "list"],
    ],
)
def test_headless_commands_import_neither_textual_nor_a_device_library(tmp_path, command) -> None:
    out, _ = probe(tmp_path, command)
    assert out["heavy"] == [], out
    assert out["codes"] in (
        [0],
        [None],
        [4],
    )  # 4: a read command never creates the database it is given (issue 13), out


def test_the_cli_wires_failed_check_ins_to_findings_by_itself(tmp_path) -> None:
    """No test fixture installed the hook in that process: the CLI's context did."""
    out, printed = probe(
        tmp_path,
        ["site", "add", "--code", "C15", "--name", "新城社区"],
        ["asset", "add", "--tag", "HC-C15", "--site", "C15", "--kind", "hand_crank"],
        ["checkin", "HC-C15", "--check", "rotor turns=ok", "--check", "bolts secure=fail"],
        ["finding", "list", "--json"],
    )
    assert out["codes"][:3] == [0, 0, 8], out  # 8: the check failed (ExitCode.DEVICE_FAULT)
    findings = json.loads(printed[printed.index("[") :])
    assert [(f["asset"], f["category"], f["source"]) for f in findings] == [
        ("HC-C15", "mounting", "check_in")
    ]
