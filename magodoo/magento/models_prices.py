"""Price records of Magento's bulk price API (``/V1/products/base-prices`` and friends).

``POST /V1/products/base-prices`` answers 200 even when it refuses rows: the answer is the list
of refused rows as :class:`PriceUpdateResult` (empty when all were saved). Recorded on a real
2.4.6 (``72_base_prices_known_and_unknown_sku``): an unknown SKU is refused with
``{"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["SKU", "NO-SUCH"]}``
while the known rows of the same call are saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from magodoo.magento._base import ApiModel

__all__ = ["BasePrice", "PriceUpdateResult", "SkuTierPrice"]

_PLACEHOLDER = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*|\d+)")


@attrs.frozen(kw_only=True)
class BasePrice(ApiModel):
    """BasePrice (``catalog-data-base-price-interface``): a product's price in one store
    (``store_id`` 0 while the price scope is global, Magento's default)."""

    price: float | None = None
    store_id: int | None = None
    sku: str | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class SkuTierPrice(ApiModel):
    """TierPrice of the price storage (``catalog-data-tier-price-interface``): ``price_type``
    ``fixed`` or ``discount``, ``customer_group`` a group code or ``ALL GROUPS``."""

    sku: str | None = None
    price: float | None = None
    price_type: str | None = None
    website_id: int | None = None
    customer_group: str | None = None
    quantity: float | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class PriceUpdateResult(ApiModel):
    """PriceUpdateResult (``catalog-data-price-update-result-interface``): one refused row.

    Magento fills the named placeholders of ``message`` from ``parameters`` in order (the REST
    layer sends them as a list); :attr:`text` gives the filled message.
    """

    message: str | None = None
    parameters: tuple[str | None, ...] | None = None
    extension_attributes: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def text(self) -> str:
        """The message with its placeholders filled, in order, from ``parameters``."""
        values = iter(self.parameters or ())

        def fill(match: re.Match[str]) -> str:
            value = next(values, None)
            return match.group(0) if value is None else value

        return _PLACEHOLDER.sub(fill, self.message or "")

    @property
    def sku(self) -> str | None:
        """The refused SKU when the message names one (``%fieldName`` = ``SKU``, or ``%SKU``)."""
        names = _PLACEHOLDER.findall(self.message or "")
        params = self.parameters or ()
        for n, name in enumerate(names):
            if n >= len(params):
                break
            if name == "SKU":
                return params[n]
            if name == "fieldValue" and n > 0 and names[n - 1] == "fieldName" \
                    and params[n - 1] == "SKU":
                return params[n]
        return None
