"""Authentication of the fake Magento: admin tokens, integrations (bearer, OAuth 1.0a), 2FA."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import aiohttp
import attrs
from yarl import URL

from magodoo import _oauth1
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento

TOKEN = "/rest/V1/integration/admin/token"
WEBSITES = "/rest/V1/store/websites"
NOT_AUTHORIZED = {
    "message": "The consumer isn't authorized to access %resources.",
    "parameters": {"resources": "Magento_Backend::store"},
}
BAD_SIGN_IN = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


async def _token(session: aiohttp.ClientSession, url: str, password: str = "magodoo123") -> str:
    async with session.post(url + TOKEN, json={"username": "admin", "password": password}) as r:
        assert r.status == 200, await r.text()
        token = await r.json()
    assert isinstance(token, str)
    return token


async def test_admin_token_is_a_jwt_with_lifetime(magento_session: aiohttp.ClientSession) -> None:
    clock = Clock()
    fake = FakeMagento(now=clock, token_lifetime=60.0)
    async with serve(fake.app) as url:
        token = await _token(magento_session, url)
        payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        assert payload["exp"] - payload["iat"] == 60
        assert payload["utypid"] == 2
        headers = {"Authorization": f"Bearer {token}"}
        async with magento_session.get(url + WEBSITES, headers=headers) as r:
            assert r.status == 200
        clock.moment += timedelta(seconds=61)
        async with magento_session.get(url + WEBSITES, headers=headers) as r:
            assert r.status == 401
            assert await r.json() == NOT_AUTHORIZED


async def test_wrong_password_and_lock(
    magento_url: str, magento_session: aiohttp.ClientSession
) -> None:
    for _ in range(6):
        async with magento_session.post(
            magento_url + TOKEN, json={"username": "admin", "password": "nope"}
        ) as r:
            assert r.status == 401
            assert await r.json() == {"message": BAD_SIGN_IN}
    # Locked for 30 minutes after 6 failures, even with the right password.
    async with magento_session.post(
        magento_url + TOKEN, json={"username": "admin", "password": "magodoo123"}
    ) as r:
        assert r.status == 401


async def test_token_route_requires_both_fields(
    magento_url: str, magento_session: aiohttp.ClientSession
) -> None:
    async with magento_session.post(magento_url + TOKEN, json={"username": "admin"}) as r:
        assert r.status == 400
        assert await r.json() == {
            "message": '"%fieldName" is required. Enter and try again.',
            "parameters": {"fieldName": "password"},
        }


async def test_two_factor_refuses_token(
    fake_magento: FakeMagento, magento_url: str, magento_session: aiohttp.ClientSession
) -> None:
    fake_magento.faults.two_factor = True
    async with magento_session.post(
        magento_url + TOKEN, json={"username": "admin", "password": "magodoo123"}
    ) as r:
        assert r.status == 400
        body = await r.json()
        assert (
            body["message"] == "Please use the 2fa provider-specific endpoints to obtain a token."
        )


async def test_missing_and_garbage_tokens(
    magento_url: str, magento_session: aiohttp.ClientSession
) -> None:
    async with magento_session.get(magento_url + WEBSITES) as r:
        assert r.status == 401
        assert await r.json() == NOT_AUTHORIZED
    async with magento_session.get(
        magento_url + "/rest/V1/products?searchCriteria[pageSize]=1",
        headers={"Authorization": "Bearer nonsense"},
    ) as r:
        assert r.status == 401
        assert (await r.json())["parameters"] == {"resources": "Magento_Catalog::products"}


async def test_expire_tokens_now_and_after_n_requests(
    fake_magento: FakeMagento, magento_url: str, magento_session: aiohttp.ClientSession
) -> None:
    token = await _token(magento_session, magento_url)
    headers = {"Authorization": f"Bearer {token}"}
    fake_magento.expire_tokens()
    async with magento_session.get(magento_url + WEBSITES, headers=headers) as r:
        assert r.status == 401
    fake_magento.faults.expire_tokens_after = 2
    headers = {"Authorization": f"Bearer {await _token(magento_session, magento_url)}"}
    statuses = []
    for _ in range(3):
        async with magento_session.get(magento_url + WEBSITES, headers=headers) as r:
            statuses.append(r.status)
    assert statuses == [200, 200, 401]


async def test_integration_bearer_refused_unless_enabled(
    magento_session: aiohttp.ClientSession,
) -> None:
    fake = FakeMagento()
    headers = {"Authorization": f"Bearer {fake.integration.access_token}"}
    async with serve(fake.app) as url:
        async with magento_session.get(url + WEBSITES, headers=headers) as r:
            assert r.status == 401
        fake.integration = attrs.evolve(fake.integration, bearer_enabled=True)
        async with magento_session.get(url + WEBSITES, headers=headers) as r:
            assert r.status == 200


def _oauth(fake: FakeMagento, method: str, url: str, **override: str) -> str:
    i = fake.integration
    params = _oauth1.oauth_params(i.consumer_key, i.access_token)
    params.update(override)
    query = URL(url).query
    base = _oauth1.signature_base_string(method, url, [*params.items(), *query.items()])
    params.setdefault(
        "oauth_signature", _oauth1.sign(base, i.consumer_secret, i.access_token_secret)
    )
    return _oauth1.authorization_header(params)


async def test_oauth_hmac_sha256_verified(
    fake_magento: FakeMagento, magento_url: str, magento_session: aiohttp.ClientSession
) -> None:
    url = magento_url + "/rest/V1/products?searchCriteria[pageSize]=2"
    header = _oauth(fake_magento, "GET", url)
    async with magento_session.get(url, headers={"Authorization": header}) as r:
        assert r.status == 200, await r.text()
    # The same nonce again is refused.
    async with magento_session.get(url, headers={"Authorization": header}) as r:
        assert r.status == 401
    # A signature over another URL is refused.
    other = _oauth(fake_magento, "GET", magento_url + "/rest/V1/products")
    async with magento_session.get(url, headers={"Authorization": other}) as r:
        assert r.status == 401
        assert (await r.json())["message"] == "The signature is invalid. Verify and try again."


async def test_oauth_hmac_sha1_refused(
    fake_magento: FakeMagento, magento_url: str, magento_session: aiohttp.ClientSession
) -> None:
    header = _oauth(fake_magento, "GET", magento_url + WEBSITES, oauth_signature_method="HMAC-SHA1")
    async with magento_session.get(magento_url + WEBSITES, headers={"Authorization": header}) as r:
        assert r.status == 400
        assert await r.json() == {
            "message": "Signature method %1 is not supported",
            "parameters": ["HMAC-SHA1"],
        }


async def test_oauth_wrong_secret(magento_session: aiohttp.ClientSession) -> None:
    fake = FakeMagento()
    async with serve(fake.app) as url:
        header = _oauth(fake, "GET", url + WEBSITES)
        fake.integration = attrs.evolve(fake.integration, consumer_secret="changed")
        async with magento_session.get(url + WEBSITES, headers={"Authorization": header}) as r:
            assert r.status == 401
