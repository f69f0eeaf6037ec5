"""Errors raised by the stores (defined in :mod:`magodoo.exceptions`)."""

from __future__ import annotations

from magodoo.exceptions import BindingConflictError, JobNotFoundError, MissingExtraError

__all__ = ["BindingConflictError", "JobNotFoundError", "MissingExtraError"]
