"""Helpers the catalog handlers share: bounded per-record writes with their exchanges kept
for the sync log, paged Odoo reads by id, the default attribute set and group."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs

from magodoo.engine.capture import collect
from magodoo.engine.handler import Context, Plan, Written
from magodoo.exceptions import ConfigurationError
from magodoo.magento.search import SearchCriteria

__all__ = ["DefaultSet", "default_set", "each", "read_in"]

log = logging.getLogger("magodoo.engine")

P = TypeVar("P", bound=Plan[Any, Any])

IDS_PER_READ = 500
"""Ids per ``search_read`` with an ``in`` domain."""


async def each(
    ctx: Context, plans: Sequence[P], one: Callable[[P], Awaitable[Written]]
) -> dict[str, Written | BaseException]:
    """Run ``one`` for every plan at ``magento.concurrency``, collecting each plan's HTTP
    exchanges; a failure fails that plan only."""
    limit = asyncio.Semaphore(ctx.settings.magento.concurrency)

    async def run(p: P) -> Written:
        with collect() as exchanges:
            try:
                async with limit:
                    return await one(p)
            finally:
                p.exchanges.extend(exchanges)

    outcomes = await asyncio.gather(*(run(p) for p in plans), return_exceptions=True)
    results: dict[str, Written | BaseException] = {}
    for p, outcome in zip(plans, outcomes, strict=True):
        if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
            raise outcome
        results[p.source_id] = outcome
    return results


async def read_in(
    ctx: Context, model: str, field: str, ids: Iterable[int], fields: Sequence[str],
    *, extra: Sequence[Any] = (), context: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """``search_read`` of the rows whose ``field`` is in ``ids`` (chunked, inactive rows
    included when ``extra`` asks for them)."""
    wanted = sorted(set(ids))
    rows: list[dict[str, Any]] = []
    for start in range(0, len(wanted), IDS_PER_READ):
        chunk = wanted[start:start + IDS_PER_READ]
        rows += await ctx.odoo.search_read_page(
            model, [(field, "in", chunk), *extra], list(fields), order="id", context=context)
    return rows


@attrs.frozen
class DefaultSet:
    """The attribute set products and new attributes go to, and the group in it."""

    set_id: int
    group_id: int


async def default_set(ctx: Context) -> DefaultSet:
    """``defaults.attribute_set`` and ``defaults.attribute_group`` on the store (the first
    group of the set, with a warning, when the named group is missing)."""
    magento: Any = ctx.magento
    wanted = ctx.settings.defaults.attribute_set
    sets = (await magento.list_attribute_sets(
        SearchCriteria().where("entity_type_id", 4))).items
    found = [s for s in sets
             if (s.attribute_set_name or "").strip().casefold() == wanted.strip().casefold()]
    if not found or found[0].attribute_set_id is None:
        raise ConfigurationError(
            f"defaults.attribute_set: {wanted!r} is not an attribute set of the Magento store")
    set_id = int(found[0].attribute_set_id)
    groups = (await magento.list_attribute_groups(attribute_set_id=set_id)).items
    group_name = ctx.settings.defaults.attribute_group.strip().casefold()
    ids = [int(g.attribute_group_id) for g in groups
           if (g.attribute_group_name or "").strip().casefold() == group_name]
    if not ids:
        if not groups:
            raise ConfigurationError(f"attribute set {wanted!r} has no group")
        log.warning("defaults.attribute_group %r is not in attribute set %r: using %r",
                    ctx.settings.defaults.attribute_group, wanted,
                    groups[0].attribute_group_name)
        ids = [int(groups[0].attribute_group_id)]
    return DefaultSet(set_id, ids[0])
