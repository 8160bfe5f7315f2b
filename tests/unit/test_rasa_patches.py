"""The Rasa patches: in one module, applied by one entry point, refused on another Rasa."""
import subprocess
import sys
from pathlib import Path

import pytest

import rasa_patches

ROOT = Path(__file__).resolve().parents[2]


def test_every_patch_says_why_it_exists():
    assert [p.name for p in rasa_patches.PATCHES] == ["action_validation", "action_endpoint", "fail_loud_tracker_store", "bounded_action_payload", "recent_rule_states", "event_class_cache"]
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
    assert rasa_patches.apply_all() == ["action_validation", "action_endpoint", "fail_loud_tracker_store", "bounded_action_payload", "recent_rule_states", "event_class_cache"]  # once


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


def test_the_action_server_receives_only_the_recent_events():
    from rasa_patches import bounded_events

    events = []
    for n in range(40):
        events += [{"event": "user", "text": str(n)}, {"event": "action", "name": "x"}, {"event": "slot", "name": "s"}]
    kept = bounded_events(events, keep_users=12)
    assert [e["text"] for e in kept if e["event"] == "user"] == [str(n) for n in range(28, 40)]
    assert kept[-1] == events[-1] and len(kept) == 36
    short = events[:9]
    assert bounded_events(short, keep_users=12) == short  # fewer messages: all of them


def test_rules_matched_on_recent_turns_see_what_they_would_see_on_the_whole_session():
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from rasa_patches import RULE_TURNS, recent_tracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker("t", domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    for n in range(10):
        intent = ["inform", "affirm", "ask_question", "deny"][n % 4]
        tracker.update(UserUttered(f"m{n}", {"name": intent, "confidence": 1.0}))
        tracker.update(ActionExecuted("action_triage_turn"))
        tracker.update(BotUttered(f"b{n}"))
        tracker.update(SlotSet("interview", {"n": n}))
        tracker.update(ActionExecuted("action_listen"))
    full = tracker.past_states(domain)
    recent = recent_tracker(tracker).past_states(domain)
    assert len(recent) < len(full)
    assert recent[-(2 * RULE_TURNS - 1):] == full[-(2 * RULE_TURNS - 1):]


def test_the_conditions_for_matching_rules_on_recent_turns_hold():
    # every rule is one turn (an intent, then actions), none starts a conversation and
    # no slot influences the conversation: the last turns decide every prediction
    from knowledge import load_yaml

    for path in sorted((ROOT / "data" / "rules").glob("*.yml")):
        for rule in load_yaml(path.read_text()).get("rules") or []:
            assert not rule.get("conversation_start") and not rule.get("condition"), rule["rule"]
            assert [s for s in rule["steps"] if "intent" in s].__len__() <= 1, rule["rule"]
    slots = load_yaml((ROOT / "domain.yml").read_text())["slots"]
    assert not any(s.get("influence_conversation", True) for s in slots.values())
