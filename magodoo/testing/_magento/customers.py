"""Magento_Customer: customers and their address book.

As recorded on 2.4.6: ``default_billing``/``default_shipping`` are string address ids; the
address-level ``default_billing: true`` appears only on the default addresses; an address
without a region reads back with a null ``region`` block (``region_id: 0``) and no top-level
``region_id`` (recorded: ``36``, ``40``); an address Magento finds invalid (an unknown
``country_id``, a ``region_id`` of another country) is dropped without a word, the customer saved
with the others (recorded: ``81``, 200 with ``addresses: []``); a PUT with an
``addresses`` list deletes the addresses it leaves out and keeps the ids it sends, a PUT without
the key keeps them all; a duplicate e-mail in the website is 400.
"""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.directory import is_country
from magodoo.testing._magento.routing import Call, Router
from magodoo.testing._magento.sales_regions import region
from magodoo.testing._magento.search import search
from magodoo.testing._magento.state import Row, State

CUSTOMERS = "customers"
ADDRESSES = "customer_addresses"
SECRETS = "customer_secrets"  # customer id -> {"id", "hash"}; never rendered
RESOURCE = "Magento_Customer::manage"
DUPLICATE_EMAIL = "A customer with the same email address already exists in an associated website."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ADDRESS_FIELDS = (
    "country_id",
    "street",
    "company",
    "telephone",
    "fax",
    "postcode",
    "city",
    "firstname",
    "lastname",
    "middlename",
    "prefix",
    "suffix",
    "vat_id",
)
_CUSTOMER_FIELDS = (
    "confirmation",
    "dob",
    "email",
    "firstname",
    "lastname",
    "middlename",
    "prefix",
    "suffix",
    "gender",
    "store_id",
    "taxvat",
    "website_id",
)


def _hash(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def authenticate(state: State, email: str, password: str) -> int | None:
    """The id of the customer with this e-mail and password, or None."""
    for customer in state.table(CUSTOMERS):
        if str(customer["email"]).lower() == email.lower():
            secret = state.table(SECRETS).get(customer["id"])
            if secret is not None and secret["hash"] == _hash(password):
                return int(customer["id"])
    return None


def check_password(password: str, email: str) -> None:
    """``AccountManagement::checkPasswordStrength`` with the default settings (8 characters,
    3 classes of characters)."""
    if len(password) < 8:
        raise errors.bad_request(
            "The password needs at least %1 characters. Create a new password and try again.", [8]
        )
    if password != password.strip():
        raise errors.bad_request(
            "The password can't begin or end with a space. Verify the password and try again."
        )
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < 3:
        raise errors.bad_request(
            "Minimum of different classes of characters in password is %1. Classes of characters: "
            "Lower Case, Upper Case, Digits, Special Characters.",
            [3],
        )
    if password.lower() == email.lower():
        raise errors.bad_request(
            "The password can't be the same as the email address. Create a new password and try "
            "again."
        )


def _region_block(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    given = data.get("region")
    rid = data.get("region_id")
    if rid in (None, "") and isinstance(given, dict):
        rid = given.get("region_id")
    region_id = int(rid or 0)
    known = region(region_id)
    if known is not None:
        return {"region_code": known[1], "region": known[2], "region_id": region_id}, region_id
    if isinstance(given, dict) and (given.get("region") or given.get("region_code")):
        return {
            "region_code": given.get("region_code"),
            "region": given.get("region"),
            "region_id": region_id,
        }, region_id
    return {"region_code": None, "region": None, "region_id": 0}, 0


def is_valid_address(data: dict[str, Any]) -> bool:
    """Whether Magento keeps this address: a known country, and a region (when given by id) of
    that country. Invalid ones are dropped without an error (recorded: ``81``)."""
    country_id = data.get("country_id")
    if not is_country(country_id):
        return False
    given = data.get("region")
    rid = data.get("region_id")
    if rid in (None, "", 0) and isinstance(given, dict):
        rid = given.get("region_id")
    try:
        known = region(int(rid or 0))
    except (TypeError, ValueError):
        return False
    return known is None or known[0] == country_id


def _address_row(data: dict[str, Any], customer_id: int, address_id: int | None) -> Row:
    for field in ("firstname", "lastname", "street", "city", "country_id", "telephone"):
        if data.get(field) in (None, "", []):
            raise errors.required(field)
    block, region_id = _region_block(data)
    row: Row = {"id": address_id, "customer_id": customer_id, "region": block}
    if region_id:
        row["region_id"] = region_id
    for field in _ADDRESS_FIELDS:
        if data.get(field) not in (None, ""):
            row[field] = list(data[field]) if field == "street" else data[field]
    return row


def render_address(state: State, address: Row) -> Row:
    out = copy.deepcopy(address)
    customer = state.table(CUSTOMERS).get(address["customer_id"])
    if customer is not None:
        if customer.get("default_shipping") == str(address["id"]):
            out["default_shipping"] = True
        if customer.get("default_billing") == str(address["id"]):
            out["default_billing"] = True
    return out


def render(state: State, customer: Row) -> Row:
    """A customer as the API answers it (address book included, secrets left out)."""
    out: Row = {}
    for key, value in customer.items():
        if key == "extension_attributes":
            continue
        if value is not None:
            out[key] = copy.deepcopy(value)
    out["addresses"] = [
        render_address(state, a)
        for a in state.table(ADDRESSES)
        if a["customer_id"] == customer["id"]
    ]
    out["disable_auto_group_change"] = customer.get("disable_auto_group_change", 0)
    out["extension_attributes"] = copy.deepcopy(
        customer.get("extension_attributes") or {"is_subscribed": False}
    )
    return out


def get_customer(state: State, customer_id: int) -> Row:
    customer = state.table(CUSTOMERS).get(customer_id)
    if customer is None:
        raise errors.no_such_entity("customerId", customer_id)
    return customer


def _check_email(state: State, email: Any, website_id: int, exclude: int | None) -> str:
    if not isinstance(email, str) or not _EMAIL.match(email):
        raise errors.bad_request('"Email" is not a valid email address.')
    for other in state.table(CUSTOMERS):
        if (
            other["id"] != exclude
            and str(other["email"]).lower() == email.lower()
            and int(other.get("website_id") or 1) == website_id
        ):
            raise errors.bad_request(DUPLICATE_EMAIL)
    return email


def _save_addresses(state: State, customer: Row, addresses: list[dict[str, Any]]) -> None:
    """Replace the address book by ``addresses`` (ids kept), then set the defaults."""
    table = state.table(ADDRESSES)
    cid = customer["id"]
    kept: set[int] = set()
    rows: list[tuple[Row, dict[str, Any]]] = []
    for data in addresses:
        aid = data.get("id")
        if aid is not None:
            old = table.get(int(aid))
            if old is None or old["customer_id"] != cid:
                raise errors.no_such_entity("addressId", int(aid))
            aid = int(aid)
        row = _address_row(data, cid, aid)  # a missing required field is still a 400
        if is_valid_address(data):
            rows.append((row, data))
    for row, data in rows:
        if row["id"] is None:
            row["id"] = table.next_id()
        table.rows[row["id"]] = row
        kept.add(row["id"])
        for flag in ("default_billing", "default_shipping"):
            if data.get(flag) is True:
                customer[flag] = str(row["id"])
    for old in table:
        if old["customer_id"] == cid and old["id"] not in kept:
            table.remove(old["id"])
    for flag in ("default_billing", "default_shipping"):
        value = customer.get(flag)
        if value is not None and int(value) not in kept:
            customer[flag] = None


def create_customer(state: State, data: dict[str, Any], password: str | None = None) -> Row:
    """Save a new customer (``POST /V1/customers``) and return the stored row."""
    for field in ("email", "firstname", "lastname"):
        if data.get(field) in (None, ""):
            raise errors.required(field)
    website_id = int(data.get("website_id") or 1)
    _check_email(state, data["email"], website_id, None)
    if password is not None:
        check_password(password, str(data["email"]))
    table = state.table(CUSTOMERS)
    now = state.timestamp()
    customer: Row = {
        "id": table.next_id(),
        "group_id": int(data.get("group_id") or 1),
        "default_billing": None,
        "default_shipping": None,
        "created_at": now,
        "updated_at": now,
        "created_in": "Default Store View",
    }
    for field in _CUSTOMER_FIELDS:
        if data.get(field) is not None:
            customer[field] = data[field]
    customer["store_id"] = int(data.get("store_id") or 1)
    customer["website_id"] = website_id
    customer["disable_auto_group_change"] = int(data.get("disable_auto_group_change") or 0)
    customer["extension_attributes"] = {
        "is_subscribed": bool((data.get("extension_attributes") or {}).get("is_subscribed", False))
    }
    table.rows[customer["id"]] = customer
    try:
        _save_addresses(state, customer, list(data.get("addresses") or []))
    except errors.MagentoError:
        table.remove(customer["id"])
        raise
    if password:
        state.table(SECRETS).rows[customer["id"]] = {"id": customer["id"], "hash": _hash(password)}
    return customer


def update_customer(state: State, customer_id: int, data: dict[str, Any]) -> Row:
    """``PUT /V1/customers/{id}``: fields replaced; ``addresses`` replaces the book when sent."""
    customer = get_customer(state, customer_id)
    website_id = int(data.get("website_id") or customer.get("website_id") or 1)
    if "email" in data:
        _check_email(state, data["email"], website_id, customer_id)
    for field in _CUSTOMER_FIELDS:
        if field in data and data[field] is not None:
            customer[field] = data[field]
    if data.get("group_id") is not None:
        customer["group_id"] = int(data["group_id"])
    for flag in ("default_billing", "default_shipping"):
        if data.get(flag) not in (None, ""):
            customer[flag] = str(data[flag])
    ext = data.get("extension_attributes")
    if isinstance(ext, dict) and "is_subscribed" in ext:
        customer["extension_attributes"] = {"is_subscribed": bool(ext["is_subscribed"])}
    if "addresses" in data and data["addresses"] is not None:
        _save_addresses(state, customer, list(data["addresses"]))
    customer["updated_at"] = state.timestamp()
    return customer


# What a customer search filters and sorts on: the customer's own keys, the entity's columns
# and the default billing address fields CustomerRepository::getList joins.
_SEARCH_FIELDS = frozenset({
    "id", "entity_id", "group_id", "default_billing", "default_shipping", "confirmation",
    "created_at", "updated_at", "created_in", "dob", "email", "firstname", "lastname",
    "middlename", "prefix", "suffix", "gender", "store_id", "taxvat", "website_id",
    "disable_auto_group_change", "is_active", "billing_postcode", "billing_city",
    "billing_telephone", "billing_region", "billing_country_id", "billing_company",
})


def _customer_field(state: State, row: Row, field: str) -> Any:
    if field == "entity_id":
        return row["id"]
    if field.startswith("billing_"):
        aid = row.get("default_billing")
        address = state.table(ADDRESSES).get(int(aid)) if aid else None
        if address is None:
            return None
        if field == "billing_region":
            return (address.get("region") or {}).get("region")
        return address.get(field.removeprefix("billing_"))
    if field == "is_active":
        return 1
    return row.get(field)


def register(r: Router) -> None:
    @r.post("/V1/customers", resource=RESOURCE, auth="anonymous")
    def create(call: Call) -> Any:
        data = dict(call.arg("customer") or {})
        data.pop("id", None)
        customer = create_customer(call.state, data, call.arg("password"))
        return render(call.state, customer)

    @r.get("/V1/customers/search", resource=RESOURCE, criteria=True)
    def search_customers(call: Call) -> Any:
        return search(
            call.state.table(CUSTOMERS).values(),
            call.criteria,
            get=lambda row, field: _customer_field(call.state, row, field),
            fields=lambda field: field in _SEARCH_FIELDS,
            unknown_field=errors.invalid_attribute_name,
            render=lambda row: render(call.state, row),
        )

    @r.get("/V1/customers/addresses/{addressId}", resource=RESOURCE)
    def get_address(call: Call) -> Any:
        aid = call.path_int("addressId")
        address = call.state.table(ADDRESSES).get(aid)
        if address is None:
            raise errors.no_such_entity("addressId", aid)
        return render_address(call.state, address)

    @r.delete("/V1/addresses/{addressId}", resource=RESOURCE)
    def delete_address(call: Call) -> Any:
        aid = call.path_int("addressId")
        address = call.state.table(ADDRESSES).remove(aid)
        if address is None:
            raise errors.no_such_entity("addressId", aid)
        customer = call.state.table(CUSTOMERS).get(address["customer_id"])
        if customer is not None:
            for flag in ("default_billing", "default_shipping"):
                if customer.get(flag) == str(aid):
                    customer[flag] = None
        return True

    @r.get("/V1/customers/{customerId}", resource=RESOURCE)
    def get(call: Call) -> Any:
        return render(call.state, get_customer(call.state, call.path_int("customerId")))

    @r.put("/V1/customers/{customerId}", resource=RESOURCE)
    def update(call: Call) -> Any:
        data = dict(call.arg("customer") or {})
        cid = call.path_int("customerId")  # the URL id wins over the body's (force="true")
        return render(call.state, update_customer(call.state, cid, data))

    @r.delete("/V1/customers/{customerId}", resource=RESOURCE)
    def delete(call: Call) -> Any:
        cid = call.path_int("customerId")
        get_customer(call.state, cid)
        call.state.table(CUSTOMERS).remove(cid)
        call.state.table(SECRETS).remove(cid)
        for address in call.state.table(ADDRESSES):
            if address["customer_id"] == cid:
                call.state.table(ADDRESSES).remove(address["id"])
        return True

    def _default(call: Call, flag: str) -> Any:
        customer = get_customer(call.state, call.path_int("customerId"))
        aid = customer.get(flag)
        address = call.state.table(ADDRESSES).get(int(aid)) if aid else None
        return None if address is None else render_address(call.state, address)

    @r.get("/V1/customers/{customerId}/billingAddress", resource=RESOURCE)
    def billing(call: Call) -> Any:
        return _default(call, "default_billing")

    @r.get("/V1/customers/{customerId}/shippingAddress", resource=RESOURCE)
    def shipping(call: Call) -> Any:
        return _default(call, "default_shipping")
