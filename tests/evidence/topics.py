"""What the assistant is asking about, read from its words as a person would.

The simulated patients and the red-team runner never look inside the assistant:
they read its latest question and decide which topic it is about, then answer
that topic from their script. Topics are the ones the blind writers were given
(clinical-reference concepts, not the assistant's internal question ids).

A question may name several symptoms at once ("any of these: tiredness, cramps,
a sore tongue...?"); `topics_of` then returns all of them, and the patient
answers with the ones they have. Exclusive topics (the safety screen, a risk
factor, duration...) are matched first and most specific first, so a risk
question that mentions a symptom word is still that risk question.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

# Checked in order; the first that matches is the question's only topic.
EXCLUSIVE: Tuple[Tuple[str, str], ...] = (
    ("red_flag_which", r"which of these is it|which (one|sign|warning sign) (is it|do)|which of (those|these) (signs|warning)"),
    ("red_flags", r"safety check|any of these right now|one direct question|one more question so the advice fits|(face drooping|chest pain).*(struggling to breathe|bladder|harming)"),
    ("more_questions", r"(few|some) more questions|more complete|optional questions|summary for (your|their|the) (gp|doctor)"),
    ("who", r"for (yourself|you) or (for )?(someone|somebody)|someone else|who (is|are) (this|you asking) for|asking (for|on behalf of) (yourself|someone)"),
    ("symptoms_which", r"\bwhich ones\b|which of (these|those) (symptoms|have)"),
    ("b12_treatment", r"b12 (injections|tablets|supplements|shots|jabs)|already (having|taking|on|getting) .{0,40}b12"),
    ("foot_wound", r"wound|blister|ulcer,|ulcer or|sore on (your|their|the) foot|foot that is hot"),
    ("psychosis", r"hearing or seeing|seeing things|hearing (voices|things)|against (you|them)|paranoi"),
    ("family", r"\bfamily\b|relatives?|run in (the|your) family|parents?, brothers"),
    ("autoimmune", r"pernicious|autoimmune|thyroid|vitiligo|addison|sj[oö]gren"),
    ("gut_surgery", r"surgery|operation|bypass|radiotherapy|bowel removed|part of (your|their|the) (stomach|bowel)"),
    ("gut_condition", r"co?eliac|celiac|crohn|small bowel|bowel (condition|disease)"),
    ("acid_meds", r"stomach acid|omeprazole|lansoprazole|famotidine|ranitidine|reflux|heartburn|indigestion|\bppi"),
    ("other_meds", r"colchicine|epilep|topiramate|pregabalin|gabapentin|anti-?seizure"),
    ("metformin", r"metformin"),
    ("nitrous", r"nitrous|laughing gas|\bnos\b|balloons|cream chargers|whippets|nangs"),
    ("alcohol", r"alcohol|\bdrink"),
    ("pregnant", r"pregnan|breastfeed|breast-feed"),
    ("diabetes", r"diabet"),
    ("diet", r"vegan|vegetarian|\bdiet\b|\bmeat\b|animal foods?|plant-based|what (do|does) (you|they|he|she) eat"),
    ("age", r"how old|(your|their|his|her) age\b|age range|date of birth|what age"),
    ("duration", r"how long|since when|when did (it|this|these|they|the|your|their) .{0,30}(start|begin)"),
    ("onset", r"sudden(ly)? or (gradual|slow)|come on (suddenly|gradually|quickly)|how did (it|they) (start|come on)"),
    ("progression", r"getting worse|worse or|staying the same|changing|better or worse|spreading"),
    ("side", r"one side or both|both sides|which side"),
    ("symptoms", r"what symptoms|what (is|'s) (been )?(bothering|wrong|troubling)|what brings|what can i help|how can i help|tell me (more )?about (your|their|the) symptoms|what have (you|they) noticed|what('s| is) going on"),
)

# Symptom topics, all matches kept (a question may list several).
SYMPTOM_TOPICS: Tuple[Tuple[str, str], ...] = (
    ("tingling", r"tingl|pins and needles|numb"),
    ("burning_feet", r"burning"),
    ("balance", r"unsteady|balance|tripping|falling|\bfalls?\b|clums"),
    ("weakness", r"\bweak"),
    ("vision", r"vision|eyesight|\bsight\b|blurr"),
    ("memory", r"memory|concentrat|brain fog|confus|forgetful"),
    ("cramps", r"cramp"),
    ("heel_pain", r"heels?\b|soles?\b"),
    ("fatigue", r"tired|fatigue|energy|exhaust"),
    ("pale_cold", r"\bpale|cold (or pale )?(feet|hands)|yellow"),
    ("breathless", r"out of breath|breathless|short of breath"),
    ("palpitations", r"racing heart|heart racing|palpitation|pounding|heartbeat"),
    ("dizzy_headache", r"dizz|faint|headache|light-?headed"),
    ("mood", r"\bmood|anxi|irritab|depress"),
    ("tongue", r"tongue"),
    ("mouth_ulcers", r"mouth ulcer|ulcers in (your|their|the) mouth"),
    ("blood_result", r"blood test|anaemi|anemi|red (blood )?cells|blood count"),
)

# The code each topic asks about, for deciding whether a patient "has" it.
TOPIC_CODES: Dict[str, Tuple[str, ...]] = {
    "tingling": ("SX_PARAESTHESIA",), "burning_feet": ("SX_BURNING_FEET",), "balance": ("SX_BALANCE_GAIT",),
    "weakness": ("SX_MUSCLE_WEAK",), "vision": ("SX_VISION",), "memory": ("SX_COGNITIVE",), "cramps": ("SX_CRAMPS",),
    "heel_pain": ("SX_HEEL_FOOT_PAIN",), "fatigue": ("SX_FATIGUE",), "pale_cold": ("SX_PALE_COLD_FEET",),
    "breathless": ("SX_BREATHLESS_MILD",), "palpitations": ("SX_PALPITATIONS",), "dizzy_headache": ("SX_DIZZY_HEADACHE",),
    "mood": ("SX_MOOD",), "psychosis": ("SX_PSYCHOSIS",), "tongue": ("SX_GLOSSITIS",), "mouth_ulcers": ("SX_MOUTH_ULCERS",),
    "blood_result": ("SX_BLOOD_RESULT",), "diet": ("RK_DIET_LOW_B12",), "autoimmune": ("RK_AUTOIMMUNE",),
    "gut_condition": ("RK_GI_CONDITION",), "gut_surgery": ("RK_GI_SURGERY",), "metformin": ("RK_MED_METFORMIN",),
    "acid_meds": ("RK_MED_ACID",), "other_meds": ("RK_MED_OTHER",), "nitrous": ("RK_N2O",), "alcohol": ("RK_ALCOHOL",),
    "family": ("RK_FAMILY_HX",), "pregnant": ("MOD_PREGNANT",), "diabetes": ("MOD_DIABETES",),
    "b12_treatment": ("MOD_ON_B12_TREATMENT",), "foot_wound": ("RF_DIABETIC_FOOT",),
}

# Topics about the course of the symptoms: one question may ask two of them ("How long have
# you had these symptoms, and did they come on suddenly or slowly?"), and a person answers both.
COURSE_TOPICS: Tuple[str, ...] = ("duration", "onset", "progression", "side")

ALL_TOPICS: Tuple[str, ...] = tuple(t for t, _ in EXCLUSIVE) + tuple(t for t, _ in SYMPTOM_TOPICS)

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def question_sentence(text: str) -> str:
    """The last sentence that asks something (people answer the last question)."""
    sentences = [s for s in _SENTENCE.split(text.strip()) if s]
    asked = [s for s in sentences if s.rstrip().endswith("?")]
    return asked[-1] if asked else text


def topics_of(text: str) -> List[str]:
    """Topics of a question: one exclusive topic (or the course topics it asks together),
    or every symptom it names; [] if unknown."""
    low = question_sentence(text).lower()
    for topic, rx in EXCLUSIVE:
        if re.search(rx, low):
            if topic in COURSE_TOPICS:
                return [t for t, r in EXCLUSIVE if t in COURSE_TOPICS and re.search(r, low)]
            return [topic]
    return [topic for topic, rx in SYMPTOM_TOPICS if re.search(rx, low)]


def latest_question(messages: Sequence[dict]) -> Optional[dict]:
    """The last message of a turn that asks something (a '?' or buttons), else None."""
    for m in reversed(messages):
        text = m.get("text") or ""
        if m.get("buttons") or "?" in text:
            return m
    return None


def question_text(message: dict) -> str:
    text = message.get("text") or ""
    if "?" not in text and message.get("buttons"):
        text += " " + " ".join(b.get("title", "") for b in message["buttons"])
    return text
