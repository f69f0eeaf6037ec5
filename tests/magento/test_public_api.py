"""The public names of ``magodoo.magento``."""

from __future__ import annotations

import magodoo.magento as magento
from magodoo.magento import models


def test_all_is_sorted_and_exported() -> None:
    assert magento.__all__ == sorted(magento.__all__)
    for name in magento.__all__:
        assert hasattr(magento, name), name
    public = {n for n in vars(magento) if not n.startswith("_")}
    modules = {"auth", "client", "errors", "models", "search", "models_catalog",
               "models_common", "models_customers", "models_prices", "models_sales", "models_store",
               "annotations"}
    assert public - modules == set(magento.__all__)
    assert set(models.__all__) <= set(magento.__all__) | {"ApiModel"}
