"""The tracker store keeps each conversation's tracker between turns, and only uses it
while the store still holds exactly what was saved (storage/tracker_store.py)."""
import asyncio
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from storage.tracker_store import TunedSQLTrackerStore


def store(path):
    return TunedSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))


def turn(tracker, text):
    for e in (UserUttered(text, {"name": "inform", "confidence": 1.0}), ActionExecuted("action_triage_turn"),
              BotUttered("ok"), ActionExecuted("action_listen")):
        tracker.update(e)


def new_tracker(sender="a", session_start_logged_first=False):
    now = time.time()
    # as Rasa logs a session start: the action is logged after the event it returned
    opening = [SessionStarted(timestamp=now), ActionExecuted("action_session_start", timestamp=now + 0.001)]
    if session_start_logged_first:  # an event older than the session's start: a read leaves it out
        opening = [ActionExecuted("action_session_start", timestamp=now - 1), SessionStarted(timestamp=now)]
    t = DialogueStateTracker.from_events(sender, opening + [ActionExecuted("action_listen")])
    turn(t, "hi")
    return t


def test_a_saved_tracker_is_used_again_while_the_store_holds_what_was_saved(tmp_path):
    async def go():
        s = store(tmp_path / "a.db")
        t = new_tracker()
        await s.save(t)
        assert await s.retrieve("a") is t  # no rebuild from the stored events
        turn(t, "my feet tingle")  # changed in memory, not saved (a failed turn)
        again = await s.retrieve("a")
        assert again is not t and len(again.events) == len(t.events) - 4  # read from the store
        await s.save(again)
        assert await s.retrieve("a") is again

    asyncio.run(go())


def test_a_conversation_changed_by_another_process_is_read_from_the_store(tmp_path):
    async def go():
        mine, other = store(tmp_path / "b.db"), store(tmp_path / "b.db")
        t = new_tracker()
        await mine.save(t)
        theirs = await other.retrieve("a")
        turn(theirs, "and my hands")
        await other.save(theirs)
        fresh = await mine.retrieve("a")
        assert fresh is not t and [e.text for e in fresh.events if isinstance(e, UserUttered)] == ["hi", "and my hands"]

    asyncio.run(go())


def test_an_erased_conversation_is_not_served_from_memory(tmp_path):
    async def go():
        s = store(tmp_path / "c.db")
        await s.save(new_tracker())
        with s.session_scope() as session:
            session.query(s.SQLEvent).filter(s.SQLEvent.sender_id == "a").delete()
            session.commit()
        assert await s.retrieve("a") is None

    asyncio.run(go())


def test_the_cache_is_bounded(tmp_path, monkeypatch):
    async def go():
        s = store(tmp_path / "d.db")
        s._cache_size = 3
        for n in range(5):
            await s.save(new_tracker(f"p{n}"))
        assert list(s._cache) == ["p2", "p3", "p4"]

    asyncio.run(go())


def test_a_tracker_holding_more_than_a_read_returns_is_not_kept(tmp_path):
    async def go():
        s = store(tmp_path / "e.db")
        t = new_tracker(session_start_logged_first=True)
        await s.save(t)
        read = await s.retrieve("a")
        assert read is not t and len(read.events) == len(t.events) - 1
        turn(read, "numb toes")
        await s.save(read)  # Rasa appends after the count of the session's stored events: nothing twice
        again = await s.retrieve("a")
        assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hi", "numb toes"]

    asyncio.run(go())
