"""Sales in the fault run: money moves here, so a duplicate costs money.

For each sales entity, the create that makes the money record (``sale.order`` with its lines,
the posted invoice, the credit note's reversal, the tax, Magento's ``POST /V1/order/{id}/ship``)
has its answer lost after the commit, or commits after the client gave up. The engine must
settle the unknown outcome as docs/reliability.md says (look up by natural key: adopt what is
there, else wait for the server's time limit and look again) and end where a clean run ends:
the same records, none twice, no job dead. On SQLite and PostgreSQL, a handful of demo orders
each (the demo's small shop).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest

from magodoo.backends import Direction, JobState, Stores
from magodoo.engine import connect
from magodoo.engine.entities.sales.shipments import comment_of, match_shipment
from magodoo.magento.models_sales import Shipment
from magodoo.mapping.invoicing import ShipmentValues
from magodoo.settings import SalesSettings
from magodoo.testing import serve
from magodoo.testing._magento import sales_shipments
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo
from tests.engine.conftest import FAST_RETRY, Clock, World, make_settings
from tests.engine.faults.conftest import TIMEOUT, settled
from tests.engine.faults.sales_scenarios import validated_pickings
from tests.engine.shared_stores import open_site
from tests.engine.test_sales import seed_products

M2O, O2M = Direction.MAGENTO_TO_ODOO, Direction.ODOO_TO_MAGENTO
BEFORE = ["tax_rates", "customers", "orders", "invoices", "credit_memos"]
"""The Magento -> Odoo sales entities, each after what it needs."""


@asynccontextmanager
async def sales_site(stores: Stores, clock: Clock) -> AsyncIterator[World]:
    """The demo's small shop in Magento, Odoo's products, clients that give up after
    TIMEOUT."""
    magento = FakeMagento(seed="demo", size="small", now=clock)
    odoo = FakeOdoo(seed=None, now=clock.naive)
    seed_products(magento, odoo)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        base = make_settings(murl, ourl, magento.admin_token())
        settings = attrs.evolve(
            base, batch_size=5,
            magento=attrs.evolve(base.magento, timeout=TIMEOUT),
            odoo=attrs.evolve(base.odoo, timeout=TIMEOUT),
        )
        conn = await connect(settings, stores=stores, retry=FAST_RETRY)
        conn.engine.clock = clock
        try:
            yield World(magento, odoo, conn, clock)
        finally:
            await conn.aclose()


class Armed:
    """A client port whose calls of ``method`` that ``when`` picks arm one fault on the fake
    just before they are sent (at most ``times``)."""

    def __init__(self, inner: Any, method: str, when: Callable[[tuple[Any, ...]], bool],
                 arm: Callable[[], None], times: int = 2) -> None:
        self.inner, self.method, self.when, self.arm, self.left = inner, method, when, arm, times

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name != self.method:
            return attr

        async def call(*args: Any, **kw: Any) -> Any:
            if self.left > 0 and self.when(args):
                self.left -= 1
                self.arm()
            return await attr(*args, **kw)

        return call


def lose(fake: FakeMagento | FakeOdoo) -> Callable[[], None]:
    def arm() -> None:
        fake.faults.lose_next += 1
    return arm


def late(fake: FakeMagento | FakeOdoo) -> Callable[[], None]:
    def arm() -> None:
        fake.faults.late_by = 3 * TIMEOUT
        fake.faults.late_next += 1
    return arm


FAULTS = {"lost": lose, "late": late}


async def drain(world: World, entity: str, direction: Direction) -> int:
    """Time passes beyond the time limits; passes and workers until the queue is empty."""
    engine, stores = world.engine, world.stores
    wait = max(engine.settings.lease_seconds, engine.settings.odoo.request_time_limit,
               engine.settings.magento.request_time_limit) + 1
    for rounds in range(1, 11):
        await settled(world)
        world.clock.advance(wait)
        await engine.sync(entity, direction, full=True)
        while await engine.work_once("recovery"):
            pass
        counts = await stores.jobs.counts()
        if counts[JobState.WAITING] == 0 and counts[JobState.CLAIMED] == 0:
            return rounds
    return rounds


async def no_job_left(stores: Stores) -> None:
    counts = await stores.jobs.counts()
    assert counts[JobState.DEAD] == 0, [
        (j.record_key, j.attempts, j.last_error) for j in await stores.jobs.dead()]
    assert counts[JobState.WAITING] == counts[JobState.CLAIMED] == 0


# ---- Magento -> Odoo: taxes, orders, invoices, credit notes ----------------------------------

@attrs.frozen
class Target:
    entity: str
    method: str
    when: Callable[[tuple[Any, ...]], bool]
    snapshot: Callable[[World], Any]
    duplicates: Callable[[World], list[str]]


def _moves(world: World, kind: str) -> list[dict[str, Any]]:
    return [m for m in world.odoo.table("account.move").values() if m.get("move_type") == kind]


def _twice(keys: list[Any]) -> list[str]:
    return [str(k) for k, n in Counter(keys).items() if n > 1]


def _orders(world: World) -> Any:
    return sorted((str(o.get("client_order_ref")), str(o.get("state")),
                   round(float(o.get("amount_total") or 0), 2), len(o.get("order_line") or []))
                  for o in world.odoo.table("sale.order").values())


def _moves_snapshot(kind: str) -> Callable[[World], Any]:
    def snapshot(world: World) -> Any:
        return sorted((str(m.get("ref")), str(m.get("state")), str(m.get("payment_state")),
                       round(float(m.get("amount_total") or 0), 2))
                      for m in _moves(world, kind))
    return snapshot


def _taxes(world: World) -> Any:
    return sorted((str(t.get("name")), str(t.get("country_id")), float(t.get("amount") or 0))
                  for t in world.odoo.table("account.tax").values())


def _partners(world: World) -> Any:
    rows = [r for r in world.odoo.table("res.partner").values() if r.get("active", True)]
    return Counter((str(r.get("email")), str(r.get("type")), str(r.get("street")),
                    str(r.get("zip")), bool(r.get("parent_id"))) for r in rows)


def _partner_duplicates(world: World) -> list[str]:
    return [str(k) for k, n in _partners(world).items() if n > 1]


TARGETS = [
    Target("tax_rates", "create", lambda a: a[0] == "account.tax", _taxes,
           lambda w: _twice([(t.get("name"), str(t.get("country_id")), t.get("type_tax_use"))
                             for t in w.odoo.table("account.tax").values()])),
    Target("orders", "create", lambda a: a[0] == "sale.order", _orders,
           lambda w: _twice([o.get("client_order_ref")
                             for o in w.odoo.table("sale.order").values()])),
    Target("orders", "create", lambda a: a[0] == "res.partner",
           lambda w: sorted(map(str, _partners(w).items())), _partner_duplicates),
    Target("orders", "call", lambda a: a[:2] == ("sale.order", "action_confirm"), _orders,
           lambda w: _twice([o.get("client_order_ref")
                             for o in w.odoo.table("sale.order").values()])),
    Target("invoices", "create", lambda a: a[0] == "account.move",
           _moves_snapshot("out_invoice"),
           lambda w: _twice([m.get("ref") for m in _moves(w, "out_invoice")])),
    Target("credit_memos", "call", lambda a: a[:2] == ("account.move.reversal", "refund_moves"),
           _moves_snapshot("out_refund"),
           lambda w: _twice([m.get("ref") for m in _moves(w, "out_refund")])),
]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("target", TARGETS,
                         ids=[f"{t.entity}.{t.method}.{n}" for n, t in enumerate(TARGETS)])
async def test_a_lost_or_late_sales_create_is_made_once(
    target: Target, fault: str, kind: str, tmp_path: Path
) -> None:
    clock = Clock()
    async with open_site("memory", clock, tmp_path) as (stores, _), \
            sales_site(stores, clock) as world:
        for entity in BEFORE[:BEFORE.index(target.entity) + 1]:
            await world.engine.sync(entity, M2O)
        expected = target.snapshot(world)
    assert expected, "the demo shop makes no record of this kind"

    clock = Clock()
    async with open_site(kind, clock, tmp_path) as (stores, _), \
            sales_site(stores, clock) as world:
        for entity in BEFORE[:BEFORE.index(target.entity)]:
            await world.engine.sync(entity, M2O)
        engine = world.engine
        inner = engine.odoo
        port = Armed(inner, target.method, target.when, FAULTS[fault](world.odoo))
        engine.odoo = port
        try:
            await engine.sync(target.entity, M2O)
        finally:
            engine.odoo = inner
        assert port.left < 2, "the fault was never armed"
        rounds = await drain(world, target.entity, M2O)
        print(f"\n{target.entity}.{target.method}/{fault}/{kind}: recovery rounds {rounds}; "
              f"faults {dict(world.odoo.faults.injected)}")
        await no_job_left(stores)
        assert target.duplicates(world) == []
        assert target.snapshot(world) == expected


@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_a_lost_or_late_pricelist_load_makes_one_pricelist(
    fault: str, tmp_path: Path
) -> None:
    """The pricelist magodoo makes for an order currency goes through ``load`` with an
    external id: its answer lost, or its commit landing after the client gave up, the load
    sent again updates what the first made, and the order ends in that one pricelist."""
    from tests.engine.test_sales_currencies import EUR_ORDER, activate, in_currency

    clock = Clock()
    async with open_site("sqlite", clock, tmp_path) as (stores, _), \
            sales_site(stores, clock) as world:
        engine = world.engine
        engine.settings = attrs.evolve(engine.settings,
                                       sales=SalesSettings(missing_pricelist="create"))
        eur = activate(world, "EUR")
        in_currency(world, EUR_ORDER, "EUR")
        inner = engine.odoo
        port = Armed(inner, "load", lambda a: a[:1] == ("product.pricelist",),
                     FAULTS[fault](world.odoo), times=1)
        engine.odoo = port
        try:
            await engine.sync("orders", M2O)
        finally:
            engine.odoo = inner
        assert port.left == 0 and world.odoo.faults.injected[fault] == 1
        await drain(world, "orders", M2O)
        await no_job_left(stores)
        (made,) = world.odoo.table("product.pricelist").values()
        assert made["currency_id"] == eur
        (order,) = [o for o in world.odoo.table("sale.order").values()
                    if o.get("client_order_ref") == EUR_ORDER]
        assert order["pricelist_id"] == made["id"]
        assert _twice([o.get("client_order_ref")
                       for o in world.odoo.table("sale.order").values()]) == []


# ---- Odoo -> Magento: shipments --------------------------------------------------------------

def _shipments(world: World) -> list[dict[str, Any]]:
    state = world.magento.state
    return [sales_shipments.render(state, s)
            for s in state.table(sales_shipments.SHIPMENTS).values()]


def _shipments_snapshot(world: World) -> Any:
    return sorted((s["order_id"], tuple(sorted(t["track_number"] for t in s["tracks"])),
                   tuple(sorted((i["order_item_id"], float(i["qty"])) for i in s["items"])))
                  for s in _shipments(world))


async def _ship_setup(world: World) -> list[int]:
    await world.engine.sync_all(M2O)
    pickings = validated_pickings(world)
    world.clock.advance(120)
    return pickings


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_a_lost_or_late_shipment_ships_once(fault: str, kind: str, tmp_path: Path) -> None:
    clock = Clock()
    async with open_site("memory", clock, tmp_path) as (stores, _), \
            sales_site(stores, clock) as world:
        pickings = await _ship_setup(world)
        assert pickings
        clean = await world.engine.sync("shipments", O2M)
        assert clean.summary()["created"] == len(pickings), clean.records
        expected = _shipments_snapshot(world)
    assert len(expected) > len(pickings)  # the demo's own shipments and ours

    clock = Clock()
    async with open_site(kind, clock, tmp_path) as (stores, _), \
            sales_site(stores, clock) as world:
        pickings = await _ship_setup(world)
        engine = world.engine
        inner = engine.magento
        port = Armed(inner, "create_shipment", lambda a: True, FAULTS[fault](world.magento))
        engine.magento = port
        try:
            first = await engine.sync("shipments", O2M)
        finally:
            engine.magento = inner
        assert port.left == 0
        rounds = await drain(world, "shipments", O2M)
        print(f"\nshipments/{fault}/{kind}: first pass {first.summary()}; recovery rounds "
              f"{rounds}; faults {dict(world.magento.faults.injected)}")
        await no_job_left(stores)
        assert _shipments_snapshot(world) == expected  # none twice
        assert await stores.bindings.count("default", "shipments") == len(pickings)


def test_match_shipment_by_comment_then_tracks_and_quantities() -> None:
    value = ShipmentValues(picking_id=7, picking_name="WH/OUT/00007", magento_order_id=3,
                           items=((11, 2.0),), tracks=(("1Z1", "UPS", "ups"),))

    def shipment(sid: int, comment: str | None, number: str | None, qty: float) -> Shipment:
        return Shipment.from_api({
            "entity_id": sid, "order_id": 3,
            "comments": [{"comment": comment}] if comment else [],
            "tracks": [{"track_number": number}] if number else [],
            "items": [{"order_item_id": 11, "qty": qty}]})

    other = shipment(1, "Odoo delivery WH/OUT/00006", "1Z1", 2.0)
    ours = shipment(2, comment_of(value), None, 1.0)
    assert match_shipment(value, [other, ours]) == 2  # the comment wins over the tracks
    assert match_shipment(value, [other, ours], taken={2}) is None
    assert match_shipment(value, [shipment(3, None, "1Z1", 2.0)]) == 3  # comment removed
    assert match_shipment(value, [shipment(4, None, "1Z1", 1.0)]) is None  # other quantities
    untracked = attrs.evolve(value, tracks=())
    assert match_shipment(untracked, [shipment(5, None, None, 2.0)]) is None
