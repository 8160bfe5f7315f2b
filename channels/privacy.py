"""Erasing conversations: on request, and when they expire.

What is stored about a person is their conversation in the tracker store
(every message, the answers, the result; for Telegram and WhatsApp the
conversation id is their chat id or phone number). Nothing else keeps it:
logs carry no message text or sender id (``channels/log_privacy.py``).

- ``DELETE /privacy/conversations/<sender>`` erases one conversation. It needs
  ``PRIVACY_API_TOKEN`` (else ``RASA_TOKEN``) as ``Authorization: Bearer`` or
  ``?token=``, or a Rasa JWT (``RASA_JWT_SECRET``) with role ``admin`` or role
  ``user`` and the sender as username (a person erasing their own). With no
  token and no JWT configured the route is off (403). Answers
  ``{"sender_id", "erased_events"}``.
- **Expiry**: conversations whose last event is older than
  ``CONVERSATION_RETENTION_DAYS`` (default 30; 0 keeps them forever) are
  erased by every Rasa process every ``RETENTION_SWEEP_SECONDS`` (3600).
- ``scripts/erase.py --sender ID`` / ``--older-than-days N`` does the same
  from the command line, with the tracker store of an endpoints file.

Erasing holds the conversation's lock (Rasa's lock store), so a turn in
flight cannot write the conversation back. SQL stores (SQLite, PostgreSQL)
delete the rows; SQLite also overwrites the freed pages (``secure_delete``)
and truncates its write-ahead log; PostgreSQL's autovacuum reclaims the space.
Redis, Mongo and in-memory stores delete the conversation's record.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import time
from urllib.parse import unquote
from typing import Any, Awaitable, Callable, Iterable, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore, MongoTrackerStore, RedisTrackerStore, SQLTrackerStore, TrackerStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import settings
from channels.guard import sender_problem

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
DEFAULT_SWEEP_SECONDS = 3600
DAY = 86400.0


def retention_days() -> float:
    return settings.get().conversation_retention_days


def sweep_seconds() -> float:
    return settings.get().retention_sweep_seconds


# ------------------------------------------------------------------ the stores behind Rasa's wrappers
def backing_stores(store: Any) -> List[TrackerStore]:
    """The real stores behind Rasa's wrappers (awaitable, fail-safe with its in-memory fallback)."""
    found: List[TrackerStore] = []
    todo = [store]
    seen = set()
    while todo:
        s = todo.pop(0)
        if s is None or id(s) in seen:
            continue
        seen.add(id(s))
        inner = [getattr(s, a, None) for a in ("_tracker_store", "tracker_store", "_fallback_tracker_store")]
        inner = [i for i in inner if isinstance(i, TrackerStore)]
        if inner:
            todo.extend(inner)
        elif isinstance(s, TrackerStore):
            found.append(s)
    return found


def _sqlite(store: SQLTrackerStore) -> bool:
    return store.engine.dialect.name == "sqlite"


def _erase_sql(store: SQLTrackerStore, sender_ids: Iterable[str]) -> int:
    from sqlalchemy import text

    ids = list(sender_ids)
    if not ids:
        return 0
    with store.session_scope() as session:
        if _sqlite(store):
            session.execute(text("PRAGMA secure_delete=ON"))
        n = (
            session.query(store.SQLEvent)
            .filter(store.SQLEvent.sender_id.in_(ids))
            .delete(synchronize_session=False)
        )
        session.commit()
    if _sqlite(store):
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return int(n or 0)


async def erase_sender(store: Any, sender_id: str) -> int:
    """Erase everything ``store`` holds for ``sender_id``; returns the events (or records) removed."""
    total = 0
    for s in backing_stores(store):
        if isinstance(s, SQLTrackerStore):
            total += _erase_sql(s, [sender_id])
        elif isinstance(s, InMemoryTrackerStore):
            total += 1 if s.store.pop(sender_id, None) is not None else 0
        elif isinstance(s, RedisTrackerStore):
            total += int(s.red.delete(s.key_prefix + sender_id) or 0)
        elif isinstance(s, MongoTrackerStore):
            total += int(s.conversations.delete_one({"sender_id": sender_id}).deleted_count)
        else:
            raise NotImplementedError(f"erasing from a {type(s).__name__} is not supported")
    return total


def _sql_expired(store: SQLTrackerStore, cutoff: float) -> List[str]:
    from sqlalchemy import func

    E = store.SQLEvent
    with store.session_scope() as session:
        rows = session.query(E.sender_id).group_by(E.sender_id).having(func.max(E.timestamp) < cutoff).all()
    return [r[0] for r in rows]


async def expired_senders(store: Any, cutoff: float) -> List[str]:
    """Conversations whose latest event is older than ``cutoff`` (a Unix time)."""
    found: List[str] = []
    for s in backing_stores(store):
        if isinstance(s, SQLTrackerStore):
            found.extend(_sql_expired(s, cutoff))
            continue
        for key in await s.keys():
            sender = key.decode() if isinstance(key, bytes) else str(key)
            if isinstance(s, RedisTrackerStore) and sender.startswith(s.key_prefix):
                sender = sender[len(s.key_prefix):]
            tracker = await s.retrieve(sender)
            if tracker is not None and tracker.events and tracker.events[-1].timestamp < cutoff:
                found.append(sender)
    return list(dict.fromkeys(found))


async def erase_locked(store: Any, lock_store: Any, sender_id: str) -> int:
    """Erase while holding the conversation's lock, so an in-flight turn cannot write it back."""
    if lock_store is None:
        return await erase_sender(store, sender_id)
    async with lock_store.lock(sender_id, lock_lifetime=60, wait_time_in_seconds=0.05):
        return await erase_sender(store, sender_id)


async def erase_older_than(store: Any, lock_store: Any, days: float, now: Optional[float] = None) -> List[str]:
    """Erase every conversation idle for more than ``days``; returns their ids."""
    cutoff = (now if now is not None else time.time()) - days * DAY
    erased = []
    for sender in await expired_senders(store, cutoff):
        if lock_store is not None:
            async with lock_store.lock(sender, lock_lifetime=60, wait_time_in_seconds=0.05):
                if sender in await expired_senders(store, cutoff):  # still idle
                    await erase_sender(store, sender)
                    erased.append(sender)
        else:
            await erase_sender(store, sender)
            erased.append(sender)
    return erased


# ------------------------------------------------------------------ the API
def api_token() -> Optional[str]:
    config = settings.get()
    return config.privacy_api_token or config.rasa_token


def _presented(request: Request) -> Optional[str]:
    auth = request.headers.get("Authorization") or ""
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.args.get("token")


async def _jwt_allows(request: Request, sender_id: str) -> Optional[bool]:
    """True/False when a Rasa JWT decides, None when JWT is not in use or none was sent."""
    app = request.app
    if not app.config.get("USE_JWT") or not getattr(app.ctx, "auth", None):
        return None
    try:
        result = app.ctx.auth.is_authenticated(request)
        if asyncio.iscoroutine(result):
            result = await result
        if not result:
            return None
        payload = app.ctx.auth.extract_payload(request)
        if asyncio.iscoroutine(payload):
            payload = await payload
    except Exception:
        return None
    user = (payload or {}).get("user") or {}
    return user.get("role") == "admin" or (user.get("role") == "user" and user.get("username") == sender_id)


class PrivacyInput(InputChannel):
    """Not a message channel: the erase route and the retention sweep (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return "privacy"

    def url_prefix(self) -> Text:
        return "/privacy"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("b12_privacy", __name__)

        @bp.route("/conversations/<sender_id>", methods=["DELETE"])
        async def erase(request: Request, sender_id: str) -> HTTPResponse:
            sender_id = unquote(sender_id)  # Sanic hands path parameters over still percent-encoded
            token = api_token()
            presented = _presented(request)
            allowed = bool(token and presented and hmac.compare_digest(presented.encode(), token.encode()))
            if not allowed:
                jwt = await _jwt_allows(request, sender_id)
                if jwt is False:
                    return response.json({"error": "not allowed to erase this conversation"}, status=403)
                if jwt is None:
                    if not token and not request.app.config.get("USE_JWT"):
                        return response.json(
                            {"error": "the erase API is off: set PRIVACY_API_TOKEN (or RASA_TOKEN, or RASA_JWT_SECRET)"},
                            status=403,
                        )
                    return response.json({"error": "a valid token is required"}, status=401)
            problem = sender_problem(sender_id)
            if problem:
                return response.json({"error": problem}, status=400)
            agent = request.app.ctx.agent
            n = await erase_locked(agent.tracker_store, getattr(agent, "lock_store", None), sender_id)
            logger.info("erased one conversation on request (%d events)", n)
            return response.json({"sender_id": sender_id, "erased_events": n})

        @bp.listener("after_server_start")
        async def start_sweep(app: Any, _loop: Any) -> None:
            days = retention_days()
            if days > 0:
                app.add_task(_sweep(app, days, sweep_seconds()))

        return bp


async def _sweep(app: Any, days: float, every: float) -> None:
    await asyncio.sleep(min(every, 5.0))
    while True:
        agent = getattr(app.ctx, "agent", None)
        if agent is not None and getattr(agent, "tracker_store", None) is not None:
            try:
                erased = await erase_older_than(agent.tracker_store, getattr(agent, "lock_store", None), days)
                if erased:
                    logger.info("retention: erased %d conversations idle for more than %g days", len(erased), days)
            except Exception:
                logger.exception("retention sweep failed")
        await asyncio.sleep(every)
