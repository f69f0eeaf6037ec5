"""Two engines (as two processes: each its own connection to the same stores) syncing the
same records at once: one waits for the other, nothing is created twice or archived
(issue 7 item 3)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from magodoo.backends import Direction
from magodoo.engine import connect
from tests.engine.conftest import FAST_RETRY, Clock, World, make_settings
from tests.engine.shared_stores import open_site

M2O = Direction.MAGENTO_TO_ODOO


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_two_processes_never_create_twice(
    world: World, clock: Clock, tmp_path: Path, kind: str
) -> None:
    for n in range(40):
        world.add_customer(n)
    base = make_settings(world.engine.settings.magento.url, world.engine.settings.odoo.url,
                         world.magento.admin_token())
    async with open_site(kind, clock, tmp_path) as (first_stores, site):
        second_stores = await site.another()
        one = await connect(base, stores=first_stores, retry=FAST_RETRY)
        two = await connect(base, stores=second_stores, retry=FAST_RETRY)
        try:
            one.engine.clock = two.engine.clock = clock
            world.odoo.faults.latency = 0.1  # both look up before either has created
            results = await asyncio.gather(one.engine.sync("customers", M2O),
                                           two.engine.sync("customers", M2O))
            bound = await first_stores.bindings.count("default", "customers")
        finally:
            await one.aclose()
            await two.aclose()
        assert sum(r.created for r in results) == 40, [r.records for r in results]
        assert sum(r.failed for r in results) == 0
        tops = [p for p in world.odoo.table("res.partner").values()
                if str(p.get("ref") or "").startswith("MAGE-CUST-")]
        assert len(tops) == 40 and all(p["active"] for p in tops)
        assert bound == 40
