"""``magodoo demo``: sync the two shipped fakes and show what happened (needs no settings)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from magodoo.cli._common import EXIT_OK, Stop
from magodoo.exceptions import ConfigurationError


def _writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".magodoo-write-test"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise ConfigurationError(
            f"--keep: cannot write in {str(folder)!r} ({exc.strerror})") from None


async def run_demo_cli(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.testing.demo import run_demo

    if args.keep:
        _writable(Path(args.keep))
    await stop.interruptible(run_demo(args.size, args.keep))
    return EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="sync the two shipped fakes and show what happened")
    parser.add_argument("--size", choices=["small", "medium"], default="small")
    parser.add_argument("--keep", metavar="DIR", help="keep the SQLite stores in this folder")
    parser.set_defaults(command=run_demo_cli, verbose=False, log_format="text")
