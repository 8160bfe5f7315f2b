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

- conversation ids (on WhatsApp, a phone number) and client addresses: code
  never formats them into a message; it passes ``extra={"sender_id": ...}``
  (or runs inside :func:`conversation`), and this filter writes a keyed hash
  in their place, ``conv=<12 hex>`` / ``addr=<12 hex>``, anywhere they would
  appear, exception text included. The key (``LOG_ID_KEY``, else
  ``logs/log-id.key`` made once per deployment) is the same in every process,
  so an operator can still follow one conversation across processes and
  restarts, and can compute the hash of an id a person gives them.

Set ``LOG_FULL_TRACEBACKS=true`` to keep tracebacks whole (on test data).

``install`` adds one filter to every handler of the root logger and of the
loggers Sanic and rasa_sdk configure themselves (idempotent). No Rasa
imports: the action server uses it too.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Iterator, List, Optional

import settings

KEY_FILE = Path(__file__).resolve().parents[1] / "logs" / "log-id.key"
# the conversation being handled in this task; set by the channels around each message
_CURRENT: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("b12_log_conversation", default=None)
# phone numbers and the long numbers platforms use as chat ids, even when nobody announced them
# (Telegram's and Twilio's error texts quote the recipient)
_PHONE = re.compile(r"(whatsapp:|tel:)?\+\d[\d ]{6,}\d|(?<![\w.:/-])-?\d{7,}(?![\w.])")
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


def _key() -> bytes:
    configured = settings.get().log_id_key
    if configured:
        return configured.encode()
    try:
        return KEY_FILE.read_bytes().strip()
    except OSError:
        KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return KEY_FILE.read_bytes().strip()
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        return KEY_FILE.read_bytes().strip()


_KEY: Optional[bytes] = None


def log_id(value: str, kind: str = "conv") -> str:
    """What stands for a conversation id (or an address, kind="addr") in every log line."""
    global _KEY
    if _KEY is None:
        _KEY = _key()
    digest = hmac.new(_KEY, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:12]
    return f"{kind}={digest}"


@contextlib.contextmanager
def conversation(sender_id: Optional[str]) -> Iterator[None]:
    """Within this block (this task and what it awaits) log records are about `sender_id`."""
    token = _CURRENT.set(sender_id)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_conversation() -> Optional[str]:
    return _CURRENT.get()


class PrivacyFilter(logging.Filter):
    """Replaces ids by keyed hashes, redacts URLs with ids and tracebacks by exception types."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = [(v, "conv") for v in (getattr(record, "sender_id", None), _CURRENT.get()) if v]
        ids += [(v, "addr") for v in (getattr(record, "client_address", None),) if v]
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
        redacted = message
        for value, kind in ids:
            if str(value) in redacted:
                redacted = redacted.replace(str(value), log_id(str(value), kind))
        redacted = _PHONE.sub(lambda m: log_id(m.group(0)), redacted)
        redacted = _URL.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}…", redacted)
        if getattr(record, "sender_id", None):
            redacted += f" [{log_id(str(record.sender_id))}]"
        if getattr(record, "client_address", None):
            redacted += f" [{log_id(str(record.client_address), 'addr')}]"
        if redacted != message:
            record.msg = redacted
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
