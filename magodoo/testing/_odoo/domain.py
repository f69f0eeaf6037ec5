"""Evaluation of Odoo domains (prefix ``&``/``|``/``!``, leaves, dotted paths) over rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import errors
from .values import parse_datetime

if TYPE_CHECKING:
    from .orm import Env

OPERATORS = {
    "=", "!=", "<>", ">", ">=", "<", "<=", "like", "ilike", "not like", "not ilike", "=like",
    "=ilike", "in", "not in", "child_of", "parent_of", "=?",
}

Predicate = Callable[[dict[str, Any]], bool]


def mentions(domain: list[Any], field: str) -> bool:
    return any(
        isinstance(t, (list, tuple)) and len(t) == 3 and str(t[0]).split(".")[0] == field
        for t in domain
    )


def compile_domain(env: Env, model: str, domain: list[Any]) -> Predicate:
    """Turn ``domain`` into a predicate over raw rows of ``model``; refuse what Odoo refuses."""
    items = list(domain or [])
    pos = 0

    def parse() -> Predicate:
        nonlocal pos
        if pos >= len(items):
            return lambda _r: True
        term = items[pos]
        pos += 1
        if term == "&":
            a, b = parse(), parse()
            return lambda r: a(r) and b(r)
        if term == "|":
            a, b = parse(), parse()
            return lambda r: a(r) or b(r)
        if term == "!":
            a = parse()
            return lambda r: not a(r)
        return leaf(env, model, term)

    preds: list[Predicate] = []
    while pos < len(items):
        preds.append(parse())
    return lambda r: all(p(r) for p in preds)


def _leaf_repr(term: Any) -> str:
    return repr(tuple(term)) if isinstance(term, (list, tuple)) else repr(term)


def leaf(env: Env, model: str, term: Any) -> Predicate:
    if term in (True, 1, [1, "=", 1], (1, "=", 1)):
        return lambda _r: True
    if term in (False, 0, [0, "=", 1], (0, "=", 1)):
        return lambda _r: False
    if not isinstance(term, (list, tuple)) or len(term) != 3:
        raise errors.value_error(f"Invalid leaf {_leaf_repr(term)}")
    path, op, value = term
    op = str(op).lower()
    if op not in OPERATORS:
        raise errors.value_error(f"Invalid leaf {_leaf_repr(term)}")
    names = str(path).split(".")
    current = model
    for name in names:
        fields = env.db.fields(current)
        if name not in fields:
            raise errors.value_error(
                f"Invalid field {current}.{name} in leaf {_leaf_repr(term)}"
            )
        current = fields[name].get("relation") or current
    if op == "=?":
        if value is False or value is None:
            return lambda _r: True
        op = "="
    return lambda r: _match_path(env, model, r, names, op, value)


def _match_path(
    env: Env, model: str, row: dict[str, Any], names: list[str], op: str, value: Any
) -> bool:
    field = env.db.fields(model)[names[0]]
    ftype = field["type"]
    raw = env.db.raw_value(env, model, row, names[0])
    if len(names) > 1:
        comodel = field.get("relation")
        if not comodel:
            raise errors.value_error(f"Invalid field {model}.{'.'.join(names)}")
        ids = raw if isinstance(raw, list) else ([raw] if raw else [])
        negative = op in ("!=", "<>", "not in", "not like", "not ilike")
        rows = [env.db.table(comodel)[i] for i in ids if i in env.db.table(comodel)]
        if not rows:
            return negative or (op == "=" and value is False)
        hits = [_match_path(env, comodel, r, names[1:], op, value) for r in rows]
        return all(hits) if negative else any(hits)
    if op in ("child_of", "parent_of"):
        return _hierarchy(env, model, row, names[0], field, op, value)
    if ftype in ("many2one", "one2many", "many2many"):
        return _match_relational(env, field, raw, op, value)
    return compare(ftype, raw, op, value)


def _ids_of(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _match_relational(env: Env, field: dict[str, Any], raw: Any, op: str, value: Any) -> bool:
    ids = raw if isinstance(raw, list) else ([raw] if raw else [])
    comodel = field["relation"]
    if isinstance(value, str) and op not in ("in", "not in"):
        # a name: Odoo runs a name search on the comodel
        names = [env.db.display_name(env, comodel, i) for i in ids]
        if op in ("=", "like", "ilike", "=like", "=ilike"):
            return any(compare("char", n, op, value) for n in names)
        return not any(compare("char", n, _positive(op), value) for n in names)
    if op in ("=", "in"):
        wanted = _ids_of(value)
        if value is False or (False in wanted and not ids):
            return not ids
        return bool(set(ids) & {w for w in wanted if w is not False})
    if op in ("!=", "<>", "not in"):
        wanted = _ids_of(value)
        if value is False:
            return bool(ids)
        if False in wanted and not ids:
            return False
        return not (set(ids) & set(wanted))
    if not ids:
        return False
    return any(compare("integer", i, op, value) for i in ids)


def _positive(op: str) -> str:
    return {"!=": "=", "<>": "=", "not like": "like", "not ilike": "ilike", "not in": "in"}.get(
        op, op
    )


def _hierarchy(
    env: Env, model: str, row: dict[str, Any], name: str, field: dict[str, Any], op: str, value: Any
) -> bool:
    target = model if name == "id" else field.get("relation", model)
    wanted = {int(v) for v in _ids_of(value) if v}
    related = env.db.hierarchy(target, wanted, down=(op == "child_of"))
    raw = row["id"] if name == "id" else env.db.raw_value(env, model, row, name)
    ids = raw if isinstance(raw, list) else ([raw] if raw else [])
    return bool(set(ids) & related)


def _like(pattern: str, text: str, ignore_case: bool, wrap: bool) -> bool:
    regex = ""
    for ch in pattern:
        regex += ".*" if ch == "%" else "." if ch == "_" else re.escape(ch)
    if wrap:
        regex = ".*" + regex + ".*"
    flags = re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL
    return re.fullmatch(regex, text, flags) is not None


def _coerce(ftype: str, raw: Any, value: Any) -> tuple[Any, Any]:
    if ftype == "datetime":
        left = raw if isinstance(raw, datetime) else None
        right = parse_datetime(value) if value not in (False, None) else None
        return left, right
    if ftype == "boolean":
        return bool(raw), bool(value)
    if ftype in ("integer", "float", "monetary"):
        return (raw or 0), value
    return raw, value


def compare(ftype: str, raw: Any, op: str, value: Any) -> bool:
    if op in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        if value is False or value is None:
            hit = not raw
            return not hit if op.startswith("not") else hit
        text = raw if isinstance(raw, str) else ("" if raw in (False, None) else str(raw))
        hit = bool(raw) and _like(
            str(value), text, ignore_case="ilike" in op, wrap=not op.startswith("=")
        )
        if op.startswith("not"):
            return not hit
        return hit
    if op in ("in", "not in"):
        values = _ids_of(value)
        if ftype == "datetime":
            hit = raw in [parse_datetime(v) for v in values if v]
        elif ftype == "boolean":
            hit = bool(raw) in [bool(v) for v in values]
        else:
            hit = raw in values or (raw in (False, None, "") and False in values)
        return hit if op == "in" else not hit
    if value is False or value is None:
        if ftype == "boolean":
            falsy = not raw
            return falsy if op == "=" else (not falsy if op in ("!=", "<>") else False)
        if op == "=":
            return raw in (False, None, "") or (ftype in ("integer", "float") and False)
        if op in ("!=", "<>"):
            return raw not in (False, None, "")
        return False
    left, right = _coerce(ftype, raw, value)
    if op == "=":
        return bool(left == right)
    if op in ("!=", "<>"):
        return bool(left != right)
    if left in (None, False) and ftype not in ("integer", "float", "monetary", "boolean"):
        return False
    try:
        if op == ">":
            return bool(left > right)
        if op == ">=":
            return bool(left >= right)
        if op == "<":
            return bool(left < right)
        if op == "<=":
            return bool(left <= right)
    except TypeError:
        return False
    return False
