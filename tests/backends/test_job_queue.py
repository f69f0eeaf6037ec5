"""JobQueue contract."""

from __future__ import annotations

from datetime import timedelta

import pytest

from magodoo.backends import (
    Direction,
    Job,
    JobAction,
    JobNotFoundError,
    JobQueue,
    JobState,
    Stores,
    Trigger,
)

from .conftest import FakeClock

M2O = Direction.MAGENTO_TO_ODOO
LEASE = timedelta(minutes=5)


def job(key: str | int, **kw: object) -> Job:
    return Job("product", M2O, key, **kw)  # type: ignore[arg-type]


async def test_enqueue_and_get(stores: Stores, clock: FakeClock) -> None:
    q = stores.jobs
    assert isinstance(q, JobQueue)
    stored = await q.enqueue(
        job(42, trigger=Trigger.REALTIME, priority=3, payload={"odoo_id": 7, "n": [1, 2]})
    )
    assert stored.id is not None
    assert stored.state is JobState.WAITING
    assert stored.attempts == 0
    assert stored.not_before == clock()
    assert stored.created_at == clock()
    assert stored.record_key == "42"
    assert stored.identity_key == "default|product|m2o|sync|42"
    assert await q.get(stored.id) == stored
    assert await q.get(stored.id + 100) is None


async def test_identity_collapses_waiting_duplicates(stores: Stores, clock: FakeClock) -> None:
    q = stores.jobs
    first = await q.enqueue(job("A", priority=1, not_before=clock() + timedelta(minutes=10)))
    second = await q.enqueue(job("A", priority=5, not_before=clock() + timedelta(minutes=1)))
    third = await q.enqueue(job("A", priority=0, payload={"x": 1}))
    assert first.id == second.id == third.id
    assert third.priority == 5
    assert third.not_before == clock()
    assert third.payload == {"x": 1}
    # an empty payload does not wipe a stored one
    fourth = await q.enqueue(job("A"))
    assert fourth.payload == {"x": 1}
    # a deletion of the same record is a different job, and so is another backend pair
    deletion = await q.enqueue(job("A", action=JobAction.DELETE))
    other = await q.enqueue(job("A", backend="shop2"))
    assert len({first.id, deletion.id, other.id}) == 3
    many = await q.enqueue_many([job("B"), job("B", priority=2), job("A"), job("C")])
    assert many[0].id == many[1].id and many[1].priority == 2
    assert many[2].id == first.id
    assert (await q.counts())[JobState.WAITING] == 5


async def test_duplicate_of_a_claimed_job_is_a_new_job(stores: Stores) -> None:
    q = stores.jobs
    first = await q.enqueue(job("A"))
    [claimed] = await q.claim("w1", 10, LEASE)
    assert claimed.id == first.id
    again = await q.enqueue(job("A"))
    assert again.id != first.id
    assert [j.id for j in await q.claim("w2", 10, LEASE)] == [again.id]


async def test_claim_batches_in_order(stores: Stores, clock: FakeClock) -> None:
    q = stores.jobs
    long = timedelta(hours=2)
    await q.enqueue_many(job(i) for i in range(45))
    await q.enqueue(job("urgent", priority=10))
    await q.enqueue(job("later", priority=99, not_before=clock() + timedelta(hours=1)))
    batch = await q.claim("w1", 20, long)
    assert len(batch) == 20
    assert batch[0].record_key == "urgent"
    assert [j.record_key for j in batch[1:]] == [str(i) for i in range(19)]
    assert all(j.state is JobState.CLAIMED and j.worker_id == "w1" for j in batch)
    assert all(j.lease_until == clock() + long for j in batch)
    assert len(await q.claim("w2", 20, long)) == 20
    assert len(await q.claim("w3", 20, long)) == 6
    assert await q.claim("w3", 20, long) == []
    counts = await q.counts()
    assert counts == {JobState.WAITING: 1, JobState.CLAIMED: 46, JobState.DEAD: 0}
    clock.advance(hours=1)
    [later] = await q.claim("w3", 20, long)
    assert later.record_key == "later"


async def test_lease_expiry_returns_jobs(stores: Stores, clock: FakeClock) -> None:
    q = stores.jobs
    await q.enqueue_many(job(i) for i in range(3))
    held = await q.claim("crashed", 10, LEASE)
    assert len(held) == 3
    clock.advance(minutes=4)
    assert await q.claim("w2", 10, LEASE) == []
    assert held[0].id is not None
    assert await q.extend_lease(held[0].id, "crashed", LEASE)
    assert not await q.extend_lease(held[0].id, "someone-else", LEASE)
    clock.advance(minutes=2)
    back = await q.claim("w2", 10, LEASE)
    assert sorted(j.id or 0 for j in back) == sorted(j.id or 0 for j in held[1:])
    assert all(j.worker_id == "w2" for j in back)
    clock.advance(minutes=4)
    assert [j.id for j in await q.claim("w3", 10, LEASE)] == [held[0].id]


async def test_complete_removes(stores: Stores) -> None:
    q = stores.jobs
    stored = await q.enqueue(job(1))
    await q.claim("w", 1, LEASE)
    assert stored.id is not None
    assert await q.complete(stored.id)
    assert not await q.complete(stored.id)
    assert await q.get(stored.id) is None
    assert await q.counts() == dict.fromkeys(JobState, 0)


async def test_complete_many_removes_in_one_call(stores: Stores) -> None:
    q = stores.jobs
    stored = await q.enqueue_many(job(i) for i in range(5))
    ids = [j.id or 0 for j in stored]
    claimed = await q.claim("w", 3, LEASE)
    done = [j.id or 0 for j in claimed]
    # unknown ids are ignored and not counted; a repeated id counts once
    assert await q.complete_many([*done, done[0], max(ids) + 1000]) == 3
    assert [await q.get(i) for i in done] == [None, None, None]
    assert await q.complete_many(done) == 0
    assert await q.complete_many([]) == 0
    assert await q.counts() == {JobState.WAITING: 2, JobState.CLAIMED: 0, JobState.DEAD: 0}
    # any iterable; like complete, a job is removed whatever its state (here: waiting)
    assert await q.complete_many(i for i in ids) == 2
    assert await q.counts() == dict.fromkeys(JobState, 0)
    # the identity is free again: the same record queues as a new job
    again = await q.enqueue(job(0))
    assert again.id not in ids


async def test_complete_many_follows_completes_rule_for_reclaimed_jobs(
    stores: Stores, clock: FakeClock
) -> None:
    q = stores.jobs
    await q.enqueue_many([job("A"), job("B")])
    slow = await q.claim("slow", 2, LEASE)
    clock.advance(minutes=6)  # the lease expired; another worker takes the jobs over
    taken = await q.claim("fast", 2, LEASE)
    assert sorted(j.id or 0 for j in taken) == sorted(j.id or 0 for j in slow)
    # complete() removes a job whoever holds it; complete_many does the same
    a, b = (j.id or 0 for j in slow)
    assert await q.complete(a)
    assert await q.complete_many([b]) == 1
    assert await q.get(a) is None and await q.get(b) is None
    # the other worker finishing later finds nothing left to complete
    assert await q.complete_many([j.id or 0 for j in taken]) == 0


async def test_complete_many_dead_and_large_batches(stores: Stores) -> None:
    q = stores.jobs
    stored = await q.enqueue_many(job(i) for i in range(1201))  # beyond any chunk size
    [first] = await q.claim("w", 1, LEASE)
    dead = await q.fail(first.id or 0, "boom", max_attempts=1)
    assert dead.state is JobState.DEAD
    ids = [j.id or 0 for j in stored]
    assert await q.complete_many(ids) == 1201
    assert await q.counts() == dict.fromkeys(JobState, 0)


async def test_retry_backoff_then_dead_then_requeue(stores: Stores, clock: FakeClock) -> None:
    q = stores.jobs
    stored = await q.enqueue(job("X", payload={"k": "v"}))
    assert stored.id is not None
    base = timedelta(seconds=10)
    for attempt in range(1, 4):
        [claimed] = await q.claim("w", 1, LEASE)
        failed = await q.fail(claimed.id or 0, f"boom {attempt}", max_attempts=4, backoff_base=base)
        assert failed.state is JobState.WAITING
        assert failed.attempts == attempt
        assert failed.last_error == f"boom {attempt}"
        assert failed.worker_id is None and failed.lease_until is None
        delay = base * 2 ** (attempt - 1)
        assert failed.not_before is not None
        assert clock() + delay <= failed.not_before <= clock() + delay * 1.1
        assert await q.claim("w", 1, LEASE) == []  # not before the backoff
        clock.current = failed.not_before
    [claimed] = await q.claim("w", 1, LEASE)
    dead = await q.fail(claimed.id or 0, "final", max_attempts=4, backoff_base=base)
    assert dead.state is JobState.DEAD and dead.attempts == 4
    clock.advance(days=30)
    assert await q.claim("w", 10, LEASE) == []  # dead jobs are kept, never claimed
    assert [j.id for j in await q.dead()] == [stored.id]
    assert (await q.counts())[JobState.DEAD] == 1
    again = await q.requeue(stored.id)
    assert again.state is JobState.WAITING and again.attempts == 0 and again.last_error is None
    assert again.payload == {"k": "v"}
    assert await q.dead() == []
    assert [j.id for j in await q.claim("w", 1, LEASE)] == [stored.id]
    with pytest.raises(JobNotFoundError):
        await q.fail(123456, "x")
    with pytest.raises(JobNotFoundError):
        await q.requeue(123456)


async def test_backoff_is_capped(stores: Stores) -> None:
    q = stores.jobs
    await q.enqueue(job(1))
    [claimed] = await q.claim("w", 1, LEASE)
    failed = await q.fail(
        claimed.id or 0,
        "e",
        max_attempts=99,
        backoff_base=timedelta(hours=10),
        backoff_max=timedelta(hours=1),
        jitter=0,
    )
    assert failed.not_before is not None and failed.updated_at is not None
    assert failed.not_before - failed.updated_at == timedelta(hours=1)


async def test_failed_job_collapses_into_waiting_duplicate(stores: Stores) -> None:
    q = stores.jobs
    first = await q.enqueue(job("A", payload={"old": 1}))
    await q.claim("w", 1, LEASE)
    newer = await q.enqueue(job("A", priority=2))
    result = await q.fail(first.id or 0, "e")
    assert result.id == newer.id
    assert result.state is JobState.WAITING
    assert result.payload == {"old": 1}
    assert await q.get(first.id or 0) is None
    assert (await q.counts())[JobState.WAITING] == 1


async def test_requeue_collapses_into_waiting_duplicate(stores: Stores) -> None:
    q = stores.jobs
    first = await q.enqueue(job("A"))
    await q.claim("w", 1, LEASE)
    await q.fail(first.id or 0, "e", max_attempts=1)
    newer = await q.enqueue(job("A"))
    assert (await q.requeue(first.id or 0)).id == newer.id
    assert await q.counts() == {JobState.WAITING: 1, JobState.CLAIMED: 0, JobState.DEAD: 0}


async def test_dead_pages(stores: Stores) -> None:
    q = stores.jobs
    await q.enqueue_many(job(i) for i in range(7))
    for claimed in await q.claim("w", 7, LEASE):
        await q.fail(claimed.id or 0, "e", max_attempts=1)
    first = await q.dead(limit=4)
    rest = await q.dead(after_id=first[-1].id, limit=4)
    assert len(first) == 4 and len(rest) == 3
    assert [j.record_key for j in first + rest] == [str(i) for i in range(7)]


def lost(worker: str) -> str:
    return f"lease expired: worker {worker} lost the job"


async def test_expired_lease_counts_an_attempt(stores: Stores, clock: FakeClock) -> None:
    q = stores.jobs
    stored = await q.enqueue(job("P", payload={"k": 1}))
    [first] = await q.claim("w1", 10, LEASE, max_attempts=3)
    assert first.attempts == 0 and first.last_error is None  # a waiting job: nothing counted
    clock.advance(minutes=6)  # w1 died holding the job
    [again] = await q.claim("w2", 10, LEASE, max_attempts=3)
    assert again.id == stored.id
    assert again.state is JobState.CLAIMED and again.worker_id == "w2"
    assert again.attempts == 1
    assert again.last_error == lost("w1")
    assert again.lease_until == clock() + LEASE
    assert await q.get(stored.id or 0) == again
    # a failure after a lost lease counts on top of it
    failed = await q.fail(again.id or 0, "boom", max_attempts=3, backoff_base=timedelta(0))
    assert failed.state is JobState.WAITING and failed.attempts == 2


async def test_poison_job_goes_dead_after_max_attempts_expiries(
    stores: Stores, clock: FakeClock
) -> None:
    q = stores.jobs
    poison = await q.enqueue(job("poison", priority=9, payload={"k": "v"}))
    healthy = await q.enqueue_many(job(i) for i in range(3))
    assert poison.id is not None
    [taken] = await q.claim("w0", 1, LEASE, max_attempts=3)
    assert taken.id == poison.id
    for n in (1, 2):  # each worker that takes it dies
        clock.advance(minutes=6)
        [taken] = await q.claim(f"w{n}", 1, LEASE, max_attempts=3)
        assert taken.id == poison.id
        assert taken.attempts == n and taken.last_error == lost(f"w{n - 1}")
    clock.advance(minutes=6)
    # third expiry: dead instead of claimed, and the claim takes the next job in its place
    batch = await q.claim("w3", 1, LEASE, max_attempts=3)
    assert [j.id for j in batch] == [healthy[0].id]
    dead = await q.get(poison.id)
    assert dead is not None and dead.state is JobState.DEAD
    assert dead.attempts == 3 and dead.last_error == lost("w2")
    assert dead.worker_id is None and dead.lease_until is None
    assert dead.updated_at == clock()
    assert [j.id for j in await q.dead()] == [poison.id]
    assert await q.counts() == {JobState.WAITING: 2, JobState.CLAIMED: 1, JobState.DEAD: 1}
    clock.advance(days=30)
    claimed = await q.claim("w4", 10, LEASE, max_attempts=3)
    assert poison.id not in {j.id for j in claimed}  # dead jobs are kept, never claimed
    again = await q.requeue(poison.id)
    assert again.state is JobState.WAITING and again.attempts == 0 and again.last_error is None
    assert again.payload == {"k": "v"}
    assert await q.dead() == []
    assert [j.id for j in await q.claim("w5", 10, LEASE, max_attempts=3)] == [poison.id]


async def test_expired_jobs_at_the_limit_all_go_dead(stores: Stores, clock: FakeClock) -> None:
    q = stores.jobs
    stored = await q.enqueue_many(job(i) for i in range(4))
    await q.claim("crashed", 10, LEASE, max_attempts=1)
    clock.advance(minutes=6)
    # max_attempts=1: the first lost lease is the last attempt; none is claimed, all are kept
    assert await q.claim("w2", 1, LEASE, max_attempts=1) == []
    assert [j.id for j in await q.dead()] == [j.id for j in stored]
    assert all(j.attempts == 1 and j.last_error == lost("crashed") for j in await q.dead())
    assert await q.counts() == {JobState.WAITING: 0, JobState.CLAIMED: 0, JobState.DEAD: 4}


async def test_live_lease_and_waiting_retry_are_not_counted(
    stores: Stores, clock: FakeClock
) -> None:
    q = stores.jobs
    stored = await q.enqueue(job("A"))
    [held] = await q.claim("w1", 10, LEASE, max_attempts=2)
    clock.advance(minutes=4)
    assert await q.claim("w2", 10, LEASE, max_attempts=2) == []  # lease still running
    assert await q.extend_lease(held.id or 0, "w1", LEASE)
    clock.advance(minutes=4)
    assert await q.claim("w2", 10, LEASE, max_attempts=2) == []  # extended
    after_fail = await q.fail(held.id or 0, "boom", max_attempts=2, backoff_base=timedelta(0))
    assert after_fail.attempts == 1 and after_fail.state is JobState.WAITING
    # a job waiting again after fail() had its attempt counted there, not again by claim
    [retry] = await q.claim("w2", 10, LEASE, max_attempts=2)
    assert retry.id == stored.id and retry.attempts == 1 and retry.last_error == "boom"


async def test_without_max_attempts_expiry_is_not_counted(stores: Stores, clock: FakeClock) -> None:
    q = stores.jobs
    stored = await q.enqueue(job("A"))
    await q.claim("w0", 10, LEASE)
    for n in range(1, 8):  # the old behaviour: re-claimed as often as leases run out
        clock.advance(minutes=6)
        [again] = await q.claim(f"w{n}", 10, LEASE)
        assert again.id == stored.id and again.worker_id == f"w{n}"
        assert again.attempts == 0 and again.last_error is None
    assert await q.dead() == []


async def test_claim_refuses_a_bad_max_attempts(stores: Stores) -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        await stores.jobs.claim("w", 1, LEASE, max_attempts=0)


async def test_list_jobs_filters_and_pages(stores: Stores) -> None:
    q = stores.jobs
    await q.enqueue_many(job(i) for i in range(5))
    await q.enqueue(Job("customers", M2O, "c1"))
    claimed = await q.claim("w", 2, LEASE)
    assert {j.record_key for j in claimed} == {"0", "1"}
    await q.fail(claimed[0].id or 0, "e", max_attempts=1)
    everything = await q.list_jobs()
    assert [j.record_key for j in everything] == ["0", "1", "2", "3", "4", "c1"]
    assert [j.state for j in everything[:2]] == [JobState.DEAD, JobState.CLAIMED]
    assert [j.record_key for j in await q.list_jobs(state=JobState.WAITING)] == [
        "2", "3", "4", "c1"]
    assert [j.record_key for j in await q.list_jobs(state=JobState.DEAD)] == ["0"]
    assert [j.record_key for j in await q.list_jobs(entity="customers")] == ["c1"]
    assert await q.list_jobs(entity="customers", state=JobState.DEAD) == []
    first = await q.list_jobs(limit=4)
    rest = await q.list_jobs(after_id=first[-1].id, limit=4)
    assert [j.record_key for j in first + rest] == ["0", "1", "2", "3", "4", "c1"]


async def test_force_is_stored_and_survives_collapse_and_retry(stores: Stores) -> None:
    q = stores.jobs
    plain = await q.enqueue(job("A"))
    assert plain.force is False
    forced = await q.enqueue(job("A", force=True))  # a repair on top of a waiting sync
    assert forced.id == plain.id and forced.force is True
    again = await q.enqueue(job("A"))  # an unforced duplicate never clears it
    assert again.id == plain.id and again.force is True
    assert (await q.get(plain.id or 0)) == again
    (claimed,) = await q.claim("w", 1, LEASE)
    assert claimed.force is True
    failed = await q.fail(claimed.id or 0, "e")
    assert failed.force is True  # a retry is still forced
    many = await q.enqueue_many([job("B", force=True), job("C")])
    assert [j.force for j in many] == [True, False]


async def test_a_forced_retry_forces_the_waiting_duplicate(stores: Stores) -> None:
    q = stores.jobs
    first = await q.enqueue(job("A", force=True))
    await q.claim("w", 1, LEASE)
    newer = await q.enqueue(job("A"))
    assert newer.force is False
    result = await q.fail(first.id or 0, "e")
    assert result.id == newer.id and result.force is True
    assert (await q.get(newer.id or 0)) == result
