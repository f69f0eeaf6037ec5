"""The ``magodoo`` command line: one module per command group, in :data:`GROUPS`.

::

    magodoo sync [ENTITY] [--direction m2o|o2m] [--all] [--full] [--dry-run] [--json]
    magodoo realtime [--host ...] [--port ...] [--public-url ...]
    magodoo check | demo
    magodoo log list|show|delete|clear|expire
    magodoo queue status|list|retry|dead|requeue|purge
    magodoo bindings list|show|unbind
    magodoo webhooks install|remove|list
    magodoo console [--host ...] [--port ...] | console hash-password
    magodoo reconcile [ENTITY...] [--output FILE] [--repair]
    magodoo reset-categories [--dry-run] [--yes] | stores

Every command takes ``--config FILE`` (default ``$MAGODOO_CONFIG``), ``--json`` (one JSON
document with the keys listed in docs/runners.md), ``-v`` and ``--log-format text|json``.
Secrets come from the environment (``MAGODOO_*``), never from the file or the command line.

Exit codes (every command): 0 done, 1 some records failed or an id was not found,
2 bad settings or arguments, 3 a server, the store or a port could not be used,
130 stopped by SIGINT, 143 stopped by SIGTERM. ``magodoo realtime`` exits 0 when a signal
stopped it cleanly.

Adding a command group: write ``magodoo/cli/<group>.py`` with a ``register(subparsers)`` that
adds its parser(s) and sets ``command=<async function (args, stop) -> exit code>``, then
add the module to :data:`GROUPS`. The runners in ``runners/`` import this package.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from importlib import metadata
from types import ModuleType

from magodoo.cli import (
    bindings,
    catalog,
    check,
    console,
    demo,
    log,
    queue,
    realtime,
    reconcile,
    sync,
    webhooks,
)
from magodoo.cli._common import (
    CONFIG_ENV,
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_UNREACHABLE,
    SECRET_ENV,
    guard,
    redactor,
)
from magodoo.cli._logging import configure_logging
from magodoo.cli.realtime import add_realtime_arguments, run_realtime_cli
from magodoo.cli.sync import add_sync_arguments, format_results, run_sync

__all__ = [
    "CONFIG_ENV",
    "EXIT_CONFIG",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_UNREACHABLE",
    "GROUPS",
    "SECRET_ENV",
    "add_realtime_arguments",
    "add_sync_arguments",
    "configure_logging",
    "format_results",
    "main",
    "parser",
    "run_check_command",
    "run_command",
    "run_realtime_command",
    "run_sync_command",
    "version",
]

GROUPS: tuple[ModuleType, ...] = (demo, check, sync, realtime, log, queue, bindings, webhooks,
                                  console, reconcile, catalog)
"""The command groups, in the order ``magodoo --help`` lists them."""


def version() -> str:
    try:
        return metadata.version("magodoo")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "0+unknown"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="magodoo", description="Keep a Magento store and an Odoo ERP in sync.",
        epilog="Secrets come from MAGODOO_* environment variables; the settings file from "
               f"--config or ${CONFIG_ENV}. See docs/runners.md.")
    top.add_argument("--version", action="version", version=f"magodoo {version()}")
    sub = top.add_subparsers(dest="group", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(sub)
    return top


def run_command(args: argparse.Namespace) -> int:
    """Run parsed arguments (their ``command``) with logging set up; returns the exit code."""
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(getattr(args, "verbose", False),
                                getattr(args, "log_format", "text"), redactor())
    try:
        return guard(args.command, args)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def run_sync_command(args: argparse.Namespace) -> int:
    """Run one sync from parsed :func:`add_sync_arguments`; returns the exit code."""
    return run_command(argparse.Namespace(**{**vars(args), "command": run_sync}))


def run_realtime_command(args: argparse.Namespace) -> int:
    """Run the realtime service until SIGINT/SIGTERM; returns the exit code."""
    return run_command(argparse.Namespace(**{**vars(args), "command": run_realtime_cli}))


def run_check_command(args: argparse.Namespace) -> int:
    """"Test connection" for both servers; exit 0 when both are fine, else 3."""
    return run_command(argparse.Namespace(**{**vars(args), "command": check.run_check}))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``magodoo`` console script; returns the exit code."""
    return run_command(parser().parse_args(argv))
