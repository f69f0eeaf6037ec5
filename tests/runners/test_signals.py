"""SIGTERM to a running ``magodoo sync`` (a real child process, as cron or systemd sends it):
it stops at a safe point, says so, exits 143, and no job is lost or left claimed."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from magodoo.backends import Direction, Job, JobState, LogFilter, LogStatus, open_sqlite_stores
from magodoo.cli import EXIT_TERMINATED, main
from tests.runners.conftest import ROOT, Fakes

SLOW = "batch_size = 5\n"


def _enqueue(path: Path, keys: list[int]) -> None:
    async def run() -> None:
        async with await open_sqlite_stores(path) as stores:
            await stores.jobs.enqueue_many(
                Job("customers", Direction.MAGENTO_TO_ODOO, str(k)) for k in keys)

    asyncio.run(run())


def _state(path: Path) -> tuple[dict[JobState, int], set[str], set[str]]:
    """Job counts, the record keys still queued, and the records logged as synced."""
    async def run() -> tuple[dict[JobState, int], set[str], set[str]]:
        async with await open_sqlite_stores(path) as stores:
            counts = await stores.jobs.counts()
            queued = {j.record_key for j in await stores.jobs.list_jobs(limit=1000)}
            done = {e.magento_ref or "" for e in await stores.log.query(
                LogFilter(status=LogStatus.SUCCESS), limit=10_000)}
            return counts, queued, done

    return asyncio.run(run())


def _run_until(args: list[str], marker: str,
               sig: signal.Signals = signal.SIGTERM) -> tuple[int, str]:
    """Start ``magodoo`` in a child process, signal it once ``marker`` shows on stderr."""
    lines: list[str] = []
    out: list[str] = []
    seen = threading.Event()
    with subprocess.Popen([sys.executable, "-m", "magodoo", *args], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"}) as child:

        def read() -> None:
            assert child.stderr is not None
            for line in child.stderr:
                lines.append(line)
                if marker in line and not seen.is_set():
                    seen.set()
                    child.send_signal(sig)

        def read_out() -> None:
            assert child.stdout is not None
            out.extend(child.stdout)

        readers = [threading.Thread(target=read), threading.Thread(target=read_out)]
        for reader in readers:
            reader.start()
        try:
            child.wait(timeout=120)
        finally:
            if child.poll() is None:
                child.kill()
            for reader in readers:
                reader.join(10)
    assert seen.is_set(), "".join(lines)
    return child.returncode, "".join(out) + "".join(lines)


@pytest.mark.parametrize("phase", ["sync", "queue"])
def test_sigterm_stops_sync_cleanly(fakes: Fakes, tmp_path: Path, phase: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    ids = [fakes.add_customer(n) for n in range(30)]
    config = str(fakes.write_config(tmp_path, extra=SLOW))
    store = tmp_path / "stores.sqlite3"
    if phase == "sync":
        # jobs waiting from before: the run is stopped while it reads, before its queue step
        queued = ids[:3]
        args = ["sync", "customers", "--config", config]
    else:
        # every customer is a job: the run is stopped while its workers drain the queue
        queued = ids
        args = ["sync", "categories", "--direction", "o2m", "--config", config]
    _enqueue(store, queued)
    fakes.odoo.faults.latency = 0.05
    code, text = _run_until(args, "progress: customers" if phase == "queue"
                            else "progress: customers m2o")
    fakes.odoo.faults.latency = 0.0
    assert code == EXIT_TERMINATED == 143, text
    assert "SIGTERM: stopping at the next safe point" in text
    assert "stopped by SIGTERM: what was synced is kept" in text
    assert "Traceback" not in text

    counts, still_queued, synced = _state(store)
    assert counts[JobState.CLAIMED] == 0  # finished or released, never left leased
    assert counts[JobState.DEAD] == 0
    lost = {str(k) for k in queued} - still_queued - synced
    assert not lost  # every job either still waits or its record was synced
    if phase == "queue":
        assert still_queued and synced  # it stopped half way

    # the next run goes on from there: every customer once in Odoo, the queue empty
    assert main(["sync", "customers", "--config", config]) == 0
    capsys.readouterr()
    partners = [p for p in fakes.odoo.table("res.partner").values()
                if str(p.get("ref") or "").startswith("MAGE-CUST-")]
    assert sorted(p["ref"] for p in partners) == sorted(f"MAGE-CUST-{i}" for i in ids)
    assert _state(store)[0] == dict.fromkeys(JobState, 0)


def test_sigint_stops_sync_cleanly(fakes: Fakes, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    ids = [fakes.add_customer(n) for n in range(30)]
    config = str(fakes.write_config(tmp_path, extra=SLOW))
    _enqueue(tmp_path / "stores.sqlite3", ids[:3])
    fakes.odoo.faults.latency = 0.05
    code, text = _run_until(["sync", "customers", "--config", config],
                            "progress: customers m2o", signal.SIGINT)
    fakes.odoo.faults.latency = 0.0
    assert code == 130, text
    assert "SIGINT: stopping at the next safe point" in text
    assert "stopped by SIGINT" in text and "Traceback" not in text
    counts, queued, _ = _state(tmp_path / "stores.sqlite3")
    assert counts[JobState.CLAIMED] == 0 and queued == {str(k) for k in ids[:3]}
