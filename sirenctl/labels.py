"""Words for stored codes (``done``, ``unreachable``, ``manual_check``) where the CLI and the TUI
put them into a sentence (issue 13): the code stays what is stored, typed and printed as JSON;
a person reads its label in the interface language. Reports and printed notices have their own
two-language vocabulary (sirenctl/reports/labels.py ``TERMS``)."""

from __future__ import annotations

from collections.abc import Iterable

from sirenctl.code_labels import ROLE as ROLE
from sirenctl.code_labels import Labels as Labels  # the label tables are made and used here
from sirenctl.i18n import C_, N_, current_language


def term(code: object) -> str:
    """A word of the closed vocabulary the reports share (severity, finding category, notice and
    finding status, drill and works kinds: sirenctl/reports/labels.py ``TERMS``) in the
    interface language; an unknown code as itself."""
    from sirenctl.reports.labels import term as report_term

    return report_term(None if code is None else str(code), current_language().value)


ASSET_STATUS = Labels(
    {
        "in_service": N_("in service"),
        "faulty": N_("faulty"),
        "under_repair": N_("under repair"),
        "retired": N_("retired"),
    }
)
ASSET_KIND = Labels(
    {
        "hand_crank": N_("hand-crank"),
        "motor": N_("motor"),
        "electronic": N_("electronic"),
        "multimedia": N_("multimedia"),
        "controller": N_("controller"),
        "other": N_("other"),
    }
)
WORK_ORDER_STATUS = Labels(
    {
        "planned": C_("work order status", "planned"),
        "running": C_("work order status", "running"),
        "issued": C_("work order status", "issued"),
        "done": C_("work order status", "done"),
        "failed": C_("work order status", "failed"),
        "unknown": C_("work order status", "unknown"),
        "refused": C_("work order status", "refused"),
        "missed": C_("work order status", "missed"),
        "cancelled": C_("work order status", "cancelled"),
        "overdue": C_("work order status", "overdue"),
        "late": C_("work order status", "late"),
    }
)
#: a test result's outcome (sirenctl/models/scheduling.py ResultOutcome) and a step's outcome
RESULT_OUTCOME = Labels(
    {
        "pass": C_("outcome", "pass"),
        "fail": C_("outcome", "fail"),
        "failed_to_sound": C_("outcome", "failed to sound"),
        "unreachable": C_("outcome", "unreachable"),
        "unknown": C_("outcome", "unknown"),
        "error": C_("outcome", "error"),
        "cancelled": C_("outcome", "cancelled"),
        "ok": C_("outcome", "ok"),
        "refused": C_("outcome", "refused"),
        "not sent": C_("outcome", "not sent"),
        "done": C_("outcome", "done"),
        "failed": C_("outcome", "failed"),
        "missed": C_("outcome", "missed"),
        "not_started": C_("outcome", "not started"),
        "skipped_late": C_("outcome", "skipped (too late)"),
        "not_run": C_("outcome", "not run"),
    }
)
TASK = Labels(
    {
        "trial_sounding": C_("task", "trial sounding"),
        "growl_test": C_("task", "growl test"),
        "silent_test": C_("task", "silent test"),
        "manual_check": C_("task", "manual check"),
        "inspection": C_("task", "inspection"),
        "drill": C_("task", "drill"),
    }
)
#: a campaign's ``holiday_policy`` (sirenctl/scheduling/campaigns.py ``HOLIDAY_POLICIES``)
HOLIDAY_POLICY = Labels(
    {
        "ignore": C_("holiday policy", "as usual"),
        "skip": C_("holiday policy", "skip"),
        "move": C_("holiday policy", "next workday"),
        "postpone": C_("holiday policy", "postpone"),
    }
)
#: a line of ``plan``'s diff (sirenctl/scheduling/planner.py ``grouped``)
PLAN_CHANGE = Labels(
    {
        "add": C_("plan change", "add"),
        "change": C_("plan change", "change"),
        "cancel": C_("plan change", "cancel"),
    }
)
YEAR_STATUS = Labels(
    {"official": C_("holiday year", "official"), "provisional": C_("holiday year", "provisional")}
)
DAY_KIND = Labels({"holiday": C_("day", "holiday"), "workday": C_("day", "adjusted workday")})
#: sirenctl/drivers/errors.py ``kind``: what went wrong on the way to a controller
DRIVER_FAULT = Labels(
    {
        "driver_error": C_("driver fault", "driver error"),
        "comm_error": C_("driver fault", "communication error"),
        "timeout": C_("driver fault", "timeout"),
        "no_response": C_("driver fault", "no response"),
        "bad_frame": C_("driver fault", "bad reply"),
        "wrong_transaction_id": C_("driver fault", "stray reply"),
        "exception_response": C_("driver fault", "refused by the controller"),
        "verification_failed": C_("driver fault", "not verified"),
        "failed_to_sound": C_("driver fault", "failed to sound"),
        "refused_for_safety": C_("driver fault", "refused for safety"),
        "audit_unavailable": C_("driver fault", "audit unavailable"),
        "config_error": C_("driver fault", "configuration error"),
        "config": C_("driver fault", "configuration error"),
    }
)
#: built-in signal names (sirenctl/drivers/signals.py ``NAMES``)
SIGNAL = Labels(
    {
        "pre-alert": C_("signal", "pre-alert"),
        "air-raid": C_("signal", "air-raid alert"),
        "all-clear": C_("signal", "all-clear"),
        "growl": C_("signal", "growl"),
        "silent-test": C_("signal", "silent self-test"),
        "stop": C_("signal", "stop"),
    }
)
#: what run-due does with a due work order (sirenctl/scheduling/claims.py ``Action``)
RUN_ACTION = Labels(
    {
        "claim": C_("run-due action", "claim"),
        "issue": C_("run-due action", "issue"),
        "refuse": C_("run-due action", "refuse"),
        "miss": C_("run-due action", "miss"),
        "unknown": C_("run-due action", "unknown"),
        "cancel": C_("run-due action", "cancel"),
        "wait": C_("run-due action", "wait"),
    }
)
ACTIVATION_MODE = Labels(
    {"exercise": C_("activation mode", "EXERCISE"), "emergency": C_("activation mode", "EMERGENCY")}
)
#: an account's state (sirenctl/security/accounts.py ``account_row``)
ACCOUNT_STATE = Labels(
    {
        "active": C_("account state", "active"),
        "locked": C_("account state", "locked"),
        "disabled": C_("account state", "disabled"),
    }
)


def plan_change_text(change: str) -> str:
    """``add``, ``cancel`` or ``change due_at,programme`` (the changed fields stay as named)."""
    what, _, fields = change.partition(" ")
    return f"{PLAN_CHANGE.show(what)} {fields}".rstrip()


def roles_text(roles: Iterable[object]) -> str:
    """``administrator, planner`` as labels, sorted by code (accounts, db logins)."""
    return ", ".join(ROLE.show(code) for code in sorted(str(r) for r in roles))


#: a networked terminal in the TUI's live view (sirenctl/tui/devices.py ``STATES``)
TERMINAL_STATE = Labels(
    {
        "pending": C_("terminal state", "pending"),
        "ok": C_("terminal state", "ok"),
        "faulty": C_("terminal state", "faulty"),
        "unreachable": C_("terminal state", "unreachable"),
        "config": C_("terminal state", "bad settings"),
    }
)
#: the view lists of the TUI's agenda and notices screens
VIEW = Labels(
    {
        "upcoming": C_("view", "upcoming"),
        "overdue": C_("view", "overdue"),
        "missed": C_("view", "missed"),
        "done": C_("view", "done"),
        "all": C_("view", "all"),
        "open": C_("view", "open"),
        "closed": C_("view", "closed"),
    }
)
