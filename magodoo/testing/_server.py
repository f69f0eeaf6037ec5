"""Run an aiohttp application on a real loopback port (tests), or until interrupted (the
fakes' command lines)."""

from __future__ import annotations

import asyncio
import json
import shlex
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from aiohttp.test_utils import TestServer


@asynccontextmanager
async def serve(app: web.Application, *, port: int = 0) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1 and yield its base URL (``http://127.0.0.1:PORT``).

    Port 0 picks a free port. The server is closed when the block ends.
    """
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def serve_forever(
    app: web.Application, host: str, port: int, announce: Callable[[str], None]
) -> None:
    """Serve ``app`` until cancelled; ``announce(base_url)`` once listening, with the port the
    system bound (``--port 0`` picks a free one, and the printed URL says which)."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else port
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{bound}")
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def settings_text(section: str, values: dict[str, str], secrets: dict[str, str]) -> str:
    """What a user pastes to point magodoo at a fake: a ``magodoo.toml`` section and the
    ``export MAGODOO_...=`` lines of its secrets (shell-quoted)."""
    lines = ["# magodoo.toml", f"[{section}]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    lines.append("# environment")
    lines += [f"export {name}={shlex.quote(value)}" for name, value in secrets.items()]
    return "\n".join(lines)
