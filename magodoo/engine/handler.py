"""The template every entity handler fills in (the OCA importer/exporter shape).

For one entity type and one direction, the engine runs the same steps over a page of source
records, and asks the handler only for what is entity-specific:

1. **fetch** source records: :meth:`Handler.fetch` (incremental pages) or
   :meth:`Handler.fetch_keys`;
2. **skip** (engine): disabled in the settings, an echo of our own write (the timestamp our
   last write into that side produced), or unchanged (the mapped payload's hash equals the one
   stored in the binding for this direction; a newer source timestamp with the same hash only
   refreshes the binding);
3. **dependencies**: :meth:`Handler.prepare` syncs what the records need first and returns
   the mapping context;
4. **map**: :meth:`Handler.map`, pure;
5. **find the target**: the binding (engine), else :meth:`Handler.find_by_key` (natural key);
6. **create or update**: :meth:`Handler.create` (batched) and :meth:`Handler.update`;
7. **bind** (engine) and :meth:`Handler.after_bind`;
8. **log** (engine).

Children whose changes do not touch their parent's timestamp (on Odoo: order lines, child
addresses, see WORKFLOWS.md section 10) get a handler of their own, polled by their own
``write_date``. The two shipped handlers do not need one: a Magento address can only be saved
through its customer (which bumps ``updated_at``), and every eCommerce category is its own
record.
"""

from __future__ import annotations

import abc
import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import attrs

from magodoo._http import Exchange
from magodoo.backends.models import Binding, Direction, Trigger
from magodoo.engine.echo import EchoGuard
from magodoo.engine.ports import MagentoPort, OdooPort
from magodoo.engine.result import Outcome
from magodoo.exceptions import MappingError, OutcomeUnknownError
from magodoo.odoo.paging import keyset_pages
from magodoo.settings import Settings

if TYPE_CHECKING:
    from magodoo.backends import Stores
    from magodoo.engine.result import SyncResult

__all__ = ["Context", "Handler", "Plan", "Unreadable", "Written", "read_each"]

S = TypeVar("S")
M = TypeVar("M")


@attrs.frozen
class Written:
    """A successful write: the target's id and its timestamp right after the write."""

    target_id: str
    stamp: datetime | None = None


@attrs.frozen
class Unreadable:
    """A source row that cannot be read (its ``error`` names the model, id and field).

    A handler's ``fetch``/``fetch_keys`` may yield it in place of a record: that record fails
    alone (logged, queued) while the rest of its page goes on.
    """

    source_id: str
    error: MappingError


def read_each(rows: Sequence[Mapping[str, Any]], read: Callable[[Mapping[str, Any]], S]
              ) -> list[S | Unreadable]:
    """``read`` every row; a row that raises :class:`MappingError` becomes
    :class:`Unreadable`."""
    out: list[S | Unreadable] = []
    for row in rows:
        try:
            out.append(read(row))
        except MappingError as exc:
            out.append(Unreadable(str(row.get("id")), exc))
    return out


@attrs.define
class Plan(Generic[S, M]):
    """One source record on its way through the steps."""

    record: S
    source_id: str
    stamp: datetime | None
    attempt: int = 1
    job_id: int | None = None
    binding: Binding | None = None
    mapped: M | None = None
    digest: str = ""
    key: str | None = None
    target_id: str | None = None
    found_by_key: bool = False
    outcome: Outcome | None = None
    reason: str = ""
    retriable: bool = False
    target_stamp: datetime | None = None
    request: Any = None
    response: Any = None
    exchanges: list[Exchange] = attrs.field(factory=list)
    log_id: int | None = None
    unknown: bool = False
    """A write for this record may or may not have happened (its answer was lost)."""
    wait_until: datetime | None = None
    """Not to be written again before this time (the server may still be committing)."""

    @property
    def open(self) -> bool:
        return self.outcome is None

    def skip(self, reason: str) -> None:
        self.outcome, self.reason = Outcome.SKIPPED, reason

    def fail(self, error: BaseException) -> None:
        self.outcome = Outcome.FAILED
        self.reason = f"{type(error).__name__}: {error}"
        self.retriable = bool(getattr(error, "retriable", False))
        if isinstance(error, OutcomeUnknownError):  # settled later by a lookup, then retried
            self.unknown, self.retriable = True, True

    @property
    def value(self) -> M:
        assert self.mapped is not None
        return self.mapped


@attrs.define
class Context:
    """What a handler may use during one run."""

    magento: MagentoPort
    odoo: OdooPort
    stores: Stores
    settings: Settings
    echo: EchoGuard
    trigger: Trigger
    dry_run: bool
    ensure: Any
    """``await ctx.ensure(entity, direction, keys)``: sync dependencies first (a
    :class:`SyncResult` comes back)."""
    dependencies: list[SyncResult] = attrs.field(factory=list)
    force: bool = False
    """Write even the records whose mapped payload is unchanged since the last write."""
    _serial: dict[str, asyncio.Lock] = attrs.field(factory=dict, repr=False, init=False)

    @property
    def backend(self) -> str:
        return self.settings.backend

    def odoo_pages(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        *,
        page_size: int | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """The Odoo records of ``domain``, a page at a time, keyset by id
        (:func:`~magodoo.odoo.keyset_pages` over :attr:`odoo`'s ``search_read_page``):
        ``page_size`` records (by default ``batch_size``) each, a short page the last. No
        page is read ahead here: the engine already reads a handler's next page while it
        writes this one."""
        size = self.settings.batch_size if page_size is None else page_size
        return keyset_pages(self.odoo, model, domain, fields, page_size=size, context=context,
                            ahead=False)

    def serial(self, name: str) -> asyncio.Lock:
        """The lock ``name`` shared by the pages of this run: what a handler with
        :attr:`Handler.pages_in_flight` above 1 does under it, one page at a time does."""
        lock = self._serial.get(name)
        if lock is None:
            lock = self._serial[name] = asyncio.Lock()
        return lock


class Handler(abc.ABC, Generic[S, M]):
    """One entity type in one direction. Subclasses set :attr:`entity` and :attr:`direction`."""

    entity: ClassVar[str]
    direction: ClassVar[Direction]
    supports_delete: ClassVar[bool] = False
    odoo_model: ClassVar[str] = ""
    """The Odoo model on the Odoo side of this entity (webhooks are provisioned on it); an
    Odoo -> Magento handler without one gets no realtime webhooks."""
    realtime_only: ClassVar[bool] = False
    """Synced by key only (realtime jobs, ``sync(keys=...)``); ``sync_all`` leaves it out."""
    pages_in_flight: ClassVar[int] = 1
    """Pages of a paged sync (``sync``/``sync_all``, not by key) the engine works on at once,
    in order (outcomes and the cursor still follow the pages' order). Above 1 the handler
    keeps what must not overlap between pages (e.g. finding or creating shared
    dependencies) under :meth:`Context.serial`. Every page keeps its records' locks, and
    the pages hold different records."""

    # ---- 1. fetch ------------------------------------------------------------------------

    @abc.abstractmethod
    def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[S]]:
        """Pages of source records changed at or after ``since`` (all if ``None``)."""

    @abc.abstractmethod
    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[S]:
        """The source records with these ids (missing ones are left out)."""

    @abc.abstractmethod
    def source_id(self, record: S) -> str: ...

    @abc.abstractmethod
    def source_stamp(self, record: S) -> datetime | None: ...

    def levels(self, records: list[S]) -> list[list[S]]:
        """Groups processed one after the other (parents before children)."""
        return [records]

    # ---- 3. dependencies, 4. map -----------------------------------------------------------

    @abc.abstractmethod
    async def prepare(self, ctx: Context, records: list[S]) -> Any:
        """Sync what ``records`` depend on and return the mapping context."""

    @abc.abstractmethod
    def map(self, record: S, mctx: Any) -> M:
        """Pure mapping; raises ``MappingError``."""

    @abc.abstractmethod
    def hashable(self, mapped: M) -> Any:
        """The part of the mapped values the payload hash covers."""

    @abc.abstractmethod
    def natural_key(self, mapped: M) -> str | None: ...

    def describe(self, plan: Plan[S, M]) -> Any:
        """The payload written, for the log and for dry runs."""
        return self.hashable(plan.value)

    # ---- 5. find, 6. write -----------------------------------------------------------------

    @abc.abstractmethod
    async def find_by_key(self, ctx: Context, plans: list[Plan[S, M]]) -> dict[str, str]:
        """Targets matching the plans' natural keys: source id -> target id."""

    @abc.abstractmethod
    async def create(
        self, ctx: Context, plans: list[Plan[S, M]]
    ) -> Mapping[str, Written | BaseException]:
        """Create the targets; a raised error means the whole call failed (an
        ``OutcomeUnknownError`` makes the engine look the records up before any retry)."""

    @abc.abstractmethod
    async def update(
        self, ctx: Context, plans: list[Plan[S, M]]
    ) -> Mapping[str, Written | BaseException]:
        """Update the bound targets (``plan.target_id``); a ``NotFoundError`` for one of them
        makes the engine drop the stale binding and create the record again."""

    async def discard(self, ctx: Context, target_id: str) -> None:
        """Undo a create that lost a race with another process (default: nothing)."""

    async def after_bind(self, ctx: Context, plans: list[Plan[S, M]]) -> None:
        """Extra bindings once the main ones are stored (child records)."""

    async def missing_children(self, ctx: Context, plans: list[Plan[S, M]]) -> list[Plan[S, M]]:
        """Of these bound records skipped as unchanged, those whose child bindings are
        missing (a crash between storing a record's binding and its children's): the engine
        runs :meth:`after_bind` for them again. Default: none."""
        return []

    async def delete(self, ctx: Context, binding: Binding) -> None:
        """Remove the target of a source record that no longer exists."""
        raise NotImplementedError

    async def existing_sources(self, ctx: Context, source_ids: Sequence[str]) -> set[str]:
        """Which of these source ids still exist (for the deletion sweep of a full sync)."""
        raise NotImplementedError
