"""Both fakes on loopback, the engine over them (memory stores unless a test asks for SQLite)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from magodoo._http import RetryPolicy
from magodoo.backends import Stores, memory_stores, open_sqlite_stores
from magodoo.engine import SyncEngine, connect
from magodoo.engine.wiring import Connection
from magodoo.settings import MagentoSettings, OdooSettings, Settings, StoreSettings
from magodoo.testing import serve
from magodoo.testing._magento.customers import create_customer, update_customer
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

FAST_RETRY = RetryPolicy(max_tries=2, base=0.0, max_wait=0.0, jitter=False, max_time=5.0)


@attrs.define
class Clock:
    """A clock tests move by hand (UTC, aware)."""

    now: datetime = datetime(2026, 11, 27, 6, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def naive(self) -> datetime:
        return self.now.replace(tzinfo=None)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@attrs.define
class World:
    """The fakes, the connection and helpers to make Magento customers."""

    magento: FakeMagento
    odoo: FakeOdoo
    conn: Connection
    clock: Clock

    @property
    def engine(self) -> SyncEngine:
        return self.conn.engine

    @property
    def stores(self) -> Stores:
        return self.conn.stores

    def add_customer(self, n: int, *, addresses: int = 2, **extra: Any) -> int:
        data: dict[str, Any] = {
            "email": f"customer{n}@example.com",
            "firstname": "Jane",
            "lastname": f"Doe{n}",
            "addresses": [address(n, i, default_billing=i == 0, default_shipping=i == 1)
                          for i in range(addresses)],
        }
        data.update(extra)
        return int(create_customer(self.magento.state, data)["id"])

    def update_customer(self, customer_id: int, **data: Any) -> None:
        update_customer(self.magento.state, customer_id, data)

    def addresses(self, customer_id: int) -> list[dict[str, Any]]:
        return [dict(a) for a in self.magento.state.table("customer_addresses")
                if a["customer_id"] == customer_id]

    def partners(self, **match: Any) -> list[dict[str, Any]]:
        rows = self.odoo.table("res.partner").values()
        return [r for r in rows if all(r.get(k) == v for k, v in match.items())]

    def writes(self) -> int:
        """Odoo write calls and Magento non-GET calls so far."""
        odoo = sum(v for k, v in self.odoo.counters.items()
                   if k.split(".")[-1] in ("create", "write", "unlink"))
        magento = sum(v for k, v in self.magento.counters.items()
                      if not k.startswith("GET") and "token" not in k)
        return odoo + magento


def address(n: int, i: int, *, default_billing: bool = False,
            default_shipping: bool = False, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "firstname": "Jane", "lastname": f"Doe{n}",
        "street": [f"{n} Main St", f"Apt {i}"], "city": "Austin", "postcode": "78701",
        "country_id": "US", "region": {"region_code": "TX", "region": "Texas", "region_id": 57},
        "region_id": 57, "telephone": f"51255501{i:02d}",
        "default_billing": default_billing, "default_shipping": default_shipping,
    }
    data.update(extra)
    return data


def make_settings(magento_url: str, odoo_url: str, token: str, **extra: Any) -> Settings:
    return Settings(
        magento=MagentoSettings(url=magento_url, auth="token", token=token, concurrency=4),
        odoo=OdooSettings(url=odoo_url, database="magodoo", username="admin",
                          api_key="magodoo-test-key"),
        stores=StoreSettings(kind="memory"),
        retry_backoff_seconds=0.0,
        **extra,
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def make_stores(kind: str, clock: Clock, tmp_path: Path) -> Stores:
    """Memory or SQLite stores on the test clock."""
    if kind == "sqlite":
        return await open_sqlite_stores(tmp_path / "state.sqlite3", now=clock)
    return memory_stores(now=clock)


@pytest.fixture
async def world(clock: Clock) -> AsyncIterator[World]:
    async with open_world(clock) as w:
        yield w


class open_world:  # used like a function
    """``async with open_world(clock, stores=..., **settings) as world``."""

    def __init__(self, clock: Clock, stores: Stores | None = None, **extra: Any) -> None:
        self.clock, self.stores, self.extra = clock, stores, extra
        self._exits: list[Any] = []

    async def __aenter__(self) -> World:
        magento = FakeMagento(seed=None, now=self.clock)
        odoo = FakeOdoo(seed=None, now=self.clock.naive)
        m_cm, o_cm = serve(magento.app), serve(odoo.app)
        murl = await m_cm.__aenter__()
        self._exits.append(m_cm)
        ourl = await o_cm.__aenter__()
        self._exits.append(o_cm)
        settings = make_settings(murl, ourl, magento.admin_token(), **self.extra)
        stores = self.stores or memory_stores(now=self.clock)
        conn = await connect(settings, stores=stores, retry=FAST_RETRY)
        conn.engine.clock = self.clock
        self._conn = conn
        return World(magento, odoo, conn, self.clock)

    async def __aexit__(self, *exc: object) -> None:
        await self._conn.aclose()
        for cm in reversed(self._exits):
            await cm.__aexit__(None, None, None)
