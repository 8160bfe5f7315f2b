"""One turn of the triage conversation, as a pure function of state and input.

``step(state, turn)`` records what the message says, checks red flags
(on every message), handles the intent (answer, question, why, restart,
small talk...) and decides what to ask next or gives the result. The Rasa
actions only translate slots and the latest message into a :class:`Turn`
and the returned replies into dispatcher calls.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from engine.facts import UNKNOWN, Facts, Status
from engine.guidance import SCREEN_UNNAMED, Reply, fill, result_replies
from knowledge import Kind, Level, load_knowledge, load_texts
from reader.answers import leads_with_no, read_answer, read_choice, refers_back, says_no_intent
from reader.quantities import age_answer
from engine.locale import contacts
from engine.questions import BY_ID, YES_NO_UNSURE, AskedView, Question, escalation_text, next_question, optional_questions
from engine.rules import DECISION_TABLE, RED_FLAG_ROWS, Decision, decide, red_flag_decision

CODE_ENTITIES = {"symptom", "risk_factor", "red_flag", "modifier", "qualifier"}
ANSWER_INTENTS = {"affirm", "deny", "dont_know"}
MAX_REASKS = 2
# questions given up on (asked three times without an answer) before the interview stops
# asking and gives its result from what is known: nobody is kept going question after question
GIVE_UPS_BEFORE_RESULT = 3
GENERAL_TOPIC = "what_is_b12"


@dataclass
class Turn:
    """What the latest message said, as the NLU understood it."""

    text: str = ""
    intent: Optional[str] = None
    confidence: float = 1.0
    entities: List[Dict[str, Any]] = field(default_factory=list)

    def values(self, entity: str) -> List[Any]:
        return [e.get("value") for e in self.entities if e.get("entity") == entity]

    def first(self, entity: str) -> Any:
        vals = self.values(entity)
        return vals[0] if vals else None


@dataclass
class State:
    facts: Facts = field(default_factory=Facts)
    pending: Optional[str] = None
    asked: List[str] = field(default_factory=list)
    stage: str = "start"  # start | interview | done
    result_level: Optional[str] = None
    result_row: Optional[str] = None
    red_flags_advised: List[str] = field(default_factory=list)
    reasks: int = 0
    gave_up: int = 0  # questions of this interview given up on (GIVE_UPS_BEFORE_RESULT)
    questions_asked: int = 0
    locale: Optional[str] = None
    complete: bool = False  # the person chose to answer the optional questions for their GP's summary
    screen: Optional[str] = None  # the safety screen's answer when it needs its follow-up: yes | unsure
    paused: Optional[str] = None  # the question waiting while "start again?" / "stop here?" is asked
    stop_asked: bool = False  # "stop here?" was asked in this interview: a second goodbye means it
    queued: Optional[str] = None  # a follow-up to ask now (this turn only, not stored)
    mentioned: Optional[str] = None  # the red flag last named and not denied, in any context (history, a question...)
    mentioned_just: bool = False  # ... named in the latest message
    missed_notes: List[str] = field(default_factory=list)  # facts from missed messages (this turn only)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "facts": self.facts.to_dict(),
            "pending": self.pending,
            "asked": list(self.asked),
            "stage": self.stage,
            "result_level": self.result_level,
            "result_row": self.result_row,
            "red_flags_advised": list(self.red_flags_advised),
            "reasks": self.reasks,
            "gave_up": self.gave_up,
            "questions_asked": self.questions_asked,
            "locale": self.locale,
            "complete": self.complete,
            "screen": self.screen,
            "paused": self.paused,
            "stop_asked": self.stop_asked,
            "mentioned": self.mentioned,
            "mentioned_just": self.mentioned_just,
        }

    @classmethod
    def from_dict(cls, data: Optional[Dict[str, Any]]) -> "State":
        data = data or {}
        return cls(
            facts=Facts.from_dict(data.get("facts")),
            pending=data.get("pending"),
            asked=list(data.get("asked") or []),
            stage=data.get("stage") or "start",
            result_level=data.get("result_level"),
            result_row=data.get("result_row"),
            red_flags_advised=list(data.get("red_flags_advised") or []),
            reasks=int(data.get("reasks") or 0),
            gave_up=int(data.get("gave_up") or 0),
            questions_asked=int(data.get("questions_asked") or 0),
            locale=data.get("locale"),
            complete=bool(data.get("complete")),
            screen=data.get("screen"),
            paused=data.get("paused"),
            stop_asked=bool(data.get("stop_asked")),
            mentioned=data.get("mentioned"),
            mentioned_just=bool(data.get("mentioned_just")),
        )


@dataclass
class Outcome:
    state: State
    replies: List[Reply]
    decision: Optional[Decision] = None


# The fixed texts are knowledge (knowledge/texts.yml): wording and translation
# without touching code; this module decides when each is said.
_TEXTS = load_texts()
_SAY = _TEXTS["conversation"]
_BUTTONS = _TEXTS["buttons"]


def _buttons(name: str) -> Tuple[Dict[str, str], ...]:
    return tuple({"title": title, "payload": f"/{k}"} for k, title in _BUTTONS[name].items())


INTRO = _SAY["intro"]
INTRO_SHORT = _SAY["intro_short"]
NOT_UNDERSTOOD = _SAY["not_understood"]
EMPTY_MESSAGE = _SAY["empty_message"]
MARKUP_ONLY = _SAY["markup_only"]
NO_WORDS = _SAY["no_words"]
FOREIGN = _SAY["foreign"]
SOMEONE_ELSE = _SAY["someone_else"]
OUT_OF_SCOPE = _SAY["out_of_scope"]
BOT = _SAY["bot"]
HELP = _SAY["help"]
THANKS = _SAY["thanks"]
GOODBYE = _SAY["goodbye"]
RESTARTED = _SAY["restarted"]
DONE_PROMPT = _SAY["done_prompt"]
AFTER_RED_FLAG = _SAY["after_red_flag"]
AFTER_RED_FLAG_CRISIS = _SAY["after_red_flag_crisis"]
WHEN_READY = _SAY["when_ready"]
UPDATED = _SAY["updated"]
NO_TOPIC = _SAY["no_topic"]
WHY_GENERIC = _SAY["why_generic"]
UNDERSTOOD_NONE = _SAY["understood_none"]
MOVE_ON = _SAY["move_on"]
SCREEN_GIVE_UP = _SAY["screen_give_up"]
MORE_OFFER = _SAY["more_offer"]
MORE_DECLINED = _SAY["more_declined"]
RESTART_CONFIRM = _SAY["restart_confirm"]
STOP_CONFIRM = _SAY["stop_confirm"]
STOPPED_EARLY = _SAY["stopped_early"]
STOP_ASKING = _SAY["stop_asking"]
CARRY_ON = _SAY["carry_on"]
MORE_DONE = _SAY["more_done"]
ESCALATE_NO = _SAY["escalate_no"]
ESCALATE = "ESCALATE_"  # the pending escalation question: ESCALATE_<qualifier>
_MARKUP = re.compile(r"<(script|style)\b.*?</(script|style)\s*>|<[^>]{0,500}>", re.S | re.I)
# After the result: the questions that can no longer change it are an option, not a toll
MORE = "MORE_QUESTIONS"
MORE_BUTTONS = _buttons("more")
ASK_RESTART, ASK_STOP = "ASK_RESTART", "ASK_STOP"
RESTART_BUTTONS = _buttons("restart")
STOP_BUTTONS = _buttons("stop")


def _fmt(text: str, locale: Optional[str]) -> str:
    return fill(text, contacts(locale))


# Said by the person, answered, never recorded as a clinical fact.
STOP_MEDICINE = "QL_STOP_MEDICINE"
NOT_FACTS = {STOP_MEDICINE}
# contexts in which a sign is named without being the person's now (reader/context.py)
# a sign named in a way that does not say the person has it now; with a leading "no" to its
# direct question, the "no" answers it ("no. the mini stroke was 2019, fine ever since")
NOT_THEIRS_NOW = {"asked", "other", "historical", "hypothetical", "named"}
STOP_MEDICINE_NOTE = _SAY["stop_medicine_note"]


def step(state: State, turn: Turn) -> Outcome:
    """One message: what it says recorded, red flags checked, the reply and what comes next."""
    outcome = _step(state, turn)
    mentions_stopping = any(e.get("entity") == "qualifier" and e.get("value") == STOP_MEDICINE for e in turn.entities)
    emergency = outcome.decision is not None and outcome.decision.row.id in RED_FLAG_ROWS
    if mentions_stopping and not emergency:
        # whatever else the message did: the note goes before the next question or the result
        at = next((i for i, r in enumerate(outcome.replies) if r.role in ("question", "result")), len(outcome.replies))
        outcome.replies.insert(at, Reply(STOP_MEDICINE_NOTE))
    return outcome


def _step(state: State, turn: Turn) -> Outcome:
    replies: List[Reply] = []
    facts = state.facts
    intent = turn.intent or "nlu_fallback"
    text = turn.text or ""

    # A misread "start over" must never wipe a message that reports something
    # ("the chest pain started again"): with any clinical finding it is a statement.
    if intent == "start_over" and any(e.get("entity") in CODE_ENTITIES for e in turn.entities):
        intent = "inform"
    # the answer to "start again?" or "stop here?"; anything else carries on where we were
    if state.pending in (ASK_RESTART, ASK_STOP):
        asked_about, state.pending, state.paused = state.pending, state.paused, None
        said = read_answer(text) or (intent if intent in ("affirm", "deny") else None)
        if intent == {ASK_RESTART: "start_over", ASK_STOP: "goodbye"}[asked_about]:
            said = "affirm"  # asked again: they mean it
        if said == "affirm" and asked_about == ASK_RESTART:
            return _restart(state, replies)
        if said == "affirm":
            replies.append(Reply(STOPPED_EARLY))
            return _continue(state, replies, force_result=True, offer_more=False)  # they want to go
        if said == "deny":
            replies.append(Reply(CARRY_ON))
            return _reask(state, replies)
    if intent == "start_over" and state.stage == "interview" and (state.asked or state.facts.status):
        # "start over" mid-interview would lose every answer: asked first (a misread
        # "restart my meds" must not wipe the interview)
        return _ask_to_confirm(state, ASK_RESTART, RESTART_CONFIRM, replies)
    if intent == "start_over":
        return _restart(state, replies)

    # ---------------------------------------------------- input problems
    if not text.strip():
        replies.append(Reply(EMPTY_MESSAGE))
        return _reask(state, replies)
    if not text.startswith("/") and not re.search(r"[^\W_]", text):
        replies.append(Reply(NO_WORDS))
        return _reask(state, replies)
    if not text.startswith("/") and not re.search(r"[^\W_]", _MARKUP.sub(" ", text)):
        replies.append(Reply(MARKUP_ONLY))
        return _reask(state, replies)
    # ------------------------------- a red flag told by pointing back at one named before
    named = [e for e in turn.entities if e.get("entity") == "red_flag"]
    if not named and state.mentioned and refers_back(text, just_named=state.mentioned_just):
        # "ugh the same pain again, worse this time" after chest pain last sunday: told now
        turn.entities.append({"entity": "red_flag", "value": state.mentioned})
    # what a later message may point back at: a red flag named and not denied
    kept = [e.get("value") for e in named if e.get("role") != "absent"]
    state.mentioned = kept[-1] if kept else (None if named else state.mentioned)
    state.mentioned_just = bool(kept)
    # ----------------------------------------------- record what was said
    # where the person says they are: that country's numbers from now on (reference section 2)
    if turn.first("locale") in ("uk", "eu", "us"):
        state.locale = turn.first("locale")
    before = facts.to_dict()
    elsewhere = _about_someone_else(facts, turn)
    if elsewhere:
        replies.append(Reply(SOMEONE_ELSE))
    noted = _record_entities(facts, turn, state.pending, elsewhere)
    if not elsewhere and turn.first("wellbeing") == "no_symptoms" and not facts.codes(Kind.SYMPTOM) and "SX_OPEN" not in state.asked:
        state.asked.append("SX_OPEN")  # "i feel completely fine, no symptoms": nothing to tell
    foreign = any(e.get("entity") == "language" and e.get("value") == "other" for e in turn.entities)
    escalation = None
    if state.pending and state.pending.startswith(ESCALATE) and not foreign:
        escalation = _escalation_answer(state, turn)
    # another language is not read as an answer ("no lo sé" is not a "no")
    answered = False if foreign else (escalation is not None or _apply_answer(state, turn))
    if answered:  # a doubt the answer itself settled ("not now. used to get chest pains") is not noted
        settled = {f"not sure about {load_knowledge().concept(c).label}" for c, v in facts.status.items() if v == Status.ABSENT}
        noted = [n for n in noted if n not in settled]

    _possible_red_flags(state, before)

    # --------------------------------------------- red flags, every message
    flagged = _red_flag_result(state)
    if flagged is not None:
        return Outcome(state, replies + flagged.replies, flagged.decision)
    if escalation == "deny":
        return Outcome(state, replies + [Reply(_fmt(AFTER_RED_FLAG_CRISIS if _crisis_first(state) else ESCALATE_NO, state.locale))])

    changed = facts.to_dict() != before

    if state.stage == "done" and state.pending == MORE and not changed:
        offer = _offer_answer(turn)
        if offer == "affirm":
            state.stage, state.complete, state.pending = "interview", True, None
            return _continue(state, replies)
        if offer == "deny":
            state.pending = None
            return Outcome(state, replies + [Reply(MORE_DECLINED + " " + DONE_PROMPT)])

    if foreign:
        replies.append(Reply(_fmt(FOREIGN, state.locale)))
        return _reask(state, replies)

    # ------------------------------------------------------------ intents
    if intent == "ask_question":
        answer = _answer_question(turn, state.locale)
        replies.extend(answer)
        # a question about B12 that got its answer is a turn well used, not a miss of the pending one
        return _after_side_reply(state, replies, changed, answered_topic=answer[0].text != NO_TOPIC)
    if intent == "why_ask":
        q = BY_ID.get(state.pending or "")
        replies.append(Reply(q.why if q else WHY_GENERIC))
        return _reask(state, replies)
    if intent == "goodbye" and state.stage == "interview" and not changed and not answered:
        if state.stop_asked:
            # a second goodbye in the same interview: they mean it (asked once already)
            replies.append(Reply(STOPPED_EARLY))
            return _continue(state, replies, force_result=True, offer_more=False)
        # leaving mid-interview: the suggestion so far is offered, never lost
        state.stop_asked = True
        return _ask_to_confirm(state, ASK_STOP, STOP_CONFIRM, replies)
    if intent in ("bot_challenge", "help", "out_of_scope", "thanks", "goodbye") and not changed and not answered:
        replies.append(Reply(_fmt({
            "bot_challenge": BOT,
            "help": HELP,
            "out_of_scope": OUT_OF_SCOPE,
            "thanks": THANKS,
            "goodbye": GOODBYE,
        }[intent], state.locale)))
        if intent == "goodbye" and state.stage == "done":
            return Outcome(state, replies)
        return _after_side_reply(state, replies, changed)

    # ------------------------------------------------- after the result
    if state.stage == "done":
        return _after_result(state, replies, changed)

    # -------------------------------------------------- first message
    if state.stage == "start":
        state.stage = "interview"
        if noted:
            replies.append(Reply(INTRO_SHORT))
        else:
            replies.append(Reply(_fmt(INTRO, state.locale)))

    if state.missed_notes:
        replies.append(Reply("From your earlier messages I've noted: " + "; ".join(state.missed_notes) + "."))
        state.missed_notes = []
    if noted:
        replies.append(Reply("Noted: " + "; ".join(noted) + "."))

    # A "yes" to the safety screen is never lost (reference section 5): until a warning sign is
    # named, its follow-up is asked once more with the options, then the advice for the whole list.
    # an answer we could not place: say so and ask again with the options; the
    # third time, "not sure" and move on (_ask counts every time a question comes back)
    if state.pending in BY_ID and not answered and (not changed or state.pending == "RF_WHICH") and not facts.red_flags():
        q = BY_ID[state.pending]
        if state.reasks < _reask_limit(q):
            replies.append(Reply(NOT_UNDERSTOOD + " " + _hint(q)))
        return _ask(state, q, replies, count=False)
    return _continue(state, replies)


def _possible_red_flags(state: State, before: Dict[str, Any]) -> None:
    """Findings told apart that together may be a red flag (knowledge ``possible_red_flags``):
    when this message completes them, the red flag gets its one direct question (its CONFIRM_
    question asks a code that is "not sure"), even over a blanket "no" to the screen given
    before they were known, and again after a "no" to it given before this message completed them
    ("numbness down my right arm and leg", "no", later "it came on all of a sudden yesterday");
    only when this message completes them, so never twice for the same findings."""
    facts, was = state.facts, Facts.from_dict(before)

    def together(f: Facts, rule: Dict[str, Any]) -> bool:
        return (all(f.has(c) for c in rule["all"]) and (not rule["any"] or any(f.has(c) for c in rule["any"]))
                and all(rule[m] in (None, getattr(f, m)) for m in ("progression", "onset", "side")))

    for code, rule in load_knowledge().possible_red_flags.items():
        if together(facts, rule) and not together(was, rule) and not facts.has(code):
            if facts.duration in rule["certain_within"]:
                # every part told, and it began within the time that makes it acute ("numbness
                # down my right arm and leg" ... "it started yesterday, all of a sudden"): the
                # red flag itself, as when told in one sentence
                facts.set(code, Status.PRESENT)
                continue
            facts.set(code, Status.UNSURE)
            if f"CONFIRM_{code}" in state.asked:
                state.asked.remove(f"CONFIRM_{code}")


def _restart(state: State, replies: List[Reply]) -> Outcome:
    state = State(locale=state.locale)
    replies.append(Reply(RESTARTED))
    return _continue(state, replies)


def _ask_to_confirm(state: State, kind: str, text: str, replies: List[Reply]) -> Outcome:
    state.paused, state.pending = state.pending, kind
    buttons = RESTART_BUTTONS if kind == ASK_RESTART else STOP_BUTTONS
    return Outcome(state, replies + [Reply(text, buttons=[dict(b) for b in buttons], role="question", question=kind)])


def _offer_answer(turn: Turn) -> Optional[str]:
    """Yes or no to the offer of more questions, in any wording ("sure, go on", "no thanks")."""
    answer = read_answer(turn.text or "") or (turn.intent if turn.intent in ("affirm", "deny") else None)
    if answer is None and turn.intent == "thanks" and re.match(r"\s*no\b", turn.text or "", re.I):
        answer = "deny"
    return answer if answer in ("affirm", "deny") else None


def absorb(state: State, turn: Turn) -> Outcome:
    """A message missed earlier (the action server was down): keep its facts only.

    Its yes/no cannot be applied, as the person never saw a question for it;
    a red flag in it is still acted on at once.
    """
    noted = _record_entities(state.facts, turn)
    if noted:
        state.missed_notes.extend(noted)
    return _red_flag_result(state) or Outcome(state, [])


# ------------------------------------------------------------------ helpers


def _about_someone_else(facts: Facts, turn: Turn) -> bool:
    """Mid-interview, a message told about another person ("my sister just texted, she's
    had tingly hands for months"): the person has already answered about themself, and
    the message does not say outright that the check is for someone else ("it's for my
    husband")."""
    subject = next((e for e in turn.entities if e.get("entity") == "subject"), None)
    if subject is None or subject.get("value") != "other" or subject.get("said") or facts.subject == "other":
        return False
    return any(facts.known(c) for c in facts.status if c.startswith("SX_"))


def _role(e: dict, facts: Facts) -> Optional[str]:
    """An entity's status as the reader gave it; a red flag the reader doubted only because it
    is another person's ("he's been keeping his sleeping tablets back") is present when the
    check is for that other person."""
    role = e.get("role")
    if role == "unsure" and facts.subject == "other" and "theirs" in (e.get("context") or ()):
        return None
    return role


def _record_entities(facts: Facts, turn: Turn, pending: Optional[str] = None, elsewhere: bool = False) -> List[str]:
    """Apply the entities of the message to the facts; return what was newly noted.
    ``elsewhere``: the message is about someone else; only a red flag (and what makes one
    more urgent) counts: a possible emergency is never dropped, whoever it is about."""
    kb = load_knowledge()
    noted: List[str] = []
    for e in turn.entities:
        name, value = e.get("entity"), e.get("value")
        if elsewhere and not (name in CODE_ENTITIES and isinstance(value, str) and value in kb.concepts
                              and kb.concept(value).kind in (Kind.RED_FLAG, Kind.QUALIFIER)):
            continue
        if name in CODE_ENTITIES and isinstance(value, str) and value in kb.concepts:
            if value in NOT_FACTS:
                continue
            status = {"absent": Status.ABSENT, "unsure": Status.UNSURE}.get(_role(e, facts), Status.PRESENT)
            if status == Status.UNSURE and facts.has(value):
                # said again with a hedge ("my toes go numb, does that count?"): a doubt about
                # what it means, not a retraction; only a "no" takes a finding back
                continue
            if facts.set(value, status) and kb.concept(value).kind != Kind.QUALIFIER:
                if value == "RK_AGE_OLDER" and any(x.get("entity") == "age" for x in turn.entities):
                    continue
                prefix = {Status.PRESENT: "", Status.ABSENT: "no ", Status.UNSURE: "not sure about "}[status]
                noted.append(prefix + kb.concept(value).label)
    if elsewhere:  # their age, how long, for whom: not the person's
        return noted
    age = turn.first("age")
    if age is not None:
        try:
            age_int = int(age)
        except (TypeError, ValueError):
            age_int = None
        if age_int is not None and 0 < age_int <= 120 and facts.age != age_int:
            facts.set_age(age_int)
            noted.append(f"age {age_int}")
    band = turn.first("age_band")
    if band in ("under_16", "adult", "older") and facts.age is None and facts.age_band != band:
        facts.set_age_band(band)
        noted.append({"under_16": "under 16", "adult": "aged 16 to 64", "older": "aged 65 or over"}[band])
    # "12 weeks" in "yes, 12 weeks (pregnant)" is not how long symptoms have lasted: a
    # duration or course counts when the message names a symptom, or answers that
    # question, or tells how the trouble began: "it started yesterday, not a year ago. came on
    # all of a sudden" (a sudden onset is the symptoms', whatever question is pending)
    about_symptoms = (pending in ("DURATION", "PROGRESSION", None) or any(e.get("entity") == "symptom" for e in turn.entities)
                      or turn.first("onset") is not None)
    for name in ("duration", "progression", "onset", "side"):
        value = turn.first(name)
        if value and not about_symptoms and not turn.text.startswith("/"):
            continue
        if name == "duration" and pending != "DURATION" and any(
                e.get("entity") == "duration" and e.get("vague") for e in turn.entities):
            continue  # "tingly hands for a while": how long is still asked (the answer may be as loose)
        if value and getattr(facts, name) != value:
            setattr(facts, name, value)
            if name in ("duration", "progression"):
                noted.append(_modifier_words(name, value))
    if turn.first("subject") == "other" and facts.subject != "other":
        facts.subject = "other"
        noted.append("you are asking for someone else")
    return noted


def _modifier_words(name: str, value: str) -> str:
    if name == "duration":
        return f"symptoms for {value}" if value != UNKNOWN else "duration not sure"
    return {
        "rapid": "getting worse quickly",
        "slow": "slowly getting worse",
        "stable": "about the same",
        UNKNOWN: "course not sure",
    }.get(value, value)


def _apply_answer(state: State, turn: Turn) -> bool:
    """Interpret the message as the answer to the pending question."""
    q = BY_ID.get(state.pending or "")
    if q is None:
        return False
    facts = state.facts
    intent = turn.intent
    asked = AskedView(tuple(state.asked))
    if q.is_answered(facts, asked) and q.id not in state.asked:
        state.asked.append(q.id)
        return True

    if q.kind == "yesno":
        # what the message tells about the asked sign answers before its first word does:
        # "no i don't think so... well he messed himself" to "loss of bowel control?" is not a no
        about = [e for e in turn.entities if e.get("entity") in CODE_ENTITIES and e.get("value") in q.codes]
        # "he" is the person asked about when the check is for someone else
        not_theirs = NOT_THEIRS_NOW - ({"other"} if facts.subject == "other" else set())
        if q.follow_up_on_yes and about and _leading_answer(turn.text, options=len(q.codes), codes=q.codes) == "affirm":
            # "yeah my chest is kinda squeezing" to the screen: the yes confirms the sign it names,
            # as the direct question would (not one named as past, someone else's or asked about)
            for e in about:
                if _role(e, facts) == "unsure" and not set(e.get("context") or ()) & not_theirs:
                    facts.set(e["value"], Status.PRESENT)
            about = [dict(e, role=None) if facts.has(e["value"]) else e for e in about]
        told = {_role(e, facts) or "present" for e in about}
        content = "affirm" if "present" in told else "dont_know" if "unsure" in told else None
        if content == "dont_know" and all(set(e.get("context") or ()) & not_theirs for e in about) \
                and leads_with_no(turn.text or ""):
            # "no, i asked her about dark thoughts and she said no": the sign is named only as
            # asked about, another person's, past or hypothetical; the "no" answers it too
            content = "deny"
            for e in about:
                facts.set(e["value"], Status.ABSENT)
        intent = content or _leading_answer(turn.text, symptom_question=all(c.startswith("SX_") for c in q.codes),
                                            options=len(q.codes), codes=q.codes) or intent
        if intent in ANSWER_INTENTS:
            if intent in ("affirm", "dont_know") and q.follow_up_on_yes and not any(facts.has(c) for c in q.codes):
                # "yes the breathing one": the yes names its option
                named = _named_option(turn.text, BY_ID[q.follow_up_on_yes])
                if named:
                    # "yes the breathing one", "maybe the thoughts one" name it (not sure counts as yes);
                    # a "no" taken back ("no. well my leg feels odd") points at it: one direct question
                    taken_back = leads_with_no(turn.text or "")
                    # "would slurred speech count?" names it as a question: one direct question
                    asked_back = any(e.get("value") == named and e.get("role") == "unsure" for e in about)
                    facts.set(named, Status.UNSURE if taken_back or asked_back else Status.PRESENT)
                    state.asked.append(q.id)
                    return True
            if intent == "affirm" and q.follow_up_on_yes:
                if q.follow_up_on_yes == "RF_WHICH":
                    state.screen = "yes"
                state.asked.append(q.id)
                if not any(facts.has(c) for c in q.codes):
                    state.queued = q.follow_up_on_yes
                return True
            status = {"affirm": Status.PRESENT, "deny": Status.ABSENT, "dont_know": Status.UNSURE}[intent]
            if intent == "dont_know" and q.unsure_is_yes:
                status = Status.PRESENT
            if intent == "dont_know" and q.follow_up_on_yes == "RF_WHICH":
                state.screen = "unsure"
                state.asked.append(q.id)
                state.queued = "RF_WHICH"
                return True
            for code in q.codes:
                if not facts.known(code) or len(q.codes) == 1:
                    facts.set(code, status)
            state.asked.append(q.id)
            return True
        return False

    if q.kind in ("choice", "open"):
        if any(facts.known(c) for c in q.codes) and any(e.get("entity") in CODE_ENTITIES for e in turn.entities):
            state.asked.append(q.id)
            return True
        named = _named_option(turn.text, q) if q.kind == "choice" else None
        if named and not facts.has(named):  # "the breathing one"
            facts.set(named, Status.PRESENT)
            state.asked.append(q.id)
            return True
        if q.kind == "open" and facts.symptoms():
            state.asked.append(q.id)
            return True
        if intent not in ANSWER_INTENTS and not turn.text.startswith("/"):
            # "nothing, it's just the toes": "none of these" in the person's words; "none, he's
            # bouncing off the walls" to the open symptom question: nothing to tell
            intent = _leading_answer(turn.text, options=len(q.codes)) or intent
        if q.id == "RF_WHICH" and (intent == "dont_know" or state.screen != "unsure"):
            # the screen's "yes" stands: unclear, asked once more, then the whole list;
            # after a "not sure" (or a "no" taken back) at the screen, "none of these" is a no
            return False
        if intent in ("deny", "dont_know"):
            # "none of these" / "not sure": every option not stated otherwise
            status = Status.ABSENT if intent == "deny" else Status.UNSURE
            for code in q.codes:
                if not facts.known(code):
                    facts.set(code, status)
            state.asked.append(q.id)
            return True
        return False

    if q.kind in ("duration", "progression"):
        attr = q.kind
        if getattr(facts, attr) is not None:
            state.asked.append(q.id)
            return True
        if intent == "dont_know":
            setattr(facts, attr, UNKNOWN)
            state.asked.append(q.id)
            return True
        if q.kind == "duration" and turn.first("onset") is not None:
            # "it came on all of a sudden": how it began answers the question (its how-long
            # part is left unknown rather than asked again)
            facts.duration = UNKNOWN
            state.asked.append(q.id)
            return True
        unit = _BARE_DURATION.search(turn.text or "") if q.kind == "duration" else None
        if unit:  # a bare "months" or "for years"
            facts.duration = unit.group(1).lower() + "s"
            state.asked.append(q.id)
            return True
        if q.kind == "progression" and intent == "deny":
            facts.progression = "stable"
            state.asked.append(q.id)
            return True
        if q.kind == "progression" and (intent == "affirm" or turn.first("onset") == "gradual"):
            # asked whether it is getting worse, "yes" or "gradually" is slowly worse
            facts.progression = "slow"
            state.asked.append(q.id)
            return True
        return False

    if q.kind == "age":
        if facts.age is not None or facts.age_band is not None:
            state.asked.append(q.id)
            return True
        age = age_answer(turn.text or "")  # the age question's answer: its first number, in digits or words
        if age is not None:
            facts.set_age(age)
            state.asked.append(q.id)
            return True
        if intent in ("dont_know", "deny"):
            state.asked.append(q.id)
            return True
        return False
    return False


_BARE_DURATION = re.compile(r"^\W*(?:for |about |around |a few |few |several |many |some |couple of )?(day|week|month|year)s?\b", re.I)
def _named_option(text: str, q: Question) -> Optional[str]:
    """The option of a choice question a free answer names by its words."""
    options = {}
    for b in q.buttons:
        payload = b.get("payload", "")
        if "{" in payload:
            options[payload.split('"')[3]] = b["title"]
    return read_choice(text or "", options) if options else None


def _leading_answer(text: str, symptom_question: bool = False, options: int = 1, codes: Tuple[str, ...] = ()) -> Optional[str]:
    """The message read as an answer to the pending yes/no question about ``codes`` (reader/answers.py)."""
    return read_answer(text, options=options, symptom=symptom_question, codes=codes)


def _mark_unsure(state: State, q: Question) -> None:
    for code in q.codes:
        if not state.facts.known(code):
            state.facts.set(code, Status.UNSURE)
    if q.kind in ("duration", "progression") and getattr(state.facts, q.kind) is None:
        setattr(state.facts, q.kind, UNKNOWN)
    state.asked.append(q.id)
    state.reasks = 0


def _hint(q: Question) -> str:
    if q.kind == "yesno":
        return UNDERSTOOD_NONE
    if q.kind == "age":
        return "Please type the age as a number, or pick a range."
    return "You can pick one of the options, or answer in your own words."


def _answer_question(turn: Turn, locale: Optional[str] = None) -> List[Reply]:
    kb = load_knowledge()
    topics = [t for t in turn.values("topic") if kb.topic(t)]
    if not topics:
        return [Reply(NO_TOPIC)]
    # "b12" is in almost every question: the general topic only wins when nothing else matched
    specific = [t for t in topics if t != GENERAL_TOPIC]
    topic = kb.topic(specific[0] if specific else topics[0])
    return [Reply(_fmt(topic.answer, locale))]


def _after_side_reply(state: State, replies: List[Reply], changed: bool, answered_topic: bool = False) -> Outcome:
    """After an information answer or small talk, return to where we were."""
    if state.stage == "done":
        return _after_result(state, replies, changed)
    if state.stage == "start":
        return Outcome(state, replies + [Reply(WHEN_READY)])
    # a question about B12 that got its answer does not use up the pending question
    return _continue(state, replies, resume=True, miss=not answered_topic)


def _after_result(state: State, replies: List[Reply], changed: bool) -> Outcome:
    """A message after the result: keep pointing to red-flag advice, or update the result."""
    if state.red_flags_advised:
        # every message after the warning-sign advice repeats the number: it may be the one read;
        replies.append(Reply(_fmt(AFTER_RED_FLAG_CRISIS if _crisis_first(state) else AFTER_RED_FLAG, state.locale)))
        return Outcome(state, replies)
    if changed:
        replies.append(Reply(UPDATED))
        return _continue(state, replies, force_result=True)
    replies.append(Reply(DONE_PROMPT))
    return Outcome(state, replies)


def _red_flag_result(state: State) -> Optional[Outcome]:
    """D1/D2 for a red flag not advised on yet: checked on every message."""
    decision = red_flag_decision(state.facts)
    new_flags = [c for c in state.facts.red_flags() if c not in state.red_flags_advised]
    # a red flag already advised on whose level rose ("...and now he can't swallow"):
    # the more urgent advice is given, never left behind the earlier one
    advised = state.result_level if state.result_row in RED_FLAG_ROWS else None
    escalated = bool(decision and advised and decision.level.more_urgent_than(Level(advised)))
    if not (decision and (new_flags or escalated)):
        return None
    possible = _possible_emergency(state) if decision.level != Level.EMERGENCY else None
    if possible is not None:
        # a possible emergency told with an urgent red flag ("my toe has gone purple ... and my
        # chest feels funny"): its one direct question first, the result with its answer; given
        # first, the result left the chest only "not sure"
        return _ask(state, possible, [])
    state.red_flags_advised = sorted(set(state.red_flags_advised) | set(state.facts.red_flags()))
    _conclude(state, decision)
    replies = _result(decision, state)
    question = _escalation_question(state, decision)
    if question is not None:
        replies.append(question)
    return Outcome(state, replies, decision)


def _possible_emergency(state: State) -> Optional[Question]:
    """The direct question of a possible red flag at the emergency level not asked yet."""
    kb = load_knowledge()
    for code, status in state.facts.status.items():
        q = BY_ID.get(f"CONFIRM_{code}")
        if status == Status.UNSURE and q is not None and q.id not in state.asked and state.pending != q.id \
                and kb.concept(code).level == Level.EMERGENCY:
            return q
    return None


def _crisis_first(state: State) -> bool:
    """After advice for suicidal thoughts below the emergency, the crisis line comes first on every message."""
    return "RF_SUICIDAL" in state.red_flags_advised and decide(state.facts).level != "emergency"


def _escalation_question(state: State, decision: Decision) -> Optional[Reply]:
    """After advice below emergency for a red flag whose level a qualifier raises
    (knowledge ``escalations``): one direct question about it, once."""
    if decision.level == Level.EMERGENCY:
        return None
    kb = load_knowledge()
    for flag in state.facts.red_flags():
        ql = kb.escalations.get(flag)
        if ql is None or state.facts.known(ql) or ESCALATE + ql in state.asked:
            continue
        state.pending = ESCALATE + ql
        state.asked.append(ESCALATE + ql)
        return Reply(escalation_text(ql, state.facts), buttons=[dict(b) for b in YES_NO_UNSURE])
    return None


def _escalation_answer(state: State, turn: Turn) -> Optional[str]:
    """The answer to a pending escalation question: its qualifier recorded ("not sure"
    counts as yes, for safety); None when the message does not answer it."""
    ql = state.pending[len(ESCALATE):]
    state.pending = None
    if state.facts.known(ql):  # the message told it in its own words ("he can't swallow")
        return "told"
    said = read_answer(turn.text or "") or (turn.intent if turn.intent in ANSWER_INTENTS else None)
    if ql == "QL_SELF_HARM_ACTED" and says_no_intent(turn.text or ""):
        said = "deny"  # "yeah like not be alive. i wouldnt do anything though"
    if said in ("affirm", "dont_know"):
        state.facts.set(ql, Status.PRESENT)
    elif said == "deny":
        state.facts.set(ql, Status.ABSENT)
    return said


def _screen_unresolved(state: State, replies: List[Reply]) -> Outcome:
    """Emergency advice for the whole red-flag list: a screen "yes" whose sign stayed unnamed."""
    d1 = next(row for row in DECISION_TABLE if row.id == "D1")
    decision = Decision(d1, [SCREEN_UNNAMED])
    _conclude(state, decision)
    return Outcome(state, replies + _result(decision, state), decision)


def _result(decision: Decision, state: State) -> List[Reply]:
    """The result's messages, marked as such (the Rasa adapter gives them from the result actions)."""
    replies = result_replies(decision, state.facts, contacts(state.locale))
    for r in replies:
        r.role = "result"
    return replies


def _conclude(state: State, decision: Decision) -> None:
    state.stage = "done"
    state.pending = None
    state.result_level = decision.level.value
    state.result_row = decision.row.id


def _reask(state: State, replies: List[Reply]) -> Outcome:
    q = BY_ID.get(state.pending or "")
    if q is not None and state.stage == "interview" and q.id in state.asked:
        return _continue(state, replies)  # answered after all (by what else the message said)
    if q is not None and state.stage == "interview":
        return _ask(state, q, replies, count=False)
    if state.stage == "done":
        return Outcome(state, replies)
    return Outcome(state, replies)


RESUME_PREFIX = "Back to my question: "


def question_text(q: Question, facts: Facts, resume: bool = False) -> str:
    """The wording of ``q`` as the person sees it (the domain's ``utter_ask_*`` responses are built from this)."""
    return (RESUME_PREFIX if resume else "") + q.text(facts)


def _reask_limit(q: Question) -> int:
    # the screen's follow-up once (then the advice for the whole list), any other question twice
    return 1 if q.id == "RF_WHICH" else MAX_REASKS


def _give_up(state: State, q: Question, replies: List[Reply]) -> Outcome:
    """A question that came back without an answer too often: "not sure", said so, moved on.

    The same rule for every question, whatever kept it from being answered
    (words not understood, side questions, small talk, other facts); what "not
    sure" means is the question's own safe default."""
    state.pending, state.reasks = None, 0
    if q.id == "RF_WHICH":  # a "yes" or "not sure" at the screen whose sign stays unnamed
        return _screen_unresolved(state, replies)
    if q.follow_up_on_yes == "RF_WHICH":  # the screen itself: not sure, so its list
        state.asked.append(q.id)
        state.screen, state.queued = "unsure", "RF_WHICH"
        replies.append(Reply(SCREEN_GIVE_UP))
        return _continue(state, replies)
    _mark_unsure(state, q)
    state.gave_up += 1
    kb = load_knowledge()
    red_flag_question = bool(q.codes) and all(kb.concept(c).kind == Kind.RED_FLAG for c in q.codes)
    if q.unsure_is_yes or red_flag_question:
        # a possible red flag: not sure counts as yes (reference section 5)
        for code in q.codes:
            state.facts.set(code, Status.PRESENT)
        flagged = _red_flag_result(state)
        if flagged is not None:
            return Outcome(state, replies + flagged.replies, flagged.decision)
    if state.gave_up >= GIVE_UPS_BEFORE_RESULT and state.stage == "interview":
        # several questions went unanswered: the result from what is known, not more questions
        replies.append(Reply(STOP_ASKING))
        return _continue(state, replies, force_result=True)
    replies.append(Reply(MOVE_ON))
    return _continue(state, replies)


def _ask(state: State, q: Question, replies: List[Reply], count: bool = True, resume: bool = False, miss: bool = True) -> Outcome:
    """Put ``q``; the same question again counts as a miss (``miss``), the third one gives up."""
    if state.pending != q.id:
        state.reasks = 0
    elif miss and state.stage == "interview":
        if state.reasks >= _reask_limit(q):
            return _give_up(state, q, replies)
        state.reasks += 1
    state.pending = q.id
    if count:
        state.questions_asked += 1
    replies.append(Reply(question_text(q, state.facts, resume), buttons=[dict(b) for b in q.buttons],
                         role="question", question=q.id, resume=resume))
    return Outcome(state, replies)


def _continue(state: State, replies: List[Reply], force_result: bool = False, resume: bool = False,
              miss: bool = True, offer_more: bool = True) -> Outcome:
    facts = state.facts
    if state.stage == "start":
        state.stage = "interview"
        if not replies or replies[-1].text == RESTARTED:
            replies.append(Reply(_fmt(INTRO, state.locale)))
    if state.queued and not force_result:
        follow_up, state.queued = BY_ID[state.queued], None
        return _ask(state, follow_up, replies)
    q = None if force_result else next_question(facts, AskedView(tuple(state.asked)), complete=state.complete)
    if q is not None and (state.pending == q.id and resume):
        return _ask(state, q, replies, count=False, resume=True, miss=miss)
    if q is not None:
        return _ask(state, q, replies, count=state.pending != q.id)
    decision = decide(facts)
    finished_extra = state.complete and state.stage == "interview"
    _conclude(state, decision)
    if finished_extra:
        replies.append(Reply(MORE_DONE))
    replies.extend(_result(decision, state))
    if offer_more and not state.complete and optional_questions(facts, AskedView(tuple(state.asked))):
        state.pending = MORE
        replies.append(Reply(MORE_OFFER, buttons=[dict(b) for b in MORE_BUTTONS]))
    else:
        replies.append(Reply(DONE_PROMPT))
    return Outcome(state, replies, decision)


def all_static_texts() -> List[str]:
    """Every fixed text and button title of knowledge/texts.yml (the safety wording tests read them all)."""
    return list(_SAY.values()) + [t for titles in _BUTTONS.values() for t in titles.values()]


def public_slots(state: State) -> Dict[str, Any]:
    """The slot contract of the issue: present codes and the latest level."""
    f = state.facts
    return {
        "symptoms": f.symptoms(),
        "risk_factors": f.risk_factors() + f.modifiers(),
        "red_flags": f.red_flags(),
        "triage_level": state.result_level,
    }


__all__ = ["State", "Turn", "Outcome", "step", "absorb", "public_slots"]
