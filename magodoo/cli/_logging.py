"""``--log-format text|json``: one line per log record on stderr, with the record's context.

Each line carries ``entity``, ``direction``, ``source_id`` and ``job_id`` when the code that
logged gave them (``extra=``), and the other ``extra`` fields too. Secrets are redacted.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from magodoo._redact import Redactor

__all__ = ["CONTEXT_FIELDS", "JsonFormatter", "TextFormatter", "configure_logging"]

CONTEXT_FIELDS = ("entity", "direction", "source_id", "job_id")
"""Fields every line carries when the record has them, first and in this order."""

_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def _context(record: logging.LogRecord) -> dict[str, Any]:
    extra = {k: v for k, v in vars(record).items() if k not in _STANDARD}
    ordered = {k: extra.pop(k) for k in CONTEXT_FIELDS if k in extra}
    return {**ordered, **dict(sorted(extra.items()))}


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time``, ``level``, ``logger``, ``message``, the context
    fields, then any other ``extra``; ``exception`` when there is one."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update({k: _plain(v) for k, v in _context(record).items()})
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return self.redactor.text(json.dumps(out, default=str))


class TextFormatter(logging.Formatter):
    """``time level logger: message [entity=... direction=... source_id=... job_id=...]``."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.redactor = redactor or Redactor()

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        context = {k: v for k, v in _context(record).items() if k in CONTEXT_FIELDS}
        if context:
            text += " [" + " ".join(f"{k}={v}" for k, v in context.items()) + "]"
        return self.redactor.text(text)


def configure_logging(verbose: bool = False, fmt: str = "text",
                      redactor: Redactor | None = None) -> logging.Handler:
    """Log to stderr at INFO (``verbose``) or WARNING, as text or JSON lines. Replaces the
    handler an earlier call added; returns the new one (remove it when done)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(redactor) if fmt == "json" else TextFormatter(redactor))
    handler.set_name("magodoo")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "magodoo"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    return handler
