"""Shipping on sale orders: the ``choose.delivery.carrier`` wizard (path B of workflow 03)."""

from __future__ import annotations

from typing import Any

from ..orm import Database, Env, Method
from .sale import order_lines, qty_invoiced
from .taxes import line_amounts


def register(db: Database) -> None:
    spec = db.spec("sale.order")
    spec.methods["action_open_delivery_wizard"] = Method(_open_delivery_wizard)
    wizard = db.spec("choose.delivery.carrier")
    wizard.defaults["delivery_price"] = lambda _e, _v: 0.0
    wizard.computes.update({
        "delivery_type": lambda e, r: e.db.get("delivery.carrier", r["carrier_id"]).get(
            "delivery_type"),
        "available_carrier_ids": lambda e, _r: sorted(
            c["id"] for c in e.db.table("delivery.carrier").values() if c.get("active", True)),
    })
    wizard.methods.update({
        "update_price": Method(_update_price),
        "button_confirm": Method(_button_confirm),
    })


def _open_delivery_wizard(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    order = env.db.get("sale.order", ids[0])
    carrier = order.get("carrier_id") or min(env.db.table("delivery.carrier"), default=False)
    return {"name": "Add a shipping method", "type": "ir.actions.act_window", "view_mode": "form",
            "res_model": "choose.delivery.carrier", "view_id": 2005, "views": [[2005, "form"]],
            "target": "new", "context": {"default_order_id": order["id"],
                                         "default_carrier_id": carrier,
                                         "default_total_weight": 1.0}}


def _update_price(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    db = env.db
    for rid in ids:
        wizard = db.get("choose.delivery.carrier", rid)
        carrier = db.get("delivery.carrier", wizard["carrier_id"])
        order = db.get("sale.order", wizard["order_id"])
        price = float(carrier.get("fixed_price") or 0.0)
        message: Any = False
        goods = sum(line_amounts(env, ln, "tax_id", "product_uom_qty")["total"]
                    for ln in order_lines(env, order) if not ln.get("is_delivery"))
        if carrier.get("free_over") and goods >= float(carrier.get("amount") or 0.0):
            message = ("The shipping is free since the order amount exceeds "
                       f"{float(carrier.get('amount') or 0.0):.2f}.")
            wizard.update(display_price=price, delivery_price=0.0, delivery_message=message)
        else:
            wizard.update(display_price=price, delivery_price=price, delivery_message=False)
    return {"name": "Add a shipping method", "type": "ir.actions.act_window", "view_mode": "form",
            "res_model": "choose.delivery.carrier", "res_id": ids[0] if ids else False,
            "target": "new", "context": {"no_rate": False}}


def _button_confirm(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    db = env.db
    for rid in ids:
        wizard = db.get("choose.delivery.carrier", rid)
        carrier = db.get("delivery.carrier", wizard["carrier_id"])
        order_id = wizard["order_id"]
        for line in db.where("sale.order.line", order_id=order_id):
            if line.get("is_delivery") and not qty_invoiced(env, line):
                db.unlink(env, "sale.order.line", [line["id"]])
        product = db.get("product.product", carrier["product_id"])
        taxes = list(db.raw_value(env, "product.product", product, "taxes_id") or [])
        price = float(wizard.get("delivery_price") or 0.0)
        name = str(carrier.get("name"))
        if carrier.get("free_over") and not price:
            name += "\nFree Shipping"
        db.write(env, "sale.order", [order_id], {
            "carrier_id": carrier["id"],
            "order_line": [[0, 0, {
                "product_id": carrier["product_id"], "name": name,
                "product_uom_qty": 1.0, "price_unit": price,
                "tax_id": [[6, 0, taxes]], "is_delivery": True,
                "sequence": max((int(ln.get("sequence") or 10)
                                 for ln in db.where("sale.order.line", order_id=order_id)),
                                default=9) + 1,
            }]],
        })
    return None
