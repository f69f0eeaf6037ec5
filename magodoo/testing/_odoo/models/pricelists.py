"""Pricelists and the sale order's pricelist and currency (Odoo 18's source: ``product``'s
``product.pricelist``, ``sale``'s ``sale.order._compute_pricelist_id`` /
``_compute_currency_id``).

* ``product.pricelist`` sorts ``sequence, id``; its display name carries its currency
  (``Benelux (USD)``, as the recorded workflow 03 reads it).
* A ``sale.order`` created without ``pricelist_id`` gets its partner's pricelist: the partner's
  own ``property_product_pricelist``, else the first active pricelist of the order's company (or
  of no company) by ``sequence, id``. The real fallback also prefers pricelists whose country
  groups hold the partner's country; the fake has no ``res.country.group`` and skips that step
  (a US partner gets what the real server gave it: the demo's ``Benelux``).
* ``currency_id`` follows the pricelist (its currency, else the company's) on create and when
  ``pricelist_id`` is written.
"""

from __future__ import annotations

from typing import Any

from ..orm import Database, Env, Row

COMPANY_CURRENCY = 1


def register(db: Database) -> None:
    pricelist = db.spec("product.pricelist")
    pricelist.order = "sequence, id"
    pricelist.display = _display_name
    order = db.spec("sale.order")
    order.before_create.append(_order_pricelist)
    order.after_write.append(_order_currency_on_write)


def _m2o(value: Any) -> int | None:
    if isinstance(value, list | tuple):
        return int(value[0]) if value else None
    return int(value) if value else None


def _display_name(env: Env, row: Row) -> str:
    currency = env.db.table("res.currency").get(_m2o(row.get("currency_id")) or 0) or {}
    return f"{row.get('name')} ({currency.get('name', '')})"


def _company_currency(env: Env, company: int | None) -> int:
    row = env.db.table("res.company").get(company or 1) or {}
    return _m2o(row.get("currency_id")) or COMPANY_CURRENCY


def default_pricelist(env: Env, partner: int | None, company: int | None) -> int | None:
    """The partner's pricelist (its own, else the company's first active one)."""
    if partner:
        own = _m2o((env.db.table("res.partner").get(partner) or {}).get(
            "property_product_pricelist"))
        if own:
            return own
    rows = [r for r in env.db.table("product.pricelist").values()
            if r.get("active", True) and _m2o(r.get("company_id")) in (None, company or 1)]
    rows.sort(key=lambda r: (int(r.get("sequence") or 0), int(r["id"])))
    return int(rows[0]["id"]) if rows else None


def _currency_of(env: Env, pricelist: int | None, company: int | None) -> int:
    row = env.db.table("product.pricelist").get(pricelist or 0)
    if row is not None and _m2o(row.get("currency_id")):
        return int(_m2o(row.get("currency_id")) or 0)
    return _company_currency(env, company)


def _order_pricelist(env: Env, row: Row) -> None:
    company = _m2o(row.get("company_id"))
    if not row.get("pricelist_id"):
        row["pricelist_id"] = default_pricelist(env, _m2o(row.get("partner_id")), company)
    row["currency_id"] = _currency_of(env, _m2o(row.get("pricelist_id")), company)


def _order_currency_on_write(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
    if "pricelist_id" not in vals:
        return
    table = env.db.table("sale.order")
    for rid in ids:
        row = table[rid]
        row["currency_id"] = _currency_of(env, _m2o(row.get("pricelist_id")),
                                          _m2o(row.get("company_id")))
