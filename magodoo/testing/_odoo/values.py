"""Conversion of RPC values to stored values and back (the ORM's convert_to_cache / to_read)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from . import errors

EMPTY_TYPES = {"char", "text", "html", "selection", "date", "datetime", "binary", "many2one"}


def empty(ftype: str) -> Any:
    if ftype in ("one2many", "many2many"):
        return []
    if ftype == "integer":
        return 0
    if ftype in ("float", "monetary"):
        return 0.0
    return False


def parse_datetime(value: Any) -> datetime:
    """Odoo's ``Datetime.to_datetime`` for RPC strings (also what domains accept)."""
    if isinstance(value, datetime):
        return value
    text = str(value).strip()
    if len(text) == 10:
        return datetime.strptime(text, "%Y-%m-%d")
    text = text.replace("T", " ")
    if text.endswith("Z"):
        text = text[:-1]
    if len(text) > 19 and text[19] in "+-":
        text = text[:19]
    try:
        if len(text) > 19 and text[19] == ".":
            return datetime.strptime(text[:26], "%Y-%m-%d %H:%M:%S.%f")
        return datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise errors.value_error(
            f"time data {value!r} does not match format '%Y-%m-%d %H:%M:%S'"
        ) from None


def write_datetime(value: Any) -> datetime:
    """``Datetime.to_datetime`` on a written string: the first 19 characters, space separated."""
    text = str(value)[:19]
    if len(text) == 10:
        text += " 00:00:00"
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise errors.value_error(
            f"time data {text!r} does not match format '%Y-%m-%d %H:%M:%S'"
        ) from None


def parse_date(value: Any) -> str:
    text = str(value)[:10]
    try:
        return datetime.strptime(text, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise errors.value_error(f"time data {text!r} does not match format '%Y-%m-%d'") from None


def fmt_datetime(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value if value else False


def webhook_datetime(value: Any) -> Any:
    """``str(datetime)`` as the webhook payload carries it (microseconds when not zero)."""
    if isinstance(value, datetime):
        return str(value)
    return value if value else False


def scalar(model: str, name: str, field: dict[str, Any], value: Any) -> Any:
    """Convert a written scalar value as the ORM does; raise what the real server raises."""
    ftype = field["type"]
    if ftype == "boolean":
        return bool(value)
    if value is None or value is False:
        return empty(ftype) if ftype in ("integer", "float", "monetary") else False
    if ftype in ("char", "text", "html"):
        return value if isinstance(value, str) else str(value)
    if ftype == "integer":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise errors.value_error(
                f"invalid literal for int() with base 10: {value!r}"
            ) from None
    if ftype in ("float", "monetary"):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise errors.value_error(f"could not convert string to float: {value!r}") from None
    if ftype == "selection":
        keys = [k for k, _ in field.get("selection") or []]
        if keys and value not in keys:
            raise errors.wrong_value(model, name, value)
        return value
    if ftype == "date":
        return parse_date(value)
    if ftype == "datetime":
        return write_datetime(value)
    if ftype == "binary":
        return str(value)
    return value


def round_money(value: float, digits: int = 2) -> float:
    """``float_round`` with HALF-UP, as Odoo rounds currency amounts."""
    factor = 10**digits
    epsilon = 2 ** (-52) * abs(value) * factor
    scaled = abs(value) * factor + epsilon
    rounded = float(int(scaled + 0.5)) / factor
    return float(rounded if value >= 0 else -rounded)


def add_seconds(moment: datetime, seconds: float) -> datetime:
    return moment + timedelta(seconds=seconds)
