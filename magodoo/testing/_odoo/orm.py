"""In-memory tables and the generic ORM methods (create, write, read, search, unlink, ...)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from . import access, commands, errors
from .domain import check_form, compile_domain, is_plain, mentions
from .keyset import anded_leaves, candidate_ids, number
from .schema import (
    DESCRIPTIONS,
    TRANSIENT,
    class_name,
    many2many_fields,
    model_fields,
    model_names,
    references,
    required_fields,
)
from .values import empty, fmt_datetime, scalar

log = logging.getLogger("magodoo.testing.fake_odoo")

Row = dict[str, Any]
# Tables no workflow changes; kept out of the rollback snapshots (they are large).
STATIC_TABLES = frozenset({"ir.model", "ir.model.fields", "ir.model.fields.selection",
                           "res.country", "res.country.state"})
ONDELETE = ("cascade", "set null", "restrict")
IdSet = set[int]  # ``Database.set`` shadows the builtin in the class body
Compute = Callable[["Env", Row], Any]
Hook = Callable[["Env", list[int]], None]
WriteHook = Callable[["Env", list[int], dict[str, Any]], None]
MethodFn = Callable[["Env", list[int], list[Any], dict[str, Any]], Any]


_OPEN: list[Savepoint] = []
"""The savepoints open now (innermost last). The fake runs one call at a time, synchronously,
so they all belong to the database running that call."""


UNHASHABLE: Any = object()
"""The key of :meth:`Database.where`'s index under which it keeps the rows whose column holds
an unhashable value (a list): no value looked up equals it."""


WRITES: dict[str, int] = {}
"""How many times a column of some :class:`TxRow` (any model) was changed in place, by column
name; ``"*"`` counts the changes of whole rows (``clear``, ``popitem``). An index of a column
built from TxRows alone stays exact while its column's count and ``"*"`` stay put."""


def _wrote(key: str) -> None:
    WRITES[key] = WRITES.get(key, 0) + 1


class TxRow(dict[str, Any]):
    """A table row that saves its content in the open savepoints before its first change
    (so a savepoint costs the rows a call changes, not the whole database) and counts its
    changes by column in :data:`WRITES`."""

    __slots__ = ()

    def __reduce__(self) -> Any:  # copies and pickles are plain rows again
        return (TxRow, (dict(self),))

    def _note(self) -> None:
        for point in _OPEN:
            point.keep(self)

    def __setitem__(self, key: str, value: Any) -> None:
        if _OPEN:
            self._note()
        _wrote(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        if _OPEN:
            self._note()
        _wrote(key)
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        if _OPEN:
            self._note()
        other = dict(*args, **kwargs)
        for key in other:
            _wrote(key)
        super().update(other)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            if _OPEN:
                self._note()
            _wrote(key)
        return super().setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        if _OPEN:
            self._note()
        _wrote(key)
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        if _OPEN:
            self._note()
        _wrote("*")
        return super().popitem()

    def clear(self) -> None:
        if _OPEN:
            self._note()
        _wrote("*")
        super().clear()


class Savepoint:
    """What :meth:`Database.restore` rolls back to: each table's rows by id (the row objects,
    not copies), the content of every row changed since (saved before its first change;
    plain-dict rows, which cannot say so, are copied at once) and the gapless numbers."""

    def __init__(self, db: Database) -> None:
        self.tables = {m: t if m in STATIC_TABLES else t.copy() for m, t in db.tables.items()}
        self.saved: dict[int, tuple[Row, Row]] = {}
        for m, t in self.tables.items():
            if m not in STATIC_TABLES:
                for row in t.values():
                    if type(row) is not TxRow:
                        self.saved[id(row)] = (row, dict(row))
        self.sequences = dict(db.sequences)
        self.next_ids = dict(db.next_ids)
        _OPEN.append(self)

    def keep(self, row: Row) -> None:
        if id(row) not in self.saved:
            self.saved[id(row)] = (row, dict(row))

    def release(self) -> None:
        """Stop saving rows for this savepoint (the call it guarded is over)."""
        if self in _OPEN:
            _OPEN.remove(self)


@attrs.define
class Method:
    """A public model method: ``fn(env, ids, args, kwargs)``; ``params`` names positional args."""

    fn: MethodFn
    on_records: bool = True
    params: tuple[str, ...] = ()
    required: int = 0


@attrs.define
class ModelSpec:
    """What the fake knows of one model beyond its field list."""

    name: str
    defaults: dict[str, Compute] = attrs.Factory(dict)
    computes: dict[str, Compute] = attrs.Factory(dict)
    inverses: dict[str, Callable[[Env, int, Any], None]] = attrs.Factory(dict)
    o2m: dict[str, str] = attrs.Factory(dict)
    required: dict[str, str | None] = attrs.Factory(dict)
    optional: set[str] = attrs.Factory(set)
    methods: dict[str, Method] = attrs.Factory(dict)
    order: str = "id"
    rec_name: str = "name"
    parent: str | None = None
    inherits: tuple[str, str] | None = None
    own: frozenset[str] = frozenset()
    display: Compute | None = None
    before_create: list[Callable[[Env, Row], None]] = attrs.Factory(list)
    after_create: list[Hook] = attrs.Factory(list)
    before_write: list[WriteHook] = attrs.Factory(list)
    after_write: list[WriteHook] = attrs.Factory(list)
    before_unlink: list[Hook] = attrs.Factory(list)
    translated: frozenset[str] = frozenset()
    """Fields with a value per language (``translate=True``): read and written in the
    context's ``lang``; en_US is the stored value, the others live in ``row["_tr"]``."""


BASE_LANG = "en_US"


def _lang(env: Env) -> str:
    return str(env.context.get("lang") or BASE_LANG)


@attrs.define
class Env:
    """One RPC call: the database, the user, the context and the transaction time."""

    db: Database
    uid: int
    context: dict[str, Any]
    now: datetime
    outbox: list[tuple[str, str]] = attrs.Factory(list)
    memo: dict[Any, Any] | None = None
    """Per-read cache for computes that scan whole tables (stock figures); only set while a
    large ``read`` runs, when nothing changes between rows."""

    def ctx(self, **extra: Any) -> Env:
        return Env(self.db, self.uid, {**self.context, **extra}, self.now, self.outbox,
                   self.memo)


@attrs.define
class Database:
    """Tables of raw rows by model, id sequences and the model registry."""

    specs: dict[str, ModelSpec] = attrs.Factory(dict)
    tables: dict[str, dict[int, Row]] = attrs.Factory(dict)
    next_ids: dict[str, int] = attrs.Factory(dict)
    sequences: dict[str, int] = attrs.Factory(dict)
    ondelete: dict[tuple[str, str], str] = attrs.Factory(dict)
    listeners: list[Callable[[Env, str, str, list[int], set[str]], None]] = attrs.Factory(list)
    _high: dict[str, tuple[int, int, int]] = attrs.Factory(dict)
    _gens: dict[str, int] = attrs.Factory(dict)
    _indexes: dict[tuple[str, str], tuple[int, int, int, dict[Any, list[Row]]]] = \
        attrs.Factory(dict)
    _text_indexes: dict[tuple[str, str], tuple[Any, dict[Any, list[int]] | None]] = \
        attrs.Factory(dict)

    # -- registry ---------------------------------------------------------------------------
    def spec(self, model: str) -> ModelSpec:
        if model not in self.specs:
            if model not in model_names():
                raise errors.unknown_model(model)
            self.specs[model] = ModelSpec(model)
        return self.specs[model]

    def has_model(self, model: str) -> bool:
        return model in self.specs

    def fields(self, model: str) -> dict[str, dict[str, Any]]:
        try:
            return model_fields(model)
        except KeyError:
            raise errors.unknown_model(model) from None

    def table(self, model: str) -> dict[int, Row]:
        return self.tables.setdefault(model, {})

    def next_id(self, model: str) -> int:
        table = self.table(model)
        # the highest id in the table, recomputed only when the table is another dict (a
        # rollback) or its size moved by something else than this method (rows seeded or
        # deleted): a bulk create stays linear
        cached = self._high.get(model)
        if cached is not None and cached[0] == id(table) and cached[1] == len(table):
            high = cached[2]
        else:
            high = max(table, default=0)
        nid = max(self.next_ids.get(model, 1), high + 1)
        self.next_ids[model] = nid + 1
        self._high[model] = (id(table), len(table) + 1, nid)  # the caller inserts it next
        return nid

    def next_number(self, key: str, start: int = 1) -> int:
        value = self.sequences.get(key, start)
        self.sequences[key] = value + 1
        return value

    def insert(self, model: str, row: Row) -> int:
        """Seed a raw row (no validation); used by the demo loader and the workflows."""
        rid = int(row["id"]) if row.get("id") else self.next_id(model)
        row = row if isinstance(row, TxRow) else TxRow(row)
        row["id"] = rid
        self.table(model)[rid] = row
        self.added(model, row)
        return rid

    # -- transactions -----------------------------------------------------------------------
    def snapshot(self) -> Savepoint:
        """What :meth:`restore` rolls back to (a savepoint); :meth:`Savepoint.release` it once
        the call it guards is over."""
        return Savepoint(self)

    def restore(self, point: Savepoint) -> None:
        """Roll back rows and gapless document numbers; id sequences are never rolled back.
        The same savepoint can be restored again (nested savepoints)."""
        for row, content in point.saved.values():
            dict.clear(row)
            dict.update(row, content)
        self.tables = {m: t if m in STATIC_TABLES else t.copy() for m, t in point.tables.items()}
        self.changed()
        for key, value in point.sequences.items():
            if "/" in key:
                self.sequences[key] = value

    # -- reading ----------------------------------------------------------------------------
    def raw_value(self, env: Env, model: str, row: Row, name: str) -> Any:
        spec = self.spec(model)
        if name == "id":
            return row["id"]
        if name in spec.computes:
            return spec.computes[name](env, row)
        if name in spec.o2m:
            return self.children(env, model, row["id"], name)
        if name in spec.translated and _lang(env) != BASE_LANG:
            translated = row.get("_tr", {}).get(name, {}).get(_lang(env))
            if translated:
                return translated
        if name in row:
            return row[name]
        if spec.inherits and name not in spec.own and row.get(spec.inherits[1]):
            parent_model, link = spec.inherits
            parent = self.table(parent_model).get(row[link])
            if parent is not None and name in self.fields(parent_model):
                return self.raw_value(env, parent_model, parent, name)
        if name == "display_name":
            return self.display_name(env, model, row["id"])
        return empty(self.fields(model).get(name, {"type": "char"})["type"])

    def children(self, env: Env, model: str, rid: int, name: str) -> list[int]:
        spec = self.spec(model)
        comodel = self.fields(model)[name]["relation"]
        inverse = spec.o2m[name]
        active = "active" in self.fields(comodel) and env.context.get("active_test", True)
        rows = [
            r for r in self.where(comodel, **{inverse: rid})
            if not active or r.get("active", True)
        ]
        return [r["id"] for r in self.order(env, comodel, rows, None)]

    def display_name(self, env: Env, model: str, rid: int) -> str:
        row = self.table(model).get(rid)
        if row is None:
            return ""
        spec = self.spec(model)
        if spec.display is not None:
            return str(spec.display(env, row))
        value = self.raw_value(env, model, row, spec.rec_name) if spec.rec_name else False
        return str(value) if value else f"{model},{rid}"

    def hierarchy(self, model: str, ids: set[int], down: bool) -> set[int]:
        parent = self.spec(model).parent or "parent_id"
        table = self.table(model)
        found = set(ids)
        if down:
            changed = True
            while changed:
                more = {r["id"] for r in table.values() if r.get(parent) in found} - found
                changed = bool(more)
                found |= more
        else:
            todo = list(ids)
            while todo:
                row = table.get(todo.pop())
                up = row.get(parent) if row else None
                if up and up not in found:
                    found.add(up)
                    todo.append(up)
        return found

    def to_read(self, env: Env, model: str, row: Row, name: str, load: bool = True) -> Any:
        ftype = self.fields(model)[name]["type"]
        value = self.raw_value(env, model, row, name)
        if ftype == "many2one":
            if not value:
                return False
            comodel = self.fields(model)[name]["relation"]
            if not load:
                return value
            return [value, self.display_name(env, comodel, value)]
        if ftype in ("one2many", "many2many"):
            return list(value or [])
        if ftype == "datetime":
            return fmt_datetime(value)
        if ftype in ("float", "monetary"):
            return float(value or 0.0)
        if ftype == "integer":
            return int(value or 0)
        if ftype == "boolean":
            return bool(value)
        return value if value not in (None, "") else False

    def read(
        self, env: Env, model: str, ids: list[int], fields: list[str] | None, load: bool = True
    ) -> list[Row]:
        known = self.fields(model)
        names = list(fields) if fields else [f for f in known if f != "id"]
        for name in names:
            if name not in known:
                raise errors.invalid_field(model, name)
        table = self.table(model)
        spec = self.spec(model)
        indexes = {
            name: self._inverse_index(env, model, name, ids) for name in names
            if name in spec.o2m and name not in spec.computes and len(ids) > 10
        }
        if len(ids) > 10 and env.memo is None:
            env = Env(env.db, env.uid, env.context, env.now, env.outbox, {("read", model): ids})
        out = []
        for rid in ids:
            row = table.get(rid)
            if row is None:
                continue
            rec: Row = {"id": rid}
            for name in names:
                if name in indexes:
                    rec[name] = indexes[name].get(rid, [])
                elif name != "id":
                    rec[name] = self.to_read(env, model, row, name, load)
            out.append(rec)
        return out

    def _inverse_index(self, env: Env, model: str, name: str,
                       ids: list[int]) -> dict[int, list[int]]:
        """``parent id -> ordered child ids`` of a one2many for the parents ``ids``, built once
        for a large read."""
        comodel = self.fields(model)[name]["relation"]
        inverse = self.spec(model).o2m[name]
        active = "active" in self.fields(comodel) and env.context.get("active_test", True)
        grouped: dict[int, list[Row]] = {}
        for parent in dict.fromkeys(ids):  # the parents' rows from where()'s index on the column
            rows = [r for r in self.where(comodel, **{inverse: parent})
                    if not active or r.get("active", True)]
            if rows:
                grouped[parent] = rows
        return {k: [r["id"] for r in self.order(env, comodel, v, None)] for k, v in grouped.items()}

    # -- searching --------------------------------------------------------------------------
    def search_rows(
        self,
        env: Env,
        model: str,
        domain: list[Any],
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[Row]:
        fields = self.fields(model)
        check_form(domain)
        domain = list(domain or [])
        pred = compile_domain(env, model, domain)
        check_active = (
            "active" in fields
            and env.context.get("active_test", True)
            and not mentions(domain, "active")
        )
        keys = self.order_keys(model, order)
        table = self.table(model)
        # indexes: not every row of the table is tested
        narrowed = self._column_candidates(env, model, domain)
        ids = candidate_ids(domain, table if narrowed is None else narrowed)
        if limit and keys in ([("id", False)], [("id", True)]):  # a keyset page: stop when full
            need = offset + int(limit)
            found: list[Row] = []
            for rid in reversed(ids) if keys[0][1] else ids:
                row = table[rid]
                if ((not check_active or row.get("active", True)) and pred(row)
                        and access.visible(env, model, [row])):
                    found.append(row)
                    if len(found) >= need:
                        break
            return found[offset:need]
        rows = [
            r for r in (table[i] for i in ids)
            if (not check_active or r.get("active", True)) and pred(r)
        ]
        rows = access.visible(env, model, self.order(env, model, rows, order))
        end = None if not limit else offset + int(limit)
        return rows[offset:end]

    def _column_candidates(self, env: Env, model: str, domain: list[Any]) -> set[int] | None:
        """The ids of the rows that can match the domain's ANDed conditions on stored columns
        that an index answers (``None`` when it has none): ``=`` / ``in`` with ids on a
        many2one (``product_tmpl_id in [...]``, from :meth:`where`'s index), ``in`` with
        texts on a char or selection (``default_code in [...]``, from :meth:`_text_index`).
        A superset of the matches: the domain is still applied to each. A row holding a list
        (unhashable) is always a candidate: a many2one condition matches an id inside it."""
        leaves = anded_leaves(domain)
        if not leaves:
            return None
        fields = self.fields(model)
        table = self.table(model)
        found: set[int] | None = None
        for name, op, value in leaves:
            ftype = fields.get(name, {}).get("type")
            if ftype not in ("many2one", "char", "selection") or not is_plain(env, model, name):
                continue
            if ftype == "many2one" and op in ("=", "in"):
                values = [value] if op == "=" else value
                if not isinstance(values, list | tuple) or not all(map(number, values)):
                    continue  # False (no id), names, anything else: no narrowing
                index = self._index(model, name)
                if _many(index, values, len(table)):
                    continue
                hits = {r["id"] for v in (*values, UNHASHABLE) for r in index.get(v, ())
                        if table.get(r["id"]) is r}
            elif (ftype != "many2one" and op == "in" and isinstance(value, list | tuple)
                  and all(isinstance(v, str) for v in value)):
                texts = self._text_index(model, name)
                if texts is None or _many(texts, value, len(table)):
                    continue
                hits = {rid for v in (*value, UNHASHABLE) for rid in texts.get(v, ())}
            else:
                continue
            found = hits if found is None else found & hits
        return found

    def _text_index(self, model: str, field: str) -> dict[Any, list[int]] | None:
        """``value -> ids`` of a column of ``model``, kept while nothing changes it: not the
        table (same dict, same size, no ORM change) and not the column of any row
        (:data:`WRITES`); ``None`` when a row of the table is a plain dict, whose changes
        nobody counts. Rows holding an unhashable value are kept under :data:`UNHASHABLE`."""
        table = self.table(model)
        stamp = (self._gens.get(model, 0), id(table), len(table), WRITES.get(field, 0),
                 WRITES.get("*", 0))
        cached = self._text_indexes.get((model, field))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        index: dict[Any, list[int]] | None = {}
        for rid, row in table.items():
            if type(row) is not TxRow or index is None:
                index = None
                break
            key = row.get(field)
            try:
                index.setdefault(key, []).append(rid)
            except TypeError:
                index.setdefault(UNHASHABLE, []).append(rid)
        self._text_indexes[(model, field)] = (stamp, index)
        return index

    def order_keys(self, model: str, order: str | None) -> list[tuple[str, bool]]:
        """``(field, descending)`` of an ``order`` text (the model's own order by default),
        ``id`` last; refuses an unknown field."""
        spec = self.spec(model)
        text = order or spec.order or "id"
        keys: list[tuple[str, bool]] = []
        for part in text.split(","):
            bits = part.strip().split()
            if not bits:
                continue
            name = bits[0]
            if name not in self.fields(model):
                raise errors.value_error(f"Invalid field {name!r} on model {model!r}")
            desc = len(bits) > 1 and bits[1].lower() == "desc"
            keys.append((name, desc))
        if ("id", False) not in keys and ("id", True) not in keys:
            keys.append(("id", False))
        return keys

    def order(self, env: Env, model: str, rows: list[Row], order: str | None) -> list[Row]:
        result = list(rows)
        for name, desc in reversed(self.order_keys(model, order)):
            result.sort(key=self._sorter(env, model, name), reverse=desc)
        return result

    def _sorter(self, env: Env, model: str, name: str) -> Callable[[Row], tuple[int, Any]]:
        ftype = self.fields(model)[name]["type"]

        def key(row: Row) -> tuple[int, Any]:
            return _sort_key(self._order_value(env, model, row, name), ftype)

        return key

    def _order_value(self, env: Env, model: str, row: Row, name: str) -> Any:
        value = self.raw_value(env, model, row, name)
        if self.fields(model)[name]["type"] == "many2one" and value:
            comodel = self.fields(model)[name]["relation"]
            related = self.table(comodel).get(value)
            if related is None:
                return value
            keys = []
            for part in (self.spec(comodel).order or "id").split(","):
                bits = part.strip().split()
                if bits and bits[0] in self.fields(comodel) and \
                        self.fields(comodel)[bits[0]]["type"] != "many2one":
                    keys.append(_sort_key(self.raw_value(env, comodel, related, bits[0]),
                                          self.fields(comodel)[bits[0]]["type"]))
            return (*keys, (0, value))
        return value

    # -- writing ----------------------------------------------------------------------------
    def check_fk(self, model: str, name: str, comodel: str, value: Any) -> int | None:
        if value is False or value is None or (value == 0 and type(value) is int):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise errors.wrong_value(model, name, value)
        if value not in self.table(comodel):
            table = model.replace(".", "_")
            raise errors.foreign_key(model, DESCRIPTIONS.get(model, model), f"{table}_{name}_fkey")
        return value

    def convert(self, env: Env, model: str, vals: dict[str, Any]) -> tuple[Row, dict[str, Any]]:
        """Split ``vals`` into converted stored values and x2many commands; refuse bad values."""
        fields = self.fields(model)
        spec = self.spec(model)
        stored: Row = {}
        x2many: dict[str, Any] = {}
        for name, value in vals.items():
            if name not in fields:
                raise errors.invalid_field(model, name)
            field = fields[name]
            ftype = field["type"]
            if name in ("id", "display_name", "create_date", "write_date", "create_uid",
                        "write_uid"):
                continue
            if ftype in ("one2many", "many2many"):
                x2many[name] = value
            elif ftype == "many2one":
                stored[name] = self.check_fk(model, name, field["relation"], value)
            elif name in spec.computes and name not in spec.inverses:
                scalar(model, name, field, value)  # still type-checked, then ignored
            else:
                stored[name] = scalar(model, name, field, value)
        return stored, x2many

    def create(self, env: Env, model: str, vals_list: list[dict[str, Any]]) -> list[int]:
        spec = self.spec(model)
        fields = self.fields(model)
        ids: list[int] = []
        for vals in vals_list:
            if not isinstance(vals, dict):
                raise errors.value_error(f"Invalid field values {vals!r}")
            vals = dict(vals)
            for key, value in env.context.items():
                if key.startswith("default_") and key[8:] in fields and key[8:] not in vals:
                    vals[key[8:]] = value
            stored, x2many = self.convert(env, model, vals)
            row: Row = TxRow(id=0)
            for name, default in spec.defaults.items():
                if name not in vals:
                    value = default(env, {**stored, **{k: v for k, v in vals.items()}})
                    if fields[name]["type"] in ("one2many", "many2many"):
                        x2many.setdefault(name, value)
                    else:
                        row[name] = value
            row.update(stored)
            # the id comes from a PostgreSQL sequence at INSERT: a create that fails on a
            # constraint still consumes it (the real server skips ids the same way)
            rid = self.next_id(model)
            for hook in spec.before_create:
                hook(env, row)
            for name, message in self.required(model).items():
                if name in x2many:
                    continue
                if row.get(name) in (None, False, "") and fields[name]["type"] not in (
                    "boolean", "integer", "float", "monetary", "one2many", "many2many"
                ):
                    if message:
                        raise errors.validation_error(message)
                    raise errors.not_null(
                        model, DESCRIPTIONS.get(model, model), name, fields[name]["string"]
                    )
            row["id"] = rid
            row.setdefault("create_date", env.now)
            row["write_date"] = env.now
            row.setdefault("create_uid", env.uid)
            row["write_uid"] = env.uid
            for name in many2many_fields(model):
                if name not in spec.computes:
                    row.setdefault(name, [])
            if "active" in fields:
                row.setdefault("active", True)
            self.table(model)[rid] = row
            self.added(model, row)
            for name, value in x2many.items():
                self.apply_x2many(env, model, rid, name, value)
            for name in vals:
                if name in spec.inverses:
                    spec.inverses[name](env, rid, vals[name])
            ids.append(rid)
        for created in spec.after_create:
            created(env, ids)
        for listener in self.listeners:
            listener(env, model, "create", ids, set())
        return ids

    def required(self, model: str) -> dict[str, str | None]:
        """Fields a create must end up with (the dump's ``required``, minus what the fake fills)."""
        spec = self.spec(model)
        self.fields(model)  # unknown models are refused
        found: dict[str, str | None] = {
            name: None for name in required_fields(model)
            if name not in spec.computes and name not in spec.o2m
            and not (spec.inherits and name not in spec.own)
        }
        found.update(spec.required)
        for name in spec.optional:
            found.pop(name, None)
        return found

    def ensure(self, env: Env, model: str, ids: list[int]) -> None:
        table = self.table(model)
        missing = [i for i in ids if i not in table]
        if missing:
            raise errors.missing_error(model, missing, env.uid)

    def write(self, env: Env, model: str, ids: list[int], vals: dict[str, Any]) -> bool:
        spec = self.spec(model)
        if not isinstance(vals, dict):
            raise errors.value_error(f"Invalid field values {vals!r}")
        self.ensure(env, model, ids)
        if spec.inherits:
            parent_model, link = spec.inherits
            fields = self.fields(model)
            for name in vals:
                if name not in fields:
                    raise errors.invalid_field(model, name)
            delegated = {
                k: v for k, v in vals.items()
                if k not in spec.own and k not in spec.computes and k in self.fields(parent_model)
            }
            if delegated:
                self.convert(env, model, delegated)  # values are checked as the variant's fields
                parents = sorted({self.table(model)[i][link] for i in ids})
                self.write(env, parent_model, parents, delegated)
                vals = {k: v for k, v in vals.items() if k not in delegated}
        stored, x2many = self.convert(env, model, vals)
        for hook in spec.before_write:
            hook(env, ids, vals)
        table = self.table(model)
        changed: set[str] = set()
        lang = _lang(env)
        in_lang = {n: stored.pop(n) for n in list(stored)
                   if n in spec.translated and lang != BASE_LANG}
        for rid in ids:
            row = table[rid]
            for name, value in in_lang.items():  # another language: only that translation
                per_lang = row.setdefault("_tr", {}).setdefault(name, {})
                if per_lang.get(lang) != value:
                    changed.add(name)
                per_lang[lang] = value
            for name, value in stored.items():
                if row.get(name) != value:
                    changed.add(name)
                row[name] = value
            row["write_date"] = env.now
            row["write_uid"] = env.uid
            self.changed(model)
            for name, value in x2many.items():
                before = self.raw_value(env, model, row, name)
                self.apply_x2many(env, model, rid, name, value)
                if self.raw_value(env, model, row, name) != before:
                    changed.add(name)
            for name in vals:
                if name in spec.inverses:
                    spec.inverses[name](env, rid, vals[name])
                    changed.add(name)
        for hook in spec.after_write:
            hook(env, ids, vals)
        for listener in self.listeners:
            listener(env, model, "write", ids, changed | set(x2many))
        return True

    def touch(self, env: Env, model: str, ids: list[int]) -> None:
        for rid in ids:
            row = self.table(model).get(rid)
            if row is not None:
                row["write_date"] = env.now
                row["write_uid"] = env.uid
        self.changed(model)

    def set(self, env: Env, model: str, rid: int, changes: Row, notify: bool = True) -> None:
        """Server-side write of computed/stored values (no validation) that fires listeners."""
        row = self.table(model)[rid]
        changed = {k for k, v in changes.items() if row.get(k) != v}
        row.update(changes)
        self.changed(model)
        row["write_date"] = env.now
        if notify and changed:
            for listener in self.listeners:
                listener(env, model, "write", [rid], changed)

    def on_delete(self, model: str, field: str, mode: str) -> None:
        """Declare the ``ondelete`` of the many2one ``model.field``, as Odoo defines it."""
        if mode not in ONDELETE:
            raise ValueError(f"ondelete must be one of {ONDELETE}, not {mode!r}")
        definition = self.fields(model)[field]
        if definition["type"] != "many2one":
            raise ValueError(f"{model}.{field} is not a many2one")
        if mode == "set null" and definition.get("required"):
            raise ValueError(f"{model}.{field} is required: 'set null' makes no sense")
        self.ondelete[(model, field)] = mode

    def ondelete_mode(self, model: str, field: str, required: bool) -> str:
        """The declared ``ondelete``, else Odoo's default: ``restrict`` when required (``cascade``
        from a wizard), ``set null`` otherwise."""
        declared = self.ondelete.get((model, field))
        if declared is not None:
            return declared
        if not required:
            return "set null"
        return "cascade" if model in TRANSIENT else "restrict"

    def unlink(self, env: Env, model: str, ids: list[int]) -> bool:
        """Run the model's unlink overrides, then delete like PostgreSQL's foreign keys do.

        Rows that point at a deleted row go by their field's ``ondelete``: ``cascade`` deletes
        them too (recursively, without their own overrides, as the database does), ``set null``
        clears the field, ``restrict`` refuses the whole unlink; many2many links are dropped.
        """
        spec = self.spec(model)
        self.ensure(env, model, ids)
        for hook in spec.before_unlink:
            hook(env, ids)
        doomed = self._cascade(model, {i for i in ids if i in self.table(model)})
        changes: list[tuple[Row, str, Any]] = []  # applied once nothing restricts
        for gone_model, gone in doomed.items():
            for other, name, ftype, required in references(gone_model):
                table = self.tables.get(other)
                if not table or name in self.spec(other).computes:
                    continue
                spared = [r for rid, r in table.items() if rid not in doomed.get(other, ())]
                if ftype == "many2many":
                    for row in spared:
                        value = row.get(name)
                        if isinstance(value, list) and any(i in gone for i in value):
                            changes.append((row, name, [i for i in value if i not in gone]))
                    continue
                hits = [r for r in spared if r.get(name) in gone]
                if not hits:
                    continue
                if self.ondelete_mode(other, name, required) == "restrict":
                    raise errors.foreign_key(
                        other, DESCRIPTIONS.get(other, other),
                        f"{other.replace('.', '_')}_{name}_fkey",
                    )
                changes.extend((row, name, None) for row in hits)
        for row, name, value in changes:
            row[name] = value
        for gone_model, gone in doomed.items():
            table = self.table(gone_model)
            for rid in gone:
                table.pop(rid, None)
        self.changed()
        return True

    def _cascade(self, model: str, ids: IdSet) -> dict[str, IdSet]:
        """Every row the deletion of ``model`` ``ids`` takes with it (``ondelete='cascade'``)."""
        doomed: dict[str, IdSet] = {model: IdSet(ids)}
        todo: list[tuple[str, IdSet]] = [(model, IdSet(ids))]
        while todo:
            current, gone = todo.pop()
            for other, name, ftype, required in references(current):
                if ftype != "many2one" or self.ondelete_mode(other, name, required) != "cascade":
                    continue
                table = self.tables.get(other)
                if not table:
                    continue
                already = doomed.setdefault(other, IdSet())
                new = {rid for rid, row in table.items()
                       if rid not in already and row.get(name) in gone}
                if new:
                    already |= new
                    todo.append((other, new))
        return doomed

    def apply_x2many(self, env: Env, model: str, rid: int, name: str, value: Any) -> None:
        """Apply one2many / many2many commands (``Command`` tuples or a plain id list)."""
        commands.apply(self, env, model, rid, name, value)
        self.changed(model)

    # -- helpers for workflows --------------------------------------------------------------
    def get(self, model: str, rid: int) -> Row:
        return self.table(model)[rid]

    def where(self, model: str, **match: Any) -> list[Row]:
        """The rows of ``model`` whose columns equal ``match``, in table order.

        Looked up in an index on the first column, built once and kept until the ORM methods
        change the model's rows (code that changes such a column in place, outside them, calls
        :meth:`changed`); every hit is checked against the row as it is now.
        """
        table = self.table(model)
        if not match:
            return list(table.values())
        field, value = next(iter(match.items()))
        try:
            hash(value)
        except TypeError:
            return [r for r in table.values() if all(r.get(k) == v for k, v in match.items())]
        return [
            r for r in self._index(model, field).get(value, ())
            if table.get(r["id"]) is r and all(r.get(k) == v for k, v in match.items())
        ]

    def _index(self, model: str, field: str) -> dict[Any, list[Row]]:
        table = self.table(model)
        gen = self._gens.get(model, 0)
        cached = self._indexes.get((model, field))
        if cached is not None and cached[:3] == (gen, id(table), len(table)):
            return cached[3]
        index: dict[Any, list[Row]] = {}
        for row in table.values():
            key = row.get(field)
            try:
                index.setdefault(key, []).append(row)
            except TypeError:  # never equals a hashable value looked up; kept for searches
                index.setdefault(UNHASHABLE, []).append(row)
        self._indexes[(model, field)] = (gen, id(table), len(table), index)
        return index

    def added(self, model: str, row: Row) -> None:
        """A new row was stored last in ``model``'s table: it joins the indexes built."""
        table = self.table(model)
        gen = self._gens.get(model, 0)
        for (m, field), (g, tid, size, index) in list(self._indexes.items()):
            if m != model:
                continue
            if (g, tid, size + 1) != (gen, id(table), len(table)):
                del self._indexes[(m, field)]
                continue
            try:
                index.setdefault(row.get(field), []).append(row)
            except TypeError:  # unhashable: never the value looked up; kept for searches
                index.setdefault(UNHASHABLE, []).append(row)
            self._indexes[(m, field)] = (g, tid, size + 1, index)

    def changed(self, model: str | None = None) -> None:
        """Drop the :meth:`where` indexes of ``model`` (of every model when ``None``)."""
        if model is None:
            self._indexes.clear()
            self._text_indexes.clear()
            return
        self._gens[model] = self._gens.get(model, 0) + 1

    def class_name(self, model: str) -> str:
        return class_name(model)


def _many(index: dict[Any, list[Any]], values: Any, size: int) -> bool:
    """Whether the rows of ``values`` in a column's ``index`` are more than a tenth of the
    table's ``size``: a condition most rows meet (``type in [...]``) narrows too little to be
    worth a set of their ids per page (a keyset page stops when full)."""
    return sum(len(index.get(v, ())) for v in (*values, UNHASHABLE)) > size // 10


def _sort_key(value: Any, ftype: str | None = None) -> tuple[int, Any]:
    """PostgreSQL's order: values ``(0, v)`` before NULL ``(1, "")`` ascending, so a reversed
    (descending) sort puts NULL first. ``False`` of a boolean and ``0`` are values."""
    if isinstance(value, tuple):
        return (0, value)
    if value is None or (isinstance(value, str) and value == ""):
        return (1, "")
    if value is False and ftype != "boolean":
        return (1, "")  # an empty many2one, char, date... is NULL in the table
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, (int, float)):
        return (0, value)
    if isinstance(value, datetime):
        return (0, value.isoformat())
    if isinstance(value, list):
        return (0, str(value))
    return (0, str(value).lower())
