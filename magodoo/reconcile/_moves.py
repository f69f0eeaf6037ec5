"""What the invoice and credit-memo reconcilers share: Magento sales documents against the Odoo
``account.move`` records the sync made of them (Magento is the source of truth).

Everything goes through the sync's own handler, found in the engine's registry: its pages of
Magento documents (keyset-paged on ``entity_id``), its ``prepare`` and mapper (the Odoo order
of each document, the invoice a memo reverses) and its natural-key lookup. Per page: one
bindings query, one ``read`` of the bound moves, the handler's one lookup for the unbound
ones, one ``read`` of a currency not seen yet. A pass over the bindings finds the moves
whose Magento document is gone, and a last one (keyset-paged over the family's moves) the
moves made in Odoo for a Magento order that no Magento document is bound to.

Per pair:

* ``broken_binding`` (field ``binding``): the bound move is gone, is not of the family's
  ``move_type``, or belongs to another order (``invoice_origin``) or reverses another invoice
  (credit notes: ``reversed_entry_id``) than the mapper says;
* ``field_mismatch`` ``amount_total``, ``amount_tax``, ``amount_untaxed``: Magento's
  ``grand_total``, ``tax_amount`` and ``grand_total - tax_amount`` to the rounding of the
  move's currency (``res.currency.rounding``, half up);
* ``field_mismatch`` ``state``: Magento's state (``paid``/``refunded``, ``open``,
  ``canceled``) against Odoo's ``state/payment_state`` (paid: ``paid`` or ``in_payment``,
  credit notes also ``reversed``; canceled: ``cancel``).

A repair by sync (the binding's hash forgotten, the handler's ``update``) posts a draft and
pays what Magento says is paid; it never rewrites a posted move's amounts, cancels or unpays:
those differences are left to be done by hand (:func:`by_hand`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from magodoo.backends import Direction
from magodoo.engine.handler import Plan
from magodoo.exceptions import MagodooError, MappingError
from magodoo.odoo.paging import keyset_pages
from magodoo.reconcile._difference import Difference, same
from magodoo.reconcile._generic import _gone
from magodoo.reconcile._paired import CENT, handler_context, money
from magodoo.reconcile._registry import Reconciler, Scope, Tally

__all__ = ["AMOUNTS", "MoveRules", "moves_reconciler", "rounded"]

M2O = Direction.MAGENTO_TO_ODOO
ACCOUNT_MOVE = "account.move"
FIELDS = ["id", "move_type", "state", "payment_state", "currency_id", "ref", "invoice_origin",
          "reversed_entry_id", "amount_untaxed", "amount_tax", "amount_total"]
AMOUNTS = ("amount_total", "amount_tax", "amount_untaxed")
DEPENDENCIES = ("order_id", "invoice_id")
"""Fields a refusal names when the document's order (or invoice) is not in Odoo yet: the sync
brings those first, so the document is simply missing in Odoo."""


@attrs.frozen
class MoveRules:
    """One family: its entity, the Odoo ``move_type``, what Magento calls its paid state, the
    Odoo payment states that count as paid, and the fields that say whose the move is."""

    entity: str
    label: str
    move_type: str
    paid_label: str
    paid_states: frozenset[str]
    owner: Callable[[Any], Mapping[str, Any]]
    """The mapped value -> the move's fields that name its order (or reversed invoice)."""


def _m2o(value: Any) -> int | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def magento_state(rules: MoveRules, state: int | None) -> str:
    """Magento's state as a word: 1 ``open``, 2 (or none) paid, 3 ``canceled``."""
    return {1: "open", 3: "canceled"}.get(state or 2, rules.paid_label)


def odoo_state(row: Mapping[str, Any]) -> str:
    return f"{row.get('state') or ''}/{row.get('payment_state') or 'not_paid'}"


def _state_agrees(rules: MoveRules, want: str, row: Mapping[str, Any]) -> bool:
    state, paid = row.get("state"), row.get("payment_state") in rules.paid_states
    if want == "canceled":
        return bool(state == "cancel")
    return state == "posted" and paid is (want == rules.paid_label)


async def _steps(scope: Scope, rows: Sequence[Mapping[str, Any]],
                 known: dict[int, Decimal]) -> None:
    """The rounding of the currencies not seen yet (one ``read``)."""
    wanted = sorted({c for r in rows if (c := _m2o(r.get("currency_id"))) is not None}
                    - set(known))
    if not wanted:
        return
    for row in await scope.odoo.read("res.currency", wanted, ["id", "rounding"]):
        rounding = row.get("rounding")
        known[int(row["id"])] = (Decimal(str(rounding)) if isinstance(rounding, int | float)
                                 and rounding > 0 else CENT)


def rounded(value: Any, step: Decimal) -> Decimal | None:
    """An amount as the currency rounds it (Odoo's ``float_round`` with the currency's
    ``rounding``, half up): to the cent for 0.01, to the unit for 1, to 0.05 for 0.05."""
    if step == CENT:
        return money(value)
    cents = money(value, Decimal("0.000001"))
    if cents is None:
        return None
    return (cents / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _amounts(rules: MoveRules, record: Any, mid: str, oid: int, row: Mapping[str, Any],
             step: Decimal) -> list[Difference]:
    total, tax = float(record.grand_total or 0.0), float(record.tax_amount or 0.0)
    want = {"amount_total": total, "amount_tax": tax, "amount_untaxed": total - tax}
    out = []
    for field in AMOUNTS:
        expected = rounded(want[field], step)
        if expected != rounded(row.get(field) or 0.0, step):
            out.append(Difference(rules.entity, "field_mismatch", mid, oid, field,
                                  float(expected or 0), row.get(field)))
    return out


def _pair(rules: MoveRules, record: Any, mapped: Any, mid: str, oid: int,
          row: Mapping[str, Any] | None, step: Decimal) -> list[Difference]:
    name = f"{rules.label} {record.increment_id or mid}"
    if row is None:
        return [Difference(rules.entity, "broken_binding", mid, oid, "binding", name,
                           f"{ACCOUNT_MOVE} {oid} is gone")]
    if row.get("move_type") != rules.move_type:
        return [Difference(rules.entity, "broken_binding", mid, oid, "binding", name,
                           f"{ACCOUNT_MOVE} {oid} is an {row.get('move_type')}, not an "
                           f"{rules.move_type}")]
    if mapped is not None:
        for field, expected in rules.owner(mapped).items():
            if not same(expected, row.get(field)):
                got = row.get(field)
                shown = got[1] if isinstance(got, list | tuple) and len(got) > 1 else got
                return [Difference(rules.entity, "broken_binding", mid, oid, "binding",
                                   f"{name}: {field} {expected}",
                                   f"{ACCOUNT_MOVE} {oid}: {field} {shown}")]
    out = _amounts(rules, record, mid, oid, row, step)
    want = magento_state(rules, record.state)
    if not _state_agrees(rules, want, row):
        out.append(Difference(rules.entity, "field_mismatch", mid, oid, "state", want,
                              odoo_state(row)))
    return out


def _missing(rules: MoveRules, record: Any, mid: str,
             error: MappingError | None) -> Difference:
    if error is not None and error.field not in DEPENDENCIES:
        return Difference(rules.entity, "missing_in_odoo", mid, None, error.field,
                          f"not mappable: {error}", None)
    return Difference(rules.entity, "missing_in_odoo", mid, None, "increment_id",
                      record.increment_id, None)


async def _only_in_odoo(scope: Scope, rules: MoveRules,
                        matched: set[int]) -> AsyncIterator[Difference]:
    """Moves of the family bound to no Magento document whose ``invoice_origin`` is an Odoo
    order bound to a Magento order (made in Odoo by hand for a Magento order): only in Odoo.
    Keyset-paged over the family's moves; per page one bindings query, one ``search_read``
    of the orders named and one bindings query of those."""
    bindings = scope.stores.bindings
    async for rows in keyset_pages(scope.odoo, ACCOUNT_MOVE,
                                   [("move_type", "=", rules.move_type)],
                                   ["id", "invoice_origin", "state"],
                                   page_size=scope.page_size, ahead=False):
        bound = await bindings.get_many_by_odoo(scope.backend, rules.entity,
                                                [int(r["id"]) for r in rows])
        loose = [r for r in rows if int(r["id"]) not in bound and int(r["id"]) not in matched
                 and r.get("state") != "cancel" and isinstance(r.get("invoice_origin"), str)]
        if loose:
            names = sorted({str(r["invoice_origin"]) for r in loose})
            orders = await scope.odoo.search_read_page("sale.order", [("name", "in", names)],
                                                       ["id", "name"], order="id")
            magento = await bindings.get_many_by_odoo(scope.backend, "orders",
                                                      [int(o["id"]) for o in orders])
            ours = {str(o["name"]) for o in orders if int(o["id"]) in magento}
            for r in loose:
                if r["invoice_origin"] in ours:
                    yield Difference(rules.entity, "missing_in_magento", None, int(r["id"]),
                                     "invoice_origin", None, r["invoice_origin"])


def moves_reconciler(rules: MoveRules) -> Reconciler:
    """The reconciler of one family of Magento documents synced to ``account.move``."""

    async def compare(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
        handler = scope.registry.get(rules.entity, M2O)
        ctx = handler_context(scope)
        steps: dict[int, Decimal] = {}
        matched: set[int] = set()  # moves found unbound: not "only in Odoo" as well
        async for records in handler.fetch(ctx, None):
            tally.compared += len(records)
            mctx = await handler.prepare(ctx, records)
            mapped: dict[str, Any] = {}
            refused: dict[str, MappingError] = {}
            for record in records:
                try:
                    mapped[handler.source_id(record)] = handler.map(record, mctx)
                except MappingError as exc:
                    refused[handler.source_id(record)] = exc
            sids = [handler.source_id(r) for r in records]
            bindings = await scope.stores.bindings.get_many_by_magento(
                scope.backend, rules.entity, sids)
            bound = {sid: b.odoo_id for sid, b in bindings.items()}
            rows = {int(r["id"]): r for r in await scope.odoo.read(
                ACCOUNT_MOVE, sorted(set(bound.values())), FIELDS)} if bound else {}
            await _steps(scope, list(rows.values()), steps)
            paired: dict[str, list[Difference]] = {}
            for record, sid in zip(records, sids, strict=True):
                if (oid := bound.get(sid)) is not None:
                    row = rows.get(oid)
                    step = steps.get(_m2o(row.get("currency_id")) or 0, CENT) if row else CENT
                    paired[sid] = _pair(rules, record, mapped.get(sid), sid, oid, row, step)
                    error = refused.get(sid)
                    if error is not None and error.field not in DEPENDENCIES:
                        paired[sid].append(Difference(rules.entity, "field_mismatch", sid, oid,
                                                      error.field, f"not mappable: {error}",
                                                      None))
            # the unbound, and the broken bindings (where is the document's own move?)
            plans: list[Plan[Any, Any]] = [
                Plan(record=r, source_id=sid, stamp=None, mapped=mapped[sid])
                for r, sid in zip(records, sids, strict=True)
                if sid in mapped and (sid not in bound or any(
                    d.kind == "broken_binding" for d in paired[sid]))]
            found: dict[str, str] = {}
            if plans:
                try:
                    found = dict(await handler.find_by_key(ctx, plans))
                except MagodooError:
                    found = {}
                matched |= {int(v) for v in found.values()}
            for record, sid in zip(records, sids, strict=True):
                match = found.get(sid)
                if sid in paired:
                    diffs = [attrs.evolve(d, odoo_value=f"{d.odoo_value}; its own is "
                                          f"{ACCOUNT_MOVE} {match}")
                             if d.kind == "broken_binding" and match is not None
                             and int(match) != d.odoo_id else d for d in paired[sid]]
                elif match is None:
                    diffs = [_missing(rules, record, sid, refused.get(sid))]
                else:
                    diffs = [Difference(rules.entity, "unbound", sid, int(match))]
                for diff in diffs:
                    tally.differ(sid)
                    yield diff
        async for diff in _gone(scope, handler, rules.entity):
            yield diff
        async for diff in _only_in_odoo(scope, rules, matched):
            yield diff

    def by_hand(d: Difference) -> str | None:
        if d.kind != "field_mismatch":
            return None
        if d.field in AMOUNTS:
            return (f"a posted {rules.label}'s amounts are never rewritten: correct it in "
                    f"Odoo by hand (reverse it and let the sync make it again) or in Magento")
        if d.field == "state":
            odoo = str(d.odoo_value or "")
            if d.magento_value == rules.paid_label and odoo.startswith(("draft/", "posted/")):
                return None  # the sync posts the draft and pays it
            return (f"Magento says {d.magento_value}, Odoo {odoo}: magodoo posts and pays, "
                    f"it never cancels or unpays a {rules.label}; do it by hand")
        return None

    return Reconciler(entity=rules.entity, direction=M2O, compare=compare,
                      fields=(*AMOUNTS, "state", "increment_id"), by_hand=by_hand)
