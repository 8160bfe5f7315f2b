"""Write data/rules/interview.yml: the rules around the interview form.

The rules are regular (each intent, each turn action, each value of the
`next` slot), and RulePolicy wants every rule that contains a turn action to
say what it set `next` to, so they are written by this script rather than by
hand; the file it writes is what Rasa trains on and what a reviewer reads.
``--check`` fails when the file is out of date (a unit test runs it).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "rules" / "interview.yml"

TURN_INTENTS = ["inform", "affirm", "deny", "dont_know", "greet", "nlu_fallback"]
# the side intents and their actions; the same list is the form's ignored_intents (domain.yml)
SIDE = {
    "ask_question": "action_answer_question",
    "why_ask": "action_explain_question",
    "bot_challenge": "action_small_talk",
    "help": "action_small_talk",
    "out_of_scope": "action_small_talk",
    "thanks": "action_small_talk",
    "goodbye": "action_small_talk",
    "start_over": "action_restart_check",
}
SAYS = {
    "inform": "a statement", "affirm": "a yes", "deny": "a no", "dont_know": "a not sure", "greet": "a greeting",
    "nlu_fallback": "a message the NLU is unsure of (it may still carry symptoms or a red flag)",
    "ask_question": "a question about B12", "why_ask": "why do you ask?", "bot_challenge": "are you a bot?",
    "help": "a request for help", "out_of_scope": "something off-topic", "thanks": "thanks", "goodbye": "goodbye",
    "start_over": "start over",
}
TURN_ACTIONS = ["action_triage_turn", "action_answer_question", "action_explain_question", "action_small_talk", "action_restart_check"]
SIDE_ACTIONS = TURN_ACTIONS[1:]
NEXT = ("ask", "result", "emergency", "none")
RESULT_ACTION = {"result": "action_give_result", "emergency": "action_emergency_advice"}

HEADER = '''version: "3.1"

# Written by scripts/build_rules.py (`make rules`): edit the script, not this file.
#
# The dialogue around the interview form (domain.yml: interview_form).
# Outside the form, each message goes by intent to a turn action; what follows
# depends on the `next` slot the action sets: the form (a question to ask), the
# result, the emergency advice, or nothing (wait for the person).
# Inside the form, answers go to the form; the side intents interrupt it (the
# form's validation rejects them), get their reply and come back to the form,
# whatever the reply changed: the form then ends itself when the interview is
# over, and the rules at the end give the result or the emergency advice.
# Every rule with a turn action says what it set `next` to (RulePolicy requires it).
rules:
'''


def _slot(name: str, value: str) -> str:
    return f"slot_was_set:\n          - {name}: {value}"


def _rule(out: List[str], name: str, steps: List[str], condition: str, wait: bool = True) -> None:
    out.append("  - rule: " + json.dumps(name))
    out.append("    condition:")
    out.append(f"      - {condition}")
    out.append("    steps:")
    out.extend(f"      - {s}" for s in steps)
    if not wait:
        out.append("    wait_for_user_input: false")
    out.append("")


def _after(action: str) -> List[str]:
    """The result actions empty the outbox and set `next` back to none."""
    return [f"action: {action}", _slot("next", "none")]


def render() -> str:
    out: List[str] = [HEADER]
    out.append("  # ------------------------------------------------ outside the form: by intent")
    for intent in TURN_INTENTS:
        _rule(out, f"{SAYS[intent]} goes to the interview", [f"intent: {intent}", "action: action_triage_turn"], "active_loop: null", wait=False)
    for intent, action in SIDE.items():
        _rule(out, f"{SAYS[intent]}: its reply", [f"intent: {intent}", f"action: {action}"], "active_loop: null", wait=False)
    out.append("  # ------------------------------------------------ outside the form: after a turn action, by `next`")
    for action in TURN_ACTIONS:
        _rule(out, f"after {action}, a question: the interview form asks it",
              [f"action: {action}", _slot("next", "ask"), "action: interview_form", "active_loop: interview_form", _slot("next", "ask")],
              "active_loop: null")
        for value, result in RESULT_ACTION.items():
            _rule(out, f"after {action}, next {value}: {result}", [f"action: {action}", _slot("next", value)] + _after(result), "active_loop: null")
        _rule(out, f"after {action}, nothing more: wait for the person", [f"action: {action}", _slot("next", "none")], "active_loop: null")
    out.append("  # ------------------------------------------------ inside the form: interruptions, then back to it")
    for intent, action in SIDE.items():
        _rule(out, f"{SAYS[intent]} mid-interview: its reply", [f"intent: {intent}", f"action: {action}"], "active_loop: interview_form", wait=False)
    for action in SIDE_ACTIONS:
        for value in NEXT:
            _rule(out, f"mid-interview, after {action} (next: {value}): back to the form",
                  [f"action: {action}", _slot("next", value), "action: interview_form", "active_loop: interview_form", _slot("next", "ask")],
                  "active_loop: interview_form")
    out.append("  # ------------------------------------------------ when the form ends")
    for value, result in RESULT_ACTION.items():
        _rule(out, f"the interview ends with next {value}: {result}",
              ["action: interview_form", "active_loop: null", _slot("requested_slot", "null"), _slot("next", value)] + _after(result),
              "active_loop: interview_form")
    _rule(out, "the interview ends with nothing more to give: wait for the person",
          ["action: interview_form", "active_loop: null", _slot("requested_slot", "null"), _slot("next", "none")], "active_loop: interview_form")
    return "\n".join(out)


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the rules file is out of date; write nothing")
    args = parser.parse_args(argv)
    wanted = render()
    current = OUT.read_text() if OUT.exists() else ""
    if args.check:
        if wanted != current:
            print(f"{OUT.relative_to(ROOT)} is out of date: run `make rules`", file=sys.stderr)
            return 1
        return 0
    if wanted != current:
        OUT.write_text(wanted)
        print(f"{OUT.relative_to(ROOT)} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
