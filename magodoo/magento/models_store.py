"""Store structure, tax and async-bulk records."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from magodoo.magento._base import ApiModel

__all__ = [
    "BulkAccepted",
    "BulkRequestItem",
    "BulkStatus",
    "OperationStatus",
    "StoreConfig",
    "StoreGroup",
    "StoreView",
    "TaxClass",
    "TaxRate",
    "TaxRateTitle",
    "TaxRule",
    "Website",
]


@attrs.frozen(kw_only=True)
class Website(ApiModel):
    """Website (``store-data-website``)."""

    id: int | None = None
    code: str | None = None
    name: str | None = None
    default_group_id: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class StoreGroup(ApiModel):
    """StoreGroup (``store-data-group``)."""

    id: int | None = None
    website_id: int | None = None
    root_category_id: int | None = None
    default_store_id: int | None = None
    name: str | None = None
    code: str | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class StoreView(ApiModel):
    """StoreView (``store-data-store``)."""

    id: int | None = None
    code: str | None = None
    name: str | None = None
    website_id: int | None = None
    store_group_id: int | None = None
    is_active: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class StoreConfig(ApiModel):
    """StoreConfig (``store-data-store-config``)."""

    id: int | None = None
    code: str | None = None
    website_id: int | None = None
    locale: str | None = None
    base_currency_code: str | None = None
    default_display_currency_code: str | None = None
    timezone: str | None = None
    weight_unit: str | None = None
    base_url: str | None = None
    base_link_url: str | None = None
    base_static_url: str | None = None
    base_media_url: str | None = None
    secure_base_url: str | None = None
    secure_base_link_url: str | None = None
    secure_base_static_url: str | None = None
    secure_base_media_url: str | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class TaxRateTitle(ApiModel):
    """TaxRateTitle (``tax-data-tax-rate-title``)."""

    store_id: str | None = None
    value: str | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class TaxRate(ApiModel):
    """TaxRate (``tax-data-tax-rate``)."""

    id: int | None = None
    tax_country_id: str | None = None
    tax_region_id: int | None = None
    region_name: str | None = None
    tax_postcode: str | None = None
    zip_is_range: int | None = None
    zip_from: int | None = None
    zip_to: int | None = None
    rate: float | None = None
    code: str | None = None
    titles: tuple[TaxRateTitle, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class TaxRule(ApiModel):
    """TaxRule (``tax-data-tax-rule``)."""

    id: int | None = None
    code: str | None = None
    priority: int | None = None
    position: int | None = None
    customer_tax_class_ids: tuple[int | None, ...] | None = None
    product_tax_class_ids: tuple[int | None, ...] | None = None
    tax_rate_ids: tuple[int | None, ...] | None = None
    calculate_subtotal: bool | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class TaxClass(ApiModel):
    """TaxClass (``tax-data-tax-class``)."""

    class_id: int | None = None
    class_name: str | None = None
    class_type: str | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


# Operation status codes of Magento_AsynchronousOperations.
STATUS_COMPLETE = 1
STATUS_RETRIABLY_FAILED = 2
STATUS_NOT_RETRIABLY_FAILED = 3
STATUS_OPEN = 4
STATUS_REJECTED = 5


@attrs.frozen(kw_only=True)
class OperationStatus(ApiModel):
    """OperationStatus (``asynchronous-operations-data-summary-operation-status``)."""

    id: int | None = None
    status: int | None = None
    result_message: str | None = None
    error_code: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class BulkStatus(ApiModel):
    """BulkStatus (``asynchronous-operations-data-bulk-operations-status``)."""

    operations_list: tuple[OperationStatus, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    user_type: int | None = None
    bulk_id: str | None = None
    description: str | None = None
    start_time: datetime | None = None
    user_id: int | None = None
    operation_count: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def done(self) -> bool:
        """No operation is still open (status 4)."""
        return all(op.status != STATUS_OPEN for op in self.operations_list or ())

    @property
    def failed(self) -> tuple[OperationStatus, ...]:
        """Operations that failed or were rejected (status 2, 3 or 5)."""
        return tuple(op for op in self.operations_list or ()
                     if op.status not in (STATUS_COMPLETE, STATUS_OPEN))


@attrs.frozen(kw_only=True)
class BulkRequestItem(ApiModel):
    """One accepted element of an async bulk request."""

    id: int | None = None
    data_hash: str | None = None
    status: str | None = None
    error_message: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class BulkAccepted(ApiModel):
    """The immediate answer of ``/async/bulk/V1/...``: ``bulk_uuid`` to poll."""

    bulk_uuid: str
    request_items: tuple[BulkRequestItem, ...] | None = None
    errors: bool | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

