"""The action server down, slow or failing: the person gets an apology and what to do
meanwhile (the emergency advice first when the message carried a red flag), nothing
crashes, and the conversation resumes when the action server is back.

Real servers: Rasa with ACTION_TIMEOUT=3 and the real action server (actions/server.py,
shared secret) on a port the test controls. Down: the process is stopped. Slow: the real
process is frozen with SIGSTOP (it accepts the connection but never answers) beyond the
timeout. Errors: a stand-in on the same port answers 500 to every call, with the request
echoed in the body as rasa_sdk's own error handler does (so the logs are checked too).
"""
from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.integration.servers import Servers, texts, wait_for
from tests.production.client import log_text

TIMEOUT = 3.0
TAG = uuid.uuid4().hex[:8]


SENDERS: list = []


def sender() -> str:
    u = f"fault-{uuid.uuid4().hex[:10]}"
    SENDERS.append(u)
    return u


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    s = Servers(
        tmp_path_factory.mktemp("faults"),
        secure_actions=True,
        env={"ACTION_SERVER_TOKEN": "fault-" + uuid.uuid4().hex, "ACTION_TIMEOUT": str(TIMEOUT), "LOG_FULL_TRACEBACKS": None},
    )
    s.start_actions()
    s.start_rasa()
    yield s
    if s.actions is not None and s.actions.poll() is None:
        os.killpg(s.actions.pid, signal.SIGCONT)
    s.stop()


class _Failing(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        out = json.dumps({"error": "boom", "request_body": body.decode("utf-8", "replace")}).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST

    def log_message(self, *args):
        pass


@contextmanager
def failing_action_server(port: int):
    ThreadingHTTPServer.allow_reuse_address = True
    httpd = ThreadingHTTPServer(("127.0.0.1", port), _Failing)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        httpd.shutdown()
        httpd.server_close()


def assert_apology(replies, number="999"):
    text = texts(replies)
    assert "not responding" in text and number in text and "try again" in text
    return text


def test_action_server_down_apology_then_the_conversation_resumes(servers):
    u = sender()
    assert "safety check" in texts(servers.say(u, "hi"))
    servers.stop_actions()
    try:
        r = servers.say(u, "I'm vegan and my toes have been numb for months")
        text = assert_apology(r)
        assert not text.startswith("Call 999")  # no red flag: no emergency advice
    finally:
        servers.start_actions()
    r = servers.say(u, "no")
    s = servers.slots(u)
    assert "SX_PARAESTHESIA" in s["symptoms"] and "RK_DIET_LOW_B12" in s["risk_factors"]
    assert "earlier messages" in texts(r)


def test_action_server_down_with_a_red_flag_gives_the_emergency_advice_first(servers):
    u = sender()
    servers.stop_actions()
    try:
        r = servers.say(u, "my face is drooping and my speech is slurred", metadata={"locale": "us"})
        assert r[0]["text"].startswith("Call 911 now") and "stroke" in r[0]["text"]
        assert_apology(r[1:], number="911")
    finally:
        servers.start_actions()
    servers.say(u, "hello")
    s = servers.slots(u)
    assert "RF_STROKE" in s["red_flags"] and s["triage_level"] == "emergency"  # replayed when back


def test_action_server_too_slow_gives_the_apology_within_the_timeout(servers):
    u = sender()
    servers.say(u, "hi")
    os.killpg(servers.actions.pid, signal.SIGSTOP)  # accepts connections, never answers
    try:
        t0 = time.monotonic()
        r = servers.say(u, "I'm 70 and my feet burn at night")
        elapsed = time.monotonic() - t0
        assert_apology(r)
        assert TIMEOUT - 0.5 <= elapsed <= TIMEOUT + 6, elapsed
        t0 = time.monotonic()
        r = servers.say(u, "my chest feels tight and heavy")
        assert r[0]["text"].startswith("Call 999 now") and "chest" in r[0]["text"].lower()
        assert_apology(r[1:])
        assert time.monotonic() - t0 <= TIMEOUT + 6
    finally:
        os.killpg(servers.actions.pid, signal.SIGCONT)
    wait_for(f"http://127.0.0.1:{servers.action_port}/health", 30)
    servers.say(u, "no")
    s = servers.slots(u)
    assert "SX_BURNING_FEET" in s["symptoms"] and "RF_CHEST_PAIN" in s["red_flags"]


def test_action_server_errors_give_the_apology_and_leak_nothing_to_the_logs(servers):
    u = sender()
    servers.say(u, "hi")
    servers.stop_actions()
    try:
        with failing_action_server(servers.action_port):
            r = servers.say(u, f"my toes are numb, said the Zorblatt{TAG} driver")
            assert_apology(r)
            r = servers.say(u, "my chest feels tight and heavy")
            assert r[0]["text"].startswith("Call 999 now")
            assert_apology(r[1:])
    finally:
        servers.start_actions()
    r = servers.say(u, "no")
    assert "not responding" not in texts(r)
    assert "SX_PARAESTHESIA" in servers.slots(u)["symptoms"]
    logs = log_text([servers.workdir / "rasa.log", servers.workdir / "actions.log"])
    assert "action_triage_turn" in logs  # the failures were logged...
    for needle in (TAG, u, "Zorblatt", "chest feels tight"):
        assert needle not in logs, f"{needle!r} in the logs"  # ...without what the person wrote


def test_a_crash_inside_the_action_gives_the_apology_and_leaks_nothing(servers):
    u = sender()
    servers.say(u, "hi")
    # corrupt the interview state through the HTTP API: the action's next run raises inside
    bad = json.dumps({"event": "slot", "name": "interview", "value": {"last_user_ts": f"Grumplet{TAG}"}}).encode()
    req = urllib.request.Request(f"{servers.base}/conversations/{u}/tracker/events", data=bad, headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=30).read()
    r = servers.say(u, f"my feet burn at night, the Quoxley{TAG} kind")
    assert "sorry" in texts(r).lower() or "not responding" in texts(r)
    logs = log_text([servers.workdir / "rasa.log", servers.workdir / "actions.log"])
    assert "triage turn failed" in logs  # the crash was logged...
    for needle in (u, f"Grumplet{TAG}", f"Quoxley{TAG}", "feet burn"):
        assert needle not in logs, f"{needle!r} in the logs"  # ...without who or what


def test_no_fault_above_left_a_conversation_id_or_words_in_any_log(servers):
    logs = log_text([servers.workdir / "rasa.log", servers.workdir / "actions.log"])
    for needle in SENDERS + [TAG, "toes are numb", "feet burn at night", "chest feels tight"]:
        leaked = [line for line in logs.splitlines() if needle in line]
        assert not leaked, f"{needle!r} in the logs: {leaked[:2]}"


def test_rasa_keeps_serving_after_all_of_that(servers):
    assert "safety check" in texts(servers.say(sender(), "hi"))
    assert servers.rasa.poll() is None
