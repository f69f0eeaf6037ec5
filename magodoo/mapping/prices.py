"""Odoo variant prices (``product.product``) -> Magento base prices (pure).

A variant's sale price in Odoo is ``lst_price``: the template's ``list_price`` plus the
variant's ``price_extra`` (the sum of its attribute values' extras). It goes to Magento's price
storage (``POST /V1/products/base-prices``) for the global scope (``store_id`` 0), keyed by
the variant's SKU (``default_code``), many SKUs per call: :func:`chunks` cuts a batch to what
the store accepts (Magento's web API input limit, ``magento.input_limit``).
``docs/mapping/prices.md`` is the field table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import attrs
import cattrs

from magodoo._converter import parse_datetime
from magodoo.exceptions import MappingError
from magodoo.odoo.models import ProductProduct

__all__ = [
    "ALL_GROUPS",
    "ENTITY",
    "PriceContext",
    "PriceValues",
    "Tier",
    "chunks",
    "clean_sku",
    "pricelist_tiers",
    "product_price",
    "read_variant",
]

ENTITY = "prices"
DECIMALS = 4
"""Magento keeps prices as ``decimal(20,6)``; Odoo's product price precision is 2 by default.
Four keep every Odoo price and hide float noise (``0.1 + 0.2``)."""

T = TypeVar("T")


ALL_GROUPS = "ALL GROUPS"
"""Magento's customer group code for every group (tier prices are for all customers)."""


@attrs.frozen
class Tier:
    """A quantity break: ``price`` each from ``quantity`` units."""

    quantity: float
    price: float


@attrs.frozen
class PriceContext:
    """``store_id``: the price scope written (0: global, Magento's default price scope).

    Tier prices (setting ``prices.pricelist``): ``tiers`` is on, the pricelist items by variant
    id (``by_variant``) and by template id (``by_template``), valid at ``now``, for the website
    ``website_id``. Off (the default): Magento's tier prices are left alone.
    """

    store_id: int = 0
    tiers: bool = False
    by_variant: Mapping[int, Sequence[Mapping[str, Any]]] = attrs.field(factory=dict)
    by_template: Mapping[int, Sequence[Mapping[str, Any]]] = attrs.field(factory=dict)
    website_id: int = 0
    now: datetime | None = None


@attrs.frozen
class PriceValues:
    """A variant's price, mapped: one row of ``POST /V1/products/base-prices`` and, when tier
    prices are on, the SKU's whole set of tier prices (``None``: not managed)."""

    odoo_id: int
    sku: str
    price: float
    store_id: int = 0
    tiers: tuple[Tier, ...] | None = None
    website_id: int = 0

    def base_price(self) -> dict[str, Any]:
        """The ``prices[]`` row (``catalog-data-base-price-interface``)."""
        return {"sku": self.sku, "price": self.price, "store_id": self.store_id}

    def tier_prices(self) -> list[dict[str, Any]]:
        """The ``prices[]`` rows of ``PUT /V1/products/tier-prices``
        (``catalog-data-tier-price-interface``): fixed prices for all customer groups."""
        return [{"sku": self.sku, "price": t.price, "price_type": "fixed",
                 "website_id": self.website_id, "customer_group": ALL_GROUPS,
                 "quantity": t.quantity} for t in self.tiers or ()]

    def hashable(self) -> dict[str, Any]:
        out: dict[str, Any] = self.base_price()
        if self.tiers is not None:
            out["tiers"] = [[t.quantity, t.price] for t in self.tiers]
            out["website_id"] = self.website_id
        return out


def clean_sku(value: str | None, *, entity: str, record: int) -> str:
    """The SKU of a variant: its ``default_code``, trimmed; none -> :class:`MappingError`.

    Spaces and slashes inside are kept (Magento allows them): the clients percent-encode a SKU
    where it is part of a URL path, and send it as is in JSON bodies.
    """
    sku = (value or "").strip()
    if not sku:
        raise MappingError("the variant has no internal reference (SKU)", entity=entity,
                           record=record, field="default_code")
    if len(sku) > 64:
        raise MappingError(f"SKU {sku!r} is longer than Magento's 64 characters",
                           entity=entity, record=record, field="default_code")
    return sku


def read_variant(row: Any) -> ProductProduct:
    """A ``product.product`` row as read from Odoo, or :class:`MappingError` naming the id
    and the field that cannot be read (the other rows of the page go on)."""
    record = row.get("id") if isinstance(row, dict) else None
    try:
        return ProductProduct.from_api(row)
    except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
        if isinstance(exc, cattrs.BaseValidationError):
            problems = cattrs.transform_error(exc, path="$")
        else:
            problems = [str(exc)]
        field = problems[0].rpartition(" @ $.")[2] if " @ $." in problems[0] else None
        raise MappingError("the Odoo record cannot be read: " + "; ".join(problems),
                           entity=ENTITY, record=record, field=field) from exc


def product_price(product: ProductProduct, ctx: PriceContext) -> PriceValues:
    """Map one variant (raises :class:`MappingError` for a missing SKU or a bad price)."""
    sku = clean_sku(product.default_code, entity=ENTITY, record=product.id)
    price = float(product.lst_price)
    if not math.isfinite(price) or price < 0:
        raise MappingError(f"price {product.lst_price!r} cannot be sent (negative or not a "
                           "number)", entity=ENTITY, record=product.id, field="lst_price")
    tiers = None
    if ctx.tiers:
        template = product.product_tmpl_id.id if product.product_tmpl_id else 0
        tiers = pricelist_tiers(
            [*ctx.by_variant.get(product.id, ()), *ctx.by_template.get(template, ())],
            product_id=product.id, template_id=template, now=ctx.now)
    return PriceValues(odoo_id=product.id, sku=sku, price=round(price, DECIMALS),
                       store_id=ctx.store_id, tiers=tiers, website_id=ctx.website_id)


def _ref(value: Any) -> int | None:
    if isinstance(value, list | tuple) and value and isinstance(value[0], int):
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _when(value: Any, *, record: int, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return parse_datetime(value)
    except (ValueError, TypeError):
        raise MappingError(f"pricelist item: {field} {value!r} is not a date", entity=ENTITY,
                           record=record, field=f"pricelist_item.{field}") from None


def pricelist_tiers(
    items: Iterable[Mapping[str, Any]], *, product_id: int, template_id: int,
    now: datetime | None = None,
) -> tuple[Tier, ...]:
    """The tier prices of one variant from its pricelist items, by quantity.

    Kept: fixed prices (``compute_price`` ``fixed``) for a minimum quantity above 1 (a
    quantity of 0 or 1 is the pricelist's plain price, not a break), on the variant
    (``0_product_variant``) or its template (``1_product``), valid at ``now`` (``date_start``,
    ``date_end``). For one quantity the variant's item wins over the template's, and among
    equals the newest (highest id), as Odoo picks them.
    """
    chosen: dict[float, tuple[tuple[int, int], float]] = {}
    for item in items:
        if item.get("compute_price") != "fixed":
            continue
        scope = item.get("applied_on")
        if scope == "0_product_variant" and _ref(item.get("product_id")) == product_id:
            rank = 0
        elif scope == "1_product" and _ref(item.get("product_tmpl_id")) == template_id:
            rank = 1
        else:
            continue
        qty = item.get("min_quantity")
        price = item.get("fixed_price")
        if not isinstance(qty, int | float) or isinstance(qty, bool) or qty <= 1:
            continue
        if (not isinstance(price, int | float) or isinstance(price, bool)
                or not math.isfinite(float(price)) or price < 0):
            raise MappingError(f"pricelist item {item.get('id')}: fixed price {price!r} "
                               "cannot be sent", entity=ENTITY, record=product_id,
                               field="pricelist_item.fixed_price")
        start = _when(item.get("date_start"), record=product_id, field="date_start")
        end = _when(item.get("date_end"), record=product_id, field="date_end")
        if now is not None and ((start and start > now) or (end and end < now)):
            continue
        key = (rank, -int(item.get("id") or 0))
        quantity = round(float(qty), DECIMALS)
        if quantity not in chosen or key < chosen[quantity][0]:
            chosen[quantity] = (key, round(float(price), DECIMALS))
    return tuple(Tier(q, chosen[q][1]) for q in sorted(chosen))


def chunks(items: Sequence[T] | Iterable[T], limit: int, *, size: int = 0) -> Iterator[list[T]]:
    """``items`` in lists of at most ``limit`` (the store's input limit; 0: no limit) and at
    most ``size`` (0: no cap) items."""
    caps = [c for c in (limit, size) if c > 0]
    cap = min(caps) if caps else 0
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if cap and len(batch) >= cap:
            yield batch
            batch = []
    if batch:
        yield batch
