"""Security on the real servers: HTTP API token and JWT, the action server's address and
shared secret, CORS, rate limits, size limits, and logs free of health content and ids.

One Rasa and one action server (actions/server.py) for the module, configured as in
production: --auth-token and --jwt-secret, ACTION_SERVER_TOKEN, CORS_ORIGINS set to one
site, behind a (pretend) proxy (SANIC_PROXIES_COUNT=1, so X-Forwarded-For gives the
client address), a small per-address limit so the test stays short, default log level.
"""
from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest
import socketio

from tests.integration.servers import ROOT, Servers, texts
from tests.production.client import call, jwt_for, log_text

TOKEN = "api-" + uuid.uuid4().hex
JWT_SECRET = "jwt-" + uuid.uuid4().hex
ACTION_TOKEN = "act-" + uuid.uuid4().hex
ALLOWED = "https://clinic.example.org"
OTHER = "https://evil.example.com"
PER_IP = 20
# what must never reach a log line: the conversation ids and distinctive words people wrote
TAG = uuid.uuid4().hex[:8]
LOG_SECRETS = {
    "sender": f"zq-sec-{TAG}",
    "words": "xylophonist Quimbledorf",
    "red_flag": "my chest feels tight and heavy since the Quimbledorf fair",
}


def uid(prefix: str = "sec") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def secure(tmp_path_factory):
    s = Servers(
        tmp_path_factory.mktemp("secure"),
        token=TOKEN,
        jwt_secret=JWT_SECRET,
        cors=(ALLOWED,),
        secure_actions=True,
        env={
            "ACTION_SERVER_TOKEN": ACTION_TOKEN,
            "CORS_ORIGINS": ALLOWED,
            "SANIC_PROXIES_COUNT": "1",
            "RATE_LIMIT_PER_IP": str(PER_IP),
            "RATE_LIMIT_IP_BURST": str(PER_IP),
            "SANIC_REQUEST_MAX_SIZE": None,
            "PRIVACY_API_TOKEN": None,
            "RASA_TOKEN": None,
            "LOG_LEVEL": None,
            "LOG_FULL_TRACEBACKS": None,
        },
    )
    s.start_actions()
    s.start_rasa()
    yield s
    s.stop()


def post_message(base: str, sender, message, headers=None, metadata=None):
    body = {"sender": sender, "message": message}
    if metadata is not None:
        body["metadata"] = metadata
    return call("POST", f"{base}/webhooks/rest/webhook", body, headers=headers)


# ------------------------------------------------------------------ 1. the HTTP API needs a token or a JWT
API_CALLS = [
    ("GET", "/conversations/{u}/tracker", None),
    ("GET", "/conversations/{u}/story", None),
    ("POST", "/model/parse", {"text": "my feet tingle"}),
    ("POST", "/conversations/{u}/trigger_intent", {"name": "greet"}),
    ("GET", "/status", None),
    ("GET", "/domain", None),
]


@pytest.mark.parametrize("method, path, body", API_CALLS)
def test_the_http_api_refuses_calls_without_a_token_or_jwt(secure, method, path, body):
    u = uid()
    url = secure.base + path.format(u=u)
    assert call(method, url, body).status == 401
    assert call(method, url + "?token=wrong", body).status == 401
    forged = jwt_for("not-the-secret")
    assert call(method, url, body, headers={"Authorization": f"Bearer {forged}"}).status == 401


@pytest.mark.parametrize("method, path, body", [c for c in API_CALLS if c[1] != "/conversations/{u}/trigger_intent"])
def test_the_http_api_accepts_the_token_and_an_admin_jwt(secure, method, path, body):
    u = uid()
    secure.say(u, "hi")
    url = secure.base + path.format(u=u)
    assert call(method, f"{url}?token={TOKEN}", body).status == 200
    admin = jwt_for(JWT_SECRET, role="admin")
    assert call(method, url, body, headers={"Authorization": f"Bearer {admin}"}).status == 200


def test_a_user_jwt_reads_only_its_own_conversation(secure):
    mine, other = uid(), uid()
    secure.say(mine, "hi")
    own = jwt_for(JWT_SECRET, username=mine, role="user")
    auth = {"Authorization": f"Bearer {own}"}
    assert call("GET", f"{secure.base}/conversations/{mine}/tracker", headers=auth).json["sender_id"] == mine
    assert call("GET", f"{secure.base}/conversations/{other}/tracker", headers=auth).status == 403


def test_the_chat_channels_stay_open_to_people(secure):
    r = post_message(secure.base, uid(), "hi")
    assert r.status == 200 and "safety check" in texts(r.json)  # a real answer: Rasa reached the action server


def test_run_sh_refuses_to_serve_beyond_localhost_without_a_token():
    env = {"PATH": "/usr/bin:/bin", "RASA_HOST": "0.0.0.0", "HOME": "/tmp"}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "run.sh")], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "RASA_TOKEN or RASA_JWT_SECRET" in done.stderr


# ------------------------------------------------------------------ 2. the action server: loopback only, shared secret
def _non_loopback_address():
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split()
    except Exception:
        return None
    return next((a for a in out if ":" not in a and not a.startswith("127.")), None)


def test_the_action_server_listens_on_loopback_only(secure):
    with socket.create_connection(("127.0.0.1", secure.action_port), timeout=5):
        pass
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    with pytest.raises(OSError):
        socket.create_connection((address, secure.action_port), timeout=5).close()


def test_the_action_server_requires_the_shared_secret(secure):
    base = f"http://127.0.0.1:{secure.action_port}"
    call_body = {"next_action": "action_triage_turn", "sender_id": "x", "tracker": {"sender_id": "x", "events": [], "slots": {}}, "domain": {}}
    assert call("GET", f"{base}/health").status == 200  # probes stay open
    assert call("GET", f"{base}/actions").status == 401
    assert call("POST", f"{base}/webhook", call_body).status == 401
    assert call("POST", f"{base}/webhook", call_body, headers={"Authorization": "Bearer wrong"}).status == 401
    assert call("POST", f"{base}/webhook?token=wrong", call_body).status == 401
    ok = call("GET", f"{base}/actions", headers={"Authorization": f"Bearer {ACTION_TOKEN}"})
    assert ok.status == 200 and {"name": "action_triage_turn"} in ok.json
    assert call("GET", f"{base}/actions?token={ACTION_TOKEN}").status == 200  # endpoints.yml `token:` style


def test_the_action_server_error_answer_does_not_echo_the_conversation(secure):
    base = f"http://127.0.0.1:{secure.action_port}"
    bad = {"next_action": "action_triage_turn", "tracker": "my feet tingle " + TAG, "domain": {}}
    r = call("POST", f"{base}/webhook", bad, headers={"Authorization": f"Bearer {ACTION_TOKEN}"})
    assert r.status >= 400 and TAG not in r.text and "tingle" not in r.text


def test_the_action_server_will_not_listen_beyond_loopback_without_a_secret():
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": "/tmp"}
    done = subprocess.run(
        [sys.executable, "-m", "actions.server", "--host", "0.0.0.0", "--port", "1"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2 and "ACTION_SERVER_TOKEN" in done.stderr


# ------------------------------------------------------------------ 3. CORS
def test_cors_on_the_rest_webhook_admits_only_the_configured_origin(secure):
    url = f"{secure.base}/webhooks/rest/webhook"
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = call("OPTIONS", url, headers={"Origin": ALLOWED, **pre})
    assert allowed.headers.get("access-control-allow-origin") == ALLOWED
    denied = call("OPTIONS", url, headers={"Origin": OTHER, **pre})
    assert "access-control-allow-origin" not in denied.headers
    r = post_message(secure.base, uid(), "hi", headers={"Origin": ALLOWED})
    assert r.status == 200 and r.headers.get("access-control-allow-origin") == ALLOWED
    r = post_message(secure.base, uid(), "hi", headers={"Origin": OTHER})
    assert "access-control-allow-origin" not in r.headers


def test_cors_on_the_socketio_handshake_admits_only_the_configured_origin(secure):
    url = f"{secure.base}/socket.io/?EIO=4&transport=polling"
    allowed = call("GET", url, headers={"Origin": ALLOWED})
    assert allowed.status == 200 and allowed.headers.get("access-control-allow-origin") == ALLOWED
    denied = call("GET", url, headers={"Origin": OTHER})
    assert denied.status == 400 and "access-control-allow-origin" not in denied.headers

    async def connect(origin):
        sio = socketio.AsyncClient(reconnection=False)
        try:
            await sio.connect(secure.base, socketio_path="/socket.io", transports=["websocket"], headers={"Origin": origin}, wait_timeout=10)
            await sio.disconnect()
            return True
        except socketio.exceptions.ConnectionError:
            return False

    assert asyncio.run(connect(ALLOWED)) is True
    assert asyncio.run(connect(OTHER)) is False


# ------------------------------------------------------------------ 4. rate limits and sizes
def test_a_sender_sending_too_fast_gets_429_with_a_kind_reply(secure):
    u = uid("fast")
    headers = {"X-Forwarded-For": "198.51.100.1"}
    statuses = []
    started = time.monotonic()
    for i in range(40):
        r = post_message(secure.base, u, "/deny", headers={"X-Forwarded-For": f"198.51.100.{i % 30 + 2}"})
        statuses.append(r.status)
        if r.status == 429:
            break
    # the default burst: 30, then 20 a minute (a token every 3 s while the burst is sent)
    refilled = int((time.monotonic() - started) * 20 / 60)
    assert 30 <= statuses.count(200) <= 30 + refilled and statuses[-1] == 429, (statuses, refilled)
    assert int(r.headers["retry-after"]) >= 1
    assert "faster than I can read" in texts(r.json) and "999" in texts(r.json)
    assert post_message(secure.base, uid("calm"), "hi", headers=headers).status == 200  # others are not affected


def test_an_address_sending_too_fast_gets_429(secure):
    ip = "203.0.113.77"
    statuses = []
    started = time.monotonic()
    for _ in range(2 * PER_IP):
        statuses.append(post_message(secure.base, uid("ip"), "hi", headers={"X-Forwarded-For": ip}).status)
        if statuses[-1] == 429:
            break
    # a burst of PER_IP, refilled at PER_IP a minute while it is sent
    refilled = int((time.monotonic() - started) * PER_IP / 60)
    assert PER_IP <= statuses.count(200) <= PER_IP + refilled and statuses[-1] == 429, (statuses, refilled)
    assert post_message(secure.base, uid("ip"), "hi", headers={"X-Forwarded-For": "203.0.113.78"}).status == 200


def test_socketio_senders_sending_too_fast_get_a_kind_reply(secure):
    async def flood():
        replies = []
        sio = socketio.AsyncClient(reconnection=False)

        @sio.on("bot_uttered")
        async def on_bot(data):
            replies.append(data)

        session = uuid.uuid4().hex
        await sio.connect(secure.base, socketio_path="/socket.io", transports=["websocket"], headers={"Origin": ALLOWED})
        await sio.emit("session_request", {"session_id": session})
        for _ in range(35):
            await sio.emit("user_uttered", {"message": "/deny", "session_id": session})
        for _ in range(100):
            if any("faster than I can read" in (r.get("text") or "") for r in replies):
                break
            await asyncio.sleep(0.1)
        await sio.disconnect()
        return replies

    replies = asyncio.run(flood())
    assert any("faster than I can read" in (r.get("text") or "") for r in replies)


def test_a_long_message_is_read_by_its_beginning_and_end_with_a_note(secure):
    u = uid()
    secure.say(u, "hi")
    r = post_message(secure.base, u, "I will tell you everything. " + "So much happened this year. " * 300 + "my feet tingle")
    assert r.status == 200
    assert "very long" in texts(r.json)
    assert "SX_PARAESTHESIA" in secure.slots(u)["symptoms"]


def test_a_huge_body_gets_413_and_the_server_carries_on(secure):
    huge = json.dumps({"sender": uid(), "message": "a" * 2_000_000}).encode()
    r = call("POST", f"{secure.base}/webhooks/rest/webhook", raw=huge)
    assert r.status == 413
    assert post_message(secure.base, uid(), "hi").status == 200


# ------------------------------------------------------------------ erasing, on the default SQLite store
def test_the_erase_route_takes_an_admin_or_the_persons_own_jwt_on_the_sqlite_store(secure):
    u, other = uid("erase"), uid("other")
    secure.say(u, "my feet tingle")
    secure.say(other, "my feet tingle")
    db = secure.workdir / "tracker.db"

    def count(sender):
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]

    assert count(u) > 0
    url = f"{secure.base}/privacy/conversations/{u}"
    assert call("DELETE", url).status == 401
    assert call("DELETE", url, headers={"Authorization": f"Bearer {jwt_for('not-the-secret')}"}).status == 401
    assert call("DELETE", url, headers={"Authorization": f"Bearer {jwt_for(JWT_SECRET, other, 'user')}"}).status == 403
    assert count(u) > 0
    r = call("DELETE", url, headers={"Authorization": f"Bearer {jwt_for(JWT_SECRET, u, 'user')}"})
    assert r.status == 200 and r.json["erased_events"] > 0
    assert count(u) == 0 and count(other) > 0
    r = call("DELETE", f"{secure.base}/privacy/conversations/{other}", headers={"Authorization": f"Bearer {jwt_for(JWT_SECRET)}"})
    assert r.status == 200 and count(other) == 0


# ------------------------------------------------------------------ 5. logs
def test_the_logs_hold_no_conversation_text_or_sender_id(secure):
    """A whole conversation, a red flag, API reads, errors: then every log line is read."""
    u = LOG_SECRETS["sender"]
    secure.say(u, f"I'm a {LOG_SECRETS['words']} and my feet have been tingling for months")
    secure.say(u, LOG_SECRETS["red_flag"])
    secure.say(u, "Quimbledorf " * 2000)  # long: the truncation note
    secure.tracker(u)  # the HTTP API with the id in the URL
    call("GET", f"{secure.base}/conversations/{u}/tracker")  # refused: 401
    post_message(secure.base, u, 12345)  # refused: 400
    call("POST", f"{secure.base}/webhooks/rest/webhook", raw=b'{"sender": "' + u.encode() + b'", "message": "Quimbledorf')  # bad JSON
    logs = log_text([secure.workdir / "rasa.log", secure.workdir / "actions.log"])
    assert "Rasa server is up and running" in logs or "Starting Rasa server" in logs or logs  # logs were written
    for needle in (u, TAG, "Quimbledorf", "xylophonist", "tingling", "chest feels tight"):
        leaked = [line for line in logs.splitlines() if needle.lower() in line.lower()]
        assert not leaked, f"{needle!r} in the logs: {leaked[:3]}"
