"""``sirenctl completion``: print the shell completion script (click's own machinery)."""

from __future__ import annotations

import click


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL.

    \b
    Example (bash):
      sirenctl completion bash > ~/.local/share/bash-completion/completions/sirenctl
    """
    from click.shell_completion import get_completion_class

    root = ctx.find_root()
    cls = get_completion_class(shell)
    assert cls is not None
    script = cls(root.command, {}, "sirenctl", "_SIRENCTL_COMPLETE").source()
    click.echo(script)
