"""Tier price storage (Magento_Catalog ``TierPriceStorage``): ``/V1/products/tier-prices``.

Built from the 2.4.7 schema (``catalog-data-tier-price-interface``) and Magento's
``TierPriceValidator``: every row is checked (SKU of a product type with tier prices, price not
negative and at most 100 for a ``discount``, type ``fixed`` or ``discount``, quantity above 0,
an existing website, unique (customer group, quantity, website) per SKU, known customer group
or ``ALL GROUPS``); refused rows come back in a 200 answer as ``{message, parameters}`` with
the placeholders' values in order (as the base prices answer, recorded ``72``), the others are
saved. ``PUT`` replaces the tier prices of every SKU it names, ``POST`` adds or updates,
``tier-prices-delete`` removes the rows given. Tier prices live in the product's
``tier_prices`` (``GET /V1/products/{sku}`` shows them: ``customer_group_id`` 32000 is all
groups).
"""

from __future__ import annotations

from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.state import Row, State

RESOURCE = "Magento_Catalog::catalog"
TIER_TYPES = frozenset({"simple", "virtual", "downloadable", "bundle", "configurable"})
ALL_GROUPS = "all groups"
ALL_GROUPS_ID = 32000
GROUPS = {"not logged in": 0, "general": 1, "wholesale": 2, "retailer": 3}
GROUP_CODES = {0: "NOT LOGGED IN", 1: "General", 2: "Wholesale", 3: "Retailer",
               ALL_GROUPS_ID: "ALL GROUPS"}
ROW = "Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty."


def _num(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(_num(value))


def _params(row: Row, *first: Any) -> list[str]:
    return [*(_text(v) for v in first), _text(row.get("sku")), _text(row.get("website_id")),
            _text(row.get("customer_group")), _text(row.get("quantity"))]


def _group_id(code: str) -> int | None:
    code = code.lower()
    return ALL_GROUPS_ID if code == ALL_GROUPS else GROUPS.get(code)


def _key(row: Row) -> tuple[str, float, int]:
    return (str(row.get("customer_group") or "").lower(), float(row.get("quantity") or 0),
            int(row.get("website_id") or 0))


def _check(state: State, rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """(valid rows, refused items) as ``TierPriceValidator::retrieveValidationResult``."""
    failed: list[Row] = []
    valid: list[Row] = []
    seen: dict[str, set[tuple[str, float, int]]] = {}
    for row in rows:
        before = len(failed)
        sku = row.get("sku")
        product = state.product_by_sku(str(sku)) if sku else None
        if product is None or product["type_id"] not in TIER_TYPES:
            failed.append({"message": f"Invalid attribute SKU = %SKU. {ROW}",
                           "parameters": _params(row)})
        price, kind = row.get("price"), row.get("price_type")
        if price is None or price < 0 or (kind == "discount" and price > 100):
            failed.append({"message": f"Invalid attribute Price = %price. {ROW}",
                           "parameters": _params(row, price)})
        bundle = product is not None and product["type_id"] == "bundle"
        if kind not in ("fixed", "discount") or (bundle and kind != "discount"):
            failed.append({"message": f"Invalid attribute Price Type = %priceType. {ROW}",
                           "parameters": _params(row, kind)})
        if float(row.get("quantity") or 0) <= 0:
            failed.append({"message": f"Invalid attribute Quantity = %qty. {ROW}",
                           "parameters": _params(row)})
        website = row.get("website_id")
        if website is None or not any(w["id"] == website for w in state.websites):
            failed.append({"message": f"Invalid attribute Website ID = %websiteId. {ROW}",
                           "parameters": _params(row)})
        key = _key(row)
        if key in seen.setdefault(str(sku).lower(), set()):
            failed.append({
                "message": "We found a duplicate website, tier price, customer group and "
                           "quantity: Customer Group = %customerGroup, Website ID = %websiteId, "
                           f"Quantity = %qty. {ROW}",
                "parameters": _params(row)})
        seen[str(sku).lower()].add(key)
        if _group_id(str(row.get("customer_group") or "")) is None:
            failed.append({"message": f"No such entity with Customer Group = %customerGroup. {ROW}",
                           "parameters": _params(row)})
        if len(failed) == before:
            valid.append(row)
    return valid, failed


def _stored(row: Row) -> Row:
    """A price storage row as the product keeps it (``catalog-data-product-tier-price``)."""
    group = _group_id(str(row["customer_group"]))
    ext: Row = {"website_id": int(row["website_id"])}
    if row["price_type"] == "discount":
        ext["percentage_value"] = _num(row["price"])
    return {"customer_group_id": group, "qty": _num(float(row["quantity"])),
            "value": _num(row["price"]), "extension_attributes": ext}


def _rendered(sku: str, tier: Row) -> Row:
    ext = tier.get("extension_attributes") or {}
    percent = ext.get("percentage_value")
    return {
        "price": _num(percent if percent is not None else tier.get("value")),
        "price_type": "discount" if percent is not None else "fixed",
        "website_id": int(ext.get("website_id") or 0),
        "sku": sku,
        "customer_group": GROUP_CODES.get(int(tier.get("customer_group_id") or 0), "General"),
        "quantity": _num(float(tier.get("qty") or 0)),
    }


def _same(tier: Row, row: Row) -> bool:
    ext = tier.get("extension_attributes") or {}
    return (tier.get("customer_group_id") == _group_id(str(row.get("customer_group") or ""))
            and float(tier.get("qty") or 0) == float(row.get("quantity") or 0)
            and int(ext.get("website_id") or 0) == int(row.get("website_id") or 0))


def _rows(call: Call) -> list[Row]:
    prices = call.arg("prices")
    if not isinstance(prices, list):
        raise errors.bad_request("Invalid input data format. Expected an array of prices.")
    return [dict(p) for p in prices]


def register(r: Router) -> None:
    @r.post("/V1/products/tier-prices", resource=RESOURCE)
    def update(call: Call) -> Any:
        valid, failed = _check(call.state, _rows(call))
        now = call.state.timestamp()
        for row in valid:
            product = call.state.product_by_sku(str(row["sku"]))
            assert product is not None
            kept = [t for t in product["tier_prices"] if not _same(t, row)]
            product["tier_prices"] = [*kept, _stored(row)]
            product["updated_at"] = now
        return failed

    @r.put("/V1/products/tier-prices", resource=RESOURCE)
    def replace(call: Call) -> Any:
        valid, failed = _check(call.state, _rows(call))
        now = call.state.timestamp()
        by_product: dict[int, list[Row]] = {}
        for row in valid:
            product = call.state.product_by_sku(str(row["sku"]))
            assert product is not None
            by_product.setdefault(product["id"], []).append(_stored(row))
        for pid, tiers in by_product.items():
            product = call.state.products.get(pid)
            assert product is not None
            product["tier_prices"] = tiers
            product["updated_at"] = now
        return failed

    @r.post("/V1/products/tier-prices-delete", resource=RESOURCE)
    def delete(call: Call) -> Any:
        valid, failed = _check(call.state, _rows(call))
        for row in valid:
            product = call.state.product_by_sku(str(row["sku"]))
            assert product is not None
            product["tier_prices"] = [t for t in product["tier_prices"] if not _same(t, row)]
        return failed

    @r.post("/V1/products/tier-prices-information", resource=RESOURCE)
    def information(call: Call) -> Any:
        skus = [str(s) for s in call.arg("skus") or []]
        products = {s: call.state.product_by_sku(s) for s in skus}
        missing = [s for s, p in products.items() if p is None or p["type_id"] not in TIER_TYPES]
        if missing:  # InvalidSkuProcessor::filterSkuList: one 404 for the whole call
            template = ("Requested product doesn't exist: %sku" if len(missing) == 1
                        else "Requested products don't exist: %sku")
            raise errors.not_found(template, {"sku": ", ".join(missing)})
        out = []
        for product in products.values():
            assert product is not None
            out += [_rendered(product["sku"], t) for t in product["tier_prices"]]
        return out
