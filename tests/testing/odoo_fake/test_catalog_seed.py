"""Seed ``catalog``: the real demo plus magodoo's own images (dumped fields, real images)."""

from __future__ import annotations

import base64

from magodoo.testing.fake_odoo import FakeOdoo


def test_catalog_seed_adds_images_with_dumped_fields_only() -> None:
    demo, catalog = FakeOdoo(seed="demo"), FakeOdoo(seed="catalog")
    assert demo.table("product.image") == {}
    images = catalog.table("product.image")
    assert len(images) == 3 and sum(1 for r in images.values() if r.get("video_url")) == 1
    for model in ("product.image", "product.template"):
        fields = catalog.db.fields(model)
        for row in catalog.table(model).values():
            assert not {k for k in row if k not in fields and not k.startswith("_")}
    for row in [*images.values(), catalog.table("product.template")[9]]:
        assert base64.b64decode(row["image_1920"]).startswith(b"\x89PNG")
    # everything else is the real demo
    assert catalog.table("product.product").keys() == demo.table("product.product").keys()
