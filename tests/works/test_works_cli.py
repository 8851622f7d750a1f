"""Works and outreach from the command line: recorded, counted, and bad input refused with the
field named, a documented exit code and nothing written."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.authority import passphrase_for
from tests.works.conftest import run_cli


def _env(tmp_path: Path) -> tuple[dict[str, str], list[str]]:
    env = {**os.environ, "SIRENCTL_DATA_DIR": str(tmp_path / "data")}
    db = ["--db", str(tmp_path / "w.db")]
    two = f"{passphrase_for('tester')}\n" * 2  # the first administrator's, typed twice
    init = run_cli(env, *db, "init", input=two)
    assert init.returncode == 0, init.stderr
    assert run_cli(env, *db, "site", "add", "--code", "C01", "--name", "东风社区").returncode == 0
    return env, db


def test_works_inspections_and_outreach_reach_the_report(tmp_path: Path) -> None:
    env, db = _env(tmp_path)
    add = run_cli(
        env, *db, "works", "add", "--code", "RF-01", "--name", "东风花园人防地下室",
        "--site", "C01", "--type", "built_with_building", "--unit", "某建设单位",
        "--person", "王工", "--started", "2025-03-01",
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    for kind, at in (("stage", "2025-04-01 10:00"), ("main_structure", "2025-06-01 10:00")):
        out = run_cli(env, *db, "works", "inspect", "RF-01", "--kind", kind, "--at", at)
        assert out.returncode == 0, out.stderr
    done = run_cli(
        env, *db, "works", "inspect", "RF-01", "--kind", "completion", "--at", "2025-11-01"
    )
    assert done.returncode == 0, done.stderr
    again = run_cli(env, *db, "works", "inspect", "RF-01", "--kind", "stage")
    assert again.returncode != 0 and "already in use" in again.stderr
    assert "Traceback" not in again.stderr
    out = run_cli(
        env, *db, "outreach", "add", "--site", "C01", "--date", "2025-04-15",
        "--occasion", "security_day", "--people", "120",
        "--materials", "civil_defence_handbook=80,knowledge_handbook=120",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    report = run_cli(env, *db, "report", "--year", "2025", "--format", "json")
    figures = json.loads(report.stdout)["figures"]
    assert figures["works.inspections.stage"]["value"] == 1
    assert figures["works.accepted.main_structure"]["value"] == 1
    assert figures["works.accepted.completion"]["value"] == 1
    assert figures["works.under_construction"]["value"] == 1
    assert figures["outreach.occasion.security_day.events"]["value"] == 1
    assert figures["outreach.materials.knowledge_handbook"]["value"] == 120
    listed = json.loads(run_cli(env, *db, "works", "list", "--json").stdout)
    assert [w["status"] for w in listed] == ["in_use"]
    inspections = json.loads(run_cli(env, *db, "works", "inspections", "RF-01", "--json").stdout)
    assert [i["kind"] for i in inspections] == ["stage", "main_structure", "completion"]
    missing = run_cli(env, *db, "works", "inspections", "RF-99")
    assert missing.returncode == 4 and "no civil air-defence work" in missing.stderr
    drill = run_cli(env, *db, "works", "activity", "--kind", "fire_drill", "--date", "2025-11-09",
                     "--title", "消防演练", "--participants", "60")  # fmt: skip
    assert drill.returncode == 0, drill.stderr
    activities = json.loads(run_cli(env, *db, "works", "activities", "--json").stdout)
    assert [(a["kind"], a["participants"]) for a in activities] == [("fire_drill", 60)]


def test_bad_materials_name_the_field_and_write_nothing(tmp_path: Path) -> None:
    env, db = _env(tmp_path)
    for materials, message in (("leaflet=x", "KIND=COUNT"), ("posters=3", "kind must be one of")):
        out = run_cli(
            env, *db, "outreach", "add", "--site", "C01", "--date", "2025-05-12",
            "--occasion", "disaster_day", "--materials", materials,
        )  # fmt: skip
        assert out.returncode == 3 and "materials" in out.stderr and message in out.stderr
        assert "Traceback" not in out.stderr
    listed = json.loads(run_cli(env, *db, "drill", "list", "--json").stdout)
    assert listed == []
