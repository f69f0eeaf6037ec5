"""A project adds its own entity type: registered, configured, synced, typos still refused."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import attrs
import pytest

from magodoo.backends import memory_stores
from magodoo.backends.models import Direction
from magodoo.engine import Registry, SyncEngine, default_registry
from magodoo.engine.handler import Context, Handler, Plan, Written
from magodoo.engine.result import Outcome, RecordOutcome
from magodoo.exceptions import ConfigurationError
from magodoo.settings import ENTITIES, EntitySettings, Settings
from tests.engine.conftest import World

M2O = Direction.MAGENTO_TO_ODOO
STAMP = datetime(2026, 11, 27, 5, 0, 0, tzinfo=UTC)


@attrs.frozen
class Subscriber:
    id: int
    email: str
    updated_at: datetime = STAMP


class NewsletterImporter(Handler[Subscriber, dict[str, Any]]):
    """Magento newsletter subscribers -> an in-memory "Odoo" list (source and target are plain
    Python, so the test is about the engine, not about a server)."""

    entity: ClassVar[str] = "newsletter"
    direction: ClassVar[Direction] = M2O

    def __init__(self, subscribers: list[Subscriber]) -> None:
        self.subscribers = subscribers
        self.target: dict[int, dict[str, Any]] = {}

    async def fetch(self, ctx: Context, since: datetime | None) -> AsyncIterator[list[Subscriber]]:
        yield [s for s in self.subscribers if since is None or s.updated_at >= since]

    async def fetch_keys(self, ctx: Context, keys: Sequence[str]) -> list[Subscriber]:
        return [s for s in self.subscribers if str(s.id) in keys]

    def source_id(self, record: Subscriber) -> str:
        return str(record.id)

    def source_stamp(self, record: Subscriber) -> datetime | None:
        return record.updated_at

    async def prepare(self, ctx: Context, records: list[Subscriber]) -> Any:
        return None

    def map(self, record: Subscriber, mctx: Any) -> dict[str, Any]:
        return {"email": record.email.lower()}

    def hashable(self, mapped: dict[str, Any]) -> Any:
        return mapped

    def natural_key(self, mapped: dict[str, Any]) -> str | None:
        return str(mapped["email"])

    async def find_by_key(
        self, ctx: Context, plans: list[Plan[Subscriber, dict[str, Any]]]
    ) -> dict[str, str]:
        by_email = {row["email"]: tid for tid, row in self.target.items()}
        return {p.source_id: str(by_email[p.key]) for p in plans if p.key in by_email}

    async def create(
        self, ctx: Context, plans: list[Plan[Subscriber, dict[str, Any]]]
    ) -> Mapping[str, Written | BaseException]:
        out: dict[str, Written | BaseException] = {}
        for p in plans:
            tid = len(self.target) + 1
            self.target[tid] = dict(p.value)
            out[p.source_id] = Written(str(tid))
        return out

    async def update(
        self, ctx: Context, plans: list[Plan[Subscriber, dict[str, Any]]]
    ) -> Mapping[str, Written | BaseException]:
        for p in plans:
            self.target[int(p.target_id or 0)] = dict(p.value)
        return {p.source_id: Written(p.target_id or "") for p in plans}


def _subscribers() -> list[Subscriber]:
    return [Subscriber(1, "Ann@Example.com"), Subscriber(2, "bob@example.com")]


async def test_custom_entity_syncs_through_sync(world: World) -> None:
    handler = NewsletterImporter(_subscribers())
    world.engine.registry.register(handler)
    streamed: list[RecordOutcome] = []  # a pass holds only notable outcomes: stream them
    result = await world.engine.sync("newsletter", M2O, on_outcome=streamed.append)
    assert [r.outcome for r in streamed] == [Outcome.CREATED, Outcome.CREATED]
    assert result.created == 2
    assert sorted(row["email"] for row in handler.target.values()) == [
        "ann@example.com", "bob@example.com"]
    binding = await world.stores.bindings.get_by_magento("default", "newsletter", "1")
    assert binding is not None and binding.magento_key == "ann@example.com"
    # unchanged on the second run; a change is an update
    again = await world.engine.sync("newsletter", M2O, full=True, keep_all=True)
    assert {r.outcome for r in again.records} == {Outcome.SKIPPED}
    handler.subscribers[0] = Subscriber(1, "ann@example.org", datetime.now(UTC))
    changed = await world.engine.sync("newsletter", M2O, keys=[1])
    assert [r.outcome for r in changed.records] == [Outcome.UPDATED]
    assert handler.target[binding.odoo_id] == {"email": "ann@example.org"}


async def test_sync_all_runs_custom_entities_after_built_in_ones(world: World) -> None:
    handler = NewsletterImporter(_subscribers())
    registry = default_registry()
    registry.register(handler)
    settings = attrs.evolve(world.engine.settings,
                            entities={"newsletter": EntitySettings(realtime=True)})
    engine = SyncEngine(magento=world.conn.magento, odoo=world.conn.odoo, stores=world.stores,
                        settings=settings, registry=registry, clock=world.clock)
    assert engine.settings.entity("newsletter").realtime
    results = await engine.sync_all(M2O)
    built_in = [h.entity for h in default_registry().ordered(M2O)]
    assert "customers" in built_in
    assert list(results) == [*built_in, "newsletter"]
    assert results["newsletter"].created == 2
    assert [h.entity for h in registry.ordered(M2O)][-1] == "newsletter"


async def test_disabled_custom_entity_is_left_out(world: World) -> None:
    registry = default_registry()
    registry.register(NewsletterImporter(_subscribers()))
    settings = attrs.evolve(world.engine.settings,
                            entities={"newsletter": EntitySettings(enabled=False)})
    engine = SyncEngine(magento=world.conn.magento, odoo=world.conn.odoo, stores=world.stores,
                        settings=settings, registry=registry)
    assert "newsletter" not in await engine.sync_all(M2O)


def test_ordered_keeps_registration_order_for_custom_entities() -> None:
    class Late(NewsletterImporter):
        entity: ClassVar[str] = "zz_late"

    class Early(NewsletterImporter):
        entity: ClassVar[str] = "aa_early"

    registry = Registry()
    registry.register(Late([]))
    registry.register(Early([]))
    built_in = [h.entity for h in default_registry().ordered(M2O)]
    for h in default_registry().ordered(M2O):
        registry.register(h)
    assert [h.entity for h in registry.ordered(M2O)] == [*built_in, "zz_late", "aa_early"]
    assert built_in.index("customers") < built_in.index("orders")


@pytest.mark.parametrize("name", ["Newsletter", "news-letter", "1news", "", "news letter"])
def test_registry_refuses_a_name_that_is_not_an_identifier(name: str) -> None:
    class Bad(NewsletterImporter):
        entity: ClassVar[str] = name

    with pytest.raises(ConfigurationError, match="plain identifier") as info:
        Registry().register(Bad([]))
    assert repr(name) in str(info.value)


def test_loader_accepts_custom_tables_and_refuses_bad_ones() -> None:
    s = Settings.from_mapping({"entities": {"newsletter": {"realtime": True}}})
    assert s.entity("newsletter") == EntitySettings(realtime=True)
    assert set(ENTITIES) <= set(s.entities)
    with pytest.raises(ConfigurationError, match=r"entities\.News-Letter: .*identifier"):
        Settings.from_mapping({"entities": {"News-Letter": {}}})
    with pytest.raises(ConfigurationError, match=r"entities\.newsletter\.colour"):
        Settings.from_mapping({"entities": {"newsletter": {"colour": "red"}}})


async def test_typo_in_entities_table_fails_engine_construction(world: World) -> None:
    settings = Settings.from_mapping({"entities": {"custmers": {"enabled": False}}})
    with pytest.raises(ConfigurationError) as info:
        SyncEngine(magento=world.conn.magento, odoo=world.conn.odoo, stores=world.stores,
                   settings=settings)
    message = str(info.value)
    assert message.startswith(
        "entities.custmers: no handler is registered for this entity type "
        "(what can be synced: ")
    # only what has a handler, with its directions (issue 8, friction 8)
    assert "customers (m2o)" in message and "categories (m2o/o2m)" in message
    unhandled = set(ENTITIES) - default_registry().entities()
    assert not [n for n in unhandled if f"{n} (" in message]  # only what has a handler


def test_configured_custom_entity_needs_its_handler() -> None:
    settings = Settings(entities={"newsletter": EntitySettings()})
    stores = memory_stores()
    dummy: Any = object()
    with pytest.raises(ConfigurationError, match=r"entities\.newsletter: no handler"):
        SyncEngine(magento=dummy, odoo=dummy, stores=stores, settings=settings)
    registry = default_registry()
    registry.register(NewsletterImporter([]))
    engine = SyncEngine(magento=dummy, odoo=dummy, stores=stores, settings=settings,
                        registry=registry)
    assert "newsletter" in engine.settings.entities


def test_default_settings_pass_with_the_default_registry() -> None:
    dummy: Any = object()
    engine = SyncEngine(magento=dummy, odoo=dummy, stores=memory_stores(), settings=Settings())
    assert set(engine.settings.entities) == set(ENTITIES)


async def test_connect_closes_what_it_opened_when_settings_name_an_unknown_entity() -> None:
    from magodoo.engine import connect
    from magodoo.settings import Settings

    settings = Settings.from_mapping({
        "magento": {"url": "http://127.0.0.1:9", "auth": "token"},
        "odoo": {"url": "http://127.0.0.1:9", "database": "x", "username": "u"},
        "stores": {"kind": "memory"},
        "entities": {"custmers": {"enabled": False}},
    }, env={"MAGODOO_MAGENTO_TOKEN": "t" * 20, "MAGODOO_ODOO_API_KEY": "k" * 20})
    with pytest.raises(ConfigurationError, match=r"entities\.custmers"):
        await connect(settings)  # an unclosed client session would fail under -W error
