#!/usr/bin/env python3
"""One sync run, for cron: a thin example over :mod:`magodoo.cli` (``magodoo sync`` is the
same command, installed with the package).

::

    python runners/batch.py --config magodoo.toml --entity customers
    python runners/batch.py --config magodoo.toml --all [--full] [--dry-run] [--json]
    python runners/batch.py --config magodoo.toml --entity categories --since 2026-11-27

Settings come from the TOML file (or ``$MAGODOO_CONFIG``), secrets from ``MAGODOO_*``
environment variables. Exit codes: 0 done, 1 some records failed (they are queued for
retry), 2 bad configuration or arguments, 3 a server or the store could not be used,
130/143 stopped by SIGINT/SIGTERM. See docs/runners.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from magodoo.cli import add_sync_arguments, run_sync_command


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="runners/batch.py",
                                     description="Run one magodoo sync (for cron).")
    add_sync_arguments(parser)
    return run_sync_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
