"""Customers with their addresses, Magento -> Odoo, over both fakes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from magodoo.backends import Binding, Direction, LogFilter, LogStatus
from magodoo.engine.result import Outcome, RecordOutcome
from magodoo.exceptions import OutcomeUnknownError
from tests.engine.conftest import Clock, World, address, make_stores, open_world

M2O = Direction.MAGENTO_TO_ODOO


def top_partners(world: World) -> list[dict[str, Any]]:
    return [p for p in world.partners() if (p.get("ref") or "").startswith("MAGE-CUST-")]


def children(world: World, parent: int, active: bool | None = True) -> list[dict[str, Any]]:
    rows = [p for p in world.partners(parent_id=parent)]
    return rows if active is None else [p for p in rows if p.get("active", True) == active]


async def test_customer_with_addresses_becomes_partner_with_children(world: World) -> None:
    cid = world.add_customer(1, addresses=2)
    result = await world.engine.sync("customers", M2O)
    assert result.summary()["created"] == 1
    (partner,) = top_partners(world)
    assert partner["name"] == "Jane Doe1"
    assert partner["email"] == "customer1@example.com"
    us = next(r for r in world.odoo.table("res.country").values() if r["code"] == "US")
    tx = next(r for r in world.odoo.table("res.country.state").values()
              if r["code"] == "TX" and r["country_id"] == us["id"])
    assert (partner["country_id"], partner["state_id"]) == (us["id"], tx["id"])
    kids = children(world, partner["id"])
    assert sorted(k["type"] for k in kids) == ["delivery", "invoice"]
    assert all(k["state_id"] == tx["id"] for k in kids)
    binding = await world.stores.bindings.get_by_magento("default", "customers", cid)
    assert binding is not None and binding.odoo_id == partner["id"]
    assert binding.magento_key == "customer1@example.com"
    addresses = await world.stores.bindings.list_bindings("default", "customer_addresses")
    assert sorted(b.odoo_id for b in addresses) == sorted(k["id"] for k in kids)
    (entry,) = await world.stores.log.query(LogFilter(entity="customers"))
    assert entry.status is LogStatus.SUCCESS
    assert entry.magento_ref == str(cid) and entry.odoo_ref == str(partner["id"])
    assert entry.request and "customer1@example.com" in entry.request


async def test_same_record_twice_makes_no_duplicate_and_no_write(world: World) -> None:
    world.add_customer(1)
    await world.engine.sync("customers", M2O)
    writes = world.writes()
    again = await world.engine.sync("customers", M2O, keys=[1])
    assert [r.reason for r in again.records] == ["unchanged"]
    assert world.writes() == writes
    assert len(top_partners(world)) == 1


async def test_concurrent_syncs_make_one_partner(world: World) -> None:
    for n in range(5):
        world.add_customer(n)
    results = await asyncio.gather(
        world.engine.sync("customers", M2O),
        world.engine.sync("customers", M2O, keys=[1, 2, 3]),
        world.engine.sync("customers", M2O, keys=[3, 4, 5]),
    )
    assert sum(r.created for r in results) == 5
    assert len(top_partners(world)) == 5
    assert len({p["email"] for p in top_partners(world)}) == 5


class FlakyBindings:
    """A binding store whose next ``bind_many`` dies (a crash between write and bind)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.crash = 1

    async def bind_many(self, bindings: Iterable[Binding]) -> list[Binding]:
        if self.crash:
            self.crash -= 1
            raise RuntimeError("process killed")
        result: list[Binding] = await self.inner.bind_many(bindings)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_crash_between_write_and_bind_then_rerun_binds_not_duplicates(
    clock: Clock, tmp_path: Path, kind: str
) -> None:
    async with open_world(clock, stores=await make_stores(kind, clock, tmp_path)) as world:
        world.add_customer(1)
        world.add_customer(2)
        real = world.stores.bindings
        world.stores.bindings = FlakyBindings(real)
        with pytest.raises(RuntimeError, match="process killed"):
            await world.engine.sync("customers", M2O)
        assert len(top_partners(world)) == 2  # written, not bound
        world.stores.bindings = real  # the process restarts
        result = await world.engine.sync("customers", M2O)
        assert len(top_partners(world)) == 2
        assert result.updated == 2 and result.created == 0
        assert {r.reason for r in result.records} == {"matched by natural key"}
        assert await world.stores.bindings.count("default", "customers") == 2


async def test_unbound_customer_is_matched_by_email(world: World) -> None:
    (existing,) = await world.conn.odoo.create("res.partner", [
        {"name": "Jane (typed in Odoo)", "email": "Customer1@Example.com"}])
    world.add_customer(1)
    result = await world.engine.sync("customers", M2O)
    assert result.updated == 1
    assert [p["id"] for p in top_partners(world)] == [existing]
    assert len(children(world, existing)) == 2


class UnknownAfterCreate:
    """An Odoo port whose creates happen on the server but whose answers are lost."""

    def __init__(self, inner: Any, world: World, drop_before: bool = False) -> None:
        self.inner, self.world, self.drop_before = inner, world, drop_before
        self.lost = 1

    async def create(self, model: str, vals_list: Any, **kw: Any) -> list[int]:
        if self.lost and model == "res.partner":
            self.lost -= 1
            if self.drop_before:  # the connection drops before the server acts
                self.world.odoo.faults.drop_next = 1
                result: list[int] = await self.inner.create(model, vals_list, **kw)
                return result
            await self.inner.create(model, vals_list, **kw)
            raise OutcomeUnknownError("answer lost", method="POST", url="/jsonrpc")
        result = await self.inner.create(model, vals_list, **kw)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("drop_before", [False, True])
async def test_unknown_create_outcome_is_looked_up_before_retry(
    world: World, drop_before: bool
) -> None:
    world.add_customer(1)
    world.add_customer(2)
    world.engine.odoo = UnknownAfterCreate(world.engine.odoo, world, drop_before)
    result = await world.engine.sync("customers", M2O)
    if drop_before:
        # Nothing found: the server may still be committing, so nothing is created again
        # now; the records wait in the queue for Odoo's time limit, then are looked up.
        assert result.created == 0 and result.failed == 2, result.records
        assert all(r.retriable and r.wait_until for r in result.records)
        again = await world.engine.sync("customers", M2O, keys=["1", "2"])
        assert [r.reason.split(":")[0] for r in again.records] == ["waiting"] * 2
        assert await world.engine.work_once("w") == 0  # not claimable before the limit
        world.clock.advance(world.engine.settings.odoo.request_time_limit + 1)
        assert await world.engine.work_once("w") == 2
    else:
        assert result.created == 2, result.records
    assert len(top_partners(world)) == 2
    assert await world.stores.bindings.count("default", "customers") == 2
    assert sum((await world.stores.jobs.counts()).values()) == 0


async def test_address_change_follows_and_removed_address_is_archived(world: World) -> None:
    cid = world.add_customer(1, addresses=3)
    await world.engine.sync("customers", M2O)
    (partner,) = top_partners(world)
    assert len(children(world, partner["id"])) == 3
    book = world.addresses(cid)
    first, second, _third = sorted(book, key=lambda a: a["id"])
    world.clock.advance(5)
    world.update_customer(cid, addresses=[
        {**address(1, 0, default_billing=True), "id": first["id"], "city": "Dallas"},
        {**address(1, 1, default_shipping=True), "id": second["id"]},
        address(1, 9, country_id="ES", region=None, region_id=None, city="Madrid"),
    ])
    result = await world.engine.sync("customers", M2O, keys=[cid])
    assert result.updated == 1
    active = children(world, partner["id"])
    assert sorted(c["city"] for c in active) == ["Austin", "Dallas", "Madrid"]
    archived = children(world, partner["id"], active=False)
    assert [c["ref"] for c in archived] == [f"MAGE-ADDR-{_third['id']}"]  # archived, kept
    assert world.odoo.counters["res.partner.unlink"] == 0
    madrid = next(c for c in active if c["city"] == "Madrid")
    es = next(r for r in world.odoo.table("res.country").values() if r["code"] == "ES")
    assert madrid["country_id"] == es["id"] and madrid.get("state_id") in (None, False)


async def test_a_bad_record_fails_alone_and_is_queued(world: World) -> None:
    for n in range(3):
        world.add_customer(n)
    world.magento.state.table("customer_addresses").rows[3]["country_id"] = "XX"
    result = await world.engine.sync("customers", M2O)
    by_id = result.by_source()
    assert by_id["2"].outcome is Outcome.FAILED
    assert "addresses[0].country_id" in by_id["2"].reason
    assert not by_id["2"].retriable
    assert result.created == 2
    (entry,) = await world.stores.log.query(LogFilter(status=LogStatus.FAILED))
    assert entry.magento_ref == "2" and "XX" in entry.message
    counts = await world.stores.jobs.counts()
    assert sum(counts.values()) == 1  # queued for a retry, never dropped


async def test_batching_creates_fifty_per_call(world: World) -> None:
    for n in range(120):
        world.add_customer(n, addresses=1)
    result = await world.engine.sync("customers", M2O)
    assert result.created == 120
    assert world.odoo.counters["res.partner.create"] == 3  # ceil(120 / 50)
    assert world.magento.counters["GET /V1/customers/search"] == 3
    assert len(top_partners(world)) == 120


async def test_dry_run_writes_nothing(world: World) -> None:
    world.add_customer(1)
    world.add_customer(2)
    before = world.writes()
    result = await world.engine.sync("customers", M2O, dry_run=True)
    assert result.dry_run
    assert [p.action for p in result.planned] == ["create", "create"]
    assert result.planned[0].values["values"]["email"] == "customer1@example.com"
    assert world.writes() == before
    assert top_partners(world) == []
    assert await world.stores.bindings.count("default", "customers") == 0
    assert await world.stores.log.count() == 0
    assert await world.stores.cursors.get("default", "customers", M2O) is None


async def test_overlap_window_rereads_and_skips_duplicates(world: World) -> None:
    for n in range(3):
        world.add_customer(n)
    start = world.clock.now
    first = await world.engine.sync("customers", M2O)
    assert first.cursor == start
    world.clock.advance(100)
    world.update_customer(2, lastname="Changed")
    world.clock.advance(10)
    streamed: list[RecordOutcome] = []  # a pass holds only notable outcomes: stream them
    second = await world.engine.sync("customers", M2O, on_outcome=streamed.append)
    # everything since cursor - 60 s is read again: the two unchanged ones are skipped
    assert second.summary()["updated"] == 1 and second.skipped == 2
    assert {r.reason for r in streamed if r.outcome is Outcome.SKIPPED} == {"unchanged"}
    assert second.records == ()  # routine outcomes are counted, not held
    assert second.cursor == start.replace(minute=1, second=40)  # +100 s
    world.clock.advance(200)
    streamed.clear()
    third = await world.engine.sync("customers", M2O, on_outcome=streamed.append)
    # read from +40 s: only the customer changed at +100 s is read again (and skipped)
    assert [r.source_id for r in streamed] == ["2"]
    assert third.skipped == 1
    assert len(top_partners(world)) == 3


async def test_disabled_entity_is_skipped(clock: Clock) -> None:
    from magodoo.settings import EntitySettings

    async with open_world(clock, entities={"customers": EntitySettings(enabled=False)}) as w:
        w.add_customer(1)
        assert (await w.engine.sync("customers", M2O)).records == ()
        result = await w.engine.sync("customers", M2O, keys=[1])
        assert [r.reason for r in result.records] == ["disabled"]
        assert await w.engine.enqueue("customers", M2O, [1]) == []
        assert top_partners(w) == []


async def test_sqlite_stores_same_guarantees(clock: Clock, tmp_path: Any) -> None:
    from magodoo.backends import open_sqlite_stores

    stores = await open_sqlite_stores(tmp_path / "state.sqlite3", now=clock)
    async with open_world(clock, stores=stores) as w:
        for n in range(4):
            w.add_customer(n)
        results = await asyncio.gather(w.engine.sync("customers", M2O),
                                       w.engine.sync("customers", M2O, keys=[1, 2]))
        assert sum(r.created for r in results) == 4
        again = await w.engine.sync("customers", M2O, full=True)
        assert again.skipped == 4
        assert len(top_partners(w)) == 4
        assert await w.stores.bindings.count("default", "customers") == 4




async def test_two_processes_race_one_binding_wins(world: World) -> None:
    from magodoo.engine import SyncEngine

    for n in range(3):
        world.add_customer(n)
    other = SyncEngine(magento=world.engine.magento, odoo=world.engine.odoo,
                       stores=world.stores, settings=world.engine.settings, clock=world.clock)
    results = await asyncio.gather(world.engine.sync("customers", M2O),
                                   other.sync("customers", M2O))
    active = [p for p in top_partners(world) if p.get("active", True)]
    assert len(active) == 3
    assert await world.stores.bindings.count("default", "customers") == 3
    bound = {b.odoo_id for b in await world.stores.bindings.list_bindings("default",
                                                                          "customers")}
    assert bound == {p["id"] for p in active}
    lost = [r for res in results for r in res.records if r.outcome is Outcome.FAILED]
    archived = [p for p in world.partners()
                if p.get("active") is False and (p.get("ref") or "").startswith("MAGE-")]
    assert len(archived) == 3 * len(lost)  # each duplicate archived with its two addresses
    assert all(r.retriable for r in lost)  # the loser retries later and finds the binding
    rerun = await other.sync("customers", M2O, keys=[r.source_id for r in lost])
    assert rerun.failed == 0


async def test_sync_all_in_dependency_order(world: World) -> None:
    world.add_customer(1)
    results = await world.engine.sync_all(M2O)
    built_in = [h.entity for h in world.engine.registry.ordered(M2O)]
    assert list(results) == built_in
    assert built_in.index("customers") < built_in.index("orders")
    assert results["customers"].created == 1
    await world.conn.odoo.create("product.public.category", [{"name": "Desks"}])
    out = await world.engine.sync_all("o2m")
    batch = [h.entity for h in world.engine.registry.ordered(Direction.ODOO_TO_MAGENTO)
             if not h.realtime_only]  # stock_transfers: realtime only
    assert list(out) == batch and batch.index("categories") < batch.index("stock")
    assert batch[:5] == ["categories", "attributes", "products", "images", "translations"]
    assert out["categories"].created == 1


async def test_log_expiry(world: World) -> None:
    world.add_customer(1)
    await world.engine.sync("customers", M2O)
    assert await world.engine.expire_log() == 0
    world.clock.advance(8 * 86400)
    assert await world.engine.expire_log() == 1


async def test_update_log_holds_the_redacted_write_exchange(world: World) -> None:
    cid = world.add_customer(1)
    await world.engine.sync("customers", M2O)
    world.clock.advance(5)
    world.update_customer(cid, lastname="Smith")
    result = await world.engine.sync("customers", M2O, keys=[cid])
    (entry,) = [e for e in await world.stores.log.query() if e.id in result.log_ids]
    assert entry.request is not None and "/jsonrpc" in entry.request
    assert "Jane Smith" in entry.request and "magodoo-test-key" not in entry.request
    assert entry.response is not None and '"status": 200' in entry.response


class RefusesOne:
    """An Odoo port whose server refuses any create holding one given e-mail."""

    def __init__(self, inner: Any, email: str) -> None:
        self.inner, self.email = inner, email

    async def create(self, model: str, vals_list: Any, **kw: Any) -> list[int]:
        from magodoo.exceptions import ValidationError

        vals = list(vals_list)
        if any(v.get("email") == self.email for v in vals):
            raise ValidationError("refused", method="POST", url="/jsonrpc", status=200)
        result: list[int] = await self.inner.create(model, vals, **kw)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_a_record_the_server_refuses_does_not_sink_its_page(world: World) -> None:
    for n in range(4):
        world.add_customer(n)
    world.engine.odoo = RefusesOne(world.engine.odoo, "customer2@example.com")
    result = await world.engine.sync("customers", M2O)
    assert result.created == 3 and result.failed == 1
    assert result.by_source()["3"].outcome is Outcome.FAILED
    assert len(top_partners(world)) == 3


async def test_orphaned_address_of_a_deleted_partner_is_not_taken_for_the_customer(
    world: World,
) -> None:
    # In Odoo, deleting a partner leaves its address contacts as top-level partners that
    # still carry the customer's e-mail; a re-sync must not bind the customer to one.
    cid = world.add_customer(1, addresses=2)
    await world.engine.sync("customers", M2O)
    (partner,) = top_partners(world)
    kids = children(world, partner["id"])
    partners = world.odoo.table("res.partner")
    for kid in kids:
        partners[kid["id"]]["parent_id"] = False
        partners[kid["id"]]["email"] = partner["email"]
    del partners[partner["id"]]
    await world.stores.bindings.unbind("default", "customers", magento_id=cid)
    result = await world.engine.sync("customers", M2O, keys=[cid])
    assert result.summary()["created"] == 1
    binding = await world.stores.bindings.get_by_magento("default", "customers", cid)
    assert binding is not None and binding.odoo_id not in {k["id"] for k in kids}
    assert partners[binding.odoo_id]["type"] == "contact"


async def test_force_repairs_a_target_edited_or_deleted_by_hand(world: World) -> None:
    cid = world.add_customer(1, addresses=1)
    await world.engine.sync("customers", M2O)
    (partner,) = top_partners(world)
    partners = world.odoo.table("res.partner")
    partners[partner["id"]]["name"] = "Edited in Odoo"
    quiet = await world.engine.sync("customers", M2O, keys=[cid])
    assert [r.reason for r in quiet.records] == ["unchanged"]
    forced = await world.engine.sync("customers", M2O, keys=[cid], force=True)
    assert forced.summary()["updated"] == 1
    assert partners[partner["id"]]["name"] == "Jane Doe1"
    del partners[partner["id"]]
    again = await world.engine.sync("customers", M2O, keys=[cid], force=True)
    assert again.summary()["failed"] == 0, again.records
    assert again.summary()["created"] == 1, again.records
    partners = world.odoo.table("res.partner")  # a failed call restores the tables
    binding = await world.stores.bindings.get_by_magento("default", "customers", cid)
    assert binding is not None and binding.odoo_id in partners
    assert partners[binding.odoo_id]["name"] == "Jane Doe1"
