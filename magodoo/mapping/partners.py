"""Magento customer with its address book -> Odoo ``res.partner`` values (pure).

One customer becomes one partner (an individual, ``type='contact'``) carrying the default
billing address as its own, and one child contact per Magento address:

* the default billing address -> ``type='invoice'``;
* every other address (default shipping or not) -> ``type='delivery'``.

Children carry ``ref = "<address prefix><magento address id>"`` so that they can be found
again without a binding; the parent carries ``ref = "<customer prefix><customer id>"``.
Countries and states are resolved by code *before* mapping (by the engine) and handed in
through :class:`PartnerContext`. A removed address is archived by :meth:`PartnerValues.write_values`
(``active=False``), never deleted: on Odoo, deleting an address deletes the draft orders using
it. ``docs/mapping/customers.md`` is the field table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from magodoo.exceptions import MappingError
from magodoo.magento.models_customers import Customer, CustomerAddress

__all__ = [
    "ENTITY",
    "AddressValues",
    "PartnerContext",
    "PartnerValues",
    "codes_needed",
    "customer_to_partner",
    "email_key",
]

ENTITY = "customers"


@attrs.frozen
class PartnerContext:
    """What mapping a customer needs that the records do not carry.

    ``countries``: ISO country code (upper case) -> ``res.country`` id.
    ``states``: (country code, state code) -> ``res.country.state`` id.
    """

    countries: Mapping[str, int] = attrs.field(factory=dict)
    states: Mapping[tuple[str, str], int] = attrs.field(factory=dict)
    partner_ref_prefix: str = "MAGE-CUST-"
    address_ref_prefix: str = "MAGE-ADDR-"


@attrs.frozen
class AddressValues:
    """One Magento address as the values of an Odoo child contact."""

    address_id: int
    ref: str
    values: Mapping[str, Any]


@attrs.frozen
class PartnerValues:
    """A customer mapped: the parent's values and its child addresses."""

    customer_id: int
    email: str
    values: Mapping[str, Any]
    addresses: tuple[AddressValues, ...] = ()

    def create_values(self) -> dict[str, Any]:
        """Values for ``res.partner.create``: children as ``(0, 0, vals)`` commands."""
        return {
            **self.values,
            "customer_rank": 1,
            "child_ids": [(0, 0, dict(a.values)) for a in self.addresses],
        }

    def write_values(
        self, existing: Mapping[str, int], stale: Iterable[int] = ()
    ) -> dict[str, Any]:
        """Values for ``res.partner.write`` on the bound partner.

        ``existing``: child ref -> child id of the addresses already in Odoo (updated with
        ``(1, id, vals)``); the others are created with ``(0, 0, vals)``. ``stale``: ids of
        children whose Magento address is gone; they are archived (``(1, id, {active: False})``).
        """
        commands: list[Any] = []
        for address in self.addresses:
            child_id = existing.get(address.ref)
            if child_id is None:
                commands.append((0, 0, dict(address.values)))
            else:
                commands.append((1, child_id, dict(address.values)))
        commands.extend((1, child_id, {"active": False}) for child_id in sorted(set(stale)))
        return {**self.values, "child_ids": commands}

    def hashable(self) -> dict[str, Any]:
        """What the payload hash covers."""
        return {
            "values": dict(self.values),
            "addresses": [[a.address_id, dict(a.values)] for a in self.addresses],
        }


def email_key(email: str | None) -> str | None:
    """The natural key of a customer: the e-mail, trimmed and lower-cased."""
    if not email or not email.strip():
        return None
    return email.strip().lower()


def _name(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _street(address: CustomerAddress) -> tuple[str | bool, str | bool]:
    lines = [line.strip() for line in address.street or () if line and line.strip()]
    if not lines:
        return False, False
    return lines[0], (" ".join(lines[1:]) or False)


def _state_code(address: CustomerAddress) -> str | None:
    region = address.region
    if region is None or not region.region_code:
        return None
    return region.region_code.strip().upper()


def _address_fields(
    address: CustomerAddress, ctx: PartnerContext, customer_id: int, index: int
) -> dict[str, Any]:
    field = f"addresses[{index}].country_id"
    country = (address.country_id or "").strip().upper()
    if not country:
        raise MappingError("the address has no country", entity=ENTITY, record=customer_id,
                           field=field)
    country_id = ctx.countries.get(country)
    if country_id is None:
        raise MappingError(f"unknown country code {country!r}", entity=ENTITY,
                           record=customer_id, field=field)
    state = _state_code(address)
    state_id = ctx.states.get((country, state)) if state else None
    street, street2 = _street(address)
    return {
        "street": street,
        "street2": street2,
        "city": address.city or False,
        "zip": address.postcode or False,
        "country_id": country_id,
        "state_id": state_id or False,
    }


def _default(customer: Customer, which: str) -> CustomerAddress | None:
    addresses = customer.addresses or ()
    wanted = customer.default_billing if which == "billing" else customer.default_shipping
    for address in addresses:
        flag = address.default_billing if which == "billing" else address.default_shipping
        if flag or (wanted is not None and address.id is not None and str(address.id) == wanted):
            return address
    return None


def customer_to_partner(customer: Customer, ctx: PartnerContext) -> PartnerValues:
    """Map one customer and its addresses (raises :class:`MappingError` naming the field)."""
    if customer.id is None:
        raise MappingError("the customer has no id", entity=ENTITY, record=None, field="id")
    cid = customer.id
    email = email_key(customer.email)
    if email is None:
        raise MappingError("the customer has no e-mail", entity=ENTITY, record=cid,
                           field="email")
    name = _name(customer.firstname, customer.middlename, customer.lastname)
    if not name:
        raise MappingError("the customer has no name", entity=ENTITY, record=cid,
                           field="firstname")
    billing = _default(customer, "billing")
    addresses = list(customer.addresses or ())
    main = billing or (addresses[0] if addresses else None)
    values: dict[str, Any] = {
        "name": name,
        "type": "contact",
        "is_company": False,
        "email": customer.email.strip() if customer.email else False,
        "ref": f"{ctx.partner_ref_prefix}{cid}",
        "vat": customer.taxvat or False,
        "phone": (main.telephone if main else None) or False,
        "street": False, "street2": False, "city": False, "zip": False,
        "country_id": False, "state_id": False,
    }
    if main is not None:
        values.update(_address_fields(main, ctx, cid, addresses.index(main)))
    children: list[AddressValues] = []
    for index, address in enumerate(addresses):
        if address.id is None:
            raise MappingError("an address has no id", entity=ENTITY, record=cid,
                               field=f"addresses[{index}].id")
        is_billing = billing is not None and address.id == billing.id
        ref = f"{ctx.address_ref_prefix}{address.id}"
        child = {
            "type": "invoice" if is_billing else "delivery",
            "name": _name(address.firstname, address.middlename, address.lastname) or name,
            "ref": ref,
            "phone": address.telephone or False,
            "email": customer.email.strip() if customer.email else False,
            **_address_fields(address, ctx, cid, index),
        }
        children.append(AddressValues(address.id, ref, child))
    return PartnerValues(customer_id=cid, email=email, values=values, addresses=tuple(children))


def codes_needed(customers: Iterable[Customer]) -> tuple[set[str], set[tuple[str, str]]]:
    """The country codes and (country, state) codes the mapping of ``customers`` will look up."""
    countries: set[str] = set()
    states: set[tuple[str, str]] = set()
    for customer in customers:
        for address in customer.addresses or ():
            country = (address.country_id or "").strip().upper()
            if not country:
                continue
            countries.add(country)
            state = _state_code(address)
            if state:
                states.add((country, state))
    return countries, states
