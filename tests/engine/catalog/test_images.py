"""Images and videos Odoo -> Magento: sent once, again only when the content changed."""

from __future__ import annotations

import base64
from typing import Any

from magodoo.engine.result import Outcome
from tests.engine.catalog.conftest import odoo
from tests.engine.conftest import World

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC"


def media(world: World, sku: str) -> list[dict[str, Any]]:
    found = world.magento.state.product_by_sku(sku)
    assert found is not None
    return list(found["media"])


def uploads(world: World) -> int:
    return sum(v for k, v in world.magento.counters.items()
               if k == "POST /V1/products/{sku}/media")


async def test_images_and_video_land_once(derived: World) -> None:
    await derived.engine.sync("products", "o2m")
    result = await derived.engine.sync("images", "o2m")
    assert result.failed == 0, [r.reason for r in result.records if r.reason]
    desk = media(derived, "odoo-template-9")
    assert [m["media_type"] for m in desk] == ["image", "image", "external-video"]
    assert desk[0]["types"] == ["image", "small_image", "thumbnail"]
    assert [m["label"] for m in desk][1:] == ["Customizable Desk, detail",
                                              "Customizable Desk, assembly video"]
    assert len(media(derived, "FURN_7777")) == 2
    sent = uploads(derived)
    assert sent == 3 + 2 + 1
    again = await derived.engine.sync("images", "o2m", full=True)
    assert again.skipped == again.total > 0
    assert uploads(derived) == sent


async def test_template_edit_reads_but_does_not_upload(derived: World) -> None:
    await derived.engine.sync_all("o2m")
    sent = uploads(derived)
    derived.clock.advance(60)
    odoo(derived, "product.template", "write", [5], {"list_price": 75.0})
    derived.clock.advance(60)
    result = await derived.engine.sync("images", "o2m")
    assert result.by_source()["5"].outcome is Outcome.UPDATED
    assert uploads(derived) == sent  # same bytes: no upload


async def test_a_replaced_image_and_a_removed_one(derived: World) -> None:
    await derived.engine.sync_all("o2m")
    before = {m["id"] for m in media(derived, "odoo-template-9")}
    sent = uploads(derived)
    derived.clock.advance(60)
    assert base64.b64decode(PNG).startswith(b"\x89PNG")
    odoo(derived, "product.image", "write", [2], {"image_1920": PNG})
    odoo(derived, "product.image", "unlink", [3])
    derived.clock.advance(60)
    result = await derived.engine.sync("images", "o2m")
    assert result.by_source()["9"].outcome is Outcome.UPDATED
    assert uploads(derived) == sent + 1
    after = media(derived, "odoo-template-9")
    assert len(after) == 2 and [m["media_type"] for m in after] == ["image", "image"]
    assert len({m["id"] for m in after} - before) == 1  # the replaced one is new


async def test_an_upload_whose_answer_was_lost_is_adopted_not_sent_again(derived: World) -> None:
    """The entries exist in Magento but no binding says so (the answers to the uploads were
    lost): the next run finds them by file name and label, binds them, uploads nothing."""
    await derived.engine.sync("products", "o2m")
    await derived.engine.sync("images", "o2m")
    sent, before = uploads(derived), media(derived, "odoo-template-9")
    bindings, backend = derived.stores.bindings, derived.engine.settings.backend
    await bindings.unbind(backend, "images", odoo_id=9)
    for entry in before:
        for entity in ("media", "media_main"):
            await bindings.unbind(backend, entity, magento_id=f"odoo-template-9/{entry['id']}")
    result = await derived.engine.sync("images", "o2m", full=True)
    assert result.by_source()["9"].outcome is Outcome.CREATED
    assert uploads(derived) == sent
    assert media(derived, "odoo-template-9") == before
    again = await derived.engine.sync("images", "o2m", full=True)
    assert again.skipped == again.total > 0
    assert uploads(derived) == sent
