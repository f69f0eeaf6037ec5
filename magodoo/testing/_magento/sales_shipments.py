"""Shipments and tracking: ``POST /V1/order/{id}/ship``, ``/V1/shipment/track`` and reads.

Recorded behaviour: asking for more than is left is silently reduced to what is left (650/651);
only the parent row of a configurable is shipped and only it counts ``qty_shipped``; the child
id, an unknown id or nothing left gives ``You can't create a shipment without products.``
(with ``The order does not allow a shipment to be created.`` first when the order cannot ship).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento import sales_orders as so
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.sales_docs import (
    append_from_body,
    comment_from_entity,
    comments_of,
    comments_result,
    get_doc,
    requested_qtys,
    validation_error,
)
from magodoo.testing._magento.sales_money import dec, num
from magodoo.testing._magento.sales_stock import item_sku
from magodoo.testing._magento.sales_stock import ship as ship_stock
from magodoo.testing._magento.search import search
from magodoo.testing._magento.state import Row, State

SHIPMENTS = "shipments"
ITEMS = "shipment_items"
TRACKS = "shipment_tracks"
COMMENTS = "shipment_comments"
RESOURCE = "Magento_Sales::shipment"
NO_PRODUCTS = "You can't create a shipment without products."


def _qtys(state: State, order: Row, body: Any) -> dict[int, Decimal]:
    asked = requested_qtys(body)
    out: dict[int, Decimal] = {}
    for item in so.top_items(state, order):
        left = so.qty_to_ship(item)
        if asked is None:
            qty = left
        elif item["item_id"] in asked:
            qty = min(dec(asked[item["item_id"]]), left)
        else:
            continue
        if qty > 0:
            out[item["item_id"]] = qty
    return out


def add_track(state: State, shipment: Row, data: dict[str, Any]) -> Row:
    for field in ("track_number", "title", "carrier_code"):
        if not data.get(field):
            raise errors.required(field)
    tracks = state.table(TRACKS)
    now = state.timestamp()
    track: Row = {
        "order_id": shipment["order_id"],
        "created_at": now,
        "entity_id": tracks.next_id(),
        "parent_id": shipment["entity_id"],
        "updated_at": now,
        "weight": data.get("weight"),
        "qty": data.get("qty"),
        "description": data.get("description"),
        "track_number": data["track_number"],
        "title": data["title"],
        "carrier_code": data["carrier_code"],
    }
    tracks.rows[track["entity_id"]] = track
    return track


def create_shipment(state: State, order: Row, body: Any) -> Row:
    """Ship what was asked (clamped to what is left), add tracks, and move the order along."""
    qtys = _qtys(state, order, body)
    messages: list[str] = []
    if order["state"] in ("payment_review", "holded", "canceled"):
        messages.append(
            f"A shipment cannot be created when an order has a status of {order['state']}"
        )
    elif not so.can_ship(state, order):
        messages.append("The order does not allow a shipment to be created.")
    if not qtys:
        messages.append(NO_PRODUCTS)
    if messages:
        raise validation_error("Shipment", messages)
    shipments = state.table(SHIPMENTS)
    ship_id = shipments.next_id()
    now = state.timestamp()
    item_table = state.table(ITEMS)
    total = Decimal(0)
    for item in so.top_items(state, order):
        qty = qtys.get(item["item_id"])
        if qty is None:
            continue
        line: Row = {
            "entity_id": item_table.next_id(),
            "name": item["name"],
            "parent_id": ship_id,
            "price": item["price"],
            "product_id": item["product_id"],
            "sku": item["sku"],
            "weight": item.get("weight"),
            "order_item_id": item["item_id"],
            "qty": num(qty),
        }
        item_table.rows[line["entity_id"]] = line
        so.add(item, "qty_shipped", qty)
        item["updated_at"] = now
        ship_stock(state, item_sku(state, item, so.children_of(state, item)), qty)
        total += qty
    shipment: Row = {
        "billing_address_id": order.get("billing_address_id"),
        "created_at": now,
        "customer_id": order.get("customer_id"),
        "entity_id": ship_id,
        "increment_id": f"{ship_id:09d}",
        "order_id": order["entity_id"],
        "packages": [],
        "shipping_address_id": order.get("_shipping_address_id"),
        "store_id": 1,
        "total_qty": num(total),
        "updated_at": now,
    }
    shipments.rows[ship_id] = shipment
    for track in (body or {}).get("tracks") or []:
        add_track(state, shipment, dict(track))
    append_from_body(state, COMMENTS, ship_id, body)
    so.check_state(state, order, in_process=True)
    so.touch(state, order)
    return shipment


def render(state: State, shipment: Row) -> Row:
    out = so.clean(shipment)
    sid = shipment["entity_id"]
    out["items"] = [copy.deepcopy(i) for i in state.table(ITEMS).where("parent_id", sid)]
    out["tracks"] = [copy.deepcopy(t) for t in state.table(TRACKS).where("parent_id", sid)]
    out["comments"] = comments_of(state, COMMENTS, sid)
    out["extension_attributes"] = {"source_code": "default"}
    return out


def register(r: Router) -> None:
    @r.post("/V1/order/{orderId}/ship", resource=RESOURCE)
    def ship_order(call: Call) -> Any:
        order = so.get_order(call.state, call.path_int("orderId"))
        return str(create_shipment(call.state, order, call.body)["entity_id"])

    @r.get("/V1/shipments", resource=RESOURCE, criteria=True)
    def list_shipments(call: Call) -> Any:
        return search(
            call.state.table(SHIPMENTS).values(),
            call.criteria,
            past_end="empty",
            render=lambda row: render(call.state, row),
        )

    @r.get("/V1/shipment/{id}", resource=RESOURCE)
    def get_shipment(call: Call) -> Any:
        return render(call.state, get_doc(call.state, SHIPMENTS, call.path_int("id")))

    @r.get("/V1/shipment/{id}/label", resource=RESOURCE)
    def label(call: Call) -> Any:
        get_doc(call.state, SHIPMENTS, call.path_int("id"))
        return ""

    @r.get("/V1/shipment/{id}/comments", resource=RESOURCE)
    def shipment_comments(call: Call) -> Any:
        shipment = get_doc(call.state, SHIPMENTS, call.path_int("id"))
        return comments_result(call.state, COMMENTS, shipment["entity_id"])

    @r.post("/V1/shipment/{id}/comments", resource=RESOURCE)
    def add_shipment_comment(call: Call) -> Any:
        shipment = get_doc(call.state, SHIPMENTS, call.path_int("id"))
        return comment_from_entity(call.state, COMMENTS, shipment["entity_id"], call.arg("entity"))

    @r.post("/V1/shipment/{id}/emails", resource=RESOURCE)
    def email(call: Call) -> Any:
        get_doc(call.state, SHIPMENTS, call.path_int("id"))
        return True

    @r.post("/V1/shipment/track", resource=RESOURCE)
    def track(call: Call) -> Any:
        entity = dict(call.arg("entity") or {})
        shipment = get_doc(call.state, SHIPMENTS, int(entity.get("parent_id") or 0))
        row = add_track(call.state, shipment, entity)
        order = call.state.table(so.ORDERS).get(shipment["order_id"])
        if order is not None:
            so.touch(call.state, order)
        return copy.deepcopy(row)

    @r.delete("/V1/shipment/track/{id}", resource=RESOURCE)
    def delete_track(call: Call) -> Any:
        tid = call.path_int("id")
        if call.state.table(TRACKS).remove(tid) is None:
            raise errors.not_found(so.NOT_FOUND)
        return True
