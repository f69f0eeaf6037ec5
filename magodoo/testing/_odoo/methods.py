"""``execute_kw`` dispatch: argument binding and the ORM methods every model has."""

from __future__ import annotations

from typing import Any

from . import access, errors
from .load import load as _load_rows
from .orm import Env, Method, Row

_GENERIC_PARAMS: dict[str, tuple[tuple[str, ...], int, bool]] = {
    # name: (positional parameter names after ids, how many are required, takes ids)
    "create": (("vals_list",), 1, False),
    "write": (("vals",), 1, True),
    "read": (("fields", "load"), 0, True),
    "unlink": ((), 0, True),
    "search": (("domain", "offset", "limit", "order"), 1, False),
    "search_read": (("domain", "fields", "offset", "limit", "order"), 0, False),
    "search_count": (("domain", "limit"), 1, False),
    "read_group": (("domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"), 3, False),
    "fields_get": (("allfields", "attributes"), 0, False),
    "name_search": (("name", "domain", "operator", "limit"), 0, False),
    "default_get": (("fields_list",), 1, False),
    "action_archive": ((), 0, True),
    "action_unarchive": ((), 0, True),
    "exists": ((), 0, True),
    "get_metadata": ((), 0, True),
    "load": (("fields", "data"), 2, False),
}


def _ids(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value]
    return []


def bind(
    env: Env, model: str, method: str, names: tuple[str, ...], required: int,
    args: list[Any], kwargs: dict[str, Any],
) -> dict[str, Any]:
    bound: dict[str, Any] = {}
    for name, value in zip(names, args, strict=False):
        bound[name] = value
    for name, value in kwargs.items():
        if name == "context":
            continue
        if name not in names:
            raise errors.OdooError(
                "builtins.TypeError",
                f"{env.db.class_name(model)}.{method}() got an unexpected keyword argument "
                f"'{name}'",
            )
        bound[name] = value
    missing = [n for n in names[:required] if n not in bound]
    if missing:
        raise errors.missing_argument(env.db.class_name(model), method, missing)
    return bound


def execute(env: Env, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Run ``model.method(*args, **kwargs)`` as ``execute_kw`` does."""
    db = env.db
    spec = db.spec(model)
    if method.startswith("_"):
        raise errors.private_method(model, method)
    args = list(args or [])
    if access.is_portal(env):
        head = args[0] if args else kwargs.get("ids")
        access.check(env, model, method, _ids(head) if isinstance(head, (int, list)) else [])
    if method in spec.methods:
        meth = spec.methods[method]
        return _call_custom(env, model, method, meth, args, kwargs)
    if method not in _GENERIC_PARAMS:
        raise errors.unknown_method(model, method)
    names, required, on_records = _GENERIC_PARAMS[method]
    ids: list[int] = []
    if on_records:
        if not args and "ids" not in kwargs:
            raise errors.missing_argument(db.class_name(model), method, ["ids"])
        ids = _ids(args.pop(0) if args else kwargs.pop("ids"))
    params = bind(env, model, method, names, required, args, kwargs)
    return GENERIC[method](env, model, ids, params)


def describe(env: Env, model: str, method: str) -> tuple[bool, tuple[str, ...], int]:
    """``(on_records, parameter names, required count)`` of a public method; refuse the rest."""
    spec = env.db.spec(model)
    if method.startswith("_"):
        raise errors.private_method(model, method)
    if method in spec.methods:
        meth = spec.methods[method]
        return meth.on_records, meth.params, meth.required
    if method not in _GENERIC_PARAMS:
        raise errors.unknown_method(model, method)
    names, required, on_records = _GENERIC_PARAMS[method]
    return on_records, names, required


def _call_custom(
    env: Env, model: str, method: str, meth: Method, args: list[Any], kwargs: dict[str, Any]
) -> Any:
    ids: list[int] = []
    if meth.on_records:
        if not args and "ids" not in kwargs:
            raise errors.missing_argument(env.db.class_name(model), method, ["self"])
        ids = _ids(args.pop(0) if args else kwargs.pop("ids"))
        env.db.ensure(env, model, ids)
    params = bind(env, model, method, meth.params, meth.required, args, kwargs)
    return meth.fn(env, ids, [params.get(n) for n in meth.params if n in params], params)


def _create(env: Env, model: str, _ids: list[int], p: dict[str, Any]) -> Any:
    vals = p["vals_list"]
    if isinstance(vals, dict):
        return env.db.create(env, model, [vals])[0]
    if not isinstance(vals, list):
        raise errors.value_error(f"Invalid field values {vals!r}")
    return env.db.create(env, model, vals)


def _write(env: Env, model: str, ids: list[int], p: dict[str, Any]) -> Any:
    return env.db.write(env, model, ids, p["vals"])


def _read(env: Env, model: str, ids: list[int], p: dict[str, Any]) -> Any:
    load = p.get("load", "_classic_read") != "None" and p.get("load", "_classic_read") is not None
    return env.db.read(env, model, ids, p.get("fields"), load)


def _unlink(env: Env, model: str, ids: list[int], _p: dict[str, Any]) -> Any:
    return env.db.unlink(env, model, ids)


def _int(value: Any, default: int = 0) -> int:
    return int(value) if value not in (None, False) else default


def _search(env: Env, model: str, _ids: list[int], p: dict[str, Any]) -> Any:
    rows = env.db.search_rows(
        env, model, p.get("domain") or [], _int(p.get("offset")), p.get("limit") or None,
        p.get("order") or None,
    )
    return [r["id"] for r in rows]


def _search_read(env: Env, model: str, _ids: list[int], p: dict[str, Any]) -> Any:
    rows = env.db.search_rows(
        env, model, p.get("domain") or [], _int(p.get("offset")), p.get("limit") or None,
        p.get("order") or None,
    )
    return env.db.read(env, model, [r["id"] for r in rows], p.get("fields"))


def _search_count(env: Env, model: str, _ids: list[int], p: dict[str, Any]) -> Any:
    rows = env.db.search_rows(env, model, p.get("domain") or [], 0, p.get("limit") or None)
    return len(rows)


def _fields_get(env: Env, model: str, _ids: list[int], p: dict[str, Any]) -> Any:
    fields = env.db.fields(model)
    wanted = p.get("allfields") or list(fields)
    attributes = p.get("attributes")
    out: dict[str, Any] = {}
    for name in wanted:
        if name not in fields:
            continue
        info = dict(fields[name])
        if attributes:
            info = {k: v for k, v in info.items() if k in attributes}
        out[name] = info
    return out


def _name_search(env: Env, model: str, _ids: list[int], p: dict[str, Any]) -> Any:
    spec = env.db.spec(model)
    name = p.get("name") or ""
    operator = p.get("operator") or "ilike"
    domain = list(p.get("domain") or [])
    if name:
        domain = [*domain, [spec.rec_name or "display_name", operator, name]]
    rows = env.db.search_rows(env, model, domain, 0, p.get("limit", 100) or None)
    return [[r["id"], env.db.display_name(env, model, r["id"])] for r in rows]


def _default_get(env: Env, model: str, _ids: list[int], p: dict[str, Any]) -> Any:
    spec = env.db.spec(model)
    out: dict[str, Any] = {}
    for name in p["fields_list"] or []:
        if name in spec.defaults:
            out[name] = spec.defaults[name](env, {})
    return out


def _archive(active: bool) -> Any:
    def run(env: Env, model: str, ids: list[int], _p: dict[str, Any]) -> Any:
        if "active" not in env.db.fields(model):
            raise errors.unknown_method(model, "action_archive" if not active else
                                        "action_unarchive")
        env.db.write(env, model, ids, {"active": active})
        return None

    return run


def _exists(env: Env, model: str, ids: list[int], _p: dict[str, Any]) -> Any:
    return [i for i in ids if i in env.db.table(model)]


def _get_metadata(env: Env, model: str, ids: list[int], _p: dict[str, Any]) -> Any:
    return env.db.read(env, model, ids, ["create_date", "write_date", "create_uid", "write_uid"])


def _read_group(env: Env, model: str, _ids: list[int], p: dict[str, Any]) -> Any:
    db = env.db
    groupby = p["groupby"]
    groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
    lazy = p.get("lazy", True)
    fields = db.fields(model)
    chosen = groupby[:1] if lazy else groupby
    keys = [g.split(":")[0] for g in chosen if g]
    for key in keys:
        if key not in fields:
            raise errors.value_error(f"Invalid field {key!r} on model {model!r}")
    aggregates: list[tuple[str, str, str]] = []
    for spec in p.get("fields") or []:
        alias, _, func = spec.partition(":")
        src = alias
        if "(" in func:
            func, _, src = func.partition("(")
            src = src.rstrip(")")
        if src not in fields:
            raise errors.value_error(f"Invalid field {src!r} on model {model!r}")
        if fields[src]["type"] in ("integer", "float", "monetary") and src not in keys:
            aggregates.append((alias, func or "sum", src))
    rows = db.search_rows(env, model, p.get("domain") or [])
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for row in rows:
        key = tuple(_group_value(db.raw_value(env, model, row, k)) for k in keys)
        groups.setdefault(key, []).append(row)
    out = []
    for key, members in groups.items():
        item: dict[str, Any] = {}
        for name, value in zip(keys, key, strict=True):
            if fields[name]["type"] == "many2one" and value:
                item[name] = [value, db.display_name(env, fields[name]["relation"], value)]
            else:
                item[name] = value if value not in (None, "") else False
        count_key = f"{keys[0]}_count" if lazy and keys else "__count"
        item[count_key] = len(members)
        for alias, func, src in aggregates:
            values = [float(db.raw_value(env, model, r, src) or 0) for r in members]
            if func == "count":
                item[alias] = len(values)
            elif func == "max":
                item[alias] = max(values)
            elif func == "min":
                item[alias] = min(values)
            elif func == "avg":
                item[alias] = sum(values) / len(values)
            else:
                item[alias] = sum(values)
        item["__domain"] = and_domains(
            list(p.get("domain") or []), [[k, "=", v] for k, v in zip(keys, key, strict=True)]
        )
        out.append(item)
    out.sort(key=lambda i: tuple(str(i.get(k)) for k in keys))
    offset = _int(p.get("offset"))
    limit = p.get("limit")
    return out[offset: offset + int(limit) if limit else None]


def normalize_domain(domain: list[Any]) -> list[Any]:
    """``expression.normalize_domain``: every implicit ``&`` made explicit, in prefix form."""
    result: list[Any] = []
    expected = 1
    arity = {"!": 1, "&": 2, "|": 2}
    for token in domain:
        if expected == 0:  # more terms than expected, as in [A, B]: an extra '&' in front
            result.insert(0, "&")
            expected = 1
        if isinstance(token, (list, tuple)):
            expected -= 1
            token = list(token)
        else:
            expected += arity.get(str(token), 0) - 1
        result.append(token)
    return result


def and_domains(*domains: list[Any]) -> list[Any]:
    """``expression.AND``: the non-empty domains normalized, joined by prefix ``&``
    (recorded: a ``read_group`` ``__domain`` is ``['&', [...], [...]]``, issue 20)."""
    parts = [normalize_domain(d) for d in domains if d]
    return ["&"] * (len(parts) - 1) + [t for part in parts for t in part]


def _group_value(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    return value if value not in (None, "") else False


def _load(env: Env, model: str, _ids: list[int], p: dict[str, Any]) -> Any:
    return _load_rows(env, model, p["fields"], p["data"])


GENERIC: dict[str, Any] = {
    "create": _create,
    "write": _write,
    "read": _read,
    "unlink": _unlink,
    "search": _search,
    "search_read": _search_read,
    "search_count": _search_count,
    "read_group": _read_group,
    "fields_get": _fields_get,
    "name_search": _name_search,
    "default_get": _default_get,
    "action_archive": _archive(False),
    "action_unarchive": _archive(True),
    "exists": _exists,
    "get_metadata": _get_metadata,
    "load": _load,
}
