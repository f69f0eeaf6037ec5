"""Fixtures and helpers of the fault-injection run: a world whose clients time out fast, a
fault profile (the ``fault_profile`` fixture) turned on and off on both fakes at once, and
waits on the fakes' request counts and late work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import attrs
import pytest

from magodoo.backends import Stores
from magodoo.engine import connect
from magodoo.settings import Settings
from magodoo.testing import serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo
from tests.engine.conftest import FAST_RETRY, Clock, World, make_settings
from tests.engine.faults.scenarios import Scenario

TIMEOUT = 0.5
"""The clients' timeout; a late commit takes twice as long."""
BACKOFF = 1.0
"""A failed job waits this long (on the test clock, which only moves in the recovery phase):
with no wait at all, five attempts fit inside one maintenance outage and a small entity's jobs
die of it, which a real backoff (30 s by default) prevents."""


@attrs.frozen
class FaultProfile:
    """What both fakes inject while the faults are on (see docs/testing.md)."""

    error_rate: float = 0.05
    drop_rate: float = 0.05
    rate_limit_every: int = 23
    lose_rate: float = 0.2
    late_rate: float = 0.1
    late_by: float = 2 * TIMEOUT
    outage_requests: int = 12


@pytest.fixture
def fault_profile() -> FaultProfile:
    return FaultProfile()


@asynccontextmanager
async def open_world(
    stores: Stores, clock: Clock, scenario: Scenario | None = None
) -> AsyncIterator[World]:
    """Both fakes (seeded as the scenario says: Magento empty by default) and an engine over them
    whose clients give up after TIMEOUT."""
    magento = FakeMagento(seed=scenario.magento_seed if scenario else None, size="small",
                          now=clock)
    odoo = FakeOdoo(seed=scenario.odoo_seed if scenario else None, now=clock.naive)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        extra = scenario.settings if scenario else {}
        base = make_settings(murl, ourl, magento.admin_token(), **extra)
        settings: Settings = attrs.evolve(
            base, batch_size=20, retry_backoff_seconds=BACKOFF,
            magento=attrs.evolve(base.magento, timeout=TIMEOUT,
                                 input_limit=(scenario.input_limit if scenario
                                              and scenario.input_limit
                                              else base.magento.input_limit)),
            odoo=attrs.evolve(base.odoo, timeout=TIMEOUT),
        )
        conn = await connect(settings, stores=stores, retry=FAST_RETRY)
        conn.engine.clock = clock
        try:
            yield World(magento, odoo, conn, clock)
        finally:
            await conn.aclose()


def faults_on(world: World, profile: FaultProfile) -> None:
    for f in (world.magento.faults, world.odoo.faults):
        f.error_rate, f.drop_rate, f.retry_after = profile.error_rate, profile.drop_rate, 0
        f.lose_rate = profile.lose_rate
        f.late_by, f.late_rate = profile.late_by, profile.late_rate
    world.magento.faults.rate_limit_every = profile.rate_limit_every
    world.odoo.faults.rate_limit_every = profile.rate_limit_every


def faults_off(world: World) -> None:
    for f in (world.magento.faults, world.odoo.faults):
        f.error_rate = f.drop_rate = 0.0
        f.drop_next, f.fail_next = 0, []
        f.calm()
    world.magento.faults.rate_limit_every = None
    world.odoo.faults.rate_limit_every = 0


async def settled(world: World) -> None:
    """Both servers finished their late work (what their time limits guarantee)."""
    await world.magento.faults.idle()
    await world.odoo.faults.idle()


def target(world: World, scenario: Scenario) -> FakeMagento | FakeOdoo:
    return world.odoo if scenario.direction.value == "m2o" else world.magento


async def served(fake: FakeMagento | FakeOdoo, total: int, until: Any = None,
                 quiet: float | None = None) -> None:
    """Wait until ``fake`` has served ``total`` requests (or ``until`` is done, or, with
    ``quiet``, no request came for that many seconds: whoever would send them is idle)."""
    seen, still = fake.total_requests, 0.0
    for _ in range(3000):
        if fake.total_requests >= total or (until is not None and until.done()):
            return
        await asyncio.sleep(0.01)
        if fake.total_requests != seen:
            seen, still = fake.total_requests, 0.0
            continue
        still += 0.01
        if quiet is not None and still >= quiet:
            return


async def outage_in_the_middle(
    world: World, scenario: Scenario, after: int, requests: int = 12
) -> None:
    """Maintenance mode on the target side once it has served ``after`` more requests."""
    fake = target(world, scenario)
    await served(fake, fake.total_requests + after)
    fake.faults.outage_next = requests
