"""Typed routes of customers, their addresses, and tax rates and rules."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from magodoo.magento._core import ClientCore, seg
from magodoo.magento.models_common import Page
from magodoo.magento.models_customers import (
    AddressesDroppedError,
    Customer,
    CustomerAddress,
    dropped_addresses,
)
from magodoo.magento.models_store import TaxClass, TaxRate, TaxRule
from magodoo.magento.search import SearchCriteria

__all__ = ["CustomersApi"]

Fields = str | Iterable[str] | None


class CustomersApi(ClientCore):
    """Customers, customer addresses, tax rates, rules and classes."""

    __slots__ = ()

    # ---- customers ------------------------------------------------------------------------

    async def search_customers(
        self, criteria: SearchCriteria | None = None, *, fields: Fields = None
    ) -> Page[Customer]:
        """``GET /V1/customers/search``: one page as ``criteria`` say."""
        return await self.fetch_page("/V1/customers/search", criteria, model=Customer,
                                     fields=fields)

    def iter_customers(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: Fields = None,
    ) -> AsyncIterator[Customer]:
        """Every customer matching ``criteria`` (e.g. ``updated_at gteq``), paged."""
        return self.paginate("/V1/customers/search", criteria, page_size=page_size,
                             fields=fields, model=Customer)

    async def get_customer(self, customer_id: int) -> Customer:
        """``GET /V1/customers/{customerId}``."""
        return Customer.from_api(await self.get(f"/V1/customers/{seg(customer_id)}"))

    # A real store answers 200 and drops an invalid address without a word: both writes
    # compare the answer with what was sent and raise AddressesDroppedError (which carries the
    # saved customer) when an address is missing.
    async def create_customer(
        self, customer: Customer, *, password: str | None = None
    ) -> Customer:
        """``POST /V1/customers`` (``password`` optional). Not retried blindly: search by
        e-mail and website before trying again."""
        if password:
            self.redactor.add(password)
        body: dict[str, Any] = {"customer": customer.to_api()}
        if password:
            body["password"] = password
        saved = Customer.from_api(await self.post("/V1/customers", body))
        return _check_addresses(customer, saved)

    async def update_customer(self, customer_id: int, customer: Customer) -> Customer:
        """``PUT /V1/customers/{customerId}``.

        Magento needs ``email``, ``firstname``, ``lastname`` and ``website_id`` in the body.
        When ``customer.addresses`` is set, it is the full address book: stored addresses
        missing from it are deleted (send ``id`` on the ones that exist); leave it ``None``
        to keep the stored addresses.
        """
        payload = customer.to_api()
        payload.setdefault("id", customer_id)
        data = await self.put(f"/V1/customers/{seg(customer_id)}", {"customer": payload})
        return _check_addresses(customer, Customer.from_api(data))

    async def delete_customer(self, customer_id: int) -> bool:
        """``DELETE /V1/customers/{customerId}``."""
        return bool(await self.delete(f"/V1/customers/{seg(customer_id)}"))

    async def get_customer_address(self, address_id: int) -> CustomerAddress:
        """``GET /V1/customers/addresses/{addressId}``."""
        data = await self.get(f"/V1/customers/addresses/{seg(address_id)}")
        return CustomerAddress.from_api(data)

    async def delete_customer_address(self, address_id: int) -> bool:
        """``DELETE /V1/addresses/{addressId}``."""
        return bool(await self.delete(f"/V1/addresses/{seg(address_id)}"))

    async def get_default_billing_address(self, customer_id: int) -> CustomerAddress | None:
        """``GET /V1/customers/{customerId}/billingAddress`` (None when there is none)."""
        data = await self.get(f"/V1/customers/{seg(customer_id)}/billingAddress")
        return CustomerAddress.from_api(data) if isinstance(data, dict) and data else None

    async def get_default_shipping_address(self, customer_id: int) -> CustomerAddress | None:
        """``GET /V1/customers/{customerId}/shippingAddress`` (None when there is none)."""
        data = await self.get(f"/V1/customers/{seg(customer_id)}/shippingAddress")
        return CustomerAddress.from_api(data) if isinstance(data, dict) and data else None

    # ---- tax ------------------------------------------------------------------------------

    async def search_tax_rates(self, criteria: SearchCriteria | None = None) -> Page[TaxRate]:
        """``GET /V1/taxRates/search``."""
        return await self.fetch_page("/V1/taxRates/search", criteria, model=TaxRate)

    def iter_tax_rates(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None
    ) -> AsyncIterator[TaxRate]:
        """Every tax rate matching ``criteria``."""
        return self.paginate("/V1/taxRates/search", criteria, page_size=page_size,
                             model=TaxRate)

    async def get_tax_rate(self, rate_id: int) -> TaxRate:
        """``GET /V1/taxRates/{rateId}``."""
        return TaxRate.from_api(await self.get(f"/V1/taxRates/{seg(rate_id)}"))

    async def create_tax_rate(self, rate: TaxRate) -> TaxRate:
        """``POST /V1/taxRates`` (400 ``%1 already exists.`` on a duplicate code)."""
        return TaxRate.from_api(await self.post("/V1/taxRates", {"taxRate": rate.to_api()}))

    async def update_tax_rate(self, rate: TaxRate) -> TaxRate:
        """``PUT /V1/taxRates`` (``rate.id`` names the rate)."""
        return TaxRate.from_api(await self.put("/V1/taxRates", {"taxRate": rate.to_api()}))

    async def delete_tax_rate(self, rate_id: int) -> bool:
        """``DELETE /V1/taxRates/{rateId}``."""
        return bool(await self.delete(f"/V1/taxRates/{seg(rate_id)}"))

    async def search_tax_rules(self, criteria: SearchCriteria | None = None) -> Page[TaxRule]:
        """``GET /V1/taxRules/search``."""
        return await self.fetch_page("/V1/taxRules/search", criteria, model=TaxRule)

    def iter_tax_rules(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None
    ) -> AsyncIterator[TaxRule]:
        """Every tax rule matching ``criteria``."""
        return self.paginate("/V1/taxRules/search", criteria, page_size=page_size,
                             model=TaxRule)

    async def get_tax_rule(self, rule_id: int) -> TaxRule:
        """``GET /V1/taxRules/{ruleId}``."""
        return TaxRule.from_api(await self.get(f"/V1/taxRules/{seg(rule_id)}"))

    async def create_tax_rule(self, rule: TaxRule) -> TaxRule:
        """``POST /V1/taxRules``."""
        return TaxRule.from_api(await self.post("/V1/taxRules", {"rule": rule.to_api()}))

    async def update_tax_rule(self, rule: TaxRule) -> TaxRule:
        """``PUT /V1/taxRules`` (``rule.id`` names the rule)."""
        return TaxRule.from_api(await self.put("/V1/taxRules", {"rule": rule.to_api()}))

    async def delete_tax_rule(self, rule_id: int) -> bool:
        """``DELETE /V1/taxRules/{ruleId}``."""
        return bool(await self.delete(f"/V1/taxRules/{seg(rule_id)}"))

    async def search_tax_classes(self, criteria: SearchCriteria | None = None) -> Page[
        TaxClass
    ]:
        """``GET /V1/taxClasses/search`` (``class_type`` PRODUCT or CUSTOMER)."""
        return await self.fetch_page("/V1/taxClasses/search", criteria, model=TaxClass)


def _check_addresses(sent: Customer, saved: Customer) -> Customer:
    dropped = dropped_addresses(sent, saved)
    if dropped:
        raise AddressesDroppedError(saved, dropped)
    return saved
