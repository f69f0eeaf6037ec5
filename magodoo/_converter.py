"""The one cattrs converter every model goes through.

What it knows about the two APIs:

- Timestamps: Magento sends ``YYYY-MM-DD HH:MM:SS`` in UTC, Odoo the same (its
  ``write_date``), sometimes with microseconds; ISO 8601 with ``T`` and an offset is read
  too. They become aware UTC datetimes and are written back in the same plain form.
- Numbers that arrive as strings (Magento's ``"5"`` ids, ``"12.5000"`` prices) become
  ``int``/``float``; ``""`` becomes ``None`` for optional numbers.
- Odoo answers ``false`` for an empty field of any type: optional fields read it as ``None``.
- Unknown keys are ignored on input, never an error.

Models register their own renames with :func:`register_renames`.

Records are read on two paths that give the same result. :class:`FastHook` runs code
generated once per class that takes values of the expected JSON type as they are (a ``str``
for a ``str`` field, a list of objects for a tuple of records) and hands everything else to
the converter's own hooks; on any failure it reads the record again with cattrs' detailed
validation, so errors name the field path exactly as before. Reading 2,040 Magento records
took 74 ms of CPU on the detailed path alone and 12 ms this way (docs/performance.md).
"""

from __future__ import annotations

import functools
import math
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

__all__ = [
    "FastField",
    "FastHook",
    "converter",
    "fast_reader",
    "format_datetime",
    "parse_datetime",
    "register_fast_type",
    "register_renames",
    "set_fast_path",
    "structure",
    "unstructure",
]

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=False)

_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d")


def parse_datetime(value: Any) -> datetime:
    """A Magento or Odoo timestamp (UTC unless it says otherwise) as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        raise ValueError(f"not a timestamp: {value!r}")
    text = value.strip()
    try:  # the common forms, fast (C); strptime below takes the looser ones
        parsed = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_datetime(value: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC, the form both APIs take."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            as_float = float(text)
            if as_float.is_integer():
                return int(as_float)
    raise ValueError(f"expected an integer, got {value!r}")


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        number = float(value.strip())
    else:
        raise ValueError(f"expected a number, got {value!r}")
    if not math.isfinite(number):  # amounts must be finite: NaN and infinities are refused
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters no text field of either API holds (tab, CR and LF are kept)."""


def _structure_str(value: Any, _: type) -> str:
    if isinstance(value, str):
        bad = _CONTROL.search(value)
        if bad:
            raise ValueError(f"control character {bad.group()!r} at position {bad.start()} "
                             f"in {value[:40]!r}")
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a string, got {value!r}")
    if isinstance(value, int | float):
        return str(value)
    raise ValueError(f"expected a string, got {value!r}")


def _structure_bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return value.strip().lower() in ("1", "true")
    raise ValueError(f"expected a boolean, got {value!r}")


_TEXT_ITEMS = (str, str | None)


def _is_str_sequence(type_: Any) -> bool:
    """``list[str]``, ``tuple[str, ...]``, and the same with ``str | None`` items."""
    origin, args = typing.get_origin(type_), typing.get_args(type_)
    if origin is list and len(args) == 1:
        return args[0] in _TEXT_ITEMS
    return origin is tuple and len(args) == 2 and args[1] is Ellipsis and args[0] in _TEXT_ITEMS


def _structure_str_sequence(value: Any, type_: Any) -> Any:
    # a bare string would otherwise become its characters ("0 Main St" -> "0", " ", "M", ...)
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of strings, got {value!r}")
    item = typing.get_args(type_)[0]
    items = [converter.structure(v, item) for v in value]
    return tuple(items) if typing.get_origin(type_) is tuple else items


converter.register_structure_hook_func(_is_str_sequence, _structure_str_sequence)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(datetime, lambda v, _: parse_datetime(v))
converter.register_unstructure_hook(datetime, format_datetime)
converter.register_structure_hook(date, lambda v, _: parse_datetime(v).date())
converter.register_unstructure_hook(date, lambda d: d.isoformat())


def _is_optional(type_: Any) -> bool:
    args = getattr(type_, "__args__", ())
    return type(None) in args and len(args) == 2


@functools.cache
def _inner(type_: Any) -> Any:
    return next(a for a in type_.__args__ if a is not type(None))


def _structure_optional(value: Any, type_: Any) -> Any:
    # Odoo sends false for an empty field of any type; Magento sometimes "" for numbers.
    if value is None or value is False:
        return None
    inner = _inner(type_)
    if value == "" and inner in (int, float, datetime, date):
        return None
    return converter.structure(value, inner)


converter.register_structure_hook_func(_is_optional, _structure_optional)


def register_renames(cls: type, **renames: str) -> None:
    """Read and write attribute ``name`` of ``cls`` as API key ``renames[name]``."""
    overrides = {name: override(rename=key) for name, key in renames.items()}
    converter.register_structure_hook(
        cls, make_dict_structure_fn(cls, converter, **overrides)  # type: ignore[arg-type]
    )
    converter.register_unstructure_hook(
        cls, make_dict_unstructure_fn(cls, converter, **overrides)  # type: ignore[arg-type]
    )


def structure(data: Any, cls: type[T]) -> T:
    """Build ``cls`` from API data."""
    return converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """API data from a model; ``None`` values of attrs classes are kept."""
    return converter.unstructure(obj)


def fields_of(cls: type) -> tuple[str, ...]:
    """The attribute names of an attrs class."""
    return tuple(a.name for a in attrs.fields(cls))


# ---- the fast path -----------------------------------------------------------------------


@attrs.frozen
class FastField:
    """One attribute as the fast path reads it.

    ``hook`` replaces the converter's hook for this field (as a cattrs ``override`` would);
    ``exact`` is then the type whose values that hook returns unchanged (``None``: always
    call it).
    """

    name: str
    key: str
    type: Any
    hook: Callable[[Any, Any], Any] | None = None
    exact: type | None = None


#: type -> (JSON type it is read from, function reading it) for types other than the
#: scalars; the function must give what the converter's own hook gives for that JSON type
_FAST_TYPES: dict[Any, tuple[type, Callable[[Any], Any]]] = {}


def register_fast_type(type_: Any, json_type: type, fn: Callable[[Any], Any]) -> None:
    """Read ``type_`` from a value of exactly ``json_type`` with ``fn`` on the fast path."""
    _FAST_TYPES[type_] = (json_type, fn)


_MISSING = object()


@attrs.define
class _Switch:
    fast: bool = True


_SWITCH = _Switch()


def set_fast_path(enabled: bool) -> None:
    """Read every record on the detailed path only (``False``), for tests comparing the two."""
    _SWITCH.fast = enabled


_DATETIMES: dict[str, datetime] = {}


def fast_reader(cls: type) -> Callable[[Any], Any] | None:
    """The fast path's function reading ``cls`` (it raises on anything it does not take: read
    that record with the converter then), or ``None`` when ``cls`` has none or the fast path
    is off. For callers reading many records: one look-up, not one per record."""
    if not _SWITCH.fast:
        return None
    hook = converter.get_structure_hook(cls)
    return hook.reader() if isinstance(hook, FastHook) else None


def _cached_datetime(text: str) -> datetime:
    # records of one import share their timestamps: each text is parsed once (a datetime is
    # immutable, so one object serves them all); a bounded cache, emptied when full
    parsed = _DATETIMES.get(text)
    if parsed is None:
        parsed = parse_datetime(text)
        if len(_DATETIMES) >= 4096:
            _DATETIMES.clear()
        _DATETIMES[text] = parsed
    return parsed


def _str_dict(value: dict[Any, Any]) -> dict[str, Any]:
    out = dict(value)
    for key in out:
        if type(key) is not str or not (key.isprintable() or not _CONTROL.search(key)):
            raise TypeError("a key the detailed path reads (or refuses)")
    return out


class FastHook:
    """A structure hook: generated fast code first, the detailed ``slow`` hook on failure.

    ``fields`` are read from the API keys; with ``drop_none`` a ``null`` is read as absent
    (Magento), otherwise every value present goes through its hook (Odoo's ``false``). With
    ``extra`` (an attribute name) the keys no field names are kept there; without it they
    are ignored. The fast code is built at the first record, when every type is defined.
    """

    def __init__(
        self, cls: type, fields: Sequence[FastField],
        slow: Callable[[Any, Any], Any], *, drop_none: bool, extra: str | None,
        share: tuple[str, str] | None = None,
    ) -> None:
        self.cls = cls
        self.fields = tuple(fields)
        self.slow = slow
        self.drop_none = drop_none
        self.extra = extra
        self.share = share

    def __call__(self, data: Any, cl: Any) -> Any:
        if _SWITCH.fast:
            try:
                return self.fast(data)
            except Exception:  # the detailed path says what is wrong (or reads it after all)
                pass
        return self.slow(data, cl)

    def fast(self, data: Any) -> Any:
        """Read ``data`` on the fast path only (raises on anything it does not take)."""
        return self.reader()(data)

    def many(self, items: list[Any]) -> tuple[Any, ...]:
        """Read a non-empty list of records on the fast path only (a tuple; raises on anything
        it does not take). Built with :meth:`fast`; for records with ``share`` only."""
        self.reader()
        return self.many(items)  # the instance's own, set by reader()

    def reader(self) -> Callable[[Any], Any]:
        """The generated function :meth:`fast` calls (built at the first use)."""
        fn: Callable[[Any], Any] | None = self.__dict__.get("fast")
        if fn is None:
            fn, many = self._build()
            self.many = many  # type: ignore[method-assign,assignment]  # built once, like fast
            self.fast = fn  # type: ignore[method-assign,assignment]  # built once: later calls go straight
        return fn

    def _build(self) -> tuple[Callable[[Any], Any], Callable[[list[Any]], tuple[Any, ...]]]:
        g: dict[str, Any] = {
            "cls": self.cls, "known": frozenset(f.key for f in self.fields),
            "_datetime": _cached_datetime, "_str_dict": _str_dict, "_MISSING": _MISSING,
        }
        attributes = {a.alias or a.name: a for a in attrs.fields(self.cls)}
        lines = ["def fast(data):", "    if type(data) is not dict:",
                 "        raise TypeError('not a dict: the detailed path reads it')",
                 "    get = data.get"]
        absent = "None" if self.drop_none else "_MISSING"
        args: list[str] = []
        for i, field in enumerate(self.fields):
            a = f"a_{i}"
            expr = _expr(a, field.type, g, f"_{i}", field.hook, field.exact)
            default = attributes[field.name].default
            if default is attrs.NOTHING:  # required: the detailed path names it when absent
                fill = "raise TypeError('a required field is missing')"
            elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                if default.takes_self:
                    raise TypeError(f"{self.cls.__name__}.{field.name}: no fast path")
                g[f"d_{i}"] = default.factory
                fill = f"{a} = d_{i}()"
            else:  # what attrs would set; immutable defaults only, so the same object
                g[f"d_{i}"] = default
                fill = f"{a} = d_{i}"
            if self.drop_none:
                lines.append(f"    {a} = get({field.key!r})")
            else:
                lines.append(f"    {a} = get({field.key!r}, _MISSING)")
            if self.drop_none and default is None:  # absent or null: None as it is
                lines += [f"    if {a} is not None:", f"        {a} = {expr}"]
            else:
                lines += [f"    if {a} is {absent}:", f"        {fill}",
                          "    else:", f"        {a} = {expr}"]
            args.append(f"{field.name}={a}")
        if self.extra is not None:
            lines += ["    if known.issuperset(data):", "        extra = {}", "    else:",
                      "        extra = {k: x for k, x in data.items() if k not in known}"]
            args.append(f"{self.extra}=extra")
        setters = _slot_setters(self.cls, [arg.partition("=")[0] for arg in args])
        if setters is None:
            lines.append(f"    return cls({', '.join(args)})")
        else:  # what the attrs __init__ does, without matching two dozen keywords
            g["_new"] = object.__new__
            lines.append("    o = _new(cls)")
            for n, (arg, setter) in enumerate(zip(args, setters, strict=True)):
                g[f"s_{n}"] = setter
                lines.append(f"    s_{n}(o, {arg.partition('=')[2]})")
            lines.append("    return o")
        exec(compile("\n".join(lines), f"<magodoo fast structure {self.cls.__name__}>",
                     "exec"), g)
        fn: Callable[[Any], Any] = g["fast"]
        if self.share is not None and self.extra is not None:
            return _sharing(fn, self.share, self.extra)

        def many(items: list[Any]) -> tuple[Any, ...]:
            return tuple([fn(x) for x in items])

        return fn, many


def _slot_setters(cls: type, names: list[str]) -> list[Callable[[Any, Any], None]] | None:
    """The slots' setters of ``names``, when setting them is all the attrs ``__init__`` of
    ``cls`` does (a slotted class whose attributes are exactly ``names``, with no validator,
    converter or init hook); otherwise ``None``."""
    fields = attrs.fields(cls)
    if sorted(a.alias or a.name for a in fields) != sorted(names):
        return None
    if any(a.name != (a.alias or a.name) or a.validator is not None or a.converter is not None
           or not a.init for a in fields):
        return None
    if any(hasattr(cls, hook) for hook in
           ("__attrs_pre_init__", "__attrs_post_init__", "__attrs_init_subclass__")):
        return None
    slots = {s for klass in cls.__mro__ for s in getattr(klass, "__slots__", ())}
    if slots - set(names) - {"__weakref__"}:  # e.g. a cached hash, set by __init__
        return None
    setters: list[Callable[[Any, Any], None]] = []
    for name in names:
        descriptor = cls.__dict__.get(name)
        if descriptor is None or type(descriptor).__name__ != "member_descriptor":
            return None
        setters.append(descriptor.__set__)
    return setters


_NO_EXTRA: Mapping[str, Any] = MappingProxyType({})


def _sharing(
    fn: Callable[[Any], Any], keys: tuple[str, str], extra: str,
) -> tuple[Callable[[Any], Any], Callable[[list[Any]], tuple[Any, ...]]]:
    """``fn``, reading equal records of just the two string ``keys`` into one shared object,
    and the reader of a list of them (the same, without a call per record).

    Custom attributes repeat across a catalog (``tax_class_id`` ``"2"`` on every product):
    one frozen object serves them all, its ``extra`` an empty read-only mapping. A bounded
    cache, emptied when full.
    """
    first, second = keys
    cache: dict[tuple[str, str], Any] = {}
    cached = cache.get

    def fast(data: Any) -> Any:
        if type(data) is dict and len(data) == 2:
            a, b = data.get(first), data.get(second)
            if type(a) is str and type(b) is str:
                hit = cached((a, b))
                if hit is None:
                    hit = attrs.evolve(fn(data), **{extra: _NO_EXTRA})
                    if len(cache) >= 4096:
                        cache.clear()
                    cache[a, b] = hit
                return hit
        return fn(data)

    def many(items: list[Any]) -> tuple[Any, ...]:
        out: list[Any] = []
        add = out.append
        for data in items:  # what fast does, a cache hit read in line
            if type(data) is dict and len(data) == 2:
                a, b = data.get(first), data.get(second)
                if type(a) is str and type(b) is str:
                    hit = cached((a, b))
                    add(fast(data) if hit is None else hit)
                    continue
            add(fn(data))
        return tuple(out)

    return fast, many


def _as_is(var: str, exact: type, g: dict[str, Any], tag: str) -> str:
    """The condition under which the converter's hook returns ``var`` unchanged."""
    g["x" + tag] = exact
    if exact is str:  # text without control characters (printable text has none: fast)
        g["_control"] = _CONTROL.search
        return f"type({var}) is str and ({var}.isprintable() or not _control({var}))"
    if exact is float:  # finite (``inf - inf`` and ``nan - nan`` are nan)
        return f"type({var}) is float and {var} - {var} == 0.0"
    return f"type({var}) is x{tag}"


def _expr(var: str, type_: Any, g: dict[str, Any], tag: str,
          hook: Callable[[Any, Any], Any] | None = None, exact: type | None = None) -> str:
    """Python code reading ``var`` as ``type_`` (names it needs go into ``g``)."""
    g["t" + tag] = type_
    if hook is not None:
        g["h" + tag] = hook
        if exact is None:
            return f"h{tag}({var}, t{tag})"
        return f"{var} if {_as_is(var, exact, g, tag)} else h{tag}({var}, t{tag})"
    g["h" + tag] = converter.get_structure_hook(type_)
    slow = f"h{tag}({var}, t{tag})"
    optional = _is_optional(type_)
    inner = _inner(type_) if optional else type_
    if inner in (str, int, float) or (inner is bool and not optional):
        # the hooks return these unchanged (an optional bool reads Odoo's false as None)
        return f"{var} if {_as_is(var, inner, g, tag)} else {slow}"
    if inner is datetime:
        return f"_datetime({var}) if type({var}) is str and {var} else {slow}"
    if inner in _FAST_TYPES:
        g["x" + tag], g["f" + tag] = _FAST_TYPES[inner]
        return f"f{tag}({var}) if type({var}) is x{tag} else {slow}"
    nested = converter.get_structure_hook(inner)
    if isinstance(nested, FastHook):
        g["n" + tag] = nested
        return f"n{tag}.fast({var}) if type({var}) is dict else {slow}"
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        shared = converter.get_structure_hook(args[0])
        if isinstance(shared, FastHook) and shared.share is not None:  # one call, no call each
            g["n" + tag] = shared
            return f"(n{tag}.many({var}) if {var} else ()) if type({var}) is list else {slow}"
        item = "x" + tag
        item_expr = _expr(item, args[0], g, tag + "e")
        return (f"(tuple([{item_expr} for {item} in {var}]) if {var} else ()) "
                f"if type({var}) is list else {slow}")
    if origin in (Mapping, dict) and args and args[0] is str and args[1] is Any:
        return f"_str_dict({var}) if type({var}) is dict else {slow}"
    return slow
