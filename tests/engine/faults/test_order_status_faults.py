"""Order status under lost answers and late commits, both ways.

* Magento -> Odoo: Magento orders confirmed, completed and cancelled after the import move
  their Odoo orders (``action_confirm``, ``action_lock``, ``action_cancel``, one call per
  action for the page) while those calls lose their answers after committing or commit after
  the client gave up: every Odoo order ends as in a clean run, and no order is confirmed,
  locked or cancelled twice.
* Odoo -> Magento: orders confirmed and delivered in Odoo add their status with a comment in
  Magento while ``POST /V1/orders/{id}/comments`` loses its answers or commits late: every
  Magento order ends with the clean run's status and comments, none twice.

On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from magodoo.backends import Direction
from magodoo.testing._odoo.orm import Method
from tests.engine.conftest import Clock, World
from tests.engine.faults.sales_scenarios import (
    change_in_magento,
    confirm_and_deliver_in_odoo,
    magento_orders,
    magento_statuses,
    orders_snapshot,
)
from tests.engine.faults.test_sales_faults import (
    FAULTS,
    Armed,
    drain,
    no_job_left,
    sales_site,
)
from tests.engine.shared_stores import open_site

M2O, O2M = Direction.MAGENTO_TO_ODOO, Direction.ODOO_TO_MAGENTO
ACTIONS = ("action_confirm", "action_lock", "action_cancel")


async def import_all(world: World) -> None:
    """The demo's sales imported, every order (on a loaded machine a call of the clean
    import may time out: its record is queued and drained like any other)."""
    await world.engine.sync_all(M2O)
    await drain(world, "orders", M2O)
    await no_job_left(world.stores)
    refs = {o.get("client_order_ref") for o in world.odoo.table("sale.order").values()}
    assert set(magento_orders(world)) <= refs


def record_actions(world: World) -> Counter[tuple[str, int]]:
    """Count, per action and Odoo order, the calls the fake Odoo carried out."""
    done: Counter[tuple[str, int]] = Counter()
    spec = world.odoo.db.spec("sale.order")
    for name in ACTIONS:
        method = spec.methods[name]

        def wrapped(env: Any, ids: list[int], args: list[Any], kw: dict[str, Any],
                    _fn: Callable[..., Any] = method.fn, _name: str = name) -> Any:
            result = _fn(env, ids, args, kw)
            done.update((_name, int(i)) for i in ids)
            return result

        spec.methods[name] = attrs.evolve(method, fn=wrapped)
    assert isinstance(spec.methods["action_cancel"], Method)
    return done


def is_action(args: tuple[Any, ...]) -> bool:
    return args[0] == "sale.order" and args[1] in ACTIONS and len(args[2]) > 1


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_magento_state_changes_move_odoo_once(fault: str, kind: str,
                                                    tmp_path: Path) -> None:
    clock = Clock()
    async with open_site("memory", clock, tmp_path) as (stores, _), \
            sales_site(stores, clock) as world:
        await import_all(world)
        clean = record_actions(world)
        change_in_magento(world)
        await world.engine.sync("orders", M2O)
        await drain(world, "orders", M2O)  # a call timed out on a loaded machine
        await no_job_left(stores)
        expected = orders_snapshot(world)
    assert clean[("action_cancel", 0)] == 0 and any(k[0] == "action_cancel" for k in clean)
    assert max(clean.values()) == 1

    clock = Clock()
    async with open_site(kind, clock, tmp_path) as (stores, _), \
            sales_site(stores, clock) as world:
        await import_all(world)
        done = record_actions(world)
        change_in_magento(world)
        engine = world.engine
        inner = engine.odoo
        port = Armed(inner, "call", is_action, FAULTS[fault](world.odoo), times=3)
        engine.odoo = port
        try:
            first = await engine.sync("orders", M2O)
        finally:
            engine.odoo = inner
        assert port.left < 3, "the fault was never armed"
        rounds = await drain(world, "orders", M2O)
        print(f"\norders state/{fault}/{kind}: first pass {first.summary()}; recovery rounds "
              f"{rounds}; faults {dict(world.odoo.faults.injected)}; actions {dict(done)}")
        await no_job_left(stores)
        assert done == clean, "an order was confirmed, locked or cancelled twice"
        got = orders_snapshot(world)
        assert got == expected, [(g, e) for g, e in zip(got, expected, strict=True) if g != e]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_odoo_events_comment_in_magento_once(fault: str, kind: str,
                                                   tmp_path: Path) -> None:
    clock = Clock()
    async with open_site("memory", clock, tmp_path) as (stores, _), \
            sales_site(stores, clock) as world:
        await import_all(world)
        confirm_and_deliver_in_odoo(world)
        await world.engine.sync("order_status", O2M)
        await drain(world, "order_status", O2M)
        await no_job_left(stores)
        assert world.magento.counters["POST /V1/orders/{id}/comments"] == 3
        expected = magento_statuses(world)
    assert sum(len(h) for *_, h in expected) >= 3

    clock = Clock()
    async with open_site(kind, clock, tmp_path) as (stores, _), \
            sales_site(stores, clock) as world:
        await import_all(world)
        confirm_and_deliver_in_odoo(world)
        engine = world.engine
        inner = engine.magento
        port = Armed(inner, "add_order_comment", lambda a: True, FAULTS[fault](world.magento),
                     times=3)
        engine.magento = port
        try:
            first = await engine.sync("order_status", O2M)
        finally:
            engine.magento = inner
        assert port.left == 0
        rounds = await drain(world, "order_status", O2M)
        print(f"\norder_status/{fault}/{kind}: first pass {first.summary()}; recovery rounds "
              f"{rounds}; faults {dict(world.magento.faults.injected)}")
        await no_job_left(stores)
        assert magento_statuses(world) == expected  # the same comments, none twice
        assert world.magento.counters["POST /V1/orders/{id}/comments"] >= 3
