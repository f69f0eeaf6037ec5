"""Tax rates and rules, customer addresses, against the fake Magento."""

from __future__ import annotations

import pytest

from magodoo.exceptions import NotFoundError, ValidationError
from magodoo.magento import (
    Customer,
    CustomerAddress,
    MagentoClient,
    SearchCriteria,
    TaxRate,
    TaxRule,
)


async def test_tax_rates(client: MagentoClient) -> None:
    rate = await client.create_tax_rate(TaxRate(
        tax_country_id="US", tax_region_id=12, tax_postcode="*", rate=8.25,
        code="US-CA-SYNC"))
    assert rate.id is not None and rate.rate == 8.25
    with pytest.raises(ValidationError) as dup:
        await client.create_tax_rate(TaxRate(tax_country_id="US", rate=1, code="US-CA-SYNC",
                                             tax_postcode="*"))
    assert dup.value.message == "Code already exists."  # as the real 2.4.6 says
    assert dup.value.template == "%1 already exists."
    got = await client.get_tax_rate(rate.id)
    assert got.code == "US-CA-SYNC"
    changed = await client.update_tax_rate(TaxRate(
        id=rate.id, tax_country_id="US", tax_region_id=12, tax_postcode="*", rate=9.0,
        code="US-CA-SYNC"))
    assert changed.rate == 9.0
    page = await client.search_tax_rates(SearchCriteria().where("code", "US-CA-SYNC"))
    assert [r.id for r in page.items] == [rate.id]
    every = [r async for r in client.iter_tax_rates(page_size=1)]
    assert rate.id in {r.id for r in every}

    classes = await client.search_tax_classes(SearchCriteria().page(20))
    product_class = next(c.class_id for c in classes.items if c.class_type == "PRODUCT")
    customer_class = next(c.class_id for c in classes.items if c.class_type == "CUSTOMER")
    assert product_class is not None and customer_class is not None
    rule = await client.create_tax_rule(TaxRule(
        code="Sync rule", priority=0, position=0, customer_tax_class_ids=(customer_class,),
        product_tax_class_ids=(product_class,), tax_rate_ids=(rate.id,)))
    assert rule.id is not None
    assert (await client.get_tax_rule(rule.id)).tax_rate_ids == (rate.id,)
    renamed = await client.update_tax_rule(TaxRule(
        id=rule.id, code="Sync rule 2", priority=1, position=0,
        customer_tax_class_ids=(customer_class,), product_tax_class_ids=(product_class,),
        tax_rate_ids=(rate.id,)))
    assert renamed.code == "Sync rule 2"
    rules = await client.search_tax_rules(SearchCriteria().where("code", "Sync rule 2"))
    assert [r.id for r in rules.items] == [rule.id]
    assert rule.id in {r.id async for r in client.iter_tax_rules()}
    assert await client.delete_tax_rule(rule.id) is True
    assert await client.delete_tax_rate(rate.id) is True
    with pytest.raises(NotFoundError):
        await client.get_tax_rate(rate.id)


async def test_customer_addresses(client: MagentoClient) -> None:
    customer = await client.create_customer(Customer(
        email="addr@example.com", firstname="Bob", lastname="Stone", website_id=1,
        addresses=(
            CustomerAddress(firstname="Bob", lastname="Stone", street=("5 Broadway",),
                            city="New York", postcode="10004", country_id="US",
                            telephone="2125550100", region_id=43, default_billing=True),
            CustomerAddress(firstname="Bob", lastname="Stone", street=("1 Rue X",),
                            city="Paris", postcode="75001", country_id="FR",
                            telephone="0140000000", default_shipping=True),
        )))
    assert customer.id and customer.addresses and len(customer.addresses) == 2
    billing = await client.get_default_billing_address(customer.id)
    shipping = await client.get_default_shipping_address(customer.id)
    assert billing is not None and billing.city == "New York"
    assert shipping is not None and shipping.city == "Paris"
    assert shipping.region is not None and shipping.region.region_id == 0
    address_id = shipping.id or 0
    one = await client.get_customer_address(address_id)
    assert one.customer_id == customer.id
    assert await client.delete_customer_address(address_id) is True
    with pytest.raises(NotFoundError):
        await client.get_customer_address(address_id)
    left = await client.get_customer(customer.id)
    assert left.addresses is not None and len(left.addresses) == 1
