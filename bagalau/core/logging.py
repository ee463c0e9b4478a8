"""Structured logs: one JSON object a line on stdout, for production (DEBUG=0).

`JsonFormatter` is named in settings.LOGGING and in gunicorn.conf.py; it has no
dependency beyond the standard library. Every line has `time` (UTC, ISO 8601), `level`,
`logger` and `message`; requests add `method`, `path`, `status`, `duration_ms` and
`user_id` (see `bagalau.core.middleware.RequestLogMiddleware`); errors add `exc`.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has: anything else was passed with `extra=` and is emitted.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)
# gunicorn's access log passes its "atoms" as a mapping; these become fields.
_GUNICORN_ATOMS = {"h": "remote", "m": "method", "U": "path", "q": "query", "s": "status"}


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            payload.update(_gunicorn_fields(record.args))
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            payload["exc"] = record.exc_text
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def _gunicorn_fields(atoms: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for atom, name in _GUNICORN_ATOMS.items():
        value = atoms.get(atom)
        if value not in (None, "-", ""):
            fields[name] = value
    with contextlib.suppress(KeyError, TypeError, ValueError):
        fields["status"] = int(fields["status"])
    with contextlib.suppress(KeyError, TypeError, ValueError):  # D: microseconds
        fields["duration_ms"] = round(int(atoms["D"]) / 1000, 1)
    return fields
