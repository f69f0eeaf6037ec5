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
from pathlib import Path
from typing import Any

import pytest

from magodoo.backends import JobState
from magodoo.exceptions import MagodooError
from tests.engine.conftest import Clock
from tests.engine.faults.conftest import (
    FaultProfile,
    faults_off,
    faults_on,
    open_world,
    outage_in_the_middle,
    served,
    settled,
    target,
)
from tests.engine.faults.scenarios import SCENARIOS, Scenario
from tests.engine.shared_stores import open_site


async def clean_run(scenario: Scenario, tmp_path: Path) -> Any:
    clock = Clock()
    async with open_site("memory", clock, tmp_path) as (stores, _), \
            open_world(stores, clock, scenario) as world:
        if scenario.prepare is not None:
            await scenario.prepare(world)
        scenario.populate(world)
        result = await world.engine.sync(scenario.entity, scenario.direction)
        assert result.failed == 0, result.records
        snapshot = scenario.snapshot(world)
        assert snapshot, "the clean run left nothing to compare"
        return snapshot


def _difference(got: Any, expected: Any) -> str:
    """What only one side holds (the snapshots are sorted sequences or sets)."""
    only_got = [repr(g) for g in got if g not in expected]
    only_expected = [repr(e) for e in expected if e not in got]
    return f"only after the faults: {only_got}\nonly in the clean run: {only_expected}"


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_every_fault_on_ends_as_a_clean_run(
    scenario: Scenario, kind: str, tmp_path: Path, fault_profile: FaultProfile
) -> None:
    expected = await clean_run(scenario, tmp_path)
    clock = Clock()
    async with open_site(kind, clock, tmp_path) as (stores, _), \
            open_world(stores, clock, scenario) as world:
        engine = world.engine
        if scenario.prepare is not None:
            await scenario.prepare(world)
        keys = scenario.populate(world)
        faults_on(world, fault_profile)

        # 1. a direct sync through every fault, with an outage in the middle
        outage = asyncio.create_task(outage_in_the_middle(
            world, scenario, after=15, requests=fault_profile.outage_requests))
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
        outage = asyncio.create_task(outage_in_the_middle(
            world, scenario, after=25, requests=fault_profile.outage_requests))
        doomed = asyncio.create_task(engine.run_worker(stop, worker_id="doomed"))
        other = asyncio.create_task(engine.run_worker(stop, worker_id="other"))
        fake = target(world, scenario)
        # the workers may finish (or wait on the test clock) before 10 requests: then they are
        # idle, and the kill comes after a quiet spell longer than a poll and a late commit
        await served(fake, fake.total_requests + 10, until=doomed, quiet=3.0)
        doomed.cancel()  # killed: whatever it held stays claimed until its lease expires
        with contextlib.suppress(asyncio.CancelledError):
            await doomed
        stop.set()
        await other
        outage.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await outage

        # 3. the faults end; time passes; passes and workers until the queue is empty
        faults_off(world)
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
        got = scenario.snapshot(world)
        assert got == expected, _difference(got, expected)
        assert await stores.bindings.count("default", scenario.entity) == len(keys)
