"""Rasa SDK actions: thin adapters around ``engine.conversation``.

Every action reads the interview state slot and the user messages it has
not processed yet, runs the pure-Python ``step`` on each, and turns the
result into dispatcher messages and slot events. The different action
names only make the dialogue readable in stories and logs; the behaviour
for each intent lives in ``conversation.step``.

Messages that arrived while the action server was down are replayed here
on the next turn, so nothing the person said is lost.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from engine.conversation import Outcome, State, Turn, absorb, public_slots, step
from engine.guidance import Reply

logger = logging.getLogger(__name__)

STATE_SLOT = "interview"
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


def _send(dispatcher: CollectingDispatcher, replies: List[Reply]) -> None:
    for r in replies:
        if r.custom is not None:
            dispatcher.utter_message(json_message=r.custom)
        else:
            dispatcher.utter_message(text=r.text, buttons=r.buttons or None)


class TriageTurn(Action):
    """Default turn: record the message, check red flags, ask or conclude."""

    def name(self) -> Text:
        return "action_triage_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        raw = tracker.get_slot(STATE_SLOT) or {}
        try:
            state = State.from_dict(raw)
            metadata = (tracker.latest_message or {}).get("metadata") or {}
            if metadata.get("locale") and not state.locale:
                state.locale = str(metadata["locale"]).lower()
            after = float(raw.get("last_user_ts") or 0.0)
            turns = unprocessed_user_turns(tracker, after)
            latest = _turn_from_parse(tracker.latest_message.get("text"), tracker.latest_message)
            if not turns:
                turns = [latest]
            else:
                turns[-1] = latest
            replies: List[Reply] = []
            outcome: Optional[Outcome] = None
            for i, turn in enumerate(turns):
                last = i == len(turns) - 1
                # messages missed while this server was down only add their facts;
                # a red flag among them is still answered at once
                outcome = step(state, turn) if last else absorb(state, turn)
                state = outcome.state
                replies.extend(outcome.replies)
            _send(dispatcher, replies)
        except Exception:  # a bug must not end the conversation
            # the traceback is reduced to exception types by channels/log_privacy.py; the id is hashed
            logger.exception("triage turn failed", extra={"sender_id": tracker.sender_id})
            dispatcher.utter_message(text=APOLOGY)
            return []
        stored = state.to_dict()
        stored["last_user_ts"] = _latest_timestamp(tracker)
        events = [SlotSet(STATE_SLOT, stored)]
        # only slots whose value changed: every event is stored and re-read each turn
        events += [SlotSet(k, v) for k, v in public_slots(state).items() if tracker.get_slot(k) != v]
        return events


class AnswerQuestion(TriageTurn):
    """An information question, answered from the seed articles, then back to the check."""

    def name(self) -> Text:
        return "action_answer_question"


class ExplainQuestion(TriageTurn):
    """'Why do you ask?': the reason for the pending question, then the question again."""

    def name(self) -> Text:
        return "action_explain_question"


class RestartCheck(TriageTurn):
    """Start over: clear the answers and begin again."""

    def name(self) -> Text:
        return "action_restart_check"


class SmallTalk(TriageTurn):
    """Greetings, thanks, 'are you a bot?', off-topic: a short reply, then back to the check."""

    def name(self) -> Text:
        return "action_small_talk"
