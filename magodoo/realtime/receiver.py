"""Odoo's outgoing webhooks in, realtime jobs out.

Odoo (an ``ir.actions.server`` with ``state='webhook'`` run by a ``base.automation``) POSTs
a flat JSON object per changed record, ``{"_action": ..., "_id": 8, "_model": "...", ...}``,
with a 1 s timeout, no retry, no signature and no auth header. So the secret lives in the
URL, ``/odoo/webhook/<token>``, and the receiver only validates the body and queues a job
(:meth:`SyncEngine.enqueue` with ``Trigger.REALTIME``); a worker re-reads the record later.
Odoo may post the same change several times: the job queue's identity key collapses them.

Odoo posts **inside** the transaction of the change, before its commit, so a worker reading
the record at once could still see the old values. Jobs are therefore due ``delay`` seconds
later (default 2 s): by then Odoo has committed (it waited for our answer, at most 1 s).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import attrs
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from magodoo.backends.models import Direction, Trigger
from magodoo.engine.engine import SyncEngine
from magodoo.exceptions import ConfigurationError, MagodooError

__all__ = [
    "DEFAULT_DELAY",
    "MIN_SECRET_LENGTH",
    "WEBHOOK_PATH",
    "RedactedAccessLogger",
    "WebhookReceiver",
    "odoo_model_entities",
    "odoo_models",
]

log = logging.getLogger("magodoo.realtime")

WEBHOOK_PATH = "/odoo/webhook/{token}"
"""The route; only this path needs to be reachable from Odoo."""

MIN_SECRET_LENGTH = 16

MAX_BODY = 256 * 1024

DEFAULT_DELAY = 2.0
"""Seconds between a webhook and its job being due (Odoo commits after our answer)."""

MAX_ODOO_ID = 2**31 - 1
"""Odoo ids are PostgreSQL ``integer`` (``serial``) values."""

BODY_TIMEOUT = 10.0
"""Seconds a request may take to send its body (Odoo sends it at once, with a 1 s timeout)."""


def odoo_models(engine: SyncEngine) -> dict[str, str]:
    """Odoo model -> entity, for every Odoo -> Magento handler the engine has (the first in
    dependency order when several sync one model; :func:`odoo_model_entities` has them all)."""
    return {model: entities[0] for model, entities in odoo_model_entities(engine).items()}


def odoo_model_entities(engine: SyncEngine) -> dict[str, tuple[str, ...]]:
    """Odoo model -> every entity whose handler follows it, in dependency order (a validated
    ``stock.picking`` feeds both ``stock_transfers`` and ``shipments``)."""
    found: dict[str, tuple[str, ...]] = {}
    for handler in engine.registry.ordered(Direction.ODOO_TO_MAGENTO):
        if handler.odoo_model:
            found[handler.odoo_model] = (*found.get(handler.odoo_model, ()), handler.entity)
    return found


class RedactedAccessLogger(AbstractAccessLogger):
    """An access log that never writes the webhook secret (aiohttp's logs the whole path).

    ``web.AppRunner(app, access_log_class=RedactedAccessLogger,
    access_log=logging.getLogger("magodoo.realtime.access"))``.
    """

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = request.path
        prefix = WEBHOOK_PATH.split("{", 1)[0]
        if path.startswith(prefix):
            path = prefix + "***"
        self.logger.info('%s "%s %s" %s %.3fs', request.remote, request.method, path,
                         response.status, time)


def _check_secret(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if len(value) < MIN_SECRET_LENGTH or not value.isascii() or "/" in value:
        raise ConfigurationError(
            f"realtime.secret: needs at least {MIN_SECRET_LENGTH} ASCII characters and no '/'"
        )


def _bad(message: str, status: int = 400) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


@attrs.define
class WebhookReceiver:
    """Receives Odoo's webhook POSTs at ``/odoo/webhook/<secret>`` and queues realtime jobs.

    ``models`` maps an Odoo model to the entity syncing it (default: every entity
    :func:`odoo_model_entities` names for it, each gets a job).
    ``delay`` is how long a job waits before a worker may run it (see the module text).
    Mount :meth:`app`, or add :meth:`handle` to your own application under
    :data:`WEBHOOK_PATH` (use :class:`RedactedAccessLogger`: the path holds the secret).
    """

    engine: SyncEngine
    secret: str = attrs.field(repr=False, validator=_check_secret)
    models: Mapping[str, str] | None = None
    delay: float = attrs.field(default=DEFAULT_DELAY, validator=attrs.validators.ge(0.0))
    body_timeout: float = attrs.field(default=BODY_TIMEOUT, validator=attrs.validators.gt(0.0))
    """A request that declares a body and does not send it within this is answered 408."""
    received: int = attrs.field(default=0, init=False)
    queued: int = attrs.field(default=0, init=False)
    rejected: int = attrs.field(default=0, init=False)

    _fanout: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.models is None:
            self._fanout = odoo_model_entities(self.engine)
            self.models = odoo_models(self.engine)

    def url(self, base_url: str) -> str:
        """The full webhook URL to give Odoo (it contains the secret: keep it private)."""
        return base_url.rstrip("/") + WEBHOOK_PATH.format(token=self.secret)

    def app(self) -> web.Application:
        """An application serving only the webhook route."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(WEBHOOK_PATH, self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        """One webhook POST: 404 on a wrong token, 400 on a bad body (not JSON, nested too
        deep, ``_id`` not an integer), 408 on a body that does not come, 422 on an ``_id``
        out of Odoo's range or an unknown model, otherwise 200 once the job is queued."""
        token = request.match_info.get("token", "")
        if not hmac.compare_digest(token.encode(), self.secret.encode()):
            self.rejected += 1
            log.warning("webhook with a wrong token refused",
                        extra={"remote": request.remote})
            raise web.HTTPNotFound()
        self.received += 1
        try:
            async with asyncio.timeout(self.body_timeout):
                raw = await request.read()
        except TimeoutError:
            log.warning("webhook body not sent in time", extra={"remote": request.remote})
            response = _bad(f"the body did not arrive within {self.body_timeout:g} s", 408)
            response.force_close()
            return response
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return _bad("the body is not JSON")
        except RecursionError:
            return _bad("the body is nested too deeply")
        if not isinstance(body, dict):
            return _bad("the body is not a JSON object")
        model, record_id = body.get("_model"), body.get("_id")
        if not isinstance(model, str) or not model:
            return _bad("_model: missing")
        if isinstance(record_id, bool) or not isinstance(record_id, int):
            return _bad("_id: must be a positive integer")
        if not 0 < record_id <= MAX_ODOO_ID:
            log.warning("webhook with an id out of range refused", extra={"model": model})
            return _bad(f"_id: {record_id} is out of range (1 to {MAX_ODOO_ID})", status=422)
        entity = (self.models or {}).get(model)
        if entity is None:
            log.warning("webhook for a model no entity syncs", extra={"model": model})
            return _bad(f"no entity syncs the model {model!r}", status=422)
        try:
            due = self.engine.clock() + timedelta(seconds=self.delay)
            jobs = []
            for name in self._fanout.get(model) or (entity,):
                jobs += await self.engine.enqueue(name, Direction.ODOO_TO_MAGENTO, [record_id],
                                                  trigger=Trigger.REALTIME, not_before=due)
        except MagodooError as exc:
            log.error("could not queue a webhook job: %s", exc,
                      extra={"model": model, "record_id": record_id})
            return _bad("could not queue the job", status=503)
        self.queued += len(jobs)
        log.info("webhook queued", extra={"model": model, "record_id": record_id,
                                          "entity": entity, "action": body.get("_action"),
                                          "jobs": len(jobs)})
        return web.json_response({"ok": True, "entity": entity, "queued": len(jobs)})
