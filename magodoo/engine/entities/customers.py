"""Customers with all their addresses, Magento -> Odoo (``res.partner`` + child contacts).

* fetch: ``GET /V1/customers/search`` with ``updated_at gteq <since>``, keyset-paged on
  ``entity_id`` (pages never shift when records change during the sync);
* dependencies: country and state ids resolved by code, one ``search_read`` per page for
  the codes not seen before (cached);
* find: binding, then e-mail (``=ilike``, top-level partners only, lowest id);
* create: one ``res.partner.create`` per page with the addresses as ``(0, 0, vals)``
  commands; update: one ``write`` per partner, addresses matched by their ``ref``, removed
  ones archived (never deleted: deleting an address deletes the draft orders using it);
* after bind: each Magento address is bound to its child contact (entity
  ``customer_addresses``) for the order sync to come.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from magodoo._converter import format_datetime, parse_datetime
from magodoo.backends.models import Binding, Direction
from magodoo.engine.capture import collect
from magodoo.engine.handler import Context, Handler, Plan, Unreadable, Written
from magodoo.exceptions import (
    BindingConflictError,
    MagodooError,
    RemoteError,
    ValidationError,
)
from magodoo.magento.models_common import Page, PartialPageError
from magodoo.magento.models_customers import Customer
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.partners import (
    PartnerContext,
    PartnerValues,
    codes_needed,
    customer_to_partner,
)

__all__ = ["ADDRESS_ENTITY", "WRITE_CONTEXT", "CustomerImporter"]

log = logging.getLogger("magodoo.engine")

ADDRESS_ENTITY = "customer_addresses"
PARTNER = "res.partner"
WRITE_CONTEXT: Mapping[str, Any] = {"magodoo_sync": True}
"""Context of every Odoo write the engine makes, so Odoo-side automations can tell."""

CustomerPlan = Plan[Customer, PartnerValues]


async def _search_around(
    ctx: Context, criteria: SearchCriteria, unreadable: list[Unreadable]
) -> tuple[Page[Customer], int]:
    """One page of customers and how many records it held: a customer that cannot be read
    (``PartialPageError``) goes to ``unreadable`` and fails alone, the others come back."""
    try:
        page = await ctx.magento.search_customers(criteria)
    except PartialPageError as exc:
        for failure in exc.failures:
            rid = failure.record
            if isinstance(rid, bool) or not isinstance(rid, int | str) or not str(rid).isdigit():
                raise  # a record we cannot even name: nothing to queue it by
            unreadable.append(Unreadable(str(rid), failure))
        return exc.page, len(exc.page.items) + len(exc.failures)
    return page, len(page.items)


class CustomerImporter(Handler[Customer, PartnerValues]):
    """Magento customers -> Odoo partners."""

    entity: ClassVar[str] = "customers"
    direction: ClassVar[Direction] = Direction.MAGENTO_TO_ODOO
    odoo_model: ClassVar[str] = "res.partner"

    def __init__(self) -> None:
        self._countries: dict[str, int] = {}
        self._states: dict[tuple[str, str], int] = {}
        self._looked_up: set[str] = set()
        self._looked_up_states: set[tuple[str, str]] = set()

    # ---- fetch ------------------------------------------------------------------------------

    def source_id(self, record: Customer) -> str:
        return str(record.id)

    def source_stamp(self, record: Customer) -> datetime | None:
        return record.updated_at

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Customer]]:
        size = ctx.settings.batch_size
        last_id = 0
        unreadable: list[Unreadable] = []
        while True:
            criteria = SearchCriteria()
            if since is not None:
                criteria = criteria.where("updated_at", format_datetime(since), "gteq")
            if last_id:
                criteria = criteria.where("entity_id", last_id, "gt")
            criteria = criteria.order_by("entity_id", "ASC").page(size, 1)
            page, held = await _search_around(ctx, criteria, unreadable)
            items = [c for c in page.items if c.id is not None]
            ids = [c.id for c in items if c.id is not None]
            ids += [int(u.source_id) for u in unreadable]
            if items or unreadable:
                yield [*unreadable, *items]  # type: ignore[list-item]
                unreadable = []
            if held < size or not ids:
                return
            last_id = max(ids)

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Customer]:
        ids = [int(k) for k in keys]
        criteria = SearchCriteria().where("entity_id", ids, "in").page(max(1, len(ids)), 1)
        unreadable: list[Unreadable] = []
        page, _ = await _search_around(ctx, criteria, unreadable)
        return [*unreadable, *(c for c in page.items if c.id is not None)]  # type: ignore[list-item]

    # ---- dependencies, map ----------------------------------------------------------------

    async def prepare(self, ctx: Context, records: list[Customer]) -> PartnerContext:
        countries, states = codes_needed(records)
        new_countries = sorted(countries - self._looked_up)
        if new_countries:
            rows = await ctx.odoo.search_read_page(
                "res.country", [("code", "in", new_countries)], ["id", "code"])
            for row in rows:
                if row.get("code"):
                    self._countries[str(row["code"]).upper()] = int(row["id"])
            self._looked_up.update(new_countries)
        new_states = sorted(s for s in states - self._looked_up_states
                            if s[0] in self._countries)
        if new_states:
            by_id = {self._countries[c]: c for c, _ in new_states}
            rows = await ctx.odoo.search_read_page(
                "res.country.state",
                [("country_id", "in", sorted(by_id)),
                 ("code", "in", sorted({s for _, s in new_states}))],
                ["id", "code", "country_id"],
            )
            for row in rows:
                country = row.get("country_id")
                cid = country[0] if isinstance(country, list | tuple) else country
                if cid in by_id and row.get("code"):
                    self._states[(by_id[cid], str(row["code"]).upper())] = int(row["id"])
            self._looked_up_states.update(new_states)
        defaults = ctx.settings.defaults
        return PartnerContext(
            countries=dict(self._countries), states=dict(self._states),
            partner_ref_prefix=defaults.partner_ref_prefix,
            address_ref_prefix=defaults.address_ref_prefix,
        )

    def map(self, record: Customer, mctx: Any) -> PartnerValues:
        assert isinstance(mctx, PartnerContext)
        return customer_to_partner(record, mctx)

    def hashable(self, mapped: PartnerValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: PartnerValues) -> str | None:
        return mapped.email

    # ---- find -------------------------------------------------------------------------------

    async def find_by_key(self, ctx: Context, plans: list[CustomerPlan]) -> dict[str, str]:
        emails = sorted({p.value.email for p in plans})
        if not emails:
            return {}
        domain: list[Any] = ["|"] * (len(emails) - 1)
        domain += [("email", "=ilike", email) for email in emails]
        # Only top-level contacts: an address of a deleted partner survives as a top-level
        # partner with the same e-mail (type invoice/delivery/other) and must not be taken.
        domain = [("parent_id", "=", False), ("type", "=", "contact"), *domain]
        rows = await ctx.odoo.search_read_page(PARTNER, domain, ["id", "email"], order="id")
        first: dict[str, int] = {}
        for row in rows:
            email = str(row.get("email") or "").strip().lower()
            if email and email not in first:
                first[email] = int(row["id"])
        return {p.source_id: str(first[p.value.email]) for p in plans if p.value.email in first}

    # ---- write ------------------------------------------------------------------------------

    async def _stamps(self, ctx: Context, ids: list[int]) -> dict[int, datetime | None]:
        if not ids:
            return {}
        rows = await ctx.odoo.read(PARTNER, ids, ["write_date"])
        return {int(r["id"]): parse_datetime(r["write_date"]) if r.get("write_date") else None
                for r in rows}

    async def create(
        self, ctx: Context, plans: list[CustomerPlan]
    ) -> Mapping[str, Written | BaseException]:
        values = [p.value.create_values() for p in plans]
        try:
            ids = await ctx.odoo.create(PARTNER, values, context=WRITE_CONTEXT)
        except ValidationError:
            if len(plans) == 1:
                raise
            return await self._create_one_by_one(ctx, plans)
        if len(ids) != len(plans):
            raise RemoteError("create returned a different number of ids", method="POST",
                              url="res.partner.create", status=200, body=ids)
        stamps = await self._stamps(ctx, ids)
        for p, new_id in zip(plans, ids, strict=True):
            p.response = {"id": new_id}
        return {p.source_id: Written(str(i), stamps.get(i)) for p, i in zip(plans, ids,
                                                                             strict=True)}

    async def _create_one_by_one(
        self, ctx: Context, plans: list[CustomerPlan]
    ) -> dict[str, Written | BaseException]:
        """The page was refused as a whole (one create is one transaction): find the culprit
        by creating each partner alone, so the others still go through."""
        results: dict[str, Written | BaseException] = {}
        for p in plans:
            try:
                one = await self.create(ctx, [p])
            except MagodooError as exc:  # OutcomeUnknownError included: the engine looks it up
                results[p.source_id] = exc
            else:
                results.update(one)
        return results

    async def _children(self, ctx: Context, parent_ids: list[int]) -> dict[int, dict[str, int]]:
        """Active child contacts carrying an address ref: parent id -> {ref: child id}."""
        return (await self._children_and_twins(ctx, parent_ids))[0]

    async def _children_and_twins(
        self, ctx: Context, parent_ids: list[int]
    ) -> tuple[dict[int, dict[str, int]], dict[int, list[int]]]:
        """As :meth:`_children`, and per parent the later children repeating a ref (a
        retried create command made them): those are archived by the next update."""
        prefix = ctx.settings.defaults.address_ref_prefix
        rows = await ctx.odoo.search_read_page(
            PARTNER, [("parent_id", "in", parent_ids)], ["id", "parent_id", "ref"], order="id")
        out: dict[int, dict[str, int]] = {pid: {} for pid in parent_ids}
        twins: dict[int, list[int]] = {pid: [] for pid in parent_ids}
        for row in rows:
            ref = row.get("ref") or ""
            parent = row.get("parent_id")
            pid = parent[0] if isinstance(parent, list | tuple) else parent
            if isinstance(ref, str) and ref.startswith(prefix) and pid in out:
                if ref in out[pid]:
                    twins[pid].append(int(row["id"]))
                else:
                    out[pid][ref] = int(row["id"])
        return out, twins

    async def update(
        self, ctx: Context, plans: list[CustomerPlan]
    ) -> Mapping[str, Written | BaseException]:
        pids = [int(p.target_id or 0) for p in plans]
        children, twins = await self._children_and_twins(ctx, pids)
        limit = asyncio.Semaphore(ctx.settings.odoo.concurrency)

        async def one(p: CustomerPlan, pid: int) -> None:
            existing = children.get(pid, {})
            keep = {a.ref for a in p.value.addresses}
            stale = [cid for ref, cid in existing.items() if ref not in keep]
            stale += twins.get(pid, [])  # duplicates of one address: the first one stays
            vals = p.value.write_values(existing, stale)
            with collect() as exchanges:
                try:
                    async with limit:
                        await ctx.odoo.write(PARTNER, [pid], vals, context=WRITE_CONTEXT)
                finally:
                    p.exchanges.extend(exchanges)

        outcomes = await asyncio.gather(*(one(p, pid) for p, pid in zip(plans, pids,
                                                                         strict=True)),
                                        return_exceptions=True)
        done = [pid for pid, o in zip(pids, outcomes, strict=True) if o is None]
        stamps = await self._stamps(ctx, done)
        results: dict[str, Written | BaseException] = {}
        for p, pid, outcome in zip(plans, pids, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                if not isinstance(outcome, Exception):
                    raise outcome
                results[p.source_id] = outcome
            else:
                p.response = {"id": pid}
                results[p.source_id] = Written(str(pid), stamps.get(pid))
        return results

    async def discard(self, ctx: Context, target_id: str) -> None:
        """Archive a duplicate partner created by a lost race, with its addresses (never
        deleted)."""
        pid = int(target_id)
        kids = await self._children(ctx, [pid])
        ids = [pid, *sorted(kids.get(pid, {}).values())]
        await ctx.odoo.write(PARTNER, ids, {"active": False}, context=WRITE_CONTEXT)

    async def missing_children(
        self, ctx: Context, plans: list[CustomerPlan]
    ) -> list[CustomerPlan]:
        """Customers some of whose addresses have no binding (one store query)."""
        wanted = {p.source_id: [str(a.address_id) for a in p.value.addresses] for p in plans
                  if p.mapped is not None}
        ids = [i for group in wanted.values() for i in group]
        if not ids:
            return []
        bound = await ctx.stores.bindings.get_many_by_magento(ctx.backend, ADDRESS_ENTITY, ids)
        return [p for p in plans if any(i not in bound for i in wanted.get(p.source_id, []))]

    async def after_bind(self, ctx: Context, plans: list[CustomerPlan]) -> None:
        pids = [int(p.target_id) for p in plans if p.target_id is not None]
        children = await self._children(ctx, pids)
        prefix = ctx.settings.defaults.address_ref_prefix
        rows: list[Binding] = []
        for p in plans:
            if p.target_id is None:
                continue
            for ref, child_id in children.get(int(p.target_id), {}).items():
                rows.append(Binding(
                    backend=ctx.backend, entity=ADDRESS_ENTITY,
                    magento_id=ref[len(prefix):], odoo_id=child_id, magento_key=ref,
                ))
        if not rows:
            return
        try:
            await ctx.stores.bindings.bind_many(rows)
        except BindingConflictError:
            for row in rows:
                await self._rebind(ctx, row)

    async def _rebind(self, ctx: Context, row: Binding) -> None:
        """Bind one address to the child contact that carries its ref under the customer's
        partner. A binding left on another contact (the orphan of a partner deleted by hand,
        recreated by ``--force``) is moved here: the contact found by ref wins."""
        store = ctx.stores.bindings
        try:
            await store.bind(row)
            return
        except BindingConflictError:
            pass
        try:
            old = await store.get_by_magento(row.backend, row.entity, row.magento_id)
            if old is not None and old.odoo_id != row.odoo_id:
                await store.unbind(row.backend, row.entity, magento_id=old.magento_id)
                log.info("address binding moved from Odoo id %s to %s", old.odoo_id,
                         row.odoo_id, extra={"entity": ADDRESS_ENTITY,
                                             "source_id": row.magento_id})
            other = await store.get_by_odoo(row.backend, row.entity, row.odoo_id)
            if other is not None and other.magento_id != row.magento_id:
                await store.unbind(row.backend, row.entity, odoo_id=row.odoo_id)
            await store.bind(row)
        except (BindingConflictError, MagodooError) as exc:
            log.warning("address binding skipped: %s", exc,
                        extra={"entity": ADDRESS_ENTITY, "source_id": row.magento_id})
