"""BindingStore contract, run against every implementation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from magodoo.backends import Binding, BindingConflictError, BindingStore, Stores
from magodoo.exceptions import MagodooError

B = "shop1"


def binding(magento_id: int | str, odoo_id: int, **kw: Any) -> Binding:
    return Binding(B, "product", magento_id, odoo_id, **kw)


async def test_is_a_binding_store(stores: Stores) -> None:
    assert isinstance(stores.bindings, BindingStore)


async def test_bind_and_get_both_ways(stores: Stores) -> None:
    when = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    stored = await stores.bindings.bind(
        binding(
            42,
            7,
            magento_key="SKU-1",
            magento_updated_at=when,
            odoo_write_date=when,
            payload_hash="abc",
            synced_at=when,
        )
    )
    assert stored.id is not None
    assert stored.magento_id == "42"
    by_m = await stores.bindings.get_by_magento(B, "product", 42)
    by_o = await stores.bindings.get_by_odoo(B, "product", 7)
    by_k = await stores.bindings.get_by_key(B, "product", "SKU-1")
    assert by_m == by_o == by_k == stored
    assert by_m is not None and by_m.magento_updated_at == when
    assert await stores.bindings.get_by_magento(B, "product", "43") is None
    assert await stores.bindings.get_by_odoo(B, "category", 7) is None
    assert await stores.bindings.get_by_odoo("shop2", "product", 7) is None


async def test_rebind_same_pair_updates(stores: Stores) -> None:
    first = await stores.bindings.bind(binding(1, 10, payload_hash="a"))
    again = await stores.bindings.bind(binding(1, 10, payload_hash="b", magento_key="K"))
    assert again.id == first.id
    got = await stores.bindings.get_by_odoo(B, "product", 10)
    assert got is not None and got.payload_hash == "b" and got.magento_key == "K"
    assert await stores.bindings.count(B, "product") == 1


async def test_unique_both_ways(stores: Stores) -> None:
    await stores.bindings.bind(binding(1, 10))
    with pytest.raises(BindingConflictError, match="Magento id '1'"):
        await stores.bindings.bind(binding(1, 11))
    with pytest.raises(BindingConflictError, match="Odoo id 10"):
        await stores.bindings.bind(binding(2, 10))
    assert issubclass(BindingConflictError, MagodooError)
    # other entity types and backend pairs are separate namespaces
    await stores.bindings.bind(Binding(B, "category", 1, 11))
    await stores.bindings.bind(Binding("shop2", "product", 1, 11))
    assert await stores.bindings.count(B, "product") == 1


async def test_bind_many_is_all_or_nothing(stores: Stores) -> None:
    await stores.bindings.bind(binding(1, 10))
    with pytest.raises(BindingConflictError):
        await stores.bindings.bind_many([binding(2, 20), binding(3, 10)])
    assert await stores.bindings.get_by_magento(B, "product", 2) is None
    done = await stores.bindings.bind_many([binding(2, 20), binding(3, 30), binding(2, 20)])
    assert [b.magento_id for b in done] == ["2", "3", "2"]
    assert done[0].id == done[2].id
    assert await stores.bindings.count(B, "product") == 3
    with pytest.raises(BindingConflictError):  # conflicts inside one batch too
        await stores.bindings.bind_many([binding(4, 40), binding(4, 41)])
    assert await stores.bindings.get_by_magento(B, "product", 4) is None


async def test_bulk_lookups(stores: Stores) -> None:
    await stores.bindings.bind_many([binding(i, 1000 + i) for i in range(1, 1201)])
    found = await stores.bindings.get_many_by_magento(B, "product", [*range(0, 1300, 3), "5"])
    assert set(found) == {str(i) for i in range(3, 1201, 3)} | {"5"}
    assert found["300"].odoo_id == 1300
    by_o = await stores.bindings.get_many_by_odoo(B, "product", [1001, 1002, 99999])
    assert set(by_o) == {1001, 1002}
    assert by_o[1002].magento_id == "2"
    assert await stores.bindings.get_many_by_odoo(B, "product", []) == {}


async def test_unbind(stores: Stores) -> None:
    await stores.bindings.bind(binding(1, 10))
    await stores.bindings.bind(binding(2, 20))
    assert not await stores.bindings.unbind(B, "product", magento_id=1, odoo_id=20)
    assert await stores.bindings.unbind(B, "product", magento_id=1)
    assert not await stores.bindings.unbind(B, "product", magento_id=1)
    assert await stores.bindings.unbind(B, "product", odoo_id=20)
    assert await stores.bindings.count(B, "product") == 0
    with pytest.raises(ValueError, match="needs"):
        await stores.bindings.unbind(B, "product")
    # once unbound, either side can be bound again
    await stores.bindings.bind(binding(1, 20))


async def test_list_pages_by_id(stores: Stores) -> None:
    await stores.bindings.bind_many([binding(i, i) for i in range(25)])
    await stores.bindings.bind(Binding(B, "category", 1, 1))
    seen: list[str] = []
    after: int | None = None
    while page := await stores.bindings.list_bindings(B, "product", after_id=after, limit=10):
        seen += [b.magento_id for b in page]
        after = page[-1].id
    assert seen == [str(i) for i in range(25)]
