"""The fake Odoo's search as it was before its shortcuts: what each shortcut is compared with."""

from __future__ import annotations

from typing import Any

from magodoo.testing._odoo import access
from magodoo.testing._odoo.domain import compile_domain, mentions
from magodoo.testing._odoo.orm import Env


def whole_table(env: Env, model: str, domain: list[Any], offset: int, limit: int | None,
                order: str | None) -> list[int]:
    """The search as it was: every row tested, all sorted, then sliced."""
    db = env.db
    pred = compile_domain(env, model, domain)
    check_active = ("active" in db.fields(model) and env.context.get("active_test", True)
                    and not mentions(domain, "active"))
    rows = [r for r in db.table(model).values()
            if (not check_active or r.get("active", True)) and pred(r)]
    rows = access.visible(env, model, db.order(env, model, rows, order))
    return [r["id"] for r in rows[offset:None if not limit else offset + limit]]
