"""``magodoo reconcile [ENTITY...] [--output report.csv] [--json]``: what differs between
Magento and Odoo, for cron.

Every entity family a reconciler knows (or those named), read in pages on both sides; only
reads. Prints a summary table (one row per entity: records compared, pairs that agree,
differences, in flight) and the differences; ``--output FILE`` saves them as CSV (or Parquet
for ``.parquet``, with pyarrow); ``--json`` prints one document (``clean``, ``agreeing``,
``summary``, ``differences``, ``exit_code``). ``--repair`` queues the sync jobs that put the
differences right (in the direction of each entity's source of truth) for the workers.

Exit codes: 0 nothing differs (differences in flight do not count), 1 something differs,
2 bad settings or arguments, 3 a server or the store could not be used.
"""

from __future__ import annotations

import argparse
from typing import Any

from magodoo.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    Stop,
    add_common,
    emit_json,
    load_settings,
    say,
    table,
)

SHOWN = 50
"""Differences listed on the terminal (all of them go to ``--output`` and ``--json``)."""


def _short(value: Any, width: int = 40) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[:width - 3] + "..."


async def run_reconcile(args: argparse.Namespace, stop: Stop) -> int:
    from magodoo.engine.wiring import connect
    from magodoo.reconcile import reconcile

    settings = load_settings(args)
    async with await connect(settings) as conn:
        report = await stop.interruptible(reconcile(
            conn.engine, args.entities or None, page_size=args.page_size))
        actions = await report.repair(conn.engine, dry_run=False) if args.repair else []
    saved = report.save(args.output) if args.output else None
    code = EXIT_OK if report.clean else EXIT_FAILED
    if args.json:
        emit_json({**report.to_json(), "exit_code": code,
                   "output": str(saved) if saved else None,
                   "repair": [{"entity": a.entity, "direction": a.direction.value,
                               "key": a.key, "action": a.action, "reason": a.reason}
                              for a in actions]})
        return code
    table(["entity", "source of truth", "compared", "agree", "differ", "in flight", "kinds"],
          [[c.entity, c.source_of_truth, c.compared, c.agreeing, c.differing, c.in_flight,
            ", ".join(f"{k} {n}" for k, n in sorted(c.kinds.items()))]
           for c in report.counts], title="reconciliation")
    if report.differences:
        rows = report.rows()
        table(["entity", "kind", "magento", "odoo", "field", "magento value", "odoo value"],
              [[r["entity"], r["kind"], r["magento_id"], r["odoo_id"], r["field"],
                _short(r["magento_value"]), _short(r["odoo_value"])] for r in rows[:SHOWN]])
        if len(rows) > SHOWN:
            say(f"(and {len(rows) - SHOWN} more: --output FILE or --json for all)")
    queued = sum(1 for a in actions if a.action != "none")
    if args.repair:
        say(f"repair: {queued} sync jobs queued, {len(actions) - queued} left to do by hand")
    if saved:
        say(f"saved to {saved}")
    say(str(report))
    return code


def register(sub: Any) -> None:
    parser = sub.add_parser("reconcile", help="what differs between Magento and Odoo "
                            "(exit 1 when something does)", description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    from magodoo.reconcile._registry import default_reconcilers

    parser.add_argument("entities", nargs="*", metavar="ENTITY",
                        help="entity families to check (default: all): "
                             + ", ".join(default_reconcilers().entities()))
    parser.add_argument("--output", metavar="FILE",
                        help="save the differences as CSV (.parquet: Parquet, needs pyarrow)")
    parser.add_argument("--page-size", type=int, default=100,
                        help="records read per page on each side (1-300, default 100)")
    parser.add_argument("--repair", action="store_true",
                        help="queue the sync jobs that put the differences right")
    add_common(parser)
    parser.set_defaults(command=run_reconcile)
