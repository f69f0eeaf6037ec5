"""Issue 8: both fakes' command lines, started with ``--port 0``, print the port they bound and
what a user pastes into ``magodoo.toml`` and the environment; pasted, it works."""

from __future__ import annotations

import asyncio
import shlex
import sys
import tomllib
from pathlib import Path

import pytest

from magodoo.magento import MagentoClient, OAuth1Auth
from magodoo.odoo import OdooClient
from magodoo.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


async def _start(module: str, *args: str) -> tuple[asyncio.subprocess.Process, list[str]]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, "--port", "0", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, cwd=ROOT,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    while True:
        line = (await asyncio.wait_for(proc.stdout.readline(), timeout=60)).decode()
        assert line, "the fake stopped before printing its settings"
        lines.append(line.rstrip("\n"))
        if line.startswith(("export MAGODOO_MAGENTO_ACCESS_TOKEN_SECRET=",
                            "export MAGODOO_ODOO_API_KEY=")):
            return proc, lines


def _paste(lines: list[str]) -> tuple[dict[str, object], dict[str, str]]:
    start = lines.index("# magodoo.toml")
    env_at = lines.index("# environment")
    toml = tomllib.loads("\n".join(lines[start + 1:env_at]))
    env = {}
    for line in lines[env_at + 1:]:
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = shlex.split(value)[0]
    return toml, env


async def _stop(proc: asyncio.subprocess.Process) -> None:
    proc.terminate()
    await asyncio.wait_for(proc.communicate(), timeout=10)


async def test_fake_magento_port_zero_prints_pasteable_settings() -> None:
    proc, lines = await _start("magodoo.testing.fake_magento", "--seed", "none")
    try:
        assert ":0/" not in lines[0] and ":0 " not in lines[0]
        toml, env = _paste(lines)
        settings = Settings.from_mapping(toml, env=env)
        url = settings.magento.url
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
        assert url in lines[0] and settings.magento.auth == "integration"
        m = settings.magento
        assert m.consumer_key and m.consumer_secret and m.access_token and m.access_token_secret
        auth = OAuth1Auth(m.consumer_key, m.consumer_secret, m.access_token,
                          m.access_token_secret)
        async with MagentoClient(url, auth=auth, store_code=m.store_code) as client:
            assert [w.code for w in await client.list_websites()]
    finally:
        await _stop(proc)


async def test_fake_odoo_port_zero_prints_pasteable_settings() -> None:
    proc, lines = await _start("magodoo.testing.fake_odoo", "--seed", "none")
    try:
        assert ":0/" not in lines[0] and ":0 " not in lines[0]
        toml, env = _paste(lines)
        settings = Settings.from_mapping(toml, env=env)
        o = settings.odoo
        assert o.url in lines[0] and not o.url.endswith("/jsonrpc")
        async with OdooClient(o.url, o.database, o.username, api_key=o.api_key) as client:
            assert await client.search_count("res.country") > 200
    finally:
        await _stop(proc)


@pytest.mark.parametrize("value", ["plain", "with space", "quote'd"])
def test_exported_values_are_shell_quoted(value: str) -> None:
    from magodoo.testing._server import settings_text

    text = settings_text("odoo", {"url": "http://x"}, {"MAGODOO_ODOO_API_KEY": value})
    line = text.splitlines()[-1]
    assert shlex.split(line.removeprefix("export "))[0] == f"MAGODOO_ODOO_API_KEY={value}"
