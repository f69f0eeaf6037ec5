"""The job queue: realtime enqueue, retries, dead state, re-queue, a worker killed mid-batch."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from magodoo.backends import Direction, JobState, Trigger
from magodoo.settings import EntitySettings
from tests.engine.conftest import Clock, World, make_stores, open_world

M2O = Direction.MAGENTO_TO_ODOO


def partner_count(world: World) -> int:
    return sum(1 for p in world.partners() if (p.get("ref") or "").startswith("MAGE-CUST-"))


async def test_realtime_jobs_only_when_the_flag_is_on(world: World) -> None:
    world.add_customer(1)
    assert await world.engine.enqueue("customers", M2O, [1]) == []  # realtime off by default
    jobs = await world.engine.enqueue("customers", M2O, [1, 1], trigger=Trigger.MANUAL)
    assert len(jobs) == 1
    assert await world.engine.work_once("w1") == 1
    assert partner_count(world) == 1
    assert sum((await world.stores.jobs.counts()).values()) == 0
    entries = await world.stores.log.query()
    assert entries[-1].job_id == jobs[0].id and entries[-1].trigger is Trigger.MANUAL


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_retries_then_dead_then_requeue(clock: Clock, tmp_path: Path, kind: str) -> None:
    stores = await make_stores(kind, clock, tmp_path)
    async with open_world(clock, stores=stores, retry_count=3,
                          entities={"customers": EntitySettings(realtime=True)}) as world:
        world.add_customer(1)
        (job,) = await world.engine.enqueue("customers", M2O, [1])
        world.odoo.faults.error_rate = 1.0  # every Odoo call answers 503
        for attempt in range(1, 4):
            assert await world.engine.work_once("w1") == 1
            stored = await world.stores.jobs.get(job.id or 0)
            assert stored is not None and stored.attempts == attempt
        assert stored is not None and stored.state is JobState.DEAD
        assert "503" in (stored.last_error or "")
        assert await world.engine.work_once("w1") == 0  # dead jobs are not claimed
        logged = await world.stores.log.query()
        assert [e.attempt for e in logged] == [1, 2, 3]
        assert partner_count(world) == 0

        world.odoo.faults.error_rate = 0.0
        await world.stores.jobs.requeue(job.id or 0)
        assert await world.engine.work_once("w1") == 1
        assert partner_count(world) == 1
        assert sum((await world.stores.jobs.counts()).values()) == 0


async def test_failed_record_of_direct_sync_goes_dead_via_worker(world: World) -> None:
    world.add_customer(1)
    world.magento.state.table("customer_addresses").rows[1]["country_id"] = "XX"
    await world.engine.sync("customers", M2O)
    assert await world.engine.work_once("w1") == 1  # mapping errors are not retriable
    (dead,) = await world.stores.jobs.dead()
    assert dead.record_key == "1" and dead.trigger is Trigger.RETRY
    assert "country" in (dead.last_error or "")


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_worker_killed_mid_batch_loses_no_job(
    clock: Clock, tmp_path: Path, kind: str
) -> None:
    stores = await make_stores(kind, clock, tmp_path)
    async with open_world(clock, stores=stores, lease_seconds=60.0) as world:
        for n in range(3):
            world.add_customer(n)
        await world.engine.enqueue("customers", M2O, [1, 2, 3], trigger=Trigger.BATCH)
        world.magento.faults.latency = 5.0  # the first worker hangs on its read
        first = asyncio.create_task(world.engine.run_worker(asyncio.Event(), worker_id="w1"))
        for _ in range(200):
            counts = await world.stores.jobs.counts()
            if counts[JobState.CLAIMED] == 3:
                break
            await asyncio.sleep(0.01)
        assert counts[JobState.CLAIMED] == 3
        first.cancel()  # the worker dies holding the jobs
        with contextlib.suppress(asyncio.CancelledError):
            await first
        world.magento.faults.latency = 0.0
        assert await world.engine.work_once("w2") == 0  # leases still running
        clock.advance(61)
        assert await world.engine.work_once("w2") == 3  # leases expired: taken over
        assert partner_count(world) == 3
        assert sum((await world.stores.jobs.counts()).values()) == 0


async def test_run_worker_drains_and_stops(world: World) -> None:
    for n in range(4):
        world.add_customer(n)
    await world.engine.enqueue("customers", M2O, [1, 2, 3, 4], trigger=Trigger.MANUAL)
    stop = asyncio.Event()

    async def stop_when_done() -> None:
        for _ in range(500):
            if not sum((await world.stores.jobs.counts()).values()):
                break
            await asyncio.sleep(0.01)
        stop.set()

    processed, _ = await asyncio.gather(world.engine.run_worker(stop, worker_id="w"),
                                        stop_when_done())
    assert processed == 4
    assert partner_count(world) == 4


async def test_source_down_fails_the_whole_group_and_retries(world: World) -> None:
    world.add_customer(1)
    world.add_customer(2)
    await world.engine.enqueue("customers", M2O, [1, 2], trigger=Trigger.MANUAL)
    world.magento.faults.error_rate = 1.0
    assert await world.engine.work_once("w") == 2
    jobs = await world.stores.jobs.counts()
    assert jobs[JobState.WAITING] == 2  # retriable: back in the queue, attempts counted
    world.magento.faults.error_rate = 0.0
    assert await world.engine.work_once("w") == 2
    assert partner_count(world) == 2
