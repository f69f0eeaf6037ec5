"""Customers and their address book (Magento_Customer)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo.magento._base import ApiModel
from magodoo.magento.models_common import CustomAttribute, HasCustomAttributes

__all__ = ["CUSTOMER_SEARCH_EXTRA", "Customer", "CustomerAddress", "Region"]

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


