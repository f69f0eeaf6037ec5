"""What every Magento model shares: reading and writing through the one converter.

Each model is an ``@attrs.frozen(kw_only=True)`` subclass of :class:`ApiModel`. Reading
(:meth:`ApiModel.from_api`):

- keys the model does not name are kept in ``extra`` (never an error), so a record read and
  written back loses nothing;
- ``null`` values are read as absent (the field's default, ``None``), and a ``null`` inside an
  array of scalars stays ``None`` (real stores send ``["95544", null, "0"]`` where the schema
  says ``string[]``: scalar arrays are typed ``tuple[str | None, ...]``); in a custom
  attribute's list of values a ``null`` is left out;
- ``extension_attributes`` stay a raw mapping: keys the schema does not know (third-party
  modules: ``celigo_sales_order``, ``rewards_*``...) are kept and readable;
- ``bool | None`` fields keep ``false`` (the shared converter reads ``false`` as ``None`` for
  Odoo's sake; Magento's ``false`` is a real value);
- numbers sent as strings, timestamps and the rest follow :mod:`magodoo._converter`.

Writing (:meth:`ApiModel.to_api`) gives Magento's own shape: ``None`` fields are left out,
tuples become lists, timestamps ``YYYY-MM-DD HH:MM:SS`` UTC, ``extra`` merged back.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, ClassVar, Self

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

from magodoo._converter import FastField, FastHook, converter, fast_reader, format_datetime
from magodoo.exceptions import MappingError

__all__ = ["ApiModel", "plain"]


class ApiModel:
    """Base of the Magento models (see the module docstring)."""

    __slots__ = ()

    #: attribute name -> API key, for the few keys that are not valid Python names
    api_renames: ClassVar[Mapping[str, str]] = {}
    #: ``id`` must be positive when present (0 is a real id only for the admin website/store)
    positive_id: ClassVar[bool] = False

    #: fields a list route filters and sorts on besides the model's own keys (table columns
    #: and joined fields the answer does not carry); ``None``: any field, because the
    #: entity's EAV attributes are defined by each store (products, categories)
    search_extra: ClassVar[frozenset[str] | None] = frozenset()

    #: two keys whose string values alone make a record that repeats a lot (a custom
    #: attribute's code and value): equal such records are read into one shared object
    shared_keys: ClassVar[tuple[str, str] | None] = None

    @classmethod
    def search_fields(cls) -> frozenset[str] | None:
        """The fields a search on this model's list route may name (``None``: any)."""
        if cls.search_extra is None:
            return None
        fields: Any = attrs.fields(cls)  # type: ignore[arg-type]  # every model is attrs
        keys = {_api_key(cls, f.name) for f in fields if f.name != "extra"}
        return frozenset(keys) | cls.search_extra

    @classmethod
    def from_api(cls, payload: Mapping[str, Any]) -> Self:
        """Read a record as the API sends it.

        Raises :class:`~magodoo.exceptions.MappingError` naming the fields that could not be
        read (never a bare cattrs error).
        """
        try:
            result: Self = converter.structure(payload, cls)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            raise _mapping_error(cls.__name__, payload, exc) from exc
        bad = _bad_id(result, "$")
        if bad is not None:
            raise _mapping_error(cls.__name__, payload, ValueError(
                f"ids are positive, got {bad[1]!r} @ {bad[0]}"))
        return result

    @classmethod
    def read_many(cls, payloads: Iterable[Any]) -> tuple[list[Self], list[MappingError]]:
        """:meth:`from_api` of each payload, each alone: ``(records read, one error per
        other)``. The same records, with one look-up of the reading code for them all."""
        fast = fast_reader(cls)
        check = cls.positive_id
        records: list[Self] = []
        failures: list[MappingError] = []
        for payload in payloads:
            if fast is not None:
                try:
                    record = fast(payload)
                except Exception:  # from_api below says what is wrong
                    pass
                else:
                    if not check or _bad_id(record, "$") is None:
                        records.append(record)
                        continue
            try:
                records.append(cls.from_api(payload))
            except MappingError as exc:
                failures.append(exc)
        return records, failures

    def to_api(self) -> dict[str, Any]:
        """The record as the API takes it (``None`` left out)."""
        result: dict[str, Any] = converter.unstructure(self)
        return result


#: field types whose values are never lists, so never hold a model (not walked by _bad_id)
_NO_LISTS = frozenset({
    str, int, float, bool, str | None, int | None, float | None, bool | None,
    datetime | None, Mapping[str, Any], Mapping[str, Any] | None,
})


_LIST_FIELDS: dict[type, tuple[str, ...]] = {}


def _may_hold_lists(cls: type) -> tuple[str, ...]:
    names = _LIST_FIELDS.get(cls)
    if names is None:
        attrs.resolve_types(cls)
        fields: Any = attrs.fields(cls)
        names = _LIST_FIELDS[cls] = tuple(a.name for a in fields if _may_hold_ids(a.type))
    return names


def _may_hold_ids(type_: Any) -> bool:
    """Whether a field of ``type_`` may hold a list with a model that forbids a non-positive
    id. Not a list of strings or numbers, nor of a model that allows any id (``_bad_id``
    does not walk those models). Any other type may: walked."""
    if type_ in _NO_LISTS:
        return False
    for kind in _alternatives(type_):
        if kind is type(None) or (isinstance(kind, type) and attrs.has(kind)):
            continue  # a model alone is not a list: not walked
        args = typing.get_args(kind)
        if typing.get_origin(kind) is not tuple or len(args) != 2 or args[1] is not Ellipsis:
            return True
        if not all(item in _SCALARS or (isinstance(item, type) and attrs.has(item)
                                        and not getattr(item, "positive_id", False))
                   for item in _alternatives(args[0])):
            return True
    return False


_SCALARS = (str, int, float, bool, type(None))
_SEQUENCES = (list, tuple)


def _alternatives(type_: Any) -> tuple[Any, ...]:
    return typing.get_args(type_) if isinstance(type_, types.UnionType) else (type_,)


def _bad_id(obj: Any, path: str) -> tuple[str, Any] | None:
    """The first non-positive ``id`` of a model that forbids one, or of the models of that
    kind in its lists (a customer's addresses). Other models are not walked (cheap)."""
    cls = type(obj)
    if not getattr(cls, "positive_id", False):
        return None
    rid = getattr(obj, "id", None)
    if isinstance(rid, int) and rid <= 0:
        return f"{path}.id", rid
    for name in _may_hold_lists(cls):
        value = getattr(obj, name)
        if value and isinstance(value, _SEQUENCES):
            for i, item in enumerate(value):
                found = _bad_id(item, "")  # the path is written only for a bad id
                if found is not None:
                    return f"{path}.{name}[{i}]{found[0]}", found[1]
    return None


def _mapping_error(name: str, payload: Any, exc: Exception) -> MappingError:
    if isinstance(exc, cattrs.BaseValidationError):
        problems = cattrs.transform_error(exc, path="$")
    else:
        problems = [str(exc)]
    record = None
    if isinstance(payload, Mapping):
        record = next((payload[k] for k in ("sku", "entity_id", "id", "increment_id",
                                             "attribute_code", "code") if k in payload), None)
    field = problems[0].rpartition(" @ ")[2] if problems and " @ " in problems[0] else None
    number = payload.get("increment_id") if isinstance(payload, Mapping) else None
    where = f"(#{number}) " if number is not None and number != record else ""
    return MappingError(
        where + "the Magento answer cannot be read: " + "; ".join(problems),
        entity=name, record=record, field=field,
    )


def _opt_bool(value: Any, _: Any) -> bool | None:
    if value is None or value == "":
        return None
    result: bool = converter.structure(value, bool)
    return result


def _custom_value(value: Any, _: Any) -> str | list[str]:
    if isinstance(value, _SEQUENCES):  # a null among the values says nothing: left out
        return [v if type(v) is str and v.isprintable() else converter.structure(v, str)
                for v in value if v is not None]  # printable text is read as it is
    if value is None:
        return ""
    result: str = converter.structure(value, str)
    return result


def _is_model(type_: Any) -> bool:
    return isinstance(type_, type) and issubclass(type_, ApiModel) and attrs.has(type_)


def _api_key(cls: Any, name: str) -> str:
    renames: Mapping[str, str] = cls.api_renames
    return renames.get(name, name)


def _structure_factory(cls: Any) -> Callable[[Any, Any], Any]:
    attrs.resolve_types(cls)
    overrides: dict[str, Any] = {}
    known: set[str] = set()
    fast: list[FastField] = []
    for field in attrs.fields(cls):
        if field.name == "extra":
            overrides["extra"] = override(omit=True)
            continue
        key = _api_key(cls, field.name)
        known.add(key)
        hook: Any = None
        exact: type | None = None
        if field.type == bool | None:
            hook, exact = _opt_bool, bool
        elif field.type == str | list[str]:
            hook, exact = _custom_value, str
        if key != field.name or hook is not None:
            overrides[field.name] = override(rename=key, struct_hook=hook)
        fast.append(FastField(field.alias or field.name, key, field.type, hook, exact))
    fn = make_dict_structure_fn(cls, converter, **overrides)
    has_extra = "extra" in attrs.fields_dict(cls)

    def structure(data: Any, _: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ValueError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
        inner = {k: v for k, v in data.items() if k in known and v is not None}
        obj: Any = fn(inner, cls)
        extra = {k: v for k, v in data.items() if k not in known}
        if extra:
            obj = attrs.evolve(obj, extra=extra)
        return obj

    if not has_extra:
        return structure
    # the same, generated once for the class; ``structure`` reads what it does not take
    return FastHook(cls, fast, structure, drop_none=True, extra="extra",
                    share=cls.shared_keys)


def plain(value: Any) -> Any:
    """A JSON-ready copy of ``value``: models as their API dicts, tuples as lists."""
    if isinstance(value, ApiModel):
        return value.to_api()
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _unstructure_factory(cls: Any) -> Callable[[Any], Any]:
    names = [(f.name, _api_key(cls, f.name)) for f in attrs.fields(cls) if f.name != "extra"]
    has_extra = any(f.name == "extra" for f in attrs.fields(cls))

    def unstructure(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, key in names:
            value = getattr(obj, name)
            if value is not None:
                out[key] = plain(value)
        if has_extra:
            for key, value in obj.extra.items():
                out.setdefault(key, plain(value))
        return out

    return unstructure


converter.register_structure_hook_factory(_is_model, _structure_factory)
converter.register_unstructure_hook_factory(_is_model, _unstructure_factory)
