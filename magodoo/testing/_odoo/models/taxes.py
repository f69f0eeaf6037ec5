"""account.tax: percent taxes, excluded or included (``price_include_override``), per line."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..orm import Database, Env, Method, Row
from ..values import round_money


def register(db: Database) -> None:
    spec = db.spec("account.tax")
    spec.required["name"] = None
    spec.defaults.update({
        "amount_type": lambda _e, _v: "percent",
        "type_tax_use": lambda _e, _v: "sale",
        "company_id": lambda _e, _v: 1,
        "country_id": lambda _e, _v: 233,
        "tax_group_id": lambda _e, _v: 1,
        "sequence": lambda _e, _v: 1,
        "amount": lambda _e, _v: 0.0,
        "price_include_override": lambda _e, _v: False,
        "tax_exigibility": lambda _e, _v: "on_invoice",
    })
    spec.computes["price_include"] = lambda _e, r: r.get("price_include_override") == "tax_included"
    spec.before_create.append(_unique_name)
    spec.methods["compute_all"] = Method(
        _compute_all, params=("price_unit", "currency", "quantity", "product", "partner",
                              "is_refund", "handle_price_include", "include_caba_tags",
                              "rounding_method"), required=1,
    )
    db.spec("account.tax.group").defaults["company_id"] = lambda _e, _v: 1


def _unique_name(env: Env, row: Row) -> None:
    for tax in env.db.table("account.tax").values():
        if (tax.get("name"), tax.get("type_tax_use"), tax.get("company_id"),
                tax.get("country_id")) == (row.get("name"), row.get("type_tax_use"),
                                           row.get("company_id"), row.get("country_id")):
            company = env.db.get("res.company", row.get("company_id") or 1).get("name")
            raise errors.validation_error(
                f"Tax names must be unique!\n- {row.get('name')} in {company}"
            )


def compute(env: Env, tax_ids: list[int], price_unit: float, quantity: float) -> dict[str, Any]:
    taxes = [env.db.get("account.tax", t) for t in tax_ids if t in env.db.table("account.tax")]
    gross = price_unit * quantity
    included = [t for t in taxes if t.get("price_include_override") == "tax_included"]
    rate_in = sum(float(t.get("amount") or 0.0) for t in included
                  if t.get("amount_type", "percent") == "percent") / 100.0
    fixed_in = sum(float(t.get("amount") or 0.0) * quantity for t in included
                   if t.get("amount_type") == "fixed")
    base = round_money((gross - fixed_in) / (1.0 + rate_in))
    details: list[dict[str, Any]] = []
    total_tax = 0.0
    for tax in taxes:
        amount = float(tax.get("amount") or 0.0)
        if tax.get("amount_type") == "fixed":
            value = round_money(amount * quantity)
        else:
            value = round_money(base * amount / 100.0)
        if tax in included and tax is included[-1]:
            value = round_money(gross - base - total_tax_included(details, included))
        details.append({"id": tax["id"], "name": tax.get("name"), "amount": value, "base": base,
                        "price_include": tax in included})
        total_tax += value
    return {"base": base, "tax": round_money(total_tax), "total": round_money(base + total_tax),
            "taxes": details}


def total_tax_included(details: list[dict[str, Any]], included: list[Row]) -> float:
    ids = {t["id"] for t in included}
    return float(sum(float(d["amount"]) for d in details if d["id"] in ids))


def line_amounts(env: Env, line: Row, tax_field: str, qty_field: str) -> dict[str, float]:
    price = float(line.get("price_unit") or 0.0) * (1.0 - float(line.get("discount") or 0.0) / 100)
    qty = float(line.get(qty_field) or 0.0)
    result = compute(env, list(line.get(tax_field) or []), price, qty)
    return {"subtotal": result["base"], "tax": result["tax"], "total": result["total"]}


def _compute_all(env: Env, ids: list[int], args: list[Any], kw: dict[str, Any]) -> Any:
    price = float(kw.get("price_unit") or 0.0)
    qty = float(kw.get("quantity") or 1.0)
    result = compute(env, ids, price, qty)
    taxes = [{
        "id": d["id"], "name": d["name"], "amount": d["amount"], "base": d["base"], "sequence": 1,
        "account_id": False, "analytic": False, "use_in_tax_closing": False,
        "is_reverse_charge": False, "price_include": d["price_include"],
        "tax_exigibility": "on_invoice", "tax_repartition_line_id": False,
        "group": "account.tax()", "tag_ids": [], "tax_ids": [],
    } for d in result["taxes"]]
    return {"base_tags": [], "taxes": taxes, "total_excluded": result["base"],
            "total_included": result["total"], "total_void": result["total"]}
