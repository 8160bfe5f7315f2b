"""The Rasa SDK actions: slots in, dispatcher messages and slot events out.

The interview's questions are asked by the form from the domain's responses,
so a turn action sends what comes before the question and says, in the `next`
slot, what the rules should do; the result waits in `outbox` for its action."""
import json
from pathlib import Path

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import subprocess
import sys

import yaml

from actions.actions import (
    AnswerQuestion, EmergencyAdvice, GiveResult, RestartCheck, SmallTalk, TriageTurn, ValidateInterviewForm, slot_name,
)
from engine.questions import QUESTIONS

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]


def user_event(text, intent, entities=(), ts=1.0, metadata=None):
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": list(entities)}
    return {"event": "user", "timestamp": ts, "text": text, "parse_data": parse, "metadata": metadata or {}}


def tracker(events, slots=None, active_loop=None):
    latest = next(e for e in reversed(events) if e["event"] == "user")
    message = dict(latest["parse_data"])
    message["metadata"] = latest.get("metadata") or {}
    return Tracker("test-user", slots or {}, message, events, False, None, active_loop or {}, "action_listen")


async def run(action, t):
    """Messages sent, and the slots as they are after the action's events."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    if not events:
        return dispatcher.messages, {}
    slots = {k: t.get_slot(k) for k in ("symptoms", "risk_factors", "red_flags", "triage_level", "interview", "outbox", "requested_slot")}
    slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    return dispatcher.messages, slots


async def test_only_changed_slots_are_written():
    ev = [user_event("hi", "greet")]
    dispatcher = CollectingDispatcher()
    events = await TriageTurn().run(dispatcher, tracker(ev, {"symptoms": [], "risk_factors": [], "red_flags": []}), {})
    assert [e["name"] for e in events] == ["interview", "voice", "next"]


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
    # the question itself is the form's (utter_ask_q_rf_screen): not sent by the action
    assert slots["next"] == "ask" and slots["voice"] == "self"
    assert not any("safety check" in (m.get("text") or "") for m in messages)
    assert messages[-1]["text"].startswith("Noted:")


async def test_red_flag_sets_level_and_the_emergency_action_sends_the_advice():
    ev = [user_event("chest pain", "inform", [{"entity": "red_flag", "value": "RF_CHEST_PAIN"}])]
    t = tracker(ev)
    messages, slots = await run(TriageTurn(), t)
    assert slots["triage_level"] == "emergency" and slots["red_flags"] == ["RF_CHEST_PAIN"]
    assert slots["next"] == "emergency" and messages == []  # the advice is the emergency action's
    t.slots.update(slots)
    messages, after = await run(EmergencyAdvice(), t)
    assert messages[0]["text"].startswith("Call 999 now")
    assert any(m.get("custom", {}).get("type") == "triage_summary" for m in messages)
    assert after["outbox"] is None and after["next"] == "none"


async def test_locale_from_message_metadata():
    ev = [user_event("chest pain", "inform", [{"entity": "red_flag", "value": "RF_CHEST_PAIN"}], metadata={"locale": "eu"})]
    messages, slots = await run(TriageTurn(), tracker(ev))
    assert "112" in slots["outbox"]["replies"][0]["text"]
    assert slots["interview"]["locale"] == "eu"


async def test_mid_interview_fixture_resumes_after_an_information_question():
    fixture = json.loads((DATA / "tracker_mid_interview.json").read_text())
    t = Tracker.from_dict(fixture)
    messages, slots = await run(AnswerQuestion(), t)
    assert "fortified" in messages[0]["text"]
    # the form asks the question again, worded "Back to my question: ..." (the resume variation)
    assert slots["voice"] == "resume" and slots["next"] == "ask"
    assert slots["interview"]["pending"] == fixture["slots"]["interview"]["pending"]
    assert slots["symptoms"] == ["SX_BURNING_FEET"]


async def test_restart_asks_then_clears_the_slots():
    fixture = json.loads((DATA / "tracker_mid_interview.json").read_text())
    fixture["latest_message"] = {"text": "start over", "intent": {"name": "start_over", "confidence": 1.0}, "entities": []}
    fixture["events"].append(user_event("start over", "start_over", ts=1000.0))
    messages, slots = await run(RestartCheck(), Tracker.from_dict(fixture))
    assert slots["interview"]["pending"] == "ASK_RESTART" and slots["next"] == "ask"
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


def form_tracker(events, state, requested, slots=None):
    values = {"interview": state, "requested_slot": requested}
    values.update(slots or {})
    return tracker(events, values, active_loop={"name": "interview_form"})


async def test_the_form_rejects_an_interruption_so_its_rule_runs():
    state = {"pending": "RF_SCREEN", "stage": "interview", "asked": [], "facts": {}, "last_user_ts": 1.0}
    t = form_tracker([user_event("hi", "greet", ts=1.0), user_event("what is b12?", "ask_question", ts=2.0)], state, "q_rf_screen")
    assert await ValidateInterviewForm().run(CollectingDispatcher(), t, {}) == []


async def test_the_form_reads_the_answer_and_requests_the_next_question():
    state = {"pending": "RF_SCREEN", "stage": "interview", "asked": [], "facts": {"status": {"SX_PARAESTHESIA": "present"}}, "last_user_ts": 1.0}
    t = form_tracker([user_event("hi", "greet", ts=1.0), user_event("nope, none of those", "deny", ts=2.0)], state, "q_rf_screen",
                     {"q_rf_screen": "nope, none of those"})
    messages, slots = await run(ValidateInterviewForm(), t)
    nxt = slots["interview"]["pending"]
    assert nxt and nxt != "RF_SCREEN" and slots["requested_slot"] == slot_name(nxt)
    assert slots["q_rf_screen"] == "answered" and slots.get(slot_name(nxt)) is None  # the free text is not kept
    assert slots["next"] == "ask"


async def test_coming_back_to_the_form_reads_nothing_again():
    state = {"pending": "AGE", "stage": "interview", "asked": ["RF_SCREEN"], "facts": {}, "last_user_ts": 2.0}
    t = form_tracker([user_event("hi", "greet", ts=1.0), user_event("why?", "why_ask", ts=2.0)], state, "q_age")
    dispatcher = CollectingDispatcher()
    events = await ValidateInterviewForm().run(dispatcher, t, {})
    assert dispatcher.messages == []
    assert {e["name"]: e["value"] for e in events} == {"next": "ask", "requested_slot": "q_age"}


async def test_a_red_flag_in_an_answer_ends_the_form_for_the_emergency_rule():
    state = {"pending": "AGE", "stage": "interview", "asked": ["RF_SCREEN"], "facts": {}, "last_user_ts": 1.0}
    ev = [user_event("hi", "greet", ts=1.0), user_event("70 and my face has dropped", "inform", [{"entity": "red_flag", "value": "RF_STROKE"}], ts=2.0)]
    messages, slots = await run(ValidateInterviewForm(), form_tracker(ev, state, "q_age"))
    assert slots["requested_slot"] is None and slots["next"] == "emergency"
    assert slots["outbox"]["kind"] == "emergency" and slots["outbox"]["replies"][0]["text"].startswith("Call 999")


async def test_the_result_action_sends_the_outbox_once():
    outbox = {"kind": "result", "replies": [{"text": "My suggestion: ...", "buttons": [], "custom": None}, {"text": None, "buttons": [], "custom": {"type": "triage_summary"}}]}
    t = tracker([user_event("no", "deny")], {"outbox": outbox})
    messages, slots = await run(GiveResult(), t)
    assert [m.get("text") for m in messages][0] == "My suggestion: ..." and messages[1]["custom"] == {"type": "triage_summary"}
    assert slots["outbox"] is None


def test_domain_and_rules_are_in_step_with_the_question_table():
    for script in ("scripts/build_domain.py", "scripts/build_rules.py"):
        done = subprocess.run([sys.executable, script, "--check"], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_every_question_is_a_form_slot_with_its_wordings_in_the_domain():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    required = domain["forms"]["interview_form"]["required_slots"]
    for q in QUESTIONS:
        name = slot_name(q.id)
        assert name in required and name in domain["slots"]
        variants = domain["responses"][f"utter_ask_{name}"]
        default = next(v for v in variants if "condition" not in v)
        other = next(v for v in variants if v.get("condition", [{}])[0].get("value") == "other")
        assert default["text"] == q.text_self and other["text"] == q.text_other


def test_every_question_goes_out_through_rasas_response_generator_with_its_payloads_intact():
    # Rasa fills every {...} of a response's buttons from the slots: an entity payload
    # written plainly failed to fill (an error and a traceback in the log each time the
    # question was asked, tens of milliseconds) before going out unchanged.
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
    from structlog.testing import capture_logs

    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    nlg = TemplatedNaturalLanguageGenerator(domain["responses"])
    slots = {"voice": None, "symptoms": ["SX_PARAESTHESIA"], "interview": {"facts": {"status": {}}}}
    for q in QUESTIONS:
        with capture_logs() as logs:
            out = nlg.generate_from_slots(f"utter_ask_{slot_name(q.id)}", slots, "rest")
        assert [b["payload"] for b in out["buttons"]] == [b["payload"] for b in q.buttons], q.id
        assert not [e for e in logs if e["log_level"] in ("error", "exception")], (q.id, logs)


def test_the_interrupting_intents_are_the_same_in_the_action_the_domain_and_the_rules():
    from actions.actions import INTERRUPTIONS
    from scripts.build_rules import SIDE

    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    assert set(domain["forms"]["interview_form"]["ignored_intents"]) == set(INTERRUPTIONS) == set(SIDE)
