"""Invoices (account.move), the invoicing / payment / reversal wizards, payments."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..orm import Database, Env, Method, Row
from ..values import round_money
from . import sale
from .taxes import line_amounts

NOTHING_TO_INVOICE = (
    "Cannot create an invoice. No items are available to invoice.\n\nTo resolve this issue, "
    "please ensure that:\n   • The products have been delivered before attempting to invoice "
    "them.\n   • The invoicing policy of the product is configured correctly.\n\nIf you want to "
    "invoice based on ordered quantities instead:\n   • For consumable or storable products, "
    "open the product, go to the 'General Information' tab and change the 'Invoicing Policy' "
    "from 'Delivered Quantities' to 'Ordered Quantities'.\n   • For services (and other "
    "products), change the 'Invoicing Policy' to 'Prepaid/Fixed Price'.\n"
)
RECEIVABLE, INCOME, OUTSTANDING = 7, 27, 49
JOURNAL_CODES = {6: "PBNK1", 7: "PCSH1"}


def register(db: Database) -> None:
    _move(db)
    _advance_wizard(db)
    db.on_delete("account.move.line", "move_id", "cascade")
    for model, field in (("account.move", "partner_id"), ("account.move.line", "partner_id"),
                         ("account.move.line", "product_id"), ("account.payment", "partner_id")):
        db.on_delete(model, field, "restrict")


# -- moves -----------------------------------------------------------------------------------
def today(env: Env) -> str:
    return env.now.date().isoformat()


def _move(db: Database) -> None:
    spec = db.spec("account.move")
    spec.order = "date desc, name desc, id desc"
    spec.o2m.update({"invoice_line_ids": "move_id", "line_ids": "move_id",
                     "reversal_move_ids": "reversed_entry_id"})
    spec.defaults.update({
        "move_type": lambda _e, _v: "entry",
        "state": lambda _e, _v: "draft",
        "date": lambda e, _v: today(e),
        "invoice_date_due": lambda e, _v: today(e),
        "journal_id": lambda _e, _v: 1,
        "currency_id": lambda _e, _v: 1,
        "company_id": lambda _e, _v: 1,
        "name": lambda _e, _v: False,
    })
    spec.computes.update({
        "amount_untaxed": lambda e, r: move_amounts(e, r)[0],
        "amount_tax": lambda e, r: move_amounts(e, r)[1],
        "amount_total": lambda e, r: move_amounts(e, r)[2],
        "amount_residual": residual,
        "payment_state": payment_state,
        "status_in_payment": lambda e, r: payment_state(e, r) if r.get("state") == "posted"
        else r.get("state"),
        "invoice_line_ids": lambda e, r: sorted(
            ln["id"] for ln in e.db.where("account.move.line", move_id=r["id"])
            if ln.get("display_type", "product") in ("product", "line_section", "line_note")),
        "line_ids": lambda e, r: sorted(
            ln["id"] for ln in e.db.where("account.move.line", move_id=r["id"])),
    })
    spec.display = _move_display
    spec.after_create.append(_journal_items)
    spec.before_write.append(_recompute_items)
    spec.after_write.append(_recompute_items)
    spec.methods["action_post"] = Method(action_post)
    spec.methods["button_draft"] = Method(_button_draft)
    line = db.spec("account.move.line")
    line.defaults.update({
        "display_type": lambda _e, _v: "product",
        "quantity": lambda _e, _v: 1.0,
        "discount": lambda _e, _v: 0.0,
        "account_id": lambda _e, _v: INCOME,
    })
    line.before_create.append(_line_defaults)
    line.computes.update({
        "price_subtotal": lambda e, r: line_amounts(e, r, "tax_ids", "quantity")["subtotal"],
        "price_total": lambda e, r: line_amounts(e, r, "tax_ids", "quantity")["total"],
    })
    line.display = lambda _e, r: str(r.get("name") or "")


def _line_defaults(env: Env, row: Row) -> None:
    db = env.db
    if row.get("product_id"):
        product = db.get("product.product", row["product_id"])
        label = db.display_name(env, "product.product", row["product_id"])
        name = row.get("name")
        row["name"] = label if not name else (
            name if str(name).startswith(label) else f"{label} {name}")
        if row.get("price_unit") is None or row.get("price_unit") is False:
            row["price_unit"] = db.raw_value(env, "product.product", product, "lst_price")
        if "tax_ids" not in row:
            row["tax_ids"] = list(db.raw_value(env, "product.product", product, "taxes_id") or [])
    row.setdefault("price_unit", 0.0)


def _button_draft(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    for rid in ids:
        env.db.set(env, "account.move", rid, {"state": "draft"})
    return None


def _journal_items(env: Env, ids: list[int]) -> None:
    """Tax and receivable lines an invoice carries besides its product lines (ids only)."""
    db = env.db
    for rid in ids:
        move = db.get("account.move", rid)
        if move.get("move_type") == "entry":
            continue
        lines = db.where("account.move.line", move_id=rid)
        extra = ["payment_term"]
        if any(ln.get("tax_ids") for ln in lines):
            extra.insert(0, "tax")
        for kind in extra:
            db.insert("account.move.line", {
                "id": db.next_id("account.move.line"), "move_id": rid, "display_type": kind,
                "name": False, "quantity": 0.0, "price_unit": 0.0, "tax_ids": [],
                "sale_line_ids": [], "account_id": RECEIVABLE if kind == "payment_term" else False,
                "create_date": env.now, "write_date": env.now,
            })


def _recompute_items(env: Env, _ids: list[int], vals: dict[str, Any]) -> None:
    commands = vals.get("invoice_line_ids") or vals.get("line_ids") or []
    if any(isinstance(c, (list, tuple)) and c and c[0] == 0 for c in commands):
        env.db.next_id("account.move.line")  # the tax line is rebuilt before new lines


def _move_display(_env: Env, row: Row) -> str:
    name = row.get("name") or f"Draft Invoice (* {row['id']})"
    return f"{name} ({row['ref']})" if row.get("ref") else str(name)


def move_amounts(env: Env, move: Row) -> tuple[float, float, float]:
    untaxed = tax = 0.0
    for line in env.db.where("account.move.line", move_id=move["id"]):
        if line.get("display_type", "product") == "product":
            amounts = line_amounts(env, line, "tax_ids", "quantity")
            untaxed += amounts["subtotal"]
            tax += amounts["tax"]
    untaxed, tax = round_money(untaxed), round_money(tax)
    return untaxed, tax, round_money(untaxed + tax)


def residual(env: Env, move: Row) -> float:
    if move.get("state") != "posted" or move.get("move_type") == "entry":
        return move_amounts(env, move)[2] if move.get("move_type") != "entry" else 0.0
    return round_money(move_amounts(env, move)[2] - float(move.get("paid") or 0.0)
                       - float(move.get("reconciled") or 0.0))


def payment_state(env: Env, move: Row) -> str:
    if move.get("state") != "posted" or move.get("move_type") == "entry":
        return "not_paid"
    if residual(env, move) <= 0.0:
        if float(move.get("reconciled") or 0.0) > 0 and not float(move.get("paid") or 0.0) \
                and move.get("move_type") == "out_invoice":
            return "reversed"
        return "paid"
    if float(move.get("paid") or 0.0) or float(move.get("reconciled") or 0.0):
        return "partial"
    return "not_paid"


def action_post(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    db = env.db
    for rid in ids:
        move = db.get("account.move", rid)
        if move.get("state") == "posted":
            raise errors.user_error(f"The entry {move.get('name')} is already posted.")
        changes: Row = {"state": "posted"}
        if not move.get("invoice_date") and move.get("move_type") != "entry":
            changes["invoice_date"] = today(env)
        if move.get("move_type") != "entry":
            changes["date"] = changes.get("invoice_date") or move.get("invoice_date")
        year = str(changes.get("invoice_date") or move.get("invoice_date") or move.get("date"))[:4]
        prefix = "RINV" if move.get("move_type") == "out_refund" else "INV"
        if not move.get("name"):
            number = db.next_number(f"{prefix}/{year}", 1)
            changes["name"] = f"{prefix}/{year}/{number:05d}"
            changes["payment_reference"] = changes["name"]
        db.set(env, "account.move", rid, changes)
        origin = move.get("reversed_entry_id")
        if move.get("move_type") == "out_refund" and origin in db.table("account.move"):
            invoice = db.get("account.move", origin)
            if invoice.get("state") == "posted":
                amount = min(residual(env, invoice), residual(env, move))
                if amount > 0:
                    invoice["reconciled"] = float(invoice.get("reconciled") or 0.0) + amount
                    move["reconciled"] = float(move.get("reconciled") or 0.0) + amount
                    db.touch(env, "account.move", [origin])
    return False


# -- invoicing wizard ------------------------------------------------------------------------
def active_ids(env: Env, model: str) -> list[int]:
    if env.context.get("active_model") == model:
        return [int(i) for i in env.context.get("active_ids") or []]
    return []


def _advance_wizard(db: Database) -> None:
    spec = db.spec("sale.advance.payment.inv")
    spec.defaults.update({
        "advance_payment_method": lambda _e, _v: "delivered",
        "sale_order_ids": lambda e, _v: [[6, 0, active_ids(e, "sale.order")]],
        "consolidated_billing": lambda _e, _v: True,
        "deduct_down_payments": lambda _e, _v: True,
    })
    spec.computes.update({
        "count": lambda _e, r: len(r.get("sale_order_ids") or []),
        "amount_to_invoice": lambda e, r: round_money(sum(
            e.db.raw_value(e, "sale.order", e.db.get("sale.order", o), "amount_to_invoice")
            for o in r.get("sale_order_ids") or [])),
    })
    spec.methods["create_invoices"] = Method(_create_invoices)


def _create_invoices(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    db = env.db
    created: list[int] = []
    for rid in ids:
        wizard = db.get("sale.advance.payment.inv", rid)
        for order_id in wizard.get("sale_order_ids") or []:
            order = db.get("sale.order", order_id)
            lines = [ln for ln in db.where("sale.order.line", order_id=order_id)
                     if abs(sale.qty_to_invoice(env, ln)) > 1e-9]
            if not lines:
                raise errors.user_error(NOTHING_TO_INVOICE)
            vals = {
                "move_type": "out_invoice", "partner_id": order.get("partner_invoice_id"),
                "partner_shipping_id": order.get("partner_shipping_id"),
                "invoice_origin": order.get("name"), "ref": order.get("client_order_ref") or False,
                "invoice_line_ids": [[0, 0, {
                    "product_id": ln.get("product_id") or False, "name": ln.get("name"),
                    "quantity": sale.qty_to_invoice(env, ln), "price_unit": ln.get("price_unit"),
                    "discount": ln.get("discount") or 0.0,
                    "tax_ids": [[6, 0, list(ln.get("tax_id") or [])]],
                    "sale_line_ids": [[6, 0, [ln["id"]]]],
                }] for ln in sorted(lines, key=lambda ln: (ln.get("sequence") or 10, ln["id"]))],
            }
            created += db.create(env, "account.move", [vals])
            db.touch(env, "sale.order", [order_id])
    action: dict[str, Any] = {
        "id": 263, "name": "Invoices", "display_name": "Invoices", "type": "ir.actions.act_window",
        "xml_id": "account.action_move_out_invoice_type", "res_model": "account.move",
        "context": {"default_move_type": "out_invoice"},
    }
    if len(created) == 1:
        action.update(res_id=created[0], view_mode="form")
    else:
        action.update(domain=[["id", "in", created]], view_mode="list,form")
    return action
