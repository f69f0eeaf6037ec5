"""A write that carries create commands is never retried blindly; children existing twice
with one ref are archived by the next update (issue 7 item 2)."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.backends import Direction
from magodoo.engine.result import Outcome
from magodoo.exceptions import OutcomeUnknownError
from magodoo.odoo import Partner
from tests.engine.conftest import World, address

M2O = Direction.MAGENTO_TO_ODOO


def children(world: World, parent: int, *, active: bool = True) -> list[dict[str, Any]]:
    return [r for r in world.odoo.table("res.partner").values()
            if r.get("parent_id") == parent and r.get("active", True) is active]


def top(world: World) -> dict[str, Any]:
    (row,) = [r for r in world.odoo.table("res.partner").values()
              if str(r.get("ref") or "").startswith("MAGE-CUST-")]
    return row


async def test_client_write_with_create_commands_is_not_retried(world: World) -> None:
    odoo = world.conn.odoo
    (pid,) = await odoo.create(Partner, [{"name": "Parent"}])
    world.odoo.faults.lose_next = 1
    with pytest.raises(OutcomeUnknownError):
        await odoo.write(Partner, [pid], {"child_ids": [(0, 0, {"name": "Kid", "ref": "K1"})]})
    assert [c["name"] for c in children(world, pid)] == ["Kid"]  # once, not twice
    world.odoo.faults.lose_next = 1  # a plain write is retried: the same write twice is harmless
    assert await odoo.write(Partner, [pid], {"name": "Parent 2",
                                             "child_ids": [(1, children(world, pid)[0]["id"],
                                                            {"city": "Austin"})]})


class LoseTheWrite:
    """An Odoo port whose next partner write is committed but its answer lost."""

    def __init__(self, inner: Any, world: World) -> None:
        self.inner, self.world, self.armed = inner, world, True

    async def write(self, model: str, ids: Any, vals: Any, **kw: Any) -> bool:
        if self.armed and model == "res.partner":
            self.armed = False
            self.world.odoo.faults.lose_next = 1
        result: bool = await self.inner.write(model, ids, vals, **kw)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_new_address_whose_write_answer_is_lost_is_made_once(world: World) -> None:
    cid = world.add_customer(1, addresses=1)
    await world.engine.sync("customers", M2O)
    pid = top(world)["id"]
    world.clock.advance(5)
    (first,) = world.addresses(cid)
    world.update_customer(cid, addresses=[{**address(1, 0, default_billing=True),
                                           "id": first["id"]},
                                          address(1, 1, default_shipping=True, city="Dallas")])
    world.engine.odoo = LoseTheWrite(world.engine.odoo, world)
    result = await world.engine.sync("customers", M2O, keys=[cid])
    (outcome,) = result.records
    assert outcome.outcome is Outcome.FAILED and outcome.retriable and outcome.wait_until
    assert sorted(c["city"] for c in children(world, pid)) == ["Austin", "Dallas"]
    again = await world.engine.sync("customers", M2O, keys=[cid])  # meanwhile: waits
    assert again.records[0].reason.startswith("waiting")
    world.clock.advance(world.engine.settings.odoo.request_time_limit + 1)
    assert await world.engine.work_once("w") == 1
    assert sorted(c["city"] for c in children(world, pid)) == ["Austin", "Dallas"]
    assert await world.stores.bindings.count("default", "customer_addresses") == 2


async def test_children_twice_with_one_ref_are_archived_by_the_next_update(world: World) -> None:
    cid = world.add_customer(1, addresses=2)
    await world.engine.sync("customers", M2O)
    pid = top(world)["id"]
    kid = children(world, pid)[0]
    # what a blindly retried create command left behind (before this fix)
    twin, _env = world.odoo.execute("res.partner", "create", [[{
        "name": kid["name"], "parent_id": pid, "ref": kid["ref"], "type": kid["type"],
        "city": kid["city"]}]], {})
    world.clock.advance(5)
    world.update_customer(cid, firstname="Janet")
    result = await world.engine.sync("customers", M2O, keys=[cid])
    assert result.updated == 1
    refs = [c["ref"] for c in children(world, pid)]
    assert len(refs) == len(set(refs)) == 2
    assert [c["id"] for c in children(world, pid, active=False)] == twin
