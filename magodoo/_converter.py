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
"""

from __future__ import annotations

import functools
import math
import re
import typing
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

__all__ = [
    "converter",
    "format_datetime",
    "parse_datetime",
    "register_renames",
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
