"""One difference between Magento and Odoo, and helpers to compare values."""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import Any, Literal

import attrs

from magodoo.reconcile._pandas import DataFrame, require_pandas

__all__ = ["DIFFERENCE_COLUMNS", "Difference", "Kind", "differences_frame", "plain", "same"]

Kind = Literal["missing_in_odoo", "missing_in_magento", "unbound", "field_mismatch",
               "broken_binding", "in_flight"]
"""What is wrong:

* ``missing_in_odoo``: the Magento record has no Odoo counterpart (never synced, or the bound
  Odoo record is gone);
* ``missing_in_magento``: the Odoo record has no Magento counterpart (never synced, or the
  bound Magento record is gone);
* ``unbound``: both records exist and match by natural key, but no binding links them;
* ``field_mismatch``: both exist and are bound, and ``field`` differs;
* ``broken_binding`` (reports of :func:`reconcile` only): a binding points at a record that
  is gone, or that belongs to another record or parent;
* ``in_flight`` (reports of :func:`reconcile` only): the values differ by what is still on
  its way (stock: Magento's open reservations), not drift.
"""

DIFFERENCE_COLUMNS = (
    "kind", "entity", "magento_id", "odoo_id", "field", "magento_value", "odoo_value",
)


@attrs.frozen
class Difference:
    """One difference. ``magento_value`` is what the mapper makes of the Magento record (for
    customers) or the Magento record's value (for categories); ``odoo_value`` likewise."""

    entity: str
    kind: Kind
    magento_id: str | None = None
    odoo_id: int | None = None
    field: str | None = None
    magento_value: Any = None
    odoo_value: Any = None


def plain(value: Any) -> Any:
    """A value as compared: Odoo's ``False`` and empty strings are ``None``, many2one pairs
    their id, strings trimmed."""
    if value is False or value is None:
        return None
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], int):
        return value[0]
    if isinstance(value, str):
        return value.strip() or None
    return value


def same(a: Any, b: Any, *, casefold: bool = False) -> bool:
    """Whether two field values are equal once :func:`plain`-ed (case-insensitive on demand)."""
    a, b = plain(a), plain(b)
    if casefold and isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return bool(a == b)


async def differences_frame(differences: AsyncIterable[Difference]) -> DataFrame:
    """Collect differences (from :func:`compare_customers` or :func:`compare_categories`) into a
    ``pandas.DataFrame`` with the columns ``kind``, ``entity``, ``magento_id``, ``odoo_id``
    (nullable integers), ``field``, ``magento_value``, ``odoo_value``.

    Needs the ``pandas`` extra (:class:`~magodoo.exceptions.MissingExtraError` otherwise).
    """
    pd = require_pandas()
    columns: dict[str, list[Any]] = {name: [] for name in DIFFERENCE_COLUMNS}
    async for diff in differences:
        for name in DIFFERENCE_COLUMNS:
            columns[name].append(getattr(diff, name))
    frame = pd.DataFrame(columns, columns=list(DIFFERENCE_COLUMNS))
    frame["odoo_id"] = frame["odoo_id"].astype("Int64")
    return frame
