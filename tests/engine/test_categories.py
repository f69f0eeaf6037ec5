"""eCommerce categories, Odoo -> Magento, over both fakes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo.backends import Direction
from magodoo.engine.check import ODOO_MODULES
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.engine.result import Outcome, RecordOutcome
from magodoo.exceptions import OutcomeUnknownError
from magodoo.magento.models_catalog import Category
from magodoo.magento.search import SearchCriteria
from tests.engine.conftest import World

O2M = Direction.ODOO_TO_MAGENTO
MODEL = "product.public.category"


def magento_categories(world: World) -> dict[int, dict[str, Any]]:
    return {c["id"]: c for c in world.magento.state.categories if c["id"] > 2}


async def bound(world: World, odoo_id: int) -> int:
    b = await world.stores.bindings.get_by_odoo("default", "categories", odoo_id)
    assert b is not None
    return int(b.magento_id)


async def make_tree(world: World) -> tuple[int, int, int, int]:
    odoo = world.conn.odoo
    (desks,) = await odoo.create(MODEL, [{"name": "Desks"}])
    components, chairs = await odoo.create(MODEL, [{"name": "Components", "parent_id": desks},
                                                   {"name": "Chairs"}])
    (screws,) = await odoo.create(MODEL, [{"name": "Screws", "parent_id": components}])
    return desks, components, chairs, screws


async def test_tree_is_created_parents_first(world: World) -> None:
    desks, components, chairs, screws = await make_tree(world)
    result = await world.engine.sync("categories", O2M)
    assert result.created == 4
    cats = magento_categories(world)
    assert cats[await bound(world, desks)]["parent_id"] == 2
    assert cats[await bound(world, components)]["parent_id"] == await bound(world, desks)
    assert cats[await bound(world, screws)]["parent_id"] == await bound(world, components)
    assert cats[await bound(world, chairs)]["url_key"] == "chairs"


async def test_parent_outside_the_page_is_synced_first(world: World) -> None:
    odoo = world.conn.odoo
    child, parent = await odoo.create(MODEL, [{"name": "Child"}, {"name": "Parent"}])
    await odoo.write(MODEL, [child], {"parent_id": parent})  # the child has the lower id
    world.engine.settings = world.engine.settings.__class__(
        **{**{a: getattr(world.engine.settings, a) for a in (
            "magento", "odoo", "stores", "retry_backoff_seconds")}, "batch_size": 1})
    result = await world.engine.sync("categories", O2M, keys=[child])
    assert result.created == 1
    cats = magento_categories(world)
    assert cats[await bound(world, child)]["parent_id"] == await bound(world, parent)


async def test_rename_and_move(world: World) -> None:
    _, _, chairs, screws = await make_tree(world)
    await world.engine.sync("categories", O2M)
    world.clock.advance(5)
    await world.conn.odoo.write(MODEL, [screws], {"name": "Bolts", "parent_id": chairs})
    world.clock.advance(5)
    result = await world.engine.sync("categories", O2M)
    assert result.updated == 1
    moved = magento_categories(world)[await bound(world, screws)]
    assert moved["name"] == "Bolts"
    assert moved["parent_id"] == await bound(world, chairs)
    assert moved["path"].endswith(f"/{await bound(world, chairs)}/{moved['id']}")
    assert len(magento_categories(world)) == 4
    again = await world.engine.sync("categories", O2M, full=True)
    assert again.skipped == 4 and again.updated == 0


async def test_delete_by_key_and_by_full_sync_sweep(world: World) -> None:
    _, _, chairs, screws = await make_tree(world)
    await world.engine.sync("categories", O2M)
    chairs_m = await bound(world, chairs)
    screws_m = await bound(world, screws)
    await world.conn.odoo.unlink(MODEL, [chairs])
    result = await world.engine.sync("categories", O2M, keys=[chairs])
    assert [r.outcome for r in result.records] == [Outcome.DELETED]
    assert chairs_m not in magento_categories(world)
    assert await world.stores.bindings.get_by_odoo("default", "categories", chairs) is None
    await world.conn.odoo.unlink(MODEL, [screws])
    swept = await world.engine.sync("categories", O2M, full=True)
    assert swept.deleted == 1
    assert screws_m not in magento_categories(world)
    assert len(magento_categories(world)) == 2


async def test_url_key_conflict_gets_a_deterministic_suffix(world: World) -> None:
    # a Magento category made by hand already holds the URL key "desks" under the root
    await world.conn.magento.create_category(Category.from_api({
        "parent_id": 2, "name": "Desk range", "is_active": True,
        "custom_attributes": [{"attribute_code": "url_key", "value": "desks"}]}))
    (desks,) = await world.conn.odoo.create(MODEL, [{"name": "Desks"}])
    result = await world.engine.sync("categories", O2M)
    assert result.created == 1
    assert result.records[0].reason == "URL key taken: suffixed"
    assert magento_categories(world)[await bound(world, desks)]["url_key"] == f"desks-{desks}"


async def test_same_name_siblings_are_not_merged(world: World) -> None:
    a, b = await world.conn.odoo.create(MODEL, [{"name": "Sale"}, {"name": "Sale"}])
    result = await world.engine.sync("categories", O2M)
    assert result.created == 2
    assert await bound(world, a) != await bound(world, b)


async def test_existing_magento_category_is_matched_not_duplicated(world: World) -> None:
    created = await world.conn.magento.create_category(Category.from_api(
        {"parent_id": 2, "name": "Desks", "is_active": True}))
    (desks,) = await world.conn.odoo.create(MODEL, [{"name": "Desks"}])
    result = await world.engine.sync("categories", O2M)
    assert result.updated == 1 and result.created == 0
    assert await bound(world, desks) == created.id


class LostAnswers:
    """A Magento port whose category creates happen but whose answers are lost."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.lost = 1

    async def create_category(self, category: Category) -> Category:
        created: Category = await self.inner.create_category(category)
        if self.lost:
            self.lost -= 1
            raise OutcomeUnknownError("answer lost", method="POST", url="/V1/categories")
        return created

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_unknown_outcome_create_is_found_not_duplicated(world: World) -> None:
    (desks,) = await world.conn.odoo.create(MODEL, [{"name": "Desks"}])
    world.engine.magento = LostAnswers(world.engine.magento)
    result = await world.engine.sync("categories", O2M)
    assert result.created == 1, result.records
    assert len(magento_categories(world)) == 1
    assert await bound(world, desks) in magento_categories(world)


async def test_concurrent_category_syncs(world: World) -> None:
    await make_tree(world)
    results = await asyncio.gather(*(world.engine.sync("categories", O2M) for _ in range(3)))
    assert sum(r.created for r in results) == 4
    assert len(magento_categories(world)) == 4


async def test_dry_run_writes_nothing_even_for_a_new_tree(world: World) -> None:
    await make_tree(world)
    before = world.writes()
    result = await world.engine.sync("categories", O2M, dry_run=True)
    assert world.writes() == before
    assert magento_categories(world) == {}
    assert sorted(p.action for p in result.planned) == ["create"] * 4
    assert result.failed == 0


class MagentoCategoryImporter(Handler[Category, dict[str, Any]]):
    """A minimal reverse handler (Magento -> Odoo) to watch echo suppression."""

    entity: ClassVar[str] = "categories"
    direction: ClassVar[Direction] = Direction.MAGENTO_TO_ODOO

    def __init__(self) -> None:
        self.written: list[str] = []

    def source_id(self, record: Category) -> str:
        return str(record.id)

    def source_stamp(self, record: Category) -> datetime | None:
        return record.updated_at

    def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Category]]:
        raise NotImplementedError

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Category]:
        page = await ctx.magento.list_categories(
            SearchCriteria().where("entity_id", [int(k) for k in keys], "in").page(50, 1))
        return list(page.items)

    async def prepare(self, ctx: Context, records: list[Category]) -> None:
        return None

    def map(self, record: Category, mctx: Any) -> dict[str, Any]:
        return {"name": record.name}

    def hashable(self, mapped: dict[str, Any]) -> Any:
        return mapped

    def natural_key(self, mapped: dict[str, Any]) -> str | None:
        return None

    async def find_by_key(self, ctx: Context, plans: list[Plan[Category, dict[str, Any]]]
                          ) -> dict[str, str]:
        return {}

    async def create(self, ctx: Context, plans: list[Plan[Category, dict[str, Any]]]
                     ) -> dict[str, Written | BaseException]:
        raise AssertionError("nothing to create")

    async def update(self, ctx: Context, plans: list[Plan[Category, dict[str, Any]]]
                     ) -> dict[str, Written | BaseException]:
        for p in plans:
            self.written.append(p.source_id)
        return {p.source_id: Written(p.target_id or "", None) for p in plans}


async def test_echo_of_our_own_write_is_not_synced_back(world: World) -> None:
    (desks,) = await world.conn.odoo.create(MODEL, [{"name": "Desks"}])
    await world.engine.sync("categories", O2M)
    mid = await bound(world, desks)
    reverse = MagentoCategoryImporter()
    world.engine.registry.register(reverse)
    # the Magento change our write caused comes back: skipped as an echo
    back = await world.engine.sync("categories", Direction.MAGENTO_TO_ODOO, keys=[mid])
    assert [(r.outcome, r.reason) for r in back.records] == [(Outcome.SKIPPED, "echo")]
    # the process forgot (restart): the binding alone still recognises it
    world.engine.echo = world.engine.echo.__class__()
    back = await world.engine.sync("categories", Direction.MAGENTO_TO_ODOO, keys=[mid])
    assert [r.reason for r in back.records] == ["echo"]
    assert reverse.written == []
    # a real change made in Magento afterwards is not suppressed
    world.clock.advance(30)
    await world.conn.magento.update_category(mid, Category.from_api({"name": "Desks (new)"}))
    back = await world.engine.sync("categories", Direction.MAGENTO_TO_ODOO, keys=[mid])
    assert [r.outcome for r in back.records] == [Outcome.UPDATED]
    assert reverse.written == [str(mid)]


async def test_log_holds_redacted_exchanges(world: World) -> None:
    await world.conn.odoo.create(MODEL, [{"name": "Desks"}])
    streamed: list[RecordOutcome] = []  # a pass holds only notable outcomes: stream them
    await world.engine.sync("categories", O2M, on_outcome=streamed.append)
    log_ids = {o.log_id for o in streamed}
    (entry,) = [e for e in await world.stores.log.query() if e.id in log_ids]
    assert entry.request is not None and '"POST"' in entry.request
    assert "/V1/categories" in entry.request and "desks" in entry.request
    assert entry.response is not None and '"status": 200' in entry.response
    token = world.engine.settings.magento.token or ""
    for e in await world.stores.log.query():
        assert token not in (e.request or "") + (e.response or "") + e.message


async def test_check_reports_both_sides(world: World) -> None:
    report = await world.engine.check()
    assert report.ok, report
    assert report.odoo.version and report.odoo.version.startswith("18")
    # the fake lists only the "accountant" module row, so no connector module is found
    assert set(report.odoo.features) == set(ODOO_MODULES)
    assert report.magento.features["msi"] in (True, False)
    assert "two_factor_auth" in report.magento.features
    world.magento.expire_tokens()
    bad = await world.engine.check()
    assert not bad.ok and bad.magento.reachable and not bad.magento.authenticated


async def test_category_deleted_in_magento_is_created_again(world: World) -> None:
    (desks,) = await world.conn.odoo.create(MODEL, [{"name": "Desks"}])
    await world.engine.sync("categories", O2M)
    old = await bound(world, desks)
    await world.conn.magento.delete_category(old)
    world.clock.advance(5)
    await world.conn.odoo.write(MODEL, [desks], {"name": "Desks!"})
    result = await world.engine.sync("categories", O2M)
    assert result.created == 1
    new = await bound(world, desks)
    assert new != old and magento_categories(world)[new]["name"] == "Desks!"


async def test_matching_by_name_is_one_search_per_page(world: World) -> None:
    odoo = world.conn.odoo
    await odoo.create(MODEL, [{"name": f"Top {i}"} for i in range(30)])
    before = world.magento.counters["GET /V1/categories/list"]
    result = await world.engine.sync("categories", O2M)
    assert result.created == 30
    assert world.magento.counters["GET /V1/categories/list"] - before == 1
