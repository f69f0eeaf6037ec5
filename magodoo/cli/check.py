"""``magodoo check``: "test connection" for both servers (exit 0 when both are fine, else 3)."""

from __future__ import annotations

import argparse
from typing import Any

from magodoo.cli._common import (
    EXIT_OK,
    EXIT_UNREACHABLE,
    Stop,
    add_common,
    emit_json,
    load_settings,
    say,
)


def check_json(report: Any) -> list[dict[str, Any]]:
    """The two sides of a :class:`~magodoo.engine.check.CheckReport` in the stable ``--json``
    shape (the web console shows the same)."""
    return [{"server": side.server, "ok": side.ok, "reachable": side.reachable,
             "authenticated": side.authenticated, "version": side.version,
             "modules": len(side.modules or ()), "features": dict(side.features),
             "error": side.error, "warnings": list(side.warnings)}
            for side in (report.magento, report.odoo)]


async def run_check(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.wiring import connect

    settings = load_settings(args)
    async with await connect(settings) as conn:
        report = await conn.engine.check()
    code = EXIT_OK if report.ok else EXIT_UNREACHABLE
    if args.json:
        emit_json({"ok": report.ok, "exit_code": code, "servers": check_json(report)})
        return code
    for side in (report.magento, report.odoo):
        state = "ok" if side.ok else "FAILED"
        detail = [f"reachable={side.reachable}", f"authenticated={side.authenticated}"]
        if side.version:
            detail.append(f"version={side.version}")
        if side.modules:
            detail.append(f"modules={len(side.modules)}")
        detail += [f"{k}={v}" for k, v in sorted(side.features.items())]
        say(f"{side.server:<8} {state:<6} " + " ".join(detail))
        if side.error:
            say(f"         {side.error}")
        for warning in side.warnings:
            say(f"         warning: {warning}")
    return code


def register(sub: Any) -> None:
    parser = sub.add_parser("check", help="test the connection to both servers")
    add_common(parser)
    parser.set_defaults(command=run_check)
