"""``sirenctl notice``: numbered rectification notices (整改通知书) and their status machine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from sirenctl.cli.cmd_findings import DATE
from sirenctl.cli.common import (
    AppContext,
    CLIError,
    ExitCode,
    echo_json,
    echo_table,
    info,
    json_option,
    pass_app,
    wide_option,
)
from sirenctl.i18n import _
from sirenctl.labels import term
from sirenctl.models.findings import NoticeStatus

PREFIX_ENV = "SIRENCTL_NOTICE_PREFIX"
note_option = click.option("--note", help="Remark recorded in the notice history.")


def _now() -> Any:
    from sirenctl.timeutil import utcnow

    return utcnow()


@click.group()
def notice() -> None:
    """Rectification notices (整改通知书): issue, update, re-check, close, list, print.

    \b
    Status: open -> in_progress -> awaiting_recheck -> (re-check passes) -> closed,
            or reopened when a re-check fails.
    Example:
      sirenctl notice issue --finding 15 --deadline 2026-12-31 --unit 东风社区居委会 \\
          --person 王建国 --action "更换锈蚀转轴，复查鸣响"
    """


@notice.command("issue")
@click.option(
    "--finding",
    "findings",
    type=int,
    multiple=True,
    required=True,
    metavar="ID",
    help="Finding covered (repeat for several, all at one site).",
)
@click.option("--deadline", type=DATE, required=True, help="Rectify by this date (整改期限).")
@click.option("--unit", "responsible_unit", required=True, help="Responsible unit (责任单位).")
@click.option("--person", "responsible_person", required=True, help="Responsible person.")
@click.option("--phone", "responsible_phone", help="Their phone number.")
@click.option("--action", "required_action", required=True, help="Required action (整改要求).")
@click.option(
    "--prefix",
    envvar=PREFIX_ENV,
    default="ZG",
    show_default=True,
    help=f"Office prefix of the number [env {PREFIX_ENV}].",
)
@click.option("--issued-on", type=DATE, help="Issue date (default today, site time).")
@note_option
@json_option
@pass_app
def notice_issue(app: AppContext, findings: tuple[int, ...], as_json: bool, **kwargs: Any) -> None:
    """Issue a numbered notice for open findings; prints its number.

    \b
    Example:
      sirenctl notice issue --finding 15 --deadline 2026-12-31 --unit 东风社区居委会 \\
          --person 王建国 --phone 13800000000 --action "更换锈蚀支架"
    """
    from sirenctl.services.notices import NewNotice, issue_notice

    new = NewNotice(findings=list(findings), **kwargs)
    data = issue_notice(app.db, app.actor, new, now=_now()).record
    if as_json:
        echo_json(data)
    else:
        click.echo(data["number"])
    info(
        _("issued {number} to {unit} {person}, deadline {deadline}").format(
            number=data["number"],
            unit=data["responsible_unit"],
            person=data["responsible_person"],
            deadline=data["deadline"],
        )
    )


@notice.command("update")
@click.argument("number")
@click.option(
    "--status",
    type=click.Choice([NoticeStatus.IN_PROGRESS.value, NoticeStatus.AWAITING_RECHECK.value]),
    help="in_progress (work started) or awaiting_recheck (done, please re-check).",
)
@click.option("--deadline", type=DATE, help="New deadline (an extension; recorded).")
@click.option("--unit", "responsible_unit", help="New responsible unit.")
@click.option("--person", "responsible_person", help="New responsible person.")
@click.option("--phone", "responsible_phone", help="New phone number.")
@click.option("--action", "required_action", help="New required action.")
@note_option
@pass_app
def notice_update(
    app: AppContext, number: str, status: str | None, note: str | None, **changes: Any
) -> None:
    """Move NUMBER forward, or change its deadline or responsible party.

    \b
    Examples:
      sirenctl notice update ZG-2026-002 --status awaiting_recheck --note "已更换转轴"
      sirenctl notice update ZG-2026-002 --deadline 2026-12-20 --note "配件到货延迟"
    """
    from sirenctl.findings.notice_edit import edit_notice
    from sirenctl.findings.transitions import STATUS_ACTIONS
    from sirenctl.services.notices import NoticeStep, advance_notice

    changes = {k: v for k, v in changes.items() if v is not None}
    if status is None and not changes:
        raise click.UsageError(_("nothing to do: give --status or a field to change"))
    if status is not None:
        step = NoticeStep(STATUS_ACTIONS[status])
        done = advance_notice(
            app.db, app.actor, number, step, note=note, changes=changes, now=_now()
        )
        info(_("{number}: {status}").format(number=number, status=term(done.status)))
    else:
        with app.db.transaction() as session:
            edit_notice(session, number, changes, operator=app.operator, note=note)
    if changes:
        info(_("{number}: changed {fields}").format(number=number, fields=", ".join(changes)))


@notice.command("recheck")
@click.argument("number")
@click.option("--pass/--fail", "passed", required=True, help="Result of the on-site re-check.")
@click.option("--close", "close_now", is_flag=True, help="With --pass: close the notice too.")
@note_option
@pass_app
def notice_recheck(
    app: AppContext, number: str, passed: bool, close_now: bool, note: str | None
) -> None:
    """Record the re-check of NUMBER: --fail reopens it, --pass allows closing.

    \b
    Example:
      sirenctl notice recheck ZG-2026-002 --pass --close --note "复查鸣响正常"
    """
    from sirenctl.services.notices import NoticeStep, advance_notice

    if close_now and not passed:
        raise click.UsageError(_("--close goes with --pass"))
    step = NoticeStep.RECHECK_PASS if passed else NoticeStep.RECHECK_FAIL
    done = advance_notice(app.db, app.actor, number, step, note=note, close=close_now, now=_now())
    info(
        (
            _("{number}: re-check passed; status {status}")
            if passed
            else _("{number}: re-check failed; status {status}")
        ).format(number=number, status=term(done.status))
    )


@notice.command("close")
@click.argument("number")
@note_option
@pass_app
def notice_close(app: AppContext, number: str, note: str | None) -> None:
    """Close NUMBER after a passed re-check; its findings are resolved.

    \b
    Example:
      sirenctl notice close ZG-2026-002 --note "整改完成"
    """
    from sirenctl.services.notices import NoticeStep, advance_notice

    done = advance_notice(app.db, app.actor, number, NoticeStep.CLOSE, note=note, now=_now())
    info(
        (
            _("{number}: closed on time")
            if done.closed_on_time
            else _("{number}: closed after the deadline")
        ).format(number=number)
    )


@notice.command("list")
@click.option("--status", type=click.Choice([s.value for s in NoticeStatus]))
@click.option("--site", help="Site code.")
@click.option("--year", type=int, help="Year of the number.")
@click.option("--open", "open_only", is_flag=True, help="Only notices not closed.")
@click.option("--overdue", is_flag=True, help="Only overdue notices (past deadline, not closed).")
@json_option
@wide_option
@pass_app
def notice_list(app: AppContext, overdue: bool, as_json: bool, **kwargs: Any) -> None:
    """List notices, newest first; overdue ones are flagged.

    \b
    Examples:
      sirenctl notice list --overdue
      sirenctl notice list --site C01 --year 2025
    """
    from sirenctl.findings.notice_queries import NoticeFilter, list_notices, notice_to_dict

    now = _now()
    with app.db.session() as session:
        rows = [
            notice_to_dict(n, now)
            for n in list_notices(
                session, NoticeFilter(**kwargs), overdue_at=now if overdue else None
            )
        ]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["number", "site", "issued", "deadline", "status", "overdue", "responsible", "findings"],
        [
            [
                r["number"],
                r["site"],
                r["issued_on"],
                r["deadline"],
                term(r["status"]),
                f"{r['days_overdue']} d" if r["overdue"] else "",
                f"{r['responsible_unit']} {r['responsible_person']}",
                ", ".join(f"#{i}" for i in r["findings"]),
            ]
            for r in rows
        ],
        optional=("issued", "findings"),
    )


@notice.command("show")
@click.argument("number")
@json_option
@pass_app
def notice_show(app: AppContext, number: str, as_json: bool) -> None:
    """Show NUMBER with its history.

    \b
    Example:
      sirenctl notice show ZG-2026-002
    """
    from sirenctl.findings.notice_queries import get_notice, notice_to_dict

    with app.db.session() as session:
        data = notice_to_dict(get_notice(session, number), _now())
    if as_json:
        echo_json(data)
        return
    from sirenctl.cli.detail_view import NOTICE_FIELDS, detail_rows, history_rows

    history = data.pop("history")
    echo_table(
        ["field", "value"],
        detail_rows(data, NOTICE_FIELDS),
        title=_("notice {number}").format(number=number),
    )
    echo_table(
        ["at", "event", "from", "to", "by", "note"],
        history_rows(history),
        title=_("history"),
    )


@notice.command("print")
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of stdout.",
)
@pass_app
def notice_print(app: AppContext, number: str, fmt: str, lang: str, out: Path | None) -> None:
    """A printable notice (Markdown or HTML).

    \b
    Example:
      sirenctl notice print ZG-2025-001 --format html --out ZG-2025-001.html
    """
    from sirenctl.findings.notice_queries import get_notice
    from sirenctl.reports.notice_print import print_notice

    with app.db.session() as session:
        text = print_notice(get_notice(session, number), fmt=fmt, lang=lang, now=_now())
    write_output(text, out)


def write_output(text: str, out: Path | None) -> None:
    """Write to ``out`` atomically (no half-written file on error), or to stdout."""
    if out is None:
        click.echo(text, nl=False)
        return
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CLIError(
            _("cannot write {file}: {error}").format(file=out, error=exc.strerror), ExitCode.FAILURE
        ) from None
    info(_("wrote {file}").format(file=out))
