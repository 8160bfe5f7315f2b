"""One filter is the only way a conversation id or an address reaches a log: as a keyed hash."""
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from channels import log_privacy
from channels.log_privacy import PrivacyFilter, conversation, log_id

ROOT = Path(__file__).resolve().parents[2]
PLANTED = "whatsapp:+447700900123"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    import settings

    monkeypatch.setenv("LOG_ID_KEY", "test-key")
    settings.reload()
    log_privacy._KEY = None
    yield
    log_privacy._KEY = None


def _filtered(msg, *args, exc=None, **extra):
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, msg, args, exc)
    for k, v in extra.items():
        setattr(record, k, v)
    PrivacyFilter().filter(record)
    return record.getMessage()


def test_an_id_passed_as_extra_is_written_as_its_keyed_hash():
    out = _filtered("saving a conversation failed", sender_id="u-7781-secret")
    assert "u-7781-secret" not in out and log_id("u-7781-secret") in out


def test_an_id_inside_the_message_of_the_conversation_being_handled_is_replaced():
    with conversation("u-7781-secret"):
        out = _filtered("could not read %s: error near 'u-7781-secret'", "u-7781-secret")
    assert "u-7781-secret" not in out and out.count(log_id("u-7781-secret")) == 2


def test_a_phone_number_is_never_logged_even_unannounced():
    out = _filtered("twilio said no for %s", PLANTED)
    assert "7700900123" not in out and "conv=" in out


def test_an_exception_carrying_the_id_is_reduced_to_types():
    try:
        raise ValueError(f"bad tracker for {PLANTED} with pins and needles")
    except ValueError:
        out = _filtered("turn failed", exc=sys.exc_info(), sender_id=PLANTED)
    assert "7700900123" not in out and "pins and needles" not in out and "ValueError" in out


def test_an_address_is_hashed_apart_from_conversations():
    out = _filtered("forged webhook", client_address="203.0.113.7")
    assert "203.0.113.7" not in out and log_id("203.0.113.7", "addr") in out


def test_the_hash_is_the_same_in_every_process_with_the_same_key():
    code = "import settings; from channels.log_privacy import log_id; print(log_id('u-1'))"
    env = {"PYTHONPATH": str(ROOT), "LOG_ID_KEY": "test-key", "PATH": ""}
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip()
    assert other == log_id("u-1") and other.startswith("conv=") and len(other) == len("conv=") + 12


def test_a_long_number_such_as_a_chat_id_is_hashed_but_times_and_ports_are_kept():
    out = _filtered("Telegram sendMessage answered 400: Bad Request: chat 167986000 not found at 23:34:00 port 5005")
    assert "167986000" not in out and "23:34:00" in out and "5005" in out
