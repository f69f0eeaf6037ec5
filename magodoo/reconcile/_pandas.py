"""The optional pandas import (``pip install 'magodoo[pandas]'``)."""

from __future__ import annotations

import importlib
from typing import Any

from magodoo.exceptions import MissingExtraError

__all__ = ["DataFrame", "require_pandas"]

DataFrame = Any
"""A ``pandas.DataFrame``. Typed ``Any`` so that magodoo type-checks without pandas stubs."""


def require_pandas() -> Any:
    """The ``pandas`` module, or :class:`MissingExtraError` naming the extra to install."""
    try:
        return importlib.import_module("pandas")
    except ImportError as exc:
        raise MissingExtraError(
            "this function returns a pandas DataFrame and pandas is not installed: "
            "pip install 'magodoo[pandas]'"
        ) from exc
