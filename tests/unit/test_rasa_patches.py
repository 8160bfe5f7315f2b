"""The Rasa patches: in one module, applied by one entry point, refused on another Rasa."""
import subprocess
import sys
from pathlib import Path

import pytest

import rasa_patches

ROOT = Path(__file__).resolve().parents[2]


def test_every_patch_says_why_it_exists():
    assert [p.name for p in rasa_patches.PATCHES] == ["action_validation", "action_endpoint", "fail_loud_tracker_store", "bounded_action_payload", "event_class_cache"]
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
    assert rasa_patches.apply_all() == ["action_validation", "action_endpoint", "fail_loud_tracker_store", "bounded_action_payload", "event_class_cache"]  # once


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


def test_event_classes_are_looked_up_once_and_unknown_names_still_fail():
    from rasa.shared.core.events import Event, SlotSet, UserUttered

    rasa_patches.apply_all()
    assert Event.resolve_by_type("user") is UserUttered and Event.resolve_by_type("slot") is SlotSet
    assert rasa_patches._EVENT_CLASSES["user"] is UserUttered
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
