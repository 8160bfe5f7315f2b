"""The Rasa patches: in one module, applied by one entry point, refused on another Rasa."""
import subprocess
import sys
from pathlib import Path

import pytest

import rasa_patches

ROOT = Path(__file__).resolve().parents[2]


def test_every_patch_says_why_it_exists():
    assert [p.name for p in rasa_patches.PATCHES] == ["action_validation", "action_endpoint", "fail_loud_tracker_store", "bounded_action_payload", "event_class_cache", "rule_policy_recent_states", "form_temporary_tracker", "incremental_applied_events"]
    assert all(len(p.why) > 30 for p in rasa_patches.PATCHES)


def test_another_rasa_version_is_refused_loudly():
    rasa_patches.check_version(rasa_patches.WRITTEN_FOR)
    with pytest.raises(rasa_patches.RasaVersionMismatch, match="written for Rasa 3.6.21, this is Rasa 3.7.0"):
        rasa_patches.check_version("3.7.0")


def test_applying_puts_each_patch_in_force():
    import rasa.core.agent
    from rasa.core.actions.action import RemoteAction

    rasa_patches.apply_all()
    assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
    assert rasa_patches.fail_loud_store_in_force()
    assert rasa.core.agent.FailSafeTrackerStore.__name__ == "FailLoudTrackerStore"
    assert rasa_patches.apply_all() == ["action_validation", "action_endpoint", "fail_loud_tracker_store", "bounded_action_payload", "event_class_cache", "rule_policy_recent_states", "form_temporary_tracker", "incremental_applied_events"]  # once


def test_no_module_patches_rasa_when_imported():
    # importing the project's modules must leave Rasa as it is: patches come from rasa_cli only
    code = (
        "import rasa.core.agent, rasa.core.tracker_store as t\n"
        "from rasa.core.actions.action import RemoteAction\n"
        "before = (RemoteAction.__init__, RemoteAction._validate_action_result)\n"
        "import components, components.action_endpoint, storage.tracker_store, channels.resilient\n"
        "assert (RemoteAction.__init__, RemoteAction._validate_action_result) == before\n"
        "assert rasa.core.agent.FailSafeTrackerStore is t.FailSafeTrackerStore\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert run.returncode == 0, run.stderr[-1500:]


def test_the_entry_point_is_rasas_command_line():
    run = subprocess.run([sys.executable, "-m", "rasa_cli", "--version"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "3.6.21" in run.stdout


def test_the_entry_point_refuses_an_invalid_setting_before_starting_rasa():
    env = {"PYTHONPATH": str(ROOT), "PATH": "", "ACTION_TIMEOUT": "soon"}
    run = subprocess.run([sys.executable, "-m", "rasa_cli", "run"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode != 0 and "ACTION_TIMEOUT='soon' is not valid" in run.stderr and "Traceback" not in run.stderr


def _long_tracker(messages=40):
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.slots import AnySlot
    from rasa.shared.core.trackers import DialogueStateTracker

    events = [ActionExecuted("action_listen")]
    for n in range(messages):
        events += [UserUttered(str(n), {"name": "inform", "confidence": 1.0}), ActionExecuted("action_triage_turn"),
                   BotUttered(f"reply {n}"), SlotSet("interview", {"n": n}), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("x", events, slots=[AnySlot("interview", mappings=[{}])])


def test_the_action_server_receives_only_the_recent_events():
    import rasa_patches
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import EventVerbosity

    rasa_patches.apply_all()
    tracker = _long_tracker()
    payload = RemoteAction("action_triage_turn", None)._action_call_format(tracker, Domain.empty())
    kept = payload["tracker"]["events"]
    assert [e["text"] for e in kept if e["event"] == "user"] == [str(n) for n in range(28, 40)]
    # of earlier turns only the user messages; the current turn whole (its trailing slot events)
    assert kept[-5:] == [e.as_dict() for e in list(tracker.events)[-5:]] and len(kept) == 11 + 5
    # everything else is what Rasa sends
    full = tracker.current_state(EventVerbosity.ALL)
    assert {k: v for k, v in payload["tracker"].items() if k != "events"} == {k: v for k, v in full.items() if k != "events"}
    short = _long_tracker(5)
    sent = RemoteAction("a", None)._action_call_format(short, Domain.empty())["tracker"]["events"]
    assert [e["text"] for e in sent if e["event"] == "user"] == [str(n) for n in range(5)] and len(sent) == 4 + 5


def test_rules_see_the_same_recent_states_as_from_the_whole_history():
    from rasa_patches import recent_states
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    events = [ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet", "confidence": 1.0}),
              ActionExecuted("action_triage_turn"), SlotSet("next", "ask"), ActionExecuted("interview_form"),
              ActiveLoop("interview_form"), SlotSet("requested_slot", "q_rf_screen"), ActionExecuted("action_listen")]
    for n in range(30):  # answers in the form (Rasa collapses its happy path), side questions coming back to it
        intent = "ask_question" if n % 4 == 3 else "deny"
        events += [UserUttered(str(n), {"name": intent, "confidence": 1.0})]
        if intent == "ask_question":
            events += [ActionExecuted("action_answer_question"), SlotSet("next", "ask")]
        events += [ActionExecuted("interview_form"), SlotSet("interview", {"n": n}), SlotSet("symptoms", ["SX_FATIGUE"]),
                   BotUttered(f"question {n}"), SlotSet("requested_slot", f"q_{n}"), SlotSet("next", "ask"),
                   ActionExecuted("action_listen")]
    events += [UserUttered("chest pain", {"name": "inform", "confidence": 1.0}), ActionExecuted("interview_form"),
               ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("next", "emergency")]
    tracker = DialogueStateTracker.from_events("x", events, slots=domain.slots)
    whole = domain.states_for_tracker_history(tracker)
    for keep in (1, 3, 8, len(whole)):
        assert recent_states(domain, tracker, keep) == whole[-keep:]


def test_event_classes_are_looked_up_once_and_unknown_names_still_fail():
    from rasa.shared.core.events import Event, SlotSet, UserUttered

    rasa_patches.apply_all()
    assert Event.resolve_by_type("user") is UserUttered and Event.resolve_by_type("slot") is SlotSet
    assert rasa_patches._EVENT_CLASSES["user"] is UserUttered
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")


def test_the_forms_temporary_tracker_is_the_one_rasa_would_rebuild():
    import rasa_patches
    from rasa.core.actions.forms import FormAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted, ActiveLoop, BotUttered, Restarted, SessionStarted, SlotSet, UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    domain = Domain.load(str(ROOT / "domain.yml"))
    events = [ActionExecuted("action_session_start"), SessionStarted(), SlotSet("symptoms", ["SX_FATIGUE"]),
              ActionExecuted("action_listen"), UserUttered("hi", {"name": "greet", "confidence": 1.0}),
              ActionExecuted("action_triage_turn"), BotUttered("hello"), SlotSet("next", "ask"), ActionExecuted("interview_form"),
              ActiveLoop("interview_form"), SlotSet("requested_slot", "q_rf_screen"), ActionExecuted("action_listen"),
              UserUttered("no", {"name": "deny", "confidence": 1.0}), SlotSet("q_rf_screen", "no")]
    extra = [SlotSet("interview", {"pending": "AGE"}), BotUttered("noted")]
    form = FormAction("interview_form", None)
    for history in (events, events + [Restarted()] + events[3:]):
        current = DialogueStateTracker.from_events("x", history, slots=domain.slots)
        rasa_patches.apply_all()
        fast = FormAction._temporary_tracker(form, current, extra, domain)
        slow = DialogueStateTracker.from_events(
            "x", current.events_after_latest_restart() + [SlotSet("requested_slot", "q_rf_screen"), ActionExecuted("interview_form")] + extra,
            slots=domain.slots)
        def state(t):  # the two added events are made at different moments: their timestamps differ
            st = t.current_state(EventVerbosity.AFTER_RESTART)
            st["events"] = [{k: v for k, v in e.items() if k != "timestamp"} for e in st["events"]]
            return {k: v for k, v in st.items() if k != "latest_event_time"}

        assert state(fast) == state(slow)
        assert fast.past_states(domain) == slow.past_states(domain)
        assert current.get_slot("interview") is None and len(current.events) == len(history)  # the current one untouched


def test_applied_events_folded_in_as_they_come_are_the_ones_rasa_replays():
    """Random sessions (forms starting, their happy paths collapsing, reverts, restarts,
    a second loop appearing late), checked after every event against Rasa's own replay,
    also when the tracker is copied or its events shrink."""
    import copy
    import random

    from rasa.shared.core.events import (
        ActionExecuted, ActionReverted, ActiveLoop, BotUttered, Restarted, SessionStarted, SlotSet,
        UserUttered, UserUtteranceReverted,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    rasa_patches.apply_all()
    rasa_applied = DialogueStateTracker.rasa_applied_events
    rng = random.Random(7)
    makers = [
        lambda: ActionExecuted("action_listen"),
        lambda: UserUttered("hi", {"name": "inform", "confidence": 1.0}),
        lambda: ActionExecuted("interview_form"),
        lambda: ActiveLoop("interview_form"),
        lambda: ActiveLoop(None),
        lambda: ActionExecuted("other_form"),
        lambda: SlotSet("requested_slot", rng.choice(["q_a", "q_b", None])),
        lambda: BotUttered("a question?"),
        lambda: ActionExecuted("action_interview"),
        lambda: ActionReverted(),
        lambda: UserUtteranceReverted(),
        lambda: Restarted(),
        lambda: SessionStarted(),
    ]
    weights = [8, 8, 6, 3, 1, 2, 4, 4, 3, 1, 1, 0.3, 0.3]
    for session in range(60):
        tracker = DialogueStateTracker.from_events(f"s{session}", [])
        late_loop = rng.random() < 0.3
        for k in range(rng.randint(5, 120)):
            event = rng.choices(makers, weights)[0]()
            if late_loop and k == 40:
                event = ActiveLoop("other_form")
            tracker.update(event)
            assert tracker.applied_events() == rasa_applied(tracker), (session, k)
            if rng.random() < 0.05:
                tracker = copy.deepcopy(tracker)
                assert tracker.applied_events() == rasa_applied(tracker)
        tracker.events.pop()  # fewer events than folded: replayed from the start
        assert tracker.applied_events() == rasa_applied(tracker)
