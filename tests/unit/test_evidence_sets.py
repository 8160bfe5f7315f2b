"""The blind sets are complete, well formed, labelled with real codes and split honestly.

A missing file fails (never skips): the sets are the instrument the assistant is
judged with.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.evidence.splits import (
    PATIENTS_DIR, SPLITS, load_patients, load_real, load_redteam, source_key, split_of,
)
from tests.evidence.topics import ALL_TOPICS

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "clinical-reference.md"
QUALIFIERS = {"QL_RAPID_PROGRESSION", "QL_NEW_CONFUSION", "QL_CANNOT_STAND_WALK", "QL_ONSET_WITHIN_DAY", "QL_BULBAR",
              "QL_PLAN_MEANS_ACT", "QL_FEVER_UNWELL"}
LEVELS = {"emergency", "urgent", "soon", "routine", "self_care"}


@pytest.fixture(scope="module")
def reference_codes():
    text = REFERENCE.read_text()
    codes = set(re.findall(r"`((?:SX|RK|RF|MOD)_[A-Z0-9_]+)`", text))
    assert len(codes) > 30, "could not read the codes of the clinical reference"
    return codes


@pytest.fixture(scope="module")
def real():
    return {split: load_real(split) for split in SPLITS}


def test_the_real_corpus_is_large_enough_with_red_flags_and_context_traps(real):
    items = real["dev"] + real["test"]
    assert len(items) >= 400
    assert sum(1 for i in items if i.get("red_flags")) >= 60
    assert sum(1 for i in items if i.get("not_present")) >= 100


def test_every_real_message_keeps_its_source_and_valid_labels(real, reference_codes):
    ids = set()
    for split, items in real.items():
        for item in items:
            assert item["id"] not in ids, item["id"]
            ids.add(item["id"])
            assert item["source"].startswith("http"), item["id"]
            assert item["text"].strip(), item["id"]
            assert item["about"] in ("self", "other"), item["id"]
            codes = set(item.get("present") or []) | {e["code"] for e in item.get("not_present") or []}
            codes |= set(item.get("denied") or []) | set(item.get("red_flags") or [])
            assert codes <= reference_codes, (item["id"], codes - reference_codes)
            assert set(item.get("red_flags") or []) <= set(item.get("present") or []), item["id"]
            assert all(e.get("why") in ("negated", "history", "hypothetical", "question", "other_person")
                       for e in item.get("not_present") or []), item["id"]


def test_the_real_corpus_is_split_by_source_with_no_page_on_both_sides(real):
    dev = {source_key(i["source"]) for i in real["dev"]}
    test = {source_key(i["source"]) for i in real["test"]}
    assert dev and test and not dev & test
    for split, items in real.items():
        assert all(split_of(source_key(i["source"])) == split for i in items)


def test_blind_patients_are_enough_and_cover_every_level():
    patients = load_patients("dev") + load_patients("test")
    assert len(patients) >= 120
    assert {p["expected_level"] for p in patients} == LEVELS
    assert len({p["id"] for p in patients}) == len(patients)
    for split in SPLITS:
        assert all(split_of(p["id"]) == split for p in load_patients(split))


def test_blind_patients_use_reference_codes_and_answer_known_topics(reference_codes):
    allowed_answers = set(ALL_TOPICS) | {"none", "unclear", "onset", "side", "who", "more_questions"}
    for p in load_patients("dev") + load_patients("test"):
        assert set(p["facts"]) <= reference_codes | QUALIFIERS, (p["id"], set(p["facts"]) - reference_codes - QUALIFIERS)
        assert set(p["answers"]) <= allowed_answers, (p["id"], set(p["answers"]) - allowed_answers)
        assert str(p["opening"]).strip()


def test_every_gold_level_is_re_derived_from_the_facts_by_the_blind_script():
    files = [str(PATIENTS_DIR / f"{split}.yml") for split in SPLITS]
    run = subprocess.run([sys.executable, str(PATIENTS_DIR / "derive_gold.py"), *files], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "problems/mismatches: 0" in run.stdout


REDTEAM_TURN_KEYS = {"user", "when", "expect"}
REDTEAM_EXPECT_KEYS = {
    "red_flag", "level", "level_at_least", "level_at_most", "result", "confirms", "numbers", "not_numbers",
    "symptoms_include", "symptoms_exclude", "risk_factors_include", "risk_factors_exclude", "moves_on",
    "reply_contains_any", "reply_not_contains", "max_repeats",
}


def test_the_red_team_suite_is_large_enough_and_uses_only_known_expectations(reference_codes):
    conversations = load_redteam("dev") + load_redteam("test")
    assert len(conversations) >= 80
    assert len({c["id"] for c in conversations}) == len(conversations)
    for c in conversations:
        assert c["turns"], c["id"]
        for t in c["turns"]:
            assert set(t) <= REDTEAM_TURN_KEYS, c["id"]
            assert set(t.get("expect") or {}) <= REDTEAM_EXPECT_KEYS, c["id"]
            when = (t.get("when") or {}).get("asked")
            assert when is None or when in ALL_TOPICS or when in ("onset", "side", "who"), (c["id"], when)
            rf = (t.get("expect") or {}).get("red_flag")
            assert rf in (None, "any", "none") or rf in reference_codes, (c["id"], rf)
        assert set(c.get("finally") or {}) <= REDTEAM_EXPECT_KEYS, c["id"]
    for split in SPLITS:
        assert all(split_of(c["id"]) == split for c in load_redteam(split))


def test_no_message_is_in_the_corpus_twice(real):
    # the same quote syndicated on two pages would leak between dev and test:
    # two messages sharing a third of their 6-word shingles are the same message
    def shingles(text):
        words = re.findall(r"[a-z0-9']+", text.lower())
        return {" ".join(words[k:k + 6]) for k in range(max(1, len(words) - 5))}

    items = [(i["id"], shingles(i["text"])) for i in real["dev"] + real["test"]]
    dups = [
        (a, b) for n, (a, sa) in enumerate(items) for (b, sb) in items[n + 1:]
        if len(sa & sb) >= 0.33 * min(len(sa), len(sb))
    ]
    assert dups == []


def test_the_simulated_patient_says_their_mid_interview_message_even_after_an_early_result():
    """A person who meant to say something after their third answer says it, even when the
    result came with that answer's reply; the level is read again after it."""
    from tests.evidence.patients import run_patient

    class Fake:
        def __init__(self):
            self.said = []
            self.level = None

        def say(self, sender, text):
            self.said.append(text)
            if "chest" in text:
                self.level = "emergency"
                return [{"custom": {"type": "triage_summary", "level": "emergency"}}]
            if len(self.said) == 4:
                self.level = "soon"
                return [{"custom": {"type": "triage_summary", "level": "soon"}}]
            return [{"text": "Do you get tingling in your feet?"}]

        def slots(self, sender):
            return {"triage_level": self.level}

    patient = {"id": "bp_x", "opening": "hi", "expected_level": "emergency", "answers": {"tingling": "yes"},
               "mid_interview": "my chest is crushing now"}
    fake = Fake()
    result = run_patient(fake, patient)
    assert fake.said[-1] == "my chest is crushing now" and result["level"] == "emergency"
    fake = Fake()
    assert run_patient(fake, dict(patient, mid_interview=None))["level"] == "soon" and len(fake.said) == 4
