from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from magodoo.exceptions import ConfigurationError
from magodoo.settings import ENTITIES, ENV_SECRETS, EntitySettings, Settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"

TOML = """
batch_size = 20
retry_count = 3

[magento]
url = "https://shop.example.com"
username = "admin"
auth = "password"
concurrency = 4

[odoo]
url = "https://erp.example.com"
database = "prod"
username = "bot"

[log]
expiry_days = 14

[entities.categories]
realtime = true

[entities.orders]
enabled = false
"""


def test_defaults() -> None:
    s = Settings()
    assert s.retry_count == 5
    assert s.batch_size == 50
    assert s.overlap_seconds == 60.0
    assert s.log.expiry_days == 7
    assert set(s.entities) == set(ENTITIES)
    assert s.is_enabled("customers")


def test_load_toml_and_env(tmp_path: Path) -> None:
    path = tmp_path / "magodoo.toml"
    path.write_text(TOML)
    env = {"MAGODOO_MAGENTO_PASSWORD": "m-secret-1", "MAGODOO_ODOO_API_KEY": "o-key-123"}
    s = Settings.load(path, env=env)
    assert s.batch_size == 20
    assert s.magento.auth == "password"
    assert s.magento.password == "m-secret-1"
    assert s.odoo.api_key == "o-key-123"
    assert s.entity("categories").realtime
    assert not s.is_enabled("orders")
    assert s.is_enabled("customers")  # untouched entities keep their defaults
    assert "m-secret-1" not in repr(s)
    assert "o-key-123" not in repr(s)


@pytest.mark.parametrize(("data", "key"), [
    ({"magento": {"concurrency": 0}}, "magento.concurrency"),
    ({"magento": {"concurrency": "8"}}, "magento.concurrency"),
    ({"batch_size": True}, "batch_size"),
    ({"odoo": {"protocol": "xmlrpc"}}, "odoo.protocol"),
    ({"log": {"enabled": "yes"}}, "log.enabled"),
    ({"magento": {"nope": 1}}, "magento.nope"),
    ({"entities": {"Widgets": {"enabled": True}}}, "entities.Widgets"),
    ({"entities": {"widgets": {"colour": 1}}}, "entities.widgets.colour"),
    ({"entities": {"orders": {"enabled": 1}}}, "entities.orders.enabled"),
    ({"odoo": {"api_key": "x"}}, "odoo.api_key"),
    ({"magento": "x"}, "magento"),
])
def test_bad_settings_name_the_key(data: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Settings.from_mapping(data)
    assert str(info.value).startswith(f"{key}:")


def test_secret_in_file_points_to_env() -> None:
    with pytest.raises(ConfigurationError, match="MAGODOO_ODOO_API_KEY"):
        Settings.from_mapping({"odoo": {"api_key": "x"}})


def test_bad_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="settings file"):
        Settings.load(tmp_path / "missing.toml", env={})
    bad = tmp_path / "bad.toml"
    bad.write_text("batch_size = ")
    with pytest.raises(ConfigurationError, match="settings file"):
        Settings.load(bad, env={})


def test_unknown_entity_lookup() -> None:
    # a name not configured (e.g. a custom entity without a table) gets the default flags;
    # a typo is caught by the engine, which knows the registered handlers
    assert Settings().entity("widgets") == EntitySettings()
    assert Settings().is_enabled("widgets")


def _keys(cls: type, prefix: str = "") -> list[str]:
    out: list[str] = []
    for field in attrs.fields(cls):
        if field.name == "entities":
            continue
        name = f"{prefix}{field.name}"
        if isinstance(field.type, type) and attrs.has(field.type):
            out += _keys(field.type, f"{name}.")
        elif attrs.has(type(field.default)) and field.default is not None:
            out += _keys(type(field.default), f"{name}.")
        else:
            out.append(name)
    return out


def test_docs_table_lists_every_setting_and_env_var() -> None:
    text = DOCS.read_text()
    for key in _keys(Settings):
        assert f"`{key}`" in text, key
    for env in ENV_SECRETS:
        assert f"`{env}`" in text, env
    assert "`entities.<name>.enabled`" in text
    assert "`entities.<name>.realtime`" in text
    named = re.findall(r"`([a-z_]+)`", text.split("Entity names", 1)[1].split("|")[0])
    assert tuple(named[1:]) == ENTITIES  # after "`sync_all`"


def test_section_left_out_still_reads_its_secrets_from_env() -> None:
    settings = Settings.from_mapping(
        {},
        env={"MAGODOO_WEBHOOK_SECRET": "s" * 20, "MAGODOO_ODOO_API_KEY": "k" * 20},
    )
    assert settings.realtime.secret == "s" * 20
    assert settings.odoo.api_key == "k" * 20
    assert "s" * 20 not in repr(settings)


def test_realtime_section() -> None:
    settings = Settings.from_mapping({"realtime": {"port": 9000, "workers": 3}})
    assert (settings.realtime.port, settings.realtime.workers) == (9000, 3)
    with pytest.raises(ConfigurationError, match=r"realtime\.workers"):
        Settings.from_mapping({"realtime": {"workers": 0}})
