"""New simple products through the asynchronous bulk route (``catalog.bulk_creates``), over
both fakes: one bulk per page, its status polled, each failed operation failing its product
alone; configurables still go one call at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest

from magodoo.backends.models import LogFilter, LogStatus
from magodoo.engine.result import Outcome
from magodoo.settings import CatalogSettings
from magodoo.testing._magento import errors
from tests.engine.catalog.conftest import open_catalog_world
from tests.engine.conftest import Clock, World


@pytest.fixture
async def bulk(clock: Clock) -> AsyncIterator[World]:
    async with open_catalog_world(clock, catalog=CatalogSettings(
            missing_sku="derive", bulk_creates=True)) as w:
        yield w


def posts(world: World, path: str) -> int:
    return sum(v for k, v in world.magento.counters.items()
               if k.startswith("POST") and k.split(" ", 1)[1].rstrip("/").endswith(path))


async def test_simple_products_are_created_in_one_bulk_per_page(bulk: World) -> None:
    result = await bulk.engine.sync("products", "o2m")
    assert result.failed == 0, [r.reason for r in result.records
                                if r.outcome is Outcome.FAILED]
    [sent] = bulk.magento.state.bulks.values()
    simple = [op["entry"]["product"]["sku"] for op in sent["operations"]]
    assert simple and all(op["status"] == 1 for op in sent["operations"])
    for sku in simple:
        product = bulk.magento.state.product_by_sku(sku)
        assert product is not None and product["type_id"] in ("simple", "virtual")
        assert await bulk.engine.stores.bindings.get_by_magento(
            "default", "product_variants", sku) is not None
    # configurables (and their children) and bundles still go one call at a time
    assert any(p["type_id"] == "configurable" for p in bulk.magento.state.products)
    assert all(p["type_id"] != "configurable" for p in
               [bulk.magento.state.product_by_sku(s) for s in simple])
    before = bulk.writes()
    again = await bulk.engine.sync("products", "o2m", full=True)
    assert again.failed == 0 and bulk.writes() == before
    assert len(bulk.magento.state.bulks) == 1


async def test_a_failed_operation_fails_its_product_alone(bulk: World) -> None:
    route = next(r for r in bulk.magento.router.routes
                 if r.method == "POST" and r.template == "/V1/products")
    handler = route.handler

    def refuse_chair(call: Any) -> Any:
        if (call.body or {}).get("product", {}).get("sku") == "FURN_7777":
            raise errors.bad_request('The value of attribute "%1" must be set.', ["weight"])
        return handler(call)

    bulk.magento.router.routes[bulk.magento.router.routes.index(route)] = attrs.evolve(
        route, handler=refuse_chair)
    result = await bulk.engine.sync("products", "o2m")
    failed = {r.source_id: r.reason for r in result.records if r.outcome is Outcome.FAILED}
    # the Office Chair (template 5), and the combo holding it (34), which needs its SKU
    assert set(failed) == {"5", "34"}, failed
    assert "FURN_7777" in failed["5"] and 'attribute "weight"' in failed["5"]
    assert bulk.magento.state.product_by_sku("FURN_7777") is None
    assert result.created > 1  # the others of the bulk are created
    logged = await bulk.engine.stores.log.query(LogFilter(entity="products",
                                                          status=LogStatus.FAILED))
    assert any(e.odoo_ref == "5" and "FURN_7777" in (e.message or "") for e in logged)
