"""Magento credit memos against the posted Odoo credit notes (``out_refund``) the sync made of
them (Magento is the source of truth): amounts to the currency's rounding, state, and which
invoice the note reverses (``reversed_entry_id``: the Odoo invoice of the memo's invoice, or
for an offline refund of the order's first invoice). See :mod:`magodoo.reconcile._moves`.
Active once the engine has a ``credit_memos`` handler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magodoo.reconcile._moves import MoveRules, moves_reconciler

__all__ = ["ENTITY", "RECONCILER"]

ENTITY = "credit_memos"


def _owner(mapped: Any) -> Mapping[str, Any]:
    return {"reversed_entry_id": mapped.reverse_move_id}


RECONCILER = moves_reconciler(MoveRules(
    entity=ENTITY, label="credit memo", move_type="out_refund", paid_label="refunded",
    paid_states=frozenset({"paid", "in_payment", "reversed"}), owner=_owner))
