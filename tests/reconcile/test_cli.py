"""``magodoo reconcile`` over the fakes: exit codes, the table, --output, --json, --repair."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from magodoo.cli import main
from magodoo.testing._magento.customers import update_customer
from tests.runners.conftest import MAGENTO_PASSWORD, ODOO_KEY, Fakes, fakes  # noqa: F401


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    for secret in (MAGENTO_PASSWORD, ODOO_KEY):
        assert secret not in out.out + out.err
    return code, out.out, out.err


def test_reconcile_command(fakes: Fakes, tmp_path: Path,  # noqa: F811
                           capsys: pytest.CaptureFixture[str]) -> None:
    first, second = fakes.add_customer(1), fakes.add_customer(2)
    config = str(fakes.write_config(tmp_path))

    code, out, _ = run(capsys, "reconcile", "customers", "--config", config)
    assert code == 1, out
    assert "missing_in_odoo" in out and "customers" in out and "2 differences" in out

    assert run(capsys, "sync", "customers", "--config", config)[0] == 0
    code, out, _ = run(capsys, "reconcile", "customers", "--config", config)
    assert code == 0, out
    assert out.strip().splitlines()[-1] == "clean: 2 pairs agree in 1 entities"

    update_customer(fakes.magento.state, first, {"lastname": "Changed"})  # not synced yet
    report = tmp_path / "report.csv"
    code, out, _ = run(capsys, "reconcile", "customers", "--config", config, "--json",
                       "--output", str(report), "--repair")
    assert code == 1
    document = json.loads(out)
    assert document["clean"] is False and document["exit_code"] == 1
    assert [(d["kind"], d["magento_id"], d["field"], d["magento_value"], d["odoo_value"])
            for d in document["differences"]] == [
        ("field_mismatch", str(first), "name", "Jane Changed", "Jane Doe1")]
    assert document["summary"][0]["agreeing"] == 1
    assert document["repair"] == [{"entity": "customers", "direction": "m2o",
                                   "key": str(first), "action": "sync",
                                   "reason": "field_mismatch name"}]
    with report.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["magento_id"], r["field"], r["source_of_truth"]) for r in rows] == [
        (str(first), "name", "magento")]

    queued = json.loads(run(capsys, "queue", "list", "--config", config, "--json")[1])
    assert [(j["entity"], j["record_key"]) for j in queued["jobs"]] == [
        ("customers", str(first))]
    assert second  # (the other customer agrees throughout)

    # the next sync works the queue: the Odoo partner is rewritten, the next check is clean
    assert run(capsys, "sync", "customers", "--config", config)[0] == 0
    code, out, _ = run(capsys, "reconcile", "--config", config, "customers")
    assert code == 0, out


def test_unknown_entity_exits_2(fakes: Fakes, tmp_path: Path,  # noqa: F811
                                capsys: pytest.CaptureFixture[str]) -> None:
    config = str(fakes.write_config(tmp_path))
    code, _, err = run(capsys, "reconcile", "nonsense", "--config", config)
    assert code == 2 and "'nonsense'" in err and "customers" in err


def test_help_lists_every_entity_family(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["reconcile", "--help"])
    assert stop.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for entity in ("websites", "stores", "attribute_sets", "customers", "orders", "invoices",
                   "credit_memos", "shipments"):
        assert entity in text, entity
