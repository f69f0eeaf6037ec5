"""The engine over both fakes with every fault on ends where a clean run ends, with no
duplicate: on SQLite and on PostgreSQL, for every entity in :data:`SCENARIOS`.

The faulty run goes through three phases:

1. a direct sync while both fakes drop connections, answer 503 and 429, lose answers after
   committing, commit late (after the client's timeout) and, in the middle, go into
   maintenance mode;
2. every record queued as a realtime job and two workers draining the queue, one of them
   killed part way (its leases expire and are taken over);
3. the faults end, time passes beyond the servers' request time limits and the job leases,
   and passes and workers run until the queue is empty.

Then the target side must equal a clean run's, hold no duplicate, and no job may be dead.
The figures of each run are printed (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest

from magodoo.backends import JobState, Stores
from magodoo.engine import connect
from magodoo.exceptions import MagodooError
from magodoo.settings import Settings
from magodoo.testing import serve
from magodoo.testing.fake_magento import FakeMagento
from magodoo.testing.fake_odoo import FakeOdoo
from tests.engine.conftest import FAST_RETRY, Clock, World, make_settings
from tests.engine.faults.scenarios import SCENARIOS, Scenario
from tests.engine.shared_stores import open_site

TIMEOUT = 0.5
"""The clients' timeout; a late commit takes twice as long."""


@asynccontextmanager
async def open_world(stores: Stores, clock: Clock) -> AsyncIterator[World]:
    magento = FakeMagento(seed=None, now=clock)
    odoo = FakeOdoo(seed=None, now=clock.naive)
    async with serve(magento.app) as murl, serve(odoo.app) as ourl:
        base = make_settings(murl, ourl, magento.admin_token())
        settings: Settings = attrs.evolve(
            base, batch_size=20,
            magento=attrs.evolve(base.magento, timeout=TIMEOUT),
            odoo=attrs.evolve(base.odoo, timeout=TIMEOUT),
        )
        conn = await connect(settings, stores=stores, retry=FAST_RETRY)
        conn.engine.clock = clock
        try:
            yield World(magento, odoo, conn, clock)
        finally:
            await conn.aclose()


def all_faults_on(world: World) -> None:
    for f in (world.magento.faults, world.odoo.faults):
        f.error_rate, f.drop_rate, f.retry_after = 0.05, 0.05, 0
        f.lose_rate = 0.2
        f.late_by, f.late_rate = 2 * TIMEOUT, 0.1
    world.magento.faults.rate_limit_every = 23
    world.odoo.faults.rate_limit_every = 23


def all_faults_off(world: World) -> None:
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


async def outage_in_the_middle(world: World, scenario: Scenario, after: int) -> None:
    """Maintenance mode on the target side once it has served ``after`` more requests."""
    fake = target(world, scenario)
    await served(fake, fake.total_requests + after)
    fake.faults.outage_next = 12


async def served(fake: FakeMagento | FakeOdoo, total: int, until: Any = None) -> None:
    """Wait until ``fake`` has served ``total`` requests (or ``until`` is done)."""
    for _ in range(3000):
        if fake.total_requests >= total or (until is not None and until.done()):
            return
        await asyncio.sleep(0.01)


async def clean_run(scenario: Scenario, tmp_path: Path) -> Any:
    clock = Clock()
    async with open_site("memory", clock, tmp_path) as (stores, _), \
            open_world(stores, clock) as world:
        scenario.populate(world)
        result = await world.engine.sync(scenario.entity, scenario.direction)
        assert result.failed == 0, result.records
        return scenario.snapshot(world)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_every_fault_on_ends_as_a_clean_run(
    scenario: Scenario, kind: str, tmp_path: Path
) -> None:
    expected = await clean_run(scenario, tmp_path)
    clock = Clock()
    async with open_site(kind, clock, tmp_path) as (stores, _), \
            open_world(stores, clock) as world:
        engine = world.engine
        keys = scenario.populate(world)
        all_faults_on(world)

        # 1. a direct sync through every fault, with an outage in the middle
        outage = asyncio.create_task(outage_in_the_middle(world, scenario, after=15))
        passes = []
        for _ in range(3):  # as cron would: a pass whose source reads gave up runs again
            try:
                first = await engine.sync(scenario.entity, scenario.direction)
            except MagodooError as exc:  # a read of the source gave up: the cursor stays
                assert exc.retriable
                passes.append(f"gave up ({type(exc).__name__})")
                continue
            passes.append(f"{first.created} created, {first.failed} failed")
            break
        summary = "; ".join(passes)
        outage.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await outage

        # 2. everything queued again; two workers, one killed part way
        clock.advance(1)
        await engine.enqueue(scenario.entity, scenario.direction, keys)
        stop = asyncio.Event()
        outage = asyncio.create_task(outage_in_the_middle(world, scenario, after=25))
        doomed = asyncio.create_task(engine.run_worker(stop, worker_id="doomed"))
        other = asyncio.create_task(engine.run_worker(stop, worker_id="other"))
        fake = target(world, scenario)
        await served(fake, fake.total_requests + 10, until=doomed)
        doomed.cancel()  # killed: whatever it held stays claimed until its lease expires
        with contextlib.suppress(asyncio.CancelledError):
            await doomed
        stop.set()
        await other
        outage.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await outage

        # 3. the faults end; time passes; passes and workers until the queue is empty
        all_faults_off(world)
        wait = max(engine.settings.lease_seconds, engine.settings.odoo.request_time_limit,
                   engine.settings.magento.request_time_limit) + 1
        rounds = 0
        for rounds in range(1, 11):  # noqa: B007
            await settled(world)
            clock.advance(wait)
            await engine.sync(scenario.entity, scenario.direction)
            while await engine.work_once("recovery"):
                pass
            counts = await stores.jobs.counts()
            if counts[JobState.WAITING] == 0 and counts[JobState.CLAIMED] == 0:
                break

        counts = await stores.jobs.counts()
        injected = {
            side: dict(f.faults.injected) | {"requests": f.total_requests}
            for side, f in (("magento", world.magento), ("odoo", world.odoo))
        }
        print(f"\n{scenario.name}/{kind}: {len(keys)} records; first pass "
              f"{summary}; recovery rounds {rounds}; "
              f"jobs {dict(counts)}; faults {injected}")
        assert counts[JobState.DEAD] == 0, [
            (j.record_key, j.attempts, j.last_error) for j in await stores.jobs.dead()]
        assert counts[JobState.WAITING] == counts[JobState.CLAIMED] == 0
        assert scenario.duplicates(world) == []
        assert scenario.snapshot(world) == expected
        assert await stores.bindings.count("default", scenario.entity) == len(keys)
