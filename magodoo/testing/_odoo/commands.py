"""One2many / many2many commands, as the ORM applies them on create and write."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors

if TYPE_CHECKING:
    from .orm import Database, Env


def apply(db: Database, env: Env, model: str, rid: int, name: str, value: Any) -> None:
    """Apply x2many commands: (0,0,vals) (1,id,vals) (2,id) (3,id) (4,id) (5,) (6,0,ids)."""
    field = db.fields(model)[name]
    comodel = field["relation"]
    spec = db.spec(model)
    commands = value if isinstance(value, list) else []
    if commands and all(isinstance(c, int) and not isinstance(c, bool) for c in commands):
        commands = [[6, 0, commands]]
    inverse = spec.o2m.get(name)
    row = db.table(model)[rid]
    for command in commands:
        if not isinstance(command, (list, tuple)) or not command:
            raise errors.value_error(f"Invalid command {command!r}")
        code = command[0]
        if code == 0:
            vals = dict(command[2] or {})
            if inverse:
                vals[inverse] = rid
                db.create(env.ctx(**{f"_o2m_{inverse}": True}), comodel, [vals])
            else:
                (new,) = db.create(env, comodel, [vals])
                row[name] = [*row.get(name, []), new]
        elif code == 1:
            db.write(env, comodel, [int(command[1])], dict(command[2] or {}))
        elif code == 2:
            db.unlink(env, comodel, [int(command[1])])
            if not inverse:
                row[name] = [i for i in row.get(name, []) if i != command[1]]
        elif code == 3:
            _detach(db, env, model, rid, name, [int(command[1])])
        elif code == 4:
            target = db.check_fk(model, name, comodel, int(command[1]))
            if inverse:
                db.write(env, comodel, [int(command[1])], {inverse: rid})
            elif target not in row.get(name, []):
                row[name] = [*row.get(name, []), target]
        elif code == 5:
            _detach(db, env, model, rid, name, list(db.raw_value(env, model, row, name)))
        elif code == 6:
            wanted = [db.check_fk(model, name, comodel, int(i)) for i in command[2] or []]
            if inverse:
                current = db.raw_value(env.ctx(active_test=False), model, row, name)
                _detach(db, env, model, rid, name, [i for i in current if i not in wanted])
                for i in wanted:
                    if i is not None and db.table(comodel)[i].get(inverse) != rid:
                        db.write(env, comodel, [i], {inverse: rid})
            else:
                row[name] = [i for i in dict.fromkeys(wanted) if i is not None]
        else:
            raise errors.value_error(f"Invalid command {command!r}")

def _detach(db: Database, env: Env, model: str, rid: int, name: str, ids: list[int]) -> None:
    spec = db.spec(model)
    inverse = spec.o2m.get(name)
    comodel = db.fields(model)[name]["relation"]
    if inverse:
        if db.fields(comodel)[inverse].get("required"):
            db.unlink(env, comodel, [i for i in ids if i in db.table(comodel)])
        else:
            for i in ids:
                if i in db.table(comodel):
                    db.write(env, comodel, [i], {inverse: False})
    else:
        row = db.table(model)[rid]
        row[name] = [i for i in row.get(name, []) if i not in ids]
