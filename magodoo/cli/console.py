"""``magodoo console``: the web console (needs the ``console`` extra); ``magodoo console
hash-password``: an argon2 hash for ``[console.accounts.<name>] password_hash``.

The console is off unless ``console.enabled``; it listens on ``console.host`` (127.0.0.1 by
default) and runs ``console.workers`` queue workers for the mass syncs it queues. Exit codes
as every command: 0 stopped cleanly by SIGINT/SIGTERM, 2 bad settings, 3 a server, the store
or the port could not be used. See docs/console.md.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from typing import TYPE_CHECKING, Any

from magodoo.cli._common import EXIT_OK, Stop, add_common, load_settings, say
from magodoo.exceptions import ConfigurationError

if TYPE_CHECKING:
    from aiohttp import web

    from magodoo.engine.engine import SyncEngine
    from magodoo.settings import Settings


def _console() -> Any:
    try:
        import magodoo.console as console
    except ImportError as exc:  # the extra is not installed
        raise ConfigurationError(f"the web console needs the console extra: pip install "
                                 f"'magodoo[console]' ({exc.name} is missing)") from None
    return console


async def start_console(engine: SyncEngine, settings: Settings, *, host: str, port: int,
                        workers: int | None = None, service: Any = None) -> web.AppRunner:
    """Build and start the console on ``host:port``; the caller cleans the runner up."""
    from aiohttp import web

    app = _console().console_app(engine, settings=settings, service=service, workers=workers)
    runner = web.AppRunner(app, handle_signals=False,
                           access_log=logging.getLogger("magodoo.console.access"))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def bound_url(runner: web.AppRunner, host: str) -> str:
    port = next((int(a[1]) for a in runner.addresses if isinstance(a, tuple)), 0)
    return f"http://{host}:{port}"


async def run_console(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.wiring import connect

    settings = load_settings(args)
    c = settings.console
    if not c.enabled:
        raise ConfigurationError("console.enabled: the console is off; set enabled = true in "
                                 "the [console] section")
    _console()  # the extra is there before anything is opened
    from magodoo.console._app import check_settings

    check_settings(settings)
    host = c.host if args.host is None else args.host
    port = c.port if args.port is None else args.port
    async with await connect(settings) as conn:
        runner = await start_console(conn.engine, settings, host=host, port=port)
        try:
            say(f"console on {bound_url(runner, host)}; stop with SIGINT or SIGTERM")
            sys.stdout.flush()
            await stop.event.wait()
        finally:
            await runner.cleanup()
    say("console stopped")
    return EXIT_OK


async def hash_password(args: argparse.Namespace, stop: Stop) -> int:
    """Read a password (twice on a terminal, else one line of stdin) and print its hash."""
    console = _console()
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise ConfigurationError("password: the two entries differ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        raise ConfigurationError("password: at least 8 characters")
    print(console.hash_password(password))  # the hash only: safe to paste into the file
    return EXIT_OK


def realtime_info(metrics: Any, started: str) -> Any:
    """What the dashboard shows of ``magodoo realtime`` serving the console."""

    def info() -> dict[str, Any]:
        def value(result: str) -> int:
            found = metrics.registry.get_sample_value("magodoo_webhook_requests_total",
                                                      {"result": result})
            return int(found or 0)

        return {"running since": started, "webhooks accepted": value("accepted"),
                "webhooks refused": value("refused")}

    return info


def register(sub: Any) -> None:
    parser = sub.add_parser("console", help="the web console (dashboard, log, queue, mass "
                                            "sync); hash-password", description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common(parser)
    parser.add_argument("--host", help="address to listen on (console.host)")
    parser.add_argument("--port", type=int, help="port, 0 for any free one (console.port)")
    parser.set_defaults(command=run_console)
    group = parser.add_subparsers(dest="console_command", required=False)
    hashing = group.add_parser("hash-password", help="print an argon2 hash of a password "
                                                     "read from the terminal or stdin")
    add_common(hashing, config=False)
    hashing.set_defaults(command=hash_password)
