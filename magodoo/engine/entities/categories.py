"""eCommerce categories, Odoo -> Magento (``product.public.category`` -> catalog categories).

* fetch: ``search_read`` with ``write_date >= <since>``, keyset-paged on ``id``;
* levels: a page is written parents first (by depth in ``parent_path``);
* dependencies: a parent not bound yet is synced first (recursively);
* find: binding, then name under the bound Magento parent (``/V1/categories/list``);
* create: ``POST /V1/categories`` with bounded concurrency; a taken URL key is retried once
  with the deterministic suffix ``-<odoo id>``;
* update: a move (``PUT .../move``) when the parent changed, then ``PUT`` (rename etc.);
* delete: a source category gone from Odoo is deleted in Magento (by key, or in the sweep
  at the end of a full sync).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo._converter import format_datetime
from magodoo.backends.models import Binding, Direction
from magodoo.engine.capture import collect
from magodoo.engine.handler import Context, Handler, Plan, Written, read_each
from magodoo.exceptions import ValidationError
from magodoo.magento.models_catalog import Category
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.categories import (
    CategoryContext,
    CategoryValues,
    category_to_magento,
    depth,
)
from magodoo.odoo.models import PublicCategory

__all__ = ["CategoryExporter"]

log = logging.getLogger("magodoo.engine")

MODEL = "product.public.category"
PARENTS_PER_SEARCH = 100
"""Parent ids per ``parent_id in [...]`` search when matching categories by name."""
FIELDS = ["id", "name", "parent_id", "sequence", "parent_path", "write_date"]

CategoryPlan = Plan[PublicCategory, CategoryValues]


def _url_key_taken(error: ValidationError) -> bool:
    return "url key" in str(error).lower()


class CategoryExporter(Handler[PublicCategory, CategoryValues]):
    """Odoo eCommerce categories -> Magento categories."""

    entity: ClassVar[str] = "categories"
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO
    supports_delete: ClassVar[bool] = True
    odoo_model: ClassVar[str] = MODEL

    # ---- fetch ------------------------------------------------------------------------------

    def source_id(self, record: PublicCategory) -> str:
        return str(record.id)

    def source_stamp(self, record: PublicCategory) -> datetime | None:
        return record.write_date

    async def fetch(
        self, ctx: Context, since: datetime | None
    ) -> AsyncIterator[list[PublicCategory]]:
        base: list[Any] = [] if since is None else [("write_date", ">=", format_datetime(since))]
        async for rows in ctx.odoo_pages(MODEL, base, FIELDS):
            yield read_each(rows, PublicCategory.from_api)  # type: ignore[misc]

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[PublicCategory]:
        rows = await ctx.odoo.search_read_page(MODEL, [("id", "in", [int(k) for k in keys])],
                                               FIELDS)
        return read_each(rows, PublicCategory.from_api)  # type: ignore[return-value]

    async def existing_sources(self, ctx: Context, source_ids: Sequence[str]) -> set[str]:
        rows = await ctx.odoo.search_read_page(
            MODEL, [("id", "in", [int(s) for s in source_ids])], ["id"])
        return {str(r["id"]) for r in rows}

    def levels(self, records: list[PublicCategory]) -> list[list[PublicCategory]]:
        by_depth: dict[int, list[PublicCategory]] = {}
        for record in records:
            by_depth.setdefault(depth(record), []).append(record)
        return [by_depth[d] for d in sorted(by_depth)]

    # ---- dependencies, map ----------------------------------------------------------------

    async def _parents(self, ctx: Context, ids: set[int]) -> dict[int, int]:
        rows = await ctx.stores.bindings.get_many_by_odoo(ctx.backend, self.entity, ids)
        return {oid: int(b.magento_id) for oid, b in rows.items()}

    async def prepare(self, ctx: Context, records: list[PublicCategory]) -> CategoryContext:
        wanted = {r.parent_id.id for r in records if r.parent_id is not None}
        parents = await self._parents(ctx, wanted) if wanted else {}
        missing = wanted - parents.keys()
        if missing:
            await ctx.ensure(self.entity, self.direction, [str(i) for i in sorted(missing)])
            parents = await self._parents(ctx, wanted)
            if ctx.dry_run:  # a parent a dry run would create: a placeholder id
                parents.update({oid: -oid for oid in wanted - parents.keys()})
        return CategoryContext(parents=parents, root_id=ctx.settings.magento.root_category_id)

    def map(self, record: PublicCategory, mctx: Any) -> CategoryValues:
        assert isinstance(mctx, CategoryContext)
        return category_to_magento(record, mctx)

    def hashable(self, mapped: CategoryValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: CategoryValues) -> str | None:
        return mapped.natural_key

    # ---- find -------------------------------------------------------------------------------

    async def find_by_key(self, ctx: Context, plans: list[CategoryPlan]) -> dict[str, str]:
        """Magento categories with the same name under the same parent: one paged search for
        the whole page of plans (``parent_id in [...]``), matched here."""
        wanted: dict[tuple[int, str], CategoryPlan] = {}
        for plan in plans:
            if plan.value.parent_id > 0:
                wanted.setdefault((plan.value.parent_id, plan.value.name.strip().casefold()), plan)
        if not wanted:
            return {}
        parents = sorted({parent for parent, _ in wanted})
        found: dict[str, str] = {}
        for start in range(0, len(parents), PARENTS_PER_SEARCH):
            chunk = parents[start:start + PARENTS_PER_SEARCH]
            criteria = SearchCriteria().where("parent_id", chunk, "in").order_by("entity_id")
            async for category in ctx.magento.iter_categories(criteria, page_size=300):
                key = (category.parent_id or 0, (category.name or "").strip().casefold())
                match = wanted.get(key)
                if match is not None and category.id and match.source_id not in found:
                    found[match.source_id] = str(category.id)
        return found

    # ---- write ------------------------------------------------------------------------------

    async def create(
        self, ctx: Context, plans: list[CategoryPlan]
    ) -> Mapping[str, Written | BaseException]:
        limit = asyncio.Semaphore(ctx.settings.magento.concurrency)

        async def one(p: CategoryPlan) -> Written:
            with collect() as exchanges:
                try:
                    async with limit:
                        try:
                            created = await ctx.magento.create_category(
                                Category.from_api(p.value.create_body()))
                        except ValidationError as exc:
                            if not _url_key_taken(exc):
                                raise
                            p.reason = "URL key taken: suffixed"
                            created = await ctx.magento.create_category(
                                Category.from_api(p.value.create_body(suffixed=True)))
                finally:
                    p.exchanges.extend(exchanges)
            assert created.id is not None
            return Written(str(created.id), created.updated_at)

        return await _gather(plans, one)

    async def update(
        self, ctx: Context, plans: list[CategoryPlan]
    ) -> Mapping[str, Written | BaseException]:
        limit = asyncio.Semaphore(ctx.settings.magento.concurrency)

        magento_owns = ctx.settings.catalog.category_source == "magento"

        async def one(p: CategoryPlan) -> Written:
            mid = int(p.target_id or 0)
            if magento_owns and p.binding is not None:
                p.reason = ("conflict: changed in Odoo, but catalog.category_source = "
                            "'magento': Magento's values are kept and sent back to Odoo by "
                            "the next Magento -> Odoo sync")
                log.warning(p.reason, extra={"entity": self.entity, "source_id": p.source_id})
                return Written(str(mid))
            with collect() as exchanges:
                try:
                    async with limit:
                        current = await ctx.magento.get_category(mid)
                        if current.parent_id != p.value.parent_id:
                            await ctx.magento.move_category(mid, p.value.parent_id)
                            p.reason = f"moved under {p.value.parent_id}"
                        saved = await ctx.magento.update_category(
                            mid, Category.from_api(p.value.update_body()))
                finally:
                    p.exchanges.extend(exchanges)
            return Written(str(saved.id or mid), saved.updated_at)

        return await _gather(plans, one)

    async def discard(self, ctx: Context, target_id: str) -> None:
        await ctx.magento.delete_category(int(target_id))

    async def delete(self, ctx: Context, binding: Binding) -> None:
        await ctx.magento.delete_category(int(binding.magento_id))


async def _gather(plans: list[CategoryPlan], one: Any) -> dict[str, Written | BaseException]:
    outcomes = await asyncio.gather(*(one(p) for p in plans), return_exceptions=True)
    results: dict[str, Written | BaseException] = {}
    for p, outcome in zip(plans, outcomes, strict=True):
        if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
            raise outcome
        results[p.source_id] = outcome
    return results
