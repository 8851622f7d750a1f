"""Register maps are data: one TOML file per controller model in ``maps/``.

This module loads a map, validates it (errors name the file and the field) and turns
raw registers into canonical values and back. The driver uses the decode side, the
simulators the encode side, so a new model is one TOML file (see docs/register-map.md).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

from .problems import DriverProblem as P
from .problems import DriverText
from .signals import (
    AIR_RAID,
    ALL_CLEAR,
    GROWL,
    PRE_ALERT,
    SILENT_TEST,
    STOP,
    SignalTable,
    parse_signal,
)

FIELD_TYPES = (
    "bool",
    "u16",
    "s16",
    "u32",
    "s32",
    "enum",
    "function",
    "string",
    "version",
    "version_pair",
)
_WIDTH = {"u32": 2, "s32": 2, "version_pair": 2}
STATUS_FIELDS = (
    "mains_present",
    "battery_volts",
    "door_open",
    "sounding",
    "current_signal",
    "last_function",
    "last_function_time",
    "device_clock",
    "firmware",
)  # required; optional: rotation_fault, amplifier_fault, cycles_remaining, last_token, self_test, kind
OPTIONAL_FIELDS = (
    "rotation_fault",
    "amplifier_fault",
    "cycles_remaining",
    "last_token",
    "self_test",
    "kind",
    "battery_low",
)
COMMAND_PARTS = ("function", "cycles", "token")
_CANONICAL_NAMES = {
    "stop": STOP,
    "pre_alert": PRE_ALERT,
    "air_raid": AIR_RAID,
    "all_clear": ALL_CLEAR,
    "growl": GROWL,
    "silent_test": SILENT_TEST,
}


class MapError(ValueError):
    """A register map file is invalid."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    reg: int
    type: str = "u16"
    bit: int | None = None
    scale: float = 1.0
    invert: bool = False
    length: int = 1  # registers, for strings
    values: dict[int, str] = field(default_factory=dict)  # enum

    @property
    def width(self) -> int:
        return self.length if self.type == "string" else _WIDTH.get(self.type, 1)


@dataclass(frozen=True)
class Block:
    function: int  # 3 = holding registers, 4 = input registers
    address: int
    count: int
    fields: dict[str, FieldSpec]


@dataclass(frozen=True)
class RegisterMap:
    name: str
    vendor: str
    description: str
    kind: str
    word_order: str
    status: Block
    identity: Block | None
    command_address: int
    command_layout: tuple[str, ...]
    trigger: str
    echo_delay: float
    echo_tolerance: float
    to_device: dict[int, int]
    signals: SignalTable
    source: str = ""

    @cached_property
    def from_device(self) -> dict[int, int]:
        return {v: k for k, v in self.to_device.items()}

    @cached_property
    def _decoders(self) -> dict[int, list[tuple[str, Callable[[list[int]], Any]]]]:
        """Per block (by id): one specialised decoder closure per field, built once."""
        out = {}
        for b in (self.status, self.identity):
            if b is not None:
                out[id(b)] = [(n, self._compile(s, s.reg - b.address)) for n, s in b.fields.items()]
        return out

    def _compile(self, spec: FieldSpec, i: int) -> Callable[[list[int]], Any]:
        t, scale = spec.type, spec.scale
        if t == "bool":
            bit, inv = spec.bit or 0, spec.invert
            return (lambda r: not (r[i] >> bit & 1)) if inv else (lambda r: bool(r[i] >> bit & 1))
        if t == "u16" and scale == 1.0:
            return lambda r: r[i]
        if t == "function":
            back = self.from_device
            return lambda r: back.get(r[i], -r[i] if r[i] else 0)
        if t == "u32" and scale == 1.0:
            j, k = (i, i + 1) if self.word_order == "big" else (i + 1, i)
            return lambda r: r[j] << 16 | r[k]
        if t == "enum":
            values = spec.values
            return lambda r: values.get(r[i], f"unknown({r[i]})")
        return lambda r: self._decode(t, spec, r, i)

    @property
    def has_token(self) -> bool:
        return "token" in self.command_layout

    def command_range(self) -> range:
        return range(self.command_address, self.command_address + len(self.command_layout))

    def is_audible_address(self, address: int, count: int = 1) -> bool:
        """True if a write to ``address..address+count-1`` touches the command block."""
        r = self.command_range()
        return address < r.stop and address + count > r.start

    # ---- values <-> registers ------------------------------------------------------
    def _u32(self, hi_first: list[int]) -> int:
        a, b = hi_first
        return (a << 16 | b) if self.word_order == "big" else (b << 16 | a)

    def _split32(self, value: int) -> list[int]:
        hi, lo = (value >> 16) & 0xFFFF, value & 0xFFFF
        return [hi, lo] if self.word_order == "big" else [lo, hi]

    def _decode(self, t: str, spec: FieldSpec, regs: list[int], i: int) -> Any:
        if t == "bool":
            v = bool(regs[i] >> spec.bit & 1)  # type: ignore[operator]
            return (not v) if spec.invert else v
        if t == "u16" or t == "s16":
            n = regs[i] - 0x10000 if t == "s16" and regs[i] & 0x8000 else regs[i]
            return round(n * spec.scale, 6) if spec.scale != 1.0 else n
        if t == "function":
            raw = regs[i]
            return self.from_device.get(raw, -raw if raw else 0)
        if t == "u32" or t == "s32":
            n = self._u32(regs[i : i + 2])
            if t == "s32" and n & 0x80000000:
                n -= 1 << 32
            return round(n * spec.scale, 6) if spec.scale != 1.0 else n
        if t == "enum":
            return spec.values.get(regs[i], f"unknown({regs[i]})")
        if t == "string":
            b = b"".join(r.to_bytes(2, "big") for r in regs[i : i + spec.length])
            return b.split(b"\0", 1)[0].decode("ascii", "replace").strip()
        if t == "version":
            return f"{regs[i] >> 8}.{regs[i] & 0xFF}"
        if t == "version_pair":
            return f"{regs[i]}.{regs[i + 1]}"
        raise MapError(f"{self.name}: unsupported type {t}")

    def _encode(self, spec: FieldSpec, value: Any, regs: list[int], base: int) -> None:
        i = spec.reg - base
        t = spec.type
        if t == "bool":
            bit = 1 << (spec.bit or 0)
            on = bool(value) != spec.invert
            regs[i] = (regs[i] | bit) if on else (regs[i] & ~bit & 0xFFFF)
            return
        if t in ("u16", "s16", "u32", "s32"):
            n = round(float(value or 0) / spec.scale)
            if t in ("u16", "s16"):
                regs[i] = n & 0xFFFF
            else:
                regs[i : i + 2] = self._split32(n & 0xFFFFFFFF)
            return
        if t == "enum":
            rev = {v: k for k, v in spec.values.items()}
            regs[i] = rev.get(value, 0)
            return
        if t == "function":
            regs[i] = self.to_device.get(int(value or 0), 0)
            return
        if t == "string":
            b = str(value).encode("ascii")[: 2 * spec.length].ljust(2 * spec.length, b"\0")
            regs[i : i + spec.length] = [
                int.from_bytes(b[k : k + 2], "big") for k in range(0, len(b), 2)
            ]
            return
        major, minor = (int(x) for x in str(value).split(".")[:2])
        if t == "version":
            regs[i] = (major & 0xFF) << 8 | (minor & 0xFF)
        else:
            regs[i : i + 2] = [major, minor]

    def decode_block(self, block: Block, regs: list[int]) -> dict[str, Any]:
        if len(regs) < block.count:
            raise ValueError(f"{self.name}: expected {block.count} registers, got {len(regs)}")
        return {n: dec(regs) for n, dec in self._decoders[id(block)]}

    def encode_block(self, block: Block, values: dict[str, Any]) -> list[int]:
        regs = [0] * block.count
        for n, s in block.fields.items():
            if n in values and values[n] is not None:
                self._encode(s, values[n], regs, block.address)
        return regs

    def encode_command(self, code: int, cycles: int, token: int | None) -> list[int]:
        if code not in self.to_device:
            raise KeyError(f"{self.name}: signal code {code} has no device function code")
        parts = {"function": self.to_device[code], "cycles": cycles, "token": token or 0}
        return [parts[p] & 0xFFFF for p in self.command_layout]

    def decode_command(self, regs: list[int]) -> dict[str, int]:
        """Canonical view of the command registers (function translated back)."""
        raw = dict(zip(self.command_layout, regs, strict=False))
        out = {"cycles": raw.get("cycles", 0), "token": raw.get("token", 0)}
        out["function"] = self.from_device.get(raw.get("function", 0), -1)
        return out


# ---- loading ------------------------------------------------------------------------


def available_maps() -> list[str]:
    folder = resources.files("sirenctl.drivers") / "maps"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


_CACHE: dict[str, RegisterMap] = {}


def load_map(name: str) -> RegisterMap:
    """Load the packaged map for model ``name`` (cached)."""
    if name in _CACHE:
        return _CACHE[name]
    res = resources.files("sirenctl.drivers") / "maps" / f"{name}.toml"
    if not res.is_file():
        raise MapError(DriverText(P.NO_REGISTER_MAP, model=name, known=", ".join(available_maps())))
    m = parse_map(tomllib.loads(res.read_text("utf-8")), f"maps/{name}.toml")
    if m.name != name:
        raise MapError(f"maps/{name}.toml: [model] name = {m.name!r} must match the file name")
    _CACHE[name] = m
    return m


def _int(d: dict[str, Any], key: str, where: str, lo: int = 0, hi: int = 65535) -> int:
    v = d.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise MapError(f"{where}: {key} = {v!r} must be an integer {lo}..{hi}")
    return v


def _field(name: str, d: Any, where: str) -> FieldSpec:
    w = f"{where}.{name}"
    if not isinstance(d, dict):
        raise MapError(f'{w}: must be a table like {{ reg = 0, type = "u16" }}')
    unknown = set(d) - {"reg", "type", "bit", "scale", "invert", "length", "values"}
    if unknown:
        raise MapError(f"{w}: unknown key(s) {', '.join(sorted(unknown))}")
    t = d.get("type", "bool" if "bit" in d else "u16")
    if t not in FIELD_TYPES:
        raise MapError(f"{w}: type = {t!r} must be one of {', '.join(FIELD_TYPES)}")
    bit = d.get("bit")
    if t == "bool" and (not isinstance(bit, int) or not 0 <= bit <= 15):
        raise MapError(f"{w}: bool fields need bit = 0..15")
    values = {}
    if t == "enum":
        raw = d.get("values")
        if not isinstance(raw, dict) or not raw:
            raise MapError(f'{w}: enum fields need values = {{ "0" = "none", ... }}')
        try:
            values = {int(k, 0): str(v) for k, v in raw.items()}
        except ValueError as exc:
            raise MapError(f"{w}: enum keys must be integers as strings ({exc})") from exc
    scale = d.get("scale", 1.0)
    if not isinstance(scale, (int, float)) or scale == 0:
        raise MapError(f"{w}: scale = {scale!r} must be a non-zero number")
    return FieldSpec(
        name,
        _int(d, "reg", w),
        t,
        bit,
        float(scale),
        bool(d.get("invert", False)),
        int(d.get("length", 1)),
        values,
    )


def _block(d: Any, where: str, required: tuple[str, ...]) -> Block:
    if not isinstance(d, dict):
        raise MapError(f"{where}: missing table")
    fn = d.get("function")
    if fn not in (3, 4):
        raise MapError(f"{where}: function = {fn!r} must be 3 (holding) or 4 (input registers)")
    addr = _int(d, "address", where)
    count = _int(d, "count", where, 1, 125)
    raw_fields = d.get("fields")
    if not isinstance(raw_fields, dict):
        raise MapError(f"{where}.fields: missing table")
    fields = {n: _field(n, v, f"{where}.fields") for n, v in raw_fields.items()}
    for n in required:
        if n not in fields:
            raise MapError(f"{where}.fields: required field {n!r} missing")
    for f in fields.values():
        if not (addr <= f.reg and f.reg + f.width <= addr + count):
            raise MapError(
                f"{where}.fields.{f.name}: reg {f.reg} (+{f.width}) outside block {addr}..{addr + count - 1}"
            )
    return Block(fn, addr, count, fields)


def parse_map(data: dict[str, Any], where: str) -> RegisterMap:
    model = data.get("model")
    if not isinstance(model, dict) or not model.get("name"):
        raise MapError(f"{where}: [model] table with name is required")
    word_order = model.get("word_order", "big")
    if word_order not in ("big", "little"):
        raise MapError(f"{where}: [model] word_order = {word_order!r} must be big or little")
    kind = model.get("kind", "any")
    if kind not in ("any", "motor", "electronic"):
        raise MapError(f"{where}: [model] kind = {kind!r} must be any, motor or electronic")
    status = _block(data.get("status"), f"{where} [status]", STATUS_FIELDS)
    unknown = set(status.fields) - set(STATUS_FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        raise MapError(f"{where} [status.fields]: unknown field(s) {', '.join(sorted(unknown))}")
    identity = (
        _block(data["identity"], f"{where} [identity]", ("model", "serial"))
        if "identity" in data
        else None
    )
    cmd = data.get("command")
    if not isinstance(cmd, dict):
        raise MapError(f"{where}: [command] table is required")
    layout = tuple(cmd.get("layout", ()))
    if (
        "function" not in layout
        or "cycles" not in layout
        or set(layout) - set(COMMAND_PARTS)
        or len(set(layout)) != len(layout)
    ):
        raise MapError(
            f"{where} [command]: layout = {list(layout)} must list function, cycles "
            "and optionally token, each once"
        )
    trigger = cmd.get("trigger", "token" if "token" in layout else "function")
    if trigger not in layout:
        raise MapError(
            f"{where} [command]: trigger = {trigger!r} must be one of the layout registers"
        )
    funcs = data.get("functions")
    if not isinstance(funcs, dict):
        raise MapError(f"{where}: [functions] table (canonical name -> device code) is required")
    to_device: dict[int, int] = {}
    for key in funcs:
        if key not in _CANONICAL_NAMES:
            raise MapError(
                f"{where} [functions]: unknown name {key!r} (known: {', '.join(_CANONICAL_NAMES)})"
            )
        to_device[_CANONICAL_NAMES[key]] = _int(funcs, key, f"{where} [functions]")
    for req in ("stop", "pre_alert", "air_raid", "all_clear"):
        if req not in funcs:
            raise MapError(f"{where} [functions]: {req} is required")
    extra = []
    for i, entry in enumerate(data.get("disaster_signal", [])):
        w = f"{where} [[disaster_signal]] #{i + 1}"
        try:
            sig = parse_signal(entry, w)
        except ValueError as exc:
            raise MapError(str(exc)) from exc
        to_device[sig.code] = _int(entry, "device_code", w)
        extra.append(sig)
    if len(set(to_device.values())) != len(to_device):
        raise MapError(f"{where}: two signals share one device function code")
    try:
        signals = SignalTable(extra)
    except ValueError as exc:
        raise MapError(f"{where}: {exc}") from exc
    return RegisterMap(
        name=str(model["name"]),
        vendor=str(model.get("vendor", "")),
        description=str(model.get("description", "")),
        kind=kind,
        word_order=word_order,
        status=status,
        identity=identity,
        command_address=_int(cmd, "address", f"{where} [command]"),
        command_layout=layout,
        trigger=trigger,
        echo_delay=float(cmd.get("echo_delay", 0.0)),
        echo_tolerance=float(cmd.get("echo_tolerance", 5.0)),
        to_device=to_device,
        signals=signals,
        source=where,
    )
