"""res.partner, countries, currencies, companies, users, ir.model / ir.model.fields."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..orm import Database, Env, Method, Row

COMMERCIAL_FIELDS = ("vat", "industry_id")


def register(db: Database) -> None:
    _partner(db)
    # res.partner.parent_id has no ondelete in Odoo 18: deleting a company keeps its contacts
    # and addresses as standalone partners
    db.on_delete("res.partner", "parent_id", "set null")
    db.on_delete("res.partner", "country_id", "restrict")
    db.on_delete("res.partner", "state_id", "restrict")
    db.on_delete("ir.model.fields", "model_id", "cascade")
    db.on_delete("ir.model.fields.selection", "field_id", "cascade")
    db.spec("res.country.state").display = lambda env, r: (
        f"{r.get('name')} ({env.db.get('res.country', r['country_id'])['code']})"
        if r.get("country_id") in env.db.table("res.country") else str(r.get("name"))
    )
    db.spec("res.country").order = "name"
    db.spec("res.country.state").order = "code"
    db.spec("res.users").display = lambda env, r: env.db.display_name(
        env, "res.partner", r.get("partner_id") or 0
    ) or str(r.get("login"))
    db.spec("res.users").before_create.append(_unique_login)
    db.spec("ir.model").rec_name = "name"
    db.spec("ir.model").o2m["field_id"] = "model_id"
    db.spec("ir.model.fields").display = lambda _env, r: (
        f"{r.get('field_description')} ({r.get('model')})"
    )
    db.spec("ir.model.fields.selection").rec_name = "name"
    db.spec("res.currency").rec_name = "name"
    db.spec("uom.uom").rec_name = "name"
    db.spec("stock.location").rec_name = "complete_name"
    db.spec("account.payment.method.line").display = lambda env, r: (
        f"{r.get('name')} ({env.db.get('account.journal', r['journal_id']).get('name')})"
        if r.get("journal_id") else str(r.get("name"))
    )
    db.spec("account.account").display = lambda _env, r: f"{r.get('code')} {r.get('name')}"


def _unique_login(env: Env, row: Row) -> None:
    if any(u.get("login") == row.get("login") for u in env.db.table("res.users").values()):
        raise errors.validation_error("You can not have two users with the same login!")


def _partner(db: Database) -> None:
    spec = db.spec("res.partner")
    spec.o2m["child_ids"] = "parent_id"
    spec.order = "complete_name, id desc"
    spec.display = _partner_display
    spec.defaults.update({
        "type": lambda _e, _v: "contact",
        "lang": lambda _e, _v: "en_US",
        "customer_rank": lambda _e, _v: 0,
        "supplier_rank": lambda _e, _v: 0,
        "is_company": lambda _e, _v: False,
    })
    spec.computes.update({
        "company_type": lambda _e, r: "company" if r.get("is_company") else "person",
        "commercial_partner_id": _commercial,
        "complete_name": lambda e, r: _partner_display(e, r),
        "display_name": lambda e, r: _partner_display(e, r),
    })
    spec.inverses["company_type"] = lambda env, rid, value: env.db.get("res.partner", rid).update(
        is_company=value == "company"
    )
    spec.before_create.append(_partner_check_name)
    spec.before_write.append(_partner_check_recursion)
    spec.after_write.append(_partner_sync_commercial)
    spec.before_unlink.append(_partner_unlink_orders)
    spec.methods["address_get"] = Method(_address_get, params=("adr_pref",))


ADDRESS_LABELS = {"invoice": "Invoice Address", "delivery": "Delivery Address",
                  "other": "Other Address"}


def _partner_display(env: Env, row: Row) -> str:
    name = row.get("name") or ""
    parent = row.get("parent_id")
    if not name and parent:
        name = ADDRESS_LABELS.get(str(row.get("type")), "")
    if parent and parent in env.db.table("res.partner") and not row.get("is_company"):
        parent_name = env.db.get("res.partner", parent).get("name") or ""
        if name:
            return f"{parent_name}, {name}"
        return str(parent_name)
    return str(name)


def _commercial(env: Env, row: Row) -> int:
    current = row
    table = env.db.table("res.partner")
    while not current.get("is_company") and current.get("parent_id") in table:
        current = table[current["parent_id"]]
    return int(current["id"])


def _partner_check_name(_env: Env, row: Row) -> None:
    if not row.get("name") and row.get("type", "contact") == "contact":
        raise errors.validation_error("The operation cannot be completed: Contacts require a name")


def _partner_check_recursion(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
    parent = vals.get("parent_id")
    if not parent:
        return
    table = env.db.table("res.partner")
    for rid in ids:
        seen = parent
        while seen:
            if seen == rid:
                raise errors.validation_error("You cannot create recursive Partner hierarchies.")
            seen = table.get(seen, {}).get("parent_id")


def _partner_sync_commercial(env: Env, ids: list[int], vals: dict[str, Any]) -> None:
    synced = {k: vals[k] for k in COMMERCIAL_FIELDS if k in vals}
    if not synced:
        return
    for rid in ids:
        for child in env.db.where("res.partner", parent_id=rid):
            env.db.set(env, "res.partner", child["id"], dict(synced))


def _partner_unlink_orders(env: Env, ids: list[int]) -> None:
    """``sale`` deletes the draft/cancelled orders of a deleted partner; confirmed ones block it."""
    gone = set(ids)
    doomed: list[int] = []
    for order in env.db.table("sale.order").values():
        for fname in ("partner_id", "partner_invoice_id", "partner_shipping_id"):
            if order.get(fname) in gone:
                if order.get("state") in ("draft", "cancel", "sent"):
                    doomed.append(order["id"])
                    break
                raise errors.foreign_key(
                    "sale.order", "Sales Order", f"sale_order_{fname}_fkey"
                )
    if doomed:
        env.db.unlink(env, "sale.order", sorted(set(doomed)))


def _address_get(env: Env, ids: list[int], args: list[Any], _kw: dict[str, Any]) -> Any:
    prefs = list(args[0] if args and args[0] else ["contact"])
    if "contact" not in prefs:
        prefs.append("contact")
    result: dict[str, Any] = {}
    table = env.db.table("res.partner")
    for rid in ids[:1] or []:
        queue = [rid]
        visited: set[int] = set()
        while queue:
            pid = queue.pop(0)
            if pid in visited or pid not in table:
                continue
            visited.add(pid)
            row = table[pid]
            ptype = row.get("type") or "contact"
            if ptype in prefs and ptype not in result and row.get("active", True):
                result[ptype] = pid
            kids = [c["id"] for c in env.db.where("res.partner", parent_id=pid)
                    if c.get("active", True) and not c.get("is_company")]
            queue.extend(sorted(kids))
        default = result.get("contact", rid)
        for pref in prefs:
            result.setdefault(pref, default)
    return result
