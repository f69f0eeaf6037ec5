"""The faults both fakes share: answers lost after the commit, late commits, maintenance.

Each is checked at the client level: the client sees an unknown outcome (or a retriable
outage) while the fake did (or did not) do the work.
"""

from __future__ import annotations

import argparse
import asyncio

import pytest

from magodoo._http import RetryPolicy, Timeouts
from magodoo.exceptions import OutcomeUnknownError, RemoteError, TransportError
from magodoo.magento import BearerTokenAuth, MagentoClient
from magodoo.magento.models_catalog import Category
from magodoo.odoo import OdooClient, Partner
from magodoo.testing import _faults, serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo

FAST = RetryPolicy(max_tries=3, base=0.0, max_wait=0.0, jitter=False)


def _odoo(fake: FakeOdoo, url: str, timeout: float = 30.0) -> OdooClient:
    return OdooClient(url, fake.database, fake.login, api_key=fake.api_key, retry=FAST,
                      timeouts=Timeouts(total=timeout))


def _names(fake: FakeOdoo, name: str) -> int:
    return sum(1 for r in fake.table("res.partner").values() if r.get("name") == name)


async def _until(check: object, seconds: float = 10.0) -> None:
    """Wait (without asserting on time) until ``check()`` holds."""
    assert callable(check)
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)


async def test_odoo_answer_lost_after_commit() -> None:
    fake = FakeOdoo(seed=None)
    async with serve(fake.app) as url, _odoo(fake, url) as odoo:
        await odoo.search_count(Partner)  # logged in
        fake.faults.lose_next = 1
        with pytest.raises(OutcomeUnknownError):
            await odoo.create(Partner, [{"name": "Lost Answer"}])
    assert _names(fake, "Lost Answer") == 1  # committed, the answer lost


async def test_odoo_late_commit_lands_after_the_client_gave_up() -> None:
    fake = FakeOdoo(seed=None)
    async with serve(fake.app) as url, _odoo(fake, url, timeout=0.3) as odoo:
        await odoo.search_count(Partner)  # logged in
        fake.faults.late_by, fake.faults.late_next = 1.0, 1
        with pytest.raises(OutcomeUnknownError):
            await odoo.create(Partner, [{"name": "Late Commit"}])
        assert _names(fake, "Late Commit") == 0  # the server is still working
        await _until(lambda: _names(fake, "Late Commit") == 1)
    assert _names(fake, "Late Commit") == 1


async def test_odoo_maintenance_then_back() -> None:
    fake = FakeOdoo(seed=None)
    async with serve(fake.app) as url, _odoo(fake, url) as odoo:
        fake.faults.outage_next = 2  # reads retry through it
        assert await odoo.search_count(Partner) >= 0
        fake.faults.outage_next = 5
        with pytest.raises((TransportError, RemoteError)) as info:
            await odoo.search_count(Partner)
        assert getattr(info.value, "retriable", False)
        fake.faults.outage_next = 0
        fake.faults.outage_for(60.0)
        with pytest.raises((TransportError, RemoteError)):
            await odoo.search_count(Partner)
        fake.faults.calm()
        assert await odoo.search_count(Partner) >= 0


async def test_odoo_5xx_429_drop_faults_are_retried_on_reads() -> None:
    fake = FakeOdoo(seed=None)
    async with serve(fake.app) as url, _odoo(fake, url) as odoo:
        fake.faults.fail_next = [502, 429]
        assert await odoo.search_count(Partner) >= 0
        fake.faults.drop_next = 1
        assert await odoo.search_count(Partner) >= 0
        fake.faults.fail_next = [502]
        with pytest.raises(OutcomeUnknownError):  # a create is never retried blindly
            await odoo.create(Partner, [{"name": "Not Twice"}])
    assert _names(fake, "Not Twice") == 0


async def test_magento_answer_lost_after_commit_and_maintenance() -> None:
    fake = FakeMagento()
    async with serve(fake.app) as url, MagentoClient(
        url, auth=BearerTokenAuth(fake.admin_token()), retry=FAST
    ) as shop:
        fake.faults.lose_next = 1
        with pytest.raises(OutcomeUnknownError):
            await shop.create_category(Category(parent_id=2, name="Lost", is_active=True))
        names = [c["name"] for c in fake.state.categories.values()]
        assert names.count("Lost") == 1
        fake.faults.outage_next = 1
        assert (await shop.get_category(2)).id == 2  # a read retries through maintenance


async def test_magento_maintenance_page_and_late_commit() -> None:
    fake = FakeMagento()
    async with serve(fake.app) as url, MagentoClient(
        url, auth=BearerTokenAuth(fake.admin_token()), retry=FAST, timeouts=Timeouts(total=0.3)
    ) as shop:
        fake.faults.outage_next = 5
        with pytest.raises((TransportError, RemoteError)) as info:
            await shop.get_category(2)
        assert getattr(info.value, "retriable", False)
        assert fake.faults.outage_next == 2  # three tries met maintenance
        fake.faults.outage_next = 0
        fake.faults.late_by, fake.faults.late_rate = 1.0, 1.0
        with pytest.raises(OutcomeUnknownError):
            await shop.create_category(Category(parent_id=2, name="Late", is_active=True))

        def landed() -> bool:
            return any(c["name"] == "Late" for c in fake.state.categories.values())

        await _until(landed)
        assert landed()
        fake.faults.calm()


def test_command_line_flags() -> None:
    parser = argparse.ArgumentParser()
    _faults.add_arguments(parser)
    args = parser.parse_args(["--lose-rate", "0.2", "--late-by", "2.5", "--late-rate", "0.1",
                              "--outage-after", "30", "--outage-for", "10"])
    faults = _faults.AfterFaults()
    _faults.apply_arguments(faults, args)
    assert (faults.lose_rate, faults.late_by, faults.late_rate) == (0.2, 2.5, 0.1)
    assert faults.outage_from is not None and faults.outage_until is not None
    assert faults.outage_until - faults.outage_from == 10.0
    assert not faults.in_outage()  # it begins in 30 s


@pytest.mark.parametrize("password", ["pässwörd", "密码", "magodoo123\u00e9"])
async def test_magento_token_route_answers_401_to_a_non_ascii_password(password: str) -> None:
    import aiohttp

    fake = FakeMagento()
    async with serve(fake.app) as url, aiohttp.ClientSession() as session, session.post(
        f"{url}/rest/V1/integration/admin/token",
        json={"username": "admin", "password": password},
    ) as response:
        assert response.status == 401
        assert "sign-in was incorrect" in (await response.json())["message"]


async def test_magento_non_ascii_bearer_token_is_a_401() -> None:
    import aiohttp
    import attrs

    fake = FakeMagento()
    fake.integration = attrs.evolve(fake.integration, bearer_enabled=True)
    async with serve(fake.app) as url, aiohttp.ClientSession() as session, session.get(
        f"{url}/rest/V1/store/websites", headers={"Authorization": "Bearer tökén"},
    ) as response:
        assert response.status == 401
