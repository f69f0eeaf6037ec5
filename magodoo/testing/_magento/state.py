"""In-memory tables of the fake Magento.

Rows are plain dicts kept in Magento's own JSON shape (snake_case keys), so handlers can return
copies of them. Catalog tables are named attributes; other parts of the fake (sales) ask for
their own tables by name with :meth:`State.table`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import attrs

Row = dict[str, Any]


def magento_time(moment: datetime) -> str:
    """Magento's UTC timestamp format, ``YYYY-MM-DD HH:MM:SS``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


class Rows(dict[Any, Row]):
    """A table's rows by id, with lookup indexes on columns (:meth:`Table.where`): a row
    stored under a new id joins them; replacing or removing a row drops them (rebuilt on the
    next lookup)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indexes: dict[str, dict[Any, list[Row]]] = {}

    def __reduce__(self) -> Any:  # copies and pickles hold the rows, not the indexes
        return (Rows, (dict(self),))

    def __setitem__(self, key: Any, row: Row) -> None:
        if key in self or not self.indexes:
            self.indexes.clear()
            super().__setitem__(key, row)
            return
        super().__setitem__(key, row)
        for column, index in self.indexes.items():
            try:
                index.setdefault(row.get(column), []).append(row)
            except TypeError:  # an unhashable value: never the parent id looked up
                continue

    def __delitem__(self, key: Any) -> None:
        self.indexes.clear()
        super().__delitem__(key)

    def pop(self, key: Any, *default: Any) -> Any:
        self.indexes.clear()
        return super().pop(key, *default)

    def popitem(self) -> tuple[Any, Row]:
        self.indexes.clear()
        return super().popitem()

    def clear(self) -> None:
        self.indexes.clear()
        super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.indexes.clear()
        super().update(*args, **kwargs)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self.indexes.clear()
        return super().setdefault(key, default)

    def index(self, column: str) -> dict[Any, list[Row]]:
        found = self.indexes.get(column)
        if found is None:
            found = {}
            for row in self.values():
                try:
                    found.setdefault(row.get(column), []).append(row)
                except TypeError:
                    continue
            self.indexes[column] = found
        return found


def _rows(value: Any) -> Rows:
    return value if isinstance(value, Rows) else Rows(value)


@attrs.define
class Table:
    """Rows keyed by their id, with an auto-increment counter like a MySQL table."""

    rows: dict[Any, Row] = attrs.field(factory=Rows, converter=_rows)
    last_id: int = 0

    def next_id(self) -> int:
        """Reserve the next auto-increment id (ids are never reused, even after a failed save)."""
        self.last_id += 1
        return self.last_id

    def add(self, row: Row, key: str = "id") -> Row:
        """Store ``row`` under ``row[key]``, assigning the next id when the key is missing."""
        if row.get(key) is None:
            row[key] = self.next_id()
        elif isinstance(row[key], int):
            self.last_id = max(self.last_id, row[key])
        self.rows[row[key]] = row
        return row

    def get(self, key: Any) -> Row | None:
        return self.rows.get(key)

    def where(self, column: str, value: Any) -> list[Row]:
        """The rows whose ``column`` equals ``value``, in table order: a lookup in an index
        kept with the rows, for the columns that never change once a row is stored (the
        parent's id of an item, a comment, an address); every hit is checked again."""
        rows = self.rows
        if not isinstance(rows, Rows):
            return [r for r in rows.values() if r.get(column) == value]
        return [r for r in rows.index(column).get(value, ()) if r.get(column) == value]

    def remove(self, key: Any) -> Row | None:
        return self.rows.pop(key, None)

    def values(self) -> list[Row]:
        return list(self.rows.values())

    def __iter__(self) -> Iterator[Row]:
        return iter(list(self.rows.values()))

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, key: object) -> bool:
        return key in self.rows


SourceKey = tuple[str, str]


class SourceItems(dict[SourceKey, Row]):
    """``(sku, source code) -> source item`` (``row["sku"]`` is the key's SKU), a dict that
    also keeps the keys of each case-folded SKU and the order the keys came in, so a search by
    SKU reads those rows only, in the dict's own order (what the ``sku`` index of MSI's
    ``inventory_source_item`` table does)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self._by_sku: dict[str, set[SourceKey]] = {}
        self._seq: dict[SourceKey, int] = {}
        self._next = 0
        self.update(*args, **kwargs)

    def _note(self, key: SourceKey) -> None:
        if not hasattr(self, "_by_sku"):  # a copy being rebuilt key by key
            self._by_sku, self._seq, self._next = {}, {}, 0
        self._by_sku.setdefault(str(key[0]).casefold(), set()).add(key)
        self._seq[key] = self._next
        self._next += 1

    def _drop(self, key: SourceKey) -> None:
        keys = self._by_sku.get(str(key[0]).casefold())
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_sku[str(key[0]).casefold()]
        self._seq.pop(key, None)

    def __setitem__(self, key: SourceKey, value: Row) -> None:
        if key not in self:
            self._note(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: SourceKey) -> None:
        super().__delitem__(key)
        self._drop(key)

    def pop(self, key: SourceKey, *default: Any) -> Any:
        if key in self:
            value = super().pop(key)
            self._drop(key)
            return value
        return super().pop(key, *default)

    def popitem(self) -> tuple[SourceKey, Row]:
        key, value = super().popitem()
        self._drop(key)
        return key, value

    def clear(self) -> None:
        super().clear()
        self._by_sku, self._seq = {}, {}

    def setdefault(self, key: SourceKey, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> SourceItems:  # type: ignore[override,misc]
        self.update(other)
        return self

    def keys_of(self, skus: Iterable[str]) -> list[SourceKey]:
        """The keys of these SKUs (compared case-folded), in the dict's order."""
        found: set[SourceKey] = set()
        for sku in skus:
            found |= self._by_sku.get(sku.casefold(), set())
        return sorted(found, key=self._seq.__getitem__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@attrs.define
class State:
    """Everything the fake store holds. Mutated only by route handlers and seeders."""

    now: Callable[[], datetime] = _utcnow
    rng: random.Random = attrs.field(factory=lambda: random.Random(0))
    modules: list[str] = attrs.field(factory=list)
    # Magento_Store
    websites: Table = attrs.field(factory=Table)
    groups: Table = attrs.field(factory=Table)
    stores: Table = attrs.field(factory=Table)
    store_configs: dict[int, Row] = attrs.field(factory=dict)
    # Magento_Eav / Catalog attributes
    attribute_sets: Table = attrs.field(factory=Table)  # key attribute_set_id
    attribute_groups: Table = attrs.field(factory=Table)  # key attribute_group_id (int)
    attributes: dict[str, Row] = attrs.field(factory=dict)  # by attribute_code
    attribute_ids: Table = attrs.field(factory=Table)  # id counter for attributes
    option_ids: Table = attrs.field(factory=Table)  # id counter for attribute options
    option_store_labels: dict[str, dict[int, str]] = attrs.field(factory=dict)
    """Attribute option id -> {store view id: label} (the admin label is on the option)."""
    swatch_attributes: set[str] = attrs.field(factory=set)
    """Codes of visual swatch attributes (``swatch_input_type = visual``)."""
    option_swatches: dict[str, str] = attrs.field(factory=dict)
    """Option id -> swatch value (``eav_attribute_option_swatch.value``)."""
    entity_attribute_ids: Table = attrs.field(factory=Table)  # counter for set assignments
    # set id -> {attribute_code: (group id, sort order)}
    set_attributes: dict[int, dict[str, tuple[int, int]]] = attrs.field(factory=dict)
    # Catalog
    categories: Table = attrs.field(factory=Table)
    products: Table = attrs.field(factory=Table)  # key id (entity_id)
    sku_index: dict[str, int] = attrs.field(factory=dict)  # lower-cased sku -> id
    sku_folded: dict[str, set[int]] = attrs.field(factory=dict)
    """Case-folded SKU -> product ids: what a search ``sku in (...)`` compares (the index)."""
    url_keys: dict[tuple[int, str], str] = attrs.field(factory=dict)  # (store, url key) -> sku
    media_ids: Table = attrs.field(factory=Table)
    option_counter: Table = attrs.field(factory=Table)  # custom options (option_id)
    option_value_counter: Table = attrs.field(factory=Table)
    configurable_option_ids: Table = attrs.field(factory=Table)
    # Inventory
    stock_items: Table = attrs.field(factory=Table)  # key item_id
    sources: Table = attrs.field(factory=Table)  # key source_code
    source_items: dict[tuple[str, str], Row] = attrs.field(factory=SourceItems)  # (sku, source)
    # Async bulk
    bulks: dict[str, Row] = attrs.field(factory=dict)
    # Other parts of the fake (sales, customers, tax) keep their tables here.
    extra: dict[str, Table] = attrs.field(factory=dict)
    # The sales side's own state object (``_magento.sales_state.SalesState()`` when it exists).
    sales: Any = None

    def table(self, name: str) -> Table:
        """A named table for other parts of the fake, created empty on first use."""
        if name not in self.extra:
            self.extra[name] = Table()
        return self.extra[name]

    def timestamp(self) -> str:
        """The current time in Magento's format."""
        return magento_time(self.now())

    # ---- lookups shared by several route modules ----------------------------------------

    def product_by_sku(self, sku: str) -> Row | None:
        pid = self.sku_index.get(sku.lower())
        return None if pid is None else self.products.get(pid)

    def store_by_code(self, code: str) -> Row | None:
        for store in self.stores:
            if store["code"] == code:
                return store
        return None
