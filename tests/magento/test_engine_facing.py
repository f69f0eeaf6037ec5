"""The calls the sync engine codes against: customers and categories, against the fake."""

from __future__ import annotations

import pytest

from magodoo.exceptions import NotFoundError, ValidationError
from magodoo.magento import (
    Category,
    Customer,
    CustomerAddress,
    MagentoClient,
    Region,
    SearchCriteria,
    custom_attributes,
)


def _customer(email: str) -> Customer:
    return Customer(
        email=email, firstname="Ada", lastname="Lovelace", website_id=1, group_id=1,
        addresses=(
            CustomerAddress(
                firstname="Ada", lastname="Lovelace", street=("1 Main St",), city="Austin",
                postcode="78701", country_id="US", telephone="5125550100",
                region=Region(region_code="TX", region="Texas", region_id=57), region_id=57,
                default_billing=True, default_shipping=True,
            ),
        ),
    )


async def test_customer_create_get_update_search_delete(client: MagentoClient) -> None:
    created = await client.create_customer(_customer("ada@example.com"), password="S3cret!pass")
    assert created.id is not None
    assert created.email == "ada@example.com"
    assert created.created_at is not None and created.created_at.tzinfo is not None
    got = await client.get_customer(created.id)
    assert got.addresses and got.addresses[0].city == "Austin"
    assert got.default_billing == str(got.addresses[0].id)

    address = got.addresses[0]
    second = CustomerAddress(
        firstname="Ada", lastname="Lovelace", street=("10 Rue de Rivoli",), city="Paris",
        postcode="75001", country_id="FR", telephone="0140000000",
    )
    changed = Customer(
        id=got.id, email=got.email, firstname="Augusta", lastname=got.lastname,
        website_id=got.website_id, addresses=(address, second),
    )
    updated = await client.update_customer(created.id, changed)
    assert updated.firstname == "Augusta"
    assert updated.addresses is not None and len(updated.addresses) == 2
    # without addresses the stored ones are kept
    kept = await client.update_customer(created.id, Customer(
        id=got.id, email=got.email, firstname="Ada", lastname=got.lastname,
        website_id=got.website_id))
    assert kept.addresses is not None and len(kept.addresses) == 2

    page = await client.search_customers(SearchCriteria().where("email", "ada@example.com"))
    assert page.total_count == 1 and page.items[0].id == created.id
    found = [c async for c in client.iter_customers(
        SearchCriteria().where("email", "%@example.com", "like"), page_size=2)]
    assert created.id in {c.id for c in found}
    assert len({c.id for c in found}) == len(found)

    assert await client.delete_customer(created.id) is True
    with pytest.raises(NotFoundError):
        await client.get_customer(created.id)


async def test_create_customer_duplicate_is_validation_error(client: MagentoClient) -> None:
    await client.create_customer(_customer("dup@example.com"))
    with pytest.raises(ValidationError) as info:
        await client.create_customer(_customer("dup@example.com"))
    assert "same email" in str(info.value)


async def test_iter_customers_updated_since(client: MagentoClient) -> None:
    everyone = [c async for c in client.iter_customers(page_size=3)]
    total = (await client.search_customers(SearchCriteria().page(1))).total_count
    assert len(everyone) == total
    if everyone:
        since = min(c.updated_at for c in everyone if c.updated_at)
        recent = [c async for c in client.iter_customers(
            SearchCriteria().where("updated_at", since, "gteq").order_by("updated_at"))]
        assert len(recent) == total


async def test_category_tree_list_get(client: MagentoClient) -> None:
    tree = await client.get_category_tree()
    assert tree.id is not None and tree.children_data is not None
    shallow = await client.get_category_tree(2, depth=1)
    assert shallow.id == 2
    assert all(not child.children_data for child in shallow.children_data or ())

    page = await client.list_categories(SearchCriteria().where("level", 2).page(5))
    assert page.items and all(c.level == 2 for c in page.items)
    every = [c async for c in client.iter_categories(page_size=4)]
    assert len(every) == (await client.list_categories(SearchCriteria().page(1))).total_count
    one = await client.get_category(every[-1].id or 0)
    assert one.name == every[-1].name
    with pytest.raises(NotFoundError) as info:
        await client.get_category(999999)
    assert info.value.template == "No such entity with %fieldName = %fieldValue"
    assert "id = 999999" in info.value.message


async def test_category_create_update_move_delete(client: MagentoClient) -> None:
    parent = await client.create_category(Category(
        parent_id=2, name="Sync Parent", is_active=True, include_in_menu=True,
        custom_attributes=custom_attributes({"url_key": "sync-parent"})))
    child = await client.create_category(Category(
        parent_id=2, name="Sync Child", is_active=True,
        custom_attributes=custom_attributes({"url_key": "sync-Child"})))
    assert parent.id and child.id
    assert child.custom("url_key") == "sync-Child"
    assert child.level == 2 and child.path and child.path.endswith(f"/{child.id}")

    renamed = await client.update_category(child.id, Category(name="Sync Child 2"))
    assert renamed.name == "Sync Child 2"
    assert await client.move_category(child.id, parent.id) is True
    moved = await client.get_category(child.id)
    assert moved.parent_id == parent.id and moved.level == 3
    assert await client.delete_category(parent.id) is True
    with pytest.raises(NotFoundError):
        await client.get_category(child.id)
