"""``model.load(fields, data)``: Odoo's import, as recorded on a real Odoo 18 (``samples/load``).

- ``fields`` are column paths: ``name``, ``id`` (an external id ``module.name``), ``.id`` (a
  database id), ``country_id/id`` (a many2one by external id), ``country_id/.id``,
  ``country_id`` (by name), and ``child_ids/<field>`` for one2many children;
- a row whose non-one2many columns are all empty continues the record above it with one more
  one2many child (``load-10``);
- a record with an external id that exists is updated, otherwise created and its external id
  stored in ``ir.model.data`` (``load-01``, ``load-02``, ``load-04``); children with external
  ids likewise (``load-11``: loading the same parent again keeps two children);
- a row that cannot be converted or saved is reported in ``messages`` (``rows``, ``record``,
  ``field``, ``message``...), never raised (``load-06``, ``load-07``), and one error rolls back
  the whole call: ``ids`` is ``false`` (``load-08``, ``load-09``). Ids taken by rolled-back rows
  stay consumed, as PostgreSQL sequences do;
- an unknown column raises ``ValueError: Invalid field name '...'`` (``load-05``).

External ids of base data the fake does not store in ``ir.model.data`` resolve too:
``base.<country code>`` (``base.us``), ``base.<currency>`` (``base.USD``), ``base.main_company``,
``base.main_partner``, ``base.user_admin``, ``base.partner_admin``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import errors

if TYPE_CHECKING:
    from .orm import Database, Env

IMD = "ir.model.data"
SQL_CONSTRAINT = "The operation cannot be completed: "
_FIXED = {
    "base.main_company": ("res.company", 1),
    "base.main_partner": ("res.partner", 1),
    "base.user_admin": ("res.users", 2),
    "base.partner_admin": ("res.partner", 3),
}
_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no", ""}


class _RowError(Exception):
    """A conversion problem of one field, reported as a message."""

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


_INDEX: dict[str, Any] = {"key": None, "map": {}}


def _xmlid_index(db: Database) -> dict[tuple[str, str], tuple[str, int]]:
    """``(module, name) -> (model, res_id)`` of ``ir.model.data``, rebuilt only when the table
    changed (another dict after a rollback, or rows added or removed), so a load of thousands
    of rows does not scan the table once per row."""
    table = db.table(IMD)
    key = (id(table), len(table), db.next_ids.get(IMD))
    if _INDEX["key"] != key:
        _INDEX["map"] = {(str(r.get("module")), str(r.get("name"))): (str(r["model"]),
                                                                      int(r["res_id"]))
                         for r in table.values()}
        _INDEX["key"] = key
    index: dict[tuple[str, str], tuple[str, int]] = _INDEX["map"]
    return index


def resolve_xmlid(db: Database, xid: str) -> tuple[str, int] | None:
    """``(model, id)`` of an external id, or None."""
    module, _, name = xid.partition(".")
    hit = _xmlid_index(db).get((module, name))
    if hit is not None and hit[1] in db.table(hit[0]):
        return hit
    if xid in _FIXED:
        return _FIXED[xid]
    if module == "base":
        for model, key in (("res.country", "code"), ("res.currency", "name")):
            for row in db.table(model).values():
                if str(row.get(key) or "").lower() == name.lower() and (
                    model != "res.currency" or row.get(key) == name
                ):
                    return model, int(row["id"])
    return None


def _xid(value: str) -> str:
    return value if "." in value else f"__import__.{value}"


def _paths(db: Database, model: str, columns: list[Any]) -> list[list[str]]:
    fields = db.fields(model)
    paths = []
    for column in columns:
        text = str(column)
        if text in ("id", ".id"):
            paths.append([text])
            continue
        path = text.replace(":id", "/id").split("/")
        if path[0] not in fields:
            raise errors.value_error(f"Invalid field name {path[0]!r}")
        if fields[path[0]]["type"] == "one2many" and len(path) > 1:
            sub = db.fields(fields[path[0]]["relation"])
            if path[1] not in ("id", ".id") and path[1] not in sub:
                raise errors.value_error(f"Invalid field name {path[1]!r}")
        paths.append(path)
    return paths


def _records(
    db: Database, model: str, paths: list[list[str]], data: list[Any]
) -> list[tuple[dict[str, Any], dict[str, list[dict[str, Any]]], int, int]]:
    """Group rows into ``(columns, {o2m: [child columns]}, first row, last row)``."""
    fields = db.fields(model)

    def is_o2m(path: list[str]) -> bool:
        return path[0] in fields and fields[path[0]]["type"] == "one2many" and len(path) > 1

    out: list[tuple[dict[str, Any], dict[str, list[dict[str, Any]]], int, int]] = []
    for index, raw in enumerate(data):
        row = list(raw) + [""] * (len(paths) - len(raw))
        main = {"/".join(p): v for p, v in zip(paths, row, strict=False) if not is_o2m(p)}
        children: dict[str, dict[str, Any]] = {}
        for path, value in zip(paths, row, strict=False):
            if is_o2m(path):
                children.setdefault(path[0], {})["/".join(path[1:])] = value
        if out and not any(v not in ("", None, False) for v in main.values()):
            _, kids, first, _last = out[-1]
            for name, child in children.items():
                if any(v not in ("", None, False) for v in child.values()):
                    kids.setdefault(name, []).append(child)
            out[-1] = (out[-1][0], kids, first, index)
            continue
        kids = {n: [c] for n, c in children.items()
                if any(v not in ("", None, False) for v in c.values())}
        out.append((main, kids, index, index))
    return out


def _moreinfo(comodel: str, res_model: str) -> dict[str, Any]:
    return {"name": "Possible Values", "type": "ir.actions.act_window", "target": "new",
            "view_mode": "list,form", "views": [[False, "list"], [False, "form"]],
            "context": {"create": False}, "help": "See all possible values",
            "res_model": res_model,
            "domain": [["model", "=", comodel]] if res_model == IMD else []}


def _convert(env: Env, model: str, columns: dict[str, Any],
             log: Any) -> tuple[str | None, int | None, dict[str, Any]]:
    """``(external id, database id, values)`` of one record; field errors go to ``log``."""
    db = env.db
    fields = db.fields(model)
    xid: str | None = None
    dbid: int | None = None
    vals: dict[str, Any] = {}
    for column, value in columns.items():
        if column == "id":
            xid = _xid(str(value)) if value not in ("", None, False) else None
            continue
        if column == ".id":
            dbid = int(value) if value not in ("", None, False) else None
            continue
        name, _, sub = column.partition("/")
        field = fields[name]
        try:
            vals[name] = _value(env, model, name, field, sub, value)
        except _RowError as exc:
            log(name, field, exc)
    return xid, dbid, vals


def _value(env: Env, model: str, name: str, field: dict[str, Any], sub: str, value: Any) -> Any:
    db = env.db
    ftype = field["type"]
    label = field.get("string", name)
    if value in ("", None):
        return False if ftype not in ("one2many", "many2many") else []
    if ftype in ("many2one", "many2many"):
        comodel = field["relation"]
        found: list[int] = []
        for part in ([str(value)] if ftype == "many2one" else str(value).split(",")):
            part = part.strip()
            if sub == "id":
                hit = resolve_xmlid(db, _xid(part))
                rid = hit[1] if hit and hit[0] == comodel else None
                kind, res_model = "external id", IMD
            elif sub == ".id":
                rid = int(part) if part.isdigit() and int(part) in db.table(comodel) else None
                kind, res_model = "database id", comodel
            else:
                rec_name = db.spec(comodel).rec_name or "name"
                rows = [r for r in db.table(comodel).values()
                        if str(db.raw_value(env, comodel, r, rec_name)) == part]
                rid = rows[0]["id"] if rows else None
                kind, res_model = "name", comodel
            if rid is None:
                raise _RowError(
                    f"No matching record found for {kind} '{part}' in field '{label}'",
                    {"moreinfo": _moreinfo(comodel, res_model)},
                )
            found.append(rid)
        return found[0] if ftype == "many2one" else [[6, 0, found]]
    if ftype == "boolean":
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _RowError(f"Unknown value '{value}' for boolean field '{label}'")
    if ftype == "integer":
        try:
            return int(value)
        except ValueError:
            raise _RowError(f"invalid literal for int() with base 10: {value!r}") from None
    if ftype == "datetime":
        return _datetime(env, label, str(value))
    if ftype in ("float", "monetary"):
        try:
            return float(value)
        except ValueError:
            raise _RowError(f"could not convert string to float: {value!r}") from None
    if ftype == "selection":
        for key, text in field.get("selection") or []:
            if value in (key, text):
                return key
        raise _RowError(
            f"Value '{value}' not found in selection field '{label}'",
            {"moreinfo": [text or key for key, text in field.get("selection") or []]},
        )
    return value


def _input_tz(env: Env) -> ZoneInfo:
    """``ir.fields.converter._input_tz``: the context's ``tz``, else the user's, else UTC."""
    user = env.db.table("res.users").get(env.uid)
    names = [env.context.get("tz"),
             env.db.raw_value(env, "res.users", user, "tz") if user else None]
    for name in names:
        if name:
            try:
                return ZoneInfo(str(name))
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def _datetime(env: Env, label: str, text: str) -> str:
    """``_str_to_datetime``: the text read in :func:`_input_tz`, stored in UTC."""
    try:
        short = text[:19]  # Datetime.to_datetime: microseconds cut, a date is midnight
        parsed = datetime.strptime(short if len(short) > 10 else f"{short} 00:00:00",
                                   "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise _RowError(f"'{text}' does not seem to be a valid datetime for field '{label}'",
                        {"moreinfo": "Use the format '2012-12-31 23:59:59'"}) from None
    moment = parsed.replace(tzinfo=_input_tz(env)).astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _save_error(db: Database, model: str, exc: errors.OdooError) -> dict[str, Any]:
    """The message of a failed save, as ``load`` words it (``PGERROR_TO_OE`` and UserError)."""
    message = exc.message
    if message.startswith(SQL_CONSTRAINT):  # a SQL constraint: quoted, as load-07 shows
        return {"message": f"'{message[len(SQL_CONSTRAINT):]}'"}
    if exc.name == "psycopg2.errors.NotNullViolation":
        for name, field in db.fields(model).items():
            if f'"{name}"' in message:
                return {"message": f"Missing required value for the field "
                                   f"'{field.get('string', name)}' ({name})", "field": name}
    return {"message": message}


def _bind(env: Env, model: str, xid: str, rid: int) -> None:
    module, _, name = xid.partition(".")
    current = _xmlid_index(env.db)
    env.db.create(env, IMD, [{"module": module, "name": name, "model": model, "res_id": rid}])
    table = env.db.table(IMD)
    current[(module, name)] = (model, rid)  # keep the index in step instead of rebuilding it
    _INDEX["key"] = (id(table), len(table), env.db.next_ids.get(IMD))


def _save(env: Env, model: str, xid: str | None, dbid: int | None, vals: dict[str, Any],
          children: dict[str, list[tuple[str | None, dict[str, Any]]]]) -> int:
    db = env.db
    target = dbid
    if xid is not None:
        hit = resolve_xmlid(db, xid)
        target = hit[1] if hit and hit[0] == model else None
    if target is not None:
        db.write(env, model, [target], vals)
    else:
        (target,) = db.create(env, model, [vals])
        if xid is not None:
            _bind(env, model, xid, target)
    spec = db.spec(model)
    for name, kids in children.items():
        comodel = db.fields(model)[name]["relation"]
        inverse = spec.o2m.get(name)
        for child_xid, child_vals in kids:
            values = {**child_vals, **({inverse: target} if inverse else {})}
            hit = resolve_xmlid(db, child_xid) if child_xid else None
            if hit and hit[0] == comodel:
                db.write(env, comodel, [hit[1]], values)
            else:
                (child,) = db.create(env, comodel, [values])
                if child_xid:
                    _bind(env, comodel, child_xid, child)
    return target


def load(env: Env, model: str, columns: Any, data: Any) -> Any:
    """Run ``model.load`` (see the module docstring)."""
    db = env.db
    snapshot, restore = db.snapshot, db.restore
    if not isinstance(columns, list) or not isinstance(data, list):
        raise errors.value_error("load() takes a list of fields and a list of rows")
    paths = _paths(db, model, columns)
    messages: list[dict[str, Any]] = []
    batch = []
    for number, (main, kids, first, last) in enumerate(_records(db, model, paths, data)):
        info = {"rows": {"from": first, "to": last}, "record": number}

        def log(name: str, field: dict[str, Any], exc: _RowError, info: Any = info) -> None:
            entry = {**info, "type": "error", "field": name, "message": exc.message}
            if exc.extra:
                entry.update(exc.extra)
                entry["field_name"] = field.get("string", name)
            messages.append(entry)

        xid, dbid, vals = _convert(env, model, main, log)
        children: dict[str, list[tuple[str | None, dict[str, Any]]]] = {}
        for name, rows in kids.items():
            comodel = db.fields(model)[name]["relation"]
            for child in rows:
                cxid, _cdb, cvals = _convert(env, comodel, child, log)
                children.setdefault(name, []).append((cxid, cvals))
        batch.append((info, xid, dbid, vals, children))
    start = snapshot()
    ids: list[int] = []
    try:
        # Odoo saves the batch in one go, and on failure again record by record to name the row
        try:
            for _info, xid, dbid, vals, children in batch:
                ids.append(_save(env, model, xid, dbid, vals, children))
        except errors.OdooError:
            restore(start)
            ids = []
            for info, xid, dbid, vals, children in batch:
                before = snapshot()
                try:
                    ids.append(_save(env, model, xid, dbid, vals, children))
                except errors.OdooError as exc:
                    restore(before)
                    messages.append({**info, "type": "error", **_save_error(db, model, exc)})
                finally:
                    before.release()
        if any(m["type"] == "error" for m in messages):
            restore(start)
            return {"ids": False, "messages": messages, "nextrow": 0}
        return {"ids": ids, "messages": messages, "nextrow": 0}
    finally:
        start.release()
