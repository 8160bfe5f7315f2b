"""Keep health content and identifiers out of the logs at the default level.

Checked by starting the servers, holding a conversation with distinctive
words and a distinctive sender id, and reading every log line
(``tests/production/test_security.py``). What can carry them, and what is
done here:

- tracebacks of failed custom actions: Rasa logs the action server's error
  body with them (rasa_sdk's error body echoes the whole tracker), so a
  record's exception is reduced to the exception types;
- Sanic's error log names the request URL, and HTTP API URLs carry the
  conversation id (``/conversations/<id>/tracker``): URLs are reduced to
  their path's first segment;
- records that name a conversation id or quote a message are DEBUG in
  Rasa and rasa_sdk, so they stay out at INFO (the default); run with
  ``--debug`` only on test data.

Set ``LOG_FULL_TRACEBACKS=true`` to keep tracebacks whole (on test data).

``install`` adds one filter to every handler of the root logger and of the
loggers Sanic and rasa_sdk configure themselves (idempotent). No Rasa
imports: the action server uses it too.
"""
from __future__ import annotations

import logging
import re
from typing import List

import settings

_URL = re.compile(r"(https?://[^\s'\"/]+)?(/(conversations|privacy|webhooks)/)[^\s'\"]*")
_LOGGERS = ("", "sanic.root", "sanic.error", "sanic.access", "rasa", "rasa_sdk", "socketio", "engineio")


def _exception_summary(exc: BaseException) -> str:
    names: List[str] = []
    seen = set()
    while exc is not None and id(exc) not in seen and len(names) < 5:
        seen.add(id(exc))
        names.append(type(exc).__name__)
        exc = exc.__cause__ or exc.__context__
    return " <- ".join(names)


class PrivacyFilter(logging.Filter):
    """Redacts URLs with conversation ids and replaces tracebacks by exception types."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None and not _FULL_TRACEBACKS:
            summary = _exception_summary(record.exc_info[1])
            record.msg = f"{record.getMessage()} [{summary}; traceback withheld: it may quote the conversation]"
            record.args = None
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        try:
            message = record.getMessage()
        except Exception:
            return True
        if _URL.search(message):
            record.msg = _URL.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}…", message)
            record.args = None
        return True


_FULL_TRACEBACKS = settings.get().log_full_tracebacks
_FILTER = PrivacyFilter()


def install() -> None:
    """Add the filter to the handlers that exist now (call once logging is configured)."""
    for name in _LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
