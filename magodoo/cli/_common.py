"""What every command shares: exit codes, common options, settings, output, signals."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Coroutine, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO, TypeVar

import attrs

from magodoo._redact import Redactor
from magodoo.exceptions import ConfigurationError, MagodooError
from magodoo.settings import ENV_SECRETS, Settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

CONFIG_ENV = "MAGODOO_CONFIG"
"""Environment variable naming the settings file when ``--config`` is not given."""
SECRET_ENV = "MAGODOO_WEBHOOK_SECRET"
"""Environment variable holding the webhook secret (the last part of the webhook URL)."""

log = logging.getLogger("magodoo.cli")
T = TypeVar("T")


class Stopped(Exception):
    """The command was asked to stop (SIGINT, SIGTERM) and stopped at a safe point."""


def redactor(settings: Settings | None = None) -> Redactor:
    secrets = [os.environ.get(name) for name in (*ENV_SECRETS, SECRET_ENV)]
    if settings is not None:
        m, o = settings.magento, settings.odoo
        secrets += [m.password, m.token, m.consumer_key, m.consumer_secret, m.access_token,
                    m.access_token_secret, o.password, o.api_key, settings.stores.postgres_dsn,
                    settings.realtime.secret, settings.console.secret_key]
    return Redactor(secrets)


def say(text: str, out: TextIO | None = None) -> None:
    print(redactor().text(text), file=out or sys.stdout)


def error(message: str) -> None:
    say(f"error: {message}", sys.stderr)


def emit_json(document: Any) -> None:
    """One JSON document on stdout (secrets redacted)."""
    say(json.dumps(document, default=str, sort_keys=True))


def add_common(parser: argparse.ArgumentParser, *, config: bool = True) -> None:
    """``--config`` (or ``MAGODOO_CONFIG``), ``--json``, ``-v`` and ``--log-format``."""
    if config:
        parser.add_argument("--config", help=f"TOML settings file (default: ${CONFIG_ENV})")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document (stable keys, see docs/runners.md)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    parser.add_argument("--log-format", choices=["text", "json"], default="text",
                        help="log lines as text or as one JSON object each (on stderr)")


def load_settings(args: argparse.Namespace) -> Settings:
    path = getattr(args, "config", None) or os.environ.get(CONFIG_ENV)
    if not path:
        raise ConfigurationError(f"--config: missing; give --config FILE or set {CONFIG_ENV}")
    return Settings.load(path)


def parse_moment(value: str | None, option: str) -> datetime | None:
    """An ISO date/time (UTC unless an offset is given)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(f"{option}: not an ISO date/time: {value!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_age(value: str, option: str) -> timedelta:
    """``30d``, ``12h``, ``45m`` or a plain number of days."""
    units = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
    number, unit = (value[:-1], value[-1]) if value and value[-1] in units else (value, "d")
    try:
        amount = float(number)
    except ValueError:
        raise ConfigurationError(f"{option}: expected e.g. 30d, 12h or 45m, got {value!r}") \
            from None
    if amount < 0:
        raise ConfigurationError(f"{option}: must not be negative, got {value!r}")
    return timedelta(**{units[unit]: amount})


def local_time(moment: datetime | None) -> str:
    """A stored UTC time in the local time zone, with its offset."""
    return "" if moment is None else moment.astimezone().isoformat(timespec="seconds")


def iso(moment: datetime | None) -> str | None:
    """A stored time for ``--json`` (ISO 8601, UTC offset)."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "") -> None:
    """A table: rich's on a terminal, plain aligned columns otherwise (grep-friendly)."""
    rows = [["" if c is None else str(c) for c in row] for row in rows]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        shown = Table(*header, title=title or None)
        for row in rows:
            shown.add_row(*(redactor().text(c) for c in row))
        Console().print(shown)
        return
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    if title:
        say(title)
    say("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for row in rows:
        say("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def confirm(question: str, yes: bool) -> bool:
    """``--yes``, or ask on a terminal; refuse when neither (a script must say ``--yes``)."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise ConfigurationError("--yes: needed when not on a terminal")
    answer = input(f"{question} [y/N] ")
    return answer.strip().lower() in ("y", "yes")


@attrs.define
class Stop:
    """Set by the first SIGINT/SIGTERM: the command stops at its next safe point."""

    event: asyncio.Event = attrs.field(factory=asyncio.Event)
    signal: int | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_TERMINATED if self.signal == signal.SIGTERM else EXIT_INTERRUPTED

    @property
    def name(self) -> str:
        return signal.Signals(self.signal).name if self.signal else "signal"

    async def interruptible(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` until it ends, or cancel it when the stop comes (raises
        :class:`Stopped`). Use it only around work that is safe to cut (no claimed jobs)."""
        task = asyncio.ensure_future(work)
        waiter = asyncio.ensure_future(self.event.wait())
        try:
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if task.done():
            return task.result()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        raise Stopped()


Command = Callable[[argparse.Namespace, Stop], Coroutine[Any, Any, int]]


def _store_error(exc: BaseException) -> str | None:
    if isinstance(exc, sqlite3.DatabaseError):
        return f"stores.path: not a SQLite database or cannot be used ({exc})"
    return None


def guard(command: Command, args: argparse.Namespace) -> int:
    """Run a command under ``asyncio.run``, turning the errors a user can act on into one
    line and an exit code. The first SIGINT/SIGTERM sets the command's :class:`Stop`; a
    second one cancels it at once."""
    stop = Stop()

    async def run() -> int:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        installed: list[int] = []

        def on_signal(number: int) -> None:
            if stop.signal is None:
                stop.signal = number
                stop.event.set()
                say(f"{signal.Signals(number).name}: stopping at the next safe point "
                    "(send it again to stop at once)", sys.stderr)
            elif task is not None:
                task.cancel()

        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(sig, on_signal, int(sig))
                    installed.append(int(sig))
        try:
            return await command(args, stop)
        finally:
            for number in installed:
                loop.remove_signal_handler(number)

    try:
        return asyncio.run(run())
    except ConfigurationError as exc:
        error(str(exc))
        return EXIT_CONFIG
    except Stopped:
        return stop.exit_code
    except MagodooError as exc:
        error(f"{type(exc).__name__}: {exc}")
        return EXIT_UNREACHABLE
    except (OSError, sqlite3.DatabaseError) as exc:  # a port in use, a stores file
        error(_store_error(exc) or str(exc))
        return EXIT_UNREACHABLE
    except (KeyboardInterrupt, asyncio.CancelledError):
        error(f"{stop.name if stop.signal else 'SIGINT'}: stopped at once")
        return stop.exit_code
