"""An outage of the other side leaves records queued for retries, never dead after one; a
child waits for its parent (issue 7 item 4)."""

from __future__ import annotations

from magodoo.backends import Direction, JobState
from tests.engine.conftest import World

O2M = Direction.ODOO_TO_MAGENTO
MODEL = "product.public.category"


async def test_an_outage_queues_parents_and_children_until_it_ends(world: World) -> None:
    odoo = world.conn.odoo
    (desks,) = await odoo.create(MODEL, [{"name": "Desks"}])
    kids = await odoo.create(MODEL, [{"name": f"Desk {n}", "parent_id": desks}
                                     for n in range(3)])
    world.magento.faults.outage_next = 10_000  # maintenance mode until further notice
    result = await world.engine.sync("categories", O2M, keys=kids)
    assert result.failed == 3
    assert all(r.retriable for r in result.records), result.records
    assert all("waiting for categories" in r.reason for r in result.records)
    # the parent is queued too; two more failed attempts: still waiting, not dead
    for _ in range(2):
        assert await world.engine.work_once("w") == 4
    counts = await world.stores.jobs.counts()
    assert counts[JobState.DEAD] == 0 and counts[JobState.WAITING] == 4
    world.magento.faults.calm()
    assert await world.engine.work_once("w") == 4  # children sync their parent first
    assert sum((await world.stores.jobs.counts()).values()) == 0
    assert await world.stores.bindings.count("default", "categories") == 4
    names = sorted(c["name"] for c in world.magento.state.categories.values() if c["id"] > 2)
    assert names == ["Desk 0", "Desk 1", "Desk 2", "Desks"]


async def test_an_incremental_pass_in_an_outage_moves_the_cursor_only_over_queued_records(
    world: World,
) -> None:
    await world.conn.odoo.create(MODEL, [{"name": f"Cat {n}"} for n in range(4)])
    world.magento.faults.outage_next = 10_000
    result = await world.engine.sync("categories", O2M)
    assert result.failed == 4 and result.cursor is not None
    jobs = await world.stores.jobs.counts()
    assert jobs[JobState.WAITING] == 4  # every record the cursor passed is in the queue
    world.magento.faults.calm()
    assert await world.engine.work_once("w") == 4
    assert await world.stores.bindings.count("default", "categories") == 4
