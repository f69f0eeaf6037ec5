"""Stock moves of the sales side, through the catalog's stock module (MSI semantics).

Placing an order reserves the ordered quantity (the salable quantity drops at once); shipping
takes it off the source and releases the reservation; cancelling releases what was not shipped;
a credit memo puts back on the source the items named in ``return_to_stock_items``.
"""

from __future__ import annotations

from decimal import Decimal

from magodoo.testing._magento.state import Row, State


def stock_sku(state: State, sku: str, product_id: int | None, child_sku: str | None) -> str:
    """The catalog SKU whose stock a line moves: the variant, or the product behind an
    option-suffixed SKU (``CAP-S0525-gold`` is ``CAP-S0525``)."""
    if child_sku:
        return child_sku
    product = state.products.get(product_id) if product_id is not None else None
    return str(product["sku"]) if product is not None else sku


def item_sku(state: State, item: Row, children: list[Row]) -> str:
    """:func:`stock_sku` of an order item."""
    return stock_sku(
        state,
        str(item["sku"]),
        item.get("product_id"),
        str(children[0]["sku"]) if children else None,
    )


def reserve(state: State, sku: str, qty: Decimal) -> None:
    """An order placed (positive) or canceled (negative): move the reservation."""
    from magodoo.testing._magento import stock

    stock.reserve(state, sku, float(qty))


def ship(state: State, sku: str, qty: Decimal) -> None:
    """Goods left: the source quantity drops and the reservation is released."""
    from magodoo.testing._magento import stock

    stock.adjust_qty(state, sku, -float(qty))
    stock.reserve(state, sku, -float(qty))


def adjust(state: State, sku: str, delta: Decimal) -> None:
    """Move the source quantity of ``sku`` by ``delta`` (returns to stock)."""
    from magodoo.testing._magento import stock

    stock.adjust_qty(state, sku, float(delta))
