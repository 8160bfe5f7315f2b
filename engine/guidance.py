"""What the person is told: results, red-flag advice, safety-netting, summary.

Section 7 of the clinical reference, as text built from the decision that
fired. Never a diagnosis, a reassurance that rules a cause out, a dose, or
advice to stop a prescribed medicine (tests/unit/test_safety_wording.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from engine.facts import Facts
from knowledge import Kind, Level, load_knowledge
from engine.locale import Contacts
from engine.rules import Decision


@dataclass
class Reply:
    """One bot message: text, optional quick replies, optional custom JSON."""

    text: Optional[str] = None
    buttons: List[Dict[str, str]] = field(default_factory=list)
    custom: Optional[Dict[str, Any]] = None
    # what the message is, for the Rasa adapter: "question" (the interview's next
    # question, ``question`` its id; the form asks it from the domain's responses)
    # or "result" (the result and what follows it, given by the result actions)
    role: Optional[str] = None
    question: Optional[str] = None
    resume: bool = False  # a question asked again after a side reply ("Back to my question: ...")


LEVEL_HEADLINE = {
    Level.EMERGENCY: "Call {emergency_number} now, or go to {emergency_department}.",
    Level.URGENT: "Get medical advice today: ask {gp} for an urgent appointment, or contact {urgent_care}.",
    Level.SOON: "Contact {gp} within the next few days (ideally within 3 working days) to arrange an appointment.",
    Level.ROUTINE: "Book a routine appointment with {gp} and ask whether a vitamin B12 blood test is right for you.",
    Level.SELF_CARE: "You can look after this yourself for now with the information below. See {gp} if symptoms appear or get worse.",
}

LEVEL_SHORT = {
    Level.EMERGENCY: "Emergency: call {emergency_number} now",
    Level.URGENT: "Urgent: get medical advice today",
    Level.SOON: "Soon: contact {gp} within a few days",
    Level.ROUTINE: "Routine: book a GP appointment",
    Level.SELF_CARE: "Self-care and information",
}

RED_FLAG_ADVICE = {
    ("RF_STROKE", Level.EMERGENCY): (
        "Call {emergency_number} now. Face drooping, arm weakness, slurred speech, or sudden weakness or numbness on one side, "
        "sudden loss of vision, sudden confusion or a sudden severe headache can be signs of a stroke, which needs treatment "
        "straight away. Note the time the symptoms started."
    ),
    ("RF_CHEST_PAIN", Level.EMERGENCY): (
        "Call {emergency_number} now. Chest pain, pressure or tightness, especially if it spreads to the arm, neck, jaw or back, "
        "needs checking straight away. Sit down and rest while you wait, and do not drive yourself."
    ),
    ("RF_BREATHLESS_SEVERE", Level.EMERGENCY): (
        "Call {emergency_number} now. Struggling to breathe, being too breathless to speak in full sentences, or blue or grey lips "
        "are an emergency."
    ),
    ("RF_BLADDER_BOWEL", Level.EMERGENCY): (
        "Call {emergency_number} or go to {emergency_department} now. New loss of bladder or bowel control, numbness around the "
        "bottom or genitals, or both legs suddenly becoming weak can mean the nerves at the base of the spine are under pressure, "
        "which needs emergency treatment."
    ),
    ("RF_RAPID_WEAKNESS", Level.URGENT): (
        "Get medical help today: ask {gp} for an urgent appointment or contact {urgent_care} now. Weakness or tingling that "
        "spreads quickly, or not being able to walk or move a limb, needs to be assessed the same day. If breathing, swallowing "
        "or speech become affected, or standing becomes impossible, call {emergency_number}."
    ),
    ("RF_RAPID_WEAKNESS", Level.EMERGENCY): (
        "Call {emergency_number} now. Weakness that is spreading quickly together with trouble breathing, swallowing or speaking, "
        "or not being able to stand, needs emergency care."
    ),
    ("RF_SUICIDAL", Level.URGENT): (
        "I'm really sorry you're going through this, and I'm glad you said it. You don't have to manage it alone. Please talk to "
        "someone today: {crisis_line}, or ask {gp} for an urgent appointment. If you have acted on these thoughts or feel you "
        "cannot keep yourself safe, call {emergency_number} or go to {emergency_department} now."
    ),
    ("RF_SUICIDAL", Level.EMERGENCY): (
        "Please call {emergency_number} or go to {emergency_department} now, or ask someone near you to help you get there. "
        "You deserve help straight away. You can also talk to {crisis_line} at any time."
    ),
    ("RF_DIABETIC_FOOT", Level.URGENT): (
        "Get medical advice today: contact {gp} or your diabetes foot team, or {urgent_care}. With diabetes, a foot wound, "
        "ulcer or blister, or a hot, red, swollen foot can get worse quickly. If you also have a fever or feel very unwell, "
        "call {emergency_number} or go to {emergency_department}."
    ),
    ("RF_DIABETIC_FOOT", Level.EMERGENCY): (
        "Call {emergency_number} or go to {emergency_department} now. A foot problem with diabetes together with a fever or "
        "feeling very unwell needs emergency care."
    ),
    ("RF_LIMB_ISCHAEMIA", Level.EMERGENCY): (
        "Call {emergency_number} now. A leg or foot that suddenly becomes painful, pale or blue, cold and numb may have lost its "
        "blood supply, which needs emergency treatment."
    ),
}

# A "yes" to the safety screen that stayed unnamed after one rephrase with the options
# (reference section 5): the emergency advice for the whole list.
SCREEN_UNNAMED = "SCREEN_UNNAMED"
SCREEN_UNNAMED_ADVICE = (
    "You said one of these warning signs is happening now, and I could not tell which, so to be safe: call "
    "{emergency_number} now or go to {emergency_department} for face drooping, arm weakness or slurred speech; sudden "
    "weakness or numbness on one side; chest pain, pressure or tightness; struggling to breathe; new loss of bladder or "
    "bowel control or numbness around the bottom or genitals; weakness spreading quickly or not being able to stand or "
    "walk; or a leg that has suddenly gone cold, pale and painful. For thoughts of harming yourself, call "
    "{emergency_number} if you might act on them now; otherwise contact {crisis_line} today."
)

WHY_BY_ROW = {
    "D1": "You described {evidence}, which needs emergency care.",
    "D2": "You described {evidence}, which needs to be seen by a clinician today.",
    "U1": "This checker is designed for people aged 16 and over, so it does not apply its B12 rules here. Because there are symptoms ({evidence}), a parent or carer should book a GP appointment to talk them through.",
    "U2": "This checker is designed for people aged 16 and over. Nothing you mentioned needs an appointment from this checker, but a parent or carer can book a GP appointment with any worries.",
    "D3": "Nerve-related symptoms ({neuro}) together with {escalators} should be assessed the same day: treatment may be needed before test results come back.",
    "D4": "Hearing or seeing things that others don't, or confusion that is new, should be assessed by a clinician the same day.",
    "D5": "You mentioned pregnancy or breastfeeding together with symptoms ({symptoms}). In pregnancy, clinicians usually want to look into possible low B12 quickly.",
    "D6": "You are already having B12 treatment and the nerve-related symptoms ({neuro}) are new or getting worse. The treatment may need to be reviewed.",
    "D7": "You mentioned nerve-related symptoms ({neuro}) and {risks}. Nerve problems linked to low B12 can become permanent if they are left, so it is worth being seen soon.",
    "D8": "You mentioned symptoms ({symptoms}) and {risks}. NICE guidance suggests a B12 test when someone has at least one symptom and one risk factor.",
    "D9": "You mentioned nerve-related symptoms ({neuro}). Whatever the cause, symptoms like these are worth checking with a doctor soon.",
    "D10": "You mentioned symptoms ({symptoms}) that are worth talking through with a GP, who can decide whether tests are needed.",
    "D11": "You mentioned {risks}, but no symptoms. Tests are usually offered when there are symptoms, so for now the information below may help.",
    "D12": "You did not mention symptoms or risk factors for low B12.",
}

ESCALATOR_WORDS = {
    "RK_N2O": "nitrous oxide use",
    "MOD_PREGNANT": "pregnancy or breastfeeding",
    "PROGRESSION_RAPID": "symptoms getting worse quickly",
}

SAFETY_NET = (
    "Get help sooner: call {emergency_number} if you notice face drooping, arm weakness or slurred speech; chest pain; "
    "severe breathlessness; loss of bladder or bowel control or numbness around the bottom or genitals; or a leg that "
    "suddenly turns cold, pale and painful. Get same-day advice ({urgent_care}) if weakness or tingling spreads quickly "
    "or walking becomes difficult. If you have thoughts of harming yourself, contact {crisis_line}. If symptoms get worse "
    "or new ones appear, contact {gp} sooner."
)

NOT_A_DIAGNOSIS = (
    "This is not a diagnosis. It is guidance on how soon to get help and who to talk to; only a clinician who examines you "
    "can say what is causing your symptoms."
)

OTHER_CAUSES = (
    "Symptoms like these have many possible causes, such as diabetes, thyroid problems, low folate or iron, alcohol, or "
    "some medicines, and only a clinician can tell which applies."
)

EARLY_MATTERS = "Getting checked early matters, because nerve damage linked to low B12 can become permanent if it is not treated."


def fill(template: str, contacts: Contacts, **extra: str) -> str:
    """Put the locale's numbers and services into a text."""
    values = dict(
        emergency_number=contacts.emergency_number,
        emergency_department=contacts.emergency_department,
        urgent_care=contacts.urgent_care,
        crisis_line=contacts.crisis_line,
        gp=contacts.gp,
    )
    values.update(extra)
    return template.format(**values)


def label(code: str) -> str:
    kb = load_knowledge()
    if code in kb.concepts:
        return kb.concept(code).label
    return {
        "PROGRESSION_RAPID": "symptoms getting worse quickly",
        "AGE_UNDER_16": "age under 16",
        SCREEN_UNNAMED: "one of the warning signs on the list, happening now",
    }.get(code, code)


def join_words(items: List[str]) -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _risk_phrase(codes: List[str]) -> str:
    labels = [label(c) for c in codes]
    noun = "a risk factor" if len(labels) == 1 else "risk factors"
    return f"{noun} ({'; '.join(labels)})"


def why_text(decision: Decision, facts: Facts) -> str:
    kb = load_knowledge()
    row = decision.row.id
    evidence = decision.evidence
    neuro = [label(c) for c in facts.neuro_symptoms()]
    symptoms = [label(c) for c in facts.symptoms()]
    escalators = [ESCALATOR_WORDS[c] for c in evidence if c in ESCALATOR_WORDS]
    ev_labels = [label(c) for c in evidence if c in kb.concepts or c in ("AGE_UNDER_16", SCREEN_UNNAMED)]
    if row == "U1":
        ev_labels = symptoms
    return WHY_BY_ROW[row].format(
        evidence=join_words(ev_labels).lower() if row in ("D1", "D2") else "; ".join(ev_labels),
        neuro="; ".join(neuro),
        symptoms="; ".join(symptoms),
        escalators=join_words(escalators),
        risks=_risk_phrase(facts.risk_factors()),
    )


def red_flag_replies(facts: Facts, contacts: Contacts) -> List[Reply]:
    """Advice for every red flag present, most urgent first."""
    flags = sorted(facts.red_flags(), key=lambda c: facts.red_flag_level(c).rank)
    replies = []
    for code in flags:
        level = facts.red_flag_level(code)
        template = RED_FLAG_ADVICE.get((code, level)) or RED_FLAG_ADVICE.get((code, Level.URGENT))
        replies.append(Reply(fill(template, contacts)))
    return replies


def tests_to_ask_about(facts: Facts) -> List[str]:
    tests = ["a vitamin B12 blood test (total B12, or 'active B12')", "a full blood count", "a folate level"]
    if facts.has("MOD_PREGNANT"):
        tests[0] = "an 'active B12' blood test, which NICE suggests in pregnancy"
    if facts.has("RK_N2O"):
        tests.append("methylmalonic acid (MMA) or homocysteine, because B12 levels can look normal after nitrous oxide")
    else:
        tests.append("methylmalonic acid (MMA) or homocysteine if a B12 result is borderline")
    return tests


def specific_advice(facts: Facts) -> List[str]:
    notes = []
    if facts.has("RK_N2O"):
        notes.append(
            "Nitrous oxide can inactivate B12 and damage nerves. The safest step is to stop using it, and to tell the clinician "
            "how much and how often it was used."
        )
    meds = [c for c in ("RK_MED_METFORMIN", "RK_MED_ACID", "RK_MED_OTHER") if facts.has(c)]
    if meds:
        notes.append(
            "Some long-term medicines ("
            + "; ".join(label(c) for c in meds)
            + ") can lower B12. Keep taking them as prescribed and ask about a B12 check at your next medication review; "
            "any change to a medicine is a decision to make with the prescriber."
        )
    if facts.has("RK_DIET_LOW_B12"):
        notes.append(
            "If you eat little or no animal food, fortified foods (some breakfast cereals, plant milks and nutritional yeast) or a "
            "B12 supplement can help keep levels up; a GP, pharmacist or dietitian can advise what suits you."
        )
    if facts.has("MOD_DIABETES") and any(facts.has(c) for c in ("SX_PARAESTHESIA", "SX_BURNING_FEET", "SX_HEEL_FOOT_PAIN")):
        notes.append(
            "With diabetes and numb or painful feet, check your feet every day for cuts, blisters or colour changes, because numb "
            "feet may not feel an injury."
        )
    if any(facts.has(c) for c in ("SX_PARAESTHESIA", "SX_BURNING_FEET", "SX_HEEL_FOOT_PAIN", "SX_PALE_COLD_FEET")):
        notes.append("A podiatrist can also help with foot care and comfort while the cause is looked into.")
    return notes


def other_causes(facts: Facts) -> str:
    text = OTHER_CAUSES
    extra = []
    if facts.has("MOD_DIABETES"):
        extra.append("diabetes itself can damage the nerves in the feet")
    if facts.has("SX_HEEL_FOOT_PAIN"):
        extra.append("heel pain is often caused by plantar fasciitis")
    if facts.has("SX_PALE_COLD_FEET") or facts.has("SX_CRAMPS"):
        extra.append("poor circulation (peripheral arterial disease) can cause cold or painful legs")
    if extra:
        text += " For example, " + join_words(extra) + "."
    return text


def supplements_note(facts: Facts) -> str:
    if facts.has("MOD_ON_B12_TREATMENT"):
        return (
            "Tell the clinician about the B12 treatment you already have and any other supplements: they can change blood results, "
            "and the treatment may need reviewing."
        )
    return (
        "If you take B12 or other supplements, mention them: they can mask blood results. If you have not started any, it is best "
        "to have the blood test before starting."
    )


def is_b12_row(decision: Decision) -> bool:
    """Rows whose advice is about B12 testing (not red flags, under-16s or no symptoms)."""
    return decision.row.id not in ("D1", "D2", "U1", "U2", "D12")


def result_replies(decision: Decision, facts: Facts, contacts: Contacts) -> List[Reply]:
    """The full result: level, why, what to ask, causes, safety-netting, summary."""
    level = decision.level
    replies: List[Reply] = []
    if facts.subject == "other":
        replies.append(Reply("(Below, 'you' means the person you are asking for.)"))
    if decision.row.id in ("D1", "D2"):
        replies.extend(red_flag_replies(facts, contacts))
        if SCREEN_UNNAMED in decision.evidence:
            replies.append(Reply(fill(SCREEN_UNNAMED_ADVICE, contacts)))
    else:
        replies.append(Reply(f"My suggestion: {fill(LEVEL_HEADLINE[level], contacts)}"))
    replies.append(Reply(f"Why: {why_text(decision, facts)}"))
    b12_rows = is_b12_row(decision)
    if b12_rows and level != Level.SELF_CARE:
        replies.append(
            Reply("Things you could ask the clinician about: " + "; ".join(tests_to_ask_about(facts)) + ".")
        )
    if b12_rows:
        replies.append(Reply(other_causes(facts) + " " + supplements_note(facts) + " " + EARLY_MATTERS))
        for note in specific_advice(facts):
            replies.append(Reply(note))
    unsure = facts.unsure_codes()
    if unsure:
        replies.append(
            Reply(
                "You were not sure about: "
                + "; ".join(label(c) for c in unsure)
                + ". That's fine. If any of these turn out to apply, mention them, as they could change how soon you should be seen."
            )
        )
    replies.append(Reply(fill(SAFETY_NET, contacts)))
    replies.append(Reply(NOT_A_DIAGNOSIS))
    summary = build_summary(decision, facts, contacts)
    replies.append(Reply(summary_text(summary)))
    replies.append(Reply(custom=summary))
    return replies


def _by_status(facts: Facts, kind: Kind) -> Dict[str, List[Dict[str, str]]]:
    kb = load_knowledge()
    out: Dict[str, List[Dict[str, str]]] = {"present": [], "absent": [], "unsure": []}
    for code in kb.codes(kind):
        status = facts.status.get(code)
        if status is not None:
            out[status.value].append({"code": code, "label": kb.concept(code).label})
    return out


def build_summary(decision: Decision, facts: Facts, contacts: Contacts) -> Dict[str, Any]:
    red = _by_status(facts, Kind.RED_FLAG)
    present_flags = set(facts.red_flags())
    red["present"] = [r for r in red["present"] if r["code"] in present_flags]
    return {
        "type": "triage_summary",
        "level": decision.level.value,
        "level_text": fill(LEVEL_SHORT[decision.level], contacts),
        "advice": fill(LEVEL_HEADLINE[decision.level], contacts),
        "row": decision.row.id,
        "row_condition": decision.row.condition,
        "basis": decision.row.basis,
        "evidence": decision.evidence,
        "symptoms": _by_status(facts, Kind.SYMPTOM),
        "risk_factors": _by_status(facts, Kind.RISK_FACTOR),
        "modifiers": _by_status(facts, Kind.MODIFIER),
        "red_flags": red,
        "age": facts.age,
        "age_band": facts.age_band,
        "duration": facts.duration,
        "progression": facts.progression,
        "for_someone_else": facts.subject == "other",
        # the same tests the text result suggests; none when the advice is about a red flag
        "ask_about": tests_to_ask_about(facts) if is_b12_row(decision) and decision.level != Level.SELF_CARE else [],
        "locale": contacts.code,
        "emergency_number": contacts.emergency_number,
        "not_a_diagnosis": True,
    }


def summary_text(summary: Dict[str, Any]) -> str:
    def names(group: Dict[str, List[Dict[str, str]]], status: str) -> str:
        return "; ".join(i["label"] for i in group[status]) or "none"

    lines = [
        "Summary you can show a clinician:",
        f"- Suggested: {summary['level_text']} (rule {summary['row']}: {summary['row_condition']})",
        f"- Symptoms: {names(summary['symptoms'], 'present')}",
        f"- Not present: {names(summary['symptoms'], 'absent')}",
        f"- Not sure: {names(summary['symptoms'], 'unsure')}",
    ]
    if summary.get("duration") or summary.get("progression"):
        lines.append(f"- For: {summary.get('duration') or 'not said'}; course: {summary.get('progression') or 'not said'}")
    risk_present = summary["risk_factors"]["present"] + summary["modifiers"]["present"]
    lines.append("- Risk factors and other conditions: " + ("; ".join(i["label"] for i in risk_present) or "none reported"))
    flags = summary["red_flags"]
    if flags["present"]:
        lines.append("- Warning signs reported: " + "; ".join(i["label"] for i in flags["present"]))
    else:
        lines.append(
            "- Warning signs: "
            + ("none of those asked about" if flags["absent"] else "not fully screened")
            + (f" (unsure: {'; '.join(i['label'] for i in flags['unsure'])})" if flags["unsure"] else "")
        )
    if summary.get("age") is not None:
        lines.append(f"- Age: {summary['age']}")
    return "\n".join(lines)
