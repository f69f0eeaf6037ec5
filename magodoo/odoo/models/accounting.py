"""Taxes, invoices, payments and payment methods."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

import attrs

from magodoo.odoo.models._base import OdooRecord, Ref, record

__all__ = ["Invoice", "InvoiceLine", "Payment", "PaymentMethod", "PaymentProvider", "Tax"]


@record
@attrs.frozen(kw_only=True)
class Tax(OdooRecord):
    """A tax. Only ``price_include_override`` (tax_included/tax_excluded) decides whether prices
    include it; ``price_include`` is read-only."""

    MODEL: ClassVar[str] = "account.tax"
    READONLY: ClassVar[frozenset[str]] = frozenset({"company_id", "price_include"})

    id: int = 0
    name: str
    amount: float = 0.0
    amount_type: str | None = None
    type_tax_use: str | None = None
    price_include_override: str | None = None
    price_include: bool = False
    tax_scope: str | None = None
    country_id: Ref | None = None
    company_id: Ref | None = None
    tax_group_id: Ref | None = None
    invoice_label: str | None = None
    description: str | None = None
    active: bool = True


@record
@attrs.frozen(kw_only=True)
class Invoice(OdooRecord):
    """An invoice or credit note (``move_type`` out_invoice/out_refund). ``name`` is ``None``
    while draft; ``payment_state`` not_paid/partial/paid/reversed (in_payment in Enterprise)."""

    MODEL: ClassVar[str] = "account.move"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "amount_residual", "amount_tax", "amount_total", "amount_untaxed", "invoice_origin",
        "move_type", "payment_state", "reversed_entry_id", "state", "write_date",
    })

    id: int = 0
    name: str | None = None
    move_type: str | None = None
    state: str | None = None
    journal_id: Ref | None = None
    partner_id: Ref | None = None
    partner_shipping_id: Ref | None = None
    invoice_origin: str | None = None
    ref: str | None = None
    invoice_date: date | None = None
    invoice_date_due: date | None = None
    payment_state: str | None = None
    amount_untaxed: float = 0.0
    amount_tax: float = 0.0
    amount_total: float = 0.0
    amount_residual: float = 0.0
    currency_id: Ref | None = None
    invoice_line_ids: tuple[int, ...] = ()
    reversed_entry_id: Ref | None = None
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class InvoiceLine(OdooRecord):
    """An invoice line; ``sale_line_ids`` link it to the order lines it bills."""

    MODEL: ClassVar[str] = "account.move.line"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "move_id", "price_subtotal", "price_total", "sale_line_ids",
    })

    id: int = 0
    move_id: Ref | None = None
    display_type: str | None = None
    product_id: Ref | None = None
    name: str | None = None
    quantity: float = 0.0
    price_unit: float = 0.0
    discount: float = 0.0
    tax_ids: tuple[int, ...] = ()
    sale_line_ids: tuple[int, ...] = ()
    price_subtotal: float = 0.0
    price_total: float = 0.0


@record
@attrs.frozen(kw_only=True)
class Payment(OdooRecord):
    """A payment (made by the ``account.payment.register`` wizard; ``memo`` is its label)."""

    MODEL: ClassVar[str] = "account.payment"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "is_matched", "is_reconciled", "name", "write_date",
    })

    id: int = 0
    name: str | None = None
    payment_type: str | None = None
    partner_type: str | None = None
    partner_id: Ref | None = None
    amount: float = 0.0
    currency_id: Ref | None = None
    date: date | None = None
    memo: str | None = None
    journal_id: Ref | None = None
    payment_method_line_id: Ref | None = None
    state: str | None = None
    is_matched: bool = False
    is_reconciled: bool = False
    write_date: datetime | None = None


@record
@attrs.frozen(kw_only=True)
class PaymentMethod(OdooRecord):
    """A payment method of the payment app (card, bank transfer...)."""

    MODEL: ClassVar[str] = "payment.method"

    id: int = 0
    name: str
    code: str | None = None
    active: bool = True
    provider_ids: tuple[int, ...] = ()


@record
@attrs.frozen(kw_only=True)
class PaymentProvider(OdooRecord):
    """A payment provider (``state`` disabled/enabled/test)."""

    MODEL: ClassVar[str] = "payment.provider"

    id: int = 0
    name: str
    code: str | None = None
    state: str | None = None
    is_published: bool = False
    company_id: Ref | None = None
