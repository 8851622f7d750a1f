"""Stable codes and English templates of the driver layer's messages (issue 13).

The driver layer knows nothing of the core's gettext. An error it raises carries a
:class:`DriverText`: a ``str`` that *is* the English sentence (logs, audit records, JSON) and
keeps its :class:`DriverProblem` code and parameters, so the core's one error translation
(``sirenctl.i18n.localized``) shows it in the user's language. The templates are the catalogue's
msgids: :func:`N_` marks them for the extractor (docs/translating.md).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


def N_(template: str) -> str:
    """Mark ``template`` for the catalogue (sirenctl/i18n_catalog.py extracts ``N_`` calls)."""
    return template


class DriverProblem(StrEnum):
    """What went wrong, as a stable code (the value) with its English template."""

    template: str

    def __new__(cls, code: str, template: str) -> DriverProblem:
        member = str.__new__(cls, code)
        member._value_ = code
        member.template = template
        return member

    # -- the wire (Modbus link) ------------------------------------------------------------
    NO_REPLY = "no_reply", N_("no reply from unit {unit} within {timeout:g} s")
    REPLY_FROM_OTHER_UNIT = (
        "reply_from_other_unit",
        N_("reply from unit {got} instead of unit {unit}: {frame}"),
    )
    CRC_ERROR = "crc_error", N_("CRC error in reply from unit {unit}: {frame}")
    GARBLED_REPLY = "garbled_reply", N_("garbled or incomplete reply from unit {unit}: {frame}")
    GARBLED_CLOSED = "garbled_closed", N_("garbled reply from unit {unit}; connection closed")
    UNEXPECTED_FRAME = (
        "unexpected_frame",
        N_("reply from unit {got} function {got_function} to a request for unit {unit} "
           "function {function}: {frame}"),
    )  # fmt: skip
    STRAY_TRANSACTION = (
        "stray_transaction",
        N_("reply with transaction id {got} to request {sent} (a late or stray reply, "
           "not taken as the answer); connection closed"),
    )  # fmt: skip
    CONNECTION_DROPPED = "connection_dropped", N_("connection dropped by {endpoint}")
    NOT_CONNECTED = "not_connected", N_("not connected: {error}")
    WRONG_UNIT = "wrong_unit", N_("reply from wrong unit: {error}")
    UNDECODABLE = "undecodable", N_("undecodable reply from unit {unit}: {error}")
    EXCEPTION_REPLY = "exception_reply", N_("unit {unit} answered exception {code} ({name})")
    REGISTER_COUNT = (
        "register_count",
        N_("unit {unit} returned {got} registers, expected {count}"),
    )
    LINK_BACKOFF = (
        "link_backoff",
        N_("{channel} unreachable; next reconnect attempt in {wait:.1f} s"),
    )
    CANNOT_CONNECT = "cannot_connect", N_("cannot connect to {endpoint}")
    CANNOT_CONNECT_BECAUSE = "cannot_connect_because", N_("cannot connect to {endpoint}: {error}")
    # Modbus exception codes (the {name} of EXCEPTION_REPLY)
    ILLEGAL_FUNCTION = "illegal_function", N_("illegal function")
    ILLEGAL_DATA_ADDRESS = "illegal_data_address", N_("illegal data address")
    ILLEGAL_DATA_VALUE = "illegal_data_value", N_("illegal data value")
    DEVICE_FAILURE = "device_failure", N_("device failure")
    ACKNOWLEDGE = "acknowledge", N_("acknowledge")
    DEVICE_BUSY = "device_busy", N_("device busy")
    MEMORY_PARITY = "memory_parity", N_("memory parity error")
    GATEWAY_PATH = "gateway_path", N_("gateway path unavailable")
    GATEWAY_TARGET = "gateway_target", N_("gateway target failed to respond")
    UNKNOWN_EXCEPTION = "unknown_exception", N_("unknown")

    # -- the wire (bench serial protocol) --------------------------------------------------
    PORT_CLOSED = "port_closed", N_("{device} closed")
    PORT_BACKOFF = "port_backoff", N_("{device} unavailable; retry in {wait:.1f} s")
    CANNOT_OPEN = "cannot_open", N_("cannot open {device}: {error}")
    INCOMPLETE_REPLY = "incomplete_reply", N_("incomplete reply to {command}: {got!r}")
    NO_REPLY_TO = "no_reply_to", N_("no reply to {command} within {timeout:g} s")
    BAD_REPLY = "bad_reply", N_("bad reply to {command}: {error}")
    REPLY_TO_OTHER = "reply_to_other", N_("reply to {got} while waiting for {command}")
    COMMAND_REFUSED = "command_refused", N_("{command} refused: {reason}")
    NO_CHECKSUM = "no_checksum", N_("no checksum in {line!r}")
    BAD_CHECKSUM_DIGITS = "bad_checksum_digits", N_("bad checksum digits in {line!r}")
    CHECKSUM_MISMATCH = (
        "checksum_mismatch",
        N_("checksum mismatch in {line!r} (got {got}, computed {computed:02X})"),
    )
    NON_ASCII = "non_ascii", N_("non-ASCII bytes in {line!r}")
    REPLY_START = "reply_start", N_("reply must start with '!' or '?': {payload!r}")
    EMPTY_REPLY = "empty_reply", N_("empty reply")
    REQUEST_START = "request_start", N_("request must start with '$': {payload!r}")
    BAD_STATUS_FIELD = "bad_status_field", N_("status reply missing or bad field {field}")

    # -- what a controller reports (Status.faults) -----------------------------------------
    MAINS_FAILED = "mains_failed", N_("mains failed")
    BATTERY_LOW = "battery_low", N_("battery low ({volts:.2f} V)")
    DOOR_OPEN = "door_open", N_("door open / intrusion")
    ROTATION_FAULT = "rotation_fault", N_("rotation fault")
    AMPLIFIER_FAULT = "amplifier_fault", N_("amplifier fault")
    SELF_TEST_FAILED = "self_test_failed", N_("self-test failed")

    # -- the controller did not do it ------------------------------------------------------
    STILL_SOUNDING = "still_sounding", N_("still sounding signal {signal} after cancel")
    BENCH_ACK_MISMATCH = "bench_ack_mismatch", N_("command acknowledge {got} != sent {sent}")
    BENCH_READBACK = "bench_readback", N_("command read-back {got} != sent {sent}")
    COMMAND_READBACK = (
        "command_readback",
        N_("command registers read back {back}, wrote {values}"),
    )
    REGISTER_READBACK = (
        "register_readback",
        N_("register {address} read back {back}, wrote {values}"),
    )
    FAILED_TO_SOUND = "failed_to_sound", N_("failed to sound: {problems}")
    FAILED_TO_SOUND_SETTLED = (
        "failed_to_sound_settled",
        N_("failed to sound: {settled}: {problems}"),
    )
    ECHO_FUNCTION = "echo_function", N_("last function {echo} != sent {sent}")
    ECHO_TOKEN = "echo_token", N_("echo token {echo} != sent {sent}")
    ECHO_TIME = (
        "echo_time",
        N_("echo time {echo} is older than the command (device clock was {clock})"),
    )
    SETTLED_BY_ECHO = (
        "settled_by_echo",
        N_("acknowledgement lost ({kind}); settled by the echo"),
    )

    # -- refused for safety (nothing was sent) ---------------------------------------------
    SIGNAL_NOT_CONFIGURED = (
        "signal_not_configured",
        N_("signal code {code} is not configured on model {model}"),
    )
    AUDIT_UNAVAILABLE = (
        "audit_unavailable",
        N_("{what} not sent: the command could not be recorded first ({error})"),
    )
    IDENTITY_UNREADABLE = (
        "identity_unreadable",
        N_("cannot read the controller's identity block ({error}), so it cannot be matched "
           "with the registry; nothing was written"),
    )  # fmt: skip
    NO_PERMIT = "no_permit", N_("{what} is audible and needs a permit; none given")
    NOT_A_PERMIT = "not_a_permit", N_("{what}: {type} is not a Permit")
    PERMIT_OTHER_TARGET = (
        "permit_other_target",
        N_("permit ({mode}) covers {targets}, not {target}"),
    )
    PERMIT_EXPIRED = "permit_expired", N_("permit ({mode}) expired {ago:.0f} s ago")
    PERMIT_FUTURE = "permit_future", N_("permit issued in the future (clock problem)")
    PERMIT_NO_TARGET = (
        "permit_no_target",
        N_("permit: at least one non-empty target tag is required"),
    )
    PERMIT_VALIDITY = (
        "permit_validity",
        N_("permit: valid_for={valid_for!r} must be 0..{most:.0f} s"),
    )
    PERMIT_PEOPLE = "permit_people", N_("permit: approved_by and planner are both required")
    PERMIT_SAME_PERSON = (
        "permit_same_person",
        N_("permit: approved_by must be a different person from the planner "
           "(use Permit.emergency for the logged single-person path)"),
    )  # fmt: skip
    PERMIT_REASON = "permit_reason", N_("permit: a reason is required")
    EMERGENCY_NEEDS = (
        "emergency_needs",
        N_("permit: emergency permits need the person and a reason"),
    )

    # -- bad settings or requests (raised before anything is sent) -------------------------
    TRANSPORT = "transport", N_("transport: {transport!r} is not one of {known}")
    MODEL_REQUIRED = "model_required", N_("model: must be a non-empty register-map/driver name")
    HOST_REQUIRED = "host_required", N_("host: required for modbus_tcp")
    PORT_RANGE = "port_range", N_("port: {port!r} must be 1..65535 for modbus_tcp")
    DEVICE_ON_TCP = "device_on_tcp", N_("device: a serial device makes no sense for modbus_tcp")
    DEVICE_REQUIRED = "device_required", N_("device: serial device path required for {transport}")
    HOST_ON_SERIAL = "host_on_serial", N_("host/port: not used by {transport}; give device only")
    BAUDRATE = "baudrate", N_("baudrate: {baudrate!r} is not a standard rate")
    PARITY = "parity", N_("parity: {parity!r} must be N, E, O, M or S")
    BYTESIZE = "bytesize", N_("bytesize: {bytesize!r} must be 5..8")
    STOPBITS = "stopbits", N_("stopbits: {stopbits!r} must be 1 or 2")
    TLS_NOT_TCP = "tls_not_tcp", N_("tls: only for modbus_tcp, not {transport}")
    UNIT_ID = "unit_id", N_("unit_id: {unit_id!r} must be 1..247")
    TIMEOUT_RANGE = "timeout_range", N_("timeout: {timeout!r} must be 0.01..60 seconds")
    SERIAL_SETTINGS = (
        "serial_settings",
        N_("serial settings: {text!r} is not like '9600 8N1' (baud, data bits, parity, stop bits)"),
    )
    SERIAL_BAUD = "serial_baud", N_("serial settings: baud rate {baud} is not a standard rate")
    TLS_FILE_MISSING = "tls_file_missing", N_("TLS {label} file {path} does not exist")
    TLS_CA_UNUSABLE = "tls_ca_unusable", N_("TLS CA file {path} is not a PEM certificate: {error}")
    TLS_CERT_UNUSABLE = (
        "tls_cert_unusable",
        N_("TLS certificate {cert} / key {key} unusable: {error}"),
    )
    LINE_TRANSPORTS = "line_transports", N_("{key}: used as {have} and as {want}")
    LINE_SETTINGS = (
        "line_settings",
        N_("{key}: serial settings {want} differ from {have} already used on this line"),
    )
    NOT_MODBUS = "not_modbus", N_("{endpoint} is not a Modbus endpoint")
    REGISTER_KIND = "register_kind", N_("kind: {kind!r} must be holding or input")
    ADDRESS_RANGE = "address_range", N_("address: {address} must be 0..65535")
    COUNT_RANGE = (
        "count_range",
        N_("count: {count} must be 1..125 and stay below address 65536"),
    )
    VALUES_RANGE = "values_range", N_("values: {values} must be integers 0..65535")
    SIGNAL_CODE_RANGE = "signal_code_range", N_("signal_code: {code!r} must be 1..{most}")
    SIGNAL_CODE_STOP = "signal_code_stop", N_("signal_code: 0 is stop; use cancel()")
    CYCLES_RANGE = "cycles_range", N_("cycles: {cycles!r} must be 1..{most}")
    UNKNOWN_SIGNAL = "unknown_signal", N_("{where}: unknown signal {signal!r}; known: {known}")
    SIGNAL_NAME_OR_CODE = "signal_name_or_code", N_("{where}: signal must be a name or a code")
    STEP_INVALID = "step_invalid", N_("{where}: {error}")
    NO_STEPS = "no_steps", N_("programme: no steps")
    STEP_SIGNAL = (
        "step_signal",
        N_("programme step {step}: signal code {code} is not configured"),
    )
    STEP_NEGATIVE = (
        "step_negative",
        N_("programme step {step}: start offset {offset} s is negative"),
    )
    STEP_OVERLAP = (
        "step_overlap",
        N_("programme step {step}: starts at {offset:g} s but step {previous} ({name}) "
           "lasts until {end:g} s"),
    )  # fmt: skip
    NO_REGISTER_MAP = (
        "no_register_map",
        N_("no register map for model {model!r}; known models: {known}"),
    )


class DriverText(str):
    """A driver message: ``str()`` is the English sentence; :meth:`render` gives another
    language. Parameters that are themselves messages (a :class:`DriverText`, an exception, a
    list of them) are rendered too."""

    problem: DriverProblem
    values: dict[str, object]

    def __new__(cls, problem: DriverProblem, **values: object) -> DriverText:
        english = {k: _rendered(v, str) for k, v in values.items()}
        text = super().__new__(cls, problem.template.format(**english))
        text.problem, text.values = problem, values
        return text

    def __getnewargs_ex__(self) -> tuple[tuple[object, ...], dict[str, object]]:
        return (self.problem,), self.values  # copy and pickle rebuild it from its parts

    def render(self, gettext: Callable[[str], str], localize: Callable[[object], str]) -> str:
        """This message with ``gettext`` translating the template and ``localize`` each
        parameter that is a message."""
        values = {k: _rendered(v, localize) for k, v in self.values.items()}
        return gettext(self.problem.template).format(**values)


def _rendered(value: object, localize: Callable[[object], str]) -> object:
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return "; ".join(localize(v) for v in value)
    if isinstance(value, BaseException) or (isinstance(value, str) and type(value) is not str):
        return localize(value)
    return value


def text_of(exc: BaseException) -> str:
    """The message of ``exc`` for another error to carry: its :class:`DriverText` (or other
    ``str`` subclass, such as the core's translatable text) when it has one, else ``str(exc)``."""
    if len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


__all__ = ["DriverProblem", "DriverText", "N_", "text_of"]
