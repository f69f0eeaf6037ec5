"""The typed async Odoo client.

One :class:`OdooClient` talks to one database as one user, over JSON-RPC (Odoo up to 18,
and later while it lasts) or JSON-2 (Odoo 19+, API key only). ``protocol="auto"`` asks
``common.version`` and picks JSON-2 for a 19+ server when an API key is given.

Model arguments are either a model name (``"res.partner"``: results are plain dicts) or a
typed record class (``Partner``: results are ``Partner`` objects, and ``fields`` defaults to
``Partner.FIELDS``).

Retries (see :class:`~magodoo._http.RetryPolicy`): reads, ``write`` and ``unlink`` are
retried on connection errors, timeouts, 429 and 502/503/504. ``create`` and ``call`` are
not: when the answer is lost they raise :class:`~magodoo.exceptions.OutcomeUnknownError`
and the caller looks the record up before trying again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Literal, Self, TypeVar, overload

import aiohttp
import attrs

from magodoo._http import CaptureHook, HttpTransport, RetryPolicy, Timeouts
from magodoo._redact import Redactor
from magodoo.exceptions import ClientClosedError, ConfigurationError, NotFoundError
from magodoo.odoo import domain as dom
from magodoo.odoo import sizing
from magodoo.odoo.json2 import Json2Transport
from magodoo.odoo.jsonrpc import JsonRpcTransport
from magodoo.odoo.models._base import OdooRecord
from magodoo.odoo.models.load import LoadResult
from magodoo.odoo.paging import keyset_pages, walk
from magodoo.odoo.transport import OdooCall, OdooTransport

__all__ = ["OdooClient", "ProtocolName"]

log = logging.getLogger("magodoo.odoo")

R = TypeVar("R", bound=OdooRecord)
ProtocolName = Literal["auto", "jsonrpc", "json2"]
Model = str | type[OdooRecord]
Values = Mapping[str, Any] | OdooRecord

DEFAULT_ATTRIBUTES = ("string", "type", "relation", "required", "readonly", "selection")


def _name(model: Model) -> str:
    return model if isinstance(model, str) else model.MODEL


def _values(values: Values, *, new: bool = False) -> dict[str, Any]:
    """Plain values; a record given to ``create`` leaves its ``None`` fields to Odoo."""
    if isinstance(values, OdooRecord):
        return values.to_values(skip_none=new)
    return values if type(values) is dict else dict(values)


def _ids(value: Any) -> list[int] | None:
    """``value`` as a list of record ids, or ``None`` when it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, list | tuple) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return list(value)
    return None


def _creates_records(vals: Mapping[str, Any]) -> bool:
    """Whether x2many values hold a create command ``(0, 0, values)``: writing them twice
    creates the children twice, so such a write is not idempotent."""
    for value in vals.values():
        if isinstance(value, list | tuple):
            for command in value:
                if (isinstance(command, list | tuple) and command
                        and command[0] == 0 and not isinstance(command[0], bool)):
                    return True
    return False


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@attrs.define
class OdooClient:
    """An Odoo database, as one user. Use as ``async with OdooClient(...) as odoo:``.

    ``password`` or ``api_key`` is the secret (an API key works for JSON-RPC too, and is the
    only way for JSON-2). ``context`` is the default context of every call (``lang``,
    ``tz``, ``active_test``, ``allowed_company_ids``...); a call's own context is merged
    over it. ``session`` may be the caller's; it is then not closed here. ``limit`` bounds
    the requests in flight. ``capture`` receives every HTTP exchange, secrets redacted.

    Sizes (see :mod:`magodoo.odoo.sizing` and ``docs/performance.md``): ``create_weight`` is
    the payload of one ``create`` or ``write`` call (records, children counted);
    ``create_batch`` optionally caps the records per ``create`` call as well; a call that
    takes longer than ``max_call_seconds`` halves the weight of the calls after it.
    ``read_batch`` is the ids per ``read`` call; ``search_read`` pages are sized by the
    number of fields unless given ``batch_size``.
    """

    url: str
    database: str
    login: str
    password: str | None = attrs.field(default=None, kw_only=True, repr=False)
    api_key: str | None = attrs.field(default=None, kw_only=True, repr=False)
    protocol: ProtocolName = attrs.field(default="auto", kw_only=True)
    context: Mapping[str, Any] | None = attrs.field(default=None, kw_only=True)
    session: aiohttp.ClientSession | None = attrs.field(default=None, kw_only=True)
    limit: int = attrs.field(default=4, kw_only=True)
    timeouts: Timeouts = attrs.field(factory=Timeouts, kw_only=True)
    retry: RetryPolicy = attrs.field(factory=RetryPolicy, kw_only=True)
    capture: CaptureHook | None = attrs.field(default=None, kw_only=True)
    create_batch: int | None = attrs.field(default=None, kw_only=True)
    read_batch: int = attrs.field(default=2000, kw_only=True)
    create_weight: int = attrs.field(default=sizing.CREATE_WEIGHT, kw_only=True)
    max_call_seconds: float = attrs.field(default=20.0, kw_only=True)
    _http: HttpTransport = attrs.field(init=False)
    _rpc: JsonRpcTransport = attrs.field(init=False)
    _transport: OdooTransport | None = attrs.field(init=False, default=None)
    _version: dict[str, Any] | None = attrs.field(init=False, default=None)
    _pick_lock: asyncio.Lock = attrs.field(init=False, factory=asyncio.Lock)
    _closed: bool = attrs.field(init=False, default=False)
    _weight: int = attrs.field(init=False, default=sizing.CREATE_WEIGHT)

    def __attrs_post_init__(self) -> None:
        secret = self.api_key or self.password
        if not secret:
            raise ConfigurationError("OdooClient needs a password or an api_key")
        if self.protocol not in ("auto", "jsonrpc", "json2"):
            raise ConfigurationError(
                f"protocol must be 'auto', 'jsonrpc' or 'json2', not {self.protocol!r}"
            )
        if self.protocol == "json2" and not self.api_key:
            raise ConfigurationError("protocol='json2' needs an api_key (JSON-2 has no password)")
        if ((self.create_batch is not None and self.create_batch < 1) or self.read_batch < 1
                or self.create_weight < 1):
            raise ConfigurationError(
                "create_batch, create_weight and read_batch must be at least 1")
        if self.max_call_seconds <= 0:
            raise ConfigurationError("max_call_seconds must be positive")
        self._weight = self.create_weight
        self._http = HttpTransport(
            name="odoo", session=self.session, limit=self.limit, timeouts=self.timeouts,
            retry=self.retry, capture=self.capture,
            redactor=Redactor([self.password, self.api_key]),
        )
        self._rpc = JsonRpcTransport(
            self._http, self.url, self.database, self.login, secret
        )
        if self.protocol == "jsonrpc":
            self._transport = self._rpc
        elif self.protocol == "json2":
            assert self.api_key is not None
            self._transport = Json2Transport(self._http, self.url, self.database, self.api_key)

    # -- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the session if this client created it. Further calls raise."""
        self._closed = True
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise ClientClosedError("the Odoo client is closed")

    @property
    def uid(self) -> int | None:
        """The user id, once JSON-RPC has authenticated (JSON-2 has none)."""
        return self._rpc.uid

    async def transport(self) -> OdooTransport:
        """The transport in use, choosing it first when ``protocol="auto"``."""
        self._check_open()
        if self._transport is not None:
            return self._transport
        async with self._pick_lock:
            if self._transport is None:
                info = await self.version()
                major = _major(info)
                if major >= 19 and self.api_key:
                    self._transport = Json2Transport(
                        self._http, self.url, self.database, self.api_key
                    )
                else:
                    self._transport = self._rpc
                log.debug("protocol chosen", extra={"protocol": self._transport.name,
                                                    "server_major": major})
            return self._transport

    def _context(self, context: Mapping[str, Any] | None) -> dict[str, Any]:
        merged = dict(self.context or {})
        merged.update(context or {})
        return merged

    async def _execute(self, call: OdooCall) -> Any:
        transport = await self.transport()
        log.debug("%s.%s", call.model, call.method, extra={
            "protocol": transport.name, "model": call.model, "rpc_method": call.method,
            "records": len(call.ids) if call.ids is not None else None,
        })
        return await transport.execute(call)

    # -- generic --------------------------------------------------------------------------

    async def version(self) -> dict[str, Any]:
        """``common.version`` (``server_version``, ``server_version_info``, ...)."""
        self._check_open()
        if self._version is None:
            if isinstance(self._transport, Json2Transport):
                self._version = await self._transport.version()
            elif self._transport is None and self.api_key:
                try:
                    self._version = await self._rpc.version()
                except NotFoundError:  # no /jsonrpc (Odoo 22+?): ask JSON-2's /web/version
                    json2 = Json2Transport(self._http, self.url, self.database, self.api_key)
                    self._version = await json2.version()
            else:
                self._version = await self._rpc.version()
        return dict(self._version)

    async def call(
        self,
        model: Model,
        method: str,
        *args: Any,
        context: Mapping[str, Any] | None = None,
        idempotent: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Call a public model method (``action_confirm``, ``button_validate``...).

        The first positional argument, when it is an id or a list of ids, is the record
        set. JSON-2 takes no further positional arguments: pass them by name. Not retried
        unless ``idempotent=True``.
        """
        ids = _ids(args[0]) if args else None
        rest = args[1:] if ids is not None else args
        return await self._execute(OdooCall(
            _name(model), method, ids=ids, positional=tuple(rest), kwargs=kwargs,
            context=self._context(context), idempotent=idempotent,
        ))

    async def call_wizard(
        self,
        wizard_model: str,
        values: Mapping[str, Any],
        button: str,
        *,
        active_model: str,
        active_ids: Sequence[int],
        context: Mapping[str, Any] | None = None,
        **button_kwargs: Any,
    ) -> Any:
        """Create a wizard for ``active_ids`` of ``active_model``, then press ``button``.

        The context (``active_model``, ``active_ids``, ``active_id``) goes to both calls, as
        Odoo's UI does. Wizard onchanges do not run over RPC: send every value the wizard
        needs in ``values``. Returns what the button returns (often an action dict).
        """
        ctx = dict(context or {})
        ctx.update(
            active_model=active_model, active_ids=list(active_ids),
            active_id=active_ids[0] if active_ids else False,
        )
        (wizard_id,) = await self.create(wizard_model, [values], context=ctx)
        return await self.call(wizard_model, button, [wizard_id], context=ctx, **button_kwargs)

    # -- reads ----------------------------------------------------------------------------

    async def search(
        self,
        model: Model,
        domain: dom.DomainLike = (),
        *,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """The ids matching ``domain``."""
        kwargs: dict[str, Any] = {"offset": offset} if offset else {}
        if limit is not None:
            kwargs["limit"] = limit
        if order:
            kwargs["order"] = order
        result = await self._execute(OdooCall(
            _name(model), "search", params={"domain": dom.normalize(domain)}, kwargs=kwargs,
            context=self._context(context), idempotent=True,
        ))
        return [int(i) for i in result]

    async def search_count(
        self,
        model: Model,
        domain: dom.DomainLike = (),
        *,
        context: Mapping[str, Any] | None = None,
    ) -> int:
        """How many records match ``domain``."""
        result = await self._execute(OdooCall(
            _name(model), "search_count", params={"domain": dom.normalize(domain)},
            context=self._context(context), idempotent=True,
        ))
        return int(result)

    @overload
    async def search_read_page(
        self, model: type[R], domain: dom.DomainLike = ..., fields: Sequence[str] | None = ...,
        *, offset: int = ..., limit: int | None = ..., order: str | None = ...,
        context: Mapping[str, Any] | None = ...,
    ) -> list[R]: ...

    @overload
    async def search_read_page(
        self, model: str, domain: dom.DomainLike = ..., fields: Sequence[str] | None = ...,
        *, offset: int = ..., limit: int | None = ..., order: str | None = ...,
        context: Mapping[str, Any] | None = ...,
    ) -> list[dict[str, Any]]: ...

    async def search_read_page(
        self,
        model: Model,
        domain: dom.DomainLike = (),
        fields: Sequence[str] | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """One ``search_read`` call: a single page of records."""
        kwargs: dict[str, Any] = {"fields": self._fields(model, fields)}
        if offset:
            kwargs["offset"] = offset
        if limit is not None:
            kwargs["limit"] = limit
        if order:
            kwargs["order"] = order
        rows = await self._execute(OdooCall(
            _name(model), "search_read", params={"domain": dom.normalize(domain)},
            kwargs=kwargs, context=self._context(context), idempotent=True,
        ))
        return self._typed(model, rows)

    @overload
    def search_read(
        self, model: type[R], domain: dom.DomainLike = ..., fields: Sequence[str] | None = ...,
        *, batch_size: int | None = ..., order: str = ...,
        paging: Literal["id", "offset"] = ..., limit: int | None = ...,
        context: Mapping[str, Any] | None = ...,
    ) -> AsyncIterator[R]: ...

    @overload
    def search_read(
        self, model: str, domain: dom.DomainLike = ..., fields: Sequence[str] | None = ...,
        *, batch_size: int | None = ..., order: str = ...,
        paging: Literal["id", "offset"] = ..., limit: int | None = ...,
        context: Mapping[str, Any] | None = ...,
    ) -> AsyncIterator[dict[str, Any]]: ...

    def search_read(
        self,
        model: Model,
        domain: dom.DomainLike = (),
        fields: Sequence[str] | None = None,
        *,
        batch_size: int | None = None,
        order: str = "id",
        paging: Literal["id", "offset"] = "id",
        limit: int | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[Any]:
        """Every record matching ``domain``, fetched ``batch_size`` at a time (by default
        as many as :func:`magodoo.odoo.sizing.page_size` gives for the fields read: 10,000
        records of 8 fields). One page is held at a time.

        ``paging="id"`` (the default) asks for ``id > last id`` ordered by id, so only one
        page is held at a time and records inserted meanwhile do not shift the pages; it
        needs ``order="id"``. ``paging="offset"`` follows ``order`` with offset/limit.
        ``limit`` stops after that many records.
        """
        if batch_size is not None and batch_size < 1:
            raise ConfigurationError("batch_size must be at least 1")
        if paging == "id" and order.strip().lower() not in ("id", "id asc"):
            raise ConfigurationError(
                f"paging='id' reads in id order; for order={order!r} use paging='offset'"
            )
        if paging not in ("id", "offset"):
            raise ConfigurationError(f"paging must be 'id' or 'offset', not {paging!r}")
        return self._records(model, dom.normalize(domain), fields, batch_size, order, paging,
                             limit, context)

    async def _records(
        self,
        model: Model,
        domain: list[Any],
        fields: Sequence[str] | None,
        batch_size: int | None,
        order: str,
        paging: str,
        limit: int | None,
        context: Mapping[str, Any] | None,
    ) -> AsyncIterator[Any]:
        # The pages of paging.walk, one page read ahead; a caller that stops early has the
        # page ahead cancelled (aclosing closes the pages).
        wanted = self._fields(model, fields)
        if "id" not in wanted and wanted:
            wanted = ["id", *wanted]
        if batch_size is None:
            batch_size = sizing.page_size(wanted)
        pages = walk(self, model, domain, wanted, size=batch_size, limit=limit, order=order,
                     paging=paging, context=context)
        async with contextlib.aclosing(pages):
            async for page in pages:
                for row in page:
                    yield row

    @overload
    def search_read_pages(
        self, model: type[R], domain: dom.DomainLike = ..., fields: Sequence[str] | None = ...,
        *, page_size: int, context: Mapping[str, Any] | None = ..., ahead: bool = ...,
    ) -> AsyncIterator[list[R]]: ...

    @overload
    def search_read_pages(
        self, model: str, domain: dom.DomainLike = ..., fields: Sequence[str] | None = ...,
        *, page_size: int, context: Mapping[str, Any] | None = ..., ahead: bool = ...,
    ) -> AsyncIterator[list[dict[str, Any]]]: ...

    def search_read_pages(
        self,
        model: Model,
        domain: dom.DomainLike = (),
        fields: Sequence[str] | None = None,
        *,
        page_size: int,
        context: Mapping[str, Any] | None = None,
        ahead: bool = True,
    ) -> AsyncIterator[list[Any]]:
        """Every record matching ``domain``, a page (a list) at a time, keyset by id:
        ``page_size`` records ordered by id, then ``id > last id``, until a short page.
        :func:`~magodoo.odoo.keyset_pages` with this client as the reader (``ahead``: the
        next page is asked while the caller handles this one)."""
        return keyset_pages(self, model, domain, fields, page_size=page_size, context=context,
                            ahead=ahead)

    @overload
    async def read(
        self, model: type[R], ids: Iterable[int], fields: Sequence[str] | None = ...,
        *, context: Mapping[str, Any] | None = ...,
    ) -> list[R]: ...

    @overload
    async def read(
        self, model: str, ids: Iterable[int], fields: Sequence[str] | None = ...,
        *, context: Mapping[str, Any] | None = ...,
    ) -> list[dict[str, Any]]: ...

    async def read(
        self,
        model: Model,
        ids: Iterable[int],
        fields: Sequence[str] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[Any]:
        """Read records by id, ``read_batch`` ids per call. Odoo 18 silently leaves out
        ids that do not exist (no error): compare the ids you get back."""
        id_list = list(ids)
        out: list[Any] = []
        for chunk in _chunks(id_list, self.read_batch):
            rows = await self._execute(OdooCall(
                _name(model), "read", ids=list(chunk),
                kwargs={"fields": self._fields(model, fields)},
                context=self._context(context), idempotent=True,
            ))
            out.extend(self._typed(model, rows))
        return out

    async def read_group(
        self,
        model: Model,
        domain: dom.DomainLike,
        fields: Sequence[str],
        groupby: Sequence[str] | str,
        *,
        lazy: bool = True,
        offset: int = 0,
        limit: int | None = None,
        orderby: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Aggregates (``fields`` like ``"amount_total:sum"``) grouped by ``groupby``."""
        kwargs: dict[str, Any] = {"lazy": lazy}
        if offset:
            kwargs["offset"] = offset
        if limit is not None:
            kwargs["limit"] = limit
        if orderby:
            kwargs["orderby"] = orderby
        groups = [groupby] if isinstance(groupby, str) else list(groupby)
        result = await self._execute(OdooCall(
            _name(model), "read_group",
            params={"domain": dom.normalize(domain), "fields": list(fields), "groupby": groups},
            kwargs=kwargs, context=self._context(context), idempotent=True,
        ))
        return list(result)

    async def fields_get(
        self,
        model: Model,
        attributes: Sequence[str] | None = DEFAULT_ATTRIBUTES,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """The model's fields: name to ``{string, type, relation, required, ...}``."""
        kwargs: dict[str, Any] = {}
        if attributes is not None:
            kwargs["attributes"] = list(attributes)
        result = await self._execute(OdooCall(
            _name(model), "fields_get", kwargs=kwargs, context=self._context(context),
            idempotent=True,
        ))
        return dict(result)

    # -- writes ---------------------------------------------------------------------------

    async def create(
        self,
        model: Model,
        vals_list: Iterable[Values],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Create records, ``create_weight`` of payload per call (a record's x2many children
        count); returns their ids in order.

        Never retried blindly: a lost answer raises
        :class:`~magodoo.exceptions.OutcomeUnknownError`. Batches before a failed one are
        committed (each call is its own transaction).
        """
        values = [_values(v, new=True) for v in vals_list]
        ids: list[int] = []
        start = 0
        while start < len(values):
            # one chunk at a time: a slow call lowers the weight of the next ones
            chunk = sizing.first_chunk(values, start, self._weight, self.create_batch)
            started = time.monotonic()
            result = await self._execute(OdooCall(
                _name(model), "create", params={"vals_list": list(chunk)},
                context=self._context(context), idempotent=False,
            ))
            self._timed(time.monotonic() - started, _name(model), "create")
            ids.extend([int(result)] if isinstance(result, int) else [int(i) for i in result])
            start += len(chunk)
        return ids

    async def load(
        self,
        model: Model,
        fields: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> LoadResult:
        """``model.load(fields, rows)``: Odoo's import, in one call and one transaction.

        A column ``id`` holds external ids (``module.name``): a record whose external id exists
        is updated, otherwise created and the id recorded, so loading the same rows again
        duplicates nothing. ``country_id/id`` refers by external id, ``.id`` by database id;
        one2many children are extra rows with the parent's columns empty (``child_ids/name``).
        Values are strings as in a CSV file. Row errors come back in
        :attr:`LoadResult.messages` (never raised), and one bad row rolls back the whole call
        (``ids`` is ``None``): check :attr:`LoadResult.ok` or call ``raise_for_errors``.

        Retried like a read when every record carries an external id or a database id (the
        same load again changes nothing); otherwise a lost answer raises
        :class:`~magodoo.exceptions.OutcomeUnknownError`.
        """
        columns = [str(f) for f in fields]
        data = [["" if v is None else v for v in row] for row in rows]
        idempotent = _load_is_idempotent(columns, data)
        result = await self._execute(OdooCall(
            _name(model), "load", params={"fields": columns, "data": data},
            context=self._context(context), idempotent=idempotent,
        ))
        return LoadResult.from_api(result)

    async def write(
        self,
        model: Model,
        ids: Iterable[int],
        vals: Values,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Write the same values on records (retried: the same write twice is harmless).

        Records go ``create_weight`` of payload per call: a write that creates children
        (x2many commands) on each record counts them.

        Not retried when the values hold an x2many create command ``(0, 0, values)``: such a
        write is not idempotent, a lost answer raises
        :class:`~magodoo.exceptions.OutcomeUnknownError` (look the children up first).
        """
        plain = _values(vals)
        idempotent = not _creates_records(plain)
        id_list = list(ids)
        per_call = max(1, self._weight // sizing.payload_weight(plain))
        result = True
        for chunk in _chunks(id_list, per_call) if id_list else [[]]:
            started = time.monotonic()
            result = bool(await self._execute(OdooCall(
                _name(model), "write", ids=list(chunk), params={"vals": plain},
                context=self._context(context), idempotent=idempotent,
            ))) and result
            self._timed(time.monotonic() - started, _name(model), "write")
        return result

    async def unlink(
        self,
        model: Model,
        ids: Iterable[int],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Delete records. Prefer archiving (``active=False``) for partners and products."""
        result = await self._execute(OdooCall(
            _name(model), "unlink", ids=list(ids), context=self._context(context),
            idempotent=True,
        ))
        return bool(result)

    # -- helpers --------------------------------------------------------------------------

    def _timed(self, seconds: float, model: str, method: str) -> None:
        """A write call slower than ``max_call_seconds`` halves the weight after it."""
        if seconds > self.max_call_seconds and self._weight > 1:
            self._weight = max(1, self._weight // 2)
            log.warning(
                "%s.%s took %.1fs (over %.0fs): %d per call from now on",
                model, method, seconds, self.max_call_seconds, self._weight,
                extra={"model": model, "method": method, "seconds": seconds},
            )

    @staticmethod
    def _fields(model: Model, fields: Sequence[str] | None) -> list[str]:
        if fields is not None:
            return list(fields)
        if isinstance(model, str):
            return []
        return list(model.FIELDS)

    @staticmethod
    def _typed(model: Model, rows: Any) -> list[Any]:
        if isinstance(model, str):
            return list(rows)
        return [model.from_api(row) for row in rows]


def _load_is_idempotent(columns: Sequence[str], data: Sequence[Sequence[Any]]) -> bool:
    """Whether every record and one2many child of a ``load`` carries an external id or a
    database id (``.id``: an update of that record), so the same call again changes nothing."""
    heads = {c.split("/", 1)[0] for c in columns
             if "/" in c and c.split("/", 1)[1] not in ("id", ".id")}
    groups: dict[str, list[int]] = {"": []}
    for index, column in enumerate(columns):
        head = column.split("/", 1)[0]
        groups.setdefault(head if head in heads else "", []).append(index)
    for head, indexes in groups.items():
        keys = [k for k in (("id", ".id") if not head else (f"{head}/id", f"{head}/.id"))
                if k in columns]
        if not keys:
            return False
        at = columns.index(keys[0])
        for row in data:
            filled = any(i < len(row) and row[i] not in ("", False) for i in indexes)
            if filled and (at >= len(row) or row[at] in ("", False)):
                return False
    return True


def _major(info: Mapping[str, Any]) -> int:
    version_info = info.get("server_version_info") or info.get("version_info")
    if isinstance(version_info, list | tuple) and version_info:
        try:
            return int(version_info[0])
        except (TypeError, ValueError):
            pass
    text = str(info.get("server_version") or info.get("version") or "")
    digits = "".join(ch for ch in text.split(".", 1)[0] if ch.isdigit())
    return int(digits) if digits else 0
