"""The catalog tests: the fake Odoo with the real demo catalog and magodoo's additions
(seed ``catalog``: images, a video), an empty fake Magento."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from magodoo.backends import memory_stores
from magodoo.engine import connect
from magodoo.settings import CatalogSettings
from magodoo.testing import serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo
from tests.engine.conftest import FAST_RETRY, Clock, World, make_settings


class open_catalog_world:
    """``async with open_catalog_world(clock, **settings) as world``: demo Odoo, empty Magento."""

    def __init__(self, clock: Clock, **extra: Any) -> None:
        self.clock, self.extra = clock, extra
        self._exits: list[Any] = []

    async def __aenter__(self) -> World:
        magento = FakeMagento(seed=None, now=self.clock)
        odoo = FakeOdoo(seed="catalog", now=self.clock.naive)
        for app in (magento.app, odoo.app):
            cm = serve(app)
            self._exits.append(cm)
        murl = await self._exits[0].__aenter__()
        ourl = await self._exits[1].__aenter__()
        settings = make_settings(murl, ourl, magento.admin_token(), **self.extra)
        conn = await connect(settings, stores=memory_stores(now=self.clock), retry=FAST_RETRY)
        conn.engine.clock = self.clock
        self._conn = conn
        return World(magento, odoo, conn, self.clock)

    async def __aexit__(self, *exc: object) -> None:
        await self._conn.aclose()
        for cm in reversed(self._exits):
            await cm.__aexit__(None, None, None)


@pytest.fixture
async def catalog(clock: Clock) -> AsyncIterator[World]:
    async with open_catalog_world(clock) as w:
        yield w


@pytest.fixture
async def derived(clock: Clock) -> AsyncIterator[World]:
    """Variants without an internal reference get a derived SKU (every demo product lands)."""
    async with open_catalog_world(clock, catalog=CatalogSettings(missing_sku="derive")) as w:
        yield w


def odoo(world: World, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call the fake Odoo's ORM directly (as an Odoo user editing the record)."""
    return world.odoo.execute(model, method, list(args), dict(kwargs))[0]
