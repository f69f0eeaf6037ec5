"""runners/batch.py against the fakes on loopback, with a TOML file and secrets from env."""

from __future__ import annotations

from pathlib import Path

import pytest

from magodoo.engine.registry import default_registry
from magodoo.settings import ENTITIES
from tests.runners.conftest import MAGENTO_PASSWORD, ODOO_KEY, WEBHOOK_SECRET, Fakes, load_runner

batch = load_runner("batch")


def _out(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def _no_secrets(text: str) -> None:
    for secret in (MAGENTO_PASSWORD, ODOO_KEY, WEBHOOK_SECRET):
        assert secret not in text


def test_all_then_again(fakes: Fakes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                        ) -> None:
    ids = [fakes.add_customer(n) for n in range(3)]
    config = fakes.write_config(tmp_path)
    assert batch.main(["--config", str(config), "--all"]) == 0
    out = _out(capsys)
    _no_secrets(out)
    assert "queue: ran 0 due jobs; 0 waiting, 0 dead" in out
    # one line per entity and direction (categories go both ways)
    lines = {tuple(line.split()[:2]): line.split() for line in out.splitlines()
             if len(line.split()) > 1}
    assert lines[("customers", "m2o")][1:7] == ["m2o", "3", "0", "0", "0", "0"]
    categories = len(fakes.odoo.table("product.public.category"))
    assert lines[("categories", "o2m")][1:7] == ["o2m", str(categories), "0", "0", "0", "0"]
    assert float(lines[("customers", "m2o")][7]) >= 0  # each entity's time, in seconds
    assert len(lines[("customers", "m2o")]) == 8
    partners = [p for p in fakes.odoo.table("res.partner").values()
                if str(p.get("ref") or "").startswith("MAGE-CUST-")]
    assert len(partners) == len(ids)
    assert (tmp_path / "stores.sqlite3").exists()

    # a second cron run reads from the cursor (minus the overlap) and writes nothing
    assert batch.main(["--config", str(config), "--all"]) == 0
    lines = {tuple(line.split()[:2]): line.split() for line in _out(capsys).splitlines()
             if len(line.split()) > 1}
    assert lines[("customers", "m2o")][2:4] == ["0", "0"]
    assert lines[("categories", "o2m")][2:4] == ["0", "0"]
    assert lines[("categories", "m2o")][2:4] == ["0", "0"]


def test_one_entity_dry_run(fakes: Fakes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
                            ) -> None:
    fakes.add_customer(1)
    config = fakes.write_config(tmp_path)
    code = batch.main(["--config", str(config), "--entity", "customers",
                       "--direction", "magento_to_odoo", "--dry-run"])
    assert code == 0
    out = _out(capsys)
    assert "(dry run)" in out
    assert not [p for p in fakes.odoo.table("res.partner").values()
                if str(p.get("ref") or "").startswith("MAGE-CUST-")]


def test_failures_exit_1_and_are_listed(fakes: Fakes, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    fakes.add_customer(1)
    # an Odoo without the country of the address: the mapping fails for that customer
    countries = fakes.odoo.table("res.country")
    for cid in [i for i, r in countries.items() if r.get("code") == "US"]:
        del countries[cid]
    config = fakes.write_config(tmp_path)
    code = batch.main(["--config", str(config), "--entity", "customers", "--direction", "m2o",
                       "--since", "2000-01-01T00:00:00"])
    assert code == 1
    out = _out(capsys)
    assert "failures (1):" in out
    assert "unknown country code 'US'" in out
    # the failed record was queued for retry; not retriable, so it is dead after one more try
    assert "queue: ran 1 due jobs; 0 waiting, 1 dead" in out


@pytest.mark.parametrize(("toml", "needle"), [
    ("batch_size = 0", "batch_size: must be positive"),
    ("no_such_setting = 1", "no_such_setting: unknown setting"),
    ("[entities.customers]\nenabled = 'yes'", "entities.customers.enabled: must be true or false"),
])
def test_bad_config_names_the_key(fakes: Fakes, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  toml: str, needle: str) -> None:
    config = fakes.write_config(tmp_path, extra=toml) if not toml.startswith("[") else None
    if config is None:
        config = fakes.write_config(tmp_path)
        config.write_text(config.read_text() + "\n" + toml + "\n")
    code = batch.main(["--config", str(config), "--all"])
    assert code == 2
    out = _out(capsys)
    assert needle in out
    assert "Traceback" not in out
    _no_secrets(out)


def test_missing_file_and_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    assert batch.main(["--config", str(tmp_path / "nope.toml"), "--all"]) == 2
    assert "nope.toml" in _out(capsys)
    config = tmp_path / "empty.toml"
    config.write_text("")
    # customers sync only Magento -> Odoo: no --direction needed, the wrong one is refused
    assert batch.main(["--config", str(config), "--entity", "customers",
                       "--direction", "o2m"]) == 2
    assert "--direction: customers syncs only m2o" in _out(capsys)
    assert batch.main(["--config", str(config), "--entity", "custmers"]) == 2
    out = _out(capsys)
    assert "what can be synced: " in out and "customers (m2o)" in out
    unhandled = set(ENTITIES) - default_registry().entities()
    assert not [n for n in unhandled if f"{n} (" in out]  # only what has a handler
    assert batch.main(["--config", str(config), "--entity", "customers", "--direction", "m2o",
                       "--since", "yesterday"]) == 2
    assert "--since" in _out(capsys)


def test_missing_secret_is_named(fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("MAGODOO_ODOO_API_KEY")
    code = batch.main(["--config", str(fakes.write_config(tmp_path)), "--all"])
    assert code == 2
    out = _out(capsys)
    assert "MAGODOO_ODOO_API_KEY" in out
    assert "Traceback" not in out


def test_wrong_password_exit_3_without_leaking(fakes: Fakes, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    wrong = "Wrong-Magento-Pass-4242"
    monkeypatch.setenv("MAGODOO_MAGENTO_PASSWORD", wrong)
    code = batch.main(["--config", str(fakes.write_config(tmp_path)), "--entity", "customers",
                       "--direction", "m2o"])
    assert code == 3
    out = _out(capsys)
    assert "error:" in out
    assert wrong not in out
    _no_secrets(out)
    assert "Traceback" not in out
