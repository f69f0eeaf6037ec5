"""CursorStore contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from magodoo.backends import CursorStore, Direction, Stores

M2O = Direction.MAGENTO_TO_ODOO
O2M = Direction.ODOO_TO_MAGENTO


async def test_get_set_delete(stores: Stores) -> None:
    cur = stores.cursors
    assert isinstance(cur, CursorStore)
    assert await cur.get("s", "product", M2O) is None
    first = datetime(2026, 2, 3, 4, 5, 6, 123456, tzinfo=UTC)
    await cur.set("s", "product", M2O, first)
    assert await cur.get("s", "product", M2O) == first
    assert await cur.get("s", "product", O2M) is None
    assert await cur.get("other", "product", M2O) is None
    later = first + timedelta(minutes=5)
    await cur.set("s", "product", M2O, later)
    got = await cur.get("s", "product", M2O)
    assert got == later and got.tzinfo is not None and got.utcoffset() == timedelta(0)
    await cur.set("s", "customer", O2M, first)
    assert dict(await cur.all()) == {("s", "product", M2O): later, ("s", "customer", O2M): first}
    assert await cur.delete("s", "product", M2O)
    assert not await cur.delete("s", "product", M2O)
    assert await cur.get("s", "product", M2O) is None


async def test_values_are_normalised_to_utc(stores: Stores) -> None:
    paris = timezone(timedelta(hours=1))
    await stores.cursors.set("s", "order", M2O, datetime(2026, 1, 1, 13, 0, tzinfo=paris))
    got = await stores.cursors.get("s", "order", M2O)
    assert got == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert got is not None and got.utcoffset() == timedelta(0)
    with pytest.raises(ValueError, match="naive"):
        await stores.cursors.set("s", "order", M2O, datetime(2026, 1, 1))
