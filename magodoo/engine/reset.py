"""The category reset: delete Magento's categories below the roots, forget the category
bindings, sync the tree again from Odoo (the connector's "Reset All Magento Categories and
Sync from Odoo" button).

::

    report = await reset_categories(engine, dry_run=True)   # what it would delete and create
    report = await reset_categories(engine)                  # do it

The roots are ``magento.root_category_id`` and every store group's root category; they stay.
Deleting a category deletes its subtree and its product links in Magento; the next product sync
links the products to the new categories.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

import attrs

from magodoo.backends.models import Direction
from magodoo.engine.result import SyncResult
from magodoo.exceptions import NotFoundError

if TYPE_CHECKING:
    from magodoo.engine.engine import SyncEngine

__all__ = ["ResetReport", "reset_categories"]

log = logging.getLogger("magodoo.engine")

ENTITY = "categories"


@attrs.frozen
class ResetReport:
    """What a reset deleted (or would delete) and created (or would create)."""

    dry_run: bool
    roots: tuple[int, ...]
    deleted: tuple[tuple[int, str], ...]
    """Magento categories below the roots (id, name), parents before children."""
    unbound: int
    """Category bindings forgotten."""
    created: tuple[tuple[str, str], ...]
    """Odoo categories synced again (Odoo id, name)."""
    result: SyncResult | None = None
    """The category sync that rebuilt the tree (``None`` in a dry run)."""


def _walk(node: Any, out: list[tuple[int, str]]) -> None:
    for child in node.children_data or ():
        if child.id is not None:
            out.append((int(child.id), child.name or ""))
        _walk(child, out)


async def reset_categories(engine: SyncEngine, *, dry_run: bool = False) -> ResetReport:
    """Delete the Magento categories below the roots, clear the category bindings and sync
    the tree again from Odoo; ``dry_run`` only lists what would be deleted and created."""
    magento: Any = engine.magento
    settings = engine.settings
    roots = {settings.magento.root_category_id}
    roots |= {g.root_category_id for g in await magento.list_store_groups()
              if g.root_category_id}
    below: list[tuple[int, str]] = []
    tops: list[int] = []
    for root in sorted(roots):
        try:
            tree = await magento.get_category_tree(root)
        except NotFoundError:
            continue
        tops += [int(c.id) for c in tree.children_data or () if c.id is not None]
        _walk(tree, below)
    bindings = await _bindings(engine)
    rows = await engine.odoo.search_read_page("product.public.category", [],
                                              ["id", "name"], order="id")
    created = tuple((str(r["id"]), str(r["name"])) for r in rows)
    if dry_run:
        return ResetReport(True, tuple(sorted(roots)), tuple(below), len(bindings), created)
    for cid in tops:  # a category's subtree goes with it
        with contextlib.suppress(NotFoundError):
            await magento.delete_category(cid)
    for b in bindings:
        await engine.stores.bindings.unbind(settings.backend, ENTITY, magento_id=b.magento_id)
    log.warning("categories reset: %d deleted in Magento, %d bindings cleared",
                len(below), len(bindings), extra={"entity": ENTITY})
    result = await engine.sync(ENTITY, Direction.ODOO_TO_MAGENTO, full=True)
    return ResetReport(False, tuple(sorted(roots)), tuple(below), len(bindings), created,
                       result)


async def _bindings(engine: SyncEngine) -> list[Any]:
    rows: list[Any] = []
    after: int | None = None
    while True:
        page = await engine.stores.bindings.list_bindings(engine.settings.backend, ENTITY,
                                                          after_id=after)
        if not page:
            return rows
        rows += page
        after = page[-1].id
