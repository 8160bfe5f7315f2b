"""Every interview ends with a result, whatever the person sends (issue 12).

Hypothesis throws random messages at the interview: gibberish, emoji, numbers,
off-topic chat, other languages, empty messages, yes/no words and the button
payloads of every question (also of questions not being asked), each with a
random intent as a confused classifier might give it. The interview must give a
result within the number of questions it has plus three messages (counted from
the last confirmed "start again", which a person may choose), and never raise.
"""
from __future__ import annotations

import json
from typing import List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.conversation import MORE_BUTTONS, RESTART_BUTTONS, RESTARTED, STOP_BUTTONS, State, Turn, step
from engine.questions import QUESTIONS
from tests.unit.test_conversation import entities

INTENTS = ["greet", "goodbye", "thanks", "affirm", "deny", "dont_know", "inform", "ask_question", "why_ask",
           "start_over", "help", "bot_challenge", "out_of_scope", "nlu_fallback"]
PAYLOADS = sorted({b["payload"] for q in QUESTIONS for b in q.buttons}
                  | {b["payload"] for b in MORE_BUTTONS + RESTART_BUTTONS + STOP_BUTTONS})
LIMIT = len(QUESTIONS) + 3

TEXTS = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=25),  # gibberish
    st.sampled_from(["👍", "🙂🙂🙂", "🤷", "❤️‍🔥", "..."]),  # emoji and symbols
    st.integers(min_value=-5, max_value=300).map(str),  # numbers
    st.sampled_from(["what's the weather like", "tell me a joke", "lol", "ok", "hmm", "who made you", "asdf"]),
    st.sampled_from(["no lo sé", "je ne sais pas", "ja bitte", "nein danke", "我不知道", "sim", "да"]),  # other languages
    st.sampled_from(["", "   ", "<b></b>", "<script>x</script>"]),
    st.sampled_from(["yes", "no", "not sure", "maybe", "none", "sometimes", "a while", "since monday"]),
    st.sampled_from(PAYLOADS),
)


def turn_for(text: str, intent: str) -> Turn:
    if text.startswith("/"):
        name, _, body = text[1:].partition("{")
        ents = [{"entity": k, "value": v} for k, v in json.loads("{" + body).items()] if body else []
        return Turn(text=text, intent=name, entities=ents)
    return Turn(text=text, intent=intent, entities=entities(text))


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(TEXTS, st.sampled_from(INTENTS)), min_size=LIMIT, max_size=LIMIT + 10))
def test_any_sequence_of_messages_gets_a_result_within_the_questions_plus_three(messages: List):
    state = State()
    since_start = 0
    for n, (text, intent) in enumerate(messages):
        out = step(state, turn_for(text, intent))
        state = out.state
        since_start += 1
        if any(r.text == RESTARTED for r in out.replies):
            since_start = 0  # the person chose to start again
            if len(messages) - n - 1 < LIMIT:
                return  # too few messages left to judge the new interview
        if state.stage == "done":
            return
        assert since_start < LIMIT, f"no result after {since_start} messages (pending {state.pending})"
    raise AssertionError("the messages ran out before a result")
