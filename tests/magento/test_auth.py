"""Each way of signing in, against the fake Magento, and that no secret leaks."""

from __future__ import annotations

import asyncio
import logging

import attrs
import pytest

from magodoo._http import Exchange
from magodoo.exceptions import AuthenticationError, TwoFactorRequiredError, ValidationError
from magodoo.magento import (
    AdminTokenAuth,
    BearerTokenAuth,
    Customer,
    MagentoClient,
    OAuth1Auth,
    Product,
    SearchCriteria,
    custom_attributes,
)
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento

TOKEN_ROUTE = "POST /V1/integration/admin/token"


async def test_admin_token_is_fetched_once(client: MagentoClient, fake: FakeMagento) -> None:
    await client.list_websites()
    await client.list_store_views()
    assert fake.counters[TOKEN_ROUTE] == 1


async def test_admin_token_refreshed_once_after_expiry(
    client: MagentoClient, fake: FakeMagento
) -> None:
    await client.list_websites()
    fake.expire_tokens()
    views = await client.list_store_views()  # 401, new token, same call again
    assert views
    assert fake.counters[TOKEN_ROUTE] == 2
    assert fake.counters["GET /V1/store/storeViews"] == 2


async def test_admin_token_expiring_after_n_uses(client: MagentoClient,
                                                 fake: FakeMagento) -> None:
    fake.faults.expire_tokens_after = 2
    for _ in range(5):
        await client.list_websites()
    assert fake.counters[TOKEN_ROUTE] == 3


async def test_refresh_does_not_loop(fake: FakeMagento, base_url: str) -> None:
    fake.faults.expire_tokens_after = 0  # every token dies on first use
    auth = AdminTokenAuth(fake.admin_username, fake.admin_password)
    async with MagentoClient(base_url, auth=auth) as c:
        with pytest.raises(AuthenticationError) as info:
            await c.list_websites()
    assert info.value.status == 401
    assert fake.counters[TOKEN_ROUTE] == 2
    assert fake.counters["GET /V1/store/websites"] == 2


async def test_bad_admin_password(fake: FakeMagento, base_url: str) -> None:
    auth = AdminTokenAuth(fake.admin_username, "wrong-password")
    async with MagentoClient(base_url, auth=auth) as c:
        with pytest.raises(AuthenticationError) as info:
            await c.list_websites()
    assert "sign-in was incorrect" in info.value.message
    assert "wrong-password" not in str(info.value)
    assert "wrong-password" not in repr(info.value.body)


async def test_two_factor_refusal(fake: FakeMagento, base_url: str) -> None:
    fake.faults.two_factor = True
    auth = AdminTokenAuth(fake.admin_username, fake.admin_password)
    async with MagentoClient(base_url, auth=auth) as c:
        with pytest.raises(TwoFactorRequiredError) as info:
            await c.list_websites()
    assert "integration" in str(info.value)
    assert isinstance(info.value, AuthenticationError)
    assert fake.counters[TOKEN_ROUTE] == 1


async def test_oauth1_signature_accepted(oauth_client: MagentoClient, fake: FakeMagento) -> None:
    websites = await oauth_client.list_websites()
    assert websites
    # query parameters take part in the signature
    page = await oauth_client.search_customers(
        SearchCriteria().where("email", "%@%", "like").order_by("email").page(2))
    assert page.total_count >= 0
    assert fake.counters[TOKEN_ROUTE] == 0


async def test_oauth1_wrong_secret_refused(fake: FakeMagento, base_url: str) -> None:
    i = fake.integration
    auth = OAuth1Auth(i.consumer_key, "not-the-secret-0000", i.access_token,
                      i.access_token_secret)
    async with MagentoClient(base_url, auth=auth) as c:
        with pytest.raises((AuthenticationError, ValidationError)) as info:
            await c.list_websites()
    assert "not-the-secret-0000" not in str(info.value)


async def test_bearer_integration_token(base_url: str, fake: FakeMagento) -> None:
    async with MagentoClient(base_url, auth=BearerTokenAuth(fake.integration.access_token)) as c:
        with pytest.raises(AuthenticationError):
            await c.list_websites()  # off by default, as on a real 2.4.4+
    fake.integration = attrs.evolve(fake.integration, bearer_enabled=True)
    async with MagentoClient(base_url, auth=BearerTokenAuth(fake.integration.access_token)) as c:
        assert await c.list_websites()


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


async def test_no_secret_in_captures_logs_or_errors(
    fake: FakeMagento, base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    exchanges: list[Exchange] = []
    errors: list[str] = []
    tokens: list[str] = []
    i = fake.integration
    secrets = [fake.admin_password, i.consumer_secret, i.access_token_secret, i.access_token,
               i.consumer_key, "Cust0mer-Passw0rd"]

    admin = AdminTokenAuth(fake.admin_username, fake.admin_password)
    oauth = OAuth1Auth(i.consumer_key, i.consumer_secret, i.access_token, i.access_token_secret)
    for auth in (admin, oauth):
        async with MagentoClient(base_url, auth=auth, capture=exchanges.append) as c:
            c.transport.sleep = _no_sleep
            await c.list_websites()
            fake.faults.fail_next = [503]
            await c.list_store_views()  # a retry is logged
            await c.create_customer(Customer(email=f"{id(auth)}@example.com", firstname="S",
                                             lastname="T", website_id=1),
                                    password="Cust0mer-Passw0rd")
            try:
                await c.get_customer(999999)
            except Exception as exc:
                errors.append(f"{exc} {exc!r} {getattr(exc, 'body', '')}")
            if auth is admin:
                fake.expire_tokens()
                await c.list_websites()
                tokens.extend(admin.secrets()[1:])
    async with MagentoClient(base_url, auth=AdminTokenAuth("admin", "Wr0ng-Passw0rd!")) as c:
        try:
            await c.list_websites()
        except AuthenticationError as exc:
            errors.append(f"{exc} {exc!r} {exc.body}")
    secrets += ["Wr0ng-Passw0rd!", *tokens]
    assert tokens, "the admin token should have been seen"
    assert len(exchanges) >= 10
    for exchange in exchanges:
        assert not _leaks(str(exchange), secrets), exchange
    assert any(e.url.endswith("/V1/integration/admin/token") for e in exchanges)
    assert not _leaks(caplog.text, secrets)
    assert errors and not any(_leaks(e, secrets) for e in errors)
    assert not _leaks(repr(admin) + repr(oauth), secrets)


async def _no_sleep(_: float) -> None:
    return None


async def test_auth_objects_can_be_shared_between_servers(fake: FakeMagento) -> None:
    auth = BearerTokenAuth(fake.admin_token())
    async with serve(fake.app) as url, MagentoClient(url, auth=auth) as c:
        assert await c.list_websites()


@pytest.mark.parametrize("sku", ["SKU A#1", "Ünï-çødé", "a+b&c=d?e"])
async def test_oauth1_signs_odd_paths_and_queries(oauth_client: MagentoClient, sku: str) -> None:
    saved = await oauth_client.save_product(Product(
        sku=sku, name=f"Odd {sku}", attribute_set_id=4, price=1, type_id="simple",
        custom_attributes=custom_attributes({"url_key": f"odd-{len(sku)}-{ord(sku[0])}"})))
    assert saved.sku == sku
    assert (await oauth_client.get_product(sku)).sku == sku
    page = await oauth_client.list_products(SearchCriteria().where("sku", sku))
    assert [p.sku for p in page.items] == [sku]


async def test_concurrent_calls_refresh_the_token_once(client: MagentoClient,
                                                       fake: FakeMagento) -> None:
    await client.list_websites()
    fake.expire_tokens()
    results = await asyncio.gather(*(client.list_store_views() for _ in range(10)))
    assert all(results)
    assert fake.counters[TOKEN_ROUTE] == 2


AWKWARD = [
    "Jane Doe", "2026-12-07 02:55:12", "a+b", "100%", "x&y=z", "a=b", "é", "Zoë Straße 東京",
    ":/?#[]@", "!$'()*,;", "  two  spaces ", "+ +",
]


@pytest.mark.parametrize("value", AWKWARD)
async def test_oauth1_search_values_signed_and_read_back_intact(
    oauth_client: MagentoClient, value: str
) -> None:
    page = await oauth_client.search_customers(
        SearchCriteria().where("lastname", value).where("updated_at", "2026-12-07 02:55:12",
                                                        "gteq").page(5))
    assert page.search_criteria is not None
    groups = page.search_criteria["filter_groups"]
    assert groups[0]["filters"][0]["value"] == value  # the store read what was meant


async def test_oauth1_query_sent_without_plus(
    fake: FakeMagento, base_url: str
) -> None:
    seen: list[Exchange] = []
    i = fake.integration
    auth = OAuth1Auth(i.consumer_key, i.consumer_secret, i.access_token, i.access_token_secret)
    async with MagentoClient(base_url, auth=auth, capture=seen.append) as c:
        await c.search_customers(SearchCriteria().where("lastname", "Jane Doe+Co").page(1))
    query = seen[-1].url.partition("?")[2]
    assert "+" not in query and "Jane%20Doe%2BCo" in query


@pytest.mark.parametrize("sku", ["A B", "A+B", "A/B#C?", "Café 50%", "x&y=z"])
async def test_oauth1_path_segments_signed(oauth_client: MagentoClient, sku: str) -> None:
    from magodoo.exceptions import NotFoundError

    with pytest.raises(NotFoundError):  # signature accepted; no such product
        await oauth_client.get_product(sku, store_id=0)
