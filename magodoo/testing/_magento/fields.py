"""``?fields=`` partial responses, e.g. ``items[sku,extension_attributes[website_ids]]``.

Applied to any GET, POST or PUT answer (Magento's ``Webapi\\Rest\\Response\\FieldsFilter``):
objects keep only the named keys, lists are filtered item by item, scalars pass through.
"""

from __future__ import annotations

from typing import Any

Spec = dict[str, "Spec | None"]


def parse(text: str) -> Spec:
    """Parse the ``fields`` grammar into a tree (``None`` leaves keep the whole value)."""
    spec, _ = _parse(text.replace(" ", ""), 0)
    return spec


def _parse(text: str, pos: int) -> tuple[Spec, int]:
    spec: Spec = {}
    name = ""
    while pos < len(text):
        ch = text[pos]
        if ch == "[":
            child, pos = _parse(text, pos + 1)
            if name:
                spec[name] = child
            name = ""
            continue
        if ch == "]":
            if name:
                spec[name] = None
            return spec, pos + 1
        if ch == ",":
            if name:
                spec[name] = None
            name = ""
        else:
            name += ch
        pos += 1
    if name:
        spec[name] = None
    return spec, pos


def project(value: Any, spec: Spec) -> Any:
    """Keep only what ``spec`` names."""
    if isinstance(value, list):
        return [project(v, spec) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, child in spec.items():
        if key in value:
            out[key] = value[key] if child is None else project(value[key], child)
    return out
