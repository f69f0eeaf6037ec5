"""``magodoo stores``: the store structure as the last Magento -> magodoo sync kept it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from magodoo.__main__ import main
from tests.runners.conftest import Fakes


def test_stores_lists_views_and_attribute_sets(
    fakes: Fakes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(fakes.write_config(tmp_path))
    for entity in ("stores", "attribute_sets"):
        assert main(["sync", entity, "--direction", "m2o", "--config", config]) == 0
    capsys.readouterr()
    assert main(["stores", "--config", config, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(v["code"], v["locale"]) for v in data["store_views"]] == [("default", "en_US")]
    assert [s["name"] for s in data["attribute_sets"]] == ["Default"]
    assert main(["stores", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "default" in out and "Product Details" in out
