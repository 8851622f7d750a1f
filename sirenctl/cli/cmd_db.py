"""``sirenctl init``: create or upgrade the configured database."""

from __future__ import annotations

import click

from sirenctl.cli.common import AppContext, info, pass_app
from sirenctl.i18n import _


@click.command()
@pass_app
def init(app: AppContext) -> None:
    """Create the database (or upgrade an older one) and print where it is.

    Any command does this on first use; `init` is for doing it deliberately, e.g. before
    pointing cron at a new PostgreSQL database.

    \b
    Example:
      sirenctl --db postgresql+psycopg://sirenctl@localhost/sirenctl init
    """
    from sirenctl.db import current_revision

    db = app.db
    info(
        _("database ready: {url} (schema {revision})").format(
            url=db.engine.url.render_as_string(hide_password=True),
            revision=current_revision(db.engine),
        )
    )
