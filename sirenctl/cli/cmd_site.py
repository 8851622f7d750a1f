"""``sirenctl site``: communities."""

from __future__ import annotations

from typing import Any

import click

from sirenctl.cli.common import AppContext, echo_json, echo_table, info, json_option, pass_app
from sirenctl.cli.field_options import field_options, parsed_fields
from sirenctl.i18n import _
from sirenctl.labels import ASSET_KIND, ASSET_STATUS
from sirenctl.registry.fields import SITE_FIELDS


@click.group()
def site() -> None:
    """Sites (communities) that host sirens.

    \b
    Example:
      sirenctl site add --code C16 --name 城东社区 --district 安宁县 --population 8200
    """


@site.command("add")
@field_options(SITE_FIELDS)
@pass_app
def site_add(app: AppContext, **kwargs: Any) -> None:
    """Add a site.

    \b
    Example:
      sirenctl site add --code C15 --name 新城社区 --latitude 36.65 --longitude 117.02
    """
    from sirenctl.registry.sites import add_site

    values = parsed_fields(SITE_FIELDS, kwargs, require=True)
    with app.db.transaction() as session:
        added = add_site(session, values, operator=app.operator)
        info(_("added site {code} {name}").format(code=added.code, name=added.name))


@site.command("edit")
@click.argument("code")
@field_options(SITE_FIELDS, skip=("code",), mark_required=False)
@pass_app
def site_edit(app: AppContext, code: str, **kwargs: Any) -> None:
    """Change fields of site CODE (only the options given; '' clears a field).

    \b
    Example:
      sirenctl site edit C01 --contact-person 王建国 --contact-phone 0531-8800101
    """
    from sirenctl.registry.sites import edit_site, site_changes

    changes = parsed_fields(SITE_FIELDS, kwargs, require=False)
    if not changes:
        raise click.UsageError(_("nothing to change: give at least one field option"))
    with app.db.session() as session:
        changes = site_changes(session, code, changes)
    if not changes:
        info(_("{ref}: nothing changed").format(ref=code))
        return
    with app.db.transaction() as session:
        edit_site(session, code, changes, operator=app.operator)
    info(_("updated site {code}").format(code=code))


@site.command("list")
@click.option("--search", help="Code, name or district substring (CJK works).")
@json_option
@pass_app
def site_list(app: AppContext, search: str | None, as_json: bool) -> None:
    """List sites with their asset counts.

    \b
    Example:
      sirenctl site list --search 社区 --json
    """
    from sirenctl.registry.sites import list_sites, site_asset_counts, site_to_dict

    with app.db.session() as session:
        counts = site_asset_counts(session)
        rows = [site_to_dict(s, counts.get(s.id, 0)) for s in list_sites(session, search=search)]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["code", "name", "district", "subdistrict", "population", "contact", "phone", "assets"],
        [
            [
                r["code"],
                r["name"],
                r["district"],
                r["subdistrict"],
                r["population"],
                r["contact_person"],
                r["contact_phone"],
                r["assets"],
            ]
            for r in rows
        ],
    )


@site.command("show")
@click.argument("code")
@json_option
@pass_app
def site_show(app: AppContext, code: str, as_json: bool) -> None:
    """Show one site and its assets.

    \b
    Example:
      sirenctl site show C01
    """
    from sirenctl.registry.assets import AssetFilter, list_assets
    from sirenctl.registry.sites import get_site, site_to_dict

    with app.db.session() as session:
        data = site_to_dict(get_site(session, code))
        assets = list_assets(session, AssetFilter(site=code))
        data["asset_tags"] = [a.tag for a in assets]
        asset_rows = [
            [a.tag, ASSET_KIND.show(a.kind), ASSET_STATUS.show(a.status), a.name] for a in assets
        ]
    if as_json:
        echo_json(data)
        return
    from sirenctl.cli.detail_view import site_rows

    echo_table(
        ["field", "value"],
        site_rows({k: v for k, v in data.items() if k != "asset_tags"}),
        title=_("site {code}").format(code=code),
    )
    echo_table(["tag", "kind", "status", "name"], asset_rows, title=_("assets"))
