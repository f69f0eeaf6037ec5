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
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import attrs
import cattrs

from magodoo.exceptions import MappingError
from magodoo.odoo.models import ProductProduct

__all__ = [
    "ENTITY",
    "PriceContext",
    "PriceValues",
    "chunks",
    "clean_sku",
    "product_price",
    "read_variant",
]

ENTITY = "prices"
DECIMALS = 4
"""Magento keeps prices as ``decimal(20,6)``; Odoo's product price precision is 2 by default.
Four keep every Odoo price and hide float noise (``0.1 + 0.2``)."""

T = TypeVar("T")


@attrs.frozen
class PriceContext:
    """``store_id``: the price scope written (0: global, Magento's default price scope)."""

    store_id: int = 0


@attrs.frozen
class PriceValues:
    """A variant's price, mapped: one row of ``POST /V1/products/base-prices``."""

    odoo_id: int
    sku: str
    price: float
    store_id: int = 0

    def base_price(self) -> dict[str, Any]:
        """The ``prices[]`` row (``catalog-data-base-price-interface``)."""
        return {"sku": self.sku, "price": self.price, "store_id": self.store_id}

    def hashable(self) -> dict[str, Any]:
        return self.base_price()


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
    return PriceValues(odoo_id=product.id, sku=sku, price=round(price, DECIMALS),
                       store_id=ctx.store_id)


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
