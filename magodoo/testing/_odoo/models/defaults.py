"""Defaults the real server fills for fields its ``fields_get`` marks required."""

from __future__ import annotations

from typing import Any

from ..orm import Database, Env, Row


def _const(value: Any) -> Any:
    return lambda _env, _vals: value


DEFAULTS: dict[str, dict[str, Any]] = {
    "res.partner": {"autopost_bills": "ask"},
    "res.users": {"autopost_bills": "ask", "company_id": 1, "notification_type": "email"},
    "sale.order": {"picking_policy": "direct"},
    "account.move": {"auto_post": "no"},
    "account.move.line": {"currency_id": 1},
    "account.move.reversal": {"company_id": 1},
    "account.payment": {"company_id": 1, "state": "draft", "partner_type": "customer",
                        "payment_type": "inbound", "journal_id": 6},
    "product.template": {"sale_line_warn": "no-message", "service_tracking": "no",
                         "tracking": "none"},
    "stock.picking": {"move_type": "direct", "picking_type_id": 2, "location_id": 8,
                      "location_dest_id": 5},
    "stock.move": {"company_id": 1, "procure_method": "make_to_stock", "location_id": 8,
                   "location_dest_id": 5, "product_uom": 1},
    "ir.actions.server": {"type": "ir.actions.server"},
    "delivery.carrier": {"delivery_type": "fixed", "invoice_policy": "estimated"},
    "payment.provider": {"company_id": 1, "state": "disabled", "code": "none"},
}


def register(db: Database) -> None:
    for model, values in DEFAULTS.items():
        spec = db.spec(model)
        for name, value in values.items():
            spec.defaults.setdefault(name, _const(value))
    db.spec("stock.quant").defaults.setdefault("in_date", lambda env, _v: env.now)
    db.spec("stock.move").defaults.setdefault("date", lambda env, _v: env.now)
    db.spec("account.payment").defaults.setdefault(
        "date", lambda env, _v: env.now.date().isoformat())
    db.spec("stock.move").before_create.append(_move_name)
    db.spec("res.users").before_create.append(_user_partner)


def _move_name(env: Env, row: Row) -> None:
    if not row.get("name") and row.get("product_id"):
        row["name"] = env.db.display_name(env, "product.product", row["product_id"])


def _user_partner(env: Env, row: Row) -> None:
    if not row.get("partner_id") and row.get("login"):
        name = row.pop("name", None) or row["login"]
        (row["partner_id"],) = env.db.create(env, "res.partner", [{"name": name}])
