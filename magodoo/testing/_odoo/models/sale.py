"""sale.order and its lines: amounts, confirmation, cancel/lock, invoice and delivery status."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..orm import Database, Env, Method, Row
from ..values import round_money
from . import stock
from .taxes import line_amounts

LOCKED_FIELDS = ("product_id", "name", "price_unit", "product_uom", "product_uom_qty", "tax_id",
                 "analytic_distribution")
PRICE_FIELDS = {"price_unit", "product_uom_qty", "discount", "tax_id", "product_id"}


def register(db: Database) -> None:
    _order(db)
    _line(db)
    db.on_delete("sale.order.line", "order_id", "cascade")
    db.on_delete("sale.order.line", "product_id", "restrict")
    cancel = db.spec("sale.order.cancel")
    cancel.computes.update({
        "display_invoice_alert": lambda _e, _r: False,
        "subject": lambda e, r: (
            f"{e.db.get('res.company', 1).get('name')} Sales Order Cancelled "
            f"(Ref {e.db.get('sale.order', r['order_id']).get('name')})"
        ),
        "recipient_ids": lambda e, r: [e.db.get("sale.order", r["order_id"])["partner_id"]],
    })
    cancel.methods["action_cancel"] = Method(_wizard_cancel)
    cancel.methods["action_send_mail_and_cancel"] = Method(_wizard_cancel)


# -- orders ----------------------------------------------------------------------------------
def _order(db: Database) -> None:
    spec = db.spec("sale.order")
    spec.order = "date_order desc, id desc"
    spec.o2m["order_line"] = "order_id"
    spec.required["partner_id"] = None
    spec.defaults.update({
        "state": lambda _e, _v: "draft",
        "date_order": lambda e, _v: e.now.replace(microsecond=0),
        "company_id": lambda _e, _v: 1,
        "currency_id": lambda _e, _v: 1,
        "user_id": lambda e, _v: e.uid,
        "locked": lambda _e, _v: False,
        "warehouse_id": lambda _e, _v: 1,
    })
    spec.before_create.append(_order_defaults)
    spec.computes.update({
        "amount_untaxed": lambda e, r: _totals(e, r)[0],
        "amount_tax": lambda e, r: _totals(e, r)[1],
        "amount_total": lambda e, r: _totals(e, r)[2],
        "picking_ids": lambda e, r: sorted(
            (p["id"] for p in e.db.where("stock.picking", sale_id=r["id"])), reverse=True),
        "delivery_count": lambda e, r: len(e.db.where("stock.picking", sale_id=r["id"])),
        "delivery_status": delivery_status,
        "invoice_ids": invoice_ids,
        "invoice_count": lambda e, r: len(invoice_ids(e, r)),
        "invoice_status": invoice_status,
        "delivery_set": lambda e, r: any(
            ln.get("is_delivery") for ln in e.db.where("sale.order.line", order_id=r["id"])),
        "amount_invoiced": _amount_invoiced,
        "amount_to_invoice": lambda e, r: round_money(sum(
            line_to_invoice_amount(e, ln) for ln in e.db.where("sale.order.line", order_id=r["id"])
        )) if r.get("state") == "sale" else 0.0,
        "tax_totals": _tax_totals,
        "display_name": lambda _e, r: str(r.get("name")),
    })
    spec.before_unlink.append(_order_unlink)
    spec.methods.update({
        "action_confirm": Method(action_confirm),
        "action_cancel": Method(_action_cancel),
        "action_draft": Method(_action_draft),
        "action_lock": Method(_lock(True)),
        "action_unlock": Method(_lock(False)),
        "set_delivery_line": Method(_set_delivery_line, params=("carrier", "amount"), required=2),
    })


def _order_defaults(env: Env, row: Row) -> None:
    db = env.db
    if not row.get("name"):
        row["name"] = f"S{db.next_number('sale.order', 1):05d}"
    partner = row.get("partner_id")
    if partner:
        addresses = db.spec("res.partner").methods["address_get"].fn(
            env, [partner], [["invoice", "delivery"]], {})
        row.setdefault("partner_invoice_id", addresses["invoice"])
        row.setdefault("partner_shipping_id", addresses["delivery"])
        if not row.get("partner_invoice_id"):
            row["partner_invoice_id"] = addresses["invoice"]
        if not row.get("partner_shipping_id"):
            row["partner_shipping_id"] = addresses["delivery"]


def order_lines(env: Env, order: Row) -> list[Row]:
    return sorted(env.db.where("sale.order.line", order_id=order["id"]),
                  key=lambda ln: (ln.get("sequence") or 10, ln["id"]))


def _totals(env: Env, order: Row) -> tuple[float, float, float]:
    if env.memo is not None:  # a large read: amount_untaxed, _tax and _total share one sum
        key = ("sale.order totals", order["id"])
        if key not in env.memo:
            env.memo[key] = _sum_totals(env, order)
        return env.memo[key]  # type: ignore[no-any-return]
    return _sum_totals(env, order)


def _sum_totals(env: Env, order: Row) -> tuple[float, float, float]:
    untaxed = tax = 0.0
    for line in order_lines(env, order):
        amounts = line_amounts(env, line, "tax_id", "product_uom_qty")
        untaxed += amounts["subtotal"]
        tax += amounts["tax"]
    untaxed, tax = round_money(untaxed), round_money(tax)
    return untaxed, tax, round_money(untaxed + tax)


def _tax_totals(env: Env, order: Row) -> dict[str, Any]:
    untaxed, tax, total = _totals(env, order)
    return {
        "currency_id": 1, "currency_pd": 0.01, "company_currency_id": 1,
        "company_currency_pd": 0.01, "has_tax_groups": bool(tax),
        "base_amount_currency": untaxed, "tax_amount_currency": tax,
        "total_amount_currency": total, "subtotals": [],
    }


def delivery_status(env: Env, order: Row) -> Any:
    pickings = [p for p in env.db.where("stock.picking", sale_id=order["id"])
                if p.get("state") != "cancel"]
    if not pickings:
        return False
    states = {p.get("state") for p in pickings}
    if states == {"done"}:
        return "full"
    if "done" in states:
        return "partial"
    return "pending"


def invoice_lines_of(env: Env, line_id: int) -> list[Row]:
    return [
        aml for aml in env.db.table("account.move.line").values()
        if line_id in (aml.get("sale_line_ids") or [])
        and env.db.get("account.move", aml["move_id"]).get("state") != "cancel"
    ]


def invoice_ids(env: Env, order: Row) -> list[int]:
    """Moves of the order's lines, line by line, each line's items as ``date desc, name desc``."""
    moves: dict[int, None] = {}
    table = env.db.table("account.move")
    for line in order_lines(env, order):
        items = invoice_lines_of(env, line["id"])
        items.sort(key=lambda aml: aml["id"])
        items.sort(key=lambda aml: str(table[aml["move_id"]].get("name") or ""), reverse=True)
        items.sort(key=lambda aml: str(table[aml["move_id"]].get("date") or ""), reverse=True)
        for aml in items:
            moves[aml["move_id"]] = None
    return list(moves)


def _sign(env: Env, aml: Row) -> float:
    move = env.db.get("account.move", aml["move_id"])
    return -1.0 if move.get("move_type") == "out_refund" else 1.0


def qty_invoiced(env: Env, line: Row, posted_only: bool = False) -> float:
    total = 0.0
    for aml in invoice_lines_of(env, line["id"]):
        if posted_only and env.db.get("account.move", aml["move_id"]).get("state") != "posted":
            continue
        total += _sign(env, aml) * float(aml.get("quantity") or 0.0)
    return total


def qty_delivered(env: Env, line: Row) -> float:
    return float(sum(
        float(m.get("quantity") or 0.0) for m in env.db.where("stock.move", sale_line_id=line["id"])
        if m.get("state") == "done"
    ))


def _policy(env: Env, line: Row) -> str:
    if not line.get("product_id"):
        return "order"
    return str(env.db.raw_value(env, "product.product", env.db.get("product.product",
                                line["product_id"]), "invoice_policy") or "order")


def _invoiceable(env: Env, line: Row) -> float:
    if _policy(env, line) == "delivery":
        return qty_delivered(env, line)
    return float(line.get("product_uom_qty") or 0.0)


def qty_to_invoice(env: Env, line: Row) -> float:
    order = env.db.get("sale.order", line["order_id"])
    if order.get("state") != "sale":
        return 0.0
    return _invoiceable(env, line) - qty_invoiced(env, line)


def line_invoice_status(env: Env, line: Row) -> str:
    order = env.db.get("sale.order", line["order_id"])
    if order.get("state") != "sale":
        return "no"
    if abs(qty_to_invoice(env, line)) > 1e-6:
        return "to invoice"
    if qty_invoiced(env, line) >= float(line.get("product_uom_qty") or 0.0):
        return "invoiced"
    return "no"


def invoice_status(env: Env, order: Row) -> str:
    if order.get("state") != "sale":
        return "no"
    statuses = [line_invoice_status(env, ln) for ln in order_lines(env, order)]
    if any(s == "to invoice" for s in statuses):
        return "to invoice"
    if statuses and all(s == "invoiced" for s in statuses):
        return "invoiced"
    return "no"


def line_to_invoice_amount(env: Env, line: Row) -> float:
    amounts = line_amounts(env, line, "tax_id", "product_uom_qty")
    qty = float(line.get("product_uom_qty") or 0.0)
    unit = amounts["total"] / qty if qty else 0.0
    return (_invoiceable(env, line) - qty_invoiced(env, line, posted_only=True)) * unit


def _amount_invoiced(env: Env, order: Row) -> float:
    total = 0.0
    for line in env.db.where("sale.order.line", order_id=order["id"]):
        for aml in invoice_lines_of(env, line["id"]):
            if env.db.get("account.move", aml["move_id"]).get("state") == "posted":
                total += _sign(env, aml) * line_amounts(env, aml, "tax_ids", "quantity")["total"]
    return round_money(total)


def _order_unlink(env: Env, ids: list[int]) -> None:
    for rid in ids:
        if env.db.get("sale.order", rid).get("state") not in ("draft", "cancel"):
            raise errors.user_error(
                "You can not delete a sent quotation or a confirmed sales order. "
                "You must first cancel it."
            )


def action_confirm(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    db = env.db
    for rid in ids:
        if db.get("sale.order", rid).get("state") not in ("draft", "sent"):
            raise errors.user_error("Some orders are not in a state requiring confirmation.")
    for rid in ids:
        db.set(env, "sale.order", rid, {
            "state": "sale", "date_order": env.now.replace(microsecond=0), "locked": False,
        })
        stock.create_delivery(env, db.get("sale.order", rid))
    return True


def _action_cancel(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    db = env.db
    orders = [db.get("sale.order", rid) for rid in ids]
    if any(o.get("locked") for o in orders):
        raise errors.user_error("You cannot cancel a locked order. Please unlock it first.")
    if not env.context.get("disable_cancel_warning") and any(
        o.get("state") == "sale" for o in orders
    ):
        order = orders[0]
        return {
            "name": "Cancel Sales Order", "view_mode": "form", "res_model": "sale.order.cancel",
            "view_id": 1929, "type": "ir.actions.act_window",
            "context": {
                "default_template_id": 14, "default_order_id": order["id"],
                "mark_so_as_canceled": True,
                "default_email_layout_xmlid":
                    "mail.mail_notification_layout_with_responsible_signature",
                "model_description": "Sales Order",
            },
            "target": "new",
        }
    for order in orders:
        cancel_order(env, order)
    return True


def cancel_order(env: Env, order: Row) -> None:
    db = env.db
    for picking in db.where("stock.picking", sale_id=order["id"]):
        if picking.get("state") not in ("done", "cancel"):
            stock.cancel_picking(env, picking)
    for move_id in invoice_ids(env, order):
        move = db.get("account.move", move_id)
        if move.get("state") == "draft":
            db.set(env, "account.move", move_id, {"state": "cancel"})
    db.set(env, "sale.order", order["id"], {"state": "cancel"})


def _wizard_cancel(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    for rid in ids:
        order = env.db.get("sale.order", env.db.get("sale.order.cancel", rid)["order_id"])
        if order.get("locked"):
            raise errors.user_error("You cannot cancel a locked order. Please unlock it first.")
        cancel_order(env, order)
    return True


def _action_draft(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    for rid in ids:
        if env.db.get("sale.order", rid).get("state") in ("cancel", "sent"):
            env.db.set(env, "sale.order", rid, {"state": "draft"})
    return True


def _lock(value: bool) -> Any:
    def run(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
        for rid in ids:
            env.db.set(env, "sale.order", rid, {"locked": value})
        return None

    return run


def _set_delivery_line(env: Env, _ids: list[int], args: list[Any], _k: dict[str, Any]) -> Any:
    carrier = args[0] if args else None
    raise errors.OdooError(
        "builtins.AttributeError", f"'{type(carrier).__name__}' object has no attribute 'id'"
    )


# -- lines -----------------------------------------------------------------------------------
def _line(db: Database) -> None:
    spec = db.spec("sale.order.line")
    spec.order = "order_id, sequence, id"
    spec.required["order_id"] = None
    spec.defaults.update({
        "product_uom_qty": lambda _e, _v: 1.0,
        "discount": lambda _e, _v: 0.0,
        "sequence": lambda _e, _v: 10,
        "is_delivery": lambda _e, _v: False,
    })
    spec.before_create.append(_line_defaults)
    spec.computes.update({
        "price_subtotal": lambda e, r: line_amounts(e, r, "tax_id", "product_uom_qty")["subtotal"],
        "price_total": lambda e, r: line_amounts(e, r, "tax_id", "product_uom_qty")["total"],
        "price_tax": lambda e, r: line_amounts(e, r, "tax_id", "product_uom_qty")["total"]
        - line_amounts(e, r, "tax_id", "product_uom_qty")["subtotal"],
        "price_reduce_taxexcl": lambda e, r: _per_unit(e, r, "subtotal"),
        "price_reduce_taxinc": lambda e, r: _per_unit(e, r, "total"),
        "qty_delivered": qty_delivered,
        "qty_invoiced": qty_invoiced,
        "qty_to_invoice": qty_to_invoice,
        "invoice_status": line_invoice_status,
        "state": lambda e, r: e.db.get("sale.order", r["order_id"]).get("state"),
        "currency_id": lambda _e, _r: 1,
        "company_id": lambda _e, _r: 1,
        "order_partner_id": lambda e, r: e.db.get("sale.order", r["order_id"]).get("partner_id"),
        "product_template_id": lambda e, r: e.db.get("product.product", r["product_id"]).get(
            "product_tmpl_id") if r.get("product_id") else False,
    })
    spec.display = _line_display
    spec.after_create.append(lambda env, ids: _touch_orders(env, ids))
    spec.before_write.append(_line_before_write)
    spec.after_write.append(_line_after_write)
    spec.before_unlink.append(lambda env, ids: _touch_orders(env, ids))


def _per_unit(env: Env, line: Row, key: str) -> float:
    qty = float(line.get("product_uom_qty") or 0.0)
    amounts = line_amounts(env, line, "tax_id", "product_uom_qty")
    return round_money(amounts[key] / qty) if qty else 0.0


def _line_display(env: Env, line: Row) -> str:
    order = env.db.get("sale.order", line["order_id"])
    text = f"{order.get('name')} - {line.get('name')}"
    ref = env.db.table("res.partner").get(order.get("partner_id") or 0, {}).get("ref")
    return f"{text} ({ref})" if ref else text


def _line_defaults(env: Env, row: Row) -> None:
    db = env.db
    product_id = row.get("product_id")
    if product_id:
        product = db.get("product.product", product_id)
        if not row.get("name"):
            row["name"] = db.display_name(env, "product.product", product_id)
        if row.get("price_unit") is None or row.get("price_unit") is False:
            row["price_unit"] = db.raw_value(env, "product.product", product, "lst_price")
        if "tax_id" not in row and not env.context.get("_tax_given"):
            row["tax_id"] = list(db.raw_value(env, "product.product", product, "taxes_id") or [])
        row.setdefault("product_uom", db.raw_value(env, "product.product", product, "uom_id"))
    row.setdefault("price_unit", 0.0)
    row["technical_price_unit"] = row.get("price_unit")
    if not row.get("name") and not row.get("display_type"):
        raise errors.not_null("sale.order.line", "Sales Order Line", "name", "Description")


def _touch_orders(env: Env, ids: list[int]) -> None:
    orders = {env.db.get("sale.order.line", i)["order_id"] for i in ids
              if i in env.db.table("sale.order.line")}
    env.db.touch(env, "sale.order", sorted(orders))


def _line_before_write(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
    fields = env.db.fields("sale.order.line")
    for rid in ids:
        order = env.db.get("sale.order", env.db.get("sale.order.line", rid)["order_id"])
        if order.get("locked"):
            blocked = [fields[f]["string"] for f in LOCKED_FIELDS if f in vals]
            if blocked:
                raise errors.user_error(
                    "It is forbidden to modify the following fields in a locked order:\n"
                    + "\n".join(blocked)
                )


def _line_after_write(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
    db = env.db
    for rid in ids:
        line = db.get("sale.order.line", rid)
        if "product_uom_qty" in vals and "price_unit" not in vals and line.get("product_id"):
            product = db.get("product.product", line["product_id"])
            price = db.raw_value(env, "product.product", product, "lst_price")
            line["price_unit"] = price
            line["technical_price_unit"] = price
        elif "price_unit" in vals:
            line["technical_price_unit"] = line.get("price_unit")
        if "product_uom_qty" in vals:
            stock.update_moves_for_line(env, line)
    if PRICE_FIELDS & set(vals):
        _touch_orders(env, ids)
