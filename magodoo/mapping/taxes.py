"""Magento tax rate -> Odoo sales ``account.tax`` values (pure).

One rate becomes one percent tax used on sales, named after the rate's code (Magento's
codes are unique; Odoo refuses two taxes of the same name in one country, so the name is also
the natural key). The country comes from ``tax_country_id`` (resolved to a ``res.country`` id
before mapping); Odoo has no per-state or per-postcode tax, so the region and postcode are
kept in the description only. Prices including tax use ``price_include_override =
'tax_included'`` (``price_include=True`` is ignored by Odoo 18, WORKFLOWS.md section 2).
``docs/mapping/tax_rates.md`` is the field table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from magodoo.exceptions import MappingError
from magodoo.magento.models_store import TaxRate

__all__ = ["ENTITY", "TaxContext", "TaxValues", "tax_rate_to_tax"]

ENTITY = "tax_rates"


@attrs.frozen
class TaxContext:
    """``countries``: ISO code (upper case) -> ``res.country`` id."""

    countries: Mapping[str, int] = attrs.field(factory=dict)
    price_includes_tax: bool = False


@attrs.frozen
class TaxValues:
    """A tax rate mapped."""

    rate_id: int
    name: str
    values: Mapping[str, Any]

    def hashable(self) -> dict[str, Any]:
        return dict(self.values)


def _title(rate: TaxRate) -> str | None:
    for title in rate.titles or ():
        if title.value and title.value.strip():
            return title.value.strip()
    return None


def tax_rate_to_tax(rate: TaxRate, ctx: TaxContext) -> TaxValues:
    """Map one tax rate (raises :class:`MappingError` naming the field)."""
    if rate.id is None:
        raise MappingError("the tax rate has no id", entity=ENTITY, record=None, field="id")
    rid = rate.id
    code = (rate.code or "").strip()
    if not code:
        raise MappingError("the tax rate has no code", entity=ENTITY, record=rid, field="code")
    if rate.rate is None or rate.rate < 0:
        raise MappingError(f"bad rate {rate.rate!r}", entity=ENTITY, record=rid, field="rate")
    country = (rate.tax_country_id or "").strip().upper()
    country_id = ctx.countries.get(country)
    if country_id is None:
        raise MappingError(f"unknown country code {country!r}", entity=ENTITY, record=rid,
                           field="tax_country_id")
    where = [p for p in (rate.region_name, rate.tax_postcode) if p and p != "*"]
    description = f"Magento tax rate {code}" + (f" ({', '.join(where)})" if where else "")
    values = {
        "name": code,
        "amount": float(rate.rate),
        "amount_type": "percent",
        "type_tax_use": "sale",
        "price_include_override": "tax_included" if ctx.price_includes_tax else "tax_excluded",
        "country_id": country_id,
        "invoice_label": _title(rate) or code,
        "description": description,
    }
    return TaxValues(rate_id=rid, name=code, values=values)
