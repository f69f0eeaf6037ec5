"""Peak memory of a customers pass Magento -> Odoo: flat in the number of records.

The servers run in a child process and each pass in a fresh child process of its own, so
the figures are the sync process's alone. The fakes (:mod:`_fakes_process`) scan every row
for each search, which takes hours at 100,000 customers: the sizes of ``--records`` run
against lean stand-ins (:mod:`_lean_peers`: the same routes and shapes in constant time per
record), those of ``--fakes-records`` against the fakes as well, to compare. For each size
it prints the tracemalloc peak and what is still allocated at the end of the pass (Python
objects allocated during the pass), and the resident set size: before the pass, its
high-water mark (``VmHWM``), and the growth. The tracemalloc figures come from a second run of the
same pass (tracing costs memory and time of its own)::

    python benchmarks/bench_memory.py             # 10,000 (fakes and lean), 100,000 (lean)
    python benchmarks/bench_memory.py --records 2000 10000 --fakes-records --batch-size 100

Before issue 18 a pass held every page's plans to its end: 65 MB RSS for 2,010 customers,
133 MB for 10,010 (about 8 KB per record). Target: the peak does not grow with the number
of records beyond a few MB, and stays under 200 MB at 100,000. The catalog and orders
passes will be added here when their handlers exist.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
import tracemalloc
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import attrs
from _fakes_process import FakesProcess, Peers
from _lean_peers import LeanProcess

MB = 1024 * 1024


@attrs.frozen
class Run:
    peers: str
    records: int
    seconds: float
    created: int
    failed: int
    rss_before: int
    rss_peak: int
    traced_peak: int = 0
    traced_end: int = 0


def _status(field: str) -> int:
    """A ``/proc/self/status`` figure in bytes (``VmRSS``, ``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


async def _pass(peers: Peers, batch_size: int, trace: bool) -> Run:
    from magodoo._http import RetryPolicy
    from magodoo.backends import open_sqlite_stores
    from magodoo.engine import connect

    retry = RetryPolicy(max_tries=3, base=0.05, max_wait=0.5, jitter=False, max_time=60.0)
    with tempfile.TemporaryDirectory(prefix="magodoo-bench-") as tmp:
        path = Path(tmp) / "stores.sqlite3"
        settings = peers.settings(path, batch_size)
        stores = await open_sqlite_stores(path)
        async with await connect(settings, stores=stores, retry=retry) as conn:
            await conn.engine.check()  # sessions, tokens, version: before the baseline
            rss_before = _status("VmRSS")
            if trace:
                tracemalloc.start()
            started = time.perf_counter()
            result = await conn.engine.sync("customers", "m2o")
            seconds = time.perf_counter() - started
            traced_end, traced_peak = tracemalloc.get_traced_memory() if trace else (0, 0)
            tracemalloc.stop()
            return Run("", result.total, seconds, result.created, result.failed, rss_before,
                       _status("VmHWM"), traced_peak, traced_end)


def _child(conn: Connection, peers: Peers, batch_size: int, trace: bool) -> None:
    conn.send(asyncio.run(_pass(peers, batch_size, trace)))


def _measure(peers: Peers, batch_size: int, trace: bool) -> Run:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(child, peers, batch_size, trace))
    process.start()
    run: Any = parent.recv()
    process.join()
    assert isinstance(run, Run)
    return run


def measure(records: int, batch_size: int, peers: str) -> Run:
    """One pass for RSS, one with tracemalloc (each against freshly seeded peers)."""
    def start() -> FakesProcess | LeanProcess:
        return FakesProcess(records) if peers == "fakes" else LeanProcess(records)

    with start() as urls:
        plain = _measure(urls, batch_size, trace=False)
    with start() as urls:
        traced = _measure(urls, batch_size, trace=True)
    return attrs.evolve(plain, peers=peers, traced_peak=traced.traced_peak,
                        traced_end=traced.traced_end)


def _table(runs: list[Run], batch_size: int) -> str:
    lines = [
        f"customers pass Magento -> Odoo (2 addresses each), batch_size {batch_size}, "
        "SQLite stores, fakes in another process",
        f"{'peers':<6} {'records':>8} {'seconds':>8} {'failed':>6} {'traced peak MB':>14} "
        f"{'traced end MB':>13} {'RSS before MB':>13} {'RSS peak MB':>11} {'growth MB':>9}",
    ]
    for r in runs:
        lines.append(
            f"{r.peers:<6} {r.records:>8} {r.seconds:>8.1f} {r.failed:>6} "
            f"{r.traced_peak / MB:>14.1f} "
            f"{r.traced_end / MB:>13.1f} {r.rss_before / MB:>13.1f} {r.rss_peak / MB:>11.1f} "
            f"{(r.rss_peak - r.rss_before) / MB:>9.1f}")
    lean = [r for r in runs if r.peers == "lean"]
    if len(lean) >= 2 and lean[-1].records > lean[0].records:
        first, last = lean[0], lean[-1]
        extra = last.records - first.records
        lines.append(
            f"per extra record from {first.records:,} to {last.records:,}: "
            f"{(last.traced_peak - first.traced_peak) / extra:.0f} bytes traced peak, "
            f"{(last.rss_peak - first.rss_peak) / extra:.0f} bytes RSS peak "
            "(before issue 18: about 8,000)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000],
                        help="pass sizes, against the lean stand-ins")
    parser.add_argument("--fakes-records", type=int, nargs="*", default=[10_000],
                        help="pass sizes against the fakes too (slow beyond 10,000)")
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args(argv)
    runs = []
    plan = [(n, "fakes") for n in args.fakes_records] + [(n, "lean") for n in args.records]
    for records, peers in plan:
        runs.append(measure(records, args.batch_size, peers))
        print(_table(runs, args.batch_size).splitlines()[-1], file=sys.stderr, flush=True)
    print(_table(runs, args.batch_size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
