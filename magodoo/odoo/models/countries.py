"""Countries, their states, and currencies."""

from __future__ import annotations

from typing import ClassVar

import attrs

from magodoo.odoo.models._base import OdooRecord, Ref, record

__all__ = ["Country", "CountryState", "Currency"]


@record
@attrs.frozen(kw_only=True)
class Country(OdooRecord):
    """A country; ``code`` is upper-case ISO (search with ``=ilike``)."""

    MODEL: ClassVar[str] = "res.country"

    id: int = 0
    name: str
    code: str | None = None
    phone_code: int = 0
    currency_id: Ref | None = None
    state_ids: tuple[int, ...] = ()


@record
@attrs.frozen(kw_only=True)
class CountryState(OdooRecord):
    """A state or province; codes repeat across countries, so always filter by country."""

    MODEL: ClassVar[str] = "res.country.state"

    id: int = 0
    name: str
    code: str | None = None
    country_id: Ref | None = None


@record
@attrs.frozen(kw_only=True)
class Currency(OdooRecord):
    """A currency (``name`` is the ISO code, such as ``"USD"``)."""

    MODEL: ClassVar[str] = "res.currency"
    READONLY: ClassVar[frozenset[str]] = frozenset({"decimal_places"})

    id: int = 0
    name: str
    symbol: str | None = None
    rounding: float = 0.0
    decimal_places: int = 0
    active: bool = True
