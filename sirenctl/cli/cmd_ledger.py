"""``sirenctl ledger``: the asset ledger and the inspection ledger (巡检台账) as Excel files."""

from __future__ import annotations

from pathlib import Path

import click

from sirenctl.cli.common import AppContext, info, pass_app
from sirenctl.i18n import L_, _

LEDGERS = click.Choice(["assets", "inspections"])
XLSX = click.Path(dir_okay=False, path_type=Path)


@click.group()
def ledger() -> None:
    """Excel (.xlsx) ledgers with Chinese headers: export, edit in Excel, import.

    Imports are all rows or none, with the same line/field messages as a CSV import (the
    sheet's row numbers; row 1 is the header).

    \b
    Examples:
      sirenctl ledger export assets --out 设备台账.xlsx
      sirenctl ledger export inspections --year 2025 --out 2025巡检台账.xlsx
      sirenctl ledger import inspections 纸质台账录入.xlsx
    """


@ledger.command("export")
@click.argument("which", type=LEDGERS)
@click.option("--out", type=XLSX, required=True, help="The .xlsx file to write.")
@click.option("--year", type=click.IntRange(2000, 2100), help="Inspections of this year only.")
@pass_app
def ledger_export(app: AppContext, which: str, out: Path, year: int | None) -> None:
    """Write the asset ledger or the inspection ledger as an Excel workbook.

    \b
    Example:
      sirenctl ledger export assets --out 设备台账.xlsx
    """
    from sirenctl.cli.file_output import write_bytes
    from sirenctl.services.ledgers import export_asset_ledger, export_inspection_ledger

    with app.db.session() as session:
        data = (
            export_asset_ledger(session)
            if which == "assets"
            else export_inspection_ledger(session, year)
        )
    write_bytes(data, out)


@ledger.command("import")
@click.argument("which", type=LEDGERS)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
def ledger_import(app: AppContext, which: str, file: Path) -> None:
    """Import new assets, or check-ins of a paper inspection ledger, from an Excel workbook.

    \b
    Example:
      sirenctl ledger import assets 新增设备.xlsx
    """
    from sirenctl.services.ledgers import import_asset_ledger, import_inspection_ledger
    from sirenctl.timeutil import utcnow

    if which == "assets":
        from sirenctl.cli.cmd_asset import acting_person
        from sirenctl.registry.csv_io import plan_import
        from sirenctl.services.assets import admin_fields_of_plan
        from sirenctl.services.ledgers import asset_ledger_csv

        text = asset_ledger_csv(file)
        with app.db.session() as session:  # every row checked before a passphrase is asked
            plan = plan_import(session, text, operator=app.operator, source=file.name, apply=False)
        # bench flag or controller settings in any row: an administrator, authenticated now
        person = acting_person(
            app, admin_fields_of_plan(plan), L_("import assets from {name}", name=file.name)
        )
        with app.db.transaction() as session:
            count = len(import_asset_ledger(session, person, file))
    else:
        with app.db.transaction() as session:
            count = import_inspection_ledger(session, file, operator=app.operator, now=utcnow())
    info(_("imported {count} row(s) from {file}").format(count=count, file=file.name))
