"""Customers and their address book (Magento_Customer)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo.exceptions import MappingError
from magodoo.magento._base import ApiModel
from magodoo.magento.models_common import CustomAttribute, HasCustomAttributes

__all__ = [
    "CUSTOMER_SEARCH_EXTRA",
    "AddressesDroppedError",
    "Customer",
    "CustomerAddress",
    "Region",
    "dropped_addresses",
]

#: what ``/V1/customers/search`` filters on besides a customer's own keys: the entity's columns
#: and the default billing address fields ``CustomerRepository::getList`` joins
CUSTOMER_SEARCH_EXTRA = frozenset({
    "entity_id", "is_active", "billing_postcode", "billing_city", "billing_telephone",
    "billing_region", "billing_country_id", "billing_company",
})


@attrs.frozen(kw_only=True)
class Region(ApiModel):
    """Region (``customer-data-region``)."""

    region_code: str | None = None
    region: str | None = None
    region_id: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CustomerAddress(HasCustomAttributes, ApiModel):
    """CustomerAddress (``customer-data-address``)."""

    positive_id: ClassVar[bool] = True

    id: int | None = None
    customer_id: int | None = None
    region: Region | None = None
    region_id: int | None = None
    country_id: str | None = None
    street: tuple[str | None, ...] | None = None
    company: str | None = None
    telephone: str | None = None
    fax: str | None = None
    postcode: str | None = None
    city: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    middlename: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    vat_id: str | None = None
    default_shipping: bool | None = None
    default_billing: bool | None = None
    extension_attributes: Mapping[str, Any] | None = None
    custom_attributes: tuple[CustomAttribute, ...] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Customer(HasCustomAttributes, ApiModel):
    """Customer (``customer-data-customer``)."""

    search_extra: ClassVar[frozenset[str] | None] = CUSTOMER_SEARCH_EXTRA
    positive_id: ClassVar[bool] = True

    id: int | None = None
    group_id: int | None = None
    default_billing: str | None = None
    default_shipping: str | None = None
    confirmation: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    created_in: str | None = None
    dob: str | None = None
    email: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    middlename: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    gender: int | None = None
    store_id: int | None = None
    taxvat: str | None = None
    website_id: int | None = None
    addresses: tuple[CustomerAddress, ...] | None = None
    disable_auto_group_change: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    custom_attributes: tuple[CustomAttribute, ...] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)




def _address_key(address: CustomerAddress) -> tuple[Any, ...]:
    return (address.firstname, address.lastname, tuple(address.street or ()), address.city,
            address.postcode, address.country_id)


def dropped_addresses(sent: Customer, saved: Customer) -> list[tuple[int, CustomerAddress]]:
    """The addresses of ``sent`` that ``saved`` (the store's answer) does not hold, with their
    index: a real 2.4.6 answers 200 and silently drops an address it finds invalid (an
    unknown country, a region of another country)."""
    if sent.addresses is None:
        return []
    kept = list(saved.addresses or ())
    kept_ids = {a.id for a in kept if a.id is not None}
    sent_ids = {a.id for a in sent.addresses if a.id is not None}
    new_sent = [a for a in sent.addresses if a.id is None]
    new_kept = [a for a in kept if a.id not in sent_ids]
    if sent_ids <= kept_ids and len(new_kept) >= len(new_sent):
        return []  # everything is there (the store may have tidied values: not compared)
    dropped: list[tuple[int, CustomerAddress]] = []
    for index, address in enumerate(sent.addresses):
        if address.id is not None:
            if address.id not in kept_ids:
                dropped.append((index, address))
            continue
        match = next((k for k in kept if _address_key(k) == _address_key(address)), None)
        if match is None:
            dropped.append((index, address))
        else:
            kept.remove(match)
    return dropped


class AddressesDroppedError(MappingError):
    """The store saved the customer but dropped addresses it found invalid (200, no error).

    ``customer`` is the saved customer (bind it: it exists), ``dropped`` the ``(index,
    address)`` pairs that were not kept; the message names the customer and each address's
    country and region.
    """

    def __init__(self, customer: Customer, dropped: list[tuple[int, CustomerAddress]]) -> None:
        what = "; ".join(
            f"addresses[{i}] (country_id {a.country_id!r}, region_id {a.region_id!r})"
            for i, a in dropped
        )
        super().__init__(
            f"Magento saved the customer but dropped {len(dropped)} address(es) it found "
            f"invalid: {what}",
            entity="Customer", record=customer.id if customer.id is not None else customer.email,
            field=f"addresses[{dropped[0][0]}].country_id",
        )
        self.customer = customer
        self.dropped = tuple(dropped)
