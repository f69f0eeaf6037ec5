"""An incremental sync (a cursor with a date and a time: a space in the query) over the fakes
with OAuth 1.0a, as a stock Magento 2.4.4+ wants (issue 19)."""

from __future__ import annotations

import attrs

from magodoo.backends import Direction
from magodoo.engine import connect
from magodoo.settings import MagentoSettings
from magodoo.testing import serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo
from tests.engine.conftest import FAST_RETRY, Clock, make_settings
from tests.engine.conftest import World as _World

M2O = Direction.MAGENTO_TO_ODOO


async def test_incremental_customer_sync_with_oauth1() -> None:
    clock = Clock()
    magento = FakeMagento(seed=None, now=clock)
    odoo = FakeOdoo(seed=None, now=clock.naive)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        i = magento.integration
        settings = make_settings(murl, ourl, "")
        settings = attrs.evolve(settings, magento=MagentoSettings(
            url=murl, auth="integration", consumer_key=i.consumer_key,
            consumer_secret=i.consumer_secret, access_token=i.access_token,
            access_token_secret=i.access_token_secret, concurrency=4))
        conn = await connect(settings, retry=FAST_RETRY)
        conn.engine.clock = clock
        world = _World(magento, odoo, conn, clock)
        try:
            for n in range(3):
                world.add_customer(n)
            first = await conn.engine.sync("customers", M2O)
            assert first.summary()["created"] == 3
            assert first.cursor is not None and first.cursor.second == 0
            clock.advance(100)
            world.update_customer(2, lastname="Changed Name")
            clock.advance(10)
            second = await conn.engine.sync("customers", M2O)  # updated_at gteq "… 06:00:40"
            assert second.summary()["updated"] == 1
            assert world.partners(name="Jane Changed Name")
            assert "POST /V1/integration/admin/token" not in magento.counters
        finally:
            await conn.aclose()
