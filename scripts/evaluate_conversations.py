"""Scripted patients talk to the running assistant over REST until a result.

Usage: python scripts/evaluate_conversations.py [--patients FILE ...] [--check]

Each patient (tests/patients/*.yml, all files by default) has an opening message and an answer
for every topic. The simulator only reads what the assistant sends: it picks
the topic of the latest question from its wording (as a person would), answers
from the script, and stops at the result (the triage_summary payload). It
reports the share with the correct level, under-triaged (any under-triaged
emergency is a failure) and over-triaged, and questions per conversation.
Starts its own servers unless --base is given. Report: reports/conversations.json.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.servers import Servers  # noqa: E402

LEVELS = ["emergency", "urgent", "soon", "routine", "self_care"]

# Topic of a question, from its wording; most specific first.
TOPICS: List[Tuple[str, str]] = [
    ("red_flags", r"safety check|which of these is it"),
    ("psychosis", r"hearing or seeing things"),
    ("family", r"close family|family have"),
    ("autoimmune", r"pernicious anaemia or an autoimmune"),
    ("foot_wound", r"wound, ulcer"),
    ("gut_surgery", r"weight-loss surgery|stomach surgery"),
    ("gut_condition", r"coeliac|crohn"),
    ("acid_meds", r"stomach acid"),
    ("other_meds", r"colchicine|epilepsy"),
    ("metformin", r"metformin"),
    ("diabetes", r"have diabetes"),
    ("nitrous", r"nitrous oxide"),
    ("alcohol", r"alcohol"),
    ("pregnant", r"pregnant|breastfeeding"),
    ("b12_treatment", r"b12 injections, tablets|already having vitamin b12"),
    ("diet", r"vegan|vegetarian"),
    ("other_symptoms", r"unusual tiredness"),
    ("symptoms", r"what symptoms|which ones"),
    ("tingling", r"tingling, pins and needles"),
    ("balance", r"unsteady|balance"),
    ("weakness", r"weakness in"),
    ("memory", r"memory"),
    ("vision", r"vision"),
    ("duration", r"how long"),
    ("progression", r"getting worse"),
    ("age", r"how old"),
]


def topic_of(text: str) -> Optional[str]:
    low = text.lower()
    for topic, rx in TOPICS:
        if re.search(rx, low):
            return topic
    return None


def last_question(messages: List[dict]) -> Optional[str]:
    for m in reversed(messages):
        t = m.get("text") or ""
        if m.get("buttons") or t.rstrip().endswith("?") or "pick" in t.lower():
            return t
    return None


def run_patient(s: Servers, p: dict, max_turns: int = 45) -> dict:
    sender = f"pt-{p['id']}-{time.time_ns()}"
    answers: Dict[str, str] = p.get("answers") or {}
    messages = s.say(sender, p["opening"])
    questions, turns, repeats = 0, 1, {}
    mid = p.get("answers", {}).get("mid_interview") or p.get("mid_interview")
    result = None
    while turns < max_turns:
        result = next((m["custom"] for m in messages if m.get("custom", {}).get("type") == "triage_summary"), None)
        if result:
            break
        q = last_question(messages)
        if q is None:
            messages = s.say(sender, "ok")
            turns += 1
            continue
        questions += 1
        topic = topic_of(q)
        repeats[topic] = repeats.get(topic, 0) + 1
        if mid and turns == 4:
            reply, mid = mid, None
        elif topic is None or repeats[topic] > 2:
            reply = "not sure"
        else:
            reply = str(answers.get(topic, "no"))
        messages = s.say(sender, reply)
        turns += 1
    level = result["level"] if result else None
    expected = p["expected_level"]
    return {
        "id": p["id"],
        "expected_level": expected,
        "expected_row": p.get("expected_row"),
        "level": level,
        "row": result["row"] if result else None,
        "questions": questions,
        "turns": turns,
        "correct": level == expected,
        "under": level is not None and LEVELS.index(level) > LEVELS.index(expected),
        "over": level is not None and LEVELS.index(level) < LEVELS.index(expected),
        "no_result": level is None,
    }


def summarise(results: List[dict]) -> dict:
    n = len(results)
    emergencies = [r for r in results if r["expected_level"] == "emergency"]
    return {
        "patients": n,
        "correct": sum(r["correct"] for r in results) / n,
        "under_triaged": sum(r["under"] for r in results) / n,
        "over_triaged": sum(r["over"] for r in results) / n,
        "no_result": sum(r["no_result"] for r in results),
        "emergencies": len(emergencies),
        "emergencies_under_triaged": sum(1 for r in emergencies if not r["correct"]),
        "questions_mean": round(statistics.mean(r["questions"] for r in results), 1),
        "questions_median": statistics.median(r["questions"] for r in results),
        "rows_covered": sorted({r["expected_row"] for r in results if r["expected_row"]}),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", nargs="+", default=sorted(str(p) for p in (ROOT / "tests" / "patients").glob("*.yml")))
    parser.add_argument("--check", action="store_true", help="fail on any under-triaged emergency")
    args = parser.parse_args()
    patients = [p for path in args.patients for p in yaml.safe_load(Path(path).read_text())["patients"]]
    with tempfile.TemporaryDirectory() as tmp:
        s = Servers(Path(tmp))
        try:
            s.start_actions()
            s.start_rasa()
            results = [run_patient(s, p) for p in patients]
        finally:
            s.stop()
    summary = summarise(results)
    out = ROOT / "reports" / "conversations.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "results": results}, indent=2))
    print(f"{'patient':<36}{'expected':>10}{'got':>10}{'row':>6}{'qs':>5}")
    for r in results:
        mark = "" if r["correct"] else ("  UNDER" if r["under"] else ("  OVER" if r["over"] else "  NONE"))
        print(f"{r['id']:<36}{r['expected_level']:>10}{str(r['level']):>10}{str(r['row']):>6}{r['questions']:>5}{mark}")
    print(
        f"\nconversations: {summary['patients']} patients; correct level {summary['correct']:.1%}, "
        f"under-triaged {summary['under_triaged']:.1%}, over-triaged {summary['over_triaged']:.1%}, "
        f"emergencies under-triaged {summary['emergencies_under_triaged']} of {summary['emergencies']}, "
        f"questions per conversation {summary['questions_mean']} (median {summary['questions_median']})"
    )
    if args.check and (summary["emergencies_under_triaged"] or summary["no_result"]):
        print("FAILED: an emergency was under-triaged or a conversation gave no result")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
