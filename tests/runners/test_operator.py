"""The operator's commands over the fakes: log, queue, bindings, webhooks, each with --json
parsed back; the queue also on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from magodoo.cli import main
from tests.postgres_server import SERVER
from tests.runners.conftest import MAGENTO_PASSWORD, ODOO_KEY, WEBHOOK_SECRET, Fakes


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    for secret in (MAGENTO_PASSWORD, ODOO_KEY, WEBHOOK_SECRET):
        assert secret not in out.out + out.err
    return code, out.out, out.err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> Any:
    got, out, err = run(capsys, *argv, "--json")
    assert got == code, out + err
    return json.loads(out)


def drop_us(fakes: Fakes) -> dict[int, Any]:
    """Take the US out of Odoo: customers with a US address then fail to map."""
    countries = fakes.odoo.table("res.country")
    removed = {i: r for i, r in countries.items() if r.get("code") == "US"}
    for cid in removed:
        del countries[cid]
    return removed


# ---- log --------------------------------------------------------------------------------


def test_log_commands(fakes: Fakes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = fakes.add_customer(1), fakes.add_customer(2)
    config = str(fakes.write_config(tmp_path))
    assert run(capsys, "sync", "customers", "--config", config)[0] == 0

    listed = run_json(capsys, "log", "list", "--config", config)
    entries = listed["entries"]
    assert len(entries) == 2 and listed["next_after"] is None
    assert entries[0]["id"] > entries[1]["id"]  # newest first
    assert {e["magento_ref"] for e in entries} == {str(first), str(second)}
    assert set(entries[0]) == {"id", "created_at", "backend", "entity", "direction", "trigger",
                               "status", "magento_ref", "odoo_ref", "attempt", "job_id",
                               "duration", "message"}
    assert entries[0]["status"] == "success" and entries[0]["trigger"] == "batch"
    assert entries[0]["created_at"].endswith("+00:00")

    paged = run_json(capsys, "log", "list", "--config", config, "--limit", "1")
    assert len(paged["entries"]) == 1 and paged["next_after"] == entries[0]["id"]
    rest = run_json(capsys, "log", "list", "--config", config, "--after",
                    str(paged["next_after"]))
    assert [e["id"] for e in rest["entries"]] == [entries[1]["id"]]
    only = run_json(capsys, "log", "list", "--config", config, "--record", str(first))
    assert [e["magento_ref"] for e in only["entries"]] == [str(first)]
    assert run_json(capsys, "log", "list", "--config", config, "--status", "failed")[
        "entries"] == []
    assert run_json(capsys, "log", "list", "--config", config, "--since",
                    "2999-01-01")["entries"] == []

    shown = run_json(capsys, "log", "show", str(entries[0]["id"]), "--config", config)["entry"]
    assert shown["request"]["values"]["email"] in ("runner1@example.com", "runner2@example.com")
    assert isinstance(shown["response"], dict)  # parsed JSON, not a string
    code, text, _ = run(capsys, "log", "show", str(entries[0]["id"]), "--config", config)
    assert code == 0 and "request:" in text and "response:" in text and "time:" in text
    assert run_json(capsys, "log", "show", "999999", "--config", config, code=1) == {
        "entry": None}

    # a table for people: local time with its offset
    code, text, _ = run(capsys, "log", "list", "--config", config)
    assert code == 0 and text.splitlines()[0].split()[:3] == ["id", "time", "entity"]

    deleted = run_json(capsys, "log", "delete", str(entries[1]["id"]), "999999",
                       "--config", config, code=1)
    assert deleted == {"deleted": [entries[1]["id"]], "not_found": [999999]}
    assert run_json(capsys, "log", "expire", "--config", config) == {
        "deleted": 0, "older_than_days": 7}
    code, _, err = run(capsys, "log", "clear", "--config", config)
    assert code == 2 and "--yes" in err  # not on a terminal: never asks, never guesses
    assert run_json(capsys, "log", "clear", "--yes", "--config", config) == {"deleted": 1}
    assert run_json(capsys, "log", "list", "--config", config)["entries"] == []


# ---- queue (SQLite and PostgreSQL) --------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def store_toml(request: pytest.FixtureRequest, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "sqlite":
        yield f'kind = "sqlite"\npath = "{tmp_path / "q.sqlite3"}"\n'
        return
    dsn = SERVER.dsn()
    schema = f"h8cli_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("MAGODOO_POSTGRES_DSN", dsn)
    yield f'kind = "postgres"\nschema = "{schema}"\n'

    async def drop() -> None:
        import asyncpg

        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        finally:
            await conn.close()

    asyncio.run(drop())


def _config(fakes: Fakes, folder: Path, stores: str) -> str:
    path = fakes.write_config(folder)
    text = path.read_text()
    path.write_text(text[:text.index("[stores]")] + "[stores]\n" + stores)
    return str(path)


def test_queue_commands(fakes: Fakes, tmp_path: Path, store_toml: str,
                        capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(fakes, tmp_path, store_toml)
    customer = fakes.add_customer(1)
    us = drop_us(fakes)
    # the record fails, is queued, fails its retry in the drain (not retriable): dead
    code, out, _ = run(capsys, "sync", "customers", "--config", config)
    assert code == 1 and "1 dead" in out

    status = run_json(capsys, "queue", "status", "--config", config)
    assert status["counts"] == {"waiting": 0, "claimed": 0, "dead": 1}
    assert status["by_entity"] == {"customers": {"waiting": 0, "claimed": 0, "dead": 1}}
    assert status["oldest_waiting"] is None and status["next_retry"] is None

    (dead,) = run_json(capsys, "queue", "dead", "--config", config)["jobs"]
    assert dead["record_key"] == str(customer) and dead["state"] == "dead"
    assert "US" in dead["last_error"] and dead["attempts"] == 1
    assert set(dead) == {"id", "backend", "entity", "direction", "action", "record_key",
                         "trigger", "state", "attempts", "priority", "not_before",
                         "last_error", "worker_id", "lease_until", "created_at", "updated_at"}

    requeued = run_json(capsys, "queue", "requeue", str(dead["id"]), "--config", config)
    assert [j["state"] for j in requeued["requeued"]] == ["waiting"]
    assert run_json(capsys, "queue", "requeue", "999999", "--config", config, code=1)[
        "not_found"] == [999999]
    waiting = run_json(capsys, "queue", "list", "--state", "waiting", "--config", config)
    assert [j["id"] for j in waiting["jobs"]] == [dead["id"]]
    assert run_json(capsys, "queue", "list", "--entity", "categories", "--config",
                    config)["jobs"] == []
    assert run_json(capsys, "queue", "retry", "--failed", "--config", config)[
        "requeued"] == []  # attempts were reset by the requeue
    retried = run_json(capsys, "queue", "retry", str(dead["id"]), "--config", config)
    assert [j["id"] for j in retried["requeued"]] == [dead["id"]]
    status = run_json(capsys, "queue", "status", "--config", config)
    assert status["oldest_waiting"]["id"] == dead["id"]
    code, text, _ = run(capsys, "queue", "status", "--config", config)
    assert code == 0 and text.startswith("jobs: 1 waiting, 0 claimed, 0 dead")

    # the country is back: the next run's drain syncs the waiting job, nothing is left
    fakes.odoo.table("res.country").update(us)
    code, out, _ = run(capsys, "sync", "customers", "--config", config)
    assert code == 0 and "ran 1 due jobs; 0 waiting, 0 dead" in out
    assert run_json(capsys, "queue", "status", "--config", config)["counts"] == {
        "waiting": 0, "claimed": 0, "dead": 0}

    # purge: only dead jobs, only older than the age given
    drop_us(fakes)
    fakes.add_customer(2)
    assert run(capsys, "sync", "customers", "--config", config)[0] == 1
    code, _, err = run(capsys, "queue", "purge", "--older-than", "1d", "--config", config)
    assert code == 2 and "--dead" in err
    assert run_json(capsys, "queue", "purge", "--dead", "--older-than", "1d", "--yes",
                    "--config", config) == {"deleted": 0, "ids": []}
    dead_ids = [j["id"] for j in run_json(capsys, "queue", "dead", "--config", config)["jobs"]]
    assert dead_ids  # (the overlap window re-reads the first customer: it fails again too)
    purged = run_json(capsys, "queue", "purge", "--dead", "--older-than", "0", "--yes",
                      "--config", config)
    assert purged == {"deleted": len(dead_ids), "ids": dead_ids}
    assert run_json(capsys, "queue", "dead", "--config", config)["jobs"] == []


# ---- bindings -----------------------------------------------------------------------------


def test_bindings_commands(fakes: Fakes, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    customer = fakes.add_customer(1)
    config = str(fakes.write_config(tmp_path))
    assert run(capsys, "sync", "customers", "--config", config)[0] == 0
    listed = run_json(capsys, "bindings", "list", "customers", "--config", config)
    assert listed["total"] == 1 and listed["next_after"] is None
    (binding,) = listed["bindings"]
    assert binding["magento_id"] == str(customer) and binding["entity"] == "customers"
    partner = fakes.odoo.table("res.partner")[binding["odoo_id"]]
    assert partner["ref"] == f"MAGE-CUST-{customer}"

    shown = run_json(capsys, "bindings", "show", "customers", "--odoo",
                     str(binding["odoo_id"]), "--config", config)
    assert shown["binding"] == binding
    code, _, err = run(capsys, "bindings", "show", "customers", "--config", config)
    assert code == 2 and "--magento" in err
    unbound = run_json(capsys, "bindings", "unbind", "customers", "--magento", str(customer),
                       "--config", config)
    assert unbound["unbound"]["odoo_id"] == binding["odoo_id"]
    assert run_json(capsys, "bindings", "show", "customers", "--magento", str(customer),
                    "--config", config, code=1) == {"binding": None}
    assert run_json(capsys, "bindings", "unbind", "customers", "--magento", str(customer),
                    "--config", config, code=1) == {"unbound": None}
    # the next forced sync finds the partner again by its reference: no duplicate
    assert run(capsys, "sync", "customers", "--force", "--config", config)[0] == 0
    again = run_json(capsys, "bindings", "list", "customers", "--config", config)
    assert [b["odoo_id"] for b in again["bindings"]] == [binding["odoo_id"]]


# ---- webhooks -----------------------------------------------------------------------------


def test_webhooks_commands(fakes: Fakes, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    config = str(fakes.write_config(tmp_path))
    Path(config).write_text(Path(config).read_text() + "\n[entities.categories]\nrealtime = true\n")
    assert run_json(capsys, "webhooks", "list", "--config", config) == {"webhooks": []}
    code, _, err = run(capsys, "webhooks", "install", "--config", config)
    assert code == 2 and "--public-url" in err
    installed = run_json(capsys, "webhooks", "install", "--public-url",
                         "https://sync.example.com", "--config", config)
    (made,) = installed["installed"]
    assert made["model"] == "product.public.category" and made["created"] is True
    again = run_json(capsys, "webhooks", "install", "--public-url",
                     "https://sync.example.com", "--config", config)
    assert again["installed"][0]["created"] is False  # refreshed, not duplicated

    (listed,) = run_json(capsys, "webhooks", "list", "--config", config)["webhooks"]
    assert listed["automation_id"] == made["automation_id"]
    assert listed["action_ids"] == [made["action_id"]] and listed["active"] is True
    assert listed["url"] == "https://sync.example.com/odoo/webhook/***"

    removed = run_json(capsys, "webhooks", "remove", "--config", config)["removed"]
    assert [w["model"] for w in removed] == ["product.public.category"]
    assert made["automation_id"] not in fakes.odoo.table("base.automation")
    assert made["action_id"] not in fakes.odoo.table("ir.actions.server")
    assert run_json(capsys, "webhooks", "list", "--config", config) == {"webhooks": []}
