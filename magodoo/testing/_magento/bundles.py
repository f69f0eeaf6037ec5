"""Bundle products (Magento_Bundle): options saved with the product
(``extension_attributes.bundle_product_options``) and the ``/V1/bundle-products`` routes, as
the 2.4.7 schema defines them (no 2.4.6 recording covers bundles).

An option is ``{option_id, title, required, type, position, sku, product_links}``; a link is
``{id, sku, option_id, qty, position, is_default, price, price_type, can_change_quantity}``.
A link to a SKU the store does not have is refused (404) and nothing is saved. Saving a bundle
with options replaces its options: those with a known ``option_id`` keep it, the others get a
new one (as Magento's option save does).
"""

from __future__ import annotations

import copy
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.state import Row, State

PRODUCTS = "Magento_Catalog::products"
TYPES = ("select", "radio", "checkbox", "multi")
_NO_PRODUCT = "The product that was requested doesn't exist. Verify the product and try again."


def _counter(state: State, name: str) -> int:
    return int(state.table(name).next_id())


def _bundle(state: State, sku: str) -> Row:
    from magodoo.testing._magento.products import find

    p = find(state, sku)
    if p["type_id"] != "bundle":
        raise errors.bad_request('This is implemented for bundle products only.')
    return p


def set_bundle_options(state: State, p: Row, options: list[Row]) -> None:
    """Replace the product's options (checked first: nothing is saved on an error)."""
    saved: list[Row] = []
    known = {o["option_id"] for o in p.get("bundle_options", [])}
    for position, option in enumerate(options, start=1):
        kind = option.get("type") or "select"
        if kind not in TYPES:
            raise errors.bad_request('Invalid option type "%1".', [kind])
        oid = option.get("option_id")
        if oid not in known:
            oid = _counter(state, "bundle_option_ids")
        links = []
        for n, link in enumerate(option.get("product_links") or [], start=1):
            child = state.product_by_sku(str(link.get("sku") or ""))
            if child is None:
                raise errors.not_found(_NO_PRODUCT)
            links.append({
                "id": str(child["id"]), "sku": child["sku"], "option_id": oid,
                "qty": float(link.get("qty") or 1), "position": int(link.get("position") or n),
                "is_default": bool(link.get("is_default")),
                "price": float(link.get("price") or 0), "price_type": int(link.get("price_type")
                                                                          or 0),
                "can_change_quantity": int(link.get("can_change_quantity") or 0),
            })
        saved.append({"option_id": oid, "title": str(option.get("title") or ""),
                      "required": bool(option.get("required", True)), "type": kind,
                      "position": int(option.get("position") or position), "sku": p["sku"],
                      "product_links": links})
    p["bundle_options"] = saved


def render_options(p: Row) -> list[Row]:
    return [copy.deepcopy(o) for o in p.get("bundle_options", [])]


def register(r: Router) -> None:
    @r.get("/V1/bundle-products/{sku}/options/all", resource=PRODUCTS)
    def all_options(call: Call) -> Any:
        return render_options(_bundle(call.state, call.params["sku"]))

    @r.get("/V1/bundle-products/{sku}/options/{optionId}", resource=PRODUCTS)
    def one_option(call: Call) -> Any:
        p = _bundle(call.state, call.params["sku"])
        oid = call.path_int("optionId")
        for option in render_options(p):
            if option["option_id"] == oid:
                return option
        raise errors.no_such_entity("optionId", oid)

    @r.get("/V1/bundle-products/{productSku}/children", resource=PRODUCTS)
    def children(call: Call) -> Any:
        from magodoo.testing._magento.products import render

        p = _bundle(call.state, call.params["productSku"])
        out = []
        for option in p.get("bundle_options", []):
            for link in option["product_links"]:
                child = call.state.product_by_sku(link["sku"])
                if child is not None:
                    out.append(render(call.state, child, "child"))
        return out

    @r.post("/V1/bundle-products/options/add", resource=PRODUCTS)
    def add_option(call: Call) -> Any:
        option = dict(call.arg("option") or {})
        p = _bundle(call.state, str(option.get("sku") or ""))
        option.pop("option_id", None)
        before = {o["option_id"] for o in p.get("bundle_options", [])}
        set_bundle_options(call.state, p, [*p.get("bundle_options", []), option])
        (new,) = [o["option_id"] for o in p["bundle_options"] if o["option_id"] not in before]
        return new

    @r.delete("/V1/bundle-products/{sku}/options/{optionId}", resource=PRODUCTS)
    def delete_option(call: Call) -> Any:
        p = _bundle(call.state, call.params["sku"])
        oid = call.path_int("optionId")
        kept = [o for o in p.get("bundle_options", []) if o["option_id"] != oid]
        if len(kept) == len(p.get("bundle_options", [])):
            raise errors.no_such_entity("optionId", oid)
        p["bundle_options"] = kept
        return True
