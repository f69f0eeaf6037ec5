"""Fixtures: a fake Magento served on a loopback port, and clients for each auth mode."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from magodoo._http import Exchange, RetryPolicy
from magodoo.magento import AdminTokenAuth, MagentoClient, OAuth1Auth
from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento

from .schema_check import check

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"

FAST = RetryPolicy(max_tries=4, base=0.0, max_wait=0.0, jitter=False)


async def _no_sleep(_: float) -> None:
    return None


@pytest.fixture
def fake() -> FakeMagento:
    return FakeMagento(seed="demo", size="small")


@pytest.fixture
async def base_url(fake: FakeMagento) -> AsyncIterator[str]:
    async with serve(fake.app) as url:
        yield url


@pytest.fixture
def captured() -> Iterator[list[Exchange]]:
    """Every exchange of the ``client``/``oauth_client`` fixtures; after the test each request
    is checked against the REST schema (operation exists, body keys known at every depth)."""
    exchanges: list[Exchange] = []
    yield exchanges
    if REFERENCE.is_dir():
        deliberate = "/V1/no-such-route"  # a test asks for it on purpose
        problems = [p for e in exchanges if deliberate not in e.url for p in check(REFERENCE, e)]
        assert not problems, "requests the schema does not describe:\n" + "\n".join(problems)


@pytest.fixture
async def client(
    fake: FakeMagento, base_url: str, captured: list[Exchange]
) -> AsyncIterator[MagentoClient]:
    """Admin-token client (the fake's admin credentials)."""
    auth = AdminTokenAuth(fake.admin_username, fake.admin_password)
    async with MagentoClient(base_url, auth=auth, retry=FAST, capture=captured.append) as c:
        c.transport.sleep = _no_sleep
        yield c


@pytest.fixture
async def oauth_client(
    fake: FakeMagento, base_url: str, captured: list[Exchange]
) -> AsyncIterator[MagentoClient]:
    """Integration client, OAuth 1.0a signed."""
    i = fake.integration
    auth = OAuth1Auth(i.consumer_key, i.consumer_secret, i.access_token, i.access_token_secret)
    async with MagentoClient(base_url, auth=auth, retry=FAST, capture=captured.append) as c:
        c.transport.sleep = _no_sleep
        yield c
