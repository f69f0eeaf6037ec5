"""What a cart line needs from the catalog: configurable children, custom options, prices.

Recorded behaviour (503-506, 526, 565): a configurable line carries the child's SKU and the
parent's name and price of the child; custom options append each chosen value's ``sku`` to the
product SKU (``CAP-S0525-gold-initials``) and add their price (fixed, or percent of the base
price) to the unit price. A configurable without options is 400 ``You need to choose options
for your item.``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import attrs

from magodoo.testing._magento import errors
from magodoo.testing._magento.sales_money import dec
from magodoo.testing._magento.state import Row, State

NO_OPTIONS = "You need to choose options for your item."
REQUIRED_OPTIONS = (
    "The product's required option(s) weren't entered. Make sure the options are entered and "
    "try again."
)
NO_PRODUCT = "The product that was requested doesn't exist. Verify the product and try again."


@attrs.frozen
class Line:
    """A resolved cart line: the product, the variant (if configurable), price and labels."""

    product: Row
    child: Row | None
    sku: str
    price: Decimal
    product_option: dict[str, Any] | None
    labels: list[dict[str, str]]
    weight: Decimal


def _custom_attr(product: Row, code: str) -> Any:
    custom = product.get("custom")
    if isinstance(custom, dict) and code in custom:
        return custom[code]
    for attr in product.get("custom_attributes") or []:
        if attr.get("attribute_code") == code:
            return attr.get("value")
    return None


def tax_class(product: Row) -> int:
    value = _custom_attr(product, "tax_class_id")
    try:
        return int(value) if value not in (None, "") else 2
    except (TypeError, ValueError):
        return 2


def _attribute_by_id(state: State, attribute_id: int) -> Row | None:
    for attr in state.attributes.values():
        if int(attr.get("attribute_id") or 0) == attribute_id:
            return attr
    return None


def _option_label(attr: Row, value: Any) -> str:
    for option in attr.get("options") or []:
        if str(option.get("value")) == str(value):
            return str(option.get("label"))
    return str(value)


def _configurable(
    state: State, product: Row, chosen: list[dict[str, Any]]
) -> tuple[Row, list[dict[str, str]]]:
    ext = product.get("extension_attributes") or {}
    conf_options = product.get("configurable_options") or ext.get("configurable_product_options")
    links = product.get("configurable_links") or ext.get("configurable_product_links")
    if not chosen:
        raise errors.bad_request(NO_OPTIONS)
    labels: list[dict[str, str]] = []
    wanted: dict[str, str] = {}
    for opt in chosen:
        attr = _attribute_by_id(state, int(opt.get("option_id") or 0))
        if attr is None:
            raise errors.bad_request(NO_OPTIONS)
        wanted[str(attr["attribute_code"])] = str(opt.get("option_value"))
        title = str(attr.get("default_frontend_label") or attr["attribute_code"])
        for conf in conf_options or []:
            if str(conf.get("attribute_id")) == str(attr.get("attribute_id")) and conf.get("label"):
                title = str(conf["label"])
        labels.append({"value": _option_label(attr, opt.get("option_value")), "label": title})
    for child_id in links or []:
        child = state.products.get(int(child_id))
        if child is None:
            continue
        if all(str(_custom_attr(child, code)) == value for code, value in wanted.items()):
            return child, labels
    raise errors.bad_request(NO_OPTIONS)


def _custom_options(
    product: Row, chosen: list[dict[str, Any]], base: Decimal
) -> tuple[str, Decimal, list[dict[str, str]]]:
    by_id = {str(o.get("option_id")): o for o in product.get("options") or []}
    given = {str(c.get("option_id")): c.get("option_value") for c in chosen}
    sku = str(product["sku"])
    price = base
    labels: list[dict[str, str]] = []
    for option in sorted(
        by_id.values(), key=lambda o: (o.get("sort_order") or 0, o.get("option_id"))
    ):
        value = given.get(str(option.get("option_id")))
        if value in (None, ""):
            if option.get("is_require"):
                raise errors.bad_request(REQUIRED_OPTIONS)
            continue
        picked: dict[str, Any] = option
        shown = str(value)
        if option.get("values"):
            match = [v for v in option["values"] if str(v.get("option_type_id")) == str(value)]
            if not match:
                raise errors.bad_request(REQUIRED_OPTIONS)
            picked = match[0]
            shown = str(picked.get("title"))
        amount = dec(picked.get("price") or 0)
        if picked.get("price_type") == "percent":
            amount = base * amount / 100
        price += amount
        if picked.get("sku"):
            sku += "-" + str(picked["sku"])
        labels.append({"value": shown, "label": str(option.get("title"))})
    for key in given:
        if key not in by_id:
            raise errors.bad_request(REQUIRED_OPTIONS)
    return sku, price, labels


def resolve(state: State, sku: str, product_option: dict[str, Any] | None) -> Line:
    """Turn an add-to-cart request into a priced line (errors as Magento answers them)."""
    product = state.product_by_sku(sku)
    if product is None:
        raise errors.not_found(NO_PRODUCT)
    ext = (product_option or {}).get("extension_attributes") or {}
    if product.get("type_id") == "configurable":
        chosen = list(ext.get("configurable_item_options") or [])
        child, labels = _configurable(state, product, chosen)
        kept = {
            "extension_attributes": {
                "configurable_item_options": [
                    {
                        "option_id": str(o.get("option_id")),
                        "option_value": int(o.get("option_value") or 0),
                    }
                    for o in chosen
                ]
            }
        }
        return Line(
            product,
            child,
            str(child["sku"]),
            dec(child.get("price")),
            kept,
            labels,
            dec(child.get("weight")),
        )
    chosen = list(ext.get("custom_options") or [])
    line_sku, price, labels = _custom_options(product, chosen, dec(product.get("price")))
    kept_opts = None
    if chosen:
        kept_opts = {
            "extension_attributes": {
                "custom_options": [
                    {
                        "option_id": str(o.get("option_id")),
                        "option_value": str(o.get("option_value")),
                    }
                    for o in chosen
                ]
            }
        }
    return Line(product, None, line_sku, price, kept_opts, labels, dec(product.get("weight")))


def labels_json(labels: list[dict[str, str]]) -> str:
    """The cart totals ``options`` string: PHP's ``json_encode`` of ``[{value,label}]``."""
    return json.dumps(labels, separators=(",", ":"))
