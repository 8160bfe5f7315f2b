#!/usr/bin/env python3
"""Derive the gold triage level/row for blind scripted patients.

Implements clinical-reference.md section 6 (decision table D1-D12) and the
under-16 rows of section 1 (U1/U2, checked after D1-D3), using the red-flag
levels of section 5 and the QL_ qualifiers of FORMAT-patients.md.

Usage: python3 derive_gold.py FILE.yml [FILE.yml ...]

For every patient it derives (level, row) from `facts` and `age` only, prints
any patient whose expected_level/expected_row differ, prints a count by level
and row, and exits 1 on any mismatch, unknown code or inconsistent patient.

Standard library + PyYAML only.

Ambiguities in the reference and what this script chooses
----------------------------------------------------------
A1. D6 "new or worsening neuro symptom": there is no fact code for "new" or
    "worsening" (QL_RAPID_PROGRESSION means *quickly* worse and already fires
    D3). Choice: any neuro symptom present while MOD_ON_B12_TREATMENT counts
    (facts list only what is true now, so a reported neuro symptom on
    treatment is taken as new/worsening). Patients written for D6 describe a
    new or worsening symptom so the choice does not decide their gold.
A2. U1/U2 vs D4/D5: section 1 says "no B12 heuristics" for under-16s and
    section 6 says U1/U2 are checked after D1-D3, so D4 (psychosis / new
    confusion) and D5 (pregnant + symptom) are NOT applied under 16: such a
    child gets U1 (routine). Taken literally, as the reference states it.
A3. U1 "any symptom" / U2 "none": only SX_* codes count as symptoms. Risk
    factors do not lift an under-16 to U1 (a symptom-free vegan child is U2).
A4. D3 "rapidly worsening" = QL_RAPID_PROGRESSION, and it needs a *neuro*
    symptom; rapid worsening of only non-neuro symptoms does not fire D3.
A5. D4 "new confusion" = QL_NEW_CONFUSION (gradual-onset, over days/weeks).
    Sudden confusion is part of RF_STROKE (emergency) and is coded as that.
    QL_NEW_CONFUSION must come with SX_COGNITIVE (checked below).
A6. D5 "any symptom" = any SX_* code (neuro or not); with a neuro symptom D3
    already matched.
A7. "risk factor" = any RK_* code. MOD_* (pregnant, diabetes, on B12
    treatment) are never risk factors. Type 1 diabetes is coded as
    RK_AUTOIMMUNE (section 4) plus MOD_DIABETES.
A8. RF_RAPID_WEAKNESS vs D3 rapid worsening: weakness/tingling spreading up
    both legs over hours-days, or a new inability to walk/move a limb, is the
    red flag; other neuro symptoms getting quickly worse are D3.
A9. Qualifier levels: RF_RAPID_WEAKNESS is emergency with any of
    QL_CANNOT_STAND_WALK, QL_ONSET_WITHIN_DAY, QL_BULBAR; RF_SUICIDAL with
    QL_PLAN_MEANS_ACT; RF_DIABETIC_FOOT with QL_FEVER_UNWELL. Otherwise those
    three are urgent. A qualifier without its red flag is an error.
"""
import sys
from collections import Counter

import yaml

# ---------------------------------------------------------------- codes ----
# Section 3. True = neuro symptom.
SYMPTOMS = {
    "SX_PARAESTHESIA": True,
    "SX_BURNING_FEET": True,
    "SX_BALANCE_GAIT": True,
    "SX_MUSCLE_WEAK": True,
    "SX_VISION": True,
    "SX_COGNITIVE": True,
    "SX_CRAMPS": False,
    "SX_HEEL_FOOT_PAIN": False,
    "SX_FATIGUE": False,
    "SX_PALE_COLD_FEET": False,
    "SX_BREATHLESS_MILD": False,
    "SX_PALPITATIONS": False,
    "SX_DIZZY_HEADACHE": False,
    "SX_MOOD": False,
    "SX_PSYCHOSIS": False,
    "SX_GLOSSITIS": False,
    "SX_MOUTH_ULCERS": False,
    "SX_BLOOD_RESULT": False,
}
NEURO = {c for c, is_neuro in SYMPTOMS.items() if is_neuro}

# Section 4.
RISK_FACTORS = {
    "RK_DIET_LOW_B12", "RK_AGE_OLDER", "RK_AUTOIMMUNE", "RK_GI_CONDITION",
    "RK_GI_SURGERY", "RK_MED_METFORMIN", "RK_MED_ACID", "RK_MED_OTHER",
    "RK_N2O", "RK_ALCOHOL", "RK_FAMILY_HX",
}
MODIFIERS = {"MOD_PREGNANT", "MOD_DIABETES", "MOD_ON_B12_TREATMENT"}

# Section 5: red flag -> (base level, qualifiers that make it emergency).
RED_FLAGS = {
    "RF_STROKE":            ("emergency", set()),
    "RF_CHEST_PAIN":        ("emergency", set()),
    "RF_BREATHLESS_SEVERE": ("emergency", set()),
    "RF_BLADDER_BOWEL":     ("emergency", set()),
    "RF_RAPID_WEAKNESS":    ("urgent", {"QL_CANNOT_STAND_WALK",
                                        "QL_ONSET_WITHIN_DAY", "QL_BULBAR"}),
    "RF_SUICIDAL":          ("urgent", {"QL_PLAN_MEANS_ACT"}),
    "RF_DIABETIC_FOOT":     ("urgent", {"QL_FEVER_UNWELL"}),
    "RF_LIMB_ISCHAEMIA":    ("emergency", set()),
}

# FORMAT-patients.md qualifiers -> the code they must accompany (None = any).
QUALIFIERS = {
    "QL_RAPID_PROGRESSION": None,
    "QL_NEW_CONFUSION": "SX_COGNITIVE",
    "QL_CANNOT_STAND_WALK": "RF_RAPID_WEAKNESS",
    "QL_ONSET_WITHIN_DAY": "RF_RAPID_WEAKNESS",
    "QL_BULBAR": "RF_RAPID_WEAKNESS",
    "QL_PLAN_MEANS_ACT": "RF_SUICIDAL",
    "QL_FEVER_UNWELL": "RF_DIABETIC_FOOT",
}

KNOWN = set(SYMPTOMS) | RISK_FACTORS | MODIFIERS | set(RED_FLAGS) | set(QUALIFIERS)
LEVELS = ["emergency", "urgent", "soon", "routine", "self_care"]
ROWS = ["D1", "D2", "D3", "U1", "U2", "D4", "D5", "D6", "D7", "D8", "D9",
        "D10", "D11", "D12"]

ANSWER_KEYS = """who red_flags red_flag_which symptoms tingling burning_feet
balance weakness vision memory cramps heel_pain fatigue pale_cold breathless
palpitations dizzy_headache mood psychosis tongue mouth_ulcers blood_result
duration progression onset side age diet autoimmune gut_condition gut_surgery
metformin acid_meds other_meds nitrous alcohol family pregnant diabetes
b12_treatment foot_wound more_questions none unclear""".split()


def red_flag_level(code, facts):
    base, escalators = RED_FLAGS[code]
    return "emergency" if escalators & facts else base


# ---------------------------------------------------- decision table -------
# Each row: (id, level, predicate(ctx)). First match wins, in this order.
# ctx: facts (set), age (int), sx (symptoms), neuro, rk (risk factors), rf.
def _rf_levels(c):
    return {red_flag_level(r, c["facts"]) for r in c["rf"]}


TABLE = [
    # id    level        condition (section 6 / section 1)
    ("D1", "emergency", lambda c: "emergency" in _rf_levels(c)),
    ("D2", "urgent",    lambda c: "urgent" in _rf_levels(c)),
    ("D3", "urgent",    lambda c: bool(c["neuro"]) and bool(
        {"RK_N2O", "MOD_PREGNANT", "QL_RAPID_PROGRESSION"} & c["facts"])),
    # under-16s (section 1), checked after D1-D3
    ("U1", "routine",   lambda c: c["age"] < 16 and bool(c["sx"])),
    ("U2", "self_care", lambda c: c["age"] < 16 and not c["sx"]),
    ("D4", "urgent",    lambda c: bool({"SX_PSYCHOSIS", "QL_NEW_CONFUSION"}
                                       & c["facts"])),
    ("D5", "urgent",    lambda c: "MOD_PREGNANT" in c["facts"] and bool(c["sx"])),
    ("D6", "soon",      lambda c: "MOD_ON_B12_TREATMENT" in c["facts"]
                                  and bool(c["neuro"])),            # see A1
    ("D7", "soon",      lambda c: bool(c["neuro"]) and bool(c["rk"])),
    ("D8", "routine",   lambda c: bool(c["sx"]) and bool(c["rk"])),
    ("D9", "soon",      lambda c: bool(c["neuro"]) and not c["rk"]),
    ("D10", "routine",  lambda c: bool(c["sx"]) and not c["rk"]),
    ("D11", "self_care", lambda c: bool(c["rk"]) and not c["sx"]),
    ("D12", "self_care", lambda c: True),
]


def derive(facts, age):
    facts = set(facts)
    ctx = {
        "facts": facts,
        "age": age,
        "sx": facts & set(SYMPTOMS),
        "neuro": facts & NEURO,
        "rk": facts & RISK_FACTORS,
        "rf": facts & set(RED_FLAGS),
    }
    for row, level, cond in TABLE:
        if cond(ctx):
            return level, row
    raise AssertionError("unreachable: D12 always matches")


# ------------------------------------------------------ consistency --------
def check_patient(p):
    """Return a list of problems (unknown codes, inconsistent facts, format)."""
    probs = []
    facts = p.get("facts") or []
    age = p.get("age")
    if not isinstance(age, int):
        probs.append("age is not an integer")
        return probs
    for code in list(facts) + list(p.get("uncertain") or []):
        if code not in KNOWN:
            probs.append("unknown code %s" % code)
    if len(set(facts)) != len(facts):
        probs.append("duplicate facts")
    fs = set(facts)
    for code in p.get("uncertain") or []:
        if code in fs:
            probs.append("%s both in facts and uncertain" % code)
    if ("RK_AGE_OLDER" in fs) != (age >= 65):
        probs.append("RK_AGE_OLDER must be present exactly when age >= 65")
    for q, parent in QUALIFIERS.items():
        if q in fs and parent and parent not in fs:
            probs.append("%s without %s" % (q, parent))
    if "QL_RAPID_PROGRESSION" in fs and not (fs & set(SYMPTOMS)):
        probs.append("QL_RAPID_PROGRESSION without any symptom")
    if "RF_DIABETIC_FOOT" in fs and "MOD_DIABETES" not in fs:
        probs.append("RF_DIABETIC_FOOT without MOD_DIABETES")
    if p.get("expected_level") not in LEVELS:
        probs.append("bad expected_level %r" % p.get("expected_level"))
    if p.get("expected_row") not in ROWS:
        probs.append("bad expected_row %r" % p.get("expected_row"))
    if p.get("about") not in ("self", "other"):
        probs.append("bad about %r" % p.get("about"))
    if p.get("locale") not in ("uk", "eu", "us"):
        probs.append("bad locale %r" % p.get("locale"))
    answers = p.get("answers") or {}
    missing = [k for k in ANSWER_KEYS if k not in answers]
    extra = [k for k in answers if k not in ANSWER_KEYS]
    if missing:
        probs.append("missing answers: %s" % " ".join(missing))
    if extra:
        probs.append("unknown answer keys: %s" % " ".join(extra))
    for k, v in answers.items():
        if not isinstance(v, str) or not v.strip():
            probs.append("answer %s empty or not a string" % k)
    if not isinstance(p.get("opening"), str) or not p["opening"].strip():
        probs.append("missing opening")
    return probs


def main(paths):
    if not paths:
        print(__doc__.split("\n\n")[1])
        return 2
    bad = 0
    by_level, by_row = Counter(), Counter()
    ids = Counter()
    total = 0
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        for p in data.get("patients", []):
            total += 1
            pid = p.get("id", "?")
            ids[pid] += 1
            probs = check_patient(p)
            if probs:
                bad += 1
                print("PROBLEM %s: %s" % (pid, "; ".join(probs)))
                if any(x.startswith(("unknown code", "age is not")) for x in probs):
                    continue
            level, row = derive(p.get("facts") or [], p["age"])
            by_level[level] += 1
            by_row[row] += 1
            exp = (p.get("expected_level"), p.get("expected_row"))
            if exp != (level, row):
                bad += 1
                print("MISMATCH %s: expected %s/%s, derived %s/%s"
                      % (pid, exp[0], exp[1], level, row))
    for pid, n in ids.items():
        if n > 1:
            bad += 1
            print("DUPLICATE id %s (%d times)" % (pid, n))
    print("patients: %d" % total)
    print("by level: " + ", ".join("%s %d" % (lv, by_level[lv])
                                   for lv in LEVELS if by_level[lv]))
    print("by row:   " + ", ".join("%s %d" % (r, by_row[r])
                                   for r in ROWS if by_row[r]))
    print("problems/mismatches: %d" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
