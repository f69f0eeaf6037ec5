"""Sales records: orders with items, addresses, payment and history; invoices, credit memos,
shipments and tracks.

Read ``SALES-NOTES.md`` of the reference before using the money fields: order items'
``row_total`` come back with the discount taken off, a configurable line is two items (the
child has ``parent_item_id``), null fields are left out of the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from magodoo.magento._base import ApiModel

__all__ = [
    "CreditMemo",
    "CreditMemoComment",
    "CreditMemoItem",
    "Invoice",
    "InvoiceComment",
    "InvoiceItem",
    "Order",
    "OrderAddress",
    "OrderItem",
    "OrderStatusHistory",
    "Payment",
    "Shipment",
    "ShipmentComment",
    "ShipmentItem",
    "ShipmentPackage",
    "Track",
]


@attrs.frozen(kw_only=True)
class OrderStatusHistory(ApiModel):
    """OrderStatusHistory (``sales-data-order-status-history``)."""

    comment: str | None = None
    created_at: datetime | None = None
    entity_id: int | None = None
    entity_name: str | None = None
    is_customer_notified: int | None = None
    is_visible_on_front: int | None = None
    parent_id: int | None = None
    status: str | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class OrderAddress(ApiModel):
    """OrderAddress (``sales-data-order-address``)."""

    address_type: str | None = None
    city: str | None = None
    company: str | None = None
    country_id: str | None = None
    customer_address_id: int | None = None
    customer_id: int | None = None
    email: str | None = None
    entity_id: int | None = None
    fax: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    middlename: str | None = None
    parent_id: int | None = None
    postcode: str | None = None
    prefix: str | None = None
    region: str | None = None
    region_code: str | None = None
    region_id: int | None = None
    street: tuple[str | None, ...] | None = None
    suffix: str | None = None
    telephone: str | None = None
    vat_id: str | None = None
    vat_is_valid: int | None = None
    vat_request_date: str | None = None
    vat_request_id: str | None = None
    vat_request_success: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Payment(ApiModel):
    """Payment (``sales-data-order-payment``)."""

    account_status: str | None = None
    additional_data: str | None = None
    additional_information: tuple[str | None, ...] | None = None
    address_status: str | None = None
    amount_authorized: float | None = None
    amount_canceled: float | None = None
    amount_ordered: float | None = None
    amount_paid: float | None = None
    amount_refunded: float | None = None
    anet_trans_method: str | None = None
    base_amount_authorized: float | None = None
    base_amount_canceled: float | None = None
    base_amount_ordered: float | None = None
    base_amount_paid: float | None = None
    base_amount_paid_online: float | None = None
    base_amount_refunded: float | None = None
    base_amount_refunded_online: float | None = None
    base_shipping_amount: float | None = None
    base_shipping_captured: float | None = None
    base_shipping_refunded: float | None = None
    cc_approval: str | None = None
    cc_avs_status: str | None = None
    cc_cid_status: str | None = None
    cc_debug_request_body: str | None = None
    cc_debug_response_body: str | None = None
    cc_debug_response_serialized: str | None = None
    cc_exp_month: str | None = None
    cc_exp_year: str | None = None
    cc_last4: str | None = None
    cc_number_enc: str | None = None
    cc_owner: str | None = None
    cc_secure_verify: str | None = None
    cc_ss_issue: str | None = None
    cc_ss_start_month: str | None = None
    cc_ss_start_year: str | None = None
    cc_status: str | None = None
    cc_status_description: str | None = None
    cc_trans_id: str | None = None
    cc_type: str | None = None
    echeck_account_name: str | None = None
    echeck_account_type: str | None = None
    echeck_bank_name: str | None = None
    echeck_routing_number: str | None = None
    echeck_type: str | None = None
    entity_id: int | None = None
    last_trans_id: str | None = None
    method: str | None = None
    parent_id: int | None = None
    po_number: str | None = None
    protection_eligibility: str | None = None
    quote_payment_id: int | None = None
    shipping_amount: float | None = None
    shipping_captured: float | None = None
    shipping_refunded: float | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class OrderItem(ApiModel):
    """OrderItem (``sales-data-order-item``)."""

    additional_data: str | None = None
    amount_refunded: float | None = None
    applied_rule_ids: str | None = None
    base_amount_refunded: float | None = None
    base_cost: float | None = None
    base_discount_amount: float | None = None
    base_discount_invoiced: float | None = None
    base_discount_refunded: float | None = None
    base_discount_tax_compensation_amount: float | None = None
    base_discount_tax_compensation_invoiced: float | None = None
    base_discount_tax_compensation_refunded: float | None = None
    base_original_price: float | None = None
    base_price: float | None = None
    base_price_incl_tax: float | None = None
    base_row_invoiced: float | None = None
    base_row_total: float | None = None
    base_row_total_incl_tax: float | None = None
    base_tax_amount: float | None = None
    base_tax_before_discount: float | None = None
    base_tax_invoiced: float | None = None
    base_tax_refunded: float | None = None
    base_weee_tax_applied_amount: float | None = None
    base_weee_tax_applied_row_amnt: float | None = None
    base_weee_tax_disposition: float | None = None
    base_weee_tax_row_disposition: float | None = None
    created_at: datetime | None = None
    description: str | None = None
    discount_amount: float | None = None
    discount_invoiced: float | None = None
    discount_percent: float | None = None
    discount_refunded: float | None = None
    event_id: int | None = None
    ext_order_item_id: str | None = None
    free_shipping: int | None = None
    gw_base_price: float | None = None
    gw_base_price_invoiced: float | None = None
    gw_base_price_refunded: float | None = None
    gw_base_tax_amount: float | None = None
    gw_base_tax_amount_invoiced: float | None = None
    gw_base_tax_amount_refunded: float | None = None
    gw_id: int | None = None
    gw_price: float | None = None
    gw_price_invoiced: float | None = None
    gw_price_refunded: float | None = None
    gw_tax_amount: float | None = None
    gw_tax_amount_invoiced: float | None = None
    gw_tax_amount_refunded: float | None = None
    discount_tax_compensation_amount: float | None = None
    discount_tax_compensation_canceled: float | None = None
    discount_tax_compensation_invoiced: float | None = None
    discount_tax_compensation_refunded: float | None = None
    is_qty_decimal: int | None = None
    is_virtual: int | None = None
    item_id: int | None = None
    locked_do_invoice: int | None = None
    locked_do_ship: int | None = None
    name: str | None = None
    no_discount: int | None = None
    order_id: int | None = None
    original_price: float | None = None
    parent_item_id: int | None = None
    price: float | None = None
    price_incl_tax: float | None = None
    product_id: int | None = None
    product_type: str | None = None
    qty_backordered: float | None = None
    qty_canceled: float | None = None
    qty_invoiced: float | None = None
    qty_ordered: float | None = None
    qty_refunded: float | None = None
    qty_returned: float | None = None
    qty_shipped: float | None = None
    quote_item_id: int | None = None
    row_invoiced: float | None = None
    row_total: float | None = None
    row_total_incl_tax: float | None = None
    row_weight: float | None = None
    sku: str | None = None
    store_id: int | None = None
    tax_amount: float | None = None
    tax_before_discount: float | None = None
    tax_canceled: float | None = None
    tax_invoiced: float | None = None
    tax_percent: float | None = None
    tax_refunded: float | None = None
    updated_at: datetime | None = None
    weee_tax_applied: str | None = None
    weee_tax_applied_amount: float | None = None
    weee_tax_applied_row_amount: float | None = None
    weee_tax_disposition: float | None = None
    weee_tax_row_disposition: float | None = None
    weight: float | None = None
    parent_item: OrderItem | None = None
    product_option: Mapping[str, Any] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def is_child(self) -> bool:
        """A configurable's child row (no money on it; map the parent row)."""
        return self.parent_item_id is not None


@attrs.frozen(kw_only=True)
class Order(ApiModel):
    """Order (``sales-data-order``)."""

    adjustment_negative: float | None = None
    adjustment_positive: float | None = None
    applied_rule_ids: str | None = None
    base_adjustment_negative: float | None = None
    base_adjustment_positive: float | None = None
    base_currency_code: str | None = None
    base_discount_amount: float | None = None
    base_discount_canceled: float | None = None
    base_discount_invoiced: float | None = None
    base_discount_refunded: float | None = None
    base_grand_total: float | None = None
    base_discount_tax_compensation_amount: float | None = None
    base_discount_tax_compensation_invoiced: float | None = None
    base_discount_tax_compensation_refunded: float | None = None
    base_shipping_amount: float | None = None
    base_shipping_canceled: float | None = None
    base_shipping_discount_amount: float | None = None
    base_shipping_discount_tax_compensation_amnt: float | None = None
    base_shipping_incl_tax: float | None = None
    base_shipping_invoiced: float | None = None
    base_shipping_refunded: float | None = None
    base_shipping_tax_amount: float | None = None
    base_shipping_tax_refunded: float | None = None
    base_subtotal: float | None = None
    base_subtotal_canceled: float | None = None
    base_subtotal_incl_tax: float | None = None
    base_subtotal_invoiced: float | None = None
    base_subtotal_refunded: float | None = None
    base_tax_amount: float | None = None
    base_tax_canceled: float | None = None
    base_tax_invoiced: float | None = None
    base_tax_refunded: float | None = None
    base_total_canceled: float | None = None
    base_total_due: float | None = None
    base_total_invoiced: float | None = None
    base_total_invoiced_cost: float | None = None
    base_total_offline_refunded: float | None = None
    base_total_online_refunded: float | None = None
    base_total_paid: float | None = None
    base_total_qty_ordered: float | None = None
    base_total_refunded: float | None = None
    base_to_global_rate: float | None = None
    base_to_order_rate: float | None = None
    billing_address_id: int | None = None
    can_ship_partially: int | None = None
    can_ship_partially_item: int | None = None
    coupon_code: str | None = None
    created_at: datetime | None = None
    customer_dob: datetime | None = None
    customer_email: str | None = None
    customer_firstname: str | None = None
    customer_gender: int | None = None
    customer_group_id: int | None = None
    customer_id: int | None = None
    customer_is_guest: int | None = None
    customer_lastname: str | None = None
    customer_middlename: str | None = None
    customer_note: str | None = None
    customer_note_notify: int | None = None
    customer_prefix: str | None = None
    customer_suffix: str | None = None
    customer_taxvat: str | None = None
    discount_amount: float | None = None
    discount_canceled: float | None = None
    discount_description: str | None = None
    discount_invoiced: float | None = None
    discount_refunded: float | None = None
    edit_increment: int | None = None
    email_sent: int | None = None
    entity_id: int | None = None
    ext_customer_id: str | None = None
    ext_order_id: str | None = None
    forced_shipment_with_invoice: int | None = None
    global_currency_code: str | None = None
    grand_total: float | None = None
    discount_tax_compensation_amount: float | None = None
    discount_tax_compensation_invoiced: float | None = None
    discount_tax_compensation_refunded: float | None = None
    hold_before_state: str | None = None
    hold_before_status: str | None = None
    increment_id: str | None = None
    is_virtual: int | None = None
    order_currency_code: str | None = None
    original_increment_id: str | None = None
    payment_authorization_amount: float | None = None
    payment_auth_expiration: int | None = None
    protect_code: str | None = None
    quote_address_id: int | None = None
    quote_id: int | None = None
    relation_child_id: str | None = None
    relation_child_real_id: str | None = None
    relation_parent_id: str | None = None
    relation_parent_real_id: str | None = None
    remote_ip: str | None = None
    shipping_amount: float | None = None
    shipping_canceled: float | None = None
    shipping_description: str | None = None
    shipping_discount_amount: float | None = None
    shipping_discount_tax_compensation_amount: float | None = None
    shipping_incl_tax: float | None = None
    shipping_invoiced: float | None = None
    shipping_refunded: float | None = None
    shipping_tax_amount: float | None = None
    shipping_tax_refunded: float | None = None
    state: str | None = None
    status: str | None = None
    store_currency_code: str | None = None
    store_id: int | None = None
    store_name: str | None = None
    store_to_base_rate: float | None = None
    store_to_order_rate: float | None = None
    subtotal: float | None = None
    subtotal_canceled: float | None = None
    subtotal_incl_tax: float | None = None
    subtotal_invoiced: float | None = None
    subtotal_refunded: float | None = None
    tax_amount: float | None = None
    tax_canceled: float | None = None
    tax_invoiced: float | None = None
    tax_refunded: float | None = None
    total_canceled: float | None = None
    total_due: float | None = None
    total_invoiced: float | None = None
    total_item_count: int | None = None
    total_offline_refunded: float | None = None
    total_online_refunded: float | None = None
    total_paid: float | None = None
    total_qty_ordered: float | None = None
    total_refunded: float | None = None
    updated_at: datetime | None = None
    weight: float | None = None
    x_forwarded_for: str | None = None
    items: tuple[OrderItem, ...] | None = None
    billing_address: OrderAddress | None = None
    payment: Payment | None = None
    status_histories: tuple[OrderStatusHistory, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def _shipping(self) -> Mapping[str, Any]:
        assignments = (self.extension_attributes or {}).get("shipping_assignments") or []
        if assignments and isinstance(assignments[0], Mapping):
            shipping = assignments[0].get("shipping")
            if isinstance(shipping, Mapping):
                return shipping
        return {}

    @property
    def shipping_method(self) -> str | None:
        """``extension_attributes.shipping_assignments[0].shipping.method``
        (``carrier_method``, e.g. ``flatrate_flatrate``); Magento has no top-level one."""
        method = self._shipping().get("method")
        return str(method) if method else None

    @property
    def shipping_address(self) -> OrderAddress | None:
        """The shipping address, from the first shipping assignment."""
        address = self._shipping().get("address")
        return OrderAddress.from_api(address) if isinstance(address, Mapping) else None

    @property
    def payment_additional_info(self) -> dict[str, str]:
        """``extension_attributes.payment_additional_info`` as a dict (``method_title``...)."""
        info = (self.extension_attributes or {}).get("payment_additional_info") or []
        return {str(i["key"]): str(i.get("value", "")) for i in info
                if isinstance(i, Mapping) and "key" in i}


@attrs.frozen(kw_only=True)
class InvoiceItem(ApiModel):
    """InvoiceItem (``sales-data-invoice-item``)."""

    additional_data: str | None = None
    base_cost: float | None = None
    base_discount_amount: float | None = None
    base_discount_tax_compensation_amount: float | None = None
    base_price: float | None = None
    base_price_incl_tax: float | None = None
    base_row_total: float | None = None
    base_row_total_incl_tax: float | None = None
    base_tax_amount: float | None = None
    description: str | None = None
    discount_amount: float | None = None
    entity_id: int | None = None
    discount_tax_compensation_amount: float | None = None
    name: str | None = None
    parent_id: int | None = None
    price: float | None = None
    price_incl_tax: float | None = None
    product_id: int | None = None
    row_total: float | None = None
    row_total_incl_tax: float | None = None
    sku: str | None = None
    tax_amount: float | None = None
    extension_attributes: Mapping[str, Any] | None = None
    order_item_id: int | None = None
    qty: float | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class InvoiceComment(ApiModel):
    """InvoiceComment (``sales-data-invoice-comment``)."""

    is_customer_notified: int | None = None
    parent_id: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    comment: str | None = None
    is_visible_on_front: int | None = None
    created_at: datetime | None = None
    entity_id: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Invoice(ApiModel):
    """Invoice (``sales-data-invoice``)."""

    base_currency_code: str | None = None
    base_discount_amount: float | None = None
    base_grand_total: float | None = None
    base_discount_tax_compensation_amount: float | None = None
    base_shipping_amount: float | None = None
    base_shipping_discount_tax_compensation_amnt: float | None = None
    base_shipping_incl_tax: float | None = None
    base_shipping_tax_amount: float | None = None
    base_subtotal: float | None = None
    base_subtotal_incl_tax: float | None = None
    base_tax_amount: float | None = None
    base_total_refunded: float | None = None
    base_to_global_rate: float | None = None
    base_to_order_rate: float | None = None
    billing_address_id: int | None = None
    can_void_flag: int | None = None
    created_at: datetime | None = None
    discount_amount: float | None = None
    discount_description: str | None = None
    email_sent: int | None = None
    entity_id: int | None = None
    global_currency_code: str | None = None
    grand_total: float | None = None
    discount_tax_compensation_amount: float | None = None
    increment_id: str | None = None
    is_used_for_refund: int | None = None
    order_currency_code: str | None = None
    order_id: int | None = None
    shipping_address_id: int | None = None
    shipping_amount: float | None = None
    shipping_discount_tax_compensation_amount: float | None = None
    shipping_incl_tax: float | None = None
    shipping_tax_amount: float | None = None
    state: int | None = None
    store_currency_code: str | None = None
    store_id: int | None = None
    store_to_base_rate: float | None = None
    store_to_order_rate: float | None = None
    subtotal: float | None = None
    subtotal_incl_tax: float | None = None
    tax_amount: float | None = None
    total_qty: float | None = None
    transaction_id: str | None = None
    updated_at: datetime | None = None
    items: tuple[InvoiceItem, ...] | None = None
    comments: tuple[InvoiceComment, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CreditMemoItem(ApiModel):
    """CreditMemoItem (``sales-data-creditmemo-item``)."""

    additional_data: str | None = None
    base_cost: float | None = None
    base_discount_amount: float | None = None
    base_discount_tax_compensation_amount: float | None = None
    base_price: float | None = None
    base_price_incl_tax: float | None = None
    base_row_total: float | None = None
    base_row_total_incl_tax: float | None = None
    base_tax_amount: float | None = None
    base_weee_tax_applied_amount: float | None = None
    base_weee_tax_applied_row_amnt: float | None = None
    base_weee_tax_disposition: float | None = None
    base_weee_tax_row_disposition: float | None = None
    description: str | None = None
    discount_amount: float | None = None
    entity_id: int | None = None
    discount_tax_compensation_amount: float | None = None
    name: str | None = None
    order_item_id: int | None = None
    parent_id: int | None = None
    price: float | None = None
    price_incl_tax: float | None = None
    product_id: int | None = None
    qty: float | None = None
    row_total: float | None = None
    row_total_incl_tax: float | None = None
    sku: str | None = None
    tax_amount: float | None = None
    weee_tax_applied: str | None = None
    weee_tax_applied_amount: float | None = None
    weee_tax_applied_row_amount: float | None = None
    weee_tax_disposition: float | None = None
    weee_tax_row_disposition: float | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CreditMemoComment(ApiModel):
    """CreditMemoComment (``sales-data-creditmemo-comment``)."""

    comment: str | None = None
    created_at: datetime | None = None
    entity_id: int | None = None
    is_customer_notified: int | None = None
    is_visible_on_front: int | None = None
    parent_id: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class CreditMemo(ApiModel):
    """CreditMemo (``sales-data-creditmemo``)."""

    adjustment: float | None = None
    adjustment_negative: float | None = None
    adjustment_positive: float | None = None
    base_adjustment: float | None = None
    base_adjustment_negative: float | None = None
    base_adjustment_positive: float | None = None
    base_currency_code: str | None = None
    base_discount_amount: float | None = None
    base_grand_total: float | None = None
    base_discount_tax_compensation_amount: float | None = None
    base_shipping_amount: float | None = None
    base_shipping_discount_tax_compensation_amnt: float | None = None
    base_shipping_incl_tax: float | None = None
    base_shipping_tax_amount: float | None = None
    base_subtotal: float | None = None
    base_subtotal_incl_tax: float | None = None
    base_tax_amount: float | None = None
    base_to_global_rate: float | None = None
    base_to_order_rate: float | None = None
    billing_address_id: int | None = None
    created_at: datetime | None = None
    creditmemo_status: int | None = None
    discount_amount: float | None = None
    discount_description: str | None = None
    email_sent: int | None = None
    entity_id: int | None = None
    global_currency_code: str | None = None
    grand_total: float | None = None
    discount_tax_compensation_amount: float | None = None
    increment_id: str | None = None
    invoice_id: int | None = None
    order_currency_code: str | None = None
    order_id: int | None = None
    shipping_address_id: int | None = None
    shipping_amount: float | None = None
    shipping_discount_tax_compensation_amount: float | None = None
    shipping_incl_tax: float | None = None
    shipping_tax_amount: float | None = None
    state: int | None = None
    store_currency_code: str | None = None
    store_id: int | None = None
    store_to_base_rate: float | None = None
    store_to_order_rate: float | None = None
    subtotal: float | None = None
    subtotal_incl_tax: float | None = None
    tax_amount: float | None = None
    transaction_id: str | None = None
    updated_at: datetime | None = None
    items: tuple[CreditMemoItem, ...] | None = None
    comments: tuple[CreditMemoComment, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ShipmentItem(ApiModel):
    """ShipmentItem (``sales-data-shipment-item``)."""

    additional_data: str | None = None
    description: str | None = None
    entity_id: int | None = None
    name: str | None = None
    parent_id: int | None = None
    price: float | None = None
    product_id: int | None = None
    row_total: float | None = None
    sku: str | None = None
    weight: float | None = None
    extension_attributes: Mapping[str, Any] | None = None
    order_item_id: int | None = None
    qty: float | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Track(ApiModel):
    """Track (``sales-data-shipment-track``)."""

    order_id: int | None = None
    created_at: datetime | None = None
    entity_id: int | None = None
    parent_id: int | None = None
    updated_at: datetime | None = None
    weight: float | None = None
    qty: float | None = None
    description: str | None = None
    extension_attributes: Mapping[str, Any] | None = None
    track_number: str | None = None
    title: str | None = None
    carrier_code: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ShipmentComment(ApiModel):
    """ShipmentComment (``sales-data-shipment-comment``)."""

    is_customer_notified: int | None = None
    parent_id: int | None = None
    extension_attributes: Mapping[str, Any] | None = None
    comment: str | None = None
    is_visible_on_front: int | None = None
    created_at: datetime | None = None
    entity_id: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class ShipmentPackage(ApiModel):
    """ShipmentPackage (``sales-data-shipment-package``)."""

    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Shipment(ApiModel):
    """Shipment (``sales-data-shipment``)."""

    billing_address_id: int | None = None
    created_at: datetime | None = None
    customer_id: int | None = None
    email_sent: int | None = None
    entity_id: int | None = None
    increment_id: str | None = None
    order_id: int | None = None
    packages: tuple[ShipmentPackage, ...] | None = None
    shipment_status: int | None = None
    shipping_address_id: int | None = None
    shipping_label: str | None = None
    store_id: int | None = None
    total_qty: float | None = None
    total_weight: float | None = None
    updated_at: datetime | None = None
    items: tuple[ShipmentItem, ...] | None = None
    tracks: tuple[Track, ...] | None = None
    comments: tuple[ShipmentComment, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


