"""A crash between a customer's binding and its addresses' leaves nothing unbound for good:
the next run sees the missing child bindings and stores them (issue 7 item 5)."""

from __future__ import annotations

from magodoo.backends import Direction
from magodoo.engine.entities.customers import ADDRESS_ENTITY
from tests.engine.conftest import World

M2O = Direction.MAGENTO_TO_ODOO


async def test_missing_address_bindings_are_repaired_on_skip(world: World) -> None:
    ids = [world.add_customer(n) for n in range(5)]
    await world.engine.sync("customers", M2O)
    bindings = world.stores.bindings
    assert await bindings.count("default", ADDRESS_ENTITY) == 10
    # as after a crash between the two bind calls: the address bindings never got stored
    for row in await bindings.list_bindings("default", ADDRESS_ENTITY):
        await bindings.unbind("default", ADDRESS_ENTITY, magento_id=row.magento_id)
    assert await bindings.count("default", ADDRESS_ENTITY) == 0
    writes = world.writes()
    result = await world.engine.sync("customers", M2O, keys=ids)
    assert result.skipped == 5 and result.updated == result.created == 0
    assert {r.reason for r in result.records} == {"unchanged; child bindings repaired"}
    assert await bindings.count("default", ADDRESS_ENTITY) == 10
    assert world.writes() == writes  # nothing written to either side
    again = await world.engine.sync("customers", M2O, keys=ids)
    assert {r.reason for r in again.records} == {"unchanged"}
