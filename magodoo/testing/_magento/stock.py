"""Stock: the legacy single-source stock items (Magento_CatalogInventory) and MSI source items.

The legacy stock item and the ``default`` source item move together, as Magento keeps them in
sync for the default source.

``POST /V1/inventory/source-items`` (recorded on 2.4.6, ``74``-``76``): an unknown source code
refuses the whole call with 400 ``Could not save Source Item``; an unknown SKU is dropped
without a word while the known ones of the same call are saved (answer ``[]``).
"""

from __future__ import annotations

from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.search import SearchCriteria, search, texts_wanted
from magodoo.testing._magento.state import Row, SourceItems, State

INVENTORY = "Magento_CatalogInventory::cataloginventory"
SOURCE_ITEMS = "Magento_InventoryApi::source"
SOURCE_ITEMS_WRITE = "Magento_InventoryApi::stock_source_item_assign"
STOCKS = "Magento_InventoryApi::stock"
PRODUCT_NOT_FOUND = (
    "The product that was requested doesn't exist. Verify the product and try again."
)

STOCK_DEFAULTS: dict[str, Any] = {
    "stock_id": 1,
    "qty": 0,
    "is_in_stock": False,
    "is_qty_decimal": False,
    "show_default_notification_message": False,
    "use_config_min_qty": True,
    "min_qty": 0,
    "use_config_min_sale_qty": 1,
    "min_sale_qty": 1,
    "use_config_max_sale_qty": True,
    "max_sale_qty": 10000,
    "use_config_backorders": True,
    "backorders": 0,
    "use_config_notify_stock_qty": True,
    "notify_stock_qty": 1,
    "use_config_qty_increments": True,
    "qty_increments": 0,
    "use_config_enable_qty_inc": True,
    "enable_qty_increments": False,
    "use_config_manage_stock": True,
    "manage_stock": True,
    "low_stock_date": None,
    "is_decimal_divided": False,
    "stock_status_changed_auto": 0,
}
_WRITABLE = set(STOCK_DEFAULTS) - {"stock_id"}


def _num(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def create_stock_item(state: State, product: Row, data: dict[str, Any] | None) -> Row:
    """The stock item of a new product (and its ``default`` source item for simple types)."""
    item: Row = {"item_id": state.stock_items.next_id(), "product_id": product["id"]}
    item.update(STOCK_DEFAULTS)
    state.stock_items.add(item, key="item_id")
    product["stock_item_id"] = item["item_id"]
    update_stock_item(state, product, data or {})
    return item


def update_stock_item(state: State, product: Row, data: dict[str, Any]) -> Row:
    item = stock_item_of(state, product)
    for key, value in data.items():
        if key in _WRITABLE:
            item[key] = _num(value)
    if product.get("type_id") in ("simple", "virtual", "downloadable"):
        src = state.source_items.get((product["sku"], "default"))
        qty = item["qty"] or 0
        status = 1 if item["is_in_stock"] else 0
        if src is None:
            state.source_items[(product["sku"], "default")] = {
                "sku": product["sku"],
                "source_code": "default",
                "quantity": qty,
                "status": status,
            }
        else:
            src["quantity"] = qty
            src["status"] = status
    return item


def stock_item_of(state: State, product: Row) -> Row:
    item = state.stock_items.get(product.get("stock_item_id"))
    if item is None:
        return create_stock_item(state, product, None)
    return item


def adjust_qty(state: State, sku: str, delta: float) -> None:
    """Move the stock of ``sku`` by ``delta`` (negative when sold); for the sales side."""
    product = state.product_by_sku(sku)
    if product is None:
        return
    item = stock_item_of(state, product)
    update_stock_item(state, product, {"qty": _num((item["qty"] or 0) + delta)})


def forget_product(state: State, product: Row) -> None:
    state.stock_items.remove(product.get("stock_item_id"))
    for key in [k for k in state.source_items if k[0] == product["sku"]]:
        del state.source_items[key]


def _keys_by_sku(items: dict[tuple[str, str], Row], criteria: SearchCriteria
                 ) -> list[tuple[str, str]] | None:
    """The keys of the only source items a ``sku`` ``eq``/``in`` filter group can match (the
    SKU index), in the table's order; ``None``: every row must be tested."""
    if not isinstance(items, SourceItems):
        return None
    texts = texts_wanted(criteria, "sku")
    return None if texts is None else items.keys_of(texts)


def register(r: Router) -> None:
    @r.get("/V1/stockItems/{productSku}", resource=INVENTORY)
    def get_stock_item(call: Call) -> Any:
        product = call.state.product_by_sku(call.params["productSku"])
        if product is None:
            raise errors.not_found(PRODUCT_NOT_FOUND)
        return dict(stock_item_of(call.state, product))

    @r.put("/V1/products/{productSku}/stockItems/{itemId}", resource=INVENTORY)
    def put_stock_item(call: Call) -> Any:
        # Magento ignores the item id of the URL (recorded): the SKU decides.
        product = call.state.product_by_sku(call.params["productSku"])
        if product is None:
            raise errors.not_found(PRODUCT_NOT_FOUND)
        data = dict(call.arg("stockItem") or {})
        data.pop("item_id", None)
        # The product's updated_at does not move on a stock change (as in Magento).
        item = update_stock_item(call.state, product, data)
        return item["item_id"]

    @r.get("/V1/stockStatuses/{productSku}", resource=INVENTORY)
    def stock_status(call: Call) -> Any:
        product = call.state.product_by_sku(call.params["productSku"])
        if product is None:
            raise errors.not_found(PRODUCT_NOT_FOUND)
        item = dict(stock_item_of(call.state, product))
        return {
            "product_id": product["id"],
            "stock_id": 1,
            "qty": int(float(item["qty"] or 0)),
            "stock_status": 1 if item["is_in_stock"] else 0,
            "stock_item": item,
        }

    @r.get("/V1/inventory/sources", resource="Magento_InventoryApi::source", criteria=True)
    def list_sources(call: Call) -> Any:
        return search(call.state.sources, call.criteria, render=dict)

    @r.get("/V1/inventory/sources/{sourceCode}", resource="Magento_InventoryApi::source")
    def get_source(call: Call) -> Any:
        source = call.state.sources.get(call.params["sourceCode"])
        if source is None:
            raise errors.not_found(
                'Source with code "%value" does not exist.', {"value": call.params["sourceCode"]}
            )
        return dict(source)

    @r.get("/V1/inventory/stocks", resource=STOCKS, criteria=True)
    def list_stocks(call: Call) -> Any:
        stocks = [
            {
                "stock_id": 1,
                "name": "Default Stock",
                "extension_attributes": {
                    "sales_channels": [
                        {"type": "website", "code": w["code"]}
                        for w in call.state.websites
                        if w["id"] != 0
                    ]
                },
            }
        ]
        return search(stocks, call.criteria)

    @r.get("/V1/inventory/source-items", resource=SOURCE_ITEMS, criteria=True)
    def list_source_items(call: Call) -> Any:
        items = call.state.source_items
        keys = _keys_by_sku(items, call.criteria)
        chosen = items.values() if keys is None else (items[k] for k in keys)
        rows = [dict(v) for v in chosen]
        known = {"sku", "source_code", "quantity", "status", "source_item_id"}
        return search(
            rows,
            call.criteria,
            fields=lambda f: f in known,
            unknown_field=errors.unknown_column,
            past_end="repeat",
        )

    @r.post("/V1/inventory/source-items", resource=SOURCE_ITEMS_WRITE)
    def save_source_items(call: Call) -> Any:
        items = call.arg("sourceItems") or []
        state = call.state
        for item in items:
            for key in ("sku", "source_code"):
                if not item.get(key):
                    raise errors.MagentoError(
                        400,
                        "Validation Failed",
                        errors=[
                            {
                                "message": '"%field" can not be empty.',
                                "parameters": {"field": key},
                            }
                        ],
                    )
            if state.sources.get(item["source_code"]) is None:
                raise errors.bad_request("Could not save Source Item", None)
        for item in items:
            product = state.product_by_sku(str(item["sku"]))
            if product is None:
                continue  # recorded (74, 75): an unknown SKU is dropped without a word
            sku, code = product["sku"], item["source_code"]
            row = {
                "sku": sku,
                "source_code": code,
                "quantity": _num(item.get("quantity", 0)),
                "status": int(item.get("status", 0) or 0),
            }
            state.source_items[(sku, code)] = row
            if code == "default":
                stock = stock_item_of(state, product)
                stock["qty"] = row["quantity"]
                stock["is_in_stock"] = bool(row["status"])
        return []

    @r.post("/V1/inventory/source-items-delete", resource=SOURCE_ITEMS_WRITE)
    def delete_source_items(call: Call) -> Any:
        for item in call.arg("sourceItems") or []:
            call.state.source_items.pop((item.get("sku"), item.get("source_code")), None)
        return []

    @r.get("/V1/inventory/get-product-salable-quantity/{sku}/{stockId}", resource=STOCKS)
    def salable_qty(call: Call) -> Any:
        product = call.state.product_by_sku(call.params["sku"])
        if product is None:
            raise errors.not_found(PRODUCT_NOT_FOUND)
        src = call.state.source_items.get((product["sku"], "default"))
        reserved = float(product.get("reserved_qty", 0))
        qty = float(src["quantity"]) if src and src["status"] else 0.0
        return _num(qty - reserved)

    @r.get("/V1/inventory/is-product-salable/{sku}/{stockId}", resource=STOCKS)
    def is_salable(call: Call) -> Any:
        product = call.state.product_by_sku(call.params["sku"])
        if product is None:
            return False
        src = call.state.source_items.get((product["sku"], "default"))
        return bool(src and src["status"] and float(src["quantity"]) > 0)


def reserve(state: State, sku: str, qty: float) -> None:
    """Record an MSI reservation (an order placed, not shipped): salable qty drops by ``qty``."""
    product = state.product_by_sku(sku)
    if product is not None:
        product["reserved_qty"] = _num(float(product.get("reserved_qty", 0)) + qty)
