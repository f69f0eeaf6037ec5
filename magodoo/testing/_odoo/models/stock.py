"""Deliveries (stock.picking / stock.move), validation with backorders, quants and inventory."""

from __future__ import annotations

from typing import Any

from ..orm import Database, Env, Method, Row
from . import product as product_mod

STOCK, CUSTOMERS, INVENTORY = 8, 5, 14
OUT_TYPE = 2


def register(db: Database) -> None:
    picking = db.spec("stock.picking")
    picking.order = "priority desc, scheduled_date asc, id desc"
    picking.o2m.update({"move_ids": "picking_id", "backorder_ids": "backorder_id"})
    picking.computes.update({
        "picking_type_code": lambda _e, r: "outgoing" if r.get("picking_type_id") == OUT_TYPE
        else "internal",
        "carrier_tracking_url": lambda _e, _r: False,
    })
    picking.methods.update({
        "action_assign": Method(_action_assign),
        "button_validate": Method(_button_validate),
        "action_cancel": Method(_action_cancel),
    })
    move = db.spec("stock.move")
    move.display = lambda e, r: e.db.display_name(e, "product.product", r.get("product_id") or 0)
    move.computes["move_line_ids"] = lambda _e, _r: []
    wizard = db.spec("stock.backorder.confirmation")
    wizard.computes["backorder_confirmation_line_ids"] = lambda _e, r: [r["id"]]
    wizard.methods.update({
        "process": Method(_wizard(cancel_rest=False)),
        "process_cancel_backorder": Method(_wizard(cancel_rest=True)),
    })
    quant = db.spec("stock.quant")
    quant.defaults.update({"quantity": lambda _e, _v: 0.0, "reserved_quantity": lambda _e, _v: 0.0})
    quant.computes.update({
        "inventory_diff_quantity": lambda _e, r: float(r.get("inventory_quantity") or 0.0)
        - float(r.get("quantity") or 0.0) if r.get("inventory_quantity_set") else 0.0,
        "available_quantity": lambda _e, r: float(r.get("quantity") or 0.0)
        - float(r.get("reserved_quantity") or 0.0),
    })
    quant.before_create.append(_quant_before_create)
    quant.after_create.append(_quant_after_create)
    quant.before_write.append(_quant_before_write)
    quant.methods["action_apply_inventory"] = Method(_apply_inventory)
    db.spec("stock.warehouse").rec_name = "name"


def _picking_name(env: Env) -> str:
    return f"WH/OUT/{env.db.next_number('stock.picking.out', 1):05d}"


def create_delivery(env: Env, order: Row) -> None:
    db = env.db
    lines = [
        ln for ln in db.where("sale.order.line", order_id=order["id"])
        if ln.get("product_id") and not ln.get("is_delivery") and db.raw_value(
            env, "product.product", db.get("product.product", ln["product_id"]), "type") == "consu"
        and float(ln.get("product_uom_qty") or 0.0) > 0
    ]
    if not lines:
        return
    origin = order.get("name")
    if order.get("client_order_ref"):
        origin = f"{origin} - {order['client_order_ref']}"
    picking_id = db.insert("stock.picking", {
        "id": db.next_id("stock.picking"), "name": _picking_name(env), "state": "draft",
        "picking_type_id": OUT_TYPE, "partner_id": order.get("partner_shipping_id"),
        "origin": origin, "sale_id": order["id"], "carrier_id": order.get("carrier_id"),
        "carrier_tracking_ref": False, "scheduled_date": env.now.replace(microsecond=0),
        "location_id": STOCK, "location_dest_id": CUSTOMERS, "backorder_id": None,
        "date_done": False, "company_id": 1, "move_type": "direct", "priority": "0",
        "create_date": env.now, "write_date": env.now, "create_uid": env.uid,
        "write_uid": env.uid,
    })
    for line in sorted(lines, key=lambda ln: (ln.get("sequence") or 10, ln["id"])):
        db.insert("stock.move", {
            "id": db.next_id("stock.move"), "picking_id": picking_id,
            "product_id": line["product_id"], "product_uom_qty": float(line["product_uom_qty"]),
            "quantity": 0.0, "reserved": 0.0, "picked": False, "state": "confirmed",
            "sale_line_id": line["id"], "location_id": STOCK, "location_dest_id": CUSTOMERS,
            "name": db.display_name(env, "product.product", line["product_id"]),
            "product_uom": line.get("product_uom") or 1, "is_inventory": False,
            "create_date": env.now, "write_date": env.now, "company_id": 1,
        })
    reserve(env, picking_id)


def _storable(env: Env, product_id: int) -> bool:
    return bool(env.db.raw_value(env, "product.product", env.db.get("product.product", product_id),
                                 "is_storable"))


def reserve(env: Env, picking_id: int) -> None:
    db = env.db
    for move in db.where("stock.move", picking_id=picking_id):
        if move.get("state") in ("done", "cancel") or move.get("state") == "assigned":
            continue
        need = float(move["product_uom_qty"]) - float(move.get("reserved") or 0.0)
        if _storable(env, move["product_id"]):
            free = product_mod.stock_figures(env, move["product_id"])["free_qty"]
            take = max(0.0, min(need, free))
        else:
            take = need
        move["reserved"] = float(move.get("reserved") or 0.0) + take
        move["quantity"] = float(move.get("quantity") or 0.0) + take
        if move["reserved"] >= float(move["product_uom_qty"]) - 1e-9:
            move["state"] = "assigned"
        elif move["reserved"] > 0:
            move["state"] = "partially_available"
        else:
            move["state"] = "confirmed"
    _picking_state(env, picking_id)


def _picking_state(env: Env, picking_id: int) -> None:
    moves = [m for m in env.db.where("stock.move", picking_id=picking_id)]
    states = {m.get("state") for m in moves}
    if not moves or states == {"cancel"}:
        state = "cancel"
    elif states <= {"done", "cancel"}:
        state = "done"
    elif states & {"assigned", "partially_available"}:
        state = "assigned"
    else:
        state = "confirmed"
    env.db.set(env, "stock.picking", picking_id, {"state": state})


def cancel_picking(env: Env, picking: Row) -> None:
    for move in env.db.where("stock.move", picking_id=picking["id"]):
        if move.get("state") != "done":
            move.update(state="cancel", reserved=0.0, quantity=0.0)
    env.db.set(env, "stock.picking", picking["id"], {"state": "cancel"})


def update_moves_for_line(env: Env, line: Row) -> None:
    order = env.db.get("sale.order", line["order_id"])
    if order.get("state") != "sale":
        return
    moves = [m for m in env.db.where("stock.move", sale_line_id=line["id"])
             if m.get("state") not in ("done", "cancel")]
    delivered = sum(float(m.get("quantity") or 0.0) for m in env.db.where(
        "stock.move", sale_line_id=line["id"]) if m.get("state") == "done")
    remaining = float(line.get("product_uom_qty") or 0.0) - delivered
    for move in moves:
        if remaining < float(move.get("product_uom_qty") or 0.0) - 1e-9:
            env.db.next_id("stock.move")  # Odoo books the decrease as a move, then merges it
        if remaining <= 0:
            move.update(state="cancel", product_uom_qty=0.0, reserved=0.0, quantity=0.0)
        else:
            move.update(product_uom_qty=remaining, quantity=min(move.get("quantity") or 0.0,
                                                                remaining))
        _picking_state(env, move["picking_id"])


def _action_cancel(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    for rid in ids:
        cancel_picking(env, env.db.get("stock.picking", rid))
    return True


def _action_assign(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    for rid in ids:
        reserve(env, rid)
    return True


def _button_validate(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    db = env.db
    ctx = env.context
    partial: list[int] = []
    for rid in ids:
        moves = [m for m in db.where("stock.move", picking_id=rid)
                 if m.get("state") not in ("done", "cancel")]
        if not any(m.get("picked") for m in moves):
            for m in moves:
                if float(m.get("quantity") or 0.0) > 0:
                    m["picked"] = True
        if any(float(m.get("quantity") or 0.0) < float(m["product_uom_qty"]) - 1e-9
               or not m.get("picked") for m in moves):
            partial.append(rid)
    if partial and not ctx.get("skip_backorder"):
        context = {k: v for k, v in ctx.items() if k in ("skip_sms",)}
        context.update({"button_validate_picking_ids": ids, "default_show_transfers": False,
                        "default_pick_ids": [[4, i] for i in partial]})
        return {"name": "Create Backorder?", "type": "ir.actions.act_window", "view_mode": "form",
                "res_model": "stock.backorder.confirmation", "views": [[912, "form"]],
                "view_id": 912, "target": "new", "context": context}
    if not ctx.get("skip_sms") and not partial:
        company = db.get("res.company", 1)
        for rid in ids:
            partner = db.table("res.partner").get(db.get("stock.picking", rid).get("partner_id")
                                                  or 0, {})
            if company.get("stock_move_sms_validation", True) and (
                partner.get("phone") or partner.get("mobile")
            ):
                return {"name": "SMS", "type": "ir.actions.act_window", "view_mode": "form",
                        "res_model": "confirm.stock.sms", "views": [[1906, "form"]],
                        "view_id": 1906, "target": "new",
                        "res_id": db.next_number("confirm.stock.sms", 1),
                        "context": {"button_validate_picking_ids": ids}}
    no_backorder = set(ctx.get("picking_ids_not_to_backorder") or [])
    if ctx.get("cancel_backorder"):
        no_backorder |= set(ids)
    for rid in ids:
        _action_done(env, rid, backorder=rid not in no_backorder)
    return True


def _action_done(env: Env, picking_id: int, backorder: bool) -> None:
    db = env.db
    picking = db.get("stock.picking", picking_id)
    rest: list[tuple[Row, float]] = []
    for move in db.where("stock.move", picking_id=picking_id):
        if move.get("state") in ("done", "cancel"):
            continue
        done = float(move.get("quantity") or 0.0) if move.get("picked") else 0.0
        left = float(move["product_uom_qty"]) - done
        if done <= 0:
            rest.append((move, left))
            continue
        if left > 1e-9:
            rest.append((move, left))
            if backorder:
                move["product_uom_qty"] = done
        move.update(state="done", quantity=done, picked=True, reserved=0.0)
        _quant_add(env, move["product_id"], STOCK, -done)
    new_picking = None
    for move, left in rest:
        if backorder:
            if new_picking is None:
                new_picking = db.insert("stock.picking", {
                    **{k: v for k, v in picking.items() if k not in ("id", "name")},
                    "id": db.next_id("stock.picking"), "name": _picking_name(env),
                    "backorder_id": picking_id, "state": "draft", "date_done": False,
                    "carrier_tracking_ref": False, "create_date": env.now, "write_date": env.now,
                })
            if move.get("state") == "done":
                db.insert("stock.move", {
                    **{k: v for k, v in move.items() if k != "id"},
                    "id": db.next_id("stock.move"), "picking_id": new_picking,
                    "product_uom_qty": left, "quantity": 0.0, "reserved": 0.0, "picked": False,
                    "state": "confirmed", "create_date": env.now, "write_date": env.now,
                })
            else:
                move.update(picking_id=new_picking, quantity=0.0, reserved=0.0, picked=False,
                            state="confirmed")
                db.changed("stock.move")  # the move's picking changed in place
        elif move.get("state") != "done":
            move.update(state="cancel", reserved=0.0)
    db.set(env, "stock.picking", picking_id, {"state": "done"})
    db.set(env, "stock.picking", picking_id, {"date_done": env.now.replace(microsecond=0)},
           notify=False)
    if new_picking is not None:
        reserve(env, new_picking)
    if picking.get("sale_id"):
        db.touch(env, "sale.order", [picking["sale_id"]])


def _wizard(cancel_rest: bool) -> Any:
    def run(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
        for rid in ids:
            wizard = env.db.get("stock.backorder.confirmation", rid)
            for picking_id in wizard.get("pick_ids") or []:
                _action_done(env, picking_id, backorder=not cancel_rest)
        return True

    return run


def _quant_add(env: Env, product_id: int, location_id: int, qty: float) -> None:
    inside = product_mod.internal_locations(env.ctx(warehouse_id=False))
    quants = sorted(
        (q for q in env.db.table("stock.quant").values() if q.get("product_id") == product_id
         and q.get("location_id") in inside),
        key=lambda q: (q.get("location_id") != location_id, q["id"]),
    )
    if qty < 0:  # take from the quants that hold stock (any internal location), oldest first
        for quant in sorted(quants, key=lambda q: q["id"]):
            have = float(quant.get("quantity") or 0.0)
            if have <= 0:
                continue
            take = min(have, -qty)
            quant.update(quantity=have - take, write_date=env.now)
            qty += take
            if qty >= -1e-9:
                return
    for quant in quants:
        if quant.get("location_id") == location_id:
            quant["quantity"] = float(quant.get("quantity") or 0.0) + qty
            quant["write_date"] = env.now
            return
    env.db.insert("stock.quant", {
        "id": env.db.next_id("stock.quant"), "product_id": product_id,
        "location_id": location_id, "quantity": qty, "reserved_quantity": 0.0,
        "inventory_quantity": 0.0, "inventory_quantity_set": False, "create_date": env.now,
        "write_date": env.now,
    })


def _quant_before_create(env: Env, row: Row) -> None:
    if "inventory_quantity" in row:
        row["inventory_quantity_set"] = bool(env.context.get("inventory_mode"))


def _quant_after_create(env: Env, ids: list[int]) -> None:
    for rid in ids:
        env.db.next_id("stock.quant")  # the real server burns one more id per quant create
        quant = env.db.get("stock.quant", rid)
        auto = quant.get("inventory_quantity_auto_apply")
        if auto not in (None, False) and env.context.get("inventory_mode"):
            quant["inventory_quantity"] = float(auto)
            _apply(env, quant)


def _quant_before_write(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
    if "inventory_quantity" in vals:
        for rid in ids:
            env.db.get("stock.quant", rid)["inventory_quantity_set"] = True


def _apply(env: Env, quant: Row) -> None:
    db = env.db
    diff = float(quant.get("inventory_quantity") or 0.0) - float(quant.get("quantity") or 0.0)
    if abs(diff) > 1e-9:
        src, dest = (INVENTORY, quant["location_id"]) if diff > 0 else (
            quant["location_id"], INVENTORY)
        user = db.display_name(env, "res.users", env.uid)
        db.insert("stock.move", {
            "id": db.next_id("stock.move"), "name": f"Product Quantity Updated ({user})",
            "product_id": quant["product_id"], "product_uom_qty": abs(diff), "quantity": abs(diff),
            "state": "done", "picked": True, "location_id": src, "location_dest_id": dest,
            "is_inventory": True, "create_date": env.now, "write_date": env.now,
        })
    quant.update(quantity=float(quant.get("inventory_quantity") or 0.0), inventory_quantity=0.0,
                 inventory_quantity_set=False, write_date=env.now)


def _apply_inventory(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    for rid in ids:
        _apply(env, env.db.get("stock.quant", rid))
    return None
