"""Domain errors in the user's language (issue 13): bad input against a real SQLite demo
database under ``--lang zh`` gives a Chinese message and the documented exit code; the audit
log keeps the English (language-neutral) text (docs/translating.md)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sirenctl.cli.common import ExitCode
from sirenctl.cli.main import cli
from sirenctl.i18n import L_, Language, localized, set_language
from sirenctl.registry.errors import FieldProblem, NotFound

# live activation proves its requester first (the demo's published planner account)
AS_PLANNER = ["--user", "demo-planner"]
PLANNER_PASSPHRASE = "demo-planner-passphrase\n"


def _case_id(args: list[str], code: int) -> str:
    words = [a for a in args if a not in AS_PLANNER]
    return " ".join(words[:2]) + f"-{code}"


CASES = [
    (["asset", "show", "NOPE"], ExitCode.NOT_FOUND, "没有编号为 'NOPE' 的设备"),
    (["site", "show", "NOPE"], ExitCode.NOT_FOUND, "没有代码为 'NOPE' 的社区"),
    (["finding", "show", "9999"], ExitCode.NOT_FOUND, "没有问题 #9999"),
    (["notice", "show", "NOPE"], ExitCode.NOT_FOUND, "没有整改通知书 'NOPE'"),
    (["account", "show", "nobody"], ExitCode.NOT_FOUND, "没有账户 'nobody'"),
    (["asset", "retire", "NOPE"], ExitCode.NOT_FOUND, "没有编号为 'NOPE' 的设备"),
    (
        ["site", "add", "--code", "C01", "--name", "重复", "--district", "安宁县"],
        ExitCode.CONFLICT,
        "代码为 'C01' 的社区已存在",
    ),
    (
        [*AS_PLANNER, "activate", "HC-C01", "--mode", "emergency", "--programme", "cn-918-single"]
        + ["--reason", "演习"],
        ExitCode.INVALID_INPUT,
        "设备 HC-C01 没有警报控制终端",
    ),
    (
        [*AS_PLANNER, "activate", "HC-C01", "--mode", "exercise", "--programme", "cn-918-single"]
        + ["--reason", "演习"],
        ExitCode.REFUSED,
        "演练启动需要另一名已认证人员（批准人）；什么也没有发送",
    ),
    (
        ["--user", "nobody", "account", "add", "x.y", "--name", "某人", "--role", "technician"],
        ExitCode.NOT_AUTHENTICATED,
        "没有账户 'nobody'",
    ),
]


@pytest.mark.real_prompt  # real accounts: the demo makes its own
@pytest.mark.parametrize(
    ("args", "code", "chinese"), CASES, ids=[_case_id(a, c) for a, c, _z in CASES]
)
def test_bad_input_in_chinese(demo_db: str, args: list[str], code: int, chinese: str) -> None:
    answer = PLANNER_PASSPHRASE if args[:2] == AS_PLANNER else ""
    result = CliRunner().invoke(cli, ["--lang", "zh", "--db", demo_db, *args], input=answer)
    assert result.exit_code == code, result.output
    assert chinese in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.real_prompt
def test_same_error_in_english(demo_db: str) -> None:
    result = CliRunner().invoke(cli, ["--lang", "en", "--db", demo_db, "asset", "show", "NOPE"])
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "no asset with tag 'NOPE'" in result.output and "设备" not in result.output


@pytest.mark.real_prompt
def test_audit_log_keeps_the_english_text(demo_db: str) -> None:
    runner = CliRunner()
    args = [*AS_PLANNER, "activate", "HC-C02", "--mode", "exercise", "--programme", "cn-918-single"]
    refused = runner.invoke(
        cli, ["--lang", "zh", "--db", demo_db, *args, "--reason", "x"], input=PLANNER_PASSPHRASE
    )
    assert refused.exit_code == ExitCode.REFUSED and "什么也没有发送" in refused.output
    shown = runner.invoke(
        cli, ["--db", demo_db, "audit", "list", "--action", "activation.refused", "--json"]
    )
    messages = [event["message"] for event in json.loads(shown.output)]
    assert messages and all("nothing was sent" in m and "发送" not in m for m in messages)


def test_lazy_text_is_english_as_str_and_translated_when_shown() -> None:
    message = L_("no asset with tag {tag!r} (see `sirenctl asset list`)", tag="X1")
    error = NotFound(message)
    problem = FieldProblem("kind", L_("must be positive"))
    set_language(Language.ZH)
    try:
        assert str(error) == "no asset with tag 'X1' (see `sirenctl asset list`)"
        assert localized(error) == "没有编号为 'X1' 的设备（见 `sirenctl asset list`）"
        assert str(problem) == "kind: 必须为正数"
        assert localized(ValueError("plain")) == "plain"
    finally:
        set_language(Language.EN)
    assert localized(error) == str(error)


def test_tui_asset_form_messages_in_chinese() -> None:
    from sirenctl.i18n import _

    set_language(Language.ZH)
    try:
        assert _("{tag}: nothing changed").format(tag="HC-C01") == "HC-C01：没有任何更改"
        assert _("{tag}: saved {fields}").format(tag="HC-C01", fields="名称") == (
            "HC-C01：已保存 名称"
        )
    finally:
        set_language(Language.EN)


@pytest.mark.real_prompt
def test_passphrase_prompt_names_the_purpose_in_chinese(demo_db: str) -> None:
    """The prompt says who and what for in the interface language; the audit keeps English."""
    args = ["--lang", "zh", "--db", demo_db, "--user", "demo-admin", "account", "add", "x.y"]
    result = CliRunner().invoke(
        cli, [*args, "--name", "某人", "--role", "technician"], input="not the passphrase\n"
    )
    assert result.exit_code == ExitCode.NOT_AUTHENTICATED, result.output
    assert "demo-admin 的口令（创建账户 x.y）：" in result.stderr
    shown = CliRunner().invoke(cli, ["--db", demo_db, "audit", "list", "--json", "--limit", "5"])
    messages = [str(event["message"]) for event in json.loads(shown.output)]
    assert any("create account x.y: wrong passphrase" in m for m in messages), messages


def test_a_role_refusal_names_roles_in_the_users_language_and_english_in_the_log() -> None:
    from sirenctl.identity import Actor, AuthMethod, Role
    from sirenctl.security.authn import require_role
    from sirenctl.security.errors import NotPermitted

    clerk = Actor("zhang", frozenset({Role.TECHNICIAN, Role.PLANNER}), AuthMethod.OS_USER)
    with pytest.raises(NotPermitted) as refused:
        require_role(clerk, Role.APPROVER, L_("approve work order {wo_id}", wo_id=3))
    assert str(refused.value) == (
        "zhang may not approve work order 3: it needs the approver role "
        "(roles of zhang: planner, technician)"
    )
    set_language(Language.ZH)
    try:
        shown = localized(refused.value)
    finally:
        set_language(Language.EN)
    assert shown == "zhang 不能批准工单 3：需要审批人角色（zhang 的角色：计划员, 技术员）"
