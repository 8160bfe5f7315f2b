"""The team's own scripted patients (tests/patients/), through the one simulator.

Usage: python scripts/evaluate_conversations.py [--patients FILE ...] [--check]

These 102 patients were written by the same hands as the lexicon: a regression
set only (the blind sets in scripts/evaluate_evidence.py are the measure). They
talk to the running assistant through the same simulator as the blind patients
(tests/evidence/patients.py); their older answer format is adapted on loading.
Starts its own servers. Report: reports/conversations.json (read by
scripts/update_readme_results.py). --check fails on an under-triaged emergency
or a conversation without a result.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import List

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.evidence import patients as sim  # noqa: E402
from tests.evidence.client import assistant  # noqa: E402
from tests.evidence.topics import TOPIC_CODES  # noqa: E402


def adapt(patient: dict) -> dict:
    """The older format: one `other_symptoms` answer for the symptom list, no answer for the
    safety screen's follow-up, `mid_interview` among the answers."""
    answers = dict(patient.get("answers") or {})
    mid = answers.pop("mid_interview", None) or patient.get("mid_interview")
    facts = set(patient.get("facts") or [])
    if "other_symptoms" in answers:
        for topic, codes in TOPIC_CODES.items():
            if topic not in answers and codes[0].startswith("SX_") and codes[0] in facts:
                answers[topic] = answers["other_symptoms"]
    answers.setdefault("none", "no")
    answers.setdefault("red_flag_which", answers.get("red_flags", "not sure"))
    return {**patient, "answers": answers, "mid_interview": mid}


def legacy_summary(results: List[dict]) -> dict:
    """The figures the README's regression table shows."""
    n = len(results)
    s = sim.summarise(results)
    turns = [r["turns"] for r in results]
    return {
        "patients": n,
        "correct": s["exact"],
        "under_triaged": s["under_triaged"] / n,
        "over_triaged": s["over_triaged"] / n,
        "no_result": s["no_result"],
        "emergencies": s["emergencies"],
        "emergencies_under_triaged": s["emergencies_missed"],
        "questions_mean": round(statistics.mean(t - 1 for t in turns), 1),
        "questions_median": statistics.median(t - 1 for t in turns),
        "rows_covered": sorted({r["expected_row"] for r in results if r["expected_row"]}),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", nargs="+", default=sorted(str(p) for p in (ROOT / "tests" / "patients").glob("*.yml")))
    parser.add_argument("--check", action="store_true", help="fail on any under-triaged emergency or missing result")
    args = parser.parse_args()
    patients = [adapt(p) for path in args.patients for p in yaml.safe_load(Path(path).read_text())["patients"]]
    with assistant() as a:
        results = [sim.run_patient(a, p) for p in patients]
    summary = legacy_summary(results)
    out = ROOT / "reports" / "conversations.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "results": results}, indent=2, ensure_ascii=False))
    for r in results:
        mark = "" if r["exact"] else ("  UNDER" if r["under"] else ("  OVER" if r["over"] else "  NONE"))
        print(f"{r['id']:<36}{r['expected_level']:>10}{str(r['level']):>10}{r['turns']:>5}{mark}")
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
