"""What :func:`reconcile` finds: a :class:`Report`, and putting it right (:meth:`Report.repair`).

A report holds the differences (never the records that agree: those are counted), so its size
follows the drift, not the catalogue.
"""

from __future__ import annotations

import csv
import html
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from magodoo.backends import Direction, Trigger
from magodoo.exceptions import MissingExtraError
from magodoo.reconcile._difference import Difference
from magodoo.reconcile._pandas import DataFrame, require_pandas

if TYPE_CHECKING:
    from magodoo.engine import SyncEngine

__all__ = ["REPORT_COLUMNS", "EntityCount", "RepairAction", "Report", "html_table"]

REPORT_COLUMNS = (
    "entity", "kind", "magento_id", "odoo_id", "field", "magento_value", "odoo_value",
    "source_of_truth",
)
COUNT_COLUMNS = ("entity", "source_of_truth", "compared", "agreeing", "differing",
                 "in_flight")


@attrs.frozen
class EntityCount:
    """One entity family's figures: records compared, pairs that agree, differences found
    (``in_flight`` ones apart)."""

    entity: str
    source_of_truth: str
    compared: int
    agreeing: int
    differing: int
    in_flight: int = 0
    kinds: Mapping[str, int] = attrs.field(factory=dict)


@attrs.frozen
class RepairAction:
    """What :meth:`Report.repair` does (or, in a dry run, would do) about one record.

    ``action``: ``sync`` (a forced sync job of the source record, in the direction of the
    source of truth: the target is rewritten even if the payload hash says unchanged),
    ``rebind`` (a
    broken binding: removed, then a sync job; the sync binds the record again by its natural
    key, or creates the target), or ``none`` (by hand: ``reason`` says what)."""

    entity: str
    direction: Direction
    key: str | None
    action: str
    reason: str


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def html_table(header: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str = "",
               limit: int = 50) -> str:
    """A small escaped HTML table (what ``_repr_html_`` shows in Jupyter), ``limit`` rows."""
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
               + "</tr></thead><tbody>")
    more = 0
    for index, row in enumerate(rows):
        if index >= limit:
            more += 1
            continue
        out.append("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row)
                   + "</tr>")
    out.append("</tbody></table>")
    if more:
        out.append(f"<p>... and {more} more rows</p>")
    return "".join(out)


@attrs.frozen
class Report:
    """Every difference found, with the counts per entity family.

    ``differences`` in the order found (entity by entity); ``counts`` one
    :class:`EntityCount` per entity reconciled. ``clean`` when nothing differs (records in
    flight do not count: they are on their way)."""

    differences: tuple[Difference, ...] = ()
    counts: tuple[EntityCount, ...] = ()
    sources: Mapping[str, str] = attrs.field(factory=dict)
    """Entity -> ``magento`` or ``odoo``: the source of truth."""
    by_hand: Mapping[str, Callable[[Difference], str | None]] = attrs.field(
        factory=dict, eq=False, repr=False)
    """Entity -> why a sync cannot repair a difference (see ``Reconciler.by_hand``)."""

    @property
    def drift(self) -> tuple[Difference, ...]:
        """The differences that are not in flight."""
        return tuple(d for d in self.differences if d.kind != "in_flight")

    @property
    def in_flight(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.kind == "in_flight")

    @property
    def clean(self) -> bool:
        return not self.drift

    @property
    def agreeing(self) -> int:
        return sum(c.agreeing for c in self.counts)

    def since(self, earlier: Report) -> Report:
        """The differences not in ``earlier`` (yesterday's report, a baseline): a report of
        its own, with the same counts and sources."""
        known = {_key(d) for d in earlier.differences}
        return attrs.evolve(self, differences=tuple(d for d in self.differences
                                                    if _key(d) not in known))

    def source_of_truth(self, entity: str) -> str | None:
        return self.sources.get(entity)

    def rows(self) -> list[dict[str, Any]]:
        """One plain dict per difference, with the keys of :data:`REPORT_COLUMNS`."""
        return [{**{name: getattr(d, name) for name in REPORT_COLUMNS[:-1]},
                 "source_of_truth": self.sources.get(d.entity)} for d in self.differences]

    def summary(self) -> list[dict[str, Any]]:
        """One plain dict per entity: :data:`COUNT_COLUMNS` and the count of each kind."""
        return [{**{name: getattr(c, name) for name in COUNT_COLUMNS}, "kinds": dict(c.kinds)}
                for c in self.counts]

    def to_json(self) -> dict[str, Any]:
        """The report as one JSON-ready document (``clean``, ``summary``, ``differences``)."""
        return {"clean": self.clean, "agreeing": self.agreeing, "summary": self.summary(),
                "differences": [{k: _jsonable(v) for k, v in row.items()}
                                for row in self.rows()]}

    def __str__(self) -> str:
        kinds: Counter[str] = Counter(d.kind for d in self.drift)
        entities = len(self.counts)
        if not kinds:
            text = f"clean: {self.agreeing} pairs agree in {entities} entities"
        else:
            parts = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
            differing = len({d.entity for d in self.drift})
            text = (f"{len(self.drift)} differences in {differing} of {entities} entities "
                    f"({parts}); {self.agreeing} pairs agree")
        if self.in_flight:
            text += f"; {len(self.in_flight)} in flight"
        return text

    def __repr__(self) -> str:
        return f"<Report {self}>"

    def _repr_html_(self) -> str:
        summary = html_table(
            ["entity", "source of truth", "compared", "agreeing", "differing", "in flight"],
            [[c.entity, c.source_of_truth, c.compared, c.agreeing, c.differing, c.in_flight]
             for c in self.counts], caption=str(self))
        if not self.differences:
            return summary
        return summary + html_table(list(REPORT_COLUMNS),
                                    ([r[c] for c in REPORT_COLUMNS] for r in self.rows()))

    # ---- export ---------------------------------------------------------------------------

    def to_pandas(self) -> DataFrame:
        """The differences as a ``pandas.DataFrame`` with the columns of
        :data:`REPORT_COLUMNS` (``odoo_id`` a nullable integer). Needs the ``pandas`` extra."""
        pd = require_pandas()
        rows = self.rows()
        frame = pd.DataFrame({c: [r[c] for r in rows] for c in REPORT_COLUMNS},
                             columns=list(REPORT_COLUMNS))
        frame["odoo_id"] = frame["odoo_id"].astype("Int64")
        return frame

    def to_csv(self, path: str | Path) -> Path:
        """Write the differences to a CSV file (plain Python, no pandas needed)."""
        target = Path(path)
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(REPORT_COLUMNS)
            for row in self.rows():
                writer.writerow([_text(row[c]) for c in REPORT_COLUMNS])
        return target

    def to_parquet(self, path: str | Path) -> Path:
        """Write the differences to a Parquet file (needs pandas and pyarrow). Values are
        written as text (a column mixes numbers, names and ids)."""
        frame = self.to_pandas()
        for column in ("magento_value", "odoo_value", "magento_id", "field"):
            frame[column] = frame[column].map(lambda v: None if v is None else _text(v))
        try:
            frame.to_parquet(Path(path), index=False)
        except ImportError as exc:
            raise MissingExtraError(
                "writing Parquet needs pyarrow: pip install pyarrow (or write CSV)") from exc
        return Path(path)

    def save(self, path: str | Path) -> Path:
        """CSV or Parquet, by the file's suffix (``.parquet``: Parquet; anything else: CSV)."""
        if Path(path).suffix.lower() == ".parquet":
            return self.to_parquet(path)
        return self.to_csv(path)

    # ---- repair ---------------------------------------------------------------------------

    def plan_repair(self, engine: SyncEngine) -> list[RepairAction]:
        """What :meth:`repair` would do, without doing it."""
        actions: dict[tuple[str, str | None, str], RepairAction] = {}
        for d in self.differences:
            action = _action(engine, d, self.sources.get(d.entity))
            hand = self.by_hand.get(d.entity)
            reason = hand(d) if hand is not None and action.action != "none" else None
            if reason:
                action = attrs.evolve(action, action="none", reason=reason)
            actions.setdefault((action.entity, action.key, action.action), action)
        return list(actions.values())

    async def repair(self, engine: SyncEngine, *, dry_run: bool = True,
                     run: bool = False) -> list[RepairAction]:
        """Queue sync jobs for the differences, in the direction of each entity's source of
        truth; returns what was (``dry_run``: would be) done.

        The jobs go into the engine's job queue (one per record, ``trigger`` manual) with the
        ``force`` flag: the worker writes the record even though its binding's payload hash
        says unchanged, so a target edited by hand is rewritten (the bindings themselves are
        left alone, except a broken one, which is removed so the sync binds the record again).
        ``run`` then works the queue until it is empty (in a notebook; from cron leave it to
        the workers). Differences in flight, and targets whose source is gone for an entity
        that never deletes, are listed with ``action`` ``none`` and the reason.
        """
        actions = self.plan_repair(engine)
        if dry_run:
            return actions
        backend = engine.settings.backend
        bindings = engine.stores.bindings
        by_entity: dict[tuple[str, Direction], list[str]] = {}
        for a in actions:
            if a.action not in ("sync", "rebind") or a.key is None:
                continue
            by_entity.setdefault((a.entity, a.direction), []).append(a.key)
            if a.action != "rebind":
                continue
            if a.direction is Direction.MAGENTO_TO_ODOO:
                binding = await bindings.get_by_magento(backend, a.entity, a.key)
            else:
                binding = await bindings.get_by_odoo(backend, a.entity, int(a.key))
            if binding is not None:
                await bindings.unbind(backend, a.entity, magento_id=binding.magento_id,
                                      odoo_id=binding.odoo_id)
        for (entity, direction), keys in by_entity.items():
            await engine.enqueue(entity, direction, keys, trigger=Trigger.MANUAL, force=True)
        if run:
            while await engine.work_once("magodoo-reconcile"):
                pass
        return actions


def _key(d: Difference) -> tuple[Any, ...]:
    """A difference as a hashable key (values may be lists or dicts)."""
    return (d.entity, d.kind, d.magento_id, d.odoo_id, d.field, _text(d.magento_value),
            _text(d.odoo_value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, default=str, sort_keys=True)
    return str(value)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def _action(engine: SyncEngine, d: Difference, source: str | None) -> RepairAction:
    direction = (Direction.MAGENTO_TO_ODOO if source == "magento"
                 else Direction.ODOO_TO_MAGENTO)
    key = d.magento_id if direction is Direction.MAGENTO_TO_ODOO else (
        None if d.odoo_id is None else str(d.odoo_id))
    if d.kind == "in_flight":
        return RepairAction(d.entity, direction, key, "none",
                            "in flight: nothing to do, it settles when the orders ship")
    if key is None:
        return RepairAction(d.entity, direction, key, "none",
                            "no source record: nothing to sync from")
    source_gone = ((d.kind == "missing_in_magento" and direction is Direction.MAGENTO_TO_ODOO)
                   or (d.kind == "missing_in_odoo" and direction is Direction.ODOO_TO_MAGENTO))
    if (d.entity, direction) not in engine.registry:
        return RepairAction(d.entity, direction, key, "none",
                            f"no handler syncs {d.entity} {direction.value}")
    if source_gone:
        handler = engine.registry.get(d.entity, direction)
        if not handler.supports_delete:
            side = "Odoo" if direction is Direction.MAGENTO_TO_ODOO else "Magento"
            return RepairAction(d.entity, direction, key, "none",
                                f"the source record is gone and magodoo never deletes "
                                f"{d.entity}: archive or delete the {side} record by hand")
        return RepairAction(d.entity, direction, key, "sync",
                            "the source record is gone: the sync deletes the target")
    refusal = next((v for v in (d.magento_value, d.odoo_value)
                    if isinstance(v, str) and v.startswith("not mappable")), None)
    if refusal is not None:
        return RepairAction(d.entity, direction, key, "none",
                            f"fix the source record first ({d.field}): {refusal}")
    if d.kind == "broken_binding" and d.field in ("binding", "sku"):
        return RepairAction(d.entity, direction, key, "rebind",
                            f"broken binding: {d.magento_value} / {d.odoo_value}")
    return RepairAction(d.entity, direction, key, "sync", f"{d.kind} {d.field or ''}".strip())
