"""Erasing conversations, checked in the database itself.

Rasa runs with its conversations in a fresh, uniquely named database on the session's
PostgreSQL (a throwaway server, or PGHOST's: tests/production/services.py), a retention
of 30 days swept every 2 s, and the erase API on. Conversations are held over REST; the tests then erase one
person by the command (scripts/erase.py) and by the API, age conversations by moving
their timestamps back in PostgreSQL, and read the rows directly. The database is dropped
at the end. The same command on the default SQLite store is checked without a server.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from typing import Iterator

import psycopg2
import pytest

from tests.integration.servers import ROOT, Servers
from tests.production.client import call
from tests.production.topology import Postgres

PRIVACY_TOKEN = "privacy-" + uuid.uuid4().hex
DAY = 86400


def uid(prefix: str = "priv") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def database(postgres: Postgres) -> Iterator[str]:
    name = postgres.create_database("b12_privacy")
    yield name
    deadline = time.time() + 60
    while True:  # PostgreSQL may be restarting (other tests stop it on purpose): retry the cleanup
        try:
            postgres.drop_database(name)
            break
        except psycopg2.OperationalError:
            if time.time() > deadline:
                raise
            time.sleep(1)


@pytest.fixture(scope="module")
def servers(tmp_path_factory, postgres: Postgres, database: str):
    store = (
        "tracker_store:\n"
        "  type: storage.tracker_store.TunedSQLTrackerStore\n"
        '  dialect: "postgresql"\n'
        f'  url: "{postgres.host}"\n'
        f"  port: {postgres.port}\n"
        f'  username: "{postgres.user}"\n'
        + (f'  password: "{postgres.password}"\n' if postgres.password else "")
        + f'  db: "{database}"\n'
    )
    s = Servers(
        tmp_path_factory.mktemp("privacy"),
        tracker_store_yaml=store,
        env={"PRIVACY_API_TOKEN": PRIVACY_TOKEN, "CONVERSATION_RETENTION_DAYS": "30", "RETENTION_SWEEP_SECONDS": "2"},
    )
    s.start_actions()
    s.start_rasa()
    yield s
    s.stop()


class Database:
    """Direct reads and writes in the test database; a fresh connection each time, retried
    for a while, so a PostgreSQL restarted by other tests costs a wait, not a failure."""

    def __init__(self, postgres: Postgres, name: str) -> None:
        self.postgres = postgres
        self.name = name

    def run(self, sql: str, args: tuple):
        deadline = time.time() + 30
        while True:
            try:
                conn = self.postgres.connect(self.name)  # autocommit, 3 s connect timeout
                try:
                    with conn.cursor() as cur:
                        cur.execute(sql, args)
                        return cur.fetchone() if cur.description else None
                finally:
                    conn.close()
            except psycopg2.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(1)


@pytest.fixture(scope="module")
def db(postgres: Postgres, database: str) -> Database:
    return Database(postgres, database)


def rows(db, sender: str) -> int:
    return db.run("SELECT count(*) FROM events WHERE sender_id = %s", (sender,))[0]


def age(db, sender: str, days: float) -> None:
    db.run("UPDATE events SET timestamp = timestamp - %s WHERE sender_id = %s", (days * DAY, sender))


def converse(servers, sender: str) -> None:
    servers.say(sender, "I'm 58 and my feet have been numb and burning at night for 3 months")
    servers.say(sender, "no")


def erase_cli(servers, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "scripts/erase.py", "--endpoints", str(servers.workdir / "endpoints.yml"), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_conversations_are_stored_in_postgresql(servers, db):
    u = uid()
    converse(servers, u)
    n = rows(db, u)
    assert n > 5
    assert f"would erase 1 conversation(s), {n} event(s)" in erase_cli(servers, "--sender", u, "--dry-run")
    assert rows(db, u) == n


def test_the_erase_command_removes_everything_for_one_sender_and_nothing_else(servers, db):
    gone, kept = uid("gone"), uid("kept")
    converse(servers, gone)
    converse(servers, kept)
    n = rows(db, gone)
    out = erase_cli(servers, "--sender", gone)
    assert f"erased 1 conversation(s), {n} event(s)" in out
    assert rows(db, gone) == 0 and rows(db, kept) > 5
    assert servers.tracker(gone)["slots"]["symptoms"] in (None, [])  # Rasa sees nothing left
    assert servers.say(gone, "hi")  # and the person can start again


def test_the_erase_api_needs_the_token_and_removes_everything_for_one_sender(servers, db):
    gone, kept = uid("api"), uid("kept")
    converse(servers, gone)
    converse(servers, kept)
    url = f"{servers.base}/privacy/conversations/{gone}"
    assert call("DELETE", url).status == 401
    assert call("DELETE", url, headers={"Authorization": "Bearer wrong"}).status == 401
    assert rows(db, gone) > 5
    r = call("DELETE", url, headers={"Authorization": f"Bearer {PRIVACY_TOKEN}"})
    assert r.status == 200 and r.json["sender_id"] == gone and r.json["erased_events"] > 5
    assert rows(db, gone) == 0 and rows(db, kept) > 5
    again = call("DELETE", f"{url}?token={PRIVACY_TOKEN}")
    assert again.status == 200 and again.json["erased_events"] == 0
    assert call("DELETE", f"{servers.base}/privacy/conversations/bad%00id", headers={"Authorization": f"Bearer {PRIVACY_TOKEN}"}).status == 400


def test_erasing_during_a_conversation_leaves_nothing_behind(servers, db):
    """The API holds the conversation's lock: a turn in flight cannot write the erased events back."""
    u = uid("busy")
    converse(servers, u)

    async def both():
        loop = asyncio.get_running_loop()
        turn = loop.run_in_executor(None, servers.say, u, "my hands tingle too")
        await asyncio.sleep(0.005)
        erase = loop.run_in_executor(None, lambda: call("DELETE", f"{servers.base}/privacy/conversations/{u}", headers={"Authorization": f"Bearer {PRIVACY_TOKEN}"}))
        return await turn, await erase

    _, erased = asyncio.run(both())
    assert erased.status == 200
    time.sleep(0.5)
    events = servers.tracker(u)["events"]
    assert not any(e.get("event") == "user" and "numb and burning" in (e.get("text") or "") for e in events)


def test_the_command_erases_conversations_idle_longer_than_asked(servers, db):
    old, recent = uid("old"), uid("recent")
    converse(servers, old)
    converse(servers, recent)
    age(db, old, 20)  # within the server's 30 days: only the command removes it
    age(db, recent, 5)
    dry = erase_cli(servers, "--older-than-days", "10", "--dry-run", "--list")
    assert old in dry and recent not in dry and rows(db, old) > 0
    out = erase_cli(servers, "--older-than-days", "10")
    assert "erased" in out
    assert rows(db, old) == 0 and rows(db, recent) > 0


def test_the_server_erases_conversations_past_the_retention_on_its_own(servers, db):
    expired, fresh = uid("expired"), uid("fresh")
    converse(servers, expired)
    converse(servers, fresh)
    age(db, expired, 31)
    deadline = time.time() + 20
    while rows(db, expired) and time.time() < deadline:
        time.sleep(0.5)
    assert rows(db, expired) == 0
    assert rows(db, fresh) > 5


def test_the_erase_command_works_on_the_default_sqlite_store(tmp_path):
    """No server: trackers written by the project's SQLite store, then erased by the command."""
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from storage.tracker_store import TunedSQLTrackerStore

    db_path = tmp_path / "rasa.db"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: storage.tracker_store.TunedSQLTrackerStore\n  dialect: "sqlite"\n  db: "{db_path}"\n')
    store = TunedSQLTrackerStore(dialect="sqlite", db=str(db_path))

    async def write():
        for sender, days in (("sq-person", 0), ("sq-old", 45), ("sq-keep", 1)):
            t = DialogueStateTracker(sender, [])
            ts = time.time() - days * DAY
            t.update(UserUttered(f"my feet tingle, wrote Zanzibarian-{sender}", timestamp=ts))
            t.update(BotUttered("noted", timestamp=ts + 1))
            await store.save(t)

    asyncio.run(write())
    run = lambda *a: subprocess.run([sys.executable, "scripts/erase.py", "--endpoints", str(endpoints), *a], cwd=ROOT,
                                    capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert "erased 1 conversation(s), 2 event(s)" in run("--sender", "sq-person").stdout
    assert "erased 1 conversation(s) idle" in run("--older-than-days", "30").stdout
    import sqlite3

    left = dict(sqlite3.connect(db_path).execute("SELECT sender_id, count(*) FROM events GROUP BY sender_id").fetchall())
    assert left == {"sq-keep": 2}
    # secure_delete and a truncated write-ahead log: the erased text is gone from the files too
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("rasa.db*"))
    assert b"Zanzibarian-sq-keep" in on_disk
    assert b"Zanzibarian-sq-person" not in on_disk and b"Zanzibarian-sq-old" not in on_disk
