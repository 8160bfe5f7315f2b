"""The interview's questions, in the order they are asked, as data.

Each question says what it records, why it is asked, when it is relevant,
and when it is already answered, so the assistant asks only what it still
needs and never asks again what the person has said. Order follows the
issue: red-flag screen, main symptoms with duration and course, then risk
factors.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from engine.facts import Facts
from engine.rules import decide
from knowledge import Kind, Status, load_knowledge

YES_NO_UNSURE = (
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/dont_know"},
)

SCREEN_RED_FLAGS = (
    "RF_STROKE",
    "RF_CHEST_PAIN",
    "RF_BREATHLESS_SEVERE",
    "RF_BLADDER_BOWEL",
    "RF_RAPID_WEAKNESS",
    "RF_SUICIDAL",
    "RF_LIMB_ISCHAEMIA",
)
NEURO_CHECKS = ("SX_PARAESTHESIA", "SX_BALANCE_GAIT", "SX_MUSCLE_WEAK", "SX_COGNITIVE", "SX_VISION")
OTHER_SYMPTOMS = (
    "SX_FATIGUE",
    "SX_CRAMPS",
    "SX_HEEL_FOOT_PAIN",
    "SX_BURNING_FEET",
    "SX_PALE_COLD_FEET",
    "SX_BREATHLESS_MILD",
    "SX_PALPITATIONS",
    "SX_DIZZY_HEADACHE",
    "SX_MOOD",
    "SX_GLOSSITIS",
    "SX_MOUTH_ULCERS",
    "SX_BLOOD_RESULT",
)

Predicate = Callable[[Facts, "AskedView"], bool]


@dataclass(frozen=True)
class AskedView:
    """Which questions were already put to the person (answered or not sure)."""

    asked: Tuple[str, ...] = ()

    def __contains__(self, qid: str) -> bool:
        return qid in self.asked


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # yesno | choice | open | age | duration | progression
    text_self: str
    text_other: str
    why: str
    codes: Tuple[str, ...] = ()  # what a yes / no / not sure records
    buttons: Tuple[Dict[str, str], ...] = YES_NO_UNSURE
    relevant: Predicate = lambda f, a: True
    answered: Optional[Predicate] = None
    follow_up_on_yes: Optional[str] = None  # question to ask when "yes" names nothing specific
    unsure_is_yes: bool = False  # a "not sure" records the code as present (safe default)

    def text(self, facts: Facts) -> str:
        return self.text_other if facts.subject == "other" else self.text_self

    def is_answered(self, facts: Facts, asked: AskedView) -> bool:
        if self.answered is not None:
            return self.answered(facts, asked)
        return self.id in asked or all(facts.known(c) for c in self.codes)


def _inform(entity: str, value: str) -> str:
    return '/inform{"%s":"%s"}' % (entity, value)


def _no_neuro_yet(f: Facts, a: AskedView) -> bool:
    return not f.neuro_symptoms()


def _has_symptom(f: Facts, a: AskedView) -> bool:
    return bool(f.symptoms())


def yesno(code: str, text_self: str, text_other: str, why: str, relevant: Predicate = lambda f, a: True) -> Question:
    return Question(id=code, kind="yesno", text_self=text_self, text_other=text_other, why=why, codes=(code,), relevant=relevant)


def _kb_ask(code: str) -> str:
    return load_knowledge().concept(code).ask


def _symptom_buttons() -> Tuple[Dict[str, str], ...]:
    picks = [
        ("Tingling or numbness", "SX_PARAESTHESIA"),
        ("Burning feet", "SX_BURNING_FEET"),
        ("Balance problems", "SX_BALANCE_GAIT"),
        ("Weak legs or arms", "SX_MUSCLE_WEAK"),
        ("Tiredness", "SX_FATIGUE"),
        ("Memory or brain fog", "SX_COGNITIVE"),
        ("Low mood", "SX_MOOD"),
        ("Cramps", "SX_CRAMPS"),
        ("Heel or sole pain", "SX_HEEL_FOOT_PAIN"),
    ]
    return tuple({"title": t, "payload": _inform("symptom", c)} for t, c in picks) + (
        {"title": "None of these", "payload": "/deny"},
    )


def _red_flag_buttons() -> Tuple[Dict[str, str], ...]:
    titles = {
        "RF_STROKE": "Face drooping, arm weakness or slurred speech",
        "RF_CHEST_PAIN": "Chest pain or tightness",
        "RF_BREATHLESS_SEVERE": "Struggling to breathe",
        "RF_BLADDER_BOWEL": "Loss of bladder or bowel control",
        "RF_RAPID_WEAKNESS": "Weakness spreading fast, or can't walk",
        "RF_SUICIDAL": "Thoughts of harming myself",
        "RF_LIMB_ISCHAEMIA": "A leg suddenly cold, pale and painful",
    }
    return tuple({"title": titles[c], "payload": _inform("red_flag", c)} for c in SCREEN_RED_FLAGS) + (
        {"title": "None of these", "payload": "/deny"},
        {"title": "Not sure", "payload": "/dont_know"},
    )


def _other_symptom_buttons() -> Tuple[Dict[str, str], ...]:
    kb = load_knowledge()
    return tuple(
        {"title": kb.concept(c).label.capitalize(), "payload": _inform("symptom", c)} for c in OTHER_SYMPTOMS
    ) + ({"title": "None of these", "payload": "/deny"},)


def _confirm(code: str) -> Question:
    """One direct question for a red flag the message did not make certain
    (clinical reference section 5): "was it a stroke?", "what if it's my heart",
    a relative's stroke in a message about oneself. Asked before anything else;
    "not sure" counts as yes."""
    ask = _kb_ask(code)
    return Question(
        id=f"CONFIRM_{code}",
        kind="yesno",
        text_self=f"Before anything else, one direct question: do you have {ask} right now?",
        text_other=f"Before anything else, one direct question: do they have {ask.replace('your ', 'their ')} right now?",
        why="You mentioned something that can be a warning sign. If it is happening now, it needs help straight away.",
        codes=(code,),
        relevant=lambda f, a, c=code: f.status.get(c) == Status.UNSURE,
        answered=lambda f, a, c=code: f"CONFIRM_{c}" in a or f.status.get(c) in (Status.PRESENT, Status.ABSENT),
        unsure_is_yes=True,
    )


QUESTIONS: Tuple[Question, ...] = tuple(_confirm(c) for c in SCREEN_RED_FLAGS + ("RF_DIABETIC_FOOT",)) + (
    Question(
        id="RF_SCREEN",
        kind="yesno",
        text_self=(
            "First, a quick safety check. Do you have any of these right now: face drooping, arm weakness or slurred speech; "
            "sudden weakness or numbness on one side; chest pain or tightness; struggling to breathe; new loss of bladder or "
            "bowel control or numbness around your bottom or genitals; weakness spreading quickly up your legs, or not being "
            "able to walk; a leg that has suddenly gone cold, pale and painful; or thoughts of harming yourself?"
        ),
        text_other=(
            "First, a quick safety check. Do they have any of these right now: face drooping, arm weakness or slurred speech; "
            "sudden weakness or numbness on one side; chest pain or tightness; struggling to breathe; new loss of bladder or "
            "bowel control or numbness around the bottom or genitals; weakness spreading quickly up the legs, or not being "
            "able to walk; a leg that has suddenly gone cold, pale and painful; or thoughts of self-harm?"
        ),
        why="These are warning signs that need help straight away, whatever the cause, so I check for them before anything else.",
        codes=SCREEN_RED_FLAGS,
        answered=lambda f, a: "RF_SCREEN" in a or all(f.known(c) for c in SCREEN_RED_FLAGS),
        follow_up_on_yes="RF_WHICH",
    ),
    Question(
        id="RF_WHICH",
        kind="choice",
        text_self="Which of these is it? Pick one, or tell me in your own words.",
        text_other="Which of these is it? Pick one, or describe it in your own words.",
        why="Each warning sign needs slightly different advice, so I need to know which one it is.",
        codes=SCREEN_RED_FLAGS,
        buttons=_red_flag_buttons(),
        relevant=lambda f, a: False,  # only reached as the follow-up of RF_SCREEN
    ),
    Question(
        id="SX_OPEN",
        kind="open",
        text_self="What symptoms have you noticed? Tell me in your own words, or pick one below.",
        text_other="What symptoms have they noticed? Describe them in your own words, or pick one below.",
        why="Your main symptoms decide which questions matter and how soon you may need to be seen.",
        buttons=_symptom_buttons(),
        answered=lambda f, a: "SX_OPEN" in a or bool(f.codes(Kind.SYMPTOM)) or any(f.known(c) for c in load_knowledge().codes(Kind.SYMPTOM)),
    ),
    yesno(
        "SX_PARAESTHESIA",
        "Do you get " + "tingling, pins and needles or numbness in your feet, legs or hands?",
        "Do they get tingling, pins and needles or numbness in their feet, legs or hands?",
        "Tingling and numbness are nerve-related symptoms, which make it more important to be seen soon.",
        _no_neuro_yet,
    ),
    yesno(
        "SX_BALANCE_GAIT",
        "Have you been unsteady on your feet, losing your balance, tripping or falling (perhaps worse in the dark)?",
        "Have they been unsteady on their feet, losing their balance, tripping or falling?",
        "Balance problems can come from the nerves that tell the brain where the feet are, which low B12 can affect.",
        _no_neuro_yet,
    ),
    yesno(
        "SX_MUSCLE_WEAK",
        "Have you noticed weakness in your legs, feet or arms, such as heavy legs or dropping things?",
        "Have they noticed weakness in their legs, feet or arms, such as heavy legs or dropping things?",
        "Weakness can be a sign that nerves are affected.",
        _no_neuro_yet,
    ),
    yesno(
        "SX_COGNITIVE",
        "Have you had problems with memory or concentration, brain fog or confusion?",
        "Have they had problems with memory or concentration, brain fog or confusion?",
        "Low B12 can affect the brain as well as the nerves in the limbs.",
        _no_neuro_yet,
    ),
    yesno(
        "SX_VISION",
        "Has your vision been blurred or disturbed, or is there a patch missing from your sight?",
        "Has their vision been blurred or disturbed, or is there a patch missing from their sight?",
        "The nerve to the eye can also be affected when B12 is low.",
        _no_neuro_yet,
    ),
    Question(
        id="SX_OTHER",
        kind="yesno",
        text_self=(
            "Have you noticed any of these: unusual tiredness, cramps, pain in the soles or heels, cold or pale feet, getting "
            "out of breath easily, a racing heart, dizziness or headaches, low mood, a sore tongue or mouth ulcers, or a blood "
            "test showing anaemia?"
        ),
        text_other=(
            "Have they noticed any of these: unusual tiredness, cramps, pain in the soles or heels, cold or pale feet, getting "
            "out of breath easily, a racing heart, dizziness or headaches, low mood, a sore tongue or mouth ulcers, or a blood "
            "test showing anaemia?"
        ),
        why="These are other common signs of low B12 or of anaemia.",
        codes=OTHER_SYMPTOMS,
        relevant=lambda f, a: not f.symptoms(),
        answered=lambda f, a: "SX_OTHER" in a or all(f.known(c) for c in OTHER_SYMPTOMS),
        follow_up_on_yes="SX_OTHER_WHICH",
    ),
    Question(
        id="SX_OTHER_WHICH",
        kind="choice",
        text_self="Which ones? Pick one, or tell me in your own words.",
        text_other="Which ones? Pick one, or describe them in your own words.",
        why="Knowing which symptoms helps me suggest what to ask the clinician.",
        codes=OTHER_SYMPTOMS,
        buttons=_other_symptom_buttons(),
        relevant=lambda f, a: False,
    ),
    yesno(
        "SX_PSYCHOSIS",
        "Have you been hearing or seeing things that others don't, or feeling that people are against you?",
        "Have they been hearing or seeing things that others don't, or feeling that people are against them?",
        "These changes need a same-day assessment, whatever the cause.",
        lambda f, a: f.has("SX_COGNITIVE") or f.has("SX_MOOD"),
    ),
    Question(
        id="DURATION",
        kind="duration",
        text_self="How long have you had these symptoms?",
        text_other="How long have they had these symptoms?",
        why="How long symptoms have been there, and how fast they change, affects how soon you should be seen.",
        buttons=(
            {"title": "Days", "payload": _inform("duration", "days")},
            {"title": "Weeks", "payload": _inform("duration", "weeks")},
            {"title": "Months", "payload": _inform("duration", "months")},
            {"title": "Years", "payload": _inform("duration", "years")},
            {"title": "Not sure", "payload": "/dont_know"},
        ),
        relevant=_has_symptom,
        answered=lambda f, a: f.duration is not None or "DURATION" in a,
    ),
    Question(
        id="PROGRESSION",
        kind="progression",
        text_self="Are your symptoms getting worse? Pick the closest.",
        text_other="Are their symptoms getting worse? Pick the closest.",
        why="Symptoms that are getting worse quickly or spreading need to be seen sooner.",
        buttons=(
            {"title": "Worse quickly or spreading", "payload": _inform("progression", "rapid")},
            {"title": "Slowly getting worse", "payload": _inform("progression", "slow")},
            {"title": "About the same", "payload": _inform("progression", "stable")},
            {"title": "Not sure", "payload": "/dont_know"},
        ),
        relevant=_has_symptom,
        answered=lambda f, a: f.progression is not None or "PROGRESSION" in a,
    ),
    Question(
        id="AGE",
        kind="age",
        text_self="How old are you? You can type your age or pick a range.",
        text_other="How old are they? You can type their age or pick a range.",
        why="B12 is absorbed less well with age, and this checker is designed for people aged 16 and over.",
        buttons=(
            {"title": "Under 16", "payload": _inform("age_band", "under_16")},
            {"title": "16 to 64", "payload": _inform("age_band", "adult")},
            {"title": "65 or over", "payload": _inform("age_band", "older")},
        ),
        answered=lambda f, a: f.age is not None or f.age_band is not None or "AGE" in a,
    ),
    yesno(
        "RK_DIET_LOW_B12",
        "Do you follow a vegan or vegetarian diet, or eat little meat, fish, eggs or dairy?",
        "Do they follow a vegan or vegetarian diet, or eat little meat, fish, eggs or dairy?",
        "B12 comes mainly from animal foods, so a plant-based diet without fortified foods or supplements can lead to low levels.",
    ),
    yesno(
        "MOD_DIABETES",
        "Do you have diabetes?",
        "Do they have diabetes?",
        "Diabetes can cause nerve symptoms of its own, and some diabetes medicines can lower B12.",
    ),
    yesno(
        "RF_DIABETIC_FOOT",
        "Do you have a wound, ulcer, blister or cut on your foot, or a foot that is hot, red and swollen?",
        "Do they have a wound, ulcer, blister or cut on the foot, or a foot that is hot, red and swollen?",
        "With diabetes, foot wounds can get worse quickly and need same-day advice.",
        lambda f, a: f.has("MOD_DIABETES"),
    ),
    yesno(
        "RK_MED_METFORMIN",
        "Do you take metformin?",
        "Do they take metformin?",
        "Taking metformin for a long time can lower B12 levels.",
        lambda f, a: not f.status.get("MOD_DIABETES") == "absent",
    ),
    yesno(
        "RK_MED_ACID",
        "Do you regularly take medicines that reduce stomach acid, such as omeprazole, lansoprazole or famotidine?",
        "Do they regularly take medicines that reduce stomach acid, such as omeprazole, lansoprazole or famotidine?",
        "Long-term use of acid-reducing medicines can make it harder to absorb B12 from food.",
    ),
    yesno(
        "RK_MED_OTHER",
        "Do you take colchicine, topiramate, pregabalin, gabapentin or a medicine for epilepsy?",
        "Do they take colchicine, topiramate, pregabalin, gabapentin or a medicine for epilepsy?",
        "Some of these medicines can affect B12.",
    ),
    yesno(
        "RK_GI_CONDITION",
        "Do you have coeliac disease, Crohn's disease or another condition of the small bowel?",
        "Do they have coeliac disease, Crohn's disease or another condition of the small bowel?",
        "B12 is absorbed in the small bowel, so conditions there can lower it.",
    ),
    yesno(
        "RK_GI_SURGERY",
        "Have you had weight-loss surgery, stomach surgery, part of your bowel removed, or radiotherapy to your tummy or pelvis?",
        "Have they had weight-loss surgery, stomach surgery, part of the bowel removed, or radiotherapy to the tummy or pelvis?",
        "The stomach and the end of the small bowel are both needed to absorb B12.",
    ),
    yesno(
        "RK_AUTOIMMUNE",
        "Do you have pernicious anaemia or an autoimmune condition such as type 1 diabetes, an autoimmune thyroid condition (like Hashimoto's), vitiligo, Addison's disease or Sjögren's syndrome?",
        "Do they have pernicious anaemia or an autoimmune condition such as type 1 diabetes, an autoimmune thyroid condition (like Hashimoto's), vitiligo, Addison's disease or Sjögren's syndrome?",
        "Autoimmune conditions often come together, and pernicious anaemia is a common cause of low B12.",
    ),
    yesno(
        "RK_N2O",
        "Have you used nitrous oxide recreationally (laughing gas, 'nos', balloons or cream chargers)?",
        "Have they used nitrous oxide recreationally (laughing gas, 'nos', balloons or cream chargers)?",
        "Nitrous oxide inactivates B12 and can damage nerves quickly; I ask everyone without judgement.",
        lambda f, a: not (f.age is not None and f.age >= 50) and f.age_band != "older",
    ),
    yesno(
        "RK_ALCOHOL",
        "Do you drink alcohol heavily, or most days?",
        "Do they drink alcohol heavily, or most days?",
        "Heavy regular drinking can affect how B12 is absorbed and can damage nerves too.",
    ),
    Question(
        id="MOD_PREGNANT",
        kind="yesno",
        text_self="Are you pregnant or breastfeeding?",
        text_other="Are they pregnant or breastfeeding?",
        why="In pregnancy, possible low B12 needs to be looked into more quickly.",
        codes=("MOD_PREGNANT",),
        buttons=(
            {"title": "Yes", "payload": "/affirm"},
            {"title": "No", "payload": "/deny"},
            {"title": "Doesn't apply", "payload": "/deny"},
        ),
        relevant=lambda f, a: not (f.age is not None and f.age >= 56) and f.age_band != "older",
    ),
    yesno(
        "RK_FAMILY_HX",
        "Does anyone in your close family have B12 deficiency, pernicious anaemia or an autoimmune condition?",
        "Does anyone in their close family have B12 deficiency, pernicious anaemia or an autoimmune condition?",
        "These conditions can run in families.",
    ),
    yesno(
        "MOD_ON_B12_TREATMENT",
        "Are you already having vitamin B12 injections, tablets or other B12 supplements?",
        "Are they already having vitamin B12 injections, tablets or other B12 supplements?",
        "Supplements can change blood results, and new symptoms on treatment may mean it needs reviewing.",
    ),
)

BY_ID: Dict[str, Question] = {q.id: q for q in QUESTIONS}
UNDER_16_QUESTIONS = ("RF_SCREEN", "SX_OPEN") + tuple(f"CONFIRM_{c}" for c in SCREEN_RED_FLAGS + ("RF_DIABETIC_FOOT",))


# --------------------------------------------------- what can still change the result
#
# Clinical reference section 6: "once no unanswered question could move the result
# to another row, the result can be given; further questions only complete the
# summary and are optional". The issue asks for the same with the *level* (how
# soon, from whom). Both are supported; ``STOP_WHEN`` says which one the
# interview uses (the blind patients' turns in `make evaluate` measure it).
#
# A question still matters when some answer to it, alone or together with some
# answer to one other open question, gives a different result than without it.
# Pairs are needed because rows combine two facts (a nerve symptom *and* nitrous
# oxide, diabetes *and* a foot wound); no row needs three facts that are all
# still open and whose pairs would not already show it (tests/unit/test_relevance.py
# checks this as a property over random people, so a new row that needs it fails there).

STOP_WHEN = "level"  # "level" (the issue) or "row" (clinical reference section 6)


def _answers(q: Question) -> Tuple[Callable[[Facts], None], ...]:
    """The answers that can move a rule, each as a change to a copy of the facts.

    A "no" or "not sure" is not listed: no rule reads an absent or unsure code
    (only present ones), so they leave every result as it is without an answer.
    """
    if q.kind == "duration":
        return tuple((lambda f, v=v: setattr(f, "duration", v)) for v in ("days", "weeks", "months", "years"))
    if q.kind == "progression":
        return tuple((lambda f, v=v: setattr(f, "progression", v)) for v in ("rapid", "slow", "stable"))
    if q.kind == "age":
        return tuple((lambda f, v=v: f.set_age(v)) for v in (10, 40, 70))
    codes = q.codes or tuple(load_knowledge().codes(Kind.SYMPTOM))  # the open symptom question
    return tuple((lambda f, c=c: f.set(c, Status.PRESENT)) for c in codes)


def _outcome(facts: Facts) -> str:
    decision = decide(facts)
    return decision.row.id if STOP_WHEN == "row" else decision.level.value


def _open(q: Question, facts: Facts, asked: AskedView) -> bool:
    if facts.under_16() and q.id not in UNDER_16_QUESTIONS:
        return False
    return q.relevant(facts, asked) and not q.is_answered(facts, asked)


def _with(facts: Facts, answer: Callable[[Facts], None]) -> Facts:
    changed = facts.copy()
    answer(changed)
    return changed


def still_matters(q: Question, facts: Facts, asked: AskedView) -> bool:
    """Could an answer to ``q`` (with at most one other open question) change the result?"""
    if q.follow_up_on_yes:  # a screen: its follow-up names the option, so judge by the options
        follow = BY_ID[q.follow_up_on_yes]
        q = Question(id=q.id, kind=q.kind, text_self="", text_other="", why="", codes=q.codes or follow.codes)
    base = _outcome(facts)
    partners = [p for p in QUESTIONS if p.id != q.id and p.codes != q.codes]
    for answer in _answers(q):
        after = _with(facts, answer)
        if _outcome(after) != base:
            return True
        for p in partners:
            if not _open(p, after, asked):
                continue
            p_open_before = _open(p, facts, asked)
            for other in _answers(p):
                with_both = _with(after, other)
                without_q = _with(facts, other) if p_open_before else facts
                if _outcome(with_both) != _outcome(without_q):
                    return True
    return False


def next_question(facts: Facts, asked: AskedView, complete: bool = False) -> Optional[Question]:
    """The first open question that can still change the result, or None when done.

    With ``complete`` (the person chose to answer more for their GP's summary),
    every open question, in order.
    """
    # A foot wound only becomes a red flag with diabetes: ask about diabetes at once.
    if facts.has("RF_DIABETIC_FOOT") and not facts.known("MOD_DIABETES") and "MOD_DIABETES" not in asked:
        return BY_ID["MOD_DIABETES"]
    for q in QUESTIONS:
        if _open(q, facts, asked) and (complete or still_matters(q, facts, asked)):
            return q
    return None


def optional_questions(facts: Facts, asked: AskedView) -> List[Question]:
    """Open questions that only complete the summary (none can change the result)."""
    return [q for q in QUESTIONS if _open(q, facts, asked)]


def all_question_texts() -> List[str]:
    texts: List[str] = []
    for q in QUESTIONS:
        texts += [q.text_self, q.text_other, q.why] + [b["title"] for b in q.buttons]
    return texts


__all__ = ["Question", "QUESTIONS", "BY_ID", "AskedView", "next_question", "still_matters", "optional_questions", "all_question_texts", "STOP_WHEN"]
