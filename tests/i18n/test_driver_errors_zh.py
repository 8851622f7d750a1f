"""Driver errors in the user's language (issue 13): a real failure of a simulated controller
over loopback (no answer, an exception reply, a garbled reply, nothing listening) reaches
`sirenctl modbus read` as a typed driver error (drivers/problems.py) and is shown in Chinese
under ``--lang zh`` and in English under ``--lang en``, with the documented exit code."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sirenctl.cli.common import ExitCode
from sirenctl.cli.main import cli
from sirenctl.i18n import Language, set_language
from tests.integration.simthread import fleet_in_thread

pytest.importorskip("sirenctl.simulators.fleet")


@pytest.fixture(scope="module")
def fleet() -> Iterator[Any]:
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimSpec

    specs = [
        SimSpec("OK"),
        SimSpec("SILENT", faults=Faults(silent=True)),
        SimSpec("GARBLE", faults=Faults(garble=True)),
    ]
    with fleet_in_thread(specs, timeout=0.3) as running:
        yield running
    set_language(Language.EN)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _read(db: Path, lang: str, host: str, port: int, address: int = 0) -> Any:
    args = ["--lang", lang, "--db", str(db), "modbus", "read", "--host", host, "--port", str(port)]
    args += ["--timeout", "0.3", "--address", str(address), "--count", "2", "--input"]
    return CliRunner().invoke(cli, args)


# (simulator or None for a closed port, address, exit code, Chinese, English)
CASES = [
    (
        "SILENT",
        0,
        ExitCode.UNREACHABLE,
        "从站 1 在 0.3 秒内没有应答",
        "no reply from unit 1 within",
    ),
    (
        "OK",
        60000,
        ExitCode.DEVICE_FAULT,
        "从站 1 返回异常 2（非法数据地址）",
        "illegal data address",
    ),
    ("GARBLE", 0, ExitCode.UNREACHABLE, "的请求收到了从站 1 功能码", "to a request for unit 1"),
    (None, 0, ExitCode.UNREACHABLE, "无法连接 modbus_tcp 127.0.0.1", "cannot connect to"),
]


@pytest.mark.parametrize(
    ("sim", "address", "code", "chinese", "english"), CASES, ids=[str(c[0]) for c in CASES]
)
def test_driver_failure_in_chinese_and_english(
    fleet: Any, tmp_path: Path, sim: str | None, address: int, code: int, chinese: str, english: str
) -> None:
    if sim is None:
        host, port = "127.0.0.1", _free_port()  # nothing listens there
    else:
        ep = fleet.endpoints[sim]
        host, port = str(ep.host), int(ep.port)
    db = tmp_path / "x.db"
    zh = _read(db, "zh", host, port, address)
    assert zh.exit_code == code, zh.output
    assert chinese in zh.output and english not in zh.output, zh.output
    assert "Traceback" not in zh.output
    en = _read(db, "en", host, port, address)
    assert en.exit_code == code, en.output
    assert english in en.output and chinese not in en.output, en.output


def test_driver_text_keeps_english_and_its_code() -> None:
    """The English sentence is what logs and audit records keep; JSON names the stable code."""
    from sirenctl.drivers.errors import RequestTimeout
    from sirenctl.drivers.problems import DriverProblem, DriverText
    from sirenctl.i18n import localized

    exc = RequestTimeout(DriverText(DriverProblem.NO_REPLY, unit=3, timeout=0.5), target="T09")
    set_language(Language.ZH)
    try:
        assert str(exc) == "T09: no reply from unit 3 within 0.5 s"
        assert localized(exc) == "T09：从站 3 在 0.5 秒内没有应答"
        assert exc.to_dict()["problem"] == "no_reply"
        assert exc.to_dict()["message"] == str(exc)
    finally:
        set_language(Language.EN)
    assert localized(exc) == str(exc)
