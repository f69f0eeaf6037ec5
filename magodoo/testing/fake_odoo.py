"""A fake Odoo 18 server (JSON-RPC, and Odoo 19's JSON-2 when asked) with in-memory tables.

It refuses what the real server refuses, with the real error names and messages (read off a real
Odoo 18.0 server), and runs the sale / invoice / payment / delivery workflows the sync uses::

    fake = FakeOdoo(seed="demo")
    async with magodoo.testing.serve(fake.app) as base_url:
        ...  # POST {base_url}/jsonrpc

Run it standalone with ``python -m magodoo.testing.fake_odoo --port 8069 --seed demo``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from . import _faults
from ._odoo import errors
from ._odoo.app import VERSION_INFO, build_app
from ._odoo.demo import seed as seed_db
from ._odoo.faults import Faults
from ._odoo.methods import describe, execute
from ._odoo.models import register_all
from ._odoo.orm import Database, Env, Savepoint
from ._odoo.webhooks import Webhooks
from ._server import serve_forever, settings_text

__all__ = ["FakeOdoo", "Faults", "main"]

READ_METHODS = frozenset({
    "read", "search", "search_read", "search_count", "read_group", "fields_get", "name_search",
    "default_get", "exists", "get_metadata", "address_get", "compute_all",
})


def _http_error(name: str, status: int, message: str) -> errors.OdooError:
    return errors.OdooError(f"werkzeug.exceptions.{name}", message, [message, status])


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class FakeOdoo:
    """In-memory Odoo 18 (or 19) server; ``app`` is the aiohttp application to serve.

    - ``seed``: ``"demo"`` starts from the reference server's demo records (products with
      variants, eCommerce categories, stock, taxes, carriers, partners, orders); ``"catalog"``
      is the same plus magodoo's own catalog additions (``data/odoo/demo-extra.json``: product
      images, one a video; the real demo has none); ``None`` starts
      from what a fresh database holds (company, admin, USD, every country with the states of
      the main ones, the installed modules, the warehouse).
    - ``version``: ``"18.0"`` serves ``POST /jsonrpc``; ``"19.0"`` also ``POST /json/2/...``.
    - ``api_key`` and ``password`` both authenticate ``login`` (uid 2).
    - ``now``: the clock (naive UTC) used for ``create_date``/``write_date`` and defaults.

    Tests can use ``faults`` (:class:`Faults`), ``counters`` (``"model.method"`` ->
    calls), ``total_requests``, ``table(model)`` (raw rows), ``webhook_calls`` and
    ``webhooks.create_followups`` / ``webhooks.timeout``, and ``add_portal_user()``.
    """

    def __init__(
        self,
        seed: str | None = "demo",
        version: str = "18.0",
        database: str = "magodoo",
        login: str = "admin",
        password: str = "admin",
        api_key: str = "magodoo-test-key",
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if version not in VERSION_INFO:
            raise ValueError(f"unsupported version {version!r}")
        self.version = version
        self.database = database
        self.login = login
        self.password = password
        self.api_key = api_key
        self.uid = 2
        self.now = now or _utcnow
        self.faults = Faults()
        self.counters: Counter[str] = Counter()
        self.total_requests = 0
        self.webhooks = Webhooks()
        self.db = Database()
        register_all(self.db)
        self.webhooks.install(self.db)
        seed_db(self.db, seed, self.now())
        self._app: web.Application | None = None

    @property
    def app(self) -> web.Application:
        if self._app is None:
            self._app = build_app(self)
        return self._app

    @property
    def webhook_calls(self) -> list[tuple[str, dict[str, Any]]]:
        """Every webhook POST sent so far, as ``(url, body)``."""
        return self.webhooks.calls

    def table(self, model: str) -> dict[int, dict[str, Any]]:
        """The raw rows of ``model`` by id (for tests; values are the fake's internal form)."""
        return self.db.table(model)

    # -- calls -------------------------------------------------------------------------------
    def _check_password(self, password: Any, uid: int | None = None) -> bool:
        if not isinstance(password, str):
            return False
        if uid in (None, self.uid):
            return password in (self.password, self.api_key)
        user = self.db.table("res.users").get(uid or 0)
        return bool(user and user.get("active", True) and user.get("_password") == password)

    def add_portal_user(
        self, name: str = "Portal RPC Test", login: str = "portal", password: str = "portal",
        uid: int | None = None, partner_id: int | None = None,
    ) -> int:
        """Add a portal user (there is no RPC way: res.groups is not served); returns its uid."""
        now = self.now()
        if partner_id is None:
            partner_id = self.db.insert("res.partner", {
                "name": name, "type": "contact", "active": True, "is_company": False,
                "create_date": now, "write_date": now})
        return self.db.insert("res.users", {
            "id": uid or self.db.next_id("res.users"), "login": login, "partner_id": partner_id,
            "active": True, "share": True, "company_id": 1, "_password": password,
            "create_date": now, "write_date": now})

    def rpc_call(self, service: str, method: str, args: list[Any]) -> tuple[Any, Env | None]:
        """One JSON-RPC ``call``: returns the result and the env (for its webhooks)."""
        if service == "common":
            self.counters[f"common.{method}"] += 1
            return self._common(method, args), None
        if service == "object":
            if method not in ("execute_kw", "execute"):
                raise errors.OdooError("builtins.NameError", f"Method not available {method}")
            padded = [*args, None, None, None, None, None]
            db, uid, password, model, meth = padded[:5]
            rest = list(args[5:])
            if db != self.database:
                raise errors.wrong_database(str(db))
            if not isinstance(uid, int) or not self._check_password(password, uid):
                raise errors.access_denied()
            if method == "execute_kw":
                call_args = rest[0] if rest else []
                kwargs = rest[1] if len(rest) > 1 and rest[1] else {}
            else:
                call_args, kwargs = list(rest), {}
            self.counters[f"{model}.{meth}"] += 1
            return self.execute(str(model), str(meth), list(call_args or []), dict(kwargs), uid)
        if service == "db":
            self.counters[f"db.{method}"] += 1
            if method == "list":
                return [self.database], None
            raise errors.OdooError("builtins.NameError", f"Method not available {method}")
        raise errors.OdooError("builtins.KeyError", service, [service])

    def _common(self, method: str, args: list[Any]) -> Any:
        if method == "version":
            return dict(VERSION_INFO[self.version])
        if method in ("login", "authenticate"):
            db = args[0] if args else None
            if db != self.database:
                raise errors.wrong_database(str(db))
            login = args[1] if len(args) > 1 else None
            password = args[2] if len(args) > 2 else None
            if login == self.login and self._check_password(password):
                return self.uid
            for user in self.db.table("res.users").values():
                if user.get("login") == login and user.get("share") and self._check_password(
                    password, user["id"]
                ):
                    return user["id"]
            return False
        if method == "about":
            return "See http://openerp.com"
        raise errors.OdooError("builtins.NameError", f"Method not available {method}")

    def execute(
        self, model: str, method: str, args: list[Any], kwargs: dict[str, Any],
        uid: int | None = None,
    ) -> tuple[Any, Env]:
        """Run one model method in its own transaction (rolled back when it raises)."""
        kwargs = dict(kwargs)  # never change the caller's dict (tests reuse theirs)
        context = dict(kwargs.pop("context", None) or {})
        env = Env(self.db, uid or self.uid, context, self.now())
        if method in READ_METHODS:
            return execute(env, model, method, args, kwargs), env
        snapshot = self._snapshot()
        try:
            result = execute(env, model, method, args, kwargs)
        except Exception:
            self._restore(snapshot)
            env.outbox.clear()
            raise
        finally:
            snapshot.release()
        return result, env

    def json2_call(self, model: str, method: str, body: dict[str, Any]) -> tuple[Any, Env]:
        """One ``/json/2/<model>/<method>`` call (Odoo 19 ``rpc/controllers/json2.py``).

        ``body`` holds ``ids``, ``context`` and the method's named arguments. Unknown models and
        methods are 404 ``NotFound``, arguments that do not bind are 422, and a recordset result
        is returned as its ids.
        """
        self.counters[f"{model}.{method}"] += 1
        body = dict(body)
        context = body.pop("context", None) or {}
        ids = body.pop("ids", None) or []
        env = Env(self.db, self.uid, dict(context), self.now())
        try:
            on_records, names, required = describe(env, model, method)
        except errors.OdooError as exc:
            if exc.name == "odoo.exceptions.UserError":  # unknown model
                raise _http_error("NotFound", 404, f"the model {model!r} does not exist") from None
            if exc.name == "builtins.AttributeError":
                raise _http_error("NotFound", 404, exc.message) from None
            raise
        if not on_records and ids:
            raise _http_error("UnprocessableEntity", 422, f"cannot call {model}.{method} with ids")
        unexpected = [k for k in body if k not in names]
        if unexpected:
            raise _http_error("UnprocessableEntity", 422,
                              f"got an unexpected keyword argument {unexpected[0]!r}")
        missing = [n for n in names[:required] if n not in body]
        if missing:
            raise _http_error("UnprocessableEntity", 422,
                              f"missing a required argument: {missing[0]!r}")
        args = [list(ids)] if on_records else []
        result, env = self.execute(model, method, args, {"context": context, **body})
        if method == "create" and isinstance(result, int):
            result = [result]
        return result, env

    def _snapshot(self) -> Savepoint:
        return self.db.snapshot()

    def _restore(self, snapshot: Savepoint) -> None:
        self.db.restore(snapshot)

    def copy(self) -> FakeOdoo:
        """A deep copy of this server's data with fresh counters (handy to fork a seeded state)."""
        other = FakeOdoo(None, self.version, self.database, self.login, self.password,
                         self.api_key, self.now)
        other.db.tables = copy.deepcopy(self.db.tables)
        other.db.next_ids = dict(self.db.next_ids)
        other.db.sequences = dict(self.db.sequences)
        return other


def announcement(fake: FakeOdoo, base: str) -> str:
    """What the command line prints: the URL, the credentials, and the settings to paste
    (``url`` is the base URL magodoo.toml takes: the client adds ``/jsonrpc``)."""
    return "\n".join([
        f"Fake Odoo {fake.version} at {base} (JSON-RPC: {base}/jsonrpc)",
        f"database: {fake.database}  login: {fake.login}  password: {fake.password}",
        f"API key: {fake.api_key}",
        settings_text("odoo", {"url": base, "database": fake.database, "username": fake.login},
                      {"MAGODOO_ODOO_API_KEY": fake.api_key}),
    ])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m magodoo.testing.fake_odoo",
                                     description="Run the fake Odoo server.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8069, help="port (0: any free one)")
    parser.add_argument("--seed", default="demo", help="'demo', 'catalog' or 'none'")
    parser.add_argument("--version", default="18.0", choices=sorted(VERSION_INFO),
                        help="Odoo version to answer as (19.0 adds the JSON-2 API)")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds to wait before each answer")
    parser.add_argument("--error-rate", type=float, default=0.0,
                        help="share of requests answered 503 (0..1)")
    parser.add_argument("--rate-limit-every", type=int, default=0,
                        help="answer every Nth request 429 with Retry-After")
    parser.add_argument("--drop-rate", type=float, default=0.0,
                        help="share of requests whose connection is closed unanswered (0..1)")
    parser.add_argument("--row-cost", type=float, default=0.0,
                        help="seconds slept per row a call writes (0.007: a real Odoo 18's "
                             "partner create, odoo/NOTES.md section 3)")
    _faults.add_arguments(parser)
    args = parser.parse_args(argv)
    fake = FakeOdoo(seed=None if args.seed == "none" else args.seed, version=args.version)
    f = fake.faults
    f.latency, f.error_rate, f.drop_rate = args.latency, args.error_rate, args.drop_rate
    f.rate_limit_every, f.row_cost = args.rate_limit_every, args.row_cost
    _faults.apply_arguments(f, args)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(fake.app, args.host, args.port,
                                  lambda base: print(announcement(fake, base), flush=True)))


if __name__ == "__main__":
    main()
