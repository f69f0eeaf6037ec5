#!/usr/bin/env python3
"""One sync run, for cron: ``python runners/batch.py --config magodoo.toml --all``.

::

    python runners/batch.py --config magodoo.toml --entity customers --direction magento_to_odoo
    python runners/batch.py --config magodoo.toml --all [--full] [--dry-run]
    python runners/batch.py --config magodoo.toml --entity categories --direction o2m \\
        --since 2026-11-27T00:00:00

Settings come from the TOML file, secrets from ``MAGODOO_*`` environment variables. Prints a
summary table. Exit codes: 0 done, 1 some records failed (they are queued for retry),
2 bad configuration or arguments, 3 a server could not be reached or refused the credentials.
See docs/runners.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from magodoo.__main__ import add_sync_arguments, configure_logging, run_sync_command


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="runners/batch.py",
                                     description="Run one magodoo sync (for cron).")
    add_sync_arguments(parser)
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    return run_sync_command(args)


if __name__ == "__main__":
    sys.exit(main())
