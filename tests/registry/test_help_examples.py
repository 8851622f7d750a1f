"""Every leaf command of ``sirenctl`` must show an example in its ``--help``."""

from __future__ import annotations

import click
import pytest

from sirenctl.cli.main import cli


def _leaf_commands(
    group: click.Group, ctx: click.Context, path: tuple[str, ...] = ()
) -> list[tuple[str, click.Command, click.Context]]:
    leaves: list[tuple[str, click.Command, click.Context]] = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is None:
            continue
        sub_path = (*path, name)
        sub_ctx = click.Context(cmd, info_name=name, parent=ctx)
        if isinstance(cmd, click.Group):
            leaves.extend(_leaf_commands(cmd, sub_ctx, sub_path))
        else:
            leaves.append((" ".join(sub_path), cmd, sub_ctx))
    return leaves


_ROOT_CTX = click.Context(cli, info_name="sirenctl")
_LEAVES = _leaf_commands(cli, _ROOT_CTX)


def test_walk_finds_commands() -> None:
    assert len(_LEAVES) > 20


@pytest.mark.parametrize(("name", "cmd", "ctx"), _LEAVES, ids=[leaf[0] for leaf in _LEAVES])
def test_help_has_example(name: str, cmd: click.Command, ctx: click.Context) -> None:
    from sirenctl.cli.localize import localize_command

    localize_command(cmd)  # English again if a --lang zh test in this process localized it
    help_text = cmd.get_help(ctx)
    assert "Example" in help_text, f"`sirenctl {name} --help` has no example"
