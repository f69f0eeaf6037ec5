"""``searchCriteria``: parsing from the query string, filtering, sorting and paging rows.

Filters inside one group are ORed, groups are ANDed. Every Magento ``condition_type`` is
supported with SQL semantics: a NULL column matches no comparison, string comparisons ignore
case (MySQL's default collation), ``like`` uses ``%`` and ``_``, ``in``/``nin`` take
comma-separated values and ``finset`` looks into comma-separated columns (multiselects). An
unknown ``condition_type`` is applied as ``eq`` (a real 2.4.6 does, with a 200: issue 20).

Past the last page, Magento collections repeat the last page (``Collection::getCurPage``
clamps; magento/magento2#3787 names orders, customers and carts); the product list answers an
empty page (recorded on 2.4.6). Routes choose with ``past_end``.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import attrs
from multidict import MultiMapping

from magodoo.testing._magento import errors
from magodoo.testing._magento.state import Row

CONDITIONS = frozenset(
    [
        "eq",
        "neq",
        "gt",
        "gteq",
        "lt",
        "lteq",
        "moreq",
        "from",
        "to",
        "like",
        "nlike",
        "in",
        "nin",
        "null",
        "notnull",
        "finset",
        "nfinset",
    ]
)


@attrs.frozen
class Filter:
    field: str
    value: str | None
    condition_type: str = "eq"


@attrs.frozen
class SortOrder:
    field: str
    direction: str = "ASC"


@attrs.frozen
class SearchCriteria:
    filter_groups: list[list[Filter]] = attrs.field(factory=list)
    sort_orders: list[SortOrder] | None = None
    page_size: int | None = None
    current_page: int | None = None

    def echo(self) -> dict[str, Any]:
        """The ``search_criteria`` object Magento sends back."""
        out: dict[str, Any] = {
            "filter_groups": [
                {
                    "filters": [
                        {
                            k: v
                            for k, v in (
                                ("field", f.field),
                                ("value", f.value),
                                ("condition_type", f.condition_type),
                            )
                            if v is not None
                        }
                        for f in group
                    ]
                }
                for group in self.filter_groups
            ]
        }
        if self.sort_orders is not None:
            out["sort_orders"] = [
                {"field": s.field, "direction": s.direction} for s in self.sort_orders
            ]
        if self.page_size is not None:
            out["page_size"] = self.page_size
        if self.current_page is not None:
            out["current_page"] = self.current_page
        return out


# ---- query string -> nested dict (as PHP parses ``a[b][0][c]=v``) ---------------------------


_BRACKETS = re.compile(r"\[([^\]]*)\]")


def parse_nested(query: MultiMapping[str], root: str) -> Any:
    """The value PHP would put in ``$_GET[root]`` (nested dicts; ``None`` when absent)."""
    found: Any = None
    for key, value in query.items():
        if key == root:
            found = value
            continue
        if not key.startswith(root + "["):
            continue
        parts = _BRACKETS.findall(key[len(root) :])
        if found is None or not isinstance(found, dict):
            found = {}
        node: dict[str, Any] = found
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = {}
                    node[part] = child
                node = child
    return found


def parse_criteria(
    query: MultiMapping[str],
    *,
    required: bool = True,
    definition: str = "framework-search-criteria-interface",
) -> SearchCriteria:
    """Read ``searchCriteria[...]`` like Magento's ``ServiceInputProcessor`` does."""
    from magodoo.testing._magento.schema import convert_definition

    raw = parse_nested(query, "searchCriteria")
    if raw is None:
        raw = parse_nested(query, "search_criteria")
    if raw is None:
        if required:
            raise errors.required("searchCriteria")
        raw = {}
    data = convert_definition(_listify(raw), definition)
    if not isinstance(data, dict):
        data = {}
    groups: list[list[Filter]] = []
    for group in _items(data.get("filter_groups")):
        filters: list[Filter] = []
        for f in _items(group.get("filters") if isinstance(group, dict) else None):
            if not isinstance(f, dict):
                continue
            ctype = f.get("condition_type") or "eq"
            value = f.get("value")
            filters.append(
                Filter(
                    field=str(f.get("field") or ""),
                    value=None if value is None else str(value),
                    condition_type=str(ctype),
                )
            )
        groups.append(filters)
    sorts: list[SortOrder] | None = None
    if data.get("sort_orders") is not None:
        sorts = []
        for s in _items(data.get("sort_orders")):
            if not isinstance(s, dict):
                continue
            direction = str(s.get("direction") or "ASC").upper()
            if direction not in ("ASC", "DESC"):
                raise errors.bad_request(
                    'Sort order "%1" is not supported. Use "ASC" or "DESC".', [direction]
                )
            sorts.append(SortOrder(field=str(s.get("field") or ""), direction=direction))
    page_size = data.get("page_size")
    current_page = data.get("current_page")
    return SearchCriteria(
        filter_groups=groups,
        sort_orders=sorts,
        page_size=page_size if isinstance(page_size, int) else None,
        current_page=current_page if isinstance(current_page, int) else None,
    )


def _listify(node: Any) -> Any:
    """Turn dicts keyed ``"0", "1", ...`` into lists (PHP arrays are both)."""
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_listify(node[k]) for k in sorted(node, key=int)]
        return {k: _listify(v) for k, v in node.items()}
    return node


def _items(node: Any) -> list[Any]:
    if isinstance(node, list):
        return node
    if isinstance(node, dict):
        return list(node.values())
    return []


# ---- evaluation -----------------------------------------------------------------------------


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            f = float(value)
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def _cmp(a: Any, b: str) -> int:
    """SQL-ish comparison of a column value with a filter value (numbers, else text)."""
    na, nb = _num(a), _num(b)
    if na is not None and nb is not None:
        return (na > nb) - (na < nb)
    sa, sb = _text(a).casefold(), b.casefold()
    return (sa > sb) - (sa < sb)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _like(pattern: str) -> re.Pattern[str]:
    out = ""
    for ch in pattern:
        out += ".*" if ch == "%" else "." if ch == "_" else re.escape(ch)
    return re.compile(out + r"\Z", re.IGNORECASE | re.DOTALL)


def _values(column: Any) -> list[Any]:
    return column if isinstance(column, list) else [column]


@functools.lru_cache(maxsize=64)
def _in_keys(value: str) -> tuple[frozenset[float], frozenset[str], frozenset[str]]:
    """An ``in`` list once parsed: the numbers, the texts of the other values (compared as
    text with anything), the texts of the numbers (compared as text with a non-number)."""
    wanted = [v.strip() for v in value.split(",")]
    numbers = {w: _num(w) for w in wanted}
    return (frozenset(n for n in numbers.values() if n is not None),
            frozenset(w.casefold() for w, n in numbers.items() if n is None),
            frozenset(w.casefold() for w, n in numbers.items() if n is not None))


def texts_wanted(criteria: SearchCriteria, field: str) -> list[str] | None:
    """The case-folded texts a lone ``field`` ``eq``/``in`` filter group can match (what an
    index on that column looks up); ``None``: no such group, every row must be tested. A
    wanted value that reads as a number is compared as a number by Magento: no index then."""
    for group in criteria.filter_groups:
        if len(group) != 1 or group[0].field != field:
            continue
        f = group[0]
        if f.condition_type == "in":
            nums, texts, _ = _in_keys(f.value or "")
            if not nums:
                return sorted(texts)
        elif f.condition_type == "eq" and f.value is not None and _num(f.value) is None:
            return [f.value.casefold()]
    return None


def matches(column: Any, f: Filter) -> bool:
    """Whether one column value satisfies one filter (lists: any element)."""
    ctype = f.condition_type if f.condition_type in CONDITIONS else "eq"  # as the real store
    if ctype == "null":
        return column is None or column == []
    if ctype == "notnull":
        return not (column is None or column == [])
    if column is None:
        return False
    value = f.value if f.value is not None else ""
    if ctype in ("finset", "nfinset"):
        parts: list[str] = []
        for c in _values(column):
            parts.extend(p.strip() for p in _text(c).split(","))
        hit = value in parts
        return hit if ctype == "finset" else not hit
    cols = _values(column)
    if ctype in ("in", "nin"):
        nums, texts, num_texts = _in_keys(value)
        hit = False
        for c in cols:  # as _cmp(c, w) == 0 for some w, without the loop over the values
            nc, tc = _num(c), _text(c).casefold()
            if (nc is not None and nc in nums) or tc in texts or (nc is None and tc in num_texts):
                hit = True
                break
        return hit if ctype == "in" else not hit
    if ctype in ("like", "nlike"):
        rx = _like(value)
        hit = any(rx.match(_text(c)) is not None for c in cols)
        return hit if ctype == "like" else not hit
    if ctype == "neq":
        return all(_cmp(c, value) != 0 for c in cols)
    ops: dict[str, Callable[[int], bool]] = {
        "eq": lambda r: r == 0,
        "gt": lambda r: r > 0,
        "gteq": lambda r: r >= 0,
        "moreq": lambda r: r >= 0,
        "from": lambda r: r >= 0,
        "lt": lambda r: r < 0,
        "lteq": lambda r: r <= 0,
        "to": lambda r: r <= 0,
    }
    op = ops[ctype]
    return any(op(_cmp(c, value)) for c in cols)


Getter = Callable[[Row, str], Any]
PastEnd = Literal["repeat", "empty"]


def _default_get(row: Row, field: str) -> Any:
    return row.get(field)


def _sort_key(value: Any) -> tuple[int, float, str]:
    if value is None:
        return (0, 0.0, "")
    n = _num(value)
    if n is not None:
        return (1, n, "")
    return (2, 0.0, _text(value).casefold())


@attrs.frozen
class KeyIndex:
    """The rows of a search by their integer primary key (``rows``: key -> row, the same rows
    the search is given, in the same order), and the ``fields`` the key goes by
    (``entity_id``...): ``get(row, field)`` is the row's key for each of them.

    With it, a filter on the key (``eq``, ``in``, ``gt``, ``gteq``, ``lt``, ``lteq``... with
    numbers) picks its rows from the sorted keys instead of testing every row, and a keyset
    page (a key range sorted by the key) is cut from them without a sort: what MySQL does with
    the primary key. The answer is the same as without the index.
    """

    rows: Mapping[int, Row]
    fields: frozenset[str]


_LOWER = frozenset({"gt", "gteq", "moreq", "from"})
_UPPER = frozenset({"lt", "lteq", "to"})


def _narrow(f: Filter, keys: list[int], lo: int, hi: int,
            wanted: set[int] | None) -> tuple[int, int, set[int] | None] | None:
    """``(lo, hi, wanted)`` narrowed by one filter on the key (``None``: it cannot be)."""
    value = f.value if f.value is not None else ""
    ctype = f.condition_type
    if ctype in ("eq", "in"):
        nums = _in_keys(value)[0] if ctype == "in" else {_num(value)}
        if None in nums or (ctype == "eq" and len(nums) != 1):
            return None
        ints = {int(n) for n in nums if n is not None and n.is_integer()}
        return lo, hi, ints if wanted is None else wanted & ints
    n = _num(value)
    if n is None or (ctype not in _LOWER and ctype not in _UPPER):
        return None
    if ctype == "gt":
        lo = max(lo, bisect.bisect_right(keys, n))
    elif ctype in _LOWER:
        lo = max(lo, bisect.bisect_left(keys, n))
    elif ctype == "lt":
        hi = min(hi, bisect.bisect_left(keys, n))
    else:
        hi = min(hi, bisect.bisect_right(keys, n))
    return lo, hi, wanted


def _by_key(criteria: SearchCriteria, index: KeyIndex) -> tuple[list[int], bool] | None:
    """The keys (ascending) of the rows that can match, and whether they all do (every filter
    group is one filter on the key); ``None`` when the index does not help."""
    keys = list(index.rows)
    ordered = sorted(keys)
    if keys != ordered:  # the search keeps the rows' own order: only key order can be cut
        return None
    lo, hi, wanted = 0, len(ordered), None
    exact, narrowed = True, False
    for group in criteria.filter_groups:
        step = None
        if len(group) == 1 and group[0].field in index.fields:
            step = _narrow(group[0], ordered, lo, hi, wanted)
        if step is None:
            exact = False
            continue
        lo, hi, wanted = step
        narrowed = True
    if not narrowed:
        return (ordered, exact) if exact else None
    if wanted is None:
        return ordered[lo:hi], exact
    found = []
    for key in wanted:
        at = bisect.bisect_left(ordered, key, lo, hi)
        if lo <= at < hi and ordered[at] == key:
            found.append(ordered[at])
    return sorted(found), exact


def _key_sort(criteria: SearchCriteria, index: KeyIndex,
              fields: Callable[[str], bool] | None) -> bool | None:
    """Whether the sort is nothing but the key, descending (``None``: it sorts on more)."""
    orders = criteria.sort_orders or []
    if not orders:
        return False
    if len(orders) == 1 and orders[0].field in index.fields and (
            fields is None or fields(orders[0].field)):
        return orders[0].direction == "DESC"
    return None


def search(
    rows: Iterable[Row],
    criteria: SearchCriteria,
    *,
    get: Getter = _default_get,
    fields: Callable[[str], bool] | None = None,
    unknown_field: Callable[[str], errors.MagentoError] | None = None,
    past_end: PastEnd = "repeat",
    render: Callable[[Row], Any] | None = None,
    index: KeyIndex | None = None,
) -> dict[str, Any]:
    """Filter, sort and page ``rows``; return ``{items, search_criteria, total_count}``.

    ``fields(name)`` says whether a filter field exists; for an unknown one ``unknown_field``
    builds the error (by default unknown fields are simply NULL columns). ``index``: the rows
    by their primary key, so filters and sorts on it read only the rows they need.
    """
    for group in criteria.filter_groups:
        for f in group:
            if fields is not None and not fields(f.field) and unknown_field is not None:
                raise unknown_field(f.field)
    keyed = _by_key(criteria, index) if index is not None else None
    if keyed is not None and index is not None:
        candidates, exact = keyed
        descending = _key_sort(criteria, index, fields)
        if exact and descending is not None:  # filtered and sorted by the index: cut the page
            if descending:
                candidates.reverse()
            page = page_of(candidates, criteria, past_end)
            return {
                "items": [render(index.rows[k]) if render else index.rows[k] for k in page],
                "search_criteria": criteria.echo(),
                "total_count": len(candidates),
            }
        rows = [index.rows[k] for k in candidates]
    selected = [
        row
        for row in rows
        if all(
            any(matches(get(row, f.field), f) for f in group) for group in criteria.filter_groups
        )
    ]
    for order in reversed(criteria.sort_orders or []):
        if fields is not None and not fields(order.field):
            if unknown_field is not None:
                raise unknown_field(order.field)
            continue
        selected.sort(
            key=lambda r, fld=order.field: _sort_key(get(r, fld)),  # type: ignore[misc]
            reverse=order.direction == "DESC",
        )
    total = len(selected)
    page = page_of(selected, criteria, past_end)
    return {
        "items": [render(r) if render else r for r in page],
        "search_criteria": criteria.echo(),
        "total_count": total,
    }


def page_of(rows: list[Any], criteria: SearchCriteria, past_end: PastEnd = "repeat") -> list[Any]:
    """One page of ``rows`` as Magento computes it."""
    size = criteria.page_size
    if not size or size <= 0:
        return rows
    page = max(criteria.current_page or 1, 1)
    last = max(math.ceil(len(rows) / size), 1)
    if page > last:
        if past_end == "empty":
            return []
        page = last
    return rows[(page - 1) * size : page * size]
