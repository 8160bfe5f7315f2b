"""No response diagnoses, reassures a cause away, gives a dose or says to stop a medicine.

Checks every text the assistant can send: domain responses, questions and
buttons, fixed replies, information answers, red-flag advice, and full results
generated for every decision-table row and many fact combinations.
"""
import itertools
import re
from pathlib import Path

import pytest
import yaml

from engine import guidance
from engine.conversation import all_static_texts
from engine.facts import Facts, Status
from knowledge import Kind, load_knowledge
from engine.locale import LOCALES, contacts
from engine.questions import all_question_texts
from engine.rules import decide
from channels.resilient import apology_text
from tests.evidence.guardrails import violations

ROOT = Path(__file__).resolve().parents[2]


def result_texts():
    kb = load_knowledge()
    texts = []
    codes = kb.codes(Kind.SYMPTOM) + kb.codes(Kind.RISK_FACTOR) + kb.codes(Kind.MODIFIER) + kb.codes(Kind.RED_FLAG)
    cases = [[c] for c in codes]
    cases += [list(p) for p in itertools.combinations(["SX_PARAESTHESIA", "SX_FATIGUE", "RK_N2O", "MOD_PREGNANT", "RK_MED_METFORMIN", "RK_MED_ACID", "MOD_ON_B12_TREATMENT", "MOD_DIABETES", "SX_HEEL_FOOT_PAIN"], 2)]
    cases += [["RF_SUICIDAL", "QL_SELF_HARM_ACTED"], ["RF_RAPID_WEAKNESS", "QL_SEVERE_WEAKNESS"], ["RF_DIABETIC_FOOT", "MOD_DIABETES", "QL_FEVER_UNWELL"], []]
    for case, locale, age, subject in itertools.product(cases, LOCALES, (12, 40, 80), ("self", "other")):
        f = Facts(subject=subject)
        for c in case:
            f.set(c, Status.PRESENT)
        f.set("SX_CRAMPS", Status.UNSURE)
        f.set_age(age)
        d = decide(f)
        texts += [r.text for r in guidance.result_replies(d, f, contacts(locale)) if r.text]
    return texts


def all_texts():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    texts = [v["text"] for vs in domain.get("responses", {}).values() for v in vs if "text" in v]
    texts += all_question_texts() + all_static_texts()
    texts += [t.answer for t in load_knowledge().topics]
    texts += list(guidance.RED_FLAG_ADVICE.values()) + list(guidance.LEVEL_HEADLINE.values()) + list(guidance.WHY_BY_ROW.values())
    texts += [guidance.SAFETY_NET, guidance.NOT_A_DIAGNOSIS, guidance.OTHER_CAUSES, guidance.EARLY_MATTERS, apology_text()]
    texts += [guidance.SCREEN_UNNAMED_ADVICE]
    return texts


def test_the_checker_catches_what_it_should():
    assert violations("You have B12 deficiency.") == ["diagnosis"]
    assert violations("This is nothing to worry about") == ["reassurance"]
    assert violations("take 1000 mcg daily") == ["dose"]
    assert violations("Stop taking your metformin") == ["stop medicine"]
    assert violations("That level of 180 is low") == ["lab interpretation"]
    assert violations("your result looks normal") == ["lab interpretation"]
    assert violations("Ask the prescriber before changing any medicine; a clinician interprets the result with your symptoms.") == []


def test_no_fixed_text_breaks_a_guardrail():
    bad = {t: violations(t) for t in all_texts() if violations(t)}
    assert bad == {}


def test_no_generated_result_breaks_a_guardrail():
    texts = set(result_texts())
    assert len(texts) > 50
    bad = {t: violations(t) for t in texts if violations(t)}
    assert bad == {}


def test_every_result_says_it_is_not_a_diagnosis_and_how_to_get_help_sooner():
    kb = load_knowledge()
    for code in kb.codes(Kind.SYMPTOM) + kb.codes(Kind.RED_FLAG) + [None]:
        f = Facts()
        if code:
            f.set(code, Status.PRESENT)
        replies = guidance.result_replies(decide(f), f, contacts("uk"))
        text = "\n".join(r.text for r in replies if r.text)
        assert "not a diagnosis" in text
        assert "Get help sooner" in text and "999" in text


def test_medicine_advice_keeps_the_prescriber_in_charge():
    f = Facts()
    for c in ("SX_PARAESTHESIA", "RK_MED_METFORMIN", "RK_MED_ACID"):
        f.set(c, Status.PRESENT)
    text = " ".join(r.text for r in guidance.result_replies(decide(f), f, contacts("uk")) if r.text)
    assert "prescriber" in text and "Keep taking them as prescribed" in text


@pytest.mark.parametrize("path", sorted(str(p) for d in ("actions", "engine", "knowledge", "reader") for p in (ROOT / d).rglob("*.py")))
def test_source_files_hold_no_forbidden_wording(path):
    # the hook in shared/hooks/before-stop greps for these too
    text = Path(path).read_text()
    assert not re.search(r"nothing to worry about|(take|taking) [0-9]+ ?(mg|mcg|µg|micrograms)|stop taking your", text, re.I)


def test_summary_suggests_b12_tests_only_when_the_text_result_does():
    # the summary card (web widget) must not tell someone with a red flag to ask about blood tests
    kb = load_knowledge()
    for code in kb.codes(Kind.SYMPTOM) + kb.codes(Kind.RED_FLAG) + [None]:
        f = Facts()
        if code:
            f.set(code, Status.PRESENT)
        d = decide(f)
        summary = guidance.build_summary(d, f, contacts("uk"))
        text = "\n".join(r.text for r in guidance.result_replies(d, f, contacts("uk")) if r.text)
        assert bool(summary["ask_about"]) == ("Things you could ask the clinician about" in text), (code, d.row.id)
        if d.row.id in ("D1", "D2"):
            assert summary["ask_about"] == []
