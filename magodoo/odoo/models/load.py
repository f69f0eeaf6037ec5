"""The answer of Odoo's ``model.load(fields, rows)`` (the import with external ids).

Recorded on a real Odoo 18 (``samples/load``): ``{"ids": [...] | false, "messages": [...],
"nextrow": 0}``. Row errors are reported in ``messages`` instead of raised, and one error rolls
the whole call back (``ids`` is ``false``): :attr:`LoadResult.ok` tells the two apart, and
:meth:`LoadResult.raise_for_errors` turns the messages into a
:class:`~magodoo.exceptions.MappingError` naming the row and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from magodoo.exceptions import MappingError

__all__ = ["LoadMessage", "LoadResult"]


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@attrs.frozen(kw_only=True)
class LoadMessage:
    """One message of ``load``: ``type`` (``error`` / ``warning``), the rows it is about
    (0-based, inclusive), the record's index among the loaded records, the field (technical
    name) and its label, and ``moreinfo`` (possible values, an action) as Odoo sent it."""

    type: str
    message: str
    record: int | None = None
    rows_from: int | None = None
    rows_to: int | None = None
    field: str | None = None
    field_name: str | None = None
    moreinfo: Any = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> LoadMessage:
        raw_rows = data.get("rows")
        rows: Mapping[str, Any] = raw_rows if isinstance(raw_rows, Mapping) else {}
        field = data.get("field")
        label = data.get("field_name")
        return cls(
            type=str(data.get("type") or "error"),
            message=str(data.get("message") or ""),
            record=_int(data.get("record")),
            rows_from=_int(rows.get("from")),
            rows_to=_int(rows.get("to")),
            field=field if isinstance(field, str) else None,
            field_name=label if isinstance(label, str) else None,
            moreinfo=data.get("moreinfo"),
        )


@attrs.frozen(kw_only=True)
class LoadResult:
    """``ids`` of the loaded records in order (``None`` when the call was rolled back)."""

    ids: tuple[int, ...] | None
    messages: tuple[LoadMessage, ...] = ()
    nextrow: int = 0

    @classmethod
    def from_api(cls, data: Any) -> LoadResult:
        if not isinstance(data, Mapping):
            raise MappingError(f"load answered {type(data).__name__}, not an object",
                               entity="load", record=None)
        raw_ids = data.get("ids")
        ids = None
        if isinstance(raw_ids, list):
            ids = tuple(int(i) for i in raw_ids)
        messages = tuple(LoadMessage.from_api(m) for m in data.get("messages") or ()
                         if isinstance(m, Mapping))
        return cls(ids=ids, messages=messages, nextrow=_int(data.get("nextrow")) or 0)

    @property
    def ok(self) -> bool:
        """Whether the rows were saved (no error message, ids given)."""
        return self.ids is not None and not self.errors

    @property
    def errors(self) -> tuple[LoadMessage, ...]:
        return tuple(m for m in self.messages if m.type == "error")

    def raise_for_errors(self, model: str, xids: tuple[str | None, ...] = ()) -> tuple[int, ...]:
        """The ids, or a :class:`MappingError` naming the first failed row (by its external id
        when ``xids`` gives them by record index) and field."""
        if self.ok and self.ids is not None:
            return self.ids
        first = self.errors[0] if self.errors else None
        if first is None:
            raise MappingError(f"{model}.load saved nothing", entity=model, record=None)
        record: Any = first.record
        if first.record is not None and first.record < len(xids) and xids[first.record]:
            record = xids[first.record]
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        raise MappingError(f"{model}.load refused row {first.rows_from}: {first.message}{more}",
                           entity=model, record=record, field=first.field)
