"""Rebuild the demo database `sample.db`, reproducibly, from the synthetic agency.

    python db/build_sample.py [--out sample.db]

The same as `staffing-tui generate --db OUT --scale sample --seed 20261118`
(the hand-made agency of `staffing_tui/synth/scenarios.py`), written to a
temporary file and moved into place only when it differs: an unchanged rebuild
leaves the file (and its mtime) alone, so git shows no diff and the app does not
replace users' working copies of the sample.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
import time
from pathlib import Path

from staffing_tui.synth.sample_builder import SEED
from staffing_tui.synth.write import generate_database

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "sample.db"


def build(out: Path | str = DEFAULT_OUT, seed: int = SEED) -> Path:
    """Build the sample database at `out` (written to a temporary file, then moved into place)."""
    out = Path(out)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    generate_database(tmp, "sample", seed)
    if out.exists() and filecmp.cmp(tmp, out, shallow=False):
        tmp.unlink()
        return out
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    # A WAL left by someone who opened the old file would be replayed into the new one.
    for stale in (Path(f"{out}-wal"), Path(f"{out}-shm")):
        stale.unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the fictional demo database sample.db.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write it (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    before = args.out.stat().st_mtime_ns if args.out.exists() else None
    path = build(args.out)
    what = "unchanged" if path.stat().st_mtime_ns == before else "wrote"
    print(f"{what} {path} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
