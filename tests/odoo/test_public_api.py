from __future__ import annotations

import magodoo.odoo
import magodoo.odoo.models
from magodoo.odoo.models._base import OdooRecord


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then functions."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_and_exported() -> None:
    for module in (magodoo.odoo, magodoo.odoo.models):
        names = module.__all__
        assert names == sorted(names, key=_isort_key)
        assert len(set(names)) == len(names)
        for name in names:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_every_record_class_is_exported() -> None:
    records = {
        name for name in dir(magodoo.odoo.models)
        if isinstance(getattr(magodoo.odoo.models, name), type)
        and issubclass(getattr(magodoo.odoo.models, name), OdooRecord)
        and name != "OdooRecord"
    }
    assert records == {cls.__name__ for cls in magodoo.odoo.models.ALL_MODELS}
    assert records <= set(magodoo.odoo.__all__)
    models = [cls.MODEL for cls in magodoo.odoo.models.ALL_MODELS]
    assert len(models) == len(set(models))
