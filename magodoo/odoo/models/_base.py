"""What every typed Odoo record shares: ``Ref``, reading with ``from_api``, writing with
``to_values``.

How fields are typed (the Odoo ``fields_get`` type on the left):

- many2one: ``Ref | None``. ``read`` gives ``[id, "display name"]`` or ``false``; a bare id
  (webhook payloads, ``load=None``) is read too. Written back as the bare id.
- one2many / many2many: ``tuple[int, ...]`` of ids. Written only when asked for, as
  ``[(6, 0, ids)]`` (replace the set; never do that on a one2many without meaning it).
- char / text / html / selection: ``str | None`` (Odoo sends ``false`` when empty).
- integer / float / monetary / boolean: plain, Odoo sends ``0`` / ``0.0`` / ``false``.
- date / datetime: aware UTC datetimes via the shared converter.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar, Self, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn

from magodoo._converter import (
    FastField,
    FastHook,
    converter,
    format_datetime,
    register_fast_type,
)
from magodoo.exceptions import MappingError

__all__ = ["OdooRecord", "Ref", "record", "to_odoo"]


@attrs.frozen
class Ref:
    """A many2one value: the id and the display name Odoo sent with it."""

    id: int
    name: str = ""

    @classmethod
    def of(cls, value: Any) -> Ref:
        """Read ``[id, name]`` or a bare id; ids are positive (``[false]`` is refused)."""
        if isinstance(value, Ref):
            return value
        if isinstance(value, list | tuple) and value and _is_id(value[0]):
            return cls(int(value[0]), str(value[1]) if len(value) > 1 and value[1] else "")
        if _is_id(value):
            return cls(value)
        raise ValueError(f"not a many2one value: {value!r}")


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _mapping_error(model: str, rid: Any, exc: Exception) -> MappingError:
    if isinstance(exc, cattrs.BaseValidationError):
        problems = cattrs.transform_error(exc, path="$")
    else:
        problems = [f"{type(exc).__name__}: {exc}"]
    field = problems[0].rpartition(" @ $.")[2] if " @ $." in problems[0] else None
    return MappingError("the Odoo answer cannot be read: " + "; ".join(problems),
                        entity=model, record=rid, field=field)


converter.register_structure_hook(Ref, lambda value, _: Ref.of(value))
converter.register_unstructure_hook(Ref, lambda ref: ref.id)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _is_x2many(type_: Any) -> bool:
    return typing.get_origin(type_) is tuple


class OdooRecord:
    """Base of the typed records. Subclasses are ``@attrs.frozen`` and set ``MODEL``.

    ``FIELDS`` is what the client reads (all the attributes), ``READONLY`` what
    :meth:`to_values` never writes (computed or stored by Odoo).
    """

    MODEL: ClassVar[str]
    FIELDS: ClassVar[tuple[str, ...]]
    READONLY: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_api(cls, record: Mapping[str, Any]) -> Self:
        """Build the record from a ``read``/``search_read`` dict (unknown keys ignored).

        Raises :class:`~magodoo.exceptions.MappingError` naming the model, the record id and
        the field that cannot be read (never a bare cattrs, type or value error).
        """
        rid = record.get("id") if isinstance(record, Mapping) else None
        try:
            result: Self = converter.structure(dict(record), cls)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            raise _mapping_error(cls.MODEL, rid, exc) from exc
        if "id" in record and not _is_id(getattr(result, "id", None)):
            raise MappingError(f"the Odoo answer cannot be read: not a record id: {rid!r}",
                               entity=cls.MODEL, record=rid, field="id")
        return result

    def to_values(
        self,
        *,
        include: Iterable[str] = (),
        only: Iterable[str] | None = None,
        skip_none: bool = False,
    ) -> dict[str, Any]:
        """The values for ``create``/``write``.

        Read-only fields and ``id`` are left out, and x2many fields unless named in
        ``include``. ``only`` restricts the result to the fields named. ``None`` is written
        as ``False`` (clears the field) unless ``skip_none``, which leaves such fields to
        Odoo's defaults (what the client does for a record given to ``create``).
        """
        wanted = set(include)
        keep = None if only is None else set(only)
        hints = _hints(type(self))
        out: dict[str, Any] = {}
        for attribute in attrs.fields(type(self)):  # type: ignore[arg-type]
            name = attribute.name
            if name == "id" or name in self.READONLY:
                continue
            if keep is not None and name not in keep:
                continue
            if _is_x2many(hints[name]) and name not in wanted:
                continue
            value = getattr(self, name)
            if value is None and skip_none:
                continue
            out[name] = to_odoo(value)
        return out


def to_odoo(value: Any) -> Any:
    """One Python value as Odoo takes it in ``create``/``write``."""
    if value is None:
        return False
    if isinstance(value, Ref):
        return value.id
    if isinstance(value, tuple):
        return [(6, 0, list(value))]
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


R = TypeVar("R", bound=OdooRecord)


def record(cls: type[R]) -> type[R]:
    """Fill ``FIELDS`` from the attrs attributes (use after ``@attrs.frozen``)."""
    cls.FIELDS = tuple(a.name for a in attrs.fields(cls))  # type: ignore[arg-type]
    return cls


# ---- reading: generated fast code, cattrs' detailed path when it fails -------------------

register_fast_type(Ref, list, Ref.of)  # read gives [id, "name"]: what the Ref hook reads


def _is_record(type_: Any) -> bool:
    return isinstance(type_, type) and issubclass(type_, OdooRecord) and attrs.has(type_)


def _structure_factory(cls: Any) -> FastHook:
    attrs.resolve_types(cls)
    slow = make_dict_structure_fn(cls, converter)  # what cattrs would use for the class
    fields = [FastField(a.alias or a.name, a.name, a.type) for a in attrs.fields(cls)]
    # every key present is read (Odoo's false is a value), unknown keys are ignored
    return FastHook(cls, fields, slow, drop_none=False, extra=None)


converter.register_structure_hook_factory(_is_record, _structure_factory)
