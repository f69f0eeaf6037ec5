#!/usr/bin/env python3
"""The realtime service, a thin example over :mod:`magodoo.cli` (``magodoo realtime`` is the
same command, installed with the package): Odoo webhooks in, Magento polled, queue workers,
``/healthz``, ``/readyz`` and ``/metrics``, until SIGINT/SIGTERM.

::

    MAGODOO_WEBHOOK_SECRET=... python runners/realtime.py --config magodoo.toml \\
        --host 127.0.0.1 --port 8080 [--public-url https://sync.example.com]

Odoo must reach ``<public url>/odoo/webhook/<secret>`` (expose only that path); with
``--public-url`` the Odoo automations are created or refreshed at startup. Entities take
part when their ``realtime`` flag is on in the settings. See docs/runners.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from magodoo.cli import add_realtime_arguments, run_realtime_command


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="runners/realtime.py",
                                     description="Run the magodoo realtime service.")
    add_realtime_arguments(parser)
    return run_realtime_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
