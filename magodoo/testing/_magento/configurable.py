"""Configurable products (Magento_ConfigurableProduct): options and children."""

from __future__ import annotations

import copy
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.products import PRODUCTS, find, render
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.state import Row, State


def _attribute_by_id(state: State, attribute_id: Any) -> Row | None:
    for attr in state.attributes.values():
        if str(attr["attribute_id"]) == str(attribute_id):
            return attr
    return None


def set_options(state: State, p: Row, options: list[Row]) -> None:
    p["configurable_options"] = []
    for o in options:
        add_option(state, p, o)


def add_option(state: State, p: Row, o: Row) -> Row:
    attr = _attribute_by_id(state, o.get("attribute_id"))
    if attr is None:
        raise errors.bad_request("Provided attribute can not be used with configurable product.")
    for existing in p["configurable_options"]:
        if str(existing["attribute_id"]) == str(attr["attribute_id"]):
            raise errors.bad_request("Something went wrong while saving option.")
    option = {
        "id": state.configurable_option_ids.next_id(),
        "attribute_id": str(attr["attribute_id"]),
        "label": o.get("label") or attr.get("default_frontend_label"),
        "position": int(o.get("position") or 0),
        "values": [{"value_index": int(v["value_index"])} for v in o.get("values") or []],
        "product_id": p["id"],
    }
    p["configurable_options"].append(option)
    for key in ("image", "small_image", "thumbnail"):
        p["custom"].setdefault(key, "no_selection")
    # Magento re-saves the product: media roles come first in the recorded custom attributes.
    p["custom"] = {
        **{k: p["custom"][k] for k in ("image", "small_image", "thumbnail")},
        **{k: v for k, v in p["custom"].items() if k not in ("image", "small_image", "thumbnail")},
    }
    return option


def child_for(state: State, parent: Row, selection: dict[str, Any]) -> Row | None:
    """The child of ``parent`` whose attribute values match ``selection``
    (``{attribute_id: option value}``, as a cart item's ``configurable_item_options``)."""
    wanted = {str(k): str(v) for k, v in selection.items()}
    for cid in parent["configurable_links"]:
        child = state.products.get(cid)
        if child is None:
            continue
        ok = True
        for attribute_id, value in wanted.items():
            attr = _attribute_by_id(state, attribute_id)
            if attr is None or str(child["custom"].get(attr["attribute_code"])) != value:
                ok = False
                break
        if ok:
            return child
    return None


def _configurable(state: State, sku: str) -> Row:
    p = find(state, sku)
    if p["type_id"] != "configurable":
        raise errors.bad_request(
            'This is implemented for the "configurable" configurable product only.'
        )
    return p


def register(r: Router) -> None:
    @r.post("/V1/configurable-products/{sku}/options", resource=PRODUCTS)
    def create_option(call: Call) -> Any:
        p = _configurable(call.state, call.params["sku"])
        option = add_option(call.state, p, call.arg("option") or {})
        p["updated_at"] = call.state.timestamp()
        return str(option["id"])

    @r.get("/V1/configurable-products/{sku}/options/all", resource=PRODUCTS)
    def all_options(call: Call) -> Any:
        p = _configurable(call.state, call.params["sku"])
        return copy.deepcopy(p["configurable_options"])

    @r.get("/V1/configurable-products/{sku}/options/{id}", resource=PRODUCTS)
    def get_option(call: Call) -> Any:
        p = _configurable(call.state, call.params["sku"])
        oid = call.path_int("id")
        for o in p["configurable_options"]:
            if o["id"] == oid:
                return copy.deepcopy(o)
        raise errors.not_found(
            'The "%1" entity that was requested doesn\'t exist. Verify the entity and try again.',
            [oid],
        )

    @r.put("/V1/configurable-products/{sku}/options/{id}", resource=PRODUCTS)
    def update_option(call: Call) -> Any:
        p = _configurable(call.state, call.params["sku"])
        oid = call.path_int("id")
        data = call.arg("option") or {}
        for o in p["configurable_options"]:
            if o["id"] == oid:
                if data.get("label") is not None:
                    o["label"] = data["label"]
                if data.get("position") is not None:
                    o["position"] = int(data["position"])
                if data.get("values") is not None:
                    o["values"] = [{"value_index": int(v["value_index"])} for v in data["values"]]
                return str(oid)
        raise errors.no_such_entity("id", oid)

    @r.delete("/V1/configurable-products/{sku}/options/{id}", resource=PRODUCTS)
    def delete_option(call: Call) -> Any:
        p = _configurable(call.state, call.params["sku"])
        oid = call.path_int("id")
        before = len(p["configurable_options"])
        p["configurable_options"] = [o for o in p["configurable_options"] if o["id"] != oid]
        if len(p["configurable_options"]) == before:
            raise errors.no_such_entity("id", oid)
        return True

    @r.post("/V1/configurable-products/{sku}/child", resource=PRODUCTS)
    def add_child(call: Call) -> Any:
        p = _configurable(call.state, call.params["sku"])
        child = find(call.state, str(call.arg("childSku")))
        if child["id"] in p["configurable_links"]:
            raise errors.bad_request("The product is already attached.")
        if not p["configurable_options"]:
            raise errors.bad_request(
                "The parent product doesn't have configurable product options."
            )
        for option in p["configurable_options"]:
            attr = _attribute_by_id(call.state, option["attribute_id"])
            code = attr["attribute_code"] if attr else ""
            if child["custom"].get(code) in (None, ""):
                raise errors.bad_request(
                    'The child product doesn\'t have the "%1" attribute value. '
                    "Verify the value and try again.",
                    [code],
                )
        p["configurable_links"].append(child["id"])
        p["updated_at"] = call.state.timestamp()
        return True

    @r.get("/V1/configurable-products/{sku}/children", resource=PRODUCTS)
    def children(call: Call) -> Any:
        p = _configurable(call.state, call.params["sku"])
        out = []
        for cid in p["configurable_links"]:
            child = call.state.products.get(cid)
            if child is not None:
                out.append(render(call.state, child, "child"))
        return out

    @r.delete("/V1/configurable-products/{sku}/children/{childSku}", resource=PRODUCTS)
    def remove_child(call: Call) -> Any:
        p = _configurable(call.state, call.params["sku"])
        child = call.state.product_by_sku(call.params["childSku"])
        if child is None or child["id"] not in p["configurable_links"]:
            raise errors.no_such_entity("sku", call.params["childSku"])
        p["configurable_links"].remove(child["id"])
        p["updated_at"] = call.state.timestamp()
        return True
