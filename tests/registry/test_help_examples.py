"""Every leaf command of ``sirenctl`` shows an example in its ``--help``, and every example line
of every ``--help`` runs: against a fresh copy of the demo county (made by the real ``sirenctl
demo``), with its simulated controllers serving when the example talks to one, exit 0 unless
the example shows a documented refusal (issue 13)."""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import click
import pytest
from click.testing import Result

from sirenctl.cli.main import cli
from sirenctl.db import Database
from tests.conftest import CLI
from tests.terminal import SIRENCTL, make_demo, sirenctl_env

# serves simulators on the demo's loopback ports: one xdist worker for all such tests
pytestmark = pytest.mark.xdist_group("demo-ports")


def _walk(
    group: click.Group, ctx: click.Context, path: tuple[str, ...] = ()
) -> list[tuple[str, click.Command, click.Context]]:
    """Every command below ``group`` (groups included), with its context."""
    found: list[tuple[str, click.Command, click.Context]] = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is None:
            continue
        sub_path = (*path, name)
        sub_ctx = click.Context(cmd, info_name=name, parent=ctx)
        found.append((" ".join(sub_path), cmd, sub_ctx))
        if isinstance(cmd, click.Group):
            found.extend(_walk(cmd, sub_ctx, sub_path))
    return found


_ROOT_CTX = click.Context(cli, info_name="sirenctl")
_COMMANDS = _walk(cli, _ROOT_CTX)
_LEAVES = [c for c in _COMMANDS if not isinstance(c[1], click.Group)]


def test_walk_finds_commands() -> None:
    assert len(_LEAVES) > 20


@pytest.mark.parametrize(("name", "cmd", "ctx"), _LEAVES, ids=[leaf[0] for leaf in _LEAVES])
def test_help_has_example(name: str, cmd: click.Command, ctx: click.Context) -> None:
    from sirenctl.cli.localize import localize_command

    localize_command(cmd)  # English again if a --lang zh test in this process localized it
    help_text = cmd.get_help(ctx)
    assert "Example" in help_text, f"`sirenctl {name} --help` has no example"


def example_lines(help_text: str) -> list[str]:
    """The command lines under ``Example:`` / ``Examples:`` (a trailing ``\\`` continues)."""
    lines, found = help_text.splitlines(), []
    i = 0
    while i < len(lines):
        if not re.fullmatch(r"\s*Examples?:\s*", lines[i]):
            i += 1
            continue
        indent = len(lines[i]) - len(lines[i].lstrip())
        i += 1
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
            line = lines[i].strip()
            while line.endswith("\\") and i + 1 < len(lines):
                i += 1
                line = line[:-1].rstrip() + " " + lines[i].strip()
            if "sirenctl " in line:
                found.append(line)
            i += 1
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _all_examples() -> list[tuple[str, str]]:
    from sirenctl.cli.localize import localize_command

    seen: dict[str, str] = {}
    for name, cmd, ctx in [("", cli, _ROOT_CTX), *_COMMANDS]:
        localize_command(cmd)
        for line in example_lines(cmd.get_help(ctx)):
            seen.setdefault(line, name)
    return [(name, line) for line, name in seen.items()]


EXAMPLES = _all_examples()


def test_the_examples_are_found() -> None:
    lines = [line for _name, line in EXAMPLES]
    assert "sirenctl asset list --search 东风" in lines
    assert any(line.startswith("sirenctl asset add --tag T09") for line in lines)  # joined
    assert len(EXAMPLES) > 100


# ---- running them ------------------------------------------------------------------------------

#: examples that cannot run here, and why (each is covered elsewhere)
SKIP = {
    "sirenctl demo && sirenctl sim run": "needs `sim run` serving in another terminal; "
    "its parts are the `demo` and `sim run` examples",
    "sirenctl --db postgresql://sirenctl@db/sirenctl daemon": "PostgreSQL gateway daemon "
    "(the SQLite daemon example runs); tests/scheduling cover gateways",
    "sirenctl --db postgresql+psycopg://": "PostgreSQL only (refused on SQLite, exit 2); "
    "tests/security run these against a real cluster",
    "* * * * *  sirenctl --db postgresql://": "PostgreSQL gateway; the SQLite cron line runs",
}

#: examples that serve until stopped: started, seen ready, stopped with SIGTERM
LONG_RUNNING = {
    # example: (what it prints once ready, its exit code on SIGTERM)
    "sirenctl --db /var/lib/sirenctl/sirenctl.db daemon": ("sweeping every", 143),
    "sirenctl sim run --faults": ("simulating 6 controllers", 0),
    "sirenctl sim run --fleet mixed --tls-cert": ("simulating", 0),
}


def office_pki(home: Path) -> None:
    """t.pem, t.key and office-ca.pem of the TLS example: a throwaway office CA's."""
    from tests.drivers.tls_ca import ThrowawayCA

    office = ThrowawayCA(home / "office")
    cert, key = office.issue("sim", server=True, hosts=("127.0.0.1",))
    shutil.copyfile(cert, home / "t.pem")
    shutil.copyfile(key, home / "t.key")
    shutil.copyfile(office.ca_file, home / "office-ca.pem")


#: examples that need a terminal: run on a pty, then quit with q
ON_A_TERMINAL = {"sirenctl --db county.db tui --screen assets": "Assets"}


#: examples that show a refusal, and the exit code their --help documents for it
EXPECTED = {
    # three checks pass, check 3 fails: "Exit code: ... 8 failed"
    "sirenctl checkin HC-C01": 8,
    # LIVE activation: the example runs up to the FIRE prompt, where this test answers "no":
    # "7 refused or disarmed (nothing sent)" (a whole live programme takes minutes)
    "sirenctl activate": 7,
}

#: commands an example relies on: what the help around it says is done first
SETUP = {
    "sirenctl asset add --tag HC-C15 --site C15": [
        "site add --code C15 --name 新城社区 --latitude 36.65 --longitude 117.02"
    ],
    "sirenctl asset import assets.csv": ["asset export > assets.csv"],
    "sirenctl audit verify --checkpoint": ["audit checkpoint --out /media/usb/audit-2026-12.json"],
    "sirenctl finding resolve 15": [
        "finding add --asset HC-C01 --category signage --severity minor --description 二维码脱落"
    ],
    "sirenctl notice issue --finding 15": [
        "finding add --asset HC-C01 --category corrosion --severity major --description 转轴锈蚀"
    ],
    "sirenctl notice recheck ZG-2026-002": ["notice update ZG-2026-002 --status awaiting_recheck"],
    "sirenctl notice close ZG-2026-002": [
        "notice update ZG-2026-002 --status awaiting_recheck",
        "notice recheck ZG-2026-002 --pass",
    ],
    "sirenctl ledger import inspections": [
        "ledger export inspections --year 2025 --out 纸质台账录入.xlsx"
    ],
    "sirenctl account": ["--user admin account add zhangsf --role technician --name 张师傅"],
    "sirenctl --user admin account": [
        "--user admin account add zhangsf --role technician --name 张师傅",
        "--user admin account add wanggong --role planner --name 王工",
        "--user admin account add lizhuren --role approver --name 李主任",
    ],
    "sirenctl --user lizhuren account": [
        "--user admin account add lizhuren --role approver --name 李主任"
    ],
    "sirenctl account show lizhuren": [
        "--user admin account add lizhuren --role approver --name 李主任"
    ],
    # live soundings of next year to approve (planned, and signed, by another person)
    "sirenctl --user lizhuren approve": ["plan --year 2027"],
}


def new_assets_workbook(home: Path) -> None:
    """新增设备.xlsx: the ledger's own layout (an export) with one new hand-crank siren."""
    import openpyxl

    workbook = openpyxl.load_workbook(home / "新增设备.xlsx")
    sheet = workbook.worksheets[0]
    keep = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "HC-C01")
    for row in range(sheet.max_row, 1, -1):
        if row != keep:
            sheet.delete_rows(row)
    sheet.cell(2, 1).value = "HC-C31"
    sheet.cell(2, 4).value = "东风社区二号手摇警报器"
    workbook.save(home / "新增设备.xlsx")


#: setup done in Python after the commands above: files made from an export
MAKE = {
    "sirenctl ledger import assets": (
        "ledger export assets --out 新增设备.xlsx",
        new_assets_workbook,
    ),
}


def approvable_ids(db_url: str, count: int) -> list[str]:
    """Work orders an approver can approve now (the example's 1201 1202 are an office's own)."""
    from sqlalchemy import select

    from sirenctl.models import Asset
    from sirenctl.models.scheduling import WorkOrder

    db = Database(db_url)
    with db.session() as session:
        ids = session.scalars(
            select(WorkOrder.id)
            .join(Asset, Asset.id == WorkOrder.asset_id)
            .where(WorkOrder.audible.is_(True), WorkOrder.status == "planned")
            .where(Asset.is_bench.is_(False))
            .order_by(WorkOrder.id)
            .limit(count)
        ).all()
    db.dispose()
    assert len(ids) == count
    return [str(i) for i in ids]


#: examples that talk to the demo's controllers: run with its simulated fleet serving
NEEDS_CONTROLLERS = ("sirenctl poll", "sirenctl modbus", "sirenctl cancel", "sirenctl bench",
                     "SIRENCTL_DB=", "sirenctl activate")  # fmt: skip

FILES = {
    "sirens.csv": "tag,site,kind,name\nHC-C21,C01,hand_crank,东风社区二号手摇警报器\n",
    "2027-arrangement.toml": (
        'year = 2027\nsource = "国务院办公厅关于2027年部分节假日安排的通知"\n'
        '[[holiday]]\nname = "春节"\noff = "2027-02-05..2027-02-12"\n'
        'workdays = ["2027-01-31", "2027-02-13"]\n'
    ),
}


def _first(table: Mapping[str, object], line: str) -> str | None:
    """The longest key of ``table`` that ``line`` starts with."""
    keys = [key for key in table if line.startswith(key)]
    return max(keys, key=len) if keys else None


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("demo"))


def argv(line: str, home: Path) -> tuple[list[str], str | None]:
    """The example as the shell would pass it after ``sirenctl`` (``~`` expanded, its own
    ``--db`` and leading ``VAR=value`` or cron fields dropped: the test gives the copy), and
    the file ``> FILE`` sends stdout to. Absolute paths move below ``home``."""
    words = shlex.split(line, comments=True)
    words = words[words.index("sirenctl") + 1 :]
    out = None
    if ">" in words:
        at = words.index(">")
        out, words = words[at + 1], words[:at]
    if "--db" in words:
        at = words.index("--db")
        del words[at : at + 2]
    moved = []
    for word in words:
        if word.startswith("~"):
            word = str(home) + word[1:]
        elif word.startswith(("/media/", "/etc/")):
            word = str(home) + word
        moved.append(word)
    return moved, out


def run(cli: CLI, words: list[str], out: str | None, input: str | None = None) -> Result:
    result = cli(*words, input=input)
    if out:
        Path(out).write_text(result.stdout, encoding="utf-8")
    return result


def prepare(tmp_path: Path, demo_file: Path, monkeypatch: pytest.MonkeyPatch) -> CLI:
    """A fresh copy of the demo in ``tmp_path`` (also the working directory and HOME), with
    the files the examples name, the office's accounts and its bench unit certified."""
    from tests.authority import certify_bench_quietly

    shutil.copyfile(demo_file, tmp_path / "county.db")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "media" / "usb").mkdir(parents=True)
    schedules = Path(__file__).parents[2] / "schedules"
    shutil.copytree(schedules, tmp_path / "etc" / "sirenctl" / "schedules")
    shutil.copyfile(demo_file.with_name("demo.db.anchor"), tmp_path / "county.db.anchor")
    url = f"sqlite:///{tmp_path / 'county.db'}"
    db = Database(url)
    office_accounts(db, "admin", "tester", "li.wei")
    certify_bench_quietly(db, "BENCH-01")
    db.dispose()
    return CLI(url)


def office_accounts(db: Database, *logins: str) -> None:
    """The people the examples name (the demo has only its demo-* accounts), added by the
    demo's administrator with its published passphrase; their passphrases are the tests'
    (tests/authority.py), which the test prompts answer."""
    from sirenctl.security.accounts import Certifier, add_account, find_account
    from sirenctl.security.bootstrap import DEMO_ACCOUNTS, DEMO_ADMIN
    from sirenctl.security.keys import unseal
    from tests.authority import ALL_ROLES, TEST_KDF, passphrase_for

    with db.transaction() as session:
        admin = find_account(session, DEMO_ADMIN)
        assert admin is not None
        passphrase = DEMO_ACCOUNTS[DEMO_ADMIN][1]
        key = unseal(admin.private_key, admin.public_key, admin.kdf, passphrase)
        for login in logins:
            add_account(session, Certifier(admin, key, DEMO_ADMIN), login, ALL_ROLES,
                        passphrase_for(login), params=TEST_KDF)  # fmt: skip


def run_example(cli: CLI, line: str, home: Path) -> None:
    for step in SETUP.get(_first(SETUP, line) or "", []):
        if step not in line:
            done = run(cli, *argv(f"sirenctl {step}", home))
            assert done.exit_code == 0, f"setup {step}\n{done.output}"
    if made := MAKE.get(_first(MAKE, line) or ""):
        command, finish = made
        done = run(cli, *argv(f"sirenctl {command}", home))
        assert done.exit_code == 0, f"setup {command}\n{done.output}"
        finish(home)
    if "approve 1201 1202" in line:
        line = line.replace("1201 1202", " ".join(approvable_ids(cli.url, 2)))
    words, out = argv(line, home)
    expected = EXPECTED.get(_first(EXPECTED, line) or "", 0)
    result = run(cli, words, out, input="no\n" if "activate" in words else None)
    assert result.exit_code == expected, f"{line}\n{result.output}"


RUNNABLE = [
    pytest.param(line, id=line[:60])
    for _name, line in EXAMPLES
    if not _first({**SKIP, **LONG_RUNNING, **ON_A_TERMINAL}, line)
    and not line.startswith(NEEDS_CONTROLLERS)
]


@pytest.mark.parametrize("line", RUNNABLE)
def test_example_runs(
    line: str, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_example(prepare(tmp_path, demo_file, monkeypatch), line, tmp_path)


def test_examples_that_talk_to_controllers(
    demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One test (one fleet on the demo's loopback ports), each example on its own copy."""
    from sirenctl.demo_fleet import demo_fleet_kwargs, demo_sim_specs
    from tests.integration.simthread import fleet_in_thread

    data = demo_file.parent / "data"
    lines = [line for _n, line in EXAMPLES if line.startswith(NEEDS_CONTROLLERS)]
    assert len(lines) >= 8
    specs = demo_sim_specs(data)
    t01 = next(s for s in specs if s.name == "T01")
    with fleet_in_thread(specs, **demo_fleet_kwargs(data)):
        for n, line in enumerate(lines):
            home = tmp_path / str(n)
            home.mkdir()
            cli = prepare(home, demo_file, monkeypatch)
            # the example's --port is the default demo block's; this demo's T01 listens here
            line = line.replace("--port 15021", f"--port {t01.port}")
            run_example(cli, line, home)


@pytest.mark.parametrize("line", [line for _n, line in EXAMPLES if _first(SKIP, line)])
def test_skipped_examples_say_why(line: str) -> None:
    pytest.skip(SKIP[_first(SKIP, line) or ""])


def _read_until(stream: IO[bytes], needle: str, timeout: float = 60.0) -> str:
    """What ``stream`` gave until ``needle`` appeared (or the timeout passed)."""
    seen = b""
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    while needle.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            seen += chunk
    return seen.decode("utf-8", "replace")


@pytest.mark.parametrize("line", [line for _n, line in EXAMPLES if _first(LONG_RUNNING, line)])
def test_long_running_example_serves_and_stops_on_sigterm(
    line: str, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sirenctl.registry.demo import pick_demo_base_port, save_demo_base_port

    prepare(tmp_path, demo_file, monkeypatch)
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    save_demo_base_port(data, pick_demo_base_port())  # sim run: a free block of ports
    ready, code = LONG_RUNNING[_first(LONG_RUNNING, line) or ""]
    if "--tls-cert" in line:
        office_pki(tmp_path)
    words, _out = argv(line, tmp_path)
    assert SIRENCTL
    env = sirenctl_env(tmp_path / "county.db", data)
    proc = subprocess.Popen(
        [SIRENCTL, *words], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        shown = _read_until(proc.stdout, ready)
        assert ready in shown, shown
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == code
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("line", list(ON_A_TERMINAL))
def test_terminal_example_opens_and_quits(
    line: str, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import struct
    import termios
    from fcntl import ioctl

    prepare(tmp_path, demo_file, monkeypatch)
    words, _out = argv(line, tmp_path)
    assert SIRENCTL
    env = {**sirenctl_env(tmp_path / "county.db", tmp_path / "data"), "TERM": "xterm-256color"}
    env["SIRENCTL_KEYMAP"] = str(tmp_path / "none.toml")
    master, slave = os.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [SIRENCTL, *words], stdin=slave, stdout=slave, stderr=slave, env=env,
        start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    reader = os.fdopen(master, "rb", buffering=0)
    try:
        shown = _read_until(reader, ON_A_TERMINAL[line])
        assert ON_A_TERMINAL[line] in shown, shown[-2000:]
        os.write(master, b"q")
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                _read_until(reader, "\0never", timeout=0.2)  # keep the terminal drained
            except OSError:
                break
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        reader.close()
