"""Magento tax rates -> Odoo sales taxes (``account.tax``).

* fetch: ``GET /V1/taxRates/search`` (Magento keeps no ``updated_at`` on rates: every pass
  reads them all, the payload hash skips the unchanged ones), keyset-paged on ``id``;
* dependencies: the countries by code (one ``search_read`` for the codes not seen before);
* find: binding, then a sales tax of the same name (Odoo refuses a second one);
* create: one ``account.tax.create`` per page; update: one ``write`` per changed tax.

Odoo taxes after the discount only: a store set to tax before the discount
(``sales.apply_tax_after_discount = false``) is reported by every pass in the log.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo.backends.models import Direction
from magodoo.engine.entities.customers import WRITE_CONTEXT
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.exceptions import MagodooError
from magodoo.magento.models_store import TaxRate
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.taxes import TaxContext, TaxValues, tax_rate_to_tax

__all__ = ["TAX", "TaxRateImporter"]

log = logging.getLogger("magodoo.engine")

TAX = "account.tax"

TaxPlan = Plan[TaxRate, TaxValues]


class TaxRateImporter(Handler[TaxRate, TaxValues]):
    """Magento tax rates -> Odoo sales taxes."""

    entity: ClassVar[str] = "tax_rates"
    direction: ClassVar[Direction] = Direction.MAGENTO_TO_ODOO
    odoo_model: ClassVar[str] = TAX

    def __init__(self) -> None:
        self._countries: dict[str, int] = {}

    def source_id(self, record: TaxRate) -> str:
        return str(record.id)

    def source_stamp(self, record: TaxRate) -> datetime | None:
        return None

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[TaxRate]]:
        if not ctx.settings.sales.apply_tax_after_discount:
            log.warning("the store taxes before the discount (sales.apply_tax_after_discount "
                        "is false); Odoo taxes after it: order taxes will differ and be "
                        "corrected by rounding lines", extra={"entity": self.entity})
        size = ctx.settings.batch_size
        last_id = 0
        while True:
            criteria = SearchCriteria()
            if last_id:
                criteria = criteria.where("id", last_id, "gt")
            criteria = criteria.order_by("id", "ASC").page(size, 1)
            page = await ctx.magento.search_tax_rates(criteria)
            items = [r for r in page.items if r.id is not None]
            if items:
                yield items
            if len(page.items) < size or not items:
                return
            last_id = max(r.id for r in items if r.id is not None)

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[TaxRate]:
        ids = [int(k) for k in keys]
        criteria = SearchCriteria().where("id", ids, "in").page(max(1, len(ids)), 1)
        page = await ctx.magento.search_tax_rates(criteria)
        return [r for r in page.items if r.id is not None]

    async def prepare(self, ctx: Context, records: list[TaxRate]) -> TaxContext:
        codes = sorted({(r.tax_country_id or "").strip().upper() for r in records}
                       - set(self._countries) - {""})
        if codes:
            rows = await ctx.odoo.search_read_page("res.country", [("code", "in", codes)],
                                                   ["id", "code"])
            for row in rows:
                self._countries[str(row["code"]).upper()] = int(row["id"])
        return TaxContext(countries=dict(self._countries),
                          price_includes_tax=ctx.settings.sales.price_includes_tax)

    def map(self, record: TaxRate, mctx: Any) -> TaxValues:
        assert isinstance(mctx, TaxContext)
        return tax_rate_to_tax(record, mctx)

    def hashable(self, mapped: TaxValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: TaxValues) -> str | None:
        return mapped.name

    async def find_by_key(self, ctx: Context, plans: list[TaxPlan]) -> dict[str, str]:
        names = sorted({p.value.name for p in plans})
        rows = await ctx.odoo.search_read_page(
            TAX, [("type_tax_use", "=", "sale"), ("name", "in", names)],
            ["id", "name", "country_id"], order="id")
        found: dict[tuple[str, Any], int] = {}
        for row in rows:
            country = row.get("country_id")
            cid = country[0] if isinstance(country, list | tuple) else country
            found.setdefault((str(row["name"]), cid), int(row["id"]))
        out: dict[str, str] = {}
        for p in plans:
            tid = found.get((p.value.name, p.value.values["country_id"]))
            if tid is not None:
                out[p.source_id] = str(tid)
        return out

    async def create(
        self, ctx: Context, plans: list[TaxPlan]
    ) -> Mapping[str, Written | BaseException]:
        ids = await ctx.odoo.create(TAX, [dict(p.value.values) for p in plans],
                                    context=WRITE_CONTEXT)
        for p, new_id in zip(plans, ids, strict=True):
            p.response = {"id": new_id}
        return {p.source_id: Written(str(i)) for p, i in zip(plans, ids, strict=True)}

    async def update(
        self, ctx: Context, plans: list[TaxPlan]
    ) -> Mapping[str, Written | BaseException]:
        results: dict[str, Written | BaseException] = {}
        for p in plans:
            tid = int(p.target_id or 0)
            try:
                await ctx.odoo.write(TAX, [tid], dict(p.value.values), context=WRITE_CONTEXT)
            except MagodooError as exc:  # one tax refused must not stop the others
                results[p.source_id] = exc
            else:
                results[p.source_id] = Written(str(tid))
        return results
