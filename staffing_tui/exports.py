"""Writing exports (reports, plan documents) with owner-only permissions."""

from __future__ import annotations

import os
from pathlib import Path

from staffing_tui.errors import UserError


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by its owner only (0600)."""
    if path.is_dir():
        raise UserError(f"--out {path} is a directory; give a file name.")
    if not path.parent.exists():
        raise UserError(f"--out {path}: the folder {path.parent} does not exist.")
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        os.chmod(path, 0o600)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise UserError(f"--out {path}: permission denied; choose a folder you can write to.") from None
