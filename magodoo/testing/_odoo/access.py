"""Portal users: the access rights and record rules the reference recorded for them.

Only what the samples show is modelled: a portal user may read most records, sees only its own
sale orders and invoices (searches filter silently, reads of others' records fail), may not touch
accounting accounts, and may not write contacts. Everything else a portal user writes is refused
with the ACL message (group list unknown, so none is given).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from .schema import DESCRIPTIONS

if TYPE_CHECKING:
    from .orm import Env

Row = dict[str, Any]

_TAIL = "\n\nContact your administrator to request access if necessary."
ACL_GROUPS = {
    ("account.account", "read"): [
        "Extra Rights/Contact Creation", "Inventory/Administrator", "Invoicing/Administrator",
        "Invoicing/Invoicing", "Sales/User: Own Documents Only",
        "Technical/Show Accounting Features - Readonly", "User types/Internal User",
    ],
    ("res.partner", "write"): [
        "Extra Rights/Contact Creation", "Inventory/Administrator", "Sales/Administrator",
    ],
}
NO_READ = {"account.account", "account.journal", "account.payment", "account.payment.register",
           "account.move.reversal", "sale.advance.payment.inv", "base.automation",
           "ir.actions.server", "ir.model.fields", "stock.quant", "stock.picking", "stock.move"}
OWN_RECORDS = {"sale.order": "partner_id", "account.move": "partner_id"}
READ_METHODS = {"read", "search", "search_read", "search_count", "read_group", "name_search",
                "fields_get", "default_get", "exists", "get_metadata"}
VERBS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}


def is_portal(env: Env) -> bool:
    user = env.db.table("res.users").get(env.uid)
    return bool(user and user.get("share"))


def _acl(model: str, operation: str) -> errors.OdooError:
    desc = DESCRIPTIONS.get(model, model)
    text = f"You are not allowed to {VERBS[operation]} '{desc}' ({model}) records."
    groups = ACL_GROUPS.get((model, operation))
    if groups:
        text += "\n\nThis operation is allowed for the following groups:\n" + "\n".join(
            f"\t- {g}" for g in groups)
    return errors.access_error(text + _TAIL)


def own(env: Env, model: str, row: Row) -> bool:
    user = env.db.get("res.users", env.uid)
    partner = user.get("partner_id")
    commercial = env.db.raw_value(env, "res.partner", env.db.get("res.partner", partner),
                                  "commercial_partner_id") if partner else None
    target = row.get(OWN_RECORDS[model])
    family = env.db.hierarchy("res.partner", {commercial}, down=True) if commercial else set()
    return target in family


def check(env: Env, model: str, method: str, ids: list[int]) -> None:
    """Raise what the real server raises for a portal user calling ``model.method``."""
    operation = "read" if method in READ_METHODS else (
        method if method in ("create", "write", "unlink") else "write")
    if model in NO_READ or (model, operation) in ACL_GROUPS or operation != "read":
        raise _acl(model, operation)
    if model in OWN_RECORDS and method in ("read",):
        table = env.db.table(model)
        if any(i in table and not own(env, model, table[i]) for i in ids):
            user = env.db.get("res.users", env.uid)
            name = env.db.display_name(env, "res.partner", user["partner_id"])
            raise errors.access_error(
                "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
                f"Sorry, {name} (id={env.uid}) doesn't have 'read' access to:\n"
                f"- {DESCRIPTIONS.get(model, model)} ({model})\n\n"
                "If you really, really need access, perhaps you can win over your friendly "
                "administrator with a batch of freshly baked cookies."
            )


def visible(env: Env, model: str, rows: list[Row]) -> list[Row]:
    """Record rules filter searches silently."""
    if model not in OWN_RECORDS or not is_portal(env):
        return rows
    return [r for r in rows if own(env, model, r)]

