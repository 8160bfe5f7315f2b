"""Rasa SDK actions: the adapters between Rasa's dialogue and ``engine.conversation``.

The dialogue is Rasa's (domain.yml, data/rules, data/stories):

- ``interview_form`` asks the interview's questions (the ``utter_ask_q_*``
  responses). Its validation action, :class:`ValidateInterviewForm`, reads each
  answer with the engine and returns the next question as ``requested_slot``
  (dynamic required slots: only a question that can still change the advice),
  or ends the form when there is none;
- side questions, "why do you ask", small talk and "start over" interrupt the
  form by rule (the validation rejects them) and come back to it;
- outside the form every message goes to a turn action by intent;
- the result and the emergency advice are actions of their own
  (:class:`GiveResult`, :class:`EmergencyAdvice`), chosen by rule from the
  ``next`` slot that every turn sets: ``ask`` | ``result`` | ``emergency`` | ``none``.

Whatever the action, a user message is read once, by the first action that
sees it (``last_user_ts`` in the state slot), with the whole engine: an answer
sent to the small-talk action by a mislabelled intent is still the answer to
the pending question, and a red flag is caught wherever it is said. Messages
that arrived while the action server was down are replayed on the next turn,
so nothing the person said is lost.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from engine.conversation import ASK_RESTART, ASK_STOP, Outcome, State, Turn, absorb, public_slots, step
from engine.guidance import Reply
from engine.questions import BY_ID
from engine.rules import RED_FLAG_ROWS

logger = logging.getLogger(__name__)

STATE_SLOT = "interview"
FORM = "interview_form"
REQUESTED = "requested_slot"
# intents that interrupt the form by rule (the form's ignored_intents in domain.yml)
INTERRUPTIONS = frozenset({"ask_question", "why_ask", "bot_challenge", "help", "out_of_scope", "thanks", "goodbye", "start_over"})
APOLOGY = (
    "Sorry, something went wrong on my side. Your answers so far are saved; please send your last message again. "
    "If you have any warning signs such as chest pain, face drooping or trouble breathing, call the emergency number now."
)


def _turn_from_parse(text: Optional[str], parse: Dict[str, Any]) -> Turn:
    intent = parse.get("intent") or {}
    return Turn(
        text=text or parse.get("text") or "",
        intent=intent.get("name"),
        confidence=float(intent.get("confidence") or 0.0),
        entities=list(parse.get("entities") or []),
    )


def unprocessed_user_turns(tracker: Tracker, after: float) -> List[Turn]:
    """User messages newer than ``after`` (a timestamp), oldest first."""
    turns = []
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        if float(event.get("timestamp") or 0) <= after:
            continue
        turns.append(_turn_from_parse(event.get("text"), event.get("parse_data") or {}))
    return turns


def _latest_timestamp(tracker: Tracker) -> float:
    stamps = [float(e.get("timestamp") or 0) for e in tracker.events if e.get("event") == "user"]
    return max(stamps) if stamps else 0.0


def slot_name(question_id: str) -> Text:
    """The form's slot for a question (``scripts/build_domain.py`` writes them into domain.yml)."""
    return "q_" + question_id.lower()


def _reply_dict(r: Reply) -> Dict[str, Any]:
    return {"text": r.text, "buttons": r.buttons or [], "custom": r.custom}


def _send(dispatcher: CollectingDispatcher, replies: List[Any]) -> None:
    for r in replies:
        r = _reply_dict(r) if isinstance(r, Reply) else r
        if r.get("custom") is not None:
            dispatcher.utter_message(json_message=r["custom"])
        else:
            dispatcher.utter_message(text=r.get("text"), buttons=r.get("buttons") or None)


def _asks_in_form(state: State) -> bool:
    return state.stage == "interview" and (state.pending in BY_ID or state.pending in (ASK_RESTART, ASK_STOP))


def _voice(state: State, resume: bool) -> Text:
    other = state.facts.subject == "other"
    return {(False, False): "self", (True, False): "other", (False, True): "resume", (True, True): "other_resume"}[(other, resume)]


class _Reads:
    """Reads the messages not yet read, with the engine, and says what comes next."""

    def read(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
        """Events for the turn; ``None`` when something failed (the apology was sent)."""
        raw = tracker.get_slot(STATE_SLOT) or {}
        try:
            state = State.from_dict(raw)
            after = float(raw.get("last_user_ts") or 0.0)
            turns = unprocessed_user_turns(tracker, after)
            if not turns:  # read already (by the action before this one in the same turn)
                return self._what_next(tracker, state, [])
            metadata = (tracker.latest_message or {}).get("metadata") or {}
            if metadata.get("locale") and not state.locale:
                state.locale = str(metadata["locale"]).lower()
            turns[-1] = _turn_from_parse(tracker.latest_message.get("text"), tracker.latest_message)
            replies: List[Reply] = []
            emergency = False
            outcome: Optional[Outcome] = None
            for i, turn in enumerate(turns):
                last = i == len(turns) - 1
                # messages missed while this server was down only add their facts;
                # a red flag among them is still answered at once
                outcome = step(state, turn) if last else absorb(state, turn)
                state = outcome.state
                replies.extend(outcome.replies)
                if outcome.decision is not None and outcome.decision.row.id in RED_FLAG_ROWS:
                    emergency = True
        except Exception:  # a bug must not end the conversation
            # the traceback is reduced to exception types by channels/log_privacy.py; the id is hashed
            logger.exception("triage turn failed", extra={"sender_id": tracker.sender_id})
            dispatcher.utter_message(text=APOLOGY)
            return None
        # the messages before the result go now; the question is asked by the form from
        # the domain's responses; the result waits for its own action
        tail = next((i for i, r in enumerate(replies) if r.role == "result"), len(replies))
        question = next((r for r in replies[:tail] if r.role == "question"), None)
        _send(dispatcher, [r for r in replies[:tail] if r.role != "question"])
        outbox = {"kind": "emergency" if emergency else "result", "replies": [_reply_dict(r) for r in replies[tail:]]} if tail < len(replies) else None
        stored = state.to_dict()
        stored["last_user_ts"] = _latest_timestamp(tracker)
        events = [SlotSet(STATE_SLOT, stored)]
        # only slots whose value changed: every event is stored and re-read each turn
        events += [SlotSet(k, v) for k, v in public_slots(state).items() if tracker.get_slot(k) != v]
        if outbox is not None or tracker.get_slot("outbox") is not None:
            events.append(SlotSet("outbox", outbox))
        if question is not None and tracker.get_slot("voice") != _voice(state, question.resume):
            events.append(SlotSet("voice", _voice(state, question.resume)))
        return events + self._what_next(tracker, state, events, outbox)

    def _what_next(self, tracker: Tracker, state: State, events: List[Dict[Text, Any]],
                   outbox: Optional[Dict[str, Any]] = None) -> List[Dict[Text, Any]]:
        if outbox is None and not any(e.get("name") == "outbox" for e in events):
            outbox = tracker.get_slot("outbox")
        if outbox:
            nxt = outbox.get("kind") or "result"
        elif _asks_in_form(state):
            nxt = "ask"
        else:
            nxt = "none"
        # only a change is written: every event is stored and replayed on later turns
        return [] if tracker.get_slot("next") == nxt else [SlotSet("next", nxt)]


class TriageTurn(Action, _Reads):
    """A statement or an answer outside the form: record it, check red flags, start or go on with the interview."""

    def name(self) -> Text:
        return "action_triage_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return self.read(dispatcher, tracker) or []


class AnswerQuestion(TriageTurn):
    """An information question, answered from the seed articles, then back to the check."""

    def name(self) -> Text:
        return "action_answer_question"


class ExplainQuestion(TriageTurn):
    """'Why do you ask?': the reason for the pending question, then the question again."""

    def name(self) -> Text:
        return "action_explain_question"


class RestartCheck(TriageTurn):
    """Start over: asked first mid-interview, then the answers are cleared and the check begins again."""

    def name(self) -> Text:
        return "action_restart_check"


class SmallTalk(TriageTurn):
    """Greetings, thanks, 'are you a bot?', off-topic, goodbye: a short reply, then back to the check."""

    def name(self) -> Text:
        return "action_small_talk"


class ValidateInterviewForm(Action, _Reads):
    """The form's validation: the answer read in context, the next question as ``requested_slot``.

    Rasa calls it after every message while the form is active, and again when
    the form comes back after an interruption (with nothing new to read). It
    rejects an interrupting intent (returns no event: Rasa then follows the
    rule for it, whose action reads the message, and comes back here)."""

    def name(self) -> Text:
        return "validate_" + FORM

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        raw = tracker.get_slot(STATE_SLOT) or {}
        try:
            fresh = unprocessed_user_turns(tracker, float(raw.get("last_user_ts") or 0.0))
        except (TypeError, ValueError, AttributeError):  # a damaged state: read() says sorry and logs it
            fresh = [None]
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        if fresh and intent in INTERRUPTIONS and tracker.active_loop.get("name") == FORM:
            return []
        asked_before = tracker.get_slot(REQUESTED)
        events = self.read(dispatcher, tracker)
        if events is None:  # the apology was sent: the same question stays open
            return [SlotSet("next", "ask"), SlotSet(REQUESTED, asked_before)] if asked_before else [SlotSet(REQUESTED, None)]
        state = State.from_dict(next((e["value"] for e in events if e.get("name") == STATE_SLOT), raw))
        nxt = next((e["value"] for e in events if e.get("name") == "next"), tracker.get_slot("next"))
        requested = slot_name(state.pending) if nxt == "ask" and state.pending else None
        if asked_before and asked_before != requested and fresh:
            events.append(SlotSet(asked_before, "answered"))  # its free text is not kept: the engine read it
        if requested and tracker.get_slot(requested) is not None:
            events.append(SlotSet(requested, None))  # open: the person's text lands here next
        events.append(SlotSet(REQUESTED, requested))
        return events


class GiveResult(Action):
    """The interview's result (level, why, what to ask for, safety-netting, summary)."""

    def name(self) -> Text:
        return "action_give_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        outbox = tracker.get_slot("outbox") or {}
        _send(dispatcher, list(outbox.get("replies") or []))
        return [SlotSet("outbox", None), SlotSet("next", "none")]


class EmergencyAdvice(GiveResult):
    """A red flag: the emergency advice for it, at once, whatever the interview was doing."""

    def name(self) -> Text:
        return "action_emergency_advice"
