"""Asking only what can still change the result (clinical reference section 6, issue 12).

The general rule is tested as a property over random people: an interview that
stops as soon as no open question can change the result gives the same result
as the same interview carried on to every question (the optional questions for
the GP's summary). Hypothesis draws the people; the interviewer answers every
question truthfully from them. It holds for the level (what the interview uses)
and for the row (what the clinical reference words), and it would fail if a row
needed three still-open facts that the pairwise check cannot see.
"""
from __future__ import annotations

from typing import List, Set
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine.questions as questions
from engine.facts import Facts, Status
from engine.questions import BY_ID, AskedView, Question, next_question, optional_questions, still_matters
from engine.rules import decide
from knowledge import Kind, load_knowledge

KB = load_knowledge()
CODES = sorted(
    c for c in KB.concepts
    if KB.concept(c).kind in (Kind.SYMPTOM, Kind.RISK_FACTOR, Kind.MODIFIER, Kind.RED_FLAG) and c != "RK_AGE_OLDER"
)
PEOPLE = st.fixed_dictionaries({
    "codes": st.sets(st.sampled_from(CODES), max_size=6),
    "age": st.sampled_from([9, 15, 23, 38, 52, 61, 70, 84]),
    "duration": st.sampled_from(["days", "weeks", "months", "years"]),
    "progression": st.sampled_from(["rapid", "slow", "stable"]),
})
PROPERTY = settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))


def answer_truthfully(q: Question, facts: Facts, person: dict) -> None:
    """What a person who knows themselves answers: every option of the question, yes or no."""
    true: Set[str] = person["codes"]
    if q.kind == "duration":
        facts.duration = person["duration"]
    elif q.kind == "progression":
        facts.progression = person["progression"]
    elif q.kind == "age":
        facts.set_age(person["age"])
    else:
        codes = q.codes or tuple(c for c in CODES if KB.concept(c).kind == Kind.SYMPTOM)
        follow = BY_ID[q.follow_up_on_yes].codes if q.follow_up_on_yes else ()
        for code in set(codes) | set(follow):
            if not facts.known(code):
                facts.set(code, Status.PRESENT if code in true else Status.ABSENT)


def interview(person: dict, facts: Facts, asked: List[str], complete: bool) -> Facts:
    for _ in range(80):
        if facts.red_flags():  # a red flag ends the interview at once (D1/D2)
            break
        q = next_question(facts, AskedView(tuple(asked)), complete=complete)
        if q is None:
            break
        answer_truthfully(q, facts, person)
        asked.append(q.id)
    else:
        pytest.fail("the interview did not end")
    return facts


def stop_early_then_complete(person: dict):
    facts, asked = Facts(), []
    early = decide(interview(person, facts, asked, complete=False))
    full = decide(interview(person, facts, asked, complete=True))
    return early, full, asked


@PROPERTY
@given(PEOPLE)
def test_stopping_early_never_changes_the_level(person):
    early, full, _ = stop_early_then_complete(person)
    assert early.level == full.level, (early.row.id, full.row.id)


@PROPERTY
@given(PEOPLE)
def test_stopping_early_never_changes_the_row_when_the_row_is_the_rule(person):
    with mock.patch.object(questions, "STOP_WHEN", "row"):
        early, full, _ = stop_early_then_complete(person)
    assert early.row.id == full.row.id


def test_the_safety_screen_is_always_asked_first():
    f = Facts()
    f.set("SX_PARAESTHESIA", Status.PRESENT)
    assert next_question(f, AskedView()).id == "RF_SCREEN"


def test_risk_factors_that_cannot_change_the_level_are_not_asked():
    # tingling with metformin is "soon" (D7); another risk factor leaves it "soon" (D7),
    # nitrous oxide or pregnancy would make it "urgent" (D3), so those are still asked
    f = Facts()
    f.set("SX_PARAESTHESIA", Status.PRESENT)
    f.set("RK_MED_METFORMIN", Status.PRESENT)
    f.set_age(30)
    asked = AskedView(("RF_SCREEN",))
    for qid in ("RK_MED_ACID", "RK_DIET_LOW_B12", "RK_FAMILY_HX", "RK_ALCOHOL", "MOD_ON_B12_TREATMENT"):
        assert not still_matters(BY_ID[qid], f, asked), qid
    for qid in ("RK_N2O", "MOD_PREGNANT", "PROGRESSION", "MOD_DIABETES"):
        assert still_matters(BY_ID[qid], f, asked), qid


def test_a_question_matters_through_a_second_open_question():
    # diabetes alone changes nothing, but diabetes with a foot wound is a red flag (D2)
    f = Facts()
    f.set("SX_FATIGUE", Status.PRESENT)
    assert still_matters(BY_ID["MOD_DIABETES"], f, AskedView(("RF_SCREEN",)))


def test_the_row_rule_asks_more_than_the_level_rule(monkeypatch):
    f = Facts()
    f.set("SX_PARAESTHESIA", Status.PRESENT)
    asked = AskedView(("RF_SCREEN",))
    # with no risk factor yet, one would move D9 to D7: same level, another row
    assert not still_matters(BY_ID["RK_MED_ACID"], f, asked)
    monkeypatch.setattr(questions, "STOP_WHEN", "row")
    assert still_matters(BY_ID["RK_MED_ACID"], f, asked)


def test_typical_interview_is_short():
    person = {"codes": {"SX_PARAESTHESIA", "SX_BALANCE_GAIT", "RK_MED_METFORMIN", "MOD_DIABETES"}, "age": 67,
              "duration": "months", "progression": "slow"}
    f = Facts()
    f.set("SX_PARAESTHESIA", Status.PRESENT)
    f.set("RK_MED_METFORMIN", Status.PRESENT)
    early, full, asked = stop_early_then_complete(person)
    assert early.level.value == "soon"
    facts, asked = f, []
    interview(person, facts, asked, complete=False)
    # six: how long is always asked with a nerve symptom (an answer of hours makes it acute)
    assert len(asked) <= 6, asked
    assert optional_questions(facts, AskedView(tuple(asked)))  # the rest is offered, not dropped


def test_a_summary_only_question_is_never_asked_before_the_result_and_first_after_it():
    # mood, for the GP's summary: a yes would open the psychosis question (D4), so weighed like
    # the others it would be asked of everyone; it is asked only when the person chose to go on
    summary_only = [q.id for q in questions.QUESTIONS if q.summary_only]
    assert summary_only == ["SX_MOOD"]
    f = Facts()
    f.set("SX_PARAESTHESIA", Status.PRESENT)
    asked = ["RF_SCREEN"]
    while True:
        q = next_question(f, AskedView(tuple(asked)))
        if q is None:
            break
        assert not q.summary_only, q.id
        asked.append(q.id)
        f.set_age(30) if q.id == "AGE" else None
    assert next_question(f, AskedView(tuple(asked)), complete=True).id == "SX_MOOD"
