"""eCommerce categories: Odoo against the Magento categories the real engine made of them."""

from __future__ import annotations

from magodoo.backends import Direction
from magodoo.magento import Category
from magodoo.reconcile import Difference, compare_categories
from tests.reconcile.conftest import Pair

O2M = Direction.ODOO_TO_MAGENTO
MODEL = "product.public.category"


async def differences(pair: Pair) -> list[Difference]:
    return [d async for d in compare_categories(pair.magento, pair.odoo, pair.stores,
                                                page_size=7)]


async def synced(pair: Pair) -> None:
    result = await pair.engine.sync("categories", O2M)
    assert result.created > 0 and result.failed == 0


async def leaf(pair: Pair) -> tuple[int, str]:
    """An Odoo category with a parent (and without children), and its Magento id."""
    rows = await pair.odoo.search_read_page(MODEL, [("parent_id", "!=", False)],
                                            ["id", "child_id"], order="id")
    oid = next(int(r["id"]) for r in rows if not r["child_id"])
    binding = await pair.stores.bindings.get_by_odoo("default", "categories", oid)
    assert binding is not None
    return oid, binding.magento_id


async def test_no_differences_right_after_a_sync(pair: Pair) -> None:
    await synced(pair)
    assert await differences(pair) == []


async def test_renamed_in_magento_is_a_name_mismatch(pair: Pair) -> None:
    await synced(pair)
    oid, mid = await leaf(pair)
    (row,) = await pair.odoo.read(MODEL, [oid], ["name"])
    await pair.magento.update_category(int(mid), Category(name="Renamed by hand"))
    assert await differences(pair) == [
        Difference("categories", "field_mismatch", mid, oid, "name", "Renamed by hand",
                   row["name"]),
    ]


async def test_new_odoo_category_is_missing_in_magento(pair: Pair) -> None:
    await synced(pair)
    (oid,) = await pair.odoo.create(MODEL, [{"name": "Brand new shelf"}])
    assert await differences(pair) == [Difference("categories", "missing_in_magento", None, oid)]


async def test_unbound(pair: Pair) -> None:
    await synced(pair)
    oid, mid = await leaf(pair)
    await pair.stores.bindings.unbind("default", "categories", odoo_id=oid)
    assert await differences(pair) == [Difference("categories", "unbound", mid, oid)]


async def test_deleted_in_odoo_is_missing_in_odoo(pair: Pair) -> None:
    await synced(pair)
    oid, mid = await leaf(pair)
    await pair.odoo.unlink(MODEL, [oid])
    assert await differences(pair) == [Difference("categories", "missing_in_odoo", mid, oid)]


async def test_deleted_in_magento_is_missing_in_magento(pair: Pair) -> None:
    await synced(pair)
    oid, mid = await leaf(pair)
    assert await pair.magento.delete_category(int(mid))
    assert await differences(pair) == [Difference("categories", "missing_in_magento", mid, oid)]
