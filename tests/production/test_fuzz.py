"""Bad input on the public endpoints of the real servers: refused (4xx) or answered kindly,
never a 5xx or a crash.

First the named cases (malformed JSON, wrong types, huge payloads, unicode oddities,
markup); then hypothesis generates JSON-ish bodies and strings for the REST webhook,
the socket.io ``user_uttered`` and ``session_request`` events, /chat/config.json, the
Telegram and WhatsApp webhooks (not configured here: they answer 503 "not configured"
by design, and nothing else) and the erase route. About a minute in all; afterwards
the server must still answer /status and hold a normal conversation.
"""
from __future__ import annotations

import asyncio
import json
import threading
import urllib.parse
import uuid

import pytest
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.servers import Servers, texts
from tests.production.client import call

PRIVACY_TOKEN = "fuzz-" + uuid.uuid4().hex
FUZZ = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=False)
MESSAGING = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_NUMBER")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    env = {k: None for k in MESSAGING}
    env.update({"PRIVACY_API_TOKEN": PRIVACY_TOKEN, "RATE_LIMIT_PER_SENDER": "0", "RATE_LIMIT_PER_IP": "0", "ACTION_SERVER_TOKEN": "fz-" + uuid.uuid4().hex})
    s = Servers(tmp_path_factory.mktemp("fuzz"), secure_actions=True, env=env)
    s.start_actions()
    s.start_rasa()
    yield s
    assert s.rasa.poll() is None, "Rasa exited during the fuzzing"
    s.stop()


def webhook(servers, body=None, raw=None):
    return call("POST", f"{servers.base}/webhooks/rest/webhook", body, raw=raw)


def assert_no_5xx(answer, allow_503_not_configured=False):
    if allow_503_not_configured and answer.status == 503:
        assert "not configured" in answer.text
        return
    assert answer.status < 500, (answer.status, answer.text[:300])


# ------------------------------------------------------------------ named cases
ODD_TEXTS = [
    "\x00",
    "numb\x00toes",
    "\ud800 lone surrogate \udfff",
    "tin\u200bgling \u200d\ufeff feet",
    "\u202eteef ym ni gnilgnit\u202c",
    "\u2066isolate\u2069 \u061c",
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "**bold** [link](javascript:alert(1)) {{7*7}} ${jndi:ldap://x} %s%n",
    "'; DROP TABLE events; --",
    "\r\n\r\n\t   ",
    "ｍｙ ｆｅｅｔ ｔｉｎｇｌｅ",
    "🦶🦶⚡️" * 50,
    "a" * 20_000,
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_odd_texts_get_a_kind_reply(servers, text):
    r = webhook(servers, {"sender": "fz-" + uuid.uuid4().hex[:8], "message": text})
    assert r.status == 200 and r.json and texts(r.json).strip()
    assert "<script>" not in texts(r.json)


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "a", "message": 5},
        {"sender": "a", "message": ["hi"]},
        {"sender": "a", "message": {"text": "hi"}},
        {"sender": "a", "message": True},
        {"sender": {"id": 1}, "message": "hi"},
        {"sender": 7, "message": "hi"},
        {"sender": None, "message": "hi"},
        {"message": "hi"},
        {"sender": "", "message": "hi"},
        {"sender": "x" * 10_000, "message": "hi"},
        {"sender": "nul\x00id", "message": "hi"},
        {"sender": "a/b", "message": "hi"},
        {"sender": "a", "message": "hi", "metadata": "nope"},
        ["sender", "message"],
        "just a string",
        12,
        None,
    ],
)
def test_wrong_types_are_refused_with_400(servers, body):
    r = webhook(servers, raw=json.dumps(body).encode())
    assert r.status == 400, (r.status, r.text[:200])


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe\x00", b'{"sender": "a", "message": "\\ud800', b"[" * 10_000, b'{"a":' * 5000])
def test_malformed_json_is_refused_with_4xx(servers, raw):
    r = webhook(servers, raw=raw)
    assert 400 <= r.status < 500, (r.status, r.text[:200])


def test_metadata_of_any_shape_is_tolerated(servers):
    for metadata in ({"locale": 5}, {"locale": "zz"}, {"deep": [[[[[[{"x": "y"}]]]]]]}, {"big": "x" * 100_000}, {"\x00": "\ud800"}):
        r = webhook(servers, {"sender": "fz-" + uuid.uuid4().hex[:8], "message": "hi", "metadata": metadata})
        assert r.status == 200 and texts(r.json)


def test_a_huge_payload_gets_413(servers):
    r = webhook(servers, raw=b'{"sender": "a", "message": "' + b"a" * 3_000_000 + b'"}')
    assert r.status == 413


# ------------------------------------------------------------------ generated
odd_chars = st.characters(exclude_categories=())
strings = st.one_of(st.text(odd_chars, max_size=60), st.sampled_from(ODD_TEXTS[:-1]), st.text(max_size=300))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), strings)
json_values = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(strings, kids, max_size=4)), max_leaves=12)
rest_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"sender": st.one_of(strings, json_values), "message": st.one_of(strings, json_values)},
        optional={"metadata": json_values, "input_channel": json_values, "stream": json_values},
    ),
    st.fixed_dictionaries({"sender": st.text(st.characters(min_codepoint=48, max_codepoint=122), min_size=1, max_size=20), "message": strings}),
)


def dumps(value) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


@settings(FUZZ, max_examples=700)
@given(body=rest_bodies)
def test_fuzz_the_rest_webhook(servers, body):
    assert_no_5xx(webhook(servers, raw=dumps(body)))


@settings(FUZZ, max_examples=300)
@given(raw=st.binary(max_size=300))
def test_fuzz_the_rest_webhook_with_raw_bytes(servers, raw):
    assert_no_5xx(webhook(servers, raw=raw))


@settings(FUZZ, max_examples=200)
@given(locale=strings)
def test_fuzz_the_widget_config(servers, locale):
    r = call("GET", f"{servers.base}/chat/config.json?locale={urllib.parse.quote(locale.encode('utf-8', 'surrogatepass'))}")
    assert r.status == 200 and r.json["emergency_number"] in ("999", "112", "911")


@settings(FUZZ, max_examples=300)
@given(body=json_values, path=st.sampled_from(["/webhooks/telegram/webhook", "/webhooks/whatsapp/webhook"]))
def test_fuzz_the_messaging_webhooks_when_not_configured(servers, body, path):
    assert_no_5xx(call("POST", servers.base + path, raw=dumps(body)), allow_503_not_configured=True)


@settings(FUZZ, max_examples=300)
@given(sender=strings, authorised=st.booleans())
def test_fuzz_the_erase_route(servers, sender, authorised):
    quoted = urllib.parse.quote(sender.encode("utf-8", "surrogatepass"), safe="")
    headers = {"Authorization": f"Bearer {PRIVACY_TOKEN}"} if authorised else {}
    r = call("DELETE", f"{servers.base}/privacy/conversations/{quoted}", headers=headers)
    assert_no_5xx(r)
    if not authorised:
        assert r.status in (401, 403, 404, 405)


class _Socket:
    """One socket.io client on a loop in a background thread, for synchronous hypothesis tests."""

    def __init__(self, base: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.sio = socketio.AsyncClient(reconnection=False)
        self.replies = []
        self.sio.on("bot_uttered", self._on_bot)
        self.run(self.sio.connect(base, socketio_path="/socket.io", transports=["websocket"]))

    async def _on_bot(self, data):
        self.replies.append(data)

    def run(self, coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.sio.disconnect())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


socket_payloads = st.one_of(
    json_values,
    st.fixed_dictionaries({"message": st.one_of(strings, json_values), "session_id": st.one_of(strings, json_values)}, optional={"metadata": json_values}),
)


def test_fuzz_socketio_events(servers):
    sock = _Socket(servers.base)
    try:
        sock.run(sock.sio.emit("session_request", {"session_id": "fz-socket-session"}))

        @settings(FUZZ, max_examples=400)
        @given(event=st.sampled_from(["user_uttered", "session_request"]), data=socket_payloads)
        def emit(event, data):
            sock.run(sock.sio.emit(event, json.loads(dumps(data).decode("utf-8", "surrogatepass"))))

        emit()
        assert sock.sio.connected
        before = len(sock.replies)
        sock.run(sock.sio.emit("session_request", {"session_id": "fz-socket-ok"}))
        sock.run(sock.sio.emit("user_uttered", {"message": "hi", "session_id": "fz-socket-ok"}))
        for _ in range(600):
            if any("safety check" in (r.get("text") or "") for r in sock.replies[before:]):
                break
            sock.run(asyncio.sleep(0.1))
        assert any("safety check" in (r.get("text") or "") for r in sock.replies[before:])
    finally:
        sock.close()


def test_the_server_still_answers_after_the_fuzzing(servers):
    assert call("GET", f"{servers.base}/status").status == 200
    assert servers.rasa.poll() is None and servers.actions.poll() is None
    assert "safety check" in texts(servers.say("fz-after-" + uuid.uuid4().hex[:6], "hi"))
