"""Rasa's SQLTrackerStore, tuned for SQLite and made honest about outages.

SQLite: Rasa commits every turn. With SQLite's default rollback journal each
commit costs several fsyncs, which dominated per-turn latency here (about
+15 ms at p50 and 100+ ms spikes). Write-ahead logging with
synchronous=NORMAL keeps the database consistent after a crash of the process;
only a power cut can lose the last commits.

PostgreSQL (production, several Rasa processes): the pool checks a connection
before using it (``pool_pre_ping``), so a restarted server costs no failed
turn, and connecting gives up after a few seconds instead of hanging.

Turn cost, any dialect: Rasa reads the whole session's events from the store at the
start of every turn and rebuilds the tracker from them, so a late turn cost more than
an early one. Each process keeps the trackers it saved (a bounded LRU,
``TRACKER_CACHE_CONVERSATIONS``) and uses one again only if the store still holds
exactly what it saved (same number of events and same last event id for that
conversation, one small query) and nothing changed it in memory since; otherwise it
reads the store as before. Another process (or an erasure) changing a conversation
changes that count or id. Turns of one conversation never overlap (Rasa's lock store,
Redis across processes).

Outages, any dialect: Rasa wraps every tracker store in a
``FailSafeTrackerStore`` that hides errors. A failed read returns "no
conversation" and the message is answered as the start of a new conversation;
a failed write goes to an in-memory store of that one process. Either way the
person gets a normal-looking answer and the turn is silently lost. Here a
database error becomes :class:`StoreUnavailable`, which the wrapper lets
through (see :class:`FailLoudTrackerStore`, put in place by ``rasa_patches.py``), so the channel answers "please try
again in a moment" instead. A write is retried for a few seconds first: the
bot's reply has already been produced by then, and a brief restart of the
database should not cost the turn.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event, exc

import settings

logger = logging.getLogger(__name__)

# Seconds a failed write keeps retrying before the turn is given up.
SAVE_RETRY_SECONDS = settings.get().tracker_store_save_retry_seconds
# Seconds to wait for a PostgreSQL connection (and for a free one in the pool).
CONNECT_TIMEOUT_SECONDS = settings.get().tracker_store_connect_timeout_seconds

# Errors that mean "the database cannot be reached or lost the connection",
# as opposed to a bug in a query.
_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)


class StoreUnavailable(Exception):
    """The conversation store could not be read or written; try again later."""


class TunedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.engine.dispose()  # reconnect with the pragmas
        elif dialect == "postgresql":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, **_postgresql_engine_options())
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

        # sender id -> (events stored, last event id, number of events in the tracker, tracker)
        self._cache: "OrderedDict[str, Tuple[int, int, int, DialogueStateTracker]]" = OrderedDict()
        self._cache_size = settings.get().tracker_cache_conversations

    def _stored(self, sender_id: str) -> Tuple[int, Optional[int]]:
        """How many events the store holds for ``sender_id``, and the last one's id."""
        with self.session_scope() as session:
            count, last = session.query(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id)).filter(
                self.SQLEvent.sender_id == sender_id).one()
        return int(count or 0), last

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The latest session's tracker: the one this process saved, if the store still holds exactly that."""
        if self._cache_size <= 0:
            return await super().retrieve(sender_id)
        try:
            count, last = self._stored(sender_id)
        except _UNAVAILABLE as e:
            raise StoreUnavailable(f"could not read a conversation: {type(e).__name__}") from e
        hit = self._cache.get(sender_id)
        if hit is not None and hit[0] == count and hit[1] == last and len(hit[3].events) == hit[2]:
            self._cache.move_to_end(sender_id)
            return hit[3]
        self._cache.pop(sender_id, None)
        return await super().retrieve(sender_id)

    def _remember(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        self._cache.pop(sender_id, None)
        # a tracker holding more than its latest session is not what a read would return
        if sum(isinstance(e, SessionStarted) for e in tracker.events) > 1:
            return
        try:
            count, last = self._stored(sender_id)
            # only a tracker holding exactly the events a read would return (Rasa's own
            # count of the latest session's events, the one its next save appends after)
            with self.session_scope() as session:
                in_session = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()
        except _UNAVAILABLE:
            return
        if in_session != len(tracker.events):
            return
        self._cache[sender_id] = (count, last, len(tracker.events), tracker)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        try:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        except _UNAVAILABLE as e:
            raise StoreUnavailable(f"could not read a conversation: {type(e).__name__}") from e

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._cache.pop(tracker.sender_id, None)
        deadline = time.monotonic() + SAVE_RETRY_SECONDS
        delay = 0.25
        while True:
            try:
                await super().save(tracker)
                if self._cache_size > 0:
                    self._remember(tracker)
                return
            except _UNAVAILABLE as e:
                if time.monotonic() + delay > deadline:
                    raise StoreUnavailable(f"could not save a conversation: {type(e).__name__}") from e
                # the error's text can quote the SQL parameters (the conversation's events): its type only
                logger.warning("saving a conversation failed, retrying in %.2f s: %s", delay, type(e).__name__,
                               extra={"sender_id": tracker.sender_id})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)


def _postgresql_engine_options() -> dict:
    """Rasa's pool settings (SQL_POOL_SIZE, SQL_MAX_OVERFLOW, POSTGRESQL_SCHEMA)
    plus a liveness check and bounded waits."""
    from rasa.core.tracker_store import create_engine_kwargs

    options = create_engine_kwargs("postgresql://")
    connect_args = dict(options.get("connect_args", {}))
    connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    options["connect_args"] = connect_args
    options["pool_pre_ping"] = True
    options["pool_timeout"] = CONNECT_TIMEOUT_SECONDS
    options["pool_recycle"] = 1800
    return options


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class FailLoudTrackerStore(FailSafeTrackerStore):
    """Rasa's wrapper, except that :class:`StoreUnavailable` reaches the channel
    instead of turning into a new conversation or an in-memory copy."""

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        try:
            return await self._tracker_store.retrieve(sender_id)
        except StoreUnavailable:
            raise
        except Exception as e:  # noqa: BLE001 - Rasa's behaviour for anything else
            self.on_tracker_store_retrieve_error(e)
            return None

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        try:
            return await self._tracker_store.retrieve_full_tracker(sender_id)
        except StoreUnavailable:
            raise
        except Exception as e:  # noqa: BLE001
            self.on_tracker_store_retrieve_error(e)
            return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self._tracker_store.save(tracker)
        except StoreUnavailable:
            raise
        except Exception as e:  # noqa: BLE001
            self.on_tracker_store_error(e)
            await self.fallback_tracker_store.save(tracker)

