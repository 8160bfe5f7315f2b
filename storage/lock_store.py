"""A Redis ticket-lock store that is safe across several Rasa processes.

Rasa serialises the turns of one conversation with a ticket lock. Its
``RedisLockStore`` updates a lock by reading it, changing it in Python and
writing it back: two processes issuing a ticket for the same conversation at
the same moment can both read "no lock", both get ticket 0 and handle the two
messages at once, and one turn's events can then be lost or duplicated. This
store makes every read-modify-write one Redis transaction (WATCH / MULTI /
EXEC, retried on conflict). The stored format is Rasa's, so both stores can
share a Redis during a rolling upgrade.

endpoints.yml::

    lock_store:
      type: storage.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: 6379
      db: 1
      password: ${REDIS_PASSWORD}
      key_prefix: b12
      socket_timeout: 3
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

import settings


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {**endpoint_config.kwargs, **kwargs}
            kwargs.setdefault("host", endpoint_config.url or "localhost")
        kwargs.pop("type", None)
        if "socket_timeout" in kwargs:
            kwargs["socket_timeout"] = float(kwargs["socket_timeout"])
        super().__init__(**kwargs)

    def _key(self, conversation_id: Text) -> Text:
        return self.key_prefix + conversation_id

    def _update(self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Optional[TicketLock]]) -> Any:
        """Apply ``change`` to the stored lock atomically (``None`` deletes it)."""
        key = self._key(conversation_id)
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new = change(lock)
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return new
                except redis.WatchError:
                    continue  # someone else changed the lock: read it again

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        # Rasa asks for its 60 s default (TICKET_LOCK_LIFETIME); a process killed mid-turn
        # would then block the person that long. The longest real turn is much shorter.
        if lock_lifetime == LOCK_LIFETIME:
            lock_lifetime = settings.get().lock_lifetime()
        ticket = []

        def change(lock: Optional[TicketLock]) -> TicketLock:
            lock = lock or self.create_lock(conversation_id)
            ticket[:] = [lock.issue_ticket(lock_lifetime)]
            return lock

        try:
            self._update(conversation_id, change)
        except Exception as e:  # noqa: BLE001 - Rasa's contract: a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        return ticket[0]

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]) -> Optional[TicketLock]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._update(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove the ticket and, when nobody else waits, the lock, in one step."""

        def change(lock: Optional[TicketLock]) -> Optional[TicketLock]:
            if lock is None:
                return None
            lock.remove_ticket_for(ticket_number)
            return lock if lock.is_someone_waiting() else None

        self._update(conversation_id, change)
