"""Generate click options from the registry field table, and parse what the user gave."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from sirenctl.i18n import Language, _, current_language
from sirenctl.registry.errors import ValidationFailed
from sirenctl.registry.fields import FieldSpec, parse_bool, parse_values


def option_name(spec: FieldSpec) -> str:
    return spec.key.removeprefix("is_").replace("_", "-")


def field_help(spec: FieldSpec, required: bool) -> str:
    """Option help from the field table, in the current language (called again by
    sirenctl/cli/localize.py when the language changes)."""
    if spec.parse is parse_bool:
        return _(spec.help) + ("。" if current_language() is Language.ZH else ".")
    if current_language() is Language.ZH:
        return _(spec.help) + "（" + spec.zh + "）。" + (_(" [required]") if required else "")
    return f"{spec.help} ({spec.zh})." + (" [required]" if required else "")


def field_options(
    fields: tuple[FieldSpec, ...], *, skip: tuple[str, ...] = (), mark_required: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for spec in reversed(fields):
            if spec.key in skip:
                continue
            name = option_name(spec)
            required = spec.required and mark_required
            if spec.parse is parse_bool:
                option = click.option(
                    f"--{name}/--no-{name}", spec.key, default=None, help=field_help(spec, False)
                )
            else:
                option = click.option(
                    f"--{name}", spec.key, metavar="TEXT", help=field_help(spec, required)
                )
            func = option(func)
            # sirenctl/cli/localize.py rebuilds this help in the language of each invocation.
            func.__click_params__[-1]._sirenctl_field = (spec, required)  # type: ignore[attr-defined]
        return func

    return decorate


def parsed_fields(
    fields: tuple[FieldSpec, ...], kwargs: dict[str, Any], *, require: bool
) -> dict[str, Any]:
    """Parse the given options (``None`` = not given); raise ValidationFailed on any problem.

    For edits, an empty string clears a field.
    """
    keys = {spec.key for spec in fields}
    raw: dict[str, str | None] = {}
    given_bools: dict[str, bool] = {}
    for key, value in kwargs.items():
        if key not in keys or value is None:
            continue
        if isinstance(value, bool):
            given_bools[key] = value
        else:
            raw[key] = value
    values, problems = parse_values(fields, raw, require=False)
    values.update(given_bools)
    if require:
        for spec in fields:
            if spec.required and values.get(spec.key) in (None, ""):
                from sirenctl.registry.errors import FieldProblem

                problems.append(
                    FieldProblem(
                        spec.key, _("is required (--{option})").format(option=option_name(spec))
                    )
                )
    if problems:
        raise ValidationFailed(problems)
    return values
