"""Price storage (Magento_Catalog ``BasePriceStorage``): ``/V1/products/base-prices``.

Answers 200 with the list of refused rows (empty when all were saved), each
``{"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["SKU", "<sku>"]}``;
configurable and grouped products have no base price of their own and are refused the same way.
The price attribute is global: every row is saved for store 0. A saved price moves the product's
``updated_at``.
"""

from __future__ import annotations

from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.state import Row

PRICED_TYPES = frozenset({"simple", "virtual", "downloadable", "bundle"})
INVALID = "Invalid attribute %fieldName = %fieldValue."
NO_STORE = "Requested store is not found. Row ID: SKU = %SKU, Store ID: %storeId."


def _num(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def register(r: Router) -> None:
    @r.post("/V1/products/base-prices", resource="Magento_Catalog::catalog")
    def update(call: Call) -> Any:
        prices = call.arg("prices")
        if not isinstance(prices, list):
            raise errors.bad_request("Invalid input data format. Expected an array of prices.")
        state = call.state
        failed: list[Row] = []
        valid: list[tuple[Row, Any]] = []
        for item in prices:
            sku = item.get("sku")
            product = state.product_by_sku(str(sku)) if sku else None
            ok = True
            if product is None or product["type_id"] not in PRICED_TYPES:
                failed.append({"message": INVALID, "parameters": ["SKU", str(sku or "")]})
                ok = False
            price = item.get("price")
            if price is None or price < 0:
                value = "" if price is None else str(_num(price))
                failed.append({"message": INVALID, "parameters": ["Price", value]})
                ok = False
            store_id = item.get("store_id")
            if store_id is None or state.stores.get(int(store_id)) is None:
                failed.append(
                    {"message": NO_STORE, "parameters": [str(sku or ""), str(store_id or "")]}
                )
                ok = False
            if ok and product is not None:
                valid.append((product, price))
        now = state.timestamp()
        for product, price in valid:
            product["price"] = _num(price)
            product["updated_at"] = now
        return failed

    @r.post("/V1/products/base-prices-information", resource="Magento_Catalog::catalog")
    def information(call: Call) -> Any:
        out = []
        for sku in call.arg("skus") or []:
            product = call.state.product_by_sku(str(sku))
            if product is None or product["type_id"] not in PRICED_TYPES:
                continue  # unknown SKUs are left out, not refused
            if product.get("price") is not None:
                out.append({"price": product["price"], "store_id": 0, "sku": product["sku"]})
        return out
