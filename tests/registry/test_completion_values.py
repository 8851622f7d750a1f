"""Shell completion of the county's own names, through the installed script as bash calls it
(sirenctl/cli/completion_values.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.registry.helpers import add_crank, add_site

SIRENCTL = shutil.which("sirenctl")


def _complete(words: str, env_extra: dict[str, str] | None = None) -> list[str]:
    """What bash would offer for the last (possibly empty) word of ``words``."""
    assert SIRENCTL, "sirenctl console script is not installed (pip install -e '.[test]')"
    parts = words.split(" ")
    env = {
        **os.environ,
        **(env_extra or {}),
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
        "_SIRENCTL_COMPLETE": "bash_complete",
    }
    result = subprocess.run(
        [SIRENCTL], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    return [line.partition(",")[2] for line in result.stdout.splitlines() if line]


def _county(sqlite_cli: Any) -> str:
    add_site(sqlite_cli, "C01", "东风社区")
    add_site(sqlite_cli, "C02", "西湖社区")
    add_crank(sqlite_cli, "HC-C01", "C01")
    add_crank(sqlite_cli, "HC-C02", "C02")
    add_crank(sqlite_cli, "HC_X", "C02")
    retired = sqlite_cli("asset", "retire", "HC-C02", "--reason", "moved", input="y\n")
    assert retired.exit_code == 0, retired.output
    url: str = sqlite_cli.url
    return url.removeprefix("sqlite:///")


def test_tags_sites_programmes_and_campaigns_complete(sqlite_cli: Any) -> None:
    db = _county(sqlite_cli)
    assert _complete(f"sirenctl --db {db} asset show ") == ["HC-C01", "HC_X"]  # not retired
    assert _complete(f"sirenctl --db {db} poll --site C") == ["C01", "C02"]
    assert _complete(f"sirenctl --db {db} site edit C0") == ["C01", "C02"]
    assert _complete(f"sirenctl --db {db} finding add --asset HC-") == ["HC-C01"]
    # LIKE wildcards in what was typed are literal: "HC_" must not match "HC-C01"
    assert _complete(f"sirenctl --db {db} asset show HC_") == ["HC_X"]
    programmes = _complete("sirenctl programme show cn-918")
    assert "cn-918-single" in programmes and all(p.startswith("cn-918") for p in programmes)
    assert "cn-918-single" in _complete("sirenctl bench sound HC-C01 --programme cn-918-s")
    campaigns = _complete("sirenctl approve --campaign ")
    assert campaigns and campaigns == sorted(campaigns)


def test_the_database_comes_from_the_environment_too(sqlite_cli: Any) -> None:
    db = _county(sqlite_cli)
    assert _complete("sirenctl asset show HC", {"SIRENCTL_DB": db}) == ["HC-C01", "HC_X"]


def test_completion_never_creates_a_database_nor_prints_a_traceback(tmp_path: Path) -> None:
    typo = tmp_path / "no-such-dir" / "county.db"
    assert _complete(f"sirenctl --db {typo} asset show ") == []
    assert not typo.parent.exists()
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("not a database\n", encoding="utf-8")
    assert _complete(f"sirenctl --db {not_a_db} asset show ") == []
    assert not_a_db.read_text(encoding="utf-8") == "not a database\n"
