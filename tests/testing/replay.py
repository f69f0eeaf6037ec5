"""What the replay tests of the recorded Magento samples share."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def sample_names(folder: Path) -> list[str]:
    """The recorded sample files of ``folder`` in order (none when the reference is absent)."""
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.glob("*.json"))


def shape(value: Any) -> Any:
    """Keys and JSON types, recursively; a list by its first element."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "null"
