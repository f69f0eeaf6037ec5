"""Payments (``account.payment.register``) and credit notes (``account.move.reversal``)."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..orm import Database, Env, Method, Row
from ..values import round_money
from .account import (
    JOURNAL_CODES,
    OUTSTANDING,
    RECEIVABLE,
    action_post,
    active_ids,
    residual,
    today,
)


def register(db: Database) -> None:
    _payment_wizard(db)
    _reversal_wizard(db)


# -- payment wizard --------------------------------------------------------------------------
def _wizard_moves(env: Env, row: Row) -> list[Row]:
    return [env.db.get("account.move", i) for i in row.get("_move_ids") or []
            if i in env.db.table("account.move")]


def _payment_wizard(db: Database) -> None:
    spec = db.spec("account.payment.register")
    spec.defaults.update({
        "journal_id": lambda _e, _v: 6,
        "payment_date": lambda e, _v: today(e),
        "payment_difference_handling": lambda _e, _v: "open",
        "group_payment": lambda _e, _v: True,
        "currency_id": lambda _e, _v: 1,
    })
    spec.before_create.append(_payment_wizard_defaults)
    spec.computes["payment_difference"] = lambda e, r: round_money(
        sum(residual(e, m) for m in _wizard_moves(e, r)) - float(r.get("amount") or 0.0))
    spec.methods["action_create_payments"] = Method(_create_payments)


def _payment_wizard_defaults(env: Env, row: Row) -> None:
    moves = [env.db.get("account.move", i) for i in active_ids(env, "account.move")]
    row["_move_ids"] = [m["id"] for m in moves]
    if not moves:
        raise errors.user_error("You can only register payment for posted journal entries.")
    if any(m.get("state") != "posted" for m in moves):
        raise errors.user_error("You can only register payment for posted journal entries.")
    refund = moves[0].get("move_type") == "out_refund"
    row.setdefault("payment_type", "outbound" if refund else "inbound")
    row.setdefault("partner_type", "customer")
    partner = moves[0].get("partner_id")
    if partner:
        row.setdefault("partner_id", env.db.spec("res.partner").computes["commercial_partner_id"](
            env, env.db.get("res.partner", partner)))
    if row.get("amount") in (None, False, 0.0):
        row["amount"] = round_money(sum(residual(env, m) for m in moves))
    if not row.get("payment_method_line_id"):
        inbound = row["payment_type"] == "inbound"
        journal = row.get("journal_id") or 6
        row["payment_method_line_id"] = {(6, True): 1, (6, False): 2, (7, True): 4,
                                         (7, False): 3}.get((journal, inbound), 1)
    row.setdefault("communication", " ".join(str(m.get("name")) for m in moves))


def _create_payments(env: Env, ids: list[int], _a: list[Any], _k: dict[str, Any]) -> Any:
    db = env.db
    payment_id = 0
    for rid in ids:
        wizard = db.get("account.payment.register", rid)
        journal = wizard.get("journal_id") or 6
        year = str(wizard.get("payment_date") or today(env))[:4]
        code = JOURNAL_CODES.get(journal, "PBNK1")
        name = f"{code}/{year}/{db.next_number(f'{code}/{year}', 1):05d}"
        method_line = db.table("account.payment.method.line").get(
            wizard.get("payment_method_line_id") or 0, {})
        outstanding = method_line.get("payment_account_id") or OUTSTANDING
        moves = _wizard_moves(env, wizard)
        entry = db.insert("account.move", {
            "id": db.next_id("account.move"), "name": name, "move_type": "entry",
            "state": "posted", "journal_id": journal, "date": wizard.get("payment_date"),
            "ref": wizard.get("communication") or False, "partner_id": wizard.get("partner_id"),
            "currency_id": 1, "company_id": 1, "create_date": env.now, "write_date": env.now,
        })
        payment_id = db.insert("account.payment", {
            "id": db.next_id("account.payment"), "name": name, "state": "paid",
            "amount": float(wizard.get("amount") or 0.0), "payment_type": wizard["payment_type"],
            "partner_type": "customer", "memo": wizard.get("communication") or False,
            "journal_id": journal, "payment_method_line_id": wizard.get("payment_method_line_id"),
            "outstanding_account_id": outstanding, "destination_account_id": RECEIVABLE,
            "move_id": entry, "is_matched": bool(method_line.get("payment_account_id")),
            "invoice_ids": [m["id"] for m in moves],
            "is_reconciled": True, "partner_id": wizard.get("partner_id"), "date":
            wizard.get("payment_date"), "currency_id": 1, "create_date": env.now,
            "write_date": env.now,
        })
        for _ in range(2):  # liquidity and counterpart journal items
            db.insert("account.move.line", {
                "id": db.next_id("account.move.line"), "move_id": entry, "display_type": False,
                "name": name, "quantity": 0.0, "price_unit": 0.0, "tax_ids": [],
                "sale_line_ids": [], "create_date": env.now, "write_date": env.now,
            })
        left = float(wizard.get("amount") or 0.0)
        for move in moves:
            take = min(left, residual(env, move))
            left -= take
            db.set(env, "account.move", move["id"], {
                "paid": float(move.get("paid") or 0.0) + take,
                "matched_payment_ids": sorted([*move.get("matched_payment_ids", []), payment_id],
                                              reverse=True),
            })
    if env.context.get("dont_redirect_to_payments"):
        return True
    return {"name": "Payments", "type": "ir.actions.act_window", "res_model": "account.payment",
            "context": {"create": False}, "view_mode": "form", "res_id": payment_id}


# -- reversal wizard -------------------------------------------------------------------------
def _reversal_wizard(db: Database) -> None:
    spec = db.spec("account.move.reversal")
    spec.defaults.update({
        "journal_id": lambda _e, _v: 1,
        "date": lambda e, _v: today(e),
        "move_ids": lambda e, _v: [[6, 0, active_ids(e, "account.move")]],
    })
    spec.before_create.append(_reversal_check)
    spec.computes.update({
        "move_type": lambda e, r: next((e.db.get("account.move", m).get("move_type")
                                        for m in r.get("move_ids") or []), False),
        "residual": lambda e, r: round_money(sum(
            residual(e, e.db.get("account.move", m)) for m in r.get("move_ids") or [])),
        "available_journal_ids": lambda _e, _r: [1],
    })
    spec.methods.update({
        "refund_moves": Method(lambda env, ids, _a, _k: _reverse(env, ids, False)),
        "modify_moves": Method(lambda env, ids, _a, _k: _reverse(env, ids, True)),
        "reverse_moves": Method(lambda env, ids, args, _k: _reverse(env, ids, bool(args and
                                                                                     args[0])),
                                params=("is_modify",)),
    })


def _reversal_check(env: Env, _row: Row) -> None:
    if env.context.get("active_model") not in (None, "account.move"):
        raise errors.user_error("Journal should be the same type as the reversed entry.")


def _copy_lines(env: Env, move_id: int) -> list[Any]:
    return [[0, 0, {
        "product_id": ln.get("product_id") or False, "name": ln.get("name"),
        "quantity": ln.get("quantity"), "price_unit": ln.get("price_unit"),
        "discount": ln.get("discount") or 0.0, "tax_ids": [[6, 0, list(ln.get("tax_ids") or [])]],
        "sale_line_ids": [[6, 0, list(ln.get("sale_line_ids") or [])]],
    }] for ln in sorted(env.db.where("account.move.line", move_id=move_id), key=lambda x: x["id"])
        if ln.get("display_type", "product") == "product"]


def _reverse(env: Env, ids: list[int], modify: bool) -> Any:
    db = env.db
    new_ids: list[int] = []
    result_id = 0
    for rid in ids:
        wizard = db.get("account.move.reversal", rid)
        for move_id in wizard.get("move_ids") or []:
            move = db.get("account.move", move_id)
            reason = wizard.get("reason")
            ref = f"Reversal of: {move.get('name')}" + (f", {reason}" if reason else "")
            common = {"partner_id": move.get("partner_id"),
                      "partner_shipping_id": move.get("partner_shipping_id"),
                      "invoice_origin": move.get("invoice_origin") or False}
            (refund,) = db.create(env, "account.move", [{
                **common, "move_type": "out_refund", "reversed_entry_id": move_id, "ref": ref,
                "date": wizard.get("date"), "invoice_date": wizard.get("date"),
                "journal_id": wizard.get("journal_id") or 1,
                "invoice_line_ids": _copy_lines(env, move_id),
            }])
            new_ids.append(refund)
            result_id = refund
            if modify:
                action_post(env, [refund], [], {})
                (copy,) = db.create(env, "account.move", [{
                    **common, "move_type": "out_invoice", "ref": move.get("ref") or False,
                    "invoice_line_ids": _copy_lines(env, move_id),
                }])
                new_ids.append(copy)
                result_id = copy
        db.get("account.move.reversal", rid)["new_move_ids"] = [
            i for i in new_ids if not modify or db.get("account.move", i)["move_type"]
            == "out_invoice"]
    return {"name": "Reverse Moves", "type": "ir.actions.act_window", "res_model": "account.move",
            "view_mode": "form", "res_id": result_id,
            "context": {"default_move_type": "out_invoice" if modify else "out_refund"}}
