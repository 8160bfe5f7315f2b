"""The interview's questions, in the order they are asked, as data.

Each question says what it records, why it is asked, when it is relevant,
and when it is already answered, so the assistant asks only what it still
needs and never asks again what the person has said. Order follows the
issue: red-flag screen, main symptoms with duration and course, then risk
factors.
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from engine.facts import Facts
from engine.rules import decide
from knowledge import Kind, Status, load_knowledge, load_question_texts

_TEXTS = load_question_texts()
_TITLES = _TEXTS["buttons"]
YES_NO_UNSURE = tuple({"title": _TITLES["yes_no_unsure"][k], "payload": f"/{k}"} for k in ("affirm", "deny", "dont_know"))

SCREEN_RED_FLAGS = (
    "RF_STROKE",
    "RF_CHEST_PAIN",
    "RF_BREATHLESS_SEVERE",
    "RF_BLADDER_BOWEL",
    "RF_RAPID_WEAKNESS",
    "RF_SUICIDAL",
    "RF_LIMB_ISCHAEMIA",
)
NEURO_CHECKS = ("SX_PARAESTHESIA", "SX_BURNING_FEET", "SX_BALANCE_GAIT", "SX_MUSCLE_WEAK", "SX_COGNITIVE", "SX_VISION")
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
    # asked only when the person chose to complete the summary, first among those questions;
    # never weighed in what can still change the result
    summary_only: bool = False

    def text(self, facts: Facts) -> str:
        return self.text_other if facts.subject == "other" else self.text_self

    def is_answered(self, facts: Facts, asked: AskedView) -> bool:
        if self.answered is not None:
            return self.answered(facts, asked)
        # a code the person only wondered about ("is this from the whippets??") or hedged
        # ("maybe vegetarian") is still asked: one plain question settles it
        return self.id in asked or all(facts.known(c) and facts.status[c] != Status.UNSURE for c in self.codes)


def _inform(entity: str, value: str) -> str:
    return '/inform{"%s":"%s"}' % (entity, value)


def _no_neuro_yet(f: Facts, a: AskedView) -> bool:
    return not f.neuro_symptoms()


def _has_symptom(f: Facts, a: AskedView) -> bool:
    return bool(f.symptoms())


def _words(qid: str) -> Dict[str, str]:
    """A question's wording from knowledge/questions.yml, as Question's fields."""
    body = _TEXTS["questions"][qid]
    return {"text_self": str(body["self"]).strip(), "text_other": str(body["other"]).strip(), "why": str(body["why"]).strip()}


def escalation_text(qualifier: str, facts: Facts) -> str:
    """The one direct question about a qualifier that raises a red flag's level
    (knowledge/questions.yml ``escalate``), for the person or for someone else."""
    body = _TEXTS["escalate"][qualifier]
    return str(body["other" if facts.subject == "other" else "self"]).strip()


def yesno(code: str, relevant: Predicate = lambda f, a: True) -> Question:
    return Question(id=code, kind="yesno", codes=(code,), relevant=relevant, **_words(code))


_THEM = ((r"\byourself\b", "themselves"), (r"\byour\b", "their"), (r"\byou are\b", "they are"),
         (r"\byou have\b", "they have"), (r"\byou\b", "them"))


def for_them(text: str) -> str:
    """A question about the person, worded about someone else ("your life or harming
    yourself" -> "their life or harming themselves")."""
    for pattern, words in _THEM:
        text = re.sub(pattern, words, text)
    return text


def _kb_ask(code: str) -> str:
    return load_knowledge().concept(code).ask


def _symptom_buttons() -> Tuple[Dict[str, str], ...]:
    titles = dict(_TITLES["symptoms"])
    none = titles.pop("none")
    return tuple({"title": t, "payload": _inform("symptom", c)} for c, t in titles.items()) + (
        {"title": none, "payload": "/deny"},
    )


def _red_flag_buttons() -> Tuple[Dict[str, str], ...]:
    titles = _TITLES["red_flags"]
    return tuple({"title": titles[c], "payload": _inform("red_flag", c)} for c in SCREEN_RED_FLAGS) + (
        {"title": titles["none"], "payload": "/deny"},
        {"title": titles["not_sure"], "payload": "/dont_know"},
    )


def _other_symptom_buttons() -> Tuple[Dict[str, str], ...]:
    kb = load_knowledge()
    return tuple(
        {"title": kb.concept(c).label.capitalize(), "payload": _inform("symptom", c)} for c in OTHER_SYMPTOMS
    ) + ({"title": _TITLES["other_symptoms_none"], "payload": "/deny"},)


def _choice_buttons(name: str, entity: str) -> Tuple[Dict[str, str], ...]:
    """Buttons that set ``entity`` to each value of ``buttons.<name>``; "not_sure" says so."""
    return tuple(
        {"title": t, "payload": "/dont_know" if v == "not_sure" else _inform(entity, v)} for v, t in _TITLES[name].items()
    )


def _confirm(code: str) -> Question:
    """One direct question for a red flag the message did not make certain
    (clinical reference section 5): "was it a stroke?", "what if it's my heart",
    a relative's stroke in a message about oneself. Asked before anything else;
    "not sure" counts as yes."""
    ask = _kb_ask(code)
    return Question(
        id=f"CONFIRM_{code}",
        kind="yesno",
        text_self=_TEXTS["confirm"]["self"].format(ask=ask),
        text_other=_TEXTS["confirm"]["other"].format(ask=for_them(ask)),
        why=_TEXTS["confirm"]["why"],
        codes=(code,),
        relevant=lambda f, a, c=code: f.status.get(c) == Status.UNSURE,
        answered=lambda f, a, c=code: f"CONFIRM_{c}" in a or f.status.get(c) in (Status.PRESENT, Status.ABSENT),
        unsure_is_yes=True,
    )


QUESTIONS: Tuple[Question, ...] = tuple(_confirm(c) for c in SCREEN_RED_FLAGS + ("RF_DIABETIC_FOOT",)) + (
    Question(
        id="RF_SCREEN",
        kind="yesno",
        **_words("RF_SCREEN"),
        codes=SCREEN_RED_FLAGS,
        answered=lambda f, a: "RF_SCREEN" in a or all(f.known(c) for c in SCREEN_RED_FLAGS),
        follow_up_on_yes="RF_WHICH",
    ),
    Question(
        id="RF_WHICH",
        kind="choice",
        **_words("RF_WHICH"),
        codes=SCREEN_RED_FLAGS,
        buttons=_red_flag_buttons(),
        relevant=lambda f, a: False,  # only reached as the follow-up of RF_SCREEN
    ),
    Question(
        id="SX_OPEN",
        kind="open",
        **_words("SX_OPEN"),
        buttons=_symptom_buttons(),
        answered=lambda f, a: "SX_OPEN" in a or bool(f.codes(Kind.SYMPTOM)) or any(f.known(c) for c in load_knowledge().codes(Kind.SYMPTOM)),
    ),
    yesno(
        "SX_PARAESTHESIA",
        _no_neuro_yet,
    ),
    yesno(
        "SX_BURNING_FEET",
        _no_neuro_yet,
    ),
    yesno(
        "SX_BALANCE_GAIT",
        _no_neuro_yet,
    ),
    yesno(
        "SX_MUSCLE_WEAK",
        _no_neuro_yet,
    ),
    yesno(
        "SX_COGNITIVE",
        _no_neuro_yet,
    ),
    yesno(
        "SX_VISION",
        _no_neuro_yet,
    ),
    Question(
        id="SX_OTHER",
        kind="yesno",
        **_words("SX_OTHER"),
        codes=OTHER_SYMPTOMS,
        relevant=lambda f, a: not f.symptoms(),
        answered=lambda f, a: "SX_OTHER" in a or all(f.known(c) for c in OTHER_SYMPTOMS),
        follow_up_on_yes="SX_OTHER_WHICH",
    ),
    Question(
        id="SX_OTHER_WHICH",
        kind="choice",
        **_words("SX_OTHER_WHICH"),
        codes=OTHER_SYMPTOMS,
        buttons=_other_symptom_buttons(),
        relevant=lambda f, a: False,
    ),
    yesno(
        "SX_PSYCHOSIS",
        lambda f, a: f.has("SX_COGNITIVE") or f.has("SX_MOOD"),
    ),
    # mood, for the GP's summary: low mood goes with low B12, and the question gives a
    # second, gentle chance to tell of darker thoughts than a list at the screen does
    Question(
        id="SX_MOOD",
        kind="yesno",
        codes=("SX_MOOD",),
        relevant=_has_symptom,
        summary_only=True,
        **_words("SX_MOOD"),
    ),
    Question(
        id="DURATION",
        kind="duration",
        **_words("DURATION"),
        buttons=_choice_buttons("duration", "duration"),
        relevant=_has_symptom,
        answered=lambda f, a: f.duration is not None or "DURATION" in a,
    ),
    Question(
        id="PROGRESSION",
        kind="progression",
        **_words("PROGRESSION"),
        buttons=_choice_buttons("progression", "progression"),
        relevant=_has_symptom,
        answered=lambda f, a: f.progression is not None or "PROGRESSION" in a,
    ),
    Question(
        id="AGE",
        kind="age",
        **_words("AGE"),
        buttons=_choice_buttons("age", "age_band"),
        answered=lambda f, a: f.age is not None or f.age_band is not None or "AGE" in a,
    ),
    # the risk factors, the commonest first and the medicines together (NICE NG239's list; the
    # seeds): the interview asks only those that can still change the advice, and once one is
    # there the others seldom matter; after the result, a person who stops answering early has
    # given the likeliest
    yesno(
        "RK_DIET_LOW_B12",
    ),
    yesno(
        "MOD_DIABETES",
    ),
    yesno(
        "RF_DIABETIC_FOOT",
        lambda f, a: f.has("MOD_DIABETES"),
    ),
    # metformin is also taken for prediabetes and polycystic ovaries: asked whatever the
    # diabetes answer (its wording says so)
    yesno(
        "RK_MED_METFORMIN",
    ),
    yesno(
        "RK_MED_ACID",
    ),
    # the medicines together
    yesno(
        "RK_MED_OTHER",
    ),
    yesno(
        "RK_ALCOHOL",
    ),
    yesno(
        "RK_FAMILY_HX",
    ),
    yesno(
        "RK_AUTOIMMUNE",
    ),
    yesno(
        "RK_GI_CONDITION",
    ),
    yesno(
        "RK_GI_SURGERY",
    ),
    yesno(
        "RK_N2O",
        lambda f, a: not (f.age is not None and f.age >= 50) and f.age_band != "older",
    ),
    Question(
        id="MOD_PREGNANT",
        kind="yesno",
        **_words("MOD_PREGNANT"),
        codes=("MOD_PREGNANT",),
        buttons=tuple({"title": t, "payload": "/affirm" if k == "affirm" else "/deny"} for k, t in _TITLES["pregnant"].items()),
        relevant=lambda f, a: not (f.age is not None and f.age >= 56) and f.age_band != "older",
    ),
    yesno(
        "MOD_ON_B12_TREATMENT",
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
    kb = load_knowledge()
    codes = q.codes or tuple(kb.codes(Kind.SYMPTOM))  # the open symptom question
    # a red flag whose level a qualifier raises is asked about that qualifier next (knowledge
    # escalations): a diabetic foot is urgent, with a fever an emergency
    raised = tuple((lambda f, c=c: (f.set(c, Status.PRESENT), f.set(kb.escalations[c], Status.PRESENT)))
                   for c in codes if c in kb.escalations)
    return tuple((lambda f, c=c: f.set(c, Status.PRESENT)) for c in codes) + raised


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
    if q.kind == "duration" and facts.neuro_symptoms():
        # how long a nerve symptom has been there, and whether it came on suddenly, is always
        # asked: an answer of hours ("since this morning", "all of a sudden") is what makes
        # numbness on one side a stroke sign and weakness an emergency (reference section 5),
        # which no answer among days/weeks/months/years shows
        return True
    base = _outcome(facts)
    partners = [p for p in QUESTIONS if p.id != q.id and p.codes != q.codes and not p.summary_only]
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
        if _open(q, facts, asked) and (complete or (not q.summary_only and still_matters(q, facts, asked))):
            return q
    return None


def optional_questions(facts: Facts, asked: AskedView) -> List[Question]:
    """Open questions that only complete the summary (none can change the result)."""
    return [q for q in QUESTIONS if _open(q, facts, asked)]


def all_question_texts() -> List[str]:
    texts: List[str] = []
    for q in QUESTIONS:
        texts += [q.text_self, q.text_other, q.why] + [b["title"] for b in q.buttons]
    texts += [str(t).strip() for body in _TEXTS["escalate"].values() for t in body.values()]
    return texts


__all__ = ["Question", "QUESTIONS", "escalation_text", "YES_NO_UNSURE", "BY_ID", "AskedView", "next_question", "still_matters", "optional_questions", "all_question_texts", "STOP_WHEN"]
