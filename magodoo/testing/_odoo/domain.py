"""Evaluation of Odoo domains (prefix ``&``/``|``/``!``, leaves, dotted paths) over rows.

A domain is compiled once per search into a predicate over raw rows: each leaf resolves its
field, getter and comparison up front (a ``like`` pattern becomes one compiled regex, an ``in``
list a set), and ``|`` of equality leaves on one field becomes a single set lookup. Values that
depend on other rows (dotted paths, ``child_of``) are computed once per search, not per row.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from . import errors
from .values import empty, parse_datetime

if TYPE_CHECKING:
    from .orm import Env

OPERATORS = {
    "=", "!=", "<>", ">", ">=", "<", "<=", "like", "ilike", "not like", "not ilike", "=like",
    "=ilike", "in", "not in", "child_of", "parent_of", "=?",
}
TEXT_TYPES = frozenset({"char", "text", "html", "selection"})
RELATIONAL = frozenset({"many2one", "one2many", "many2many"})

Row = dict[str, Any]
Predicate = Callable[[Row], bool]
Getter = Callable[[Row], Any]


def _true(_row: Row) -> bool:
    return True


def _false(_row: Row) -> bool:
    return False


@attrs.frozen
class _Leaf:
    """A compiled leaf; ``key`` is set for ``field = 'x'`` / ``field =ilike 'x'`` (no wildcard)."""

    pred: Predicate
    getter: Getter | None = None
    field: str | None = None
    key: tuple[bool, str] | None = None  # (case-insensitive, value)


@attrs.frozen
class _Node:
    op: str  # "&", "|", "!"
    children: tuple[_Node | _Leaf, ...]


def mentions(domain: list[Any], field: str) -> bool:
    return any(
        isinstance(t, (list, tuple)) and len(t) == 3 and str(t[0]).split(".")[0] == field
        for t in domain
    )


def check_form(domain: Any) -> None:
    """``expression.normalize_domain``'s assert: a domain is a list (a string sent as the
    domain is a ``builtins.AssertionError`` on the real server, issue 20)."""
    if domain and not isinstance(domain, (list, tuple)):
        raise errors.OdooError(
            "builtins.AssertionError",
            "Domains to normalize must have a 'domain' form: a list or tuple of domain components",
        )


def compile_domain(env: Env, model: str, domain: list[Any]) -> Predicate:
    """Turn ``domain`` into a predicate over raw rows of ``model``; refuse what Odoo refuses."""
    check_form(domain)
    items = list(domain or [])
    pos = 0

    def parse() -> _Node | _Leaf:
        nonlocal pos
        if pos >= len(items):
            return _Leaf(_true)
        term = items[pos]
        pos += 1
        if term in ("&", "|"):
            a = parse()
            b = parse()
            return _Node(str(term), (a, b))
        if term == "!":
            return _Node("!", (parse(),))
        return leaf(env, model, term)

    parts: list[_Node | _Leaf] = []
    while pos < len(items):
        parts.append(parse())
    if not parts:
        return _true
    return _build(_Node("&", tuple(parts)) if len(parts) > 1 else parts[0])


def _flatten(node: _Node) -> list[_Node | _Leaf]:
    out: list[_Node | _Leaf] = []
    for child in node.children:
        if isinstance(child, _Node) and child.op == node.op:
            out.extend(_flatten(child))
        else:
            out.append(child)
    return out


def _build(node: _Node | _Leaf) -> Predicate:
    if isinstance(node, _Leaf):
        return node.pred
    if node.op == "!":
        inner = _build(node.children[0])
        return lambda r: not inner(r)
    children = _flatten(node)
    if node.op == "|":
        children = _merge_keyed(children)
    preds = tuple(_build(c) for c in children)
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        first, second = preds
        if node.op == "&":
            return lambda r: first(r) and second(r)
        return lambda r: first(r) or second(r)
    if node.op == "&":
        return lambda r: all(p(r) for p in preds)
    return lambda r: any(p(r) for p in preds)


def _merge_keyed(children: list[_Node | _Leaf]) -> list[_Node | _Leaf]:
    """``a = x | a = y | a =ilike z`` on one text field: one set lookup per kind of match."""
    groups: dict[tuple[str, bool], list[_Leaf]] = {}
    rest: list[_Node | _Leaf] = []
    for child in children:
        if isinstance(child, _Leaf) and child.key is not None and child.field is not None:
            groups.setdefault((child.field, child.key[0]), []).append(child)
        else:
            rest.append(child)
    for (_field, folded), leaves in groups.items():
        if len(leaves) == 1:
            rest.append(leaves[0])
            continue
        getter = leaves[0].getter
        assert getter is not None
        wanted = frozenset(lf.key[1] for lf in leaves if lf.key is not None)
        rest.append(_Leaf(_set_lookup(getter, wanted, folded)))
    return rest


def _set_lookup(getter: Getter, wanted: frozenset[str], folded: bool) -> Predicate:
    if folded:
        def pred(row: Row) -> bool:
            raw = getter(row)
            return isinstance(raw, str) and raw.lower() in wanted
    else:
        def pred(row: Row) -> bool:
            raw = getter(row)
            return isinstance(raw, str) and raw in wanted
    return pred


def _leaf_repr(term: Any) -> str:
    return repr(tuple(term)) if isinstance(term, (list, tuple)) else repr(term)


def leaf(env: Env, model: str, term: Any) -> _Leaf:
    if term in (True, 1, [1, "=", 1], (1, "=", 1)):
        return _Leaf(_true)
    if term in (False, 0, [0, "=", 1], (0, "=", 1)):
        return _Leaf(_false)
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
            return _Leaf(_true)
        op = "="
    return _compile_path(env, model, names, op, value)


def _getter(env: Env, model: str, name: str) -> Getter:
    """How to read ``name`` off a raw row: the row itself for plain stored fields."""
    db = env.db
    if name == "id":
        return lambda r: r["id"]
    if is_plain(env, model, name):
        default = empty(db.fields(model)[name]["type"])
        return lambda r: r.get(name, default)
    return lambda r: db.raw_value(env, model, r, name)


def is_plain(env: Env, model: str, name: str) -> bool:
    """A stored field the row holds itself (else ``raw_value`` computes or delegates it)."""
    spec = env.db.spec(model)
    return (
        name not in ("id", "display_name") and name not in spec.computes
        and name not in spec.o2m
        and env.db.fields(model)[name]["type"] not in ("one2many", "many2many")
        and not (spec.inherits and name not in spec.own)
    )


def _compile_path(env: Env, model: str, names: list[str], op: str, value: Any) -> _Leaf:
    field = env.db.fields(model)[names[0]]
    ftype = field["type"]
    getter = _getter(env, model, names[0])
    if len(names) > 1:
        return _Leaf(_dotted(env, model, field, getter, names, op, value))
    if op in ("child_of", "parent_of"):
        return _Leaf(_hierarchy(env, model, names[0], field, getter, op, value))
    if ftype in RELATIONAL:
        return _Leaf(_fuse(env, model, names[0], getter, _relational(env, field, op, value)))
    test = matcher(ftype, op, value)
    key: tuple[bool, str] | None = None
    if ftype in TEXT_TYPES and isinstance(value, str) and value:
        if op == "=":
            key = (False, value)
        elif op == "=ilike" and not any(c in value for c in "%_\\"):
            key = (True, value.lower())
    return _Leaf(_fuse(env, model, names[0], getter, test), getter, names[0], key)


def _fuse(env: Env, model: str, name: str, getter: Getter, test: Callable[[Any], bool]
          ) -> Predicate:
    """``test(getter(row))``, reading plain stored fields straight off the row."""
    if is_plain(env, model, name):
        default = empty(env.db.fields(model)[name]["type"])
        return lambda r: test(r.get(name, default))
    return lambda r: test(getter(r))


def _dotted(
    env: Env, model: str, field: dict[str, Any], getter: Getter, names: list[str], op: str,
    value: Any,
) -> Predicate:
    comodel = field.get("relation")
    if not comodel:
        raise errors.value_error(f"Invalid field {model}.{'.'.join(names)}")
    sub = _compile_path(env, comodel, names[1:], op, value).pred
    table = env.db.table(comodel)
    memo: dict[int, bool] = {}
    negative = op in ("!=", "<>", "not in", "not like", "not ilike")
    empty_hit = negative or (op == "=" and value is False)

    def related_hit(rid: int) -> bool:
        hit = memo.get(rid)
        if hit is None:
            hit = memo[rid] = sub(table[rid])
        return hit

    def pred(row: Row) -> bool:
        raw = getter(row)
        ids = [i for i in (raw if isinstance(raw, list) else ([raw] if raw else []))
               if i in table]
        if not ids:
            return empty_hit
        if negative:
            return all(related_hit(i) for i in ids)
        return any(related_hit(i) for i in ids)

    return pred


def _ids_of(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _as_ids(raw: Any) -> list[Any]:
    return raw if isinstance(raw, list) else ([raw] if raw else [])


def _relational(env: Env, field: dict[str, Any], op: str, value: Any) -> Callable[[Any], bool]:
    comodel = field["relation"]
    if isinstance(value, str) and op not in ("in", "not in"):
        # a name: Odoo runs a name search on the comodel
        positive = op in ("=", "like", "ilike", "=like", "=ilike")
        test = matcher("char", op if positive else _positive(op), value)

        def by_name(raw: Any) -> bool:
            hit = any(test(env.db.display_name(env, comodel, i)) for i in _as_ids(raw))
            return hit if positive else not hit

        return by_name
    if op in ("=", "in"):
        wanted = _ids_of(value)
        if value is False:
            return lambda raw: not raw  # no id: False, None or an empty list
        with_false = False in wanted
        targets = _hashable_set([w for w in wanted if w is not False])

        def contains(raw: Any) -> bool:
            ids = _as_ids(raw)
            if with_false and not ids:
                return True
            return any(i in targets for i in ids)

        return contains
    if op in ("!=", "<>", "not in"):
        wanted = _ids_of(value)
        if value is False:
            return bool
        with_false = False in wanted
        excluded = _hashable_set(wanted)

        def excludes(raw: Any) -> bool:
            ids = _as_ids(raw)
            if with_false and not ids:
                return False
            return not any(i in excluded for i in ids)

        return excludes
    test = matcher("integer", op, value)
    return lambda raw: any(test(i) for i in _as_ids(raw))


def _hashable_set(values: list[Any]) -> frozenset[Any] | _ListSet:
    try:
        return frozenset(values)
    except TypeError:
        return _ListSet(values)


@attrs.frozen
class _ListSet:
    """Membership by equality, for value lists that do not hash."""

    values: list[Any]

    def __contains__(self, item: object) -> bool:
        return item in self.values


def _positive(op: str) -> str:
    return {"!=": "=", "<>": "=", "not like": "like", "not ilike": "ilike", "not in": "in"}.get(
        op, op
    )


def _hierarchy(
    env: Env, model: str, name: str, field: dict[str, Any], getter: Getter, op: str, value: Any
) -> Predicate:
    target = model if name == "id" else field.get("relation", model)
    wanted = {int(v) for v in _ids_of(value) if v}
    related = env.db.hierarchy(target, wanted, down=(op == "child_of"))
    return lambda r: any(i in related for i in _as_ids(getter(r)))


@functools.lru_cache(maxsize=512)
def like_regex(pattern: str, ignore_case: bool, wrap: bool) -> re.Pattern[str]:
    """The regex of a SQL ``LIKE`` pattern (``%`` any run, ``_`` one character)."""
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    if wrap:
        regex = ".*" + regex + ".*"
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


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


def matcher(ftype: str, op: str, value: Any) -> Callable[[Any], bool]:
    """``compare(ftype, raw, op, value)`` as a function of ``raw``, prepared once."""
    if op in ("like", "ilike", "not like", "not ilike", "=like", "=ilike"):
        negate = op.startswith("not")
        if value is False or value is None:
            return lambda raw: bool(raw) if negate else not raw
        pattern, folded, wrap = str(value), "ilike" in op, not op.startswith("=")
        compiled: list[re.Pattern[str]] = []  # on first use: merged equalities never need it

        def like(raw: Any) -> bool:
            if not raw:
                return negate
            if not compiled:
                compiled.append(like_regex(pattern, folded, wrap))
            text = raw if isinstance(raw, str) else str(raw)
            found = compiled[0].fullmatch(text) is not None
            return found != negate

        return like
    if op in ("in", "not in"):
        values = _ids_of(value)
        hit_in = op == "in"
        if ftype == "datetime":
            stamps = _hashable_set([parse_datetime(v) for v in values if v])
            return lambda raw: (raw in stamps) == hit_in
        if ftype == "boolean":
            flags = {bool(v) for v in values}
            return lambda raw: (bool(raw) in flags) == hit_in
        members = _hashable_set(values)
        with_false = False in values

        def member(raw: Any) -> bool:
            hit = _contains(members, raw) or (with_false and raw in (False, None, ""))
            return hit == hit_in

        return member
    return functools.partial(compare, ftype, op=op, value=value)


def _contains(members: frozenset[Any] | _ListSet, raw: Any) -> bool:
    if isinstance(raw, Hashable):
        try:
            return raw in members
        except TypeError:
            pass
    return any(raw == m for m in (members.values if isinstance(members, _ListSet) else members))


def compare(ftype: str, raw: Any, op: str, value: Any) -> bool:
    if op in ("like", "ilike", "not like", "not ilike", "=like", "=ilike", "in", "not in"):
        return matcher(ftype, op, value)(raw)
    if value is False or value is None:
        if ftype == "boolean":
            falsy = not raw
            return falsy if op == "=" else (not falsy if op in ("!=", "<>") else False)
        if op == "=":
            return raw in (False, None, "")
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
