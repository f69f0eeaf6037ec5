"""Price storage routes (base and tier prices, many SKUs per call) and MSI sources."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from magodoo.exceptions import RemoteError
from magodoo.magento._base import plain
from magodoo.magento._core import ClientCore
from magodoo.magento.models_prices import BasePrice, PriceUpdateResult, SkuTierPrice

__all__ = ["PricesApi"]


def _results(data: object, url: str) -> list[PriceUpdateResult]:
    if not isinstance(data, list):
        raise RemoteError("a price call answered something else than a list", method="POST",
                          url=url, status=200, body=data)
    return [PriceUpdateResult.from_api(row) for row in data]


class PricesApi(ClientCore):
    """``/V1/products/base-prices``, ``/V1/products/tier-prices`` and their reads.

    The write routes answer 200 with the rows they refused (empty when all were saved); the
    rows that were not refused are saved, whatever happened to the others.
    """

    __slots__ = ()

    async def save_base_prices(self, prices: Iterable[BasePrice]) -> list[PriceUpdateResult]:
        """``POST /V1/products/base-prices``: set the price of many SKUs (an upsert, so
        retried safely); returns the refused rows."""
        data = await self.post("/V1/products/base-prices",
                               {"prices": [plain(p) for p in prices]}, idempotent=True)
        return _results(data, "/V1/products/base-prices")

    async def get_base_prices(self, skus: Sequence[str]) -> list[BasePrice]:
        """``POST /V1/products/base-prices-information`` (unknown SKUs are left out)."""
        data = await self.post("/V1/products/base-prices-information", {"skus": list(skus)},
                               idempotent=True)
        return [BasePrice.from_api(row) for row in data or []]

    async def get_tier_prices(self, skus: Sequence[str]) -> list[SkuTierPrice]:
        """``POST /V1/products/tier-prices-information``."""
        data = await self.post("/V1/products/tier-prices-information", {"skus": list(skus)},
                               idempotent=True)
        return [SkuTierPrice.from_api(row) for row in data or []]

    async def replace_tier_prices(
        self, prices: Iterable[SkuTierPrice]
    ) -> list[PriceUpdateResult]:
        """``PUT /V1/products/tier-prices``: the tier prices of every SKU named in ``prices``
        become exactly these (an SKU not named keeps its own); returns the refused rows."""
        data = await self.put("/V1/products/tier-prices",
                              {"prices": [plain(p) for p in prices]})
        return _results(data, "/V1/products/tier-prices")

    async def delete_tier_prices(
        self, prices: Iterable[SkuTierPrice]
    ) -> list[PriceUpdateResult]:
        """``POST /V1/products/tier-prices-delete``: remove these tier prices."""
        data = await self.post("/V1/products/tier-prices-delete",
                               {"prices": [plain(p) for p in prices]}, idempotent=True)
        return _results(data, "/V1/products/tier-prices-delete")
