"""Magento customers against the Odoo partners the engine made of them.

Each Magento customer is mapped with the engine's own pure mapper
(:func:`magodoo.mapping.partners.customer_to_partner`) and the result is compared field by
field with the bound partner, plus the number of its active address contacts. Both sides are
read in pages: one Magento search page, then one bindings query, one ``read`` and one
children ``search_read`` for the page. A last pass over the bindings finds partners whose
Magento customer is gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

import attrs

from magodoo.backends import Binding, Direction, Stores
from magodoo.exceptions import ConfigurationError, MappingError
from magodoo.magento.models_customers import Customer
from magodoo.magento.search import SearchCriteria
from magodoo.mapping.partners import (
    PartnerContext,
    PartnerValues,
    codes_needed,
    customer_to_partner,
)
from magodoo.reconcile._difference import Difference, Kind, same
from magodoo.reconcile._ports import MagentoReader, OdooReader
from magodoo.reconcile._registry import Reconciler, Scope, Tally
from magodoo.settings import Defaults

__all__ = ["ADDRESS_ENTITY", "ENTITY", "RECONCILER", "compare_customers"]

ENTITY = "customers"
ADDRESS_ENTITY = "customer_addresses"
"""The bindings of each Magento address to its Odoo child contact (as the engine names them)."""
PARTNER = "res.partner"
MAX_PAGE = 300


def _check_page_size(page_size: int) -> None:
    if not 1 <= page_size <= MAX_PAGE:
        raise ConfigurationError(f"page_size must be between 1 and {MAX_PAGE}, not {page_size}")


class _Geo:
    """Country and state ids by code, looked up once per code (as the engine does)."""

    def __init__(self, odoo: OdooReader) -> None:
        self.odoo = odoo
        self.countries: dict[str, int] = {}
        self.states: dict[tuple[str, str], int] = {}
        self._asked: set[str] = set()
        self._asked_states: set[tuple[str, str]] = set()

    async def resolve(self, customers: Iterable[Customer]) -> None:
        countries, states = codes_needed(customers)
        new = sorted(countries - self._asked)
        if new:
            rows = await self.odoo.search_read_page(
                "res.country", [("code", "in", new)], ["id", "code"])
            for row in rows:
                if row.get("code"):
                    self.countries[str(row["code"]).upper()] = int(row["id"])
            self._asked.update(new)
        new_states = sorted(s for s in states - self._asked_states if s[0] in self.countries)
        if new_states:
            by_id = {self.countries[c]: c for c, _ in new_states}
            rows = await self.odoo.search_read_page(
                "res.country.state",
                [("country_id", "in", sorted(by_id)),
                 ("code", "in", sorted({s for _, s in new_states}))],
                ["id", "code", "country_id"],
            )
            for row in rows:
                country = row.get("country_id")
                cid = country[0] if isinstance(country, list | tuple) else country
                if cid in by_id and row.get("code"):
                    self.states[(by_id[cid], str(row["code"]).upper())] = int(row["id"])
            self._asked_states.update(new_states)


async def _magento_pages(magento: MagentoReader, size: int) -> AsyncIterator[list[Customer]]:
    """Every customer, keyset-paged on ``entity_id`` (pages never shift)."""
    last_id = 0
    while True:
        criteria = SearchCriteria()
        if last_id:
            criteria = criteria.where("entity_id", last_id, "gt")
        page = await magento.search_customers(
            criteria.order_by("entity_id", "ASC").page(size, 1))
        items = [c for c in page.items if c.id is not None and c.id > last_id]
        if items:
            yield items
        if len(page.items) < size or not items:
            return
        last_id = max(c.id for c in items if c.id is not None)


def _field_differences(
    cid: str, pid: int, mapped: PartnerValues, row: Mapping[str, Any], children: int
) -> Iterable[Difference]:
    for field, expected in mapped.values.items():
        actual = row.get(field)
        if not same(expected, actual, casefold=field == "email"):
            yield Difference(ENTITY, "field_mismatch", cid, pid, field, expected, actual)
    if row.get("active") is False:
        yield Difference(ENTITY, "field_mismatch", cid, pid, "active", True, False)
    if len(mapped.addresses) != children:
        yield Difference(ENTITY, "field_mismatch", cid, pid, "addresses",
                         len(mapped.addresses), children)


async def _children(odoo: OdooReader, parent_ids: list[int], prefix: str) -> dict[int, int]:
    """Active address contacts (carrying an address ref) per parent."""
    counts = dict.fromkeys(parent_ids, 0)
    if not parent_ids:
        return counts
    rows = await odoo.search_read_page(
        PARTNER, [("parent_id", "in", parent_ids)], ["id", "parent_id", "ref"])
    for row in rows:
        parent = row.get("parent_id")
        pid = parent[0] if isinstance(parent, list | tuple) else parent
        ref = row.get("ref")
        if isinstance(ref, str) and ref.startswith(prefix) and pid in counts:
            counts[pid] += 1
    return counts


async def _matches(
    odoo: OdooReader, unbound: Mapping[str, tuple[str, str | None]]
) -> dict[str, int]:
    """Top-level partners carrying the customer's ref or e-mail: customer id -> partner id."""
    if not unbound:
        return {}
    refs = sorted(ref for ref, _ in unbound.values())
    emails = sorted({email for _, email in unbound.values() if email})
    terms: list[Any] = [("ref", "in", refs), *(("email", "=ilike", e) for e in emails)]
    domain: list[Any] = [("parent_id", "=", False), *["|"] * (len(terms) - 1), *terms]
    rows = await odoo.search_read_page(PARTNER, domain, ["id", "ref", "email"], order="id")
    by_ref: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for row in rows:
        if isinstance(row.get("ref"), str):
            by_ref.setdefault(row["ref"], int(row["id"]))
        if isinstance(row.get("email"), str):
            by_email.setdefault(row["email"].strip().lower(), int(row["id"]))
    found: dict[str, int] = {}
    for cid, (ref, email) in unbound.items():
        pid = by_ref.get(ref) or (by_email.get(email) if email else None)
        if pid is not None:
            found[cid] = pid
    return found


async def _address_differences(
    customers: list[Customer], odoo: OdooReader, bound: Mapping[str, int],
    address_bindings: Mapping[str, Binding],
) -> AsyncIterator[Difference]:
    """Address bindings that do not point at a child contact of the customer's partner (a
    contact of another partner, an orphan, or a contact that is gone)."""
    contacts = sorted({b.odoo_id for b in address_bindings.values()})
    parents: dict[int, int | None] = {}
    if contacts:
        for row in await odoo.read(PARTNER, contacts, ["parent_id"]):
            parent = row.get("parent_id")
            parents[int(row["id"])] = (parent[0] if isinstance(parent, list | tuple)
                                       else parent or None)
    for customer in customers:
        cid = str(customer.id)
        pid = bound.get(cid)
        if pid is None:
            continue
        for index, address in enumerate(customer.addresses or ()):
            binding = address_bindings.get(str(address.id))
            if binding is None:
                continue
            if binding.odoo_id not in parents:
                actual: Any = f"contact {binding.odoo_id} is gone"
            elif parents[binding.odoo_id] != pid:
                parent = parents[binding.odoo_id]
                actual = (f"contact {binding.odoo_id} of partner {parent}" if parent
                          else f"contact {binding.odoo_id} without a parent")
            else:
                continue
            yield Difference(ENTITY, "field_mismatch", cid, pid,
                             f"addresses[{index}].binding", f"a contact of partner {pid}",
                             actual)


async def _page_differences(
    customers: list[Customer],
    odoo: OdooReader,
    bindings: Mapping[str, Binding],
    geo: _Geo,
    defaults: Defaults,
    address_bindings: Mapping[str, Binding] | None = None,
) -> AsyncIterator[Difference]:
    await geo.resolve(customers)
    mctx = PartnerContext(
        countries=geo.countries, states=geo.states,
        partner_ref_prefix=defaults.partner_ref_prefix,
        address_ref_prefix=defaults.address_ref_prefix,
    )
    mapped: dict[str, PartnerValues | MappingError] = {}
    for customer in customers:
        try:
            mapped[str(customer.id)] = customer_to_partner(customer, mctx)
        except MappingError as exc:
            mapped[str(customer.id)] = exc

    bound = {cid: bindings[cid].odoo_id for cid in mapped if cid in bindings}
    fields = sorted({f for m in mapped.values() if isinstance(m, PartnerValues)
                     for f in m.values} | {"active"})
    rows = {int(r["id"]): r for r in await odoo.read(PARTNER, sorted(set(bound.values())),
                                                     fields)} if bound else {}
    children = await _children(odoo, sorted(rows), defaults.address_ref_prefix)
    unbound = {
        cid: (f"{defaults.partner_ref_prefix}{cid}",
              m.email if isinstance(m, PartnerValues) else None)
        for cid, m in mapped.items() if cid not in bound
    }
    found = await _matches(odoo, unbound)

    for cid, m in mapped.items():
        pid = bound.get(cid)
        if pid is None:
            kind: Kind = "unbound" if cid in found else "missing_in_odoo"
            if isinstance(m, MappingError):
                yield Difference(ENTITY, kind, cid, found.get(cid), m.field,
                                 f"not mappable: {m}", None)
            else:
                yield Difference(ENTITY, kind, cid, found.get(cid))
        elif pid not in rows:
            yield Difference(ENTITY, "missing_in_odoo", cid, pid)
        elif isinstance(m, MappingError):
            yield Difference(ENTITY, "field_mismatch", cid, pid, m.field,
                             f"not mappable: {m}", rows[pid].get(m.field or ""))
        else:
            for diff in _field_differences(cid, pid, m, rows[pid], children.get(pid, 0)):
                yield diff
    if address_bindings:
        present = {cid: pid for cid, pid in bound.items() if pid in rows}
        async for diff in _address_differences(customers, odoo, present, address_bindings):
            yield diff


async def _gone_from_magento(
    magento: MagentoReader, stores: Stores, backend: str, size: int
) -> AsyncIterator[Difference]:
    after: int | None = None
    while page := await stores.bindings.list_bindings(backend, ENTITY, after_id=after,
                                                      limit=size):
        after = page[-1].id
        ids = sorted({int(b.magento_id) for b in page if b.magento_id.isdigit()})
        present: set[str] = set()
        if ids:
            result = await magento.search_customers(
                SearchCriteria().where("entity_id", ids, "in").page(len(ids), 1))
            present = {str(c.id) for c in result.items}
        for binding in page:
            if binding.magento_id not in present:
                yield Difference(ENTITY, "missing_in_magento", binding.magento_id,
                                 binding.odoo_id)
        if len(page) < size:
            return


async def compare_customers(
    magento: MagentoReader,
    odoo: OdooReader,
    stores: Stores,
    backend: str = "default",
    *,
    page_size: int = 100,
    defaults: Defaults | None = None,
) -> AsyncIterator[Difference]:
    """Every difference between Magento customers and their Odoo partners.

    ``magento`` and ``odoo`` are a :class:`~magodoo.magento.MagentoClient` and an
    :class:`~magodoo.odoo.OdooClient` (anything with the same read calls), ``stores`` the
    stores the engine syncs with, ``backend`` the backend pair's name (``settings.backend``),
    ``defaults`` the settings' ``defaults`` (ref prefixes). ``page_size`` customers are read
    and compared at a time (at most 300), so memory stays bounded.

    Yields, per customer: ``missing_in_odoo`` (no binding and no partner with its ref or
    e-mail, or the bound partner is gone), ``unbound`` (a partner matches but no binding links
    them), ``field_mismatch`` (one per differing field: ``magento_value`` is what the mapper
    makes of the customer, ``odoo_value`` what the partner holds; ``addresses`` compares the
    number of active address contacts; ``addresses[i].binding`` an address binding that
    points at a contact of another partner, an orphan or a deleted contact). Then, from the
    bindings, ``missing_in_magento`` for partners whose customer is gone.
    """
    _check_page_size(page_size)
    async for diff in _walk(magento, odoo, stores, backend, page_size, defaults or Defaults(),
                            None):
        yield diff


async def _walk(
    magento: MagentoReader, odoo: OdooReader, stores: Stores, backend: str, page_size: int,
    defaults: Defaults, tally: Tally | None,
) -> AsyncIterator[Difference]:
    geo = _Geo(odoo)
    async for customers in _magento_pages(magento, page_size):
        if tally is not None:
            tally.compared += len(customers)
        bindings = await stores.bindings.get_many_by_magento(
            backend, ENTITY, [str(c.id) for c in customers])
        address_ids = [str(a.id) for c in customers for a in c.addresses or ()
                       if a.id is not None]
        address_bindings = await stores.bindings.get_many_by_magento(
            backend, ADDRESS_ENTITY, address_ids) if address_ids else {}
        async for diff in _page_differences(customers, odoo, bindings, geo, defaults,
                                            address_bindings):
            if tally is not None:
                tally.differ(diff.magento_id)
            yield diff
    async for diff in _gone_from_magento(magento, stores, backend, page_size):
        yield diff


def _as_report(diff: Difference) -> Difference:
    """The report's words: a binding to a partner that is gone, or to a contact of another
    partner, is a broken binding."""
    if diff.kind == "missing_in_odoo" and diff.odoo_id is not None and diff.field is None:
        return attrs.evolve(diff, kind="broken_binding", field="binding",
                            magento_value=f"customer {diff.magento_id}",
                            odoo_value=f"partner {diff.odoo_id} is gone")
    if diff.kind == "field_mismatch" and (diff.field or "").endswith(".binding"):
        return attrs.evolve(diff, kind="broken_binding")
    return diff


async def _reconcile(scope: Scope, tally: Tally) -> AsyncIterator[Difference]:
    async for diff in _walk(scope.magento, scope.odoo, scope.stores, scope.backend,
                            scope.page_size, scope.settings.defaults, tally):
        yield _as_report(diff)


RECONCILER = Reconciler(
    entity=ENTITY, direction=Direction.MAGENTO_TO_ODOO, compare=_reconcile,
    fields=("name", "email", "phone", "street", "street2", "city", "zip", "country_id",
            "state_id", "vat", "ref", "type", "active", "addresses"),
)
