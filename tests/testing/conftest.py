"""Fixtures shared by the tests of the fakes (add fixtures; do not change others')."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento


@pytest.fixture
def fake_magento() -> FakeMagento:
    """A fresh fake Magento store (empty catalog, as the recorded store started)."""
    return FakeMagento()


@pytest.fixture
async def magento_url(fake_magento: FakeMagento) -> AsyncIterator[str]:
    """The base URL of ``fake_magento`` served on loopback (``{url}/rest/V1/...``)."""
    async with serve(fake_magento.app) as url:
        yield url


@pytest.fixture
async def magento_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def admin_headers(fake_magento: FakeMagento) -> dict[str, str]:
    """``Authorization: Bearer <admin token>`` for ``fake_magento``."""
    return {"Authorization": f"Bearer {fake_magento.admin_token()}"}
