from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from magodoo.backends.models import Binding, Direction
from magodoo.engine.echo import (
    EchoGuard,
    binding_echo,
    payload_hash,
    split_hash,
    tag_hash,
)
from magodoo.engine.locks import KeyedLocks

T = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


def test_payload_hash_ignores_key_order() -> None:
    assert payload_hash({"a": 1, "b": [1, 2]}) == payload_hash({"b": [1, 2], "a": 1})
    assert payload_hash({"a": 1}) != payload_hash({"a": 2})


def test_tagged_hash_round_trip() -> None:
    tagged = tag_hash(Direction.ODOO_TO_MAGENTO, "abc")
    assert tagged == "o2m:abc"
    assert split_hash(tagged) == (Direction.ODOO_TO_MAGENTO, "abc")
    assert split_hash("plain") == (None, "plain")
    assert split_hash(None) == (None, None)


def test_binding_echo_only_for_the_side_we_wrote() -> None:
    binding = Binding(backend="b", entity="categories", magento_id="5", odoo_id=9,
                      magento_updated_at=T, odoo_write_date=T,
                      payload_hash=tag_hash(Direction.ODOO_TO_MAGENTO, "h"))
    assert binding_echo(binding, "magento", T)  # our write produced this Magento stamp
    assert not binding_echo(binding, "magento", T.replace(minute=1))  # changed since
    assert not binding_echo(binding, "odoo", T)  # Odoo is where the change came from
    assert not binding_echo(None, "magento", T)


def test_guard_matches_stamp_or_hash_and_expires() -> None:
    now = [0.0]
    guard = EchoGuard(ttl=10, clock=lambda: now[0])
    guard.remember("odoo", "customers", 4, T, "h1")
    assert guard.is_echo("odoo", "customers", "4", T)
    assert guard.is_echo("odoo", "customers", 4, None, "h1")
    assert not guard.is_echo("odoo", "customers", 4, T.replace(minute=5), "other")
    assert not guard.is_echo("magento", "customers", 4, T)
    now[0] = 11
    assert not guard.is_echo("odoo", "customers", 4, T)
    assert len(guard) == 0


def test_guard_is_bounded() -> None:
    guard = EchoGuard(size=2)
    for i in range(5):
        guard.remember("odoo", "customers", i, T)
    assert len(guard) == 2
    assert guard.is_echo("odoo", "customers", 4, T)
    assert not guard.is_echo("odoo", "customers", 0, T)


async def test_keyed_locks_serialise_the_same_key_only() -> None:
    locks = KeyedLocks()
    order: list[str] = []

    async def work(name: str, keys: list[str], pause: float) -> None:
        async with locks.hold(keys):
            order.append(f"{name}+")
            await asyncio.sleep(pause)
            order.append(f"{name}-")

    await asyncio.gather(work("a", ["x", "y"], 0.02), work("b", ["y"], 0.0),
                         work("c", ["z"], 0.0))
    assert order.index("a-") < order.index("b+")  # b waited for y
    assert order.index("c+") < order.index("a-")  # c did not wait
    assert len(locks) == 0  # nothing left behind
