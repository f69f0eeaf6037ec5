"""Magento invoices against the posted, paid Odoo customer invoices (``out_invoice``) the sync
made of them (Magento is the source of truth): amounts to the currency's rounding, state,
and whose order the invoice is (``invoice_origin``: the bound Odoo order's name). See
:mod:`magodoo.reconcile._moves`. Active once the engine has an ``invoices`` handler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magodoo.reconcile._moves import MoveRules, moves_reconciler

__all__ = ["ENTITY", "RECONCILER"]

ENTITY = "invoices"


def _owner(mapped: Any) -> Mapping[str, Any]:
    return {"invoice_origin": mapped.values.get("invoice_origin")}


RECONCILER = moves_reconciler(MoveRules(
    entity=ENTITY, label="invoice", move_type="out_invoice", paid_label="paid",
    paid_states=frozenset({"paid", "in_payment"}), owner=_owner))
