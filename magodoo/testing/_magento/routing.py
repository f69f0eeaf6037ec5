"""Route table of the fake Magento: ``/V1/...`` templates, as spelled in the REST schema.

A route module exposes ``register(router)`` and declares its handlers with the decorators::

    def register(r: Router) -> None:
        @r.get("/V1/products/{sku}", resource="Magento_Catalog::products")
        def get_product(call: Call) -> Any:
            ...

A handler takes a :class:`Call` and returns any JSON value (or raises
:class:`~magodoo.testing._magento.errors.MagentoError`). It may be ``async``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

import attrs
from aiohttp import web
from multidict import MultiMapping

from magodoo.testing._magento import errors
from magodoo.testing._magento.state import State

if TYPE_CHECKING:
    from magodoo.testing._magento.auth import Principal, TokenStore
    from magodoo.testing._magento.search import SearchCriteria
    from magodoo.testing.fake_magento import FakeMagento

Handler = Callable[["Call"], Any | Awaitable[Any]]
AuthKind = Literal["admin", "self", "anonymous"]

_PARAM = re.compile(r"\{(\w+)\}")


@attrs.frozen
class Route:
    """One served operation.

    ``resource`` is the ACL resource named in the 401 answer. ``auth`` is who may call it:
    ``admin`` (admin token or integration), ``self`` (a customer token, as the ``mine`` routes) or
    ``anonymous``. ``validate`` says whether the JSON body is checked against the schema subset
    (the template must then be a path of the schema). ``criteria`` marks list routes that require
    ``searchCriteria`` in the query string.
    """

    method: str
    template: str
    handler: Handler
    resource: str
    auth: AuthKind = "admin"
    validate: bool = True
    criteria: bool = False
    regex: re.Pattern[str] = attrs.field(init=False)
    n_params: int = attrs.field(init=False)

    @regex.default
    def _regex(self) -> re.Pattern[str]:
        pattern = ""
        pos = 0
        for m in _PARAM.finditer(self.template):
            pattern += re.escape(self.template[pos : m.start()]) + f"(?P<{m.group(1)}>[^/]+)"
            pos = m.end()
        pattern += re.escape(self.template[pos:])
        return re.compile(pattern + r"/?\Z")

    @n_params.default
    def _n_params(self) -> int:
        return len(_PARAM.findall(self.template))

    @property
    def key(self) -> str:
        """``"GET /V1/products/{sku}"``: the key used by ``FakeMagento.counters``."""
        return f"{self.method} {self.template}"


@attrs.define
class Router:
    """Routes by method; literal segments win over placeholders, as in Magento's router."""

    routes: list[Route] = attrs.field(factory=list)

    def add(self, route: Route) -> Route:
        for other in self.routes:
            if other.method == route.method and other.template == route.template:
                raise ValueError(f"route registered twice: {route.key}")
        self.routes.append(route)
        self.routes.sort(key=lambda r: r.n_params)  # stable: keeps registration order
        return route

    def route(
        self,
        method: str,
        template: str,
        *,
        resource: str,
        auth: AuthKind = "admin",
        validate: bool = True,
        criteria: bool = False,
    ) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.add(
                Route(
                    method=method,
                    template=template,
                    handler=handler,
                    resource=resource,
                    auth=auth,
                    validate=validate,
                    criteria=criteria,
                )
            )
            return handler

        return decorate

    def get(self, template: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", template, **kw)

    def post(self, template: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", template, **kw)

    def put(self, template: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", template, **kw)

    def delete(self, template: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", template, **kw)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            m = route.regex.match(path)
            if m:
                return route, dict(m.groupdict())
        return None


@attrs.define
class Call:
    """What a handler gets: the parsed request, the caller and the store."""

    state: State
    tokens: TokenStore
    route: Route
    params: dict[str, str]
    query: MultiMapping[str]
    body: Any
    store_code: str  # "default", "all" or a store view code
    store_id: int  # 0 for "all"
    principal: Principal
    request: web.Request
    fake: FakeMagento
    _criteria: SearchCriteria | None = None

    def arg(self, name: str, default: Any = None) -> Any:
        """A top-level body value by its camelCase name, or its snake_case spelling."""
        if isinstance(self.body, dict):
            if name in self.body:
                return self.body[name]
            snake = re.sub(r"(?<=\w)(?=[A-Z])", "_", name).lower()
            if snake in self.body:
                return self.body[snake]
        return default

    def path_int(self, name: str) -> int:
        """An integer path parameter; Magento casts like PHP (``"12abc"`` fails)."""
        raw = self.params[name]
        try:
            return int(raw)
        except ValueError:
            raise errors.bad_request(
                'The "%1" value\'s type is invalid. The "int" type was expected. '
                "Verify and try again.".replace("%1", raw)
            ) from None

    def query_int(self, name: str) -> int | None:
        raw = self.query.get(name)
        if raw is None or raw == "":
            return None
        try:
            return int(float(raw))
        except ValueError:
            raise errors.bad_request(
                f'The "{raw}" value\'s type is invalid. The "int" type was expected. '
                "Verify and try again."
            ) from None

    @property
    def criteria(self) -> SearchCriteria:
        """The parsed ``searchCriteria`` (routes declared with ``criteria=True``)."""
        if self._criteria is None:
            from magodoo.testing._magento.search import parse_criteria

            self._criteria = parse_criteria(self.query)
        return self._criteria

    @property
    def customer_id(self) -> int:
        """The customer behind a ``self`` route's token."""
        return self.principal.user_id
