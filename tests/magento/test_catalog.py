"""Every typed store, EAV, catalog and stock method, against the fake Magento."""

from __future__ import annotations

import base64

import pytest

from magodoo.exceptions import NotFoundError, ValidationError
from magodoo.magento import (
    AttributeGroup,
    AttributeOption,
    ConfigurableOption,
    ConfigurableOptionValue,
    CustomOption,
    CustomOptionValue,
    FrontendLabel,
    MagentoClient,
    MediaGalleryEntry,
    Product,
    ProductAttribute,
    SearchCriteria,
    SourceItem,
    StockItem,
    custom_attributes,
)


async def test_stores_and_modules(client: MagentoClient) -> None:
    websites = await client.list_websites()
    assert 0 in {w.id for w in websites}  # the admin website is listed
    groups = await client.list_store_groups()
    assert all(g.root_category_id is not None for g in groups)
    views = await client.list_store_views()
    assert "default" in {v.code for v in views}
    configs = await client.list_store_configs()
    assert configs and configs[0].base_currency_code
    one = await client.list_store_configs(["default"])
    assert [c.code for c in one] == ["default"]
    modules = await client.list_modules()
    assert "Magento_Catalog" in modules


async def test_attribute_sets_and_groups(client: MagentoClient) -> None:
    sets = await client.list_attribute_sets(SearchCriteria().page(50))
    assert sets.total_count >= 1
    default = await client.get_attribute_set(4)
    assert default.attribute_set_name
    groups = await client.list_attribute_groups(attribute_set_id=4)
    assert groups.items and all(g.attribute_set_id == 4 for g in groups.items)
    group = await client.create_attribute_group(
        AttributeGroup(attribute_group_name="Sync Group", attribute_set_id=4))
    assert group.attribute_group_id is not None
    attributes = await client.list_attribute_set_attributes(4)
    assert "sku" in {a.attribute_code for a in attributes}


async def test_product_attribute_lifecycle(client: MagentoClient) -> None:
    created = await client.create_product_attribute(ProductAttribute(
        attribute_code="sync_fabric", frontend_input="select", entity_type_id="4",
        is_required=False, default_frontend_label="Fabric", scope="global",
        frontend_labels=(FrontendLabel(store_id=0, label="Fabric"),),
        options=(AttributeOption(label="Denim"),)))
    assert created.attribute_id is not None
    got = await client.get_product_attribute("sync_fabric")
    assert got.frontend_input == "select"
    updated = await client.update_product_attribute(
        "sync_fabric", ProductAttribute(default_frontend_label="Fabric 2", attribute_code=None,
                                        frontend_input="select", entity_type_id="4",
                                        is_required=False))
    assert updated.default_frontend_label == "Fabric 2"
    page = await client.list_product_attributes(
        SearchCriteria().where("attribute_code", "sync_fabric").page(10))
    assert [a.attribute_code for a in page.items] == ["sync_fabric"]
    every = [a async for a in client.iter_product_attributes(page_size=50)]
    assert "sync_fabric" in {a.attribute_code for a in every}

    option_id = await client.add_attribute_option("sync_fabric", AttributeOption(label="Silk"))
    assert option_id.isdigit()
    options = await client.list_attribute_options("sync_fabric")
    assert "Silk" in {o.label for o in options}
    assert await client.delete_attribute_option("sync_fabric", option_id) is True
    assert "Silk" not in {o.label for o in await client.list_attribute_options("sync_fabric")}

    group = (await client.list_attribute_groups(attribute_set_id=4)).items[0]
    assert group.attribute_group_id is not None
    assert await client.assign_attribute(4, int(group.attribute_group_id), "sync_fabric", 90) > 0
    assert await client.unassign_attribute(4, "sync_fabric") is True
    assert await client.delete_product_attribute("sync_fabric") is True
    with pytest.raises(NotFoundError):
        await client.get_product_attribute("sync_fabric")


def _simple(sku: str, **extra: object) -> Product:
    return Product(
        sku=sku, name=f"Product {sku}", attribute_set_id=4, price=12.5, status=1,
        visibility=4, type_id="simple", weight=1.0,
        custom_attributes=custom_attributes({"url_key": sku.lower(), "description": "d"}),
        extension_attributes={"website_ids": [1]}, **extra,  # type: ignore[arg-type]
    )


async def test_products_create_save_get_delete(client: MagentoClient) -> None:
    created = await client.create_product(_simple("SYNC-1"))
    assert created.id is not None and created.custom("url_key") == "sync-1"
    assert created.created_at is not None and created.created_at.tzinfo is not None
    again = await client.save_product(Product(
        sku="SYNC-1", price=15.0, name="Renamed"))
    assert again.price == 15.0 and again.name == "Renamed"
    upserted = await client.save_product(_simple("SYNC-2"))  # PUT creates too
    assert upserted.id and upserted.id != created.id
    got = await client.get_product("SYNC-1")
    assert got.website_ids == (1,)
    assert got.stock_item is not None
    global_view = await client.for_store("all").save_product(Product(sku="SYNC-1", price=16.0))
    assert global_view.price == 16.0

    page = await client.list_products(SearchCriteria().where("sku", "SYNC-%", "like").page(10))
    assert {p.sku for p in page.items} == {"SYNC-1", "SYNC-2"}
    listed = [p async for p in client.iter_products(
        SearchCriteria().where("sku", ["SYNC-1", "SYNC-2"], "in"), page_size=1)]
    assert [p.sku for p in listed] in (["SYNC-1", "SYNC-2"], ["SYNC-2", "SYNC-1"])

    assert await client.remove_product_website("SYNC-1", 1) is True
    assert await client.add_product_website("SYNC-1", 1) is True
    assert await client.delete_product("SYNC-2") is True
    with pytest.raises(NotFoundError):
        await client.get_product("SYNC-2")
    with pytest.raises(ValidationError) as dup:
        await client.create_product(Product(
            sku="SYNC-3", name="x", attribute_set_id=4, price=1, type_id="simple",
            custom_attributes=custom_attributes({"url_key": "sync-1"})))
    assert "URL key" in dup.value.message


async def test_category_products(client: MagentoClient) -> None:
    await client.save_product(_simple("SYNC-CAT"))
    assert await client.assign_product_to_category(3, "SYNC-CAT", 2) is True
    links = await client.list_category_products(3)
    assert "SYNC-CAT" in {link.sku for link in links}
    assert await client.remove_product_from_category(3, "SYNC-CAT") is True
    assert "SYNC-CAT" not in {link.sku for link in await client.list_category_products(3)}


async def test_configurable_products(client: MagentoClient) -> None:
    color = await client.get_product_attribute("color")
    values = [o.value for o in await client.list_attribute_options("color") if o.value]
    await client.save_product(Product(sku="SYNC-CONF", name="Conf", attribute_set_id=4,
                                      price=0, type_id="configurable", status=1,
                                      visibility=4))
    for n, value in enumerate(values[:2]):
        await client.save_product(Product(
            sku=f"SYNC-CONF-{n}", name=f"Child {n}", attribute_set_id=4, price=10,
            type_id="simple", status=1, visibility=1,
            custom_attributes=custom_attributes({"color": str(value),
                                                 "url_key": f"sync-conf-{n}"})))
    option_id = await client.add_configurable_option("SYNC-CONF", ConfigurableOption(
        attribute_id=str(color.attribute_id), label="Color", position=0,
        values=tuple(ConfigurableOptionValue(value_index=int(v)) for v in values[:2])))
    assert option_id > 0
    assert await client.add_configurable_child("SYNC-CONF", "SYNC-CONF-0") is True
    assert await client.add_configurable_child("SYNC-CONF", "SYNC-CONF-1") is True
    with pytest.raises(ValidationError) as again:
        await client.add_configurable_child("SYNC-CONF", "SYNC-CONF-1")
    assert "already attached" in again.value.message
    children = await client.list_configurable_children("SYNC-CONF")
    assert {c.sku for c in children} == {"SYNC-CONF-0", "SYNC-CONF-1"}
    options = await client.list_configurable_options("SYNC-CONF")
    assert [o.label for o in options] == ["Color"]
    one = await client.get_configurable_option("SYNC-CONF", option_id)
    assert one.attribute_id == str(color.attribute_id)
    assert await client.update_configurable_option(
        "SYNC-CONF", option_id, ConfigurableOption(label="Colour")) == option_id
    parent = await client.get_product("SYNC-CONF")
    assert parent.configurable_product_links is not None
    assert len(parent.configurable_product_links) == 2
    assert parent.configurable_product_options and parent.configurable_product_options[0].values
    assert await client.remove_configurable_child("SYNC-CONF", "SYNC-CONF-1") is True
    assert await client.delete_configurable_option("SYNC-CONF", option_id) is True


async def test_custom_options(client: MagentoClient) -> None:
    await client.save_product(_simple("SYNC-OPT"))
    created = await client.create_custom_option(CustomOption(
        product_sku="SYNC-OPT", title="Finish", type="drop_down", sort_order=1,
        is_require=True, values=(
            CustomOptionValue(title="Gold", price=3, price_type="fixed", sort_order=1,
                              sku="gold"),
            CustomOptionValue(title="Silver", price=10, price_type="percent", sort_order=2,
                              sku="silver"),
        )))
    assert created.option_id is not None
    listed = await client.list_custom_options("SYNC-OPT")
    assert [o.title for o in listed] == ["Finish"]
    got = await client.get_custom_option("SYNC-OPT", created.option_id)
    assert got.values and {v.title for v in got.values} == {"Gold", "Silver"}
    changed = await client.update_custom_option(created.option_id, CustomOption(
        product_sku="SYNC-OPT", title="Initials", type="field", sort_order=2,
        is_require=False, price=2, price_type="fixed", max_characters=3))
    assert changed.title == "Initials"
    assert await client.delete_custom_option("SYNC-OPT", created.option_id) is True
    assert await client.list_custom_options("SYNC-OPT") == []


async def test_media_gallery(client: MagentoClient) -> None:
    await client.save_product(_simple("SYNC-IMG"))
    pixel = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()
    entry_id = await client.add_media("SYNC-IMG", MediaGalleryEntry(
        media_type="image", label="Front", position=1, disabled=False,
        types=("image", "thumbnail"),
        content={"base64_encoded_data": pixel, "type": "image/png", "name": "front.png"}))
    assert entry_id > 0
    entries = await client.list_media("SYNC-IMG")
    assert [e.label for e in entries] == ["Front"]
    got = await client.get_media("SYNC-IMG", entry_id)
    assert got.file
    assert await client.update_media("SYNC-IMG", entry_id, MediaGalleryEntry(
        id=entry_id, media_type="image", label="Back", position=2, disabled=False,
        types=("image",), file=got.file)) is True
    assert (await client.get_media("SYNC-IMG", entry_id)).label == "Back"
    assert await client.delete_media("SYNC-IMG", entry_id) is True
    assert await client.list_media("SYNC-IMG") == []


async def test_stock_items_and_source_items(client: MagentoClient) -> None:
    await client.save_product(_simple("SYNC-STOCK"))
    item = await client.get_stock_item("SYNC-STOCK")
    assert item.item_id is not None
    item_id = await client.update_stock_item(
        "SYNC-STOCK", StockItem(item_id=item.item_id, qty=42, is_in_stock=True))
    assert item_id == item.item_id
    assert (await client.get_stock_item("SYNC-STOCK")).qty == 42

    await client.save_source_items([SourceItem(sku="SYNC-STOCK", source_code="default",
                                               quantity=17, status=1)])
    page = await client.list_source_items(SearchCriteria().where("sku", "SYNC-STOCK"))
    assert [(s.source_code, s.quantity) for s in page.items] == [("default", 17.0)]
    every = [s async for s in client.iter_source_items(
        SearchCriteria().where("sku", "SYNC-STOCK"))]
    assert len(every) == 1
    assert await client.get_salable_quantity("SYNC-STOCK", 1) == 17.0
    await client.delete_source_items([SourceItem(sku="SYNC-STOCK", source_code="default")])
    assert (await client.list_source_items(
        SearchCriteria().where("sku", "SYNC-STOCK"))).total_count == 0
