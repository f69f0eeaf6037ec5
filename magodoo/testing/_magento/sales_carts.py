"""Cart routes: ``/V1/carts/mine/...`` (customer token), ``/V1/guest-carts/{cartId}/...``
(masked id, anonymous) and ``/V1/carts/{cartId}/...`` (admin), all over the same cart logic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento import sales_checkout as sc
from magodoo.testing._magento import sales_quotes as sq
from magodoo.testing._magento.routing import AuthKind, Call, Router
from magodoo.testing._magento.sales_money import dec, num
from magodoo.testing._magento.state import Row

Finder = Callable[[Call], Row]
CART = "Magento_Cart::manage"


def _mine(call: Call) -> Row:
    quote = sq.active_quote_of(call.state, call.customer_id)
    if quote is None:
        raise errors.no_such_entity("customerId", call.customer_id)
    return quote


def _guest(call: Call) -> Row:
    return sq.by_masked(call.state, call.params["cartId"])


def _admin(call: Call) -> Row:
    return sq.by_id(call.state, call.path_int("cartId"))


def _admin_quote_id(call: Call) -> Row:
    return sq.by_id(call.state, call.path_int("quoteId"))


def _item_of(call: Call, quote: Row) -> Row:
    item_id = call.path_int("itemId")
    for item in sq.items_of(call.state, quote):
        if item["item_id"] == item_id:
            return item
    raise errors.no_such_entity("itemId", item_id)


def _register_family(r: Router, prefix: str, find: Finder, auth: AuthKind, resource: str) -> None:
    """The operations every cart family shares, under ``prefix`` (``/V1/carts/mine`` ...)."""

    @r.get(prefix, resource=resource, auth=auth)
    def get_cart(call: Call) -> Any:
        return sq.render(call.state, find(call))

    @r.get(prefix + "/items", resource=resource, auth=auth)
    def list_items(call: Call) -> Any:
        return [sq.render_item(it) for it in sq.items_of(call.state, find(call))]

    @r.put(prefix + "/items/{itemId}", resource=resource, auth=auth)
    def update_item(call: Call) -> Any:
        quote = find(call)
        item = _item_of(call, quote)
        data = dict(call.arg("cartItem") or {})
        qty = dec(data.get("qty") or 0)
        if qty <= 0:
            raise errors.bad_request("The qty value is required to update quote item.")
        item["qty"] = num(qty)
        quote["updated_at"] = call.state.timestamp()
        return sq.render_item(item)

    @r.delete(prefix + "/items/{itemId}", resource=resource, auth=auth)
    def delete_item(call: Call) -> Any:
        quote = find(call)
        item = _item_of(call, quote)
        call.state.table(sq.ITEMS).remove(item["item_id"])
        quote["updated_at"] = call.state.timestamp()
        return True

    @r.get(prefix + "/coupons", resource=resource, auth=auth)
    def get_coupon(call: Call) -> Any:
        return find(call).get("coupon_code")

    @r.put(prefix + "/coupons/{couponCode}", resource=resource, auth=auth)
    def put_coupon(call: Call) -> Any:
        sc.apply_coupon(call.state, find(call), call.params["couponCode"])
        return True

    @r.delete(prefix + "/coupons", resource=resource, auth=auth)
    def delete_coupon(call: Call) -> Any:
        quote = find(call)
        quote["coupon_code"] = None
        return True

    @r.post(prefix + "/estimate-shipping-methods", resource=resource, auth=auth)
    def estimate(call: Call) -> Any:
        return sc.methods(call.state, find(call))

    @r.get(prefix + "/shipping-methods", resource=resource, auth=auth)
    def shipping_methods(call: Call) -> Any:
        return sc.methods(call.state, find(call))

    @r.post(prefix + "/shipping-information", resource=resource, auth=auth)
    def shipping_information(call: Call) -> Any:
        quote = find(call)
        sc.set_shipping(call.state, quote, dict(call.arg("addressInformation") or {}))
        return {
            "payment_methods": sc.payment_methods(call.state, quote),
            "totals": sc.render_totals(call.state, quote),
        }

    @r.get(prefix + "/totals", resource=resource, auth=auth)
    def totals(call: Call) -> Any:
        return sc.render_totals(call.state, find(call))

    @r.get(prefix + "/payment-methods", resource=resource, auth=auth)
    def payment_methods(call: Call) -> Any:
        return sc.payment_methods(call.state, find(call))

    @r.put(prefix + "/order", resource=resource, auth=auth)
    def put_order(call: Call) -> Any:
        return sc.place_order(call.state, find(call), dict(call.body or {}))


def register(r: Router) -> None:
    @r.post("/V1/carts/mine", resource="self", auth="self")
    def create_mine(call: Call) -> Any:
        quote = sq.active_quote_of(call.state, call.customer_id)
        if quote is None:
            quote = sq.new_quote(call.state, call.customer_id)
        return quote["id"]

    @r.post("/V1/guest-carts", resource="anonymous", auth="anonymous")
    def create_guest(call: Call) -> Any:
        return sq.new_quote(call.state, None)["masked_id"]

    @r.post("/V1/carts/mine/items", resource="self", auth="self")
    def add_mine(call: Call) -> Any:
        return sq.render_item(
            sq.add_item(call.state, _mine(call), dict(call.arg("cartItem") or {}))
        )

    @r.post("/V1/guest-carts/{cartId}/items", resource="anonymous", auth="anonymous")
    def add_guest(call: Call) -> Any:
        return sq.render_item(
            sq.add_item(call.state, _guest(call), dict(call.arg("cartItem") or {}))
        )

    @r.post("/V1/carts/{quoteId}/items", resource=CART)
    def add_admin(call: Call) -> Any:
        quote = _admin_quote_id(call)
        return sq.render_item(sq.add_item(call.state, quote, dict(call.arg("cartItem") or {})))

    @r.post("/V1/carts/mine/payment-information", resource="self", auth="self")
    def pay_mine(call: Call) -> Any:
        return sc.place_order(call.state, _mine(call), dict(call.body or {}))

    @r.post("/V1/guest-carts/{cartId}/payment-information", resource="anonymous", auth="anonymous")
    def pay_guest(call: Call) -> Any:
        return sc.place_order(call.state, _guest(call), dict(call.body or {}))

    _register_family(r, "/V1/carts/mine", _mine, "self", "self")
    _register_family(r, "/V1/guest-carts/{cartId}", _guest, "anonymous", "anonymous")
    _register_family(r, "/V1/carts/{cartId}", _admin, "admin", CART)
