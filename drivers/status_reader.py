"""A register map's status block decoded straight into a :class:`Status` (issue 12).

A status sweep of 1,000 controllers decodes 1,000 blocks; going through a dictionary of
per-field closures and then keyword arguments cost about as much as pymodbus' own decoding.
:func:`compile_status_reader` turns the map into one function, generated once per map (as
``collections.namedtuple`` does), that gives exactly what
:meth:`~.modbus_driver.ModbusSirenDriver.status_from_registers` gives through
:meth:`~.regmap.RegisterMap.decode_block`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .regmap import FieldSpec, RegisterMap
from .status import Status

StatusReader = Callable[[list[int], float], Status]

# Status field -> how the driver converts the map's value ("opt": None when the map lacks it)
_FIELDS = (
    ("mains_present", "bool"), ("battery_volts", "float"), ("door_open", "bool"),
    ("sounding", "bool"), ("current_signal", "int"), ("last_function", "int"),
    ("last_function_time", "float_or_none"), ("device_clock", "float_or_none"),
    ("firmware", "str"), ("rotation_fault", "opt"), ("amplifier_fault", "opt"),
    ("cycles_remaining", "opt"), ("last_token", "opt"), ("self_test", "opt"),
    ("battery_low", "bool_or_false"),
)  # fmt: skip
_REQUIRED = {name for name, how in _FIELDS if how in ("bool", "float", "int", "str")}
_REQUIRED |= {"last_function_time", "device_clock"}


def compile_status_reader(regmap: RegisterMap) -> StatusReader | None:
    """The generated reader, or None when the map lacks a field the driver requires (the
    dictionary path then raises as it always did)."""
    block = regmap.status
    if not set(block.fields) >= _REQUIRED:
        return None
    names: dict[str, Any] = {"Status": Status, "back": regmap.from_device}
    decoders = dict(regmap._decoders[id(block)])  # noqa: SLF001 - the map's own closures
    exprs: dict[str, str] = {}
    for n, (name, spec) in enumerate(block.fields.items()):
        exprs[name] = _expression(regmap, spec, spec.reg - block.address, n, names)
        names[f"dec{n}"] = decoders[name]
    args = []
    for name, how in _FIELDS:
        e = exprs.get(name)
        if e is None:
            args.append("False" if how == "bool_or_false" else "None")
        elif how in ("bool", "float", "int", "str"):
            args.append(f"{how}({e})")
        elif how == "float_or_none":
            args.append(f"(float({e}) or None)")
        else:
            args.append(f"bool({e})" if how == "bool_or_false" else e)
    default_kind = regmap.kind if regmap.kind != "any" else None
    names["default_kind"] = default_kind
    kind = exprs.get("kind", "None")
    source = (
        "def read(r, read_at):\n"
        f"    kind = {kind}\n"
        "    if kind is None or kind == 'unknown':\n"
        "        kind = default_kind\n"
        f"    return Status({', '.join(args)}, kind, read_at)\n"
    )
    exec(source, names)  # noqa: S102 - generated from the parsed map, not from input
    reader: StatusReader = names["read"]
    return reader


def _expression(m: RegisterMap, s: FieldSpec, i: int, n: int, names: dict[str, Any]) -> str:
    """Python source for one field (what the map's closure for it computes)."""
    t = s.type
    if t == "bool":
        bit = s.bit or 0
        return f"(not (r[{i}] >> {bit} & 1))" if s.invert else f"bool(r[{i}] >> {bit} & 1)"
    if t == "u16":
        return f"r[{i}]" if s.scale == 1.0 else f"round(r[{i}] * {s.scale!r}, 6)"
    if t == "function":
        return f"back.get(r[{i}], -r[{i}] if r[{i}] else 0)"
    if t == "u32" and s.scale == 1.0:
        j, k = (i, i + 1) if m.word_order == "big" else (i + 1, i)
        return f"(r[{j}] << 16 | r[{k}])"
    if t == "enum":
        names[f"values{n}"] = s.values
        return f"values{n}.get(r[{i}], f'unknown({{r[{i}]}})')"
    if t == "version":
        return f"f'{{r[{i}] >> 8}}.{{r[{i}] & 0xFF}}'"
    return f"dec{n}(r)"  # other types: the map's own decoder
