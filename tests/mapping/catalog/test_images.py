"""The image mapper (pure): order, roles, videos, a replaced image."""

from __future__ import annotations

import pytest

from magodoo.exceptions import MappingError
from magodoo.mapping.catalog.images import (
    content_hash,
    images_to_magento,
    media_entry,
    video_provider,
)

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC"
ROWS = [{"id": 4, "name": "Back", "sequence": 20, "write_date": "2026-01-02 00:00:00"},
        {"id": 3, "name": "Video", "sequence": 10, "video_url": "https://vimeo.com/1",
         "write_date": "2026-01-01 00:00:00"}]


def test_order_roles_and_video() -> None:
    values = images_to_magento(9, "Desk", "DESK", "2026-01-03 00:00:00", ROWS)
    assert [(i.key, i.position, i.roles) for i in values.images] == [
        ("main-9", 1, ("image", "small_image", "thumbnail")), ("image-3", 2, ()),
        ("image-4", 3, ())]
    video = media_entry(values.images[1], PNG, "DESK")
    assert video["media_type"] == "external-video"
    assert video["extension_attributes"]["video_content"]["video_provider"] == "vimeo"
    assert video["content"]["type"] == "image/png"


def test_without_main_image_the_first_picture_takes_the_roles() -> None:
    values = images_to_magento(9, "Desk", "DESK", None, ROWS)
    assert [i.roles for i in values.images] == [(), ("image", "small_image", "thumbnail")]


def test_a_replaced_image_changes_version_and_hash() -> None:
    before = images_to_magento(9, "Desk", "DESK", None, ROWS[:1])
    after = images_to_magento(9, "Desk", "DESK", None,
                              [{**ROWS[0], "write_date": "2026-02-01 00:00:00"}])
    assert before.hashable() != after.hashable()
    assert content_hash(PNG) != content_hash(PNG.replace("A", "B", 1))


def test_unsynced_product_and_bad_bytes() -> None:
    with pytest.raises(MappingError, match="not synced"):
        images_to_magento(9, "Desk", None, None, ROWS)
    values = images_to_magento(9, "Desk", "DESK", "x", [])
    with pytest.raises(MappingError, match="not a PNG, JPEG or GIF"):
        media_entry(values.images[0], "aGVsbG8=", "DESK")
    assert video_provider("https://youtu.be/abc") == "youtube"
