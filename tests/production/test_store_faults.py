"""PostgreSQL and Redis briefly unavailable, for real: the session's throwaway
servers (tests/production/services.py) are stopped and started again (always
restarted in a `finally`, other tests need them). A message that could not be
stored is answered "please try again in a moment" (HTTP 200 with that text, or
nginx's 503 JSON), never a 500, a hang or a normal-looking answer; a message
that got a normal answer is in the database afterwards; and the service recovers
by itself when the store is back. With PGHOST or REDIS_HOST configured, the tests
that would stop that server are skipped: they stop only servers the tests own.
"""
from __future__ import annotations

import threading
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest

from storage.tracker_store import CONNECT_TIMEOUT_SECONDS, SAVE_RETRY_SECONDS
from tests.production import services
from tests.production.services import Server
from tests.production.topology import Topology, texts

# Liveness bounds derived from the configured timeouts, not speed targets: during an
# outage a person must be told "try again" instead of waiting on a hung request. The
# margins are generous so that a slow machine passes (issue: no absolute timing gates).
OUTAGE_REPLY_BOUND_S = CONNECT_TIMEOUT_SECONDS + 7
TURN_UNDER_OUTAGE_BOUND_S = SAVE_RETRY_SECONDS + CONNECT_TIMEOUT_SECONDS + 14

OPENING = "I'm 58, on metformin for years, and my feet have been numb and burning at night for 3 months"


@contextmanager
def down(server: Server) -> Iterator[None]:
    """The server stopped (PostgreSQL: fast shutdown; Redis: shutdown without saving) for
    the block, and started again on the same port afterwards, whatever happens (PostgreSQL
    keeps its data; Redis, without persistence, comes back empty)."""
    server.stop()
    try:
        assert not server.ready()
        yield
    finally:
        server.start()  # waits until it answers


SENDERS: list = []


def sender() -> str:
    u = "fault-" + uuid.uuid4().hex[:10]
    SENDERS.append(u)
    return u


def retry_later(status: int, body) -> bool:
    """The kind "try again in a moment" answer, in either form the stack gives."""
    if status == 200 and isinstance(body, list):
        # only the apology (any answer collected for the unsaved turn is taken back), and it
        # must not claim the message was saved
        said = texts(body).lower()
        return len(body) == 1 and "try again" in said and "couldn't save" in said
    if status == 503 and isinstance(body, dict):
        return "try again" in str(body.get("text", "")).lower()
    return False


def normal(status: int, body) -> bool:
    return status == 200 and isinstance(body, list) and bool(body) and not retry_later(status, body)


@pytest.fixture(scope="module")
def topo(tmp_path_factory):
    if not (services.postgres().owned or services.redis().owned):  # don't start Rasa for nothing
        pytest.skip("PostgreSQL and Redis are the ones configured by PGHOST and REDIS_HOST; "
                    "only throwaway servers started by the tests may be stopped")
    with Topology(tmp_path_factory.mktemp("faults"), rasa_count=2) as t:
        yield t


def timed_post(topo, base, u, text, probe=None, timeout=30):
    t0 = time.perf_counter()
    status, body = topo.post(base, u, text, timeout=timeout, metadata={"probe": probe} if probe else None)
    return status, body, time.perf_counter() - t0


def stored_probes(topo, u):
    return [(e.get("metadata") or {}).get("probe") for e in topo.stored_events(u) if e.get("event") == "user"]


def test_postgres_down_answers_try_again_and_recovers_without_a_restart(topo, own_postgres):
    u, fresh = sender(), sender()
    topo.say(topo.nginx_base, u, OPENING)
    pending = topo.tracker(u)["slots"]["interview"]["pending"]
    with down(own_postgres):
        for base in (topo.nginx_base, topo.rasa[0].base, topo.rasa[1].base):
            for who in (u, fresh):  # a conversation under way, and a new one
                status, body, took = timed_post(topo, base, who, "/deny", probe=f"down-{base}-{who}")
                assert retry_later(status, body), (base, status, body)
                assert took < OUTAGE_REPLY_BOUND_S, took
                # not treated as the start of a new conversation (Rasa's own fail-safe store would)
                assert "safety check" not in texts(body if isinstance(body, list) else []).lower()
    # back by itself: the next message is answered normally and everything answered is stored
    status, body, took = timed_post(topo, topo.nginx_base, u, "/deny", probe="after")
    assert normal(status, body), (status, body)
    assert stored_probes(topo, u) == [None, "after"]
    assert topo.tracker(u)["slots"]["interview"]["pending"] != pending
    assert normal(*timed_post(topo, topo.nginx_base, fresh, "hi")[:2])
    assert stored_probes(topo, fresh) == [None]


def test_postgres_restart_under_load_loses_no_answered_turn(topo, own_postgres):
    results = []  # (user, probe, status, body, seconds)
    stop = threading.Event()

    def talk(w):
        n = 0
        while not stop.is_set():
            # a new conversation every 8 messages keeps each sender under the per-sender rate limit
            u = f"fault-load-{w}-{n // 8}-{uuid.uuid4().hex[:6]}" if n % 8 == 0 else u
            text = "hi" if n % 8 == 0 else ("no" if n % 2 else "not sure")
            n += 1
            probe = f"{u}-{n}"
            status, body, took = timed_post(topo, topo.nginx_base, u, text, probe=probe)
            results.append((u, probe, status, body, took))
            time.sleep(0.1)

    threads = [threading.Thread(target=talk, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)
        with down(own_postgres):
            # turns under way keep retrying their write (storage/tracker_store.py), so
            # their threads wait; new conversations arriving now must be told to retry
            t_end = time.time() + 3
            k = 0
            while time.time() < t_end:
                k += 1
                u = f"fault-new-{k}-{uuid.uuid4().hex[:6]}"
                status, body, took = timed_post(topo, topo.nginx_base, u, "hi", probe=f"{u}-1")
                results.append((u, f"{u}-1", status, body, took))
                time.sleep(0.3)
        time.sleep(2)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert results
    failed = [(p, s, b) for (_, p, s, b, _) in results if not (normal(s, b) or retry_later(s, b))]
    assert not failed, failed[:3]
    assert max(r[4] for r in results) < TURN_UNDER_OUTAGE_BOUND_S
    tried_later = [r for r in results if retry_later(r[2], r[3])]
    assert tried_later, "the outage was not noticed: the test did not test anything"
    users = sorted({r[0] for r in results})
    for u in users:
        stored = set(stored_probes(topo, u))
        for (who, probe, status, body, _) in results:
            if who == u and normal(status, body):
                assert probe in stored, f"{probe} was answered normally but not stored"
    # and it goes on normally afterwards
    for u in users[-4:]:
        assert normal(*timed_post(topo, topo.nginx_base, u, "no")[:2])


def test_redis_down_answers_try_again_and_recovers_without_a_restart(topo, own_redis):
    u = sender()
    topo.say(topo.nginx_base, u, OPENING)
    with down(own_redis):
        for base in (topo.nginx_base, topo.rasa[0].base, topo.rasa[1].base):
            status, body, took = timed_post(topo, base, u, "/deny", probe="down")
            assert retry_later(status, body), (base, status, body)
            assert took < OUTAGE_REPLY_BOUND_S, took
    status, body, _ = timed_post(topo, topo.nginx_base, u, "/deny", probe="after")
    assert normal(status, body), (status, body)
    # turns answered "try again" were not handled (no lock, no turn); the normal one was
    assert stored_probes(topo, u) == [None, "after"]


def test_outages_leave_no_conversation_id_or_words_in_any_log(topo, own_postgres, own_redis):
    """Every store outage above and these two, with a planted id and planted words: then every
    log line of every process (Rasa, action server, nginx) is read."""
    word = "Flumbrix" + uuid.uuid4().hex[:6]
    u = sender()
    topo.say(topo.nginx_base, u, OPENING)
    with down(own_postgres):
        assert retry_later(*timed_post(topo, topo.rasa[0].base, u, f"my {word} toes are numb")[:2])
    with down(own_redis):
        assert retry_later(*timed_post(topo, topo.rasa[1].base, u, f"my {word} toes are numb")[:2])
    logs = "\n".join(p.read_text(errors="replace") for p in topo.workdir.glob("*.log"))
    assert "unavailable" in logs or "LockError" in logs or "ConnectionError" in logs  # the outages were logged...
    for needle in SENDERS + [word, "toes are numb", "burning at night"]:  # ...without who or what
        leaked = [line for line in logs.splitlines() if needle in line]
        assert not leaked, f"{needle!r} in the logs: {leaked[:2]}"
