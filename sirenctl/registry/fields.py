"""Field definitions for sites and assets: parsing, validation and the CSV header names.

One table drives the CLI options, CSV import/export headers (English and Chinese) and the error
messages, so the three never disagree. Parsers take text and return a value or raise ValueError
with a message fit for a technician.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sirenctl.i18n import N_, _
from sirenctl.models.enums import AssetKind, AssetStatus, Transport
from sirenctl.registry.errors import FieldProblem

Parser = Callable[[str], Any]


def parse_text(raw: str) -> str:
    return raw.strip()


def parse_int(raw: str) -> int:
    try:
        return int(raw.strip().replace(",", ""))
    except ValueError:
        raise ValueError(_("not a whole number")) from None


INT_MAX = 2_147_483_647  # PostgreSQL INTEGER; a larger number would fail only at the insert


def parse_non_negative_int(raw: str) -> int:
    value = parse_int(raw)
    if value < 0:
        raise ValueError(_("must not be negative"))
    if value > INT_MAX:
        raise ValueError(_("must be at most {limit}").format(limit=INT_MAX))
    return value


def parse_float(raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(_("not a number")) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(_("not a finite number"))
    return value


def _ranged_float(low: float, high: float, what: str) -> Parser:
    def parse(raw: str) -> float:
        try:
            value = float(raw)  # as parse_float, without its call for every cell
        except ValueError:
            value = parse_float(raw)  # says why
        if not low <= value <= high:
            parse_float(raw)  # NaN and infinities: "not a finite number"
            raise ValueError(
                _("{what} must be between {low:g} and {high:g}").format(
                    what=_(what), low=low, high=high
                )
            )
        return value

    return parse


def _ranged_int(low: int, high: int, what: str) -> Parser:
    def parse(raw: str) -> int:
        value = parse_int(raw)
        if not low <= value <= high:
            raise ValueError(
                _("{what} must be between {low} and {high}").format(
                    what=_(what), low=low, high=high
                )
            )
        return value

    return parse


parse_latitude = _ranged_float(-90, 90, N_("latitude"))
parse_longitude = _ranged_float(-180, 180, N_("longitude"))
parse_sound_level = _ranged_float(0, 200, N_("sound level (dB)"))
parse_distance = _ranged_float(0.1, 100_000, N_("distance (m)"))
parse_port = _ranged_int(1, 65535, N_("TCP port"))
parse_unit_id = _ranged_int(1, 247, N_("Modbus unit id"))

_TRUE = {"1", "true", "yes", "y", "on", "是", "有", "t"}
_FALSE = {"0", "false", "no", "n", "off", "否", "无", "f"}


def parse_bool(raw: str) -> bool:
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("expected yes/no (true/false, 1/0, 是/否)"))


def parse_date(raw: str) -> date:
    text = raw.strip().replace("/", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        from sirenctl.dates import impossible_date

        raise ValueError(impossible_date(text) or _("expected a date as YYYY-MM-DD")) from None


def parse_timezone(raw: str) -> str:
    text = raw.strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(_("unknown time zone (use an IANA name such as Asia/Shanghai)")) from None
    return text


def parse_serial_settings(raw: str) -> str:
    """``9600 8N1`` style, normalised; valid exactly when the driver layer can open the line."""
    from sirenctl.drivers.endpoint import Endpoint  # pure data: no pymodbus, no pyserial

    try:
        p = Endpoint.parse_serial_settings(raw)
    except ValueError:
        raise ValueError(
            _(
                "expected serial settings such as '9600 8N1' (a standard baud rate, "
                "data bits 5-8, parity N/E/O, stop bits 1-2)"
            )
        ) from None
    return f"{p['baudrate']} {p['bytesize']}{p['parity']}{p['stopbits']}"


def _enum_parser(enum: type[StrEnum], aliases: dict[str, str] | None = None) -> Parser:
    choices = ", ".join(v.value for v in enum)
    aliases = aliases or {}

    known = {v.value: v.value for v in enum}  # a dict lookup: Enum(value) costs ~1 µs a cell

    def parse(raw: str) -> str:
        text = raw.strip()
        key = aliases.get(text, text.lower().replace("-", "_").replace(" ", "_"))
        value = known.get(key)
        if value is None:
            raise ValueError(_("unknown value; expected one of: {choices}").format(choices=choices))
        return value

    return parse


KIND_ALIASES = {
    "手摇": "hand_crank",
    "手摇警报器": "hand_crank",
    "电动": "motor",
    "电动警报器": "motor",
    "电声": "electronic",
    "电声警报器": "electronic",
    "多媒体": "multimedia",
    "多媒体警报器": "multimedia",
    "控制器": "controller",
    "其他": "other",
}
STATUS_ALIASES = {
    "在用": "in_service",
    "故障": "faulty",
    "维修中": "under_repair",
    "报废": "retired",
}

parse_kind = _enum_parser(AssetKind, KIND_ALIASES)
parse_status = _enum_parser(AssetStatus, STATUS_ALIASES)
parse_transport = _enum_parser(Transport)


def as_entered(value: object) -> str:
    """A number as a person typed it: ``117.02``, not the float ``117.02000000000001``
    (seven decimals of a degree are about a centimetre)."""
    if isinstance(value, float):
        return f"{value:.7f}".rstrip("0").rstrip(".")
    return str(value)


def field_label(key: str, zh: str = "") -> str:
    """A field's name as a word for forms and detail views: the Chinese header in Chinese,
    the key in words (``controller_transport`` -> ``Controller transport``) in English."""
    from sirenctl.i18n import Language, current_language

    if zh and current_language() is Language.ZH:
        return zh
    return key.removeprefix("is_").replace("_", " ").capitalize()


@dataclass(frozen=True)
class FieldSpec:
    key: str  # attribute on the model (and English CSV header)
    zh: str  # Chinese CSV header
    help: str
    parse: Parser = parse_text
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return field_label(self.key, self.zh)


SITE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "code",
        "编码",
        N_("Unique site code, e.g. C01"),
        required=True,
        aliases=("社区编码", "site_code"),
    ),
    FieldSpec(
        "name",
        "名称",
        N_("Community name, e.g. 东风社区"),
        required=True,
        aliases=("社区名称", "社区"),
    ),
    FieldSpec("district", "区县", N_("District")),
    FieldSpec("subdistrict", "街道", N_("Subdistrict / township"), aliases=("乡镇",)),
    FieldSpec("address", "地址", N_("Street address")),
    FieldSpec("latitude", "纬度", N_("Latitude, decimal degrees (WGS-84)"), parse_latitude),
    FieldSpec("longitude", "经度", N_("Longitude, decimal degrees (WGS-84)"), parse_longitude),
    FieldSpec("population", "人口", N_("Residents"), parse_non_negative_int),
    FieldSpec("contact_person", "联系人", N_("Contact person")),
    FieldSpec("contact_phone", "联系电话", N_("Contact phone"), aliases=("电话",)),
    FieldSpec("timezone", "时区", N_("IANA time zone used for scheduling"), parse_timezone),
)

ASSET_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "tag",
        "标签",
        N_("Unique asset tag (the QR label text)"),
        required=True,
        aliases=("编号", "二维码", "资产编号"),
    ),
    FieldSpec(
        "site",
        "社区编码",
        N_("Code of the site the asset belongs to"),
        required=True,
        aliases=("site_code", "所属社区", "站点"),
    ),
    FieldSpec(
        "kind",
        "类型",
        N_("hand_crank, motor, electronic, multimedia, controller or other"),
        parse_kind,
        required=True,
    ),
    FieldSpec("name", "名称", N_("Display name")),
    FieldSpec("make", "厂家", N_("Manufacturer"), aliases=("生产厂家",)),
    FieldSpec("model", "型号", N_("Model")),
    FieldSpec("serial_no", "出厂编号", N_("Serial number"), aliases=("序列号", "serial")),
    FieldSpec("position", "安装位置", N_("Where it is mounted"), aliases=("位置",)),
    FieldSpec("latitude", "纬度", N_("Latitude of the asset"), parse_latitude),
    FieldSpec("longitude", "经度", N_("Longitude of the asset"), parse_longitude),
    FieldSpec("install_date", "安装日期", N_("Install date YYYY-MM-DD"), parse_date),
    FieldSpec("status", "状态", N_("in_service, faulty, under_repair or retired"), parse_status),
    FieldSpec(
        "rated_dbc",
        "额定声级",
        N_("Rated level, dBC at 30 m"),
        parse_sound_level,
        aliases=("额定声级dBC",),
    ),
    FieldSpec(
        "measured_db", "实测声级", N_("Measured level, dB (hand-crank units)"), parse_sound_level
    ),
    FieldSpec(
        "measured_distance_m",
        "测量距离",
        N_("Distance of the measured level, m"),
        parse_distance,
        aliases=("测量距离m",),
    ),
    FieldSpec("power_mains", "市电", N_("Mains powered (yes/no)"), parse_bool),
    FieldSpec("battery_backup", "备用电池", N_("Battery backup (yes/no)"), parse_bool),
    FieldSpec("custodian", "管护人", N_("Custodian"), aliases=("责任人",)),
    FieldSpec("custodian_phone", "管护人电话", N_("Custodian phone")),
    FieldSpec(
        "is_bench",
        "试验台",
        N_("Bench unit that may be sounded freely (yes/no)"),
        parse_bool,
        aliases=("bench",),
    ),
    FieldSpec(
        "controller_transport",
        "通信方式",
        N_("modbus_tcp, modbus_rtu or bench_serial"),
        parse_transport,
        aliases=("transport",),
    ),
    FieldSpec(
        "controller_model",
        "控制器型号",
        N_("Controller model (register map), e.g. sirenctl-generic"),
    ),
    FieldSpec(
        "controller_host", "控制器地址", N_("Controller IP address or host name"), aliases=("host",)
    ),
    FieldSpec(
        "controller_port", "控制器端口", N_("Controller TCP port"), parse_port, aliases=("port",)
    ),
    FieldSpec(
        "controller_device",
        "串口",
        N_("Serial device path, e.g. /dev/ttyUSB0"),
        aliases=("device",),
    ),
    FieldSpec(
        "controller_serial",
        "串口参数",
        N_("Serial settings, e.g. '9600 8N1'"),
        parse_serial_settings,
    ),
    FieldSpec(
        "controller_unit_id",
        "从站地址",
        N_("Modbus unit id (1-247)"),
        parse_unit_id,
        aliases=("unit_id",),
    ),
    FieldSpec(
        "gateway",
        "网关",
        N_("Gateway (worker machine) that owns this controller's channel; see docs/operations.md"),
    ),
    FieldSpec(
        "controller_tls",
        "加密通信",
        N_("Controller requires Modbus/TCP Security: TLS on port 802 (yes/no)"),
        parse_bool,
        aliases=("tls",),
    ),
    FieldSpec("notes", "备注", N_("Free notes")),
)
#: an asset's fields by key: the labels of the TUI's forms and detail view and of ``asset show``
ASSET_SPECS: dict[str, FieldSpec] = {spec.key: spec for spec in ASSET_FIELDS}


def header_index(fields: tuple[FieldSpec, ...]) -> dict[str, FieldSpec]:
    """Every accepted header (English key, Chinese, aliases; case-insensitive) to its field."""
    index: dict[str, FieldSpec] = {}
    for spec in fields:
        for name in (spec.key, spec.zh, *spec.aliases):
            index[name.strip().lower()] = spec
    return index


_BY_KEY: dict[int, tuple[tuple[FieldSpec, ...], dict[str, FieldSpec], list[str]]] = {}


def _by_key(fields: tuple[FieldSpec, ...]) -> tuple[dict[str, FieldSpec], list[str]]:
    """``{key: spec}`` and the required keys, made once per field table (by identity: hashing
    30 specs per row of a 100,000-row import would cost more than building them)."""
    known = _BY_KEY.get(id(fields))
    if known is None or known[0] is not fields:
        by_key = {spec.key: spec for spec in fields}
        known = _BY_KEY[id(fields)] = (fields, by_key, [s.key for s in fields if s.required])
    return known[1], known[2]


def parse_values(
    fields: tuple[FieldSpec, ...],
    raw: Mapping[str, str | None],
    *,
    line: int | None = None,
    require: bool = True,
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Parse text values by field key. Empty text means "not set" (None)."""
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    by_key, required = _by_key(fields)
    for key, text in raw.items():
        if type(text) is not str:
            text = None if text is None else str(text)
        if text is None or not (stripped := text.strip()):
            values[key] = None
            continue
        parse = by_key[key].parse
        if parse is parse_text:  # most cells: no call
            values[key] = stripped
            continue
        try:
            values[key] = parse(text)
        except ValueError as exc:
            problems.append(FieldProblem(key, str(exc), line, str(text)))
    if require:
        for key in required:
            if values.get(key) in (None, ""):
                problems.append(FieldProblem(key, _("is required"), line))
    return values, problems
