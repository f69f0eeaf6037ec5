"""One unreadable Odoo row fails alone, logged and queued; its page goes on (issue 7 item 7)."""

from __future__ import annotations

from typing import Any

from magodoo.backends import Direction, LogFilter, LogStatus
from magodoo.engine.result import Outcome
from tests.engine.conftest import World

O2M = Direction.ODOO_TO_MAGENTO
MODEL = "product.public.category"


class Garbled:
    """An Odoo port whose answers carry a non-date ``write_date`` for one record."""

    def __init__(self, inner: Any, bad_id: int) -> None:
        self.inner, self.bad_id = inner, bad_id

    async def search_read_page(self, model: str, *args: Any, **kw: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = await self.inner.search_read_page(model, *args, **kw)
        return [{**r, "write_date": "not a date"} if model == MODEL and r.get("id") == self.bad_id
                else r for r in rows]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_one_unreadable_category_fails_alone(world: World) -> None:
    ids = await world.conn.odoo.create(MODEL, [{"name": f"Cat {n}"} for n in range(5)])
    bad = ids[2]
    world.engine.odoo = Garbled(world.engine.odoo, bad)
    result = await world.engine.sync("categories", O2M)
    by_id = result.by_source()
    assert result.created == 4
    assert by_id[str(bad)].outcome is Outcome.FAILED
    assert "product.public.category" in by_id[str(bad)].reason
    assert "write_date" in by_id[str(bad)].reason
    (entry,) = await world.stores.log.query(LogFilter(status=LogStatus.FAILED))
    assert entry.odoo_ref == str(bad)
    assert sum((await world.stores.jobs.counts()).values()) == 1  # queued, never dropped
    # by key too (a job's run)
    again = await world.engine.sync("categories", O2M, keys=[bad])
    assert again.by_source()[str(bad)].outcome is Outcome.FAILED


async def test_one_unreadable_magento_customer_fails_alone(world: World) -> None:
    ids = [world.add_customer(n) for n in range(5)]
    world.update_customer(ids[3], firstname="Ja\x00ne")  # a NUL in a name is refused
    result = await world.engine.sync("customers", Direction.MAGENTO_TO_ODOO)
    by_id = result.by_source()
    assert result.created == 4, result.records
    assert by_id[str(ids[3])].outcome is Outcome.FAILED
    assert "firstname" in by_id[str(ids[3])].reason
    again = await world.engine.sync("customers", Direction.MAGENTO_TO_ODOO, keys=ids)
    assert again.by_source()[str(ids[3])].outcome is Outcome.FAILED
    assert again.skipped == 4


async def test_an_unreadable_customer_does_not_end_the_paging(world: World) -> None:
    import attrs

    ids = [world.add_customer(n) for n in range(7)]
    world.update_customer(ids[1], lastname="Doe\x1b")
    world.engine.settings = attrs.evolve(world.engine.settings, batch_size=3)
    result = await world.engine.sync("customers", Direction.MAGENTO_TO_ODOO)
    assert result.created == 6, result.records
    assert result.by_source()[str(ids[1])].outcome is Outcome.FAILED
