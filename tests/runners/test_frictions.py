"""Issue 8, "a first-time user's frictions": each one driven through the command line."""

from __future__ import annotations

import json
import logging
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest

from magodoo.cli import main
from magodoo.cli._logging import JsonFormatter, TextFormatter
from magodoo.engine.registry import default_registry
from magodoo.exceptions import ConfigurationError, NotFoundError, TransportError
from magodoo.settings import ENTITIES, Settings
from magodoo.testing._odoo.faults import Faults
from tests.runners.conftest import MAGENTO_PASSWORD, ODOO_KEY, ROOT, Fakes


def outputs(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    for secret in (MAGENTO_PASSWORD, ODOO_KEY):
        assert secret not in captured.out + captured.err
    return captured.out, captured.err


# 1. a relative stores.path is taken from the settings file's folder ----------------------


def test_relative_store_path_follows_the_settings_file(
        fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    config = fakes.write_config(site)
    text = config.read_text()
    config.write_text(text[:text.index("path =")] + 'path = "state/magodoo.sqlite3"\n')
    (site / "state").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    fakes.add_customer(1)
    assert main(["sync", "customers", "--config", "../site/magodoo.toml"]) == 0
    assert (site / "state" / "magodoo.sqlite3").exists()
    assert not list(elsewhere.iterdir())
    # a second run from another folder finds the same store: nothing is written again
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["sync", "customers", "--config", "site/magodoo.toml", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["entities"]
    assert row["created"] == 0 and row["updated"] == 0

    loaded = Settings.load(site / "magodoo.toml")
    assert loaded.stores.path == str(site / "state" / "magodoo.sqlite3")
    absolute = Settings.from_mapping({"stores": {"path": "/var/lib/x.sqlite3"}})
    assert absolute.stores.path == "/var/lib/x.sqlite3"


# 3. a store file that is not SQLite, an unwritable demo folder: one line each ------------


def test_store_file_that_is_not_sqlite(fakes: Fakes, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    config = fakes.write_config(tmp_path)
    (tmp_path / "stores.sqlite3").write_bytes(b"this is a text file, not a database\n" * 40)
    assert main(["sync", "customers", "--config", str(config)]) == 3
    out, err = outputs(capsys)
    assert err.count("\n") == 1 and err.startswith("error: stores.path: not a SQLite database")
    assert "Traceback" not in out + err


def test_demo_keep_in_a_folder_that_cannot_be_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["demo", "--keep", str(blocker / "sub")]) == 2
    out, err = outputs(capsys)
    assert err.count("\n") == 1 and err.startswith("error: --keep: cannot write in")
    assert out == ""


# 4. a URL without a scheme is refused when the settings load, naming the key -------------


@pytest.mark.parametrize(("section", "key"), [("magento", "url"), ("odoo", "url"),
                                              ("realtime", "public_url")])
def test_url_without_scheme_is_refused_at_load(section: str, key: str) -> None:
    with pytest.raises(ConfigurationError, match=rf"^{section}\.{key}: must be an absolute URL"):
        Settings.from_mapping({section: {key: "shop.example.com"}})
    with pytest.raises(ConfigurationError, match=rf"^{section}\.{key}: "):
        Settings.from_mapping({section: {key: "ftp://shop.example.com"}})
    assert getattr(Settings.from_mapping({section: {key: "https://x.example"}}).__getattribute__(
        section), key) == "https://x.example"


def test_url_without_scheme_exits_2(fakes: Fakes, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = fakes.write_config(tmp_path)
    config.write_text(config.read_text().replace(f'url = "{fakes.magento_url}"',
                                                 'url = "shop.example.com"'))
    assert main(["check", "--config", str(config)]) == 2
    _, err = outputs(capsys)
    assert err.startswith("error: magento.url: must be an absolute URL")


# 5. transport and auth errors show method and path, not the query -------------------------


def test_errors_show_the_path_without_the_query() -> None:
    query = "searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=x" * 10
    url = f"https://shop.example.com/rest/all/V1/customers/search?{query}"
    transport = TransportError("ClientConnectorError: refused", method="GET", url=url)
    assert str(transport) == ("GET https://shop.example.com/rest/all/V1/customers/search?...: "
                              "ClientConnectorError: refused")
    assert transport.url == url  # kept whole for the sync log and for callers
    remote = NotFoundError("no such entity", method="GET", url=url, status=404)
    assert "searchCriteria" not in str(remote) and remote.url == url
    plain = NotFoundError("x", method="GET", url="https://e.example/jsonrpc", status=404)
    assert str(plain) == "GET https://e.example/jsonrpc -> 404: x"


def test_unreachable_server_error_is_short(fakes: Fakes, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    config = fakes.write_config(tmp_path)
    config.write_text(config.read_text().replace(fakes.magento_url, "http://127.0.0.1:9"))
    fakes.add_customer(1)
    assert main(["sync", "customers", "--config", str(config)]) == 3
    _, err = outputs(capsys)
    assert "searchCriteria" not in err and err.count("\n") == 1


# 7. a failure that succeeds on its retry in the same run: the run succeeded ---------------


class FailFirst(Faults):
    """The fake Odoo answers its first request with a 500, then behaves."""

    def decide(self) -> tuple[str, int]:
        self.seen += 1
        return ("fail", 500) if self.seen == 1 else ("ok", 0)


def test_failure_recovered_in_the_same_run(fakes: Fakes, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    fakes.add_customer(1)
    config = str(fakes.write_config(tmp_path))
    fakes.odoo.faults = FailFirst()
    assert main(["sync", "customers", "--config", config]) == 0
    out, _ = outputs(capsys)
    (row,) = [line for line in out.splitlines() if line.startswith("customers")]
    assert row.split()[6] == "0" and "(1 failed, then synced on retry)" in row
    assert "failures" not in out
    assert "queue: ran 1 due jobs; 0 waiting, 0 dead" in out

    fakes.add_customer(2)
    fakes.odoo.faults = FailFirst()
    assert main(["sync", "customers", "--config", config, "--json"]) == 0
    summary = json.loads(outputs(capsys)[0])
    assert summary["ok"] is True and summary["failures"] == []
    # (the overlap window reads customer 1 again: the failed page held both)
    assert summary["entities"][0]["recovered"] == 2 and summary["entities"][0]["failed"] == 0


# 8. only what can be synced, --direction only for two-way entities ------------------------


def test_entity_without_direction(fakes: Fakes, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    fakes.add_customer(1)
    config = str(fakes.write_config(tmp_path))
    assert main(["sync", "customers", "--config", config]) == 0
    assert main(["sync", "products", "--config", config, "--direction", "m2o"]) == 2
    _, err = outputs(capsys)
    assert "--direction: products syncs only o2m" in err
    assert main(["sync", "widgets", "--config", config]) == 2
    _, err = outputs(capsys)
    assert "'widgets': nothing syncs this entity type; what can be synced:" in err
    assert "customers (m2o)" in err and "categories (m2o/o2m)" in err
    unhandled = set(ENTITIES) - default_registry().entities()
    assert not [n for n in unhandled if f"{n} (" in err]  # only what has a handler


# 9. --version, the fakes' help ---------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == "magodoo 0.1.0"


# 10. packaging ------------------------------------------------------------------------------


def test_packaging_metadata() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert {"Homepage", "Documentation", "Source", "Issues"} <= set(project["urls"])
    assert project["scripts"] == {"magodoo": "magodoo.cli:main"}
    manifest = (ROOT / "MANIFEST.in").read_text().split()
    for folder in ("docs", "runners", "tests", "benchmarks"):
        assert folder in manifest
    assert "tox.ini" in manifest


# 11. the docs cite what a reader can open ---------------------------------------------------


def test_configuration_doc_cites_nothing_missing() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    assert "NOTES.md" not in text
    assert "MAGODOO_CONFIG" in text and "settings file's folder" in text


# --config from MAGODOO_CONFIG; --log-format -------------------------------------------------


def test_config_from_the_environment(fakes: Fakes, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2
    assert "--config: missing; give --config FILE or set MAGODOO_CONFIG" in outputs(capsys)[1]
    monkeypatch.setenv("MAGODOO_CONFIG", str(fakes.write_config(tmp_path)))
    assert main(["check", "--json"]) == 0
    report = json.loads(outputs(capsys)[0])
    assert report["ok"] is True and [s["server"] for s in report["servers"]] == [
        "magento", "odoo"]


def _record(**extra: Any) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "magodoo.engine", "levelname": "WARNING",
                                    "levelno": logging.WARNING,
                                    "msg": "page failed with %s", "args": ("Bearer abc123",)})
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_log_formats_carry_the_context() -> None:
    record = _record(entity="customers", direction="m2o", source_id="42", job_id=7, extra_n=3)
    line = json.loads(JsonFormatter().format(record))
    assert list(line)[:8] == ["time", "level", "logger", "message", "entity", "direction",
                              "source_id", "job_id"]
    assert line["entity"] == "customers" and line["job_id"] == 7 and line["extra_n"] == 3
    assert "abc123" not in line["message"]  # redacted
    text = TextFormatter().format(record)
    assert text.endswith("[entity=customers direction=m2o source_id=42 job_id=7]")
    assert "abc123" not in text
    bare = json.loads(JsonFormatter().format(_record()))
    assert "entity" not in bare


def test_log_format_json_on_the_command_line(fakes: Fakes, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    fakes.add_customer(1)
    config = str(fakes.write_config(tmp_path))
    fakes.odoo.faults = FailFirst()
    assert main(["sync", "customers", "--config", config, "--json", "-v",
                 "--log-format", "json"]) == 0
    out, err = outputs(capsys)
    json.loads(out)
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(x) for x in lines)
    assert any(x.get("entity") == "customers" for x in lines)


def test_runner_scripts_are_thin() -> None:
    for name in ("batch", "realtime"):
        text = (ROOT / "runners" / f"{name}.py").read_text()
        assert "from magodoo.cli import" in text and "magodoo.__main__" not in text
    assert os.path.getsize(ROOT / "magodoo" / "__main__.py") < 400


def test_the_fakes_help(capsys: pytest.CaptureFixture[str]) -> None:
    from magodoo.testing import fake_magento, fake_odoo

    with pytest.raises(SystemExit):
        fake_odoo.main(["--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: python -m magodoo.testing.fake_odoo")
    assert "fake_odoo.py" not in text
    with pytest.raises(SystemExit):
        fake_magento.main(["--help"])
    text = capsys.readouterr().out
    options = [line.split()[0] for line in text.splitlines()
               if line.startswith("  --") and line.split()[0] != "--help"]
    assert len(options) >= 12
    for line in text.split("options:")[1].split("\n  -")[1:]:
        assert len(line.split()) > 2, f"no help text: {line!r}"


# 2. --force after a partner was deleted by hand: the addresses follow the new partner ------


def _compare(config: str) -> list[Any]:
    import asyncio

    from magodoo.engine.wiring import connect
    from magodoo.reconcile import compare_customers

    async def run() -> list[Any]:
        settings = Settings.load(config)
        async with await connect(settings) as conn:
            return [d async for d in compare_customers(
                conn.magento, conn.odoo, conn.stores, settings.backend,
                defaults=settings.defaults)]

    return asyncio.run(run())


def _address_binding(config: str, address_id: str) -> int | None:
    import asyncio

    from magodoo.backends import open_sqlite_stores

    async def run() -> int | None:
        async with await open_sqlite_stores(Settings.load(config).stores.path) as stores:
            found = await stores.bindings.get_by_magento("default", "customer_addresses",
                                                         address_id)
            return None if found is None else found.odoo_id

    return asyncio.run(run())


def _rebind_address(config: str, address_id: str, odoo_id: int) -> None:
    import asyncio

    from magodoo.backends import Binding, open_sqlite_stores

    async def run() -> None:
        async with await open_sqlite_stores(Settings.load(config).stores.path) as stores:
            await stores.bindings.unbind("default", "customer_addresses",
                                         magento_id=address_id)
            await stores.bindings.unbind("default", "customer_addresses", odoo_id=odoo_id)
            await stores.bindings.bind(Binding("default", "customer_addresses", address_id,
                                               odoo_id))

    asyncio.run(run())


def test_force_after_a_partner_deleted_by_hand_rebinds_its_addresses(
        fakes: Fakes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    customer = fakes.add_customer(1)
    other = fakes.add_customer(2)
    config = str(fakes.write_config(tmp_path))
    assert main(["sync", "customers", "--config", config]) == 0
    partners = fakes.odoo.table("res.partner")
    (first,) = [i for i, p in partners.items() if p.get("ref") == f"MAGE-CUST-{customer}"]
    (orphan,) = [i for i, p in partners.items() if p.get("parent_id") == first]
    address = str(partners[orphan]["ref"]).removeprefix("MAGE-ADDR-")
    assert _address_binding(config, address) == orphan
    assert _compare(config) == []

    # deleted by hand in Odoo: the child contacts survive as top-level partners
    del partners[first]
    partners[orphan]["parent_id"] = False
    capsys.readouterr()
    assert main(["sync", "customers", "--force", "--config", config]) == 0
    _, err = outputs(capsys)
    partners = fakes.odoo.table("res.partner")  # (the fake replaces its tables on writes)
    (second,) = [i for i, p in partners.items() if p.get("ref") == f"MAGE-CUST-{customer}"]
    (child,) = [i for i, p in partners.items()
                if p.get("ref") == f"MAGE-ADDR-{address}" and p.get("parent_id") == second]
    assert second != first and child != orphan
    assert _address_binding(config, address) == child  # moved to the new partner's contact
    assert main(["sync", "customers", "--force", "--config", config, "-v"]) == 0
    _, err = outputs(capsys)
    assert "address binding skipped" not in err
    assert [d for d in _compare(config) if d.field and "binding" in d.field] == []

    # a binding that points at a contact of another partner, or at the orphan: seen
    (other_child,) = [i for i, p in partners.items()
                      if str(p.get("ref") or "").startswith("MAGE-ADDR-")
                      and p.get("parent_id") not in (False, None, second)
                      and partners.get(p["parent_id"], {}).get("ref") == f"MAGE-CUST-{other}"]
    _rebind_address(config, address, other_child)
    partners = fakes.odoo.table("res.partner")
    found = [d for d in _compare(config) if d.field == "addresses[0].binding"]
    assert [(d.magento_id, d.odoo_id, d.odoo_value) for d in found] == [
        (str(customer), second, f"contact {other_child} of partner "
                                f"{partners[other_child]['parent_id']}")]
    _rebind_address(config, address, orphan)
    (diff,) = [d for d in _compare(config) if d.field == "addresses[0].binding"]
    assert diff.odoo_value == f"contact {orphan} without a parent"
    assert diff.magento_value == f"a contact of partner {second}"
    # and the next --force repairs it
    assert main(["sync", "customers", "--force", "--config", config]) == 0
    assert _address_binding(config, address) == child
    assert [d for d in _compare(config) if d.field and "binding" in d.field] == []


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    first, second = report["passes"]
    assert {e["entity"] for e in first["entities"]} >= {"customers", "categories"}
    assert all(e["created"] == e["updated"] == 0 for e in second["entities"])
    assert report["store_path"] is None and report["log_entries"] > 0
