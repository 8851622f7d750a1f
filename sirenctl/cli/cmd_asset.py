"""``sirenctl asset``: sirens, terminals and controllers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from sirenctl.cli.columns import echo_columns
from sirenctl.cli.common import (
    AppContext,
    echo_json,
    echo_table,
    info,
    json_option,
    pass_app,
    wide_option,
    yes_no,
)
from sirenctl.cli.field_options import field_options, parsed_fields
from sirenctl.cli.work_progress import StagedProgress
from sirenctl.i18n import L_, N_, _, ngettext
from sirenctl.labels import ASSET_KIND, ASSET_STATUS, term
from sirenctl.models.enums import AssetKind, AssetStatus
from sirenctl.registry.fields import ASSET_FIELDS, as_entered

KINDS = click.Choice([k.value for k in AssetKind])
STATUSES = click.Choice([s.value for s in AssetStatus])


def filter_options(func: Any) -> Any:
    for option in reversed(
        [
            click.option("--site", help="Only assets of this site code."),
            click.option("--kind", type=KINDS, help="Only this kind."),
            click.option("--status", type=STATUSES, help="Only this status."),
            click.option("--tag", "tag_contains", help="Tag substring."),
            click.option("--search", "text", help="Tag, name or site-name substring (CJK works)."),
            click.option(
                "--networked/--manual",
                default=None,
                help="Only assets with (or without) a controller.",
            ),
        ]
    ):
        func = option(func)
    return func


def make_filter(kwargs: dict[str, Any]) -> Any:
    from sirenctl.registry.assets import AssetFilter

    return AssetFilter(
        site=kwargs.get("site"),
        kind=kwargs.get("kind"),
        status=kwargs.get("status"),
        tag_contains=kwargs.get("tag_contains"),
        text=kwargs.get("text"),
        networked=kwargs.get("networked"),
    )


@click.group()
def asset() -> None:
    """Sirens, terminals and controllers.

    \b
    Examples:
      sirenctl asset list --kind hand_crank --site C01
      sirenctl asset import sirens.csv
      sirenctl asset export --format json > assets.json
    """


def acting_person(app: AppContext, admin_fields: list[str], purpose: str) -> Any:
    """An administrator, authenticated now, when bench or controller fields are touched;
    otherwise the login for a plain write (docs/security.md)."""
    from sirenctl.identity import Role
    from sirenctl.services.assets import plain_person

    if admin_fields:
        fields = ", ".join(admin_fields)
        return app.authenticate(
            L_("{purpose}: {fields}", purpose=purpose, fields=fields), Role.ADMINISTRATOR
        )
    return plain_person(app.operator)


@asset.command("add")
@field_options(ASSET_FIELDS)
@pass_app
def asset_add(app: AppContext, **kwargs: Any) -> None:
    """Add an asset. Networked assets need --controller-transport and its endpoint.

    \b
    Examples:
      sirenctl asset add --tag HC-C15 --site C15 --kind hand_crank --measured-db 96 \\
          --measured-distance-m 30 --custodian 网格员
      sirenctl asset add --tag T09 --site C02 --kind electronic --controller-transport modbus_tcp \\
          --controller-host 10.1.2.9 --controller-port 502 --controller-unit-id 1
    """
    from sirenctl.services.assets import add_asset, admin_fields_to_add

    values = parsed_fields(ASSET_FIELDS, kwargs, require=True)
    from sirenctl.registry.assets import check_asset
    from sirenctl.registry.errors import ValidationFailed

    problems = check_asset(dict(values))  # field problems first, the passphrase after
    if problems:
        raise ValidationFailed(problems)
    person = acting_person(
        app, admin_fields_to_add(values), L_("add asset {tag}", tag=values.get("tag"))
    )
    with app.db.transaction() as session:
        added = add_asset(session, person, values)
        info(
            _("added asset {tag} ({kind}) at {site}").format(
                tag=added.tag, kind=term(added.kind), site=added.site.code
            )
        )


@asset.command("edit")
@click.argument("tag")
@field_options(ASSET_FIELDS, skip=("tag",), mark_required=False)
@pass_app
def asset_edit(app: AppContext, tag: str, **kwargs: Any) -> None:
    """Change fields of asset TAG (only the options given; '' clears a field).

    \b
    Example:
      sirenctl asset edit HC-C01 --status faulty --notes "crank handle loose"
    """
    from sirenctl.registry.assets import asset_changes
    from sirenctl.services.assets import admin_fields_to_edit, edit_asset

    changes = parsed_fields(ASSET_FIELDS, kwargs, require=False)
    if not changes:
        raise click.UsageError(_("nothing to change: give at least one field option"))
    with app.db.session() as session:
        changes = asset_changes(session, tag, changes)
        fields = admin_fields_to_edit(session, tag, changes)
    if not changes:
        info(_("{ref}: nothing changed").format(ref=tag))
        return
    person = acting_person(app, fields, L_("change asset {tag}", tag=tag))
    with app.db.transaction() as session:
        edit_asset(session, person, tag, changes)
    info(_("updated asset {tag}").format(tag=tag))


@asset.command("retire")
@click.argument("tag")
@click.option("--reason", help="Why it is retired (kept in the audit log).")
@pass_app
def asset_retire(app: AppContext, tag: str, reason: str | None) -> None:
    """Retire asset TAG (kept in the registry with status retired).

    \b
    Example:
      sirenctl asset retire HC-C07 --reason "replaced by electronic siren T08"
    """
    from sirenctl.i18n import ngettext
    from sirenctl.services.retire import retire_asset

    with app.db.transaction() as session:
        retired = retire_asset(session, tag, operator=app.operator, reason=reason)
    info(_("retired asset {tag}").format(tag=tag))
    if retired.cancelled_orders:
        count = len(retired.cancelled_orders)
        info(
            ngettext(
                "cancelled {count} open work order of {tag}",
                "cancelled {count} open work orders of {tag}",
                count,
            ).format(count=count, tag=tag)
        )


TABLE_ROWS = 500  # on a terminal, up to this many rows as a boxed table


@asset.command("list")
@filter_options
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows.")
@json_option
@wide_option
@pass_app
def asset_list(
    app: AppContext, limit: int | None, offset: int, as_json: bool, **kwargs: Any
) -> None:
    """List assets, filtered by site, kind, status and tag or name.

    \b
    Examples:
      sirenctl asset list --kind hand_crank
      sirenctl asset list --status faulty --json
      sirenctl asset list --search 东风
    """
    from sirenctl.registry.asset_rows import asset_rows, row_endpoint

    with app.db.session() as session:
        rows = asset_rows(session, make_filter(kwargs), limit=limit, offset=offset)
    if as_json:
        echo_json(rows)
        return
    columns = ["tag", "site", "kind", "status", "name", "endpoint", "bench"]
    cells = [
        [
            r["tag"],
            r["site"],
            ASSET_KIND.show(r["kind"]),
            ASSET_STATUS.show(r["status"]),
            r["name"],
            row_endpoint(r),
            _("bench") if r["is_bench"] else "",
        ]
        for r in rows
    ]
    if sys.stdout.isatty() and len(rows) <= TABLE_ROWS:
        echo_table(columns, cells, optional=("bench", "site"))
    else:  # a pipe, a file, or many rows: stream aligned plain lines
        echo_columns(columns, cells)
    info(ngettext("{count} asset", "{count} assets", len(rows)).format(count=len(rows)))


#: fields of an asset's record that are not in the registry's form (sirenctl/registry/fields.py)
OTHER_FIELD_LABELS = {"bench_signed_by": N_("Bench signed by"), "retired_at": N_("Retired at")}
CODED_FIELDS = {"kind": ASSET_KIND, "status": ASSET_STATUS}


def asset_field_label(key: str) -> str:
    """A field of ``asset show`` as a word, as the TUI's forms and detail view name it."""
    from sirenctl.registry.fields import ASSET_SPECS, field_label

    if key in ASSET_SPECS:
        return ASSET_SPECS[key].label
    if key in OTHER_FIELD_LABELS:
        return _(OTHER_FIELD_LABELS[key])
    return field_label(key)


def shown_value(key: str, value: object) -> object:
    if isinstance(value, bool):
        return yes_no(value)
    if key in CODED_FIELDS:
        return CODED_FIELDS[key].show(value)
    return as_entered(value) if isinstance(value, float) else value


@asset.command("show")
@click.argument("tag")
@json_option
@pass_app
def asset_show(app: AppContext, tag: str, as_json: bool) -> None:
    """Show everything the registry holds about asset TAG.

    \b
    Example:
      sirenctl asset show HC-C01
    """
    from sirenctl.registry.assets import asset_to_dict, get_asset

    with app.db.session() as session:
        data = asset_to_dict(get_asset(session, tag))
    if as_json:
        echo_json(data)
        return
    shown = [[asset_field_label(k), shown_value(k, v)] for k, v in data.items()]
    echo_table(["field", "value"], shown, title=_("asset {tag}").format(tag=tag))


@asset.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--update",
    is_flag=True,
    help="Rows whose tag exists update that asset (the sheet is the truth: an empty cell clears "
    "the field); the changes are listed first. Without it, existing tags are errors.",
)
@click.option("--dry-run", is_flag=True, help="Check and list the changes; write nothing.")
@pass_app
def asset_import(app: AppContext, file: Path, update: bool, dry_run: bool) -> None:
    """Import assets from a CSV (or a JSON export). All rows or none.

    Reads what Excel writes: CSV UTF-8 (with or without BOM), plain CSV on Chinese Windows
    (GBK/GB18030) and "Unicode text" (UTF-16, tab-separated); the encoding found is printed.
    Headers may be English keys or Chinese names, e.g. tag/标签, site/社区编码, kind/类型 (手摇,
    电动, 电声, 多媒体 accepted), status/状态. See docs/csv-import.md for the whole mapping. If any
    row is bad, nothing is imported and every bad row is listed with its line number; the exit
    code is 3.

    \b
    Examples:
      sirenctl asset import sirens.csv
      sirenctl asset export > assets.csv    # edit in Excel, then:
      sirenctl asset import assets.csv --update --dry-run
      sirenctl asset import assets.csv --update
    """
    from sirenctl.gc_pause import collector_paused

    with collector_paused():  # 100,000 rows of acyclic dicts and tuples
        _import_file(app, file, update=update, dry_run=dry_run)


def _import_file(app: AppContext, file: Path, *, update: bool, dry_run: bool) -> None:
    from sirenctl.registry.csv_io import decode_csv, json_rows_to_csv, plan_import
    from sirenctl.registry.import_write import prepare_import, write_import
    from sirenctl.services.assets import admin_fields_of_plan, sign_imported_bench_units

    decoded = decode_csv(file.read_bytes())
    text, delimiter = decoded.text, decoded.delimiter
    if file.suffix.lower() == ".json":
        try:
            text, delimiter = json_rows_to_csv(json.loads(text)), ","
        except (json.JSONDecodeError, AttributeError, TypeError) as exc:
            from sirenctl.registry.errors import FieldProblem, ValidationFailed

            raise ValidationFailed(
                [FieldProblem("file", _("not a JSON asset export: {error}").format(error=exc))]
            ) from None
    else:
        info(_("read {file} as {encoding}").format(file=file.name, encoding=decoded.encoding))

    with (
        app.db.session() as session,  # validate every row without holding the write lock
        StagedProgress() as progress,
    ):
        plan = plan_import(
            session, text, operator=app.operator, source=file.name, delimiter=delimiter,
            update=update, apply=False, progress=progress,
        )  # fmt: skip
    for line in plan.diff_lines() if update else []:
        click.echo(line)
    if dry_run:
        info(
            _(
                "dry run: would add {added} and update {updated} asset(s); nothing was written"
            ).format(added=len(plan.added), updated=len(plan.changes))
        )
        return
    # bench flag or controller settings in any row: an administrator, authenticated now
    person = acting_person(
        app, admin_fields_of_plan(plan), L_("import assets from {name}", name=file.name)
    )
    from sqlalchemy.exc import IntegrityError

    # every row's values and audit record made ready before the lock is taken
    prepared = prepare_import(plan, operator=person.actor.login, source=file.name)
    try:
        with (
            app.db.transaction() as session,  # the only part that holds the write lock
            StagedProgress() as progress,
        ):
            write_import(session, prepared, progress=progress)
            sign_imported_bench_units(session, person, [*plan.added, *plan.changes])
    except IntegrityError:
        from sirenctl.registry.errors import Conflict

        raise Conflict(
            L_(
                "the registry changed while the file was checked (a tag was added "
                "meanwhile); nothing was imported: run the import again"
            )
        ) from None
    if update:
        info(
            _("added {added}, updated {updated} asset(s) from {file}").format(
                added=len(plan.added), updated=len(plan.changes), file=file.name
            )
        )
    else:
        info(
            _("imported {count} asset(s) from {file}").format(count=len(plan.added), file=file.name)
        )


@asset.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option("--chinese-headers", is_flag=True, help="CSV headers in Chinese.")
@click.option("--excel", is_flag=True, help="Start with a UTF-8 BOM so Excel shows Chinese text.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout.",
)
@filter_options
@pass_app
def asset_export(
    app: AppContext, fmt: str, chinese_headers: bool, excel: bool, out: Path | None, **kwargs: Any
) -> None:
    """Export assets as CSV or JSON; the output imports back unchanged.

    \b
    Examples:
      sirenctl asset export > assets.csv
      sirenctl asset export --format json --kind hand_crank --out crank.json
    """
    from sirenctl.registry.csv_io import export_assets

    with app.db.session() as session:
        text = export_assets(session, make_filter(kwargs), fmt, chinese_headers=chinese_headers)
    if excel and fmt == "csv":
        text = "\ufeff" + text
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        info(_("wrote {file}").format(file=out))
