from __future__ import annotations

from typing import Any

import pytest

from magodoo.exceptions import MappingError
from magodoo.magento.models_customers import Customer
from magodoo.mapping.partners import (
    PartnerContext,
    codes_needed,
    customer_to_partner,
    email_key,
)

CTX = PartnerContext(countries={"US": 233, "FR": 75}, states={("US", "TX"): 52})


def customer(**extra: Any) -> Customer:
    data: dict[str, Any] = {
        "id": 1, "email": " Jane.Doe@Example.com ", "firstname": "Jane", "lastname": "Doe",
        "default_billing": "1", "default_shipping": "2", "updated_at": "2026-11-27 05:18:35",
        "addresses": [
            {"id": 1, "customer_id": 1, "region": {"region_code": "TX", "region": "Texas",
                                                   "region_id": 57},
             "region_id": 57, "country_id": "US", "street": ["1 Main St", "Apt 2"],
             "telephone": "5125550100", "postcode": "78701", "city": "Austin",
             "firstname": "Jane", "lastname": "Doe", "default_billing": True},
            {"id": 2, "customer_id": 1, "region": {"region_code": None, "region": None,
                                                   "region_id": 0},
             "country_id": "FR", "street": ["10 Rue de Rivoli"], "telephone": "0140000000",
             "postcode": "75001", "city": "Paris", "firstname": "Jean", "lastname": "Doe",
             "default_shipping": True},
        ],
    }
    data.update(extra)
    return Customer.from_api(data)


def test_customer_becomes_partner_with_invoice_and_delivery_children() -> None:
    mapped = customer_to_partner(customer(), CTX)
    assert mapped.email == "jane.doe@example.com"
    v = mapped.values
    assert v["name"] == "Jane Doe"
    assert v["type"] == "contact"
    assert v["ref"] == "MAGE-CUST-1"
    assert (v["street"], v["street2"], v["city"], v["zip"]) == ("1 Main St", "Apt 2", "Austin",
                                                                "78701")
    assert (v["country_id"], v["state_id"]) == (233, 52)
    invoice, delivery = mapped.addresses
    assert invoice.values["type"] == "invoice"
    assert invoice.ref == "MAGE-ADDR-1"
    assert delivery.values["type"] == "delivery"
    assert delivery.values["name"] == "Jean Doe"
    assert (delivery.values["country_id"], delivery.values["state_id"]) == (75, False)
    assert delivery.values["street2"] is False


def test_create_values_use_zero_commands() -> None:
    vals = customer_to_partner(customer(), CTX).create_values()
    assert vals["customer_rank"] == 1
    assert [c[:2] for c in vals["child_ids"]] == [(0, 0), (0, 0)]


def test_write_values_update_add_and_archive_never_delete() -> None:
    mapped = customer_to_partner(customer(), CTX)
    vals = mapped.write_values({"MAGE-ADDR-1": 45}, stale=[47])
    commands = vals["child_ids"]
    assert commands[0][:2] == (1, 45)
    assert commands[1][:2] == (0, 0)
    assert commands[2] == (1, 47, {"active": False})
    assert all(c[0] in (0, 1) for c in commands)  # no (2, id) delete, no (3, id) unlink
    assert "customer_rank" not in vals


def test_unknown_state_code_leaves_state_empty() -> None:
    ctx = PartnerContext(countries={"US": 233, "FR": 75}, states={})
    mapped = customer_to_partner(customer(), ctx)
    assert mapped.values["state_id"] is False


def test_unknown_country_names_the_field() -> None:
    ctx = PartnerContext(countries={"US": 233})
    with pytest.raises(MappingError) as info:
        customer_to_partner(customer(), ctx)
    assert info.value.field == "addresses[1].country_id"
    assert info.value.record == 1
    assert "'FR'" in str(info.value)


def test_missing_email_names_the_field() -> None:
    with pytest.raises(MappingError) as info:
        customer_to_partner(customer(email=None), CTX)
    assert info.value.field == "email"


def test_customer_without_addresses() -> None:
    mapped = customer_to_partner(customer(addresses=[], default_billing=None), CTX)
    assert mapped.addresses == ()
    assert mapped.values["country_id"] is False


def test_hash_input_is_order_independent_and_changes_with_address() -> None:
    from magodoo.engine.echo import payload_hash

    a = customer_to_partner(customer(), CTX).hashable()
    b = customer_to_partner(customer(), CTX).hashable()
    assert payload_hash(a) == payload_hash(b)
    moved = customer()
    data = moved.to_api()
    data["addresses"][1]["city"] = "Lyon"
    c = customer_to_partner(Customer.from_api(data), CTX).hashable()
    assert payload_hash(a) != payload_hash(c)


def test_codes_needed() -> None:
    countries, states = codes_needed([customer()])
    assert countries == {"US", "FR"}
    assert states == {("US", "TX")}


def test_email_key() -> None:
    assert email_key("  A@B.c ") == "a@b.c"
    assert email_key("") is None
    assert email_key(None) is None
