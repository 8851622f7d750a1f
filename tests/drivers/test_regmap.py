"""Register maps are data: decode raw registers exactly as docs/register-map.md describes."""

from __future__ import annotations

import pytest

from sirenctl.drivers.regmap import MapError, available_maps, load_map, parse_map
from sirenctl.drivers.signals import AIR_RAID, ALL_CLEAR, BUILTIN, PRE_ALERT


def test_both_models_ship() -> None:
    assert {"sirenctl-generic", "hs-ms400"} <= set(available_maps())


def test_generic_status_decodes_documented_layout() -> None:
    m = load_map("sirenctl-generic")
    # hand-built per docs: reg0 bits mains|sounding, 27.20 V, air raid, 1 cycle left,
    # last function air raid at 0x68CB83C0 (big word order), clock 0x68CB83CA, token 7,
    # firmware 2.3, self-test pass, electronic
    regs = [0b10001, 2720, 2, 1, 2, 0x68CB, 0x83C0, 0x68CB, 0x83CA, 7, 0x0203, 1, 2, 0]
    v = m.decode_block(m.status, regs)
    assert v["mains_present"] and v["sounding"] and not v["door_open"]
    assert v["battery_volts"] == 27.2
    assert v["current_signal"] == AIR_RAID and v["last_function"] == AIR_RAID
    assert v["last_function_time"] == 0x68CB83C0 and v["device_clock"] == 0x68CB83CA
    assert (v["last_token"], v["firmware"], v["self_test"], v["kind"]) == (
        7,
        "2.3",
        "pass",
        "electronic",
    )


def test_second_model_has_its_own_layout() -> None:
    m = load_map("hs-ms400")
    # reg 4000: bit0 mains FAIL, bit7 intrusion, bit8 running; decivolts; device codes 0x11..;
    # 32-bit values low word first; firmware in two registers
    regs = [0b1_1000_0001, 243, 0x11, 0x13, 0x83C0, 0x68CB, 0x83CA, 0x68CB, 4, 1, 2, 0xAA]
    v = m.decode_block(m.status, regs)
    assert v["mains_present"] is False and v["door_open"] is True and v["sounding"] is True
    assert v["battery_volts"] == pytest.approx(24.3)
    assert v["current_signal"] == PRE_ALERT and v["last_function"] == ALL_CLEAR
    assert v["last_function_time"] == 0x68CB83C0 and v["device_clock"] == 0x68CB83CA
    assert v["firmware"] == "4.1" and v["cycles_remaining"] == 2 and v["self_test"] == "fail"
    assert "amplifier_fault" not in v  # a motor-only controller does not report it


def test_command_encoding_differs_per_model() -> None:
    assert load_map("sirenctl-generic").encode_command(AIR_RAID, 2, 99) == [2, 2, 99]
    hs = load_map("hs-ms400")
    assert hs.encode_command(AIR_RAID, 2, None) == [2, 0x12]  # cycles first, no token
    assert hs.is_audible_address(4101) and not hs.is_audible_address(4000, 12)


def test_signal_timings_match_national_rules() -> None:
    assert BUILTIN[PRE_ALERT].on_intervals(1) == [(0, 36), (60, 96), (120, 156)]
    assert len(BUILTIN[AIR_RAID].on_intervals(1)) == 15
    assert BUILTIN[ALL_CLEAR].on_intervals(1) == [(0, 180)]
    assert all(BUILTIN[c].duration(1) == 180 for c in (PRE_ALERT, AIR_RAID, ALL_CLEAR))


def _minimal(**over: object) -> dict:
    d = {
        "model": {"name": "x"},
        "status": {
            "function": 4,
            "address": 0,
            "count": 10,
            "fields": {
                "mains_present": {"reg": 0, "bit": 0},
                "battery_volts": {"reg": 1},
                "door_open": {"reg": 0, "bit": 1},
                "sounding": {"reg": 0, "bit": 2},
                "current_signal": {"reg": 2, "type": "function"},
                "last_function": {"reg": 3, "type": "function"},
                "last_function_time": {"reg": 4, "type": "u32"},
                "device_clock": {"reg": 6, "type": "u32"},
                "firmware": {"reg": 8, "type": "version"},
            },
        },
        "command": {"address": 100, "layout": ["function", "cycles"]},
        "functions": {"stop": 0, "pre_alert": 1, "air_raid": 2, "all_clear": 3},
    }
    d.update(over)
    return d


def test_minimal_map_parses_and_errors_name_the_field() -> None:
    assert parse_map(_minimal(), "x.toml").trigger == "function"
    bad = _minimal()
    bad["status"]["fields"]["device_clock"] = {"reg": 9, "type": "u32"}
    with pytest.raises(MapError, match=r"x.toml \[status\].fields.device_clock: reg 9"):
        parse_map(bad, "x.toml")
    with pytest.raises(MapError, match=r"\[functions\]: unknown name 'siren'"):
        parse_map(_minimal(functions={"siren": 1}), "x.toml")
    with pytest.raises(MapError, match="function = 5"):
        parse_map(_minimal(status={**_minimal()["status"], "function": 5}), "x.toml")


def test_bench_protocol_frames_match_the_docs() -> None:
    from sirenctl.drivers import bench_protocol as bp

    assert bp.encode("$ST") == b"$ST*23\r\n"
    assert bp.decode(b"!SND sig=2 cyc=1 tok=17*14\r\n") == "!SND sig=2 cyc=1 tok=17"
    with pytest.raises(bp.FrameError, match="checksum mismatch"):
        bp.decode(b"$ST*24\r\n")
    with pytest.raises(bp.FrameError, match="no checksum"):
        bp.decode(b"$ST\r\n")
    r = bp.parse_reply("?SND 3 unknown signal 42")
    assert not r.ok and r.error_code == 3


@pytest.mark.parametrize("model", sorted(available_maps()))
def test_generated_status_reader_matches_the_field_decoders(model: str) -> None:
    """drivers/status_reader.py gives the very Status the per-field decoders give."""
    import random

    from sirenctl.drivers.endpoint import Endpoint
    from sirenctl.drivers.modbus_driver import ModbusSirenDriver
    from sirenctl.drivers.modbus_link import ModbusLink
    from sirenctl.drivers.status import Status
    from sirenctl.drivers.status_reader import compile_status_reader

    m = load_map(model)
    reader = compile_status_reader(m)
    assert reader is not None
    ep = Endpoint(transport="modbus_tcp", host="127.0.0.1", port=1502, model=model)
    driver = ModbusSirenDriver("T", ep, ModbusLink(ep), m)
    rng = random.Random(12)
    for _ in range(3000):
        regs = [rng.choice([0, 1, 2, 5, 0xFF, 0x8000, 0xFFFF, rng.randrange(65536)])
                for _ in range(m.status.count)]  # fmt: skip
        v = m.decode_block(m.status, regs)
        want = driver.status_from_fields(v, 12.5)
        got = reader(regs, 12.5)
        assert isinstance(got, Status) and got == want
        assert [type(x) for x in got] == [type(x) for x in want]
        assert driver.status_from_registers(regs, 12.5) == want
