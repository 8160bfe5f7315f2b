"""The patient simulator: a scripted person talks to the assistant until a result.

It reads only what the assistant says. For each question it works out the
topic (tests/evidence/topics.py) and types the patient's own answer for it,
word for word; it never clicks a button or sends a payload. Asked about
several symptoms at once, it answers with the ones the patient has (or their
way of saying "none of those"). Asked something it cannot place, it says what
this patient says when confused. Asked the same thing a third time, it gives
up the way people do ("i don't know"). It stops at a result (the public
`triage_level` slot) or after 40 turns.
"""
from __future__ import annotations

import statistics
from typing import Dict, List, Optional

from tests.evidence.client import Assistant, asks_something, new_sender, summary_level
from tests.evidence.topics import COURSE_TOPICS, TOPIC_CODES, latest_question, question_text, topics_of

LEVELS = ("emergency", "urgent", "soon", "routine", "self_care")
MAX_TURNS = 40
GIVE_UP = "i don't know"


def has(patient: dict, topic: str) -> bool:
    facts = set(patient.get("facts") or [])
    return any(code in facts for code in TOPIC_CODES.get(topic, ()))


def answer_for(patient: dict, topics: List[str], previous: List[str]) -> str:
    """What this patient types in answer to a question about `topics`."""
    answers: Dict[str, str] = patient.get("answers") or {}
    if not topics:
        return str(answers.get("unclear") or "sorry, what do you mean?")
    if topics == ["symptoms_which"]:
        mine = [t for t in previous if has(patient, t)]
        if mine:
            return " and ".join(str(answers[t]) for t in mine if t in answers)
        return str(answers.get("symptoms") or answers.get("none") or "no")
    if len(topics) == 1:
        return str(answers.get(topics[0]) or answers.get("unclear") or "not sure")
    if all(t in COURSE_TOPICS for t in topics):
        # "how long, and did it come on suddenly?": a person answers each part they can
        said = [str(answers[t]) for t in topics if answers.get(t)]
        return ". ".join(said) if said else str(answers.get("unclear") or "not sure")
    mine = [t for t in topics if has(patient, t) and t in answers]
    if not mine:
        return str(answers.get("none") or "no")
    return ". ".join(str(answers[t]) for t in mine)


def run_patient(a: Assistant, patient: dict) -> dict:
    sender = new_sender(patient["id"][:20])
    messages = a.say(sender, str(patient["opening"]))
    turns, answered = 1, 0
    asked: Dict[str, int] = {}
    previous: List[str] = []
    mid = patient.get("mid_interview")
    level: Optional[str] = None
    transcript = [("user", str(patient["opening"]))] + [("bot", m.get("text") or "") for m in messages]
    while True:
        # the result card says the level; without one, the public slot is read only when the
        # turn asked nothing (a result given in words alone), which keeps a turn to one request
        level = summary_level(messages)
        if level is None and not asks_something(messages):
            level = a.slots(sender).get("triage_level")
        if level and mid and answered >= 3 and turns < MAX_TURNS:
            # the person sends what they meant to say after their third answer even when the
            # result came with that answer's reply; the level is read again after it
            reply, mid = str(mid), None
            messages = a.say(sender, reply)
            transcript += [("user", reply)] + [("bot", m.get("text") or "") for m in messages]
            turns += 1
            continue
        if level or turns >= MAX_TURNS:
            if level is None:
                level = a.slots(sender).get("triage_level")
            break
        q = latest_question(messages)
        if mid and answered == 3:
            reply, mid = str(mid), None
        elif q is None:
            reply = "ok"
        else:
            topics = topics_of(question_text(q))
            key = "+".join(topics) or "?"
            asked[key] = asked.get(key, 0) + 1
            reply = GIVE_UP if asked[key] >= 3 else answer_for(patient, topics, previous)
            previous = topics
            answered += 1
        messages = a.say(sender, reply)
        transcript += [("user", reply)] + [("bot", m.get("text") or "") for m in messages]
        turns += 1
    expected = patient["expected_level"]
    repeated = {k: n for k, n in asked.items() if n > 1}
    return {
        "id": patient["id"],
        "expected_level": expected,
        "expected_row": patient.get("expected_row"),
        "level": level,
        "turns": turns,
        "exact": level == expected,
        "under": level is not None and LEVELS.index(level) > LEVELS.index(expected),
        "over": level is not None and LEVELS.index(level) < LEVELS.index(expected),
        "no_result": level is None,
        "emergency_missed": expected == "emergency" and level != "emergency",
        "repeated": repeated,
        "unknown_questions": asked.get("?", 0),
        "transcript": transcript,
    }


def percentile(values: List[float], p: float) -> float:
    if not values:
        return 0.0
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summarise(results: List[dict]) -> dict:
    n = len(results)
    with_result = [r for r in results if not r["no_result"]]
    turns = [r["turns"] for r in with_result]
    emergencies = [r for r in results if r["expected_level"] == "emergency"]
    return {
        "patients": n,
        "exact": round(sum(r["exact"] for r in results) / n, 3) if n else 0.0,
        "under_triaged": sum(r["under"] for r in results),
        "over_triaged": sum(r["over"] for r in results),
        "no_result": sum(r["no_result"] for r in results),
        "emergencies": len(emergencies),
        "emergencies_missed": sum(r["emergency_missed"] for r in results),
        "turns_median": statistics.median(turns) if turns else None,
        "turns_p90": round(percentile(turns, 90), 1) if turns else None,
        "conversations_with_repeats": sum(1 for r in results if r["repeated"]),
        "questions_repeated": sum(n - 1 for r in results for n in r["repeated"].values()),
    }
