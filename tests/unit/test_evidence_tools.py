"""The evidence tooling itself: topic reading, the simulator's answers, the scoring.

These run without servers. They make sure the instrument measures what it
claims (a wrong topic reader or scorer would flatter or slander the assistant).
"""
from __future__ import annotations

import pytest

from engine.conversation import MORE_OFFER
from engine.questions import all_question_texts
from tests.evidence import patients as sim
from tests.evidence.real_language import score
from tests.evidence.redteam import Conversation
from tests.evidence.redteam import summarise as summarise_redteam
from tests.evidence.splits import source_key, split_of
from tests.evidence.topics import question_sentence, topics_of


@pytest.mark.parametrize(
    "question, topics",
    [
        ("How long have you had these symptoms?", ["duration"]),
        ("How long have you had these symptoms, and did they come on suddenly or slowly?", ["duration", "onset"]),
        ("Thanks. Do you take metformin?", ["metformin"]),
        ("Do you have pernicious anaemia or an autoimmune condition such as type 1 diabetes or vitiligo?", ["autoimmune"]),
        ("Does anyone in your close family have B12 deficiency, pernicious anaemia or an autoimmune condition?", ["family"]),
        ("Do they have diabetes?", ["diabetes"]),
        ("Do you have a wound, ulcer, blister or cut on your foot?", ["foot_wound"]),
        ("Have you noticed any of these: unusual tiredness, cramps, a sore tongue or mouth ulcers?",
         ["cramps", "fatigue", "tongue", "mouth_ulcers"]),
        ("First, a quick safety check. Do you have any of these right now: face drooping; chest pain; struggling to breathe?",
         ["red_flags"]),
        ("Which of these is it? Pick one, or tell me in your own words.", ["red_flag_which"]),
        ("Which ones? Pick one, or tell me in your own words.", ["symptoms_which"]),
        ("Got it, your feet tingle. How old are you?", ["age"]),
        ("What's the weather like?", []),
        (MORE_OFFER, ["more_questions"]),
    ],
)
def test_a_question_is_read_as_its_topic(question, topics):
    assert topics_of(question) == topics


def test_the_last_question_of_a_message_is_the_one_answered():
    assert question_sentence("Do you take metformin? Thanks. How long has it been going on?") == "How long has it been going on?"


def test_every_question_the_assistant_can_ask_has_a_topic():
    # if the assistant's wording drifts away from the simulator, conversations would stall on "what do you mean?"
    unknown = [q for q in all_question_texts() if q.strip().endswith("?") and not topics_of(q)]
    assert unknown == []


def test_a_question_about_two_parts_of_the_course_gets_both_answers():
    patient = {"facts": ["SX_PARAESTHESIA"], "answers": {"duration": "since the summer", "onset": "crept up on me"}}
    assert sim.answer_for(patient, ["duration", "onset"], []) == "since the summer. crept up on me"
    talk = Conversation(None, {"id": "x", "turns": [], "filler": {"onset": "all at once"}})
    assert talk.filler_for(["duration", "onset"]) == "a few months. all at once"


PATIENT = {
    "facts": ["SX_FATIGUE", "SX_GLOSSITIS"],
    "answers": {"fatigue": "knackered all the time", "tongue": "yeah it's raw", "cramps": "no", "none": "nah none of that",
                "unclear": "eh?", "metformin": "nope"},
}


def test_a_patient_answers_a_list_with_what_they_have():
    assert sim.answer_for(PATIENT, ["cramps", "fatigue", "tongue"], []) == "knackered all the time. yeah it's raw"


def test_a_patient_answers_a_list_of_things_they_lack_with_their_none():
    assert sim.answer_for(PATIENT, ["cramps", "vision"], []) == "nah none of that"


def test_a_patient_says_what_they_say_when_confused_to_an_unknown_question():
    assert sim.answer_for(PATIENT, [], []) == "eh?"


def test_which_ones_is_answered_from_the_list_just_asked():
    assert sim.answer_for(PATIENT, ["symptoms_which"], ["cramps", "tongue"]) == "yeah it's raw"


def test_patient_summary_counts_misses_and_turns():
    results = [
        {"exact": True, "under": False, "over": False, "no_result": False, "emergency_missed": False,
         "expected_level": "soon", "turns": 6, "repeated": {}},
        {"exact": False, "under": True, "over": False, "no_result": False, "emergency_missed": True,
         "expected_level": "emergency", "turns": 3, "repeated": {"duration": 2}},
        {"exact": False, "under": False, "over": False, "no_result": True, "emergency_missed": False,
         "expected_level": "routine", "turns": 40, "repeated": {}},
    ]
    s = sim.summarise(results)
    assert (s["exact"], s["under_triaged"], s["emergencies_missed"], s["no_result"]) == (0.333, 1, 1, 1)
    assert s["turns_median"] == 4.5  # conversations without a result are not counted as turns to a result
    assert s["questions_repeated"] == 1


def test_real_language_scoring_separates_present_from_context_traps():
    items = [
        {"id": "a", "source": "u1", "text": "x", "present": ["SX_PARAESTHESIA", "RK_MED_METFORMIN"],
         "not_present": [{"code": "RF_CHEST_PAIN", "why": "negated"}]},
        {"id": "b", "source": "u2", "text": "y", "present": ["RF_STROKE"], "red_flags": ["RF_STROKE"]},
        {"id": "c", "source": "u3", "text": "z", "present": [], "not_present": [{"code": "RF_STROKE", "why": "history"}]},
    ]
    outputs = [
        {"recorded": ["SX_PARAESTHESIA", "SX_FATIGUE", "RF_CHEST_PAIN"]},
        {"recorded": ["RF_CHEST_PAIN"]},
        {"recorded": []},
    ]
    s = score(items, outputs)
    assert s["symptom_recall"] == 1.0 and s["symptom_precision"] == 0.5
    assert s["risk_factor_recall"] == 0.0
    assert (s["red_flags_caught"], s["red_flag_messages"], s["red_flag_code_recall"]) == (1, 1, 0.0)
    assert (s["false_emergencies"], s["context_errors"], s["context_labels"]) == (1, 1, 2)


def test_redteam_summary_counts_dropped_flags_false_alarms_and_loops():
    results = [
        {"category": "a", "passed": False, "failures": ["turn 1: RF_STROKE expected, recorded []"]},
        {"category": "a", "passed": False, "failures": ["turn 1: no red flag expected, recorded ['RF_STROKE']"]},
        {"category": "b", "passed": False, "failures": ["turn 2: the same question came back (diet)"]},
        {"category": "b", "passed": True, "failures": []},
    ]
    s = summarise_redteam(results)
    assert (s["red_flag_dropped"], s["false_alarms"], s["loops"], s["passed"]) == (1, 1, 1, 1)


def test_sources_are_split_by_page_not_by_spelling_of_the_url():
    assert source_key("https://www.Example.com/a/b/?x=1#c") == source_key("http://example.com/a/b")
    assert split_of(source_key("https://example.com/a")) in ("dev", "test")


def test_the_floor_check_allows_a_fraction_of_a_turn_and_nothing_else():
    import copy
    import sys as _sys

    import yaml as _yaml

    from pathlib import Path as _Path

    scripts = _Path(__file__).resolve().parents[2] / "scripts"
    _sys.path.insert(0, str(scripts))
    import evaluate_evidence as ev

    floors = _yaml.safe_load(ev.FLOORS.read_text())
    report = {name: {split: (dict(figs) if name == "real" else {"summary": dict(figs)})
                     for split, figs in per.items()} for name, per in floors.items()}
    assert ev.check(report) == []
    nudged = copy.deepcopy(report)
    nudged["patients"]["test"]["summary"]["turns_p90"] += 0.5
    assert ev.check(nudged) == []
    nudged["patients"]["test"]["summary"]["turns_p90"] += 1.0
    assert len(ev.check(nudged)) == 1
    worse = copy.deepcopy(report)
    worse["redteam"]["test"]["summary"]["red_flag_dropped"] += 1
    assert len(ev.check(worse)) == 1


class OfferingAssistant:
    """Gives its result at once, then asks about duration only if the person takes the offer."""

    def __init__(self):
        self.level = None

    def say(self, sender, text):
        if text.startswith("yes"):
            return [{"text": "Do you take metformin?"}]
        if text == "no":
            return [{"text": "How long have you had these symptoms?"}]
        self.level = "soon"
        return [{"custom": {"type": "triage_summary"}}, {"text": MORE_OFFER}]

    def slots(self, sender):
        return {"triage_level": self.level}


def test_a_red_team_person_waiting_for_a_question_takes_the_offer_of_more_questions():
    c = Conversation(OfferingAssistant(), {"id": "rt_x", "filler": {}, "turns": []})
    assert c.wait_for("duration")
    assert [t for who, t in c.transcript if who == "user"] == ["hi", "yes, go on", "no"]


def test_the_test_splits_item_lines_are_not_printed_unless_asked(capsys):
    from scripts.evaluate_evidence import print_details

    failing = {"id": "rt_secret", "category": "c", "passed": False, "failures": ["x"]}
    patient = {"id": "bp_secret", "expected_level": "soon", "level": "routine", "turns": 3, "exact": False, "under": True, "over": False}
    report = {"redteam": {s: {"results": [dict(failing, id=f"rt_{s}")], "summary": {}} for s in ("dev", "test")},
              "patients": {s: {"results": [dict(patient, id=f"bp_{s}")], "summary": {}} for s in ("dev", "test")}}
    print_details(report, verbose=True)
    out = capsys.readouterr().out
    assert "rt_dev" in out and "bp_dev" in out and "rt_test" not in out and "bp_test" not in out
    print_details(report, verbose=True, show_test_items=True)
    assert "rt_test" in capsys.readouterr().out
