"""``magodoo demo``: sync the two shipped fakes and show what happened (needs no settings)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from magodoo.cli._common import EXIT_OK, Stop, emit_json
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
    if not args.json:
        await stop.interruptible(run_demo(args.size, args.keep))
        return EXIT_OK
    report = await stop.interruptible(run_demo(args.size, args.keep, say=lambda _: None))
    emit_json({
        "seconds": round(report.seconds, 3), "log_entries": report.log_entries,
        "store_path": report.store_path if args.keep else None,
        "passes": [{
            "seconds": round(p.seconds, 3), "magento_requests": p.magento_requests,
            "odoo_requests": p.odoo_requests,
            "entities": [{"entity": r.entity, "direction": r.direction.value,
                          "created": r.created, "updated": r.updated, "deleted": r.deleted,
                          "skipped": r.skipped, "failed": r.failed}
                         for r in p.results.values()],
        } for p in report.passes],
    })
    return EXIT_OK


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="sync the two shipped fakes and show what happened")
    parser.add_argument("--size", choices=["small", "medium"], default="small")
    parser.add_argument("--keep", metavar="DIR", help="keep the SQLite stores in this folder")
    parser.add_argument("--json", action="store_true",
                        help="print the figures as one JSON document instead of the report")
    parser.set_defaults(command=run_demo_cli, verbose=False, log_format="text")
