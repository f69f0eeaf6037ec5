"""Product images and videos, Odoo -> Magento media gallery.

* fetch: templates changed since the cursor or whose ``product.image`` records changed; per
  page one ``search_read`` of the templates, one ``search`` of those with a main image, one
  ``search_read`` of their ``product.image`` rows, none of them reading image bytes;
* dependencies: the products (their SKU comes from the ``products`` binding);
* write: per product, an image whose version (``write_date``) is the one bound is left alone;
  for the others the bytes are read (one ``read`` per product) and hashed: the same hash as
  bound -> only label/position/roles are updated (``PUT .../media/{id}``); a new or changed
  content -> ``POST .../media`` (and the old entry deleted); an image gone from Odoo -> its
  entry deleted. So an unchanged image is never uploaded twice.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from magodoo._converter import format_datetime, parse_datetime
from magodoo.backends.models import Binding, Direction
from magodoo.engine.entities.catalog._common import each, read_in
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.exceptions import NotFoundError
from magodoo.magento.models_catalog import MediaGalleryEntry
from magodoo.mapping.catalog.images import (
    ENTITY,
    MAIN_ENTITY,
    MEDIA_ENTITY,
    ImageSource,
    MediaValues,
    content_hash,
    images_to_magento,
    is_upload_of,
    media_entry,
)
from magodoo.mapping.catalog.products import ENTITY as PRODUCTS

__all__ = ["ImageExporter", "ImagesRecord"]

MODEL = "product.template"
IMAGE_MODEL = "product.image"
ANY_ACTIVE: list[Any] = [("active", "in", [True, False])]
BASE: list[Any] = [("type", "in", ["consu", "service"]), *ANY_ACTIVE]
IMAGE_FIELDS = ["id", "name", "sequence", "video_url", "product_tmpl_id", "write_date"]


@attrs.frozen
class ImagesRecord:
    """A template with what says whether its images changed (no bytes)."""

    template_id: int
    name: str
    write_date: str
    has_main: bool
    images: tuple[Mapping[str, Any], ...]
    stamp: datetime | None


ImagesPlan = Plan[ImagesRecord, MediaValues]


def _stamp(value: Any) -> datetime | None:
    return parse_datetime(value) if value else None


class ImageExporter(Handler[ImagesRecord, MediaValues]):
    """The main image and ``product.image`` records of each template -> media entries."""

    entity: ClassVar[str] = ENTITY
    direction: ClassVar[Direction] = Direction.ODOO_TO_MAGENTO

    def source_id(self, record: ImagesRecord) -> str:
        return str(record.template_id)

    def source_stamp(self, record: ImagesRecord) -> datetime | None:
        return record.stamp

    async def _records(self, ctx: Context, rows: list[dict[str, Any]]) -> list[ImagesRecord]:
        ids = [int(r["id"]) for r in rows]
        with_main = {int(r["id"]) for r in await ctx.odoo.search_read_page(
            MODEL, [("id", "in", ids), ("image_1920", "!=", False), *ANY_ACTIVE], ["id"])}
        images: dict[int, list[dict[str, Any]]] = {}
        for row in await read_in(ctx, IMAGE_MODEL, "product_tmpl_id", ids, IMAGE_FIELDS):
            if row.get("product_tmpl_id"):
                images.setdefault(int(row["product_tmpl_id"][0]), []).append(row)
        out = []
        for row in rows:
            tid = int(row["id"])
            mine = tuple(images.get(tid, ()))
            stamps = [s for s in (_stamp(row.get("write_date")),
                                  *(_stamp(i.get("write_date")) for i in mine)) if s]
            out.append(ImagesRecord(tid, str(row.get("name") or ""),
                                    str(row.get("write_date") or ""), tid in with_main, mine,
                                    max(stamps) if stamps else None))
        return out

    async def fetch(
        self, ctx: Context, since: datetime | None
    ) -> AsyncIterator[list[ImagesRecord]]:
        base = list(BASE)
        if since is not None:
            stamp = format_datetime(since)
            changed = await ctx.odoo.search_read_page(
                IMAGE_MODEL, [("write_date", ">=", stamp)], ["product_tmpl_id"])
            tids = sorted({int(r["product_tmpl_id"][0]) for r in changed
                           if r.get("product_tmpl_id")})
            base += ["|", ("write_date", ">=", stamp), ("id", "in", tids)]
        async for rows in ctx.odoo_pages(MODEL, base, ["id", "name", "write_date"]):
            yield await self._records(ctx, rows)

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[ImagesRecord]:
        rows = await ctx.odoo.search_read_page(
            MODEL, [("id", "in", [int(k) for k in keys]), *BASE], ["id", "name", "write_date"])
        return await self._records(ctx, rows)

    async def prepare(self, ctx: Context, records: list[ImagesRecord]) -> dict[int, str]:
        ids = {r.template_id for r in records if r.has_main or r.images}
        bound = await ctx.stores.bindings.get_many_by_odoo(ctx.backend, PRODUCTS, ids)
        missing = ids - bound.keys()
        if missing:
            await ctx.ensure(PRODUCTS, Direction.ODOO_TO_MAGENTO,
                             [str(i) for i in sorted(missing)])
            bound = await ctx.stores.bindings.get_many_by_odoo(ctx.backend, PRODUCTS, ids)
        return {tid: b.magento_id for tid, b in bound.items()}

    def map(self, record: ImagesRecord, mctx: Any) -> MediaValues:
        assert isinstance(mctx, dict)
        if not record.has_main and not record.images:
            return MediaValues(record.template_id, mctx.get(record.template_id, ""), ())
        return images_to_magento(record.template_id, record.name, mctx.get(record.template_id),
                                 record.write_date if record.has_main else None, record.images)

    def hashable(self, mapped: MediaValues) -> Any:
        return mapped.hashable()

    def natural_key(self, mapped: MediaValues) -> str | None:
        return mapped.sku or None

    async def find_by_key(self, ctx: Context, plans: list[ImagesPlan]) -> dict[str, str]:
        return {}

    # ---- write ------------------------------------------------------------------------------

    async def _bytes(self, ctx: Context, p: ImagesPlan, wanted: list[ImageSource]
                     ) -> dict[str, str]:
        data: dict[str, str] = {}
        extra = [i.odoo_id for i in wanted if not i.main]
        if extra:
            for row in await ctx.odoo.read(IMAGE_MODEL, extra, ["image_1920"]):
                if row.get("image_1920"):
                    data[f"image-{row['id']}"] = str(row["image_1920"])
        if any(i.main for i in wanted):
            for row in await ctx.odoo.read(MODEL, [p.value.template_id], ["image_1920"]):
                if row.get("image_1920"):
                    data[f"main-{row['id']}"] = str(row["image_1920"])
        return data

    async def _sync(self, ctx: Context, p: ImagesPlan) -> Written:
        value = p.value
        magento: Any = ctx.magento
        stores, backend = ctx.stores.bindings, ctx.backend
        if not value.sku:  # no image at all and no product: nothing to do
            return Written(str(value.template_id))
        extra_ids = [i.odoo_id for i in value.images if not i.main]
        bound_extra = await stores.get_many_by_odoo(backend, MEDIA_ENTITY, extra_ids)
        bound_main = await stores.get_many_by_odoo(backend, MAIN_ENTITY, [value.template_id])

        def binding_of(image: ImageSource) -> Binding | None:
            return (bound_main if image.main else bound_extra).get(
                value.template_id if image.main else image.odoo_id)

        current = {e.id: e for e in await magento.list_media(value.sku) if e.id is not None}
        ours = await stores.get_many_by_magento(backend, MEDIA_ENTITY,
                                                [f"{value.sku}/{i}" for i in current])
        ours.update(await stores.get_many_by_magento(backend, MAIN_ENTITY,
                                                     [f"{value.sku}/{i}" for i in current]))
        unbound = [e for i, e in current.items() if f"{value.sku}/{i}" not in ours]

        def lost_upload(image: ImageSource) -> int | None:
            """An entry an earlier upload of this image made, its answer lost (issue 7):
            adopted instead of uploaded twice."""
            for e in unbound:
                if is_upload_of(image, value.sku, e.file, e.label, e.media_type):
                    unbound.remove(e)
                    return int(e.id)
            return None
        stale = [i for i in value.images
                 if (b := binding_of(i)) is None or b.magento_key != i.version
                 or _entry_id(b) not in current]
        data = await self._bytes(ctx, p, stale) if stale else {}
        rows: list[Binding] = []
        kept: set[int] = set()
        uploaded = 0
        for image in value.images:
            b = binding_of(image)
            entry_id = _entry_id(b) if b is not None else None
            if image not in stale and entry_id is not None:
                kept.add(entry_id)
                continue
            assert b is None or entry_id is not None
            content = data.get(image.key)
            if content is None:
                continue  # the image was removed between the two reads
            digest = content_hash(content)
            entity = MAIN_ENTITY if image.main else MEDIA_ENTITY
            odoo_id = value.template_id if image.main else image.odoo_id
            if (b is not None and entry_id is not None and entry_id in current
                    and b.payload_hash == digest):
                entry = media_entry(image, content, value.sku)
                entry.pop("content")
                await magento.update_media(value.sku, entry_id,
                                           MediaGalleryEntry.from_api({"id": entry_id, **entry}))
                kept.add(entry_id)
            elif (found := lost_upload(image)) is not None:
                kept.add(found)
                entry_id = found
            else:
                new_id = int(await magento.add_media(
                    value.sku, MediaGalleryEntry.from_api(media_entry(image, content,
                                                                      value.sku))))
                uploaded += 1
                kept.add(new_id)
                entry_id = new_id
            rows.append(Binding(backend=backend, entity=entity,
                                magento_id=f"{value.sku}/{entry_id}", odoo_id=odoo_id,
                                magento_key=image.version, payload_hash=digest))
        # entries bound to images no longer wanted (or replaced): delete them
        removed = 0
        for mid, b in ours.items():
            eid = _entry_id(b)
            if eid in kept or eid is None:
                continue
            with contextlib.suppress(NotFoundError):
                await magento.delete_media(value.sku, eid)
            await stores.unbind(backend, b.entity, magento_id=mid)
            removed += 1
        for row in rows:  # a replaced image: its old binding goes first
            await stores.unbind(backend, row.entity, odoo_id=row.odoo_id)
        if rows:
            await stores.bind_many(rows)
        p.reason = f"{uploaded} uploaded, {removed} removed"
        return Written(value.sku)

    async def create(
        self, ctx: Context, plans: list[ImagesPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await each(ctx, plans, lambda p: self._sync(ctx, p))

    async def update(
        self, ctx: Context, plans: list[ImagesPlan]
    ) -> Mapping[str, Written | BaseException]:
        return await each(ctx, plans, lambda p: self._sync(ctx, p))


def _entry_id(binding: Binding | None) -> int | None:
    if binding is None:
        return None
    _, _, tail = binding.magento_id.rpartition("/")
    return int(tail) if tail.isdigit() else None
