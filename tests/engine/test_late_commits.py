"""Odoo commits a page's create after the client gave up: the engine does not create the
page again before Odoo's time limit, then adopts what was committed (issue 7 item 1: 1,010
customers had become 1,160 partners)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from magodoo.backends import Direction, JobState
from magodoo.engine.result import Outcome
from tests.engine.conftest import Clock, World
from tests.engine.faults.conftest import TIMEOUT, open_world, settled
from tests.engine.shared_stores import open_site

M2O = Direction.MAGENTO_TO_ODOO


class LateCreates:
    """An Odoo port whose next partner create is committed by the fake after the client's
    timeout (the fake's own late fault, armed just before the create is sent)."""

    def __init__(self, inner: Any, world: World) -> None:
        self.inner, self.world = inner, world

    async def create(self, model: str, vals_list: Any, **kw: Any) -> list[int]:
        if model == "res.partner":
            self.world.odoo.faults.late_by, self.world.odoo.faults.late_next = 3 * TIMEOUT, 1
        result: list[int] = await self.inner.create(model, vals_list, **kw)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def partners(world: World) -> int:
    return sum(1 for p in world.odoo.table("res.partner").values()
               if str(p.get("ref") or "").startswith("MAGE-CUST-"))


async def test_a_late_page_create_is_not_made_twice(tmp_path: Path) -> None:
    clock = Clock()
    async with open_site("sqlite", clock, tmp_path) as (stores, _), \
            open_world(stores, clock) as world:
        for n in range(20):
            world.add_customer(n)
        engine = world.engine
        inner = engine.odoo
        engine.odoo = LateCreates(inner, world)
        first = await engine.sync("customers", M2O)
        engine.odoo = inner
        assert first.created == 0, first.records
        assert {r.outcome for r in first.records} == {Outcome.FAILED}
        assert all(r.retriable and r.wait_until for r in first.records)
        second = await engine.sync("customers", M2O)  # before the time limit: waits
        assert second.created == 0 and second.failed == 0
        await settled(world)  # Odoo finished the late create meanwhile
        assert partners(world) == 20  # committed once, late
        clock.advance(engine.settings.odoo.request_time_limit + 1)
        while await engine.work_once("w"):
            pass
        assert partners(world) == 20  # adopted, not created again
        assert await stores.bindings.count("default", "customers") == 20
        counts = await stores.jobs.counts()
        assert counts[JobState.WAITING] == counts[JobState.DEAD] == 0
