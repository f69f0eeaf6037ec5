"""``python -m magodoo``: the ``magodoo`` command (see :mod:`magodoo.cli`)."""

from __future__ import annotations

import sys

from magodoo.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
