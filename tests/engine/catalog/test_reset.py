"""The category reset: dry run lists, the reset rebuilds; the CLI command."""

from __future__ import annotations

from tests.engine.conftest import World


async def test_dry_run_lists_and_the_reset_rebuilds(catalog: World) -> None:
    first = await catalog.engine.sync("categories", "o2m")
    count = len(catalog.odoo.table("product.public.category"))
    assert first.created == count
    old_ids = {c["id"] for c in catalog.magento.state.categories if c["id"] > 2}
    plan = await catalog.engine.reset_categories(dry_run=True)
    assert plan.dry_run and plan.result is None
    assert {cid for cid, _ in plan.deleted} == old_ids
    assert plan.unbound == count and len(plan.created) == count
    assert len(catalog.magento.state.categories) == 2 + count  # nothing deleted
    done = await catalog.engine.reset_categories()
    assert done.result is not None
    assert done.result.created == count and done.result.failed == 0
    now = {c["id"] for c in catalog.magento.state.categories if c["id"] > 2}
    assert len(now) == count and not now & old_ids
    again = await catalog.engine.sync("categories", "o2m", full=True)
    assert again.skipped == again.total > 0
