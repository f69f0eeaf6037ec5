"""Issue 8, "real answers are looser than Adobe's schema": nulls where the schema names a scalar,
``status: null``, third-party extension attributes, and one unreadable record in a page failing
alone (payloads written with the shapes a production 2.4.x store sent)."""

from __future__ import annotations

from typing import Any

import pytest

from magodoo.exceptions import MappingError
from magodoo.magento import (
    AddressesDroppedError,
    Customer,
    CustomerAddress,
    MagentoClient,
    Order,
    PartialPageError,
    SearchCriteria,
    TaxRule,
)
from magodoo.testing.fake_magento import FakeMagento

ORDER: dict[str, Any] = {
    "entity_id": 4102, "increment_id": "000004102", "state": "complete", "status": None,
    "base_grand_total": 42.5, "customer_email": "a@example.com",
    "payment": {
        "method": "braintree", "amount_paid": 42.5,
        "additional_information": ["95544", "293840", None, None, "0", None, "[]", "Visa"],
    },
    "extension_attributes": {
        "celigo_sales_order": {"netsuite_id": "SO-1", "synced": True},
        "rewards_points_spent": 120, "rewards_discount": "-1.20",
        "mdosc_extra_fee": {"amount": "2.00", "label": None},
    },
    "items": [{"item_id": 1, "sku": "S1", "qty_ordered": 1, "product_option": None}],
}


def test_nulls_in_string_arrays_are_kept_as_none() -> None:
    order = Order.from_api(ORDER)
    assert order.payment is not None
    assert order.payment.additional_information == (
        "95544", "293840", None, None, "0", None, "[]", "Visa")
    assert order.to_api()["payment"]["additional_information"] == \
        ORDER["payment"]["additional_information"]
    address = CustomerAddress.from_api({"id": 1, "street": ["1 Main St", None], "city": None})
    assert address.street == ("1 Main St", None) and address.city is None
    rule = TaxRule.from_api({"id": 3, "code": "r", "tax_rate_ids": [1, None]})
    assert rule.tax_rate_ids == (1, None)


def test_status_null_is_read() -> None:
    order = Order.from_api(ORDER)
    assert order.status is None and order.state == "complete"


def test_unknown_extension_attributes_are_kept_and_readable() -> None:
    order = Order.from_api(ORDER)
    ext = order.extension_attributes or {}
    assert ext["celigo_sales_order"] == {"netsuite_id": "SO-1", "synced": True}
    assert ext["rewards_points_spent"] == 120 and ext["mdosc_extra_fee"]["label"] is None
    assert order.to_api()["extension_attributes"] == ORDER["extension_attributes"]


def test_an_unreadable_order_names_its_id_increment_id_and_field_path() -> None:
    broken = {**ORDER, "items": [{"item_id": 1, "qty_ordered": "lots"}]}
    with pytest.raises(MappingError) as caught:
        Order.from_api(broken)
    error = caught.value
    assert (error.entity, error.record, error.field) == ("Order", 4102, "$.items[0].qty_ordered")
    assert "#000004102" in str(error)


def _break(fake: FakeMagento, customer_id: int) -> None:
    """A record the real store could send and the schema does not allow."""
    fake.state.table("customers").get(customer_id)["group_id"] = {"id": 1}


async def test_one_unreadable_record_fails_alone(fake: FakeMagento,
                                                 client: MagentoClient) -> None:
    criteria = SearchCriteria().order_by("entity_id").page(5)
    before = await client.search_customers(criteria)
    ids = [c.id for c in before.items]
    assert len(ids) == 5
    _break(fake, ids[2])
    with pytest.raises(PartialPageError) as caught:
        await client.search_customers(criteria)
    error = caught.value
    assert isinstance(error, MappingError)  # callers that do not look still fail loudly
    assert [c.id for c in error.page.items] == [ids[0], ids[1], ids[3], ids[4]]
    assert all(isinstance(c, Customer) for c in error.page.items)
    (failure,) = error.failures
    assert (failure.entity, failure.record, failure.field) == ("Customer", ids[2], "$.group_id")
    # the iterator yields every readable record, then raises the failures
    seen: list[int | None] = []
    with pytest.raises(PartialPageError) as caught:
        async for customer in client.iter_customers(SearchCriteria().order_by("entity_id"),
                                                    page_size=2):
            seen.append(customer.id)
    assert ids[2] not in seen and set(ids) - {ids[2]} <= set(seen)
    assert [f.record for f in caught.value.failures] == [ids[2]]


def _customer(email: str, *countries: str) -> Customer:
    addresses = tuple(
        CustomerAddress(firstname="A", lastname="B", street=(f"{n} Main St",), city="C",
                        postcode="1", telephone="1", country_id=country)
        for n, country in enumerate(countries)
    )
    return Customer(email=email, firstname="A", lastname="B", website_id=1,
                    addresses=addresses)


async def test_a_dropped_address_is_an_error_carrying_the_saved_customer(
        fake: FakeMagento, client: MagentoClient) -> None:
    ok = await client.create_customer(_customer("kept@example.com", "US", "FR"))
    assert len(ok.addresses or ()) == 2
    with pytest.raises(AddressesDroppedError) as caught:
        await client.create_customer(_customer("zz@example.com", "US", "ZZ"))
    error = caught.value
    assert error.customer.id is not None  # it was saved: bind it, do not create it again
    assert [(i, a.country_id) for i, a in error.dropped] == [(1, "ZZ")]
    assert (error.record, error.field) == (error.customer.id, "addresses[1].country_id")
    assert "'ZZ'" in str(error)
    saved = error.customer
    assert saved.id is not None
    again = Customer(email=saved.email, firstname="A", lastname="B", website_id=1,
                     addresses=(*(saved.addresses or ()), *(_customer("x", "XX").addresses or ())))
    with pytest.raises(AddressesDroppedError):
        await client.update_customer(saved.id, again)
    untouched = await client.update_customer(saved.id, Customer(
        email=saved.email, firstname="A", lastname="C", website_id=1))
    assert untouched.lastname == "C" and len(untouched.addresses or ()) == 1
