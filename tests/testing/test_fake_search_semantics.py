"""Issue 20: the searches where the fakes differed from a real Magento 2.4.6 and a real Odoo 18,
one test per row of the issue's table, and the Magento client refusing an unknown search field
before sending."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from magodoo.exceptions import ConfigurationError
from magodoo.magento import BearerTokenAuth, Filter, MagentoClient, SearchCriteria
from magodoo.testing import FakeMagento, FakeOdoo, serve

SEARCH = "searchCriteria[filter_groups][0][filters][0]"


@pytest.fixture
async def shop() -> AsyncIterator[tuple[FakeMagento, str, aiohttp.ClientSession, dict[str, str]]]:
    fake = FakeMagento()
    async with serve(fake.app) as url, aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {fake.admin_token()}"}
        for n, city in enumerate(("Lyon", "Paris")):
            customer = {"email": f"c{n}@example.com", "firstname": "C", "lastname": str(n),
                        "addresses": [{"firstname": "C", "lastname": str(n), "street": ["1 R"],
                                       "city": city, "postcode": "1", "country_id": "FR",
                                       "telephone": "1", "default_billing": True}]}
            async with session.post(f"{url}/rest/V1/customers", json={"customer": customer},
                                    headers=headers) as resp:
                assert resp.status == 200
        yield fake, url, session, headers


async def _search(shop: Any, field: str, value: str, condition: str) -> tuple[int, Any]:
    _fake, url, session, headers = shop
    params = {f"{SEARCH}[field]": field, f"{SEARCH}[value]": value,
              f"{SEARCH}[condition_type]": condition}
    async with session.get(f"{url}/rest/V1/customers/search", params=params,
                           headers=headers) as resp:
        return resp.status, await resp.json()


async def test_magento_unknown_search_field_is_a_400(shop: Any) -> None:
    status, body = await _search(shop, "no_such_field", "1", "eq")
    assert status == 400
    assert body == {"message": 'The "%1" attribute name is invalid. Reset the name and try again.',
                    "parameters": ["no_such_field"]}
    # the fields CustomerRepository::getList joins are known
    status, body = await _search(shop, "billing_city", "Paris", "eq")
    assert status == 200 and [c["lastname"] for c in body["items"]] == ["1"]


async def test_magento_unknown_condition_type_is_applied_as_eq(shop: Any) -> None:
    status, body = await _search(shop, "email", "c1@example.com", "bogus")
    assert status == 200
    assert [c["email"] for c in body["items"]] == ["c1@example.com"]
    assert body["search_criteria"]["filter_groups"][0]["filters"][0]["condition_type"] == "bogus"


async def test_magento_client_refuses_an_unknown_field_before_sending(shop: Any) -> None:
    fake, url, _session, headers = shop
    sent = fake.total_requests
    auth = BearerTokenAuth(headers["Authorization"].removeprefix("Bearer "))
    async with MagentoClient(url, auth=auth) as client:
        with pytest.raises(ConfigurationError, match="'no_such_field' for Customer"):
            await client.search_customers(SearchCriteria().where("no_such_field", 1))
        with pytest.raises(ConfigurationError, match="'emial'"):
            client.iter_customers(SearchCriteria().where_any(Filter("emial", "x")))
        with pytest.raises(ConfigurationError, match="'updatedat'"):
            await client.search_customers(SearchCriteria().order_by("updatedat"))
        assert fake.total_requests == sent  # nothing was sent
        page = await client.search_customers(
            SearchCriteria().where("billing_city", "Lyon").order_by("entity_id"))
        assert [c.lastname for c in page.items] == ["0"]


@pytest.fixture
async def erp() -> AsyncIterator[tuple[aiohttp.ClientSession, str, FakeOdoo]]:
    fake = FakeOdoo(seed="demo")
    async with serve(fake.app) as url, aiohttp.ClientSession() as session:
        yield session, url, fake


async def _rpc(erp: Any, model: str, method: str, args: list[Any],
               kwargs: dict[str, Any] | None = None) -> Any:
    session, url, fake = erp
    params = {"service": "object", "method": "execute_kw",
              "args": [fake.database, 2, fake.api_key, model, method, args, kwargs or {}]}
    async with session.post(f"{url}/jsonrpc", json={"jsonrpc": "2.0", "method": "call",
                                                    "params": params, "id": 1}) as resp:
        return await resp.json()


async def test_odoo_read_group_domain_is_in_prefix_form(erp: Any) -> None:
    answer = await _rpc(erp, "res.partner", "read_group",
                        [[["is_company", "=", True]], ["country_id"], ["country_id"]])
    groups = answer["result"]
    assert groups
    for group in groups:
        country = group["country_id"][0] if group["country_id"] else False
        assert group["__domain"] == ["&", ["is_company", "=", True], ["country_id", "=", country]]
    # no domain: the group's own term alone; two group-bys: joined by '&'
    (first, *_) = (await _rpc(erp, "res.partner", "read_group",
                              [[], ["is_company"], ["is_company"]]))["result"]
    assert first["__domain"] == [["is_company", "=", first["is_company"]]]
    (first, *_) = (await _rpc(erp, "res.partner", "read_group",
                              [[], ["is_company"], ["is_company", "type"]],
                              {"lazy": False}))["result"]
    assert first["__domain"][0] == "&" and len(first["__domain"]) == 3


async def test_odoo_search_count_with_a_string_domain_is_an_assertion_error(erp: Any) -> None:
    answer = await _rpc(erp, "res.partner", "search_count", ["is_company = True"])
    data = answer["error"]["data"]
    assert data["name"] == "builtins.AssertionError"
    assert data["message"] == ("Domains to normalize must have a 'domain' form: a list or tuple "
                               "of domain components")
