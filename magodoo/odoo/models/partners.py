"""Contacts, companies and their addresses (``res.partner``)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from magodoo.odoo.models._base import OdooRecord, Ref, record

__all__ = ["Partner"]


@record
@attrs.frozen(kw_only=True)
class Partner(OdooRecord):
    """A contact, company or address. Child addresses have ``type`` invoice, delivery or other:
    archive them (``active=False``), never delete them (that deletes their draft orders)."""

    MODEL: ClassVar[str] = "res.partner"
    READONLY: ClassVar[frozenset[str]] = frozenset({
        "commercial_partner_id", "display_name", "write_date",
    })

    id: int = 0
    name: str | None = None
    type: str | None = None
    parent_id: Ref | None = None
    child_ids: tuple[int, ...] = ()
    is_company: bool = False
    company_name: str | None = None
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    street2: str | None = None
    city: str | None = None
    zip: str | None = None
    state_id: Ref | None = None
    country_id: Ref | None = None
    vat: str | None = None
    ref: str | None = None
    lang: str | None = None
    active: bool = True
    commercial_partner_id: Ref | None = None
    display_name: str | None = None
    customer_rank: int = 0
    write_date: datetime | None = None
