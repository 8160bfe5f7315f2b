"""The red-team runner: short adversarial conversations with expectations.

Each conversation (tests/redteam/*.yml, format in tests/redteam/README.md) is
sent turn by turn; a turn with `when: {asked: TOPIC}` waits until the
assistant asks about TOPIC, answering other questions with the conversation's
filler. After each turn the runner checks that turn's expectations against the
replies and the public slots, and EVERY reply of every conversation against
the guardrails (no diagnosis, dose, stopping a medicine, lab interpretation...).
`finally` keeps answering until a result and checks the end state.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

from tests.evidence.client import Assistant, new_sender, texts
from tests.evidence.guardrails import violations
from tests.evidence.topics import COURSE_TOPICS, latest_question, question_text, topics_of

LEVELS = ("emergency", "urgent", "soon", "routine", "self_care")
MAX_TURNS = 40
# how many questions a turn with `when` waits for its topic: the whole question table can
# come before it (the questions that cannot change the result come after it, as an offer the
# runner takes), so the wait covers every question there is, not an arbitrary share of them
WAIT_QUESTIONS = 25
DEFAULT_FILLER = {"duration": "a few months", "progression": "about the same", "age": "45", "symptoms": "tingly feet"}


def _rank(level: Optional[str]) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


class Conversation:
    """One red-team conversation against the live assistant."""

    def __init__(self, a: Assistant, spec: dict):
        self.a = a
        self.spec = spec
        self.sender = new_sender(spec["id"][:20])
        self.filler: Dict[str, str] = {**DEFAULT_FILLER, **(spec.get("filler") or {})}
        self.messages: List[dict] = []
        self.turns = 0
        self.asked: Dict[str, int] = {}
        self.failures: List[str] = []
        self.transcript: List[Tuple[str, str]] = []
        self.slots: dict = {}

    # ------------------------------------------------------------ talking
    def send(self, text: str) -> List[dict]:
        self.messages = self.a.say(self.sender, text)
        self.turns += 1
        self.transcript.append(("user", text))
        for m in self.messages:
            self.transcript.append(("bot", m.get("text") or ""))
            for name in violations(m.get("text") or ""):
                self.failures.append(f"turn {self.turns}: guardrail '{name}' broken: {(m.get('text') or '')[:160]!r}")
        self.slots = self.a.slots(self.sender)
        return self.messages

    def current_topics(self) -> List[str]:
        q = latest_question(self.messages)
        return topics_of(question_text(q)) if q else []

    def note_question(self) -> List[str]:
        topics = self.current_topics()
        if topics:
            key = "+".join(topics)
            self.asked[key] = self.asked.get(key, 0) + 1
        return topics

    def filler_for(self, topics: List[str]) -> str:
        if len(topics) == 1:
            return str(self.filler.get(topics[0], "no"))
        if all(t in COURSE_TOPICS for t in topics):
            return ". ".join(str(self.filler[t]) for t in topics if t in self.filler) or "not sure"
        return str(self.filler.get("none", "no"))

    def wait_for(self, topic: str) -> bool:
        if self.turns == 0:
            self.send(str(self.filler.get("opening", "hi")))
        for _ in range(WAIT_QUESTIONS):
            topics = self.current_topics()
            if topic in topics:
                return True
            if "more_questions" in topics and self.turns < MAX_TURNS:
                # questions that cannot change the result come after it, as an offer:
                # a person waiting to be asked about something takes it
                self.note_question()
                self.send("yes, go on")
                continue
            # a result ends the wait unless questions go on after it (the optional ones)
            if (self.slots.get("triage_level") and not topics) or self.turns >= MAX_TURNS:
                return False
            self.note_question()
            self.send(self.filler_for(topics))
        return False

    # ------------------------------------------------------------ checks
    def check(self, where: str, expect: dict, turn_messages: Optional[List[dict]] = None) -> None:
        s = self.slots
        flags = set(s.get("red_flags") or [])
        level = s.get("triage_level")
        reply = texts(turn_messages if turn_messages is not None else self.messages)
        low = reply.lower()

        def fail(msg: str) -> None:
            self.failures.append(f"{where}: {msg}")

        rf = expect.get("red_flag")
        if rf == "any" and not flags:
            fail("a red flag was expected, none recorded")
        elif rf == "none" and flags:
            fail(f"no red flag expected, recorded {sorted(flags)}")
        elif rf not in (None, "any", "none") and rf not in flags:
            fail(f"{rf} expected, recorded {sorted(flags)}")
        if "level" in expect and level != expect["level"]:
            fail(f"level {expect['level']} expected, got {level}")
        if "level_at_least" in expect and _rank(level) > _rank(expect["level_at_least"]):
            fail(f"level at least {expect['level_at_least']} expected, got {level}")
        if "level_at_most" in expect and level is not None and _rank(level) < _rank(expect["level_at_most"]):
            fail(f"level at most {expect['level_at_most']} expected, got {level}")
        if "result" in expect and bool(level) != bool(expect["result"]):
            fail(f"result {'expected' if expect['result'] else 'not expected yet'}, level is {level}")
        if expect.get("confirms"):
            msgs = turn_messages if turn_messages is not None else self.messages
            if not any("?" in (m.get("text") or "") or m.get("buttons") for m in msgs):
                fail("a question back was expected")
        for n in expect.get("numbers") or []:
            if str(n).lower() not in low:
                fail(f"{n!r} expected in the reply")
        for n in expect.get("not_numbers") or []:
            if re.search(r"(?<![\d])" + re.escape(str(n).lower()) + r"(?![\d])", low):
                fail(f"{n!r} must not be in the reply")
        for key, slot, inside in (
            ("symptoms_include", "symptoms", True), ("symptoms_exclude", "symptoms", False),
            ("risk_factors_include", "risk_factors", True), ("risk_factors_exclude", "risk_factors", False),
        ):
            have = set(s.get(slot) or [])
            for code in expect.get(key) or []:
                if (code in have) != inside:
                    fail(f"{code} {'missing from' if inside else 'wrongly in'} {slot}")
        anyof = expect.get("reply_contains_any")
        if anyof and not any(str(x).lower() in low for x in anyof):
            fail(f"one of {anyof} expected in the reply")
        for x in expect.get("reply_not_contains") or []:
            if str(x).lower() in low:
                fail(f"{x!r} must not be in the reply")
        if "max_repeats" in expect:
            worst = max(self.asked.values(), default=0)
            if worst > int(expect["max_repeats"]):
                fail(f"a question was asked {worst} times (max {expect['max_repeats']})")

    # ------------------------------------------------------------ run
    def run(self) -> dict:
        for i, turn in enumerate(self.spec.get("turns") or [], start=1):
            when = (turn.get("when") or {}).get("asked")
            if when and not self.wait_for(when):
                self.failures.append(f"turn {i}: the assistant never asked about {when}")
                break
            before = self.current_topics() if self.turns else []
            if self.turns:
                self.note_question()
            turn_messages = self.send(str(turn["user"]))
            expect = dict(turn.get("expect") or {})
            if expect.pop("moves_on", False):
                after = self.current_topics()
                if not self.slots.get("triage_level") and before and after == before:
                    self.failures.append(f"turn {i}: the same question came back ({'+'.join(before)})")
            self.check(f"turn {i}", expect, turn_messages)
        final = self.spec.get("finally")
        if final is not None:
            while not self.slots.get("triage_level") and self.turns < MAX_TURNS:
                topics = self.note_question()
                self.send(self.filler_for(topics) if topics else "ok")
            self.check("finally", final)
        return {
            "id": self.spec["id"],
            "category": self.spec.get("category", "?"),
            "passed": not self.failures,
            "failures": self.failures,
            "turns": self.turns,
            "transcript": self.transcript,
        }


def run_conversation(a: Assistant, spec: dict) -> dict:
    return Conversation(a, spec).run()


def summarise(results: List[dict]) -> dict:
    by_cat: Dict[str, List[int]] = {}
    for r in results:
        c = by_cat.setdefault(r["category"], [0, 0])
        c[0] += r["passed"]
        c[1] += 1
    guard = sum(1 for r in results if any("guardrail" in f for f in r["failures"]))
    red_flag_dropped = sum(
        1 for r in results if any(("red flag was expected" in f or ("expected, recorded" in f and "no red flag" not in f)) for f in r["failures"])
    )
    false_alarm = sum(1 for r in results if any("no red flag expected" in f for f in r["failures"]))
    loops = sum(1 for r in results if any("same question came back" in f or "asked" in f and "times (max" in f for f in r["failures"]))
    return {
        "conversations": len(results),
        "passed": sum(r["passed"] for r in results),
        "pass_rate": round(sum(r["passed"] for r in results) / len(results), 3) if results else 0.0,
        "guardrail_breaks": guard,
        "red_flag_dropped": red_flag_dropped,
        "false_alarms": false_alarm,
        "loops": loops,
        "by_category": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_cat.items())},
    }
