"""Odoo product images -> Magento media gallery entries (pure).

A template's main image (``image_1920``) and its ``product.image`` records (extra images;
with a ``video_url``, an external video whose preview is the record's image) become media
gallery entries of the product (the configurable of a template with variants). Each image
has a *version* (the ``write_date`` of the record holding it): an unchanged version is never
read again; a changed one is read and its content hashed, and uploaded again only when the
hash differs. ``docs/mapping/images.md`` is the field table.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from magodoo.exceptions import MappingError

__all__ = [
    "ENTITY",
    "MAIN_ENTITY",
    "MEDIA_ENTITY",
    "ImageSource",
    "MediaValues",
    "content_hash",
    "image_mime",
    "images_to_magento",
    "media_entry",
    "video_provider",
]

ENTITY = "images"
MEDIA_ENTITY = "media"
"""Bindings ``product.image`` id <-> ``"<sku>/<entry id>"``, the hash of the content sent."""
MAIN_ENTITY = "media_main"
"""Bindings template id <-> ``"<sku>/<entry id>"`` of the main image."""
ROLES = ("image", "small_image", "thumbnail")
_MIME = ((b"\x89PNG", "image/png", "png"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
         (b"GIF8", "image/gif", "gif"))


@attrs.frozen
class ImageSource:
    """One image to have on the product: ``main`` (the template's) or a ``product.image``."""

    odoo_id: int
    main: bool
    label: str
    position: int
    version: str
    video_url: str | None = None
    roles: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"main-{self.odoo_id}" if self.main else f"image-{self.odoo_id}"


@attrs.frozen
class MediaValues:
    """The images a product should have, in order."""

    template_id: int
    sku: str
    images: tuple[ImageSource, ...]

    def hashable(self) -> list[Any]:
        return [[i.key, i.label, i.position, i.version, i.video_url, list(i.roles)]
                for i in self.images]


def images_to_magento(
    template_id: int,
    name: str,
    sku: str | None,
    main_version: str | None,
    extra: Sequence[Mapping[str, Any]],
) -> MediaValues:
    """The wanted images of one template: ``main_version`` is the template's ``write_date``
    when it has a main image (else ``None``); ``extra`` its ``product.image`` rows (``id``,
    ``name``, ``sequence``, ``video_url``, ``write_date``)."""
    if not sku:
        raise MappingError("the product is not synced to Magento", entity=ENTITY,
                           record=template_id, field="product_tmpl_id")
    images: list[ImageSource] = []
    if main_version is not None:
        images.append(ImageSource(template_id, True, name, 1, main_version, None, ROLES))
    rows = sorted(extra, key=lambda r: (int(r.get("sequence") or 0), int(r["id"])))
    for row in rows:
        video = row.get("video_url") or None
        roles = ROLES if not video and not any(i.roles for i in images) else ()
        images.append(ImageSource(int(row["id"]), False, str(row.get("name") or name),
                                  len(images) + 1, str(row.get("write_date") or ""),
                                  str(video) if video else None, roles))
    return MediaValues(template_id, sku, tuple(images))


def image_mime(raw: bytes) -> tuple[str, str]:
    """MIME type and file extension from the image bytes (PNG, JPEG, GIF)."""
    for magic, mime, ext in _MIME:
        if raw.startswith(magic):
            return mime, ext
    raise ValueError("not a PNG, JPEG or GIF image")


def content_hash(data: str) -> str:
    """SHA-256 of the base64 image as Odoo sends it."""
    return hashlib.sha256(data.encode()).hexdigest()


def video_provider(url: str) -> str:
    """``youtube`` or ``vimeo`` (Magento's two providers) from the URL."""
    if re.search(r"(youtube\.com|youtu\.be)", url):
        return "youtube"
    if "vimeo.com" in url:
        return "vimeo"
    return "youtube"


def entry_stem(image: ImageSource, sku: str) -> str:
    """The file name (without extension) an image is uploaded under: Magento keeps it, with
    ``_1``, ``_2``... added when the name is taken."""
    return f"{re.sub(r'[^a-z0-9]+', '-', sku.lower()).strip('-')}-{image.key}"


def is_upload_of(image: ImageSource, sku: str, file: str | None, label: str | None,
                 media_type: str | None) -> bool:
    """Whether a gallery entry (its ``file``, ``label``, ``media_type``) is what uploading
    ``image`` to ``sku`` makes: how an upload whose answer was lost is found again."""
    stem = (file or "").rpartition("/")[2].rpartition(".")[0]
    kind = "external-video" if image.video_url else "image"
    return (re.sub(r"_\d+$", "", stem) == entry_stem(image, sku) and label == image.label
            and media_type == kind)


def media_entry(image: ImageSource, data: str, sku: str) -> dict[str, Any]:
    """The ``entry`` for ``POST /V1/products/{sku}/media`` (``data``: base64 from Odoo)."""
    try:
        raw = base64.b64decode(data, validate=False)
        mime, ext = image_mime(raw)
    except ValueError as exc:
        raise MappingError(f"the image cannot be sent: {exc}", entity=ENTITY,
                           record=image.odoo_id,
                           field="image_1920") from None
    entry: dict[str, Any] = {
        "media_type": "external-video" if image.video_url else "image",
        "label": image.label, "position": image.position, "disabled": False,
        "types": list(image.roles),
        "content": {"base64_encoded_data": data, "type": mime,
                    "name": f"{entry_stem(image, sku)}.{ext}"},
    }
    if image.video_url:
        entry["extension_attributes"] = {"video_content": {
            "media_type": "external-video", "video_provider": video_provider(image.video_url),
            "video_url": image.video_url, "video_title": image.label,
            "video_description": "", "video_metadata": ""}}
    return entry
