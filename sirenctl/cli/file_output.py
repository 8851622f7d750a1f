"""Binary output files (Word, Excel), written atomically like text output."""

from __future__ import annotations

import os
from pathlib import Path

from sirenctl.cli.common import CLIError, ExitCode, info
from sirenctl.i18n import L_, _


def write_bytes(data: bytes, out: Path) -> None:
    """Write ``out`` through a temporary file in the same directory: never half a file."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CLIError(
            L_("cannot write {out}: {strerror}", out=out, strerror=exc.strerror), ExitCode.FAILURE
        ) from None
    info(_("wrote {path}").format(path=out))
