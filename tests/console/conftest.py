"""Both fakes on loopback, an engine over them, and the console with one account per role."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import attrs
import pytest

pytest.importorskip("aiohttp_jinja2", reason="the console extra is not installed")

from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from magodoo._http import RetryPolicy
from magodoo.console import console_app
from magodoo.engine import connect
from magodoo.engine.wiring import Connection
from magodoo.settings import (
    ConsoleAccount,
    ConsoleSettings,
    MagentoSettings,
    OdooSettings,
    Settings,
    StoreSettings,
)
from magodoo.testing import serve
from magodoo.testing._magento.customers import create_customer
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

SECRET_KEY = "console-session-key-for-tests-0123456789abcdef"
ODOO_KEY = "odoo-api-key-never-shown-4711"
PASSWORDS = {"ursula": "user-pass-1234", "adam": "admin-pass-1234",
             "tess": "tech-pass-1234"}
ROLES = {"ursula": "user", "adam": "admin", "tess": "technical_admin"}
FAST_RETRY = RetryPolicy(max_tries=2, base=0.0, max_wait=0.0, jitter=False, max_time=5.0)
# cheap hashes keep the tests quick; verification reads the cost from the hash itself
_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
HASHES = {name: _HASHER.hash(pw) for name, pw in PASSWORDS.items()}


def console_settings(**overrides: Any) -> ConsoleSettings:
    accounts = {name: ConsoleAccount(role=ROLES[name], password_hash=HASHES[name])  # type: ignore[arg-type]
                for name in PASSWORDS}
    values: dict[str, Any] = {"enabled": True, "accounts": accounts, "secret_key": SECRET_KEY,
                              "workers": 1, **overrides}
    return ConsoleSettings(**values)


def settings_for(magento_url: str, odoo_url: str, token: str, **console: Any) -> Settings:
    return Settings(
        magento=MagentoSettings(url=magento_url, auth="token", token=token),
        odoo=OdooSettings(url=odoo_url, database="magodoo", username="admin", api_key=ODOO_KEY),
        stores=StoreSettings(kind="memory"),
        retry_backoff_seconds=0.0, worker_poll_seconds=0.05,
        console=console_settings(**console),
    )


def add_customer(magento: FakeMagento, n: int) -> int:
    data = {"email": f"console{n}@example.com", "firstname": "Jane", "lastname": f"Doe{n}"}
    return int(create_customer(magento.state, data)["id"])


@attrs.define
class World:
    magento: FakeMagento
    odoo: FakeOdoo
    conn: Connection
    client: TestClient  # type: ignore[type-arg]

    @property
    def engine(self) -> Any:
        return self.conn.engine


@pytest.fixture
async def world() -> AsyncIterator[World]:
    magento = FakeMagento(seed=None)
    odoo = FakeOdoo(seed="demo", api_key=ODOO_KEY)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        settings = settings_for(murl, ourl, magento.admin_token())
        async with await connect(settings, retry=FAST_RETRY) as conn:
            client = TestClient(TestServer(console_app(conn.engine), host="127.0.0.1"))
            await client.start_server()
            try:
                yield World(magento, odoo, conn, client)
            finally:
                await client.close()


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_of(client: TestClient, path: str = "/login") -> str:  # type: ignore[type-arg]
    response = await client.get(path)
    found = CSRF.search(await response.text())
    assert found, f"no CSRF token on {path}"
    return found.group(1)


async def login(client: TestClient, name: str) -> str:  # type: ignore[type-arg]
    """Sign in as ``name``; returns the session's CSRF token."""
    token = await csrf_of(client)
    response = await client.post("/login", data={"username": name,
                                                 "password": PASSWORDS[name],
                                                 "csrf_token": token},
                                 allow_redirects=False)
    assert response.status == 303, await response.text()
    return await csrf_of(client, "/")


async def eventually(check: Callable[[], Any], within: float = 10.0) -> Any:
    deadline = time.monotonic() + within
    while True:
        value = await check() if asyncio.iscoroutinefunction(check) else check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.05)
