"""The audit line, one per request nutgraf acts on, and the log formats; imports nothing of nutgraf's core.

An audit line says who asked for what and how it ended, with ids only: never a story's text, a
headline or a link (a link can name an unpublished story). With ``NUTGRAF_LOG_FORMAT=json`` every log
record is one JSON object a line, and an audit line's fields are top-level keys::

    {"time": "...", "level": "INFO", "logger": "nutgraf.audit", "message": "audit trigger=mention ...",
     "trigger": "mention", "team": "T1", "channel": "C1", "user": "U1", "story": "9f2c…",
     "cached": true, "outcome": "ok", "ms": 412}
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, Literal

logger = logging.getLogger("nutgraf.audit")

LogFormat = Literal["text", "json"]

#: The fields of an audit line, in the order the text format prints them.
FIELDS = ("trigger", "team", "channel", "user", "story", "cached", "outcome", "ms")


def audit(
    trigger: str,
    *,
    outcome: str,
    ms: float,
    team: str | None = None,
    channel: str | None = None,
    user: str | None = None,
    story: str | None = None,
    cached: bool | None = None,
) -> dict[str, Any]:
    """Log one audit line and return its fields. Every value must be an id, a flag or a number."""
    fields: dict[str, Any] = {
        "trigger": trigger,
        "team": team,
        "channel": channel,
        "user": user,
        "story": story,
        "cached": cached,
        "outcome": outcome,
        "ms": round(ms),
    }
    logger.info("audit %s", _pairs(fields), extra={"audit": fields})
    return fields


def _pairs(fields: dict[str, Any]) -> str:
    def show(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return " ".join(f"{name}={show(fields[name])}" for name in FIELDS)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, an audit line's fields, and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "audit", None)
        if isinstance(fields, dict):
            data.update(fields)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_private: ContextVar[bool] = ContextVar("nutgraf_private", default=False)


@contextmanager
def private_scope(private: bool = True) -> Iterator[None]:
    """While a private channel's request is handled (in this thread), log records keep ids only."""
    token = _private.set(private)
    try:
        yield
    finally:
        _private.reset(token)


class PrivateFilter(logging.Filter):
    """Withholds the details of log records made for a private channel's request (audit lines are ids only)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _private.get() and record.name != logger.name:
            record.msg, record.args = "details withheld (private channel)", None
            record.exc_info = record.exc_text = None
        return True


def configure_logging(level: int | str, fmt: LogFormat = "text") -> None:
    """Configure the root logger once, for an entry point: plain lines or JSON lines on standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(PrivateFilter())
    logging.basicConfig(level=level, handlers=[handler])
