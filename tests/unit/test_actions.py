"""The Rasa SDK actions: slots in, dispatcher messages and slot events out."""
import json
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import AnswerQuestion, RestartCheck, SmallTalk, TriageTurn

DATA = Path(__file__).resolve().parents[1] / "data"


def user_event(text, intent, entities=(), ts=1.0, metadata=None):
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": list(entities)}
    return {"event": "user", "timestamp": ts, "text": text, "parse_data": parse, "metadata": metadata or {}}


def tracker(events, slots=None):
    latest = next(e for e in reversed(events) if e["event"] == "user")
    message = dict(latest["parse_data"])
    message["metadata"] = latest.get("metadata") or {}
    return Tracker("test-user", slots or {}, message, events, False, None, {}, "action_listen")


async def run(action, t):
    """Messages sent, and the slots as they are after the action's events."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    if not events:
        return dispatcher.messages, {}
    slots = {k: t.get_slot(k) for k in ("symptoms", "risk_factors", "red_flags", "triage_level", "interview")}
    slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    return dispatcher.messages, slots


async def test_only_changed_slots_are_written():
    ev = [user_event("hi", "greet")]
    dispatcher = CollectingDispatcher()
    events = await TriageTurn().run(dispatcher, tracker(ev, {"symptoms": [], "risk_factors": [], "red_flags": []}), {})
    assert [e["name"] for e in events] == ["interview"]


async def test_first_message_fills_public_slots_and_asks_the_red_flag_screen():
    entities = [
        {"entity": "symptom", "value": "SX_PARAESTHESIA"},
        {"entity": "risk_factor", "value": "RK_MED_METFORMIN"},
        {"entity": "symptom", "value": "SX_CRAMPS", "role": "absent"},
    ]
    messages, slots = await run(TriageTurn(), tracker([user_event("my feet tingle, on metformin, no cramps", "inform", entities)]))
    assert slots["symptoms"] == ["SX_PARAESTHESIA"]
    assert slots["risk_factors"] == ["RK_MED_METFORMIN"]
    assert slots["red_flags"] == [] and slots["triage_level"] is None
    assert slots["interview"]["pending"] == "RF_SCREEN"
    assert messages[-1]["buttons"][0]["payload"] == "/affirm"


async def test_red_flag_sets_level_and_sends_advice():
    ev = [user_event("chest pain", "inform", [{"entity": "red_flag", "value": "RF_CHEST_PAIN"}])]
    messages, slots = await run(TriageTurn(), tracker(ev))
    assert slots["triage_level"] == "emergency" and slots["red_flags"] == ["RF_CHEST_PAIN"]
    assert messages[0]["text"].startswith("Call 999 now")
    assert any(m.get("custom", {}).get("type") == "triage_summary" for m in messages)


async def test_locale_from_message_metadata():
    ev = [user_event("chest pain", "inform", [{"entity": "red_flag", "value": "RF_CHEST_PAIN"}], metadata={"locale": "eu"})]
    messages, slots = await run(TriageTurn(), tracker(ev))
    assert "112" in messages[0]["text"]
    assert slots["interview"]["locale"] == "eu"


async def test_mid_interview_fixture_resumes_after_an_information_question():
    fixture = json.loads((DATA / "tracker_mid_interview.json").read_text())
    t = Tracker.from_dict(fixture)
    messages, slots = await run(AnswerQuestion(), t)
    assert "fortified" in messages[0]["text"]
    assert messages[-1]["text"].startswith("Back to my question")
    assert slots["interview"]["pending"] == fixture["slots"]["interview"]["pending"]
    assert slots["symptoms"] == ["SX_BURNING_FEET"]


async def test_restart_asks_then_clears_the_slots():
    fixture = json.loads((DATA / "tracker_mid_interview.json").read_text())
    fixture["latest_message"] = {"text": "start over", "intent": {"name": "start_over", "confidence": 1.0}, "entities": []}
    fixture["events"].append(user_event("start over", "start_over", ts=1000.0))
    messages, slots = await run(RestartCheck(), Tracker.from_dict(fixture))
    assert slots["interview"]["pending"] == "ASK_RESTART" and "start again" in messages[-1]["text"]
    # the confirmation, through the same action and state slot
    fixture["slots"]["interview"] = slots["interview"]
    fixture["latest_message"] = {"text": "yes", "intent": {"name": "affirm", "confidence": 1.0}, "entities": []}
    fixture["events"].append(user_event("yes", "affirm", ts=1001.0))
    messages, slots = await run(RestartCheck(), Tracker.from_dict(fixture))
    assert slots["symptoms"] == [] and slots["interview"]["pending"] == "RF_SCREEN"


async def test_messages_missed_by_a_down_action_server_are_replayed():
    # the slot says the last processed user message had timestamp 1.0
    first = user_event("hi", "greet", ts=1.0)
    missed = user_event("I'm vegan", "inform", [{"entity": "risk_factor", "value": "RK_DIET_LOW_B12"}], ts=2.0)
    latest = user_event("no", "deny", ts=3.0)
    slots_before = {"interview": {"pending": "RF_SCREEN", "stage": "interview", "asked": [], "facts": {}, "last_user_ts": 1.0}}
    messages, slots = await run(TriageTurn(), tracker([first, missed, latest], slots_before))
    assert slots["risk_factors"] == ["RK_DIET_LOW_B12"]
    assert slots["interview"]["last_user_ts"] == 3.0
    assert any("earlier messages" in (m.get("text") or "") for m in messages)


async def test_a_corrupt_state_slot_gets_an_apology_not_a_crash():
    ev = [user_event("hi", "greet")]
    messages, slots = await run(SmallTalk(), tracker(ev, {"interview": {"facts": {"status": {"SX_FATIGUE": "bogus"}}}}))
    assert "Sorry" in messages[0]["text"] and slots == {}
