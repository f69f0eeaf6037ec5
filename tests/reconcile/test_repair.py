"""report.repair(): real sync jobs in the engine's queue, forced, in the direction of the source
of truth; the bindings' hashes are left alone; the worker rewrites what the hash calls
unchanged."""

from __future__ import annotations

from magodoo.backends import Direction, JobState, Trigger
from magodoo.reconcile import reconcile
from tests.reconcile.conftest import Pair
from tests.reconcile.test_report import ENTITIES, key, plant, synced

M2O, O2M = Direction.MAGENTO_TO_ODOO, Direction.ODOO_TO_MAGENTO


async def test_repair_queues_one_forced_job_per_record_and_keeps_the_hashes(pair: Pair) -> None:
    baseline = await synced(pair)
    planted = await plant(pair)
    report = (await reconcile(pair.engine, ENTITIES, page_size=7)).since(baseline)
    assert {key(d) for d in report.differences} == planted
    hashes = {(b.entity, b.magento_id): b.payload_hash
              for entity in ENTITIES
              for b in await pair.stores.bindings.list_bindings("default", entity, limit=500)}

    plan = await report.repair(pair.engine)  # the dry run: what would be queued
    assert sum((await pair.stores.jobs.counts()).values()) == 0
    wanted = sorted((a.entity, a.direction, a.key) for a in plan if a.action == "sync")
    assert [(e, d) for e, d, _ in wanted] == [
        ("categories", O2M), ("customers", M2O), ("prices", O2M), ("stock", O2M)]

    done = await report.repair(pair.engine, dry_run=False)
    assert done == plan
    jobs = await pair.stores.jobs.list_jobs(state=JobState.WAITING)
    assert sorted((j.entity, j.direction, j.record_key) for j in jobs) == wanted
    assert all(j.force and j.trigger is Trigger.MANUAL for j in jobs)
    after = {(b.entity, b.magento_id): b.payload_hash
             for entity in ENTITIES
             for b in await pair.stores.bindings.list_bindings("default", entity, limit=500)}
    assert after == hashes  # nothing forgotten: the job's flag does the forcing

    while await pair.engine.work_once("test"):
        pass
    assert sum((await pair.stores.jobs.counts()).values()) == 0
    clean = await reconcile(pair.engine, ENTITIES, page_size=7)
    assert {key(d) for d in clean.differences} == {key(d) for d in baseline.differences}


async def test_an_unforced_job_leaves_the_hand_edit_a_forced_one_rewrites(pair: Pair) -> None:
    baseline = await synced(pair)
    await plant(pair)
    report = (await reconcile(pair.engine, ["prices"], page_size=7)).since(baseline)
    (price,) = report.differences
    assert price.odoo_id is not None
    await pair.engine.enqueue("prices", O2M, [price.odoo_id], trigger=Trigger.MANUAL)
    while await pair.engine.work_once("test"):
        pass
    still = (await reconcile(pair.engine, ["prices"], page_size=7)).since(baseline)
    assert [key(d) for d in still.differences] == [key(price)]  # the hash said unchanged

    await pair.engine.enqueue("prices", O2M, [price.odoo_id], trigger=Trigger.MANUAL,
                              force=True)
    while await pair.engine.work_once("test"):
        pass
    assert not (await reconcile(pair.engine, ["prices"], page_size=7)).since(baseline).differences
