"""Evidence that cannot flatter: the three blind sets against the running assistant.

Usage: python scripts/evaluate_evidence.py [--sets real patients redteam]
           [--splits dev test] [--base URL [--token T]] [--workers 3]
           [--check] [--readme] [--verbose] [--show-test-items]

- real:     real people's first messages (tests/real/), what the assistant records;
- patients: blind scripted patients (tests/blind/patients/) through whole interviews;
- redteam:  adversarial conversations with expectations (tests/redteam/).

Without --base it starts its own action server and Rasa (SQLite store). Tune
on dev, report test: the test split is never read to add phrases (its item lines,
which patient or conversation failed, are printed only with --show-test-items). --check
compares every figure with tests/evidence/floors.yml (today's honest figures:
nothing may get worse) and exits 1 if one is worse. --readme writes the
results section of README.md. Report: reports/evidence.json. The headline
figures are printed last.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.evidence import patients as sim  # noqa: E402
from tests.evidence import real_language, redteam  # noqa: E402
from tests.evidence.client import assistant  # noqa: E402
from tests.evidence.splits import SPLITS, load_patients, load_real, load_redteam  # noqa: E402

FLOORS = ROOT / "tests" / "evidence" / "floors.yml"
REPORT = ROOT / "reports" / "evidence.json"
README = ROOT / "README.md"
START, END = "<!-- evidence:start -->", "<!-- evidence:end -->"

# Direction of every gated figure: True when higher is better.
HIGHER_IS_BETTER: Dict[str, Dict[str, bool]] = {
    "real": {
        "symptom_recall": True, "symptom_precision": True, "risk_factor_recall": True, "modifier_recall": True,
        "red_flag_sensitivity": True, "red_flag_code_recall": True,
        "false_emergency_rate": False, "context_error_rate": False,
    },
    "patients": {
        "exact": True, "under_triaged": False, "emergencies_missed": False, "no_result": False,
        "turns_median": False, "turns_p90": False,
    },
    "redteam": {"passed": True, "guardrail_breaks": False, "red_flag_dropped": False, "false_alarms": False, "loops": False},
}


def run_all(fn: Callable, a, items: List[dict], workers: int) -> List[dict]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda item: fn(a, item), items))


def chosen(items: List[dict], only: Optional[List[str]]) -> List[dict]:
    """The items whose id starts with one of ``only`` (all of them without it)."""
    return [it for it in items if not only or any(str(it["id"]).startswith(p) for p in only)]


def evaluate(args) -> dict:
    report: Dict[str, dict] = {}
    only = args.only
    with assistant(args.base, args.token) as a:
        for split in args.splits:
            if "real" in args.sets:
                items = chosen(load_real(split), only)
                outs = run_all(real_language.run_item, a, items, args.workers)
                report.setdefault("real", {})[split] = real_language.score(items, outs)
            if "patients" in args.sets:
                results = run_all(sim.run_patient, a, chosen(load_patients(split), only), args.workers)
                report.setdefault("patients", {})[split] = {"summary": sim.summarise(results), "results": results}
            if "redteam" in args.sets:
                results = run_all(redteam.run_conversation, a, chosen(load_redteam(split), only), args.workers)
                report.setdefault("redteam", {})[split] = {"summary": redteam.summarise(results), "results": results}
    return report


def summary_of(report: dict, name: str, split: str) -> dict:
    part = report[name][split]
    return part if name == "real" else part["summary"]


def headline(report: dict) -> List[str]:
    lines = []
    for split in SPLITS:
        bits = []
        if split in report.get("real", {}):
            r = report["real"][split]
            bits.append(
                f"real language: symptoms R {r['symptom_recall']:.2f} P {r['symptom_precision']:.2f}, "
                f"risk factors R {r['risk_factor_recall']:.2f}, red flags {r['red_flags_caught']}/{r['red_flag_messages']} "
                f"caught (+{r.get('red_flags_confirm_asked', 0)} asked to confirm), false emergencies {r['false_emergencies']}, context errors {r['context_error_rate']:.1%}"
            )
        if split in report.get("patients", {}):
            p = report["patients"][split]["summary"]
            bits.append(
                f"blind patients: exact {p['exact']:.1%}, under-triaged {p['under_triaged']}, emergencies missed "
                f"{p['emergencies_missed']}/{p['emergencies']}, no result {p['no_result']}, turns median "
                f"{p['turns_median']} p90 {p['turns_p90']}"
            )
        if split in report.get("redteam", {}):
            t = report["redteam"][split]["summary"]
            bits.append(
                f"red team: {t['passed']}/{t['conversations']} passed, red flags dropped {t['red_flag_dropped']}, "
                f"loops {t['loops']}, guardrail breaks {t['guardrail_breaks']}"
            )
        if bits:
            lines.append(f"EVIDENCE {split}: " + "; ".join(bits))
    return lines


# Turn counts move by a fraction of a turn between runs on a loaded machine (a slow
# action call answered by the "still working" reply adds a turn): a regression is a
# whole turn more. Every other figure is compared exactly.
TOLERANCE: Dict[str, float] = {"turns_median": 1.0, "turns_p90": 1.0}


def check(report: dict) -> List[str]:
    floors = yaml.safe_load(FLOORS.read_text()) if FLOORS.exists() else {}
    worse = []
    for name, per_split in floors.items():
        for split, figures in (per_split or {}).items():
            if name not in report or split not in report[name]:
                continue
            got = summary_of(report, name, split)
            for key, floor in figures.items():
                value = got.get(key)
                higher = HIGHER_IS_BETTER[name][key]
                slack = TOLERANCE.get(key, 0)
                if value is None or (value < floor - slack if higher else value > floor + slack):
                    worse.append(f"{name}/{split} {key}: {value} is worse than the floor {floor}")
    return worse


def write_floors(report: dict) -> None:
    floors: Dict[str, dict] = {}
    for name, directions in HIGHER_IS_BETTER.items():
        for split in SPLITS:
            if name in report and split in report[name]:
                got = summary_of(report, name, split)
                floors.setdefault(name, {})[split] = {k: got[k] for k in directions if got.get(k) is not None}
    header = (
        "# Floors for `make test` (scripts/evaluate_evidence.py --check): today's honest figures on the blind sets.\n"
        "# A run fails when any figure is worse. Raise them as the work lands; never lower one to make a run pass.\n"
    )
    FLOORS.write_text(header + yaml.safe_dump(floors, sort_keys=False))


def print_details(report: dict, verbose: bool, show_test_items: bool = False) -> None:
    """Figures for every split; item lines (which patient, which conversation failed) only
    for dev, unless asked: the test split is never read to add phrases or rules."""
    for split in SPLITS:
        items = split != "test" or show_test_items
        if split in report.get("real", {}):
            r = report["real"][split]
            print(f"\n== real language, {split}: {r['messages']} messages from {r['sources']} sources")
            for k, v in r.items():
                if k not in ("misses",):
                    print(f"  {k}: {v}")
            if verbose and items:
                for m in r["misses"]:
                    print(f"  MISS {m['id']}: missing {m['missing']} extra {m['extra']} :: {m['text'][:120]!r}")
        if split in report.get("patients", {}):
            part = report["patients"][split]
            print(f"\n== blind patients, {split}")
            for r in part["results"] if items else ():
                mark = "" if r["exact"] else ("  UNDER" if r["under"] else ("  OVER" if r["over"] else "  NONE"))
                print(f"  {r['id']:<34}{r['expected_level']:>10}{str(r['level']):>10}{r['turns']:>4}{mark}")
            for k, v in part["summary"].items():
                print(f"  {k}: {v}")
        if split in report.get("redteam", {}):
            part = report["redteam"][split]
            print(f"\n== red team, {split}")
            for r in part["results"] if items else ():
                if not r["passed"]:
                    print(f"  FAIL {r['id']} ({r['category']}): " + " | ".join(r["failures"][:3]))
            for k, v in part["summary"].items():
                print(f"  {k}: {v}")


def readme_block(report: dict) -> str:
    today = dt.date.today().isoformat()
    out = [
        START,
        f"Measured on {today}, {platform.machine()}, by `make evaluate` (`scripts/evaluate_evidence.py --readme`). "
        "All three sets were written blind (by writers who saw only the clinical reference, never the code or the "
        "lexicon); **dev** is tuned on, **test** is never read to add phrases.",
        "",
    ]
    if "real" in report:
        out += [
            "**Real people's first messages** (tests/real/: one message opens a conversation; the public slots are "
            "compared with the labels):",
            "",
            "| split | messages | sources | symptom recall | symptom precision | risk-factor recall | modifier recall | "
            "red flags caught (+ asked to confirm) | red-flag code recall | false emergencies | context errors |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for split in SPLITS:
            if split in report["real"]:
                r = report["real"][split]
                out.append(
                    f"| {split} | {r['messages']} | {r['sources']} | {r['symptom_recall']:.2f} | {r['symptom_precision']:.2f} | "
                    f"{r['risk_factor_recall']:.2f} | {r['modifier_recall']:.2f} | {r['red_flags_caught']}/{r['red_flag_messages']} "
                    f"({r['red_flag_sensitivity']:.2f}; +{r.get('red_flags_confirm_asked', 0)}) | {r['red_flag_code_recall']:.2f} | {r['false_emergencies']} "
                    f"({r['false_emergency_rate']:.1%}) | {r['context_errors']}/{r['context_labels']} ({r['context_error_rate']:.1%}) |"
                )
        out.append("")
    if "patients" in report:
        out += [
            "**Blind scripted patients** (tests/blind/patients/: the simulator reads only what the assistant says and "
            "types the patient's own answers; 40 turns at most):",
            "",
            "| split | patients | exact level | under-triaged | over-triaged | emergencies missed | no result | "
            "turns to a result (median / p90) | conversations with a repeated question |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for split in SPLITS:
            if split in report["patients"]:
                p = report["patients"][split]["summary"]
                out.append(
                    f"| {split} | {p['patients']} | {p['exact']:.1%} | {p['under_triaged']} | {p['over_triaged']} | "
                    f"{p['emergencies_missed']} of {p['emergencies']} | {p['no_result']} | {p['turns_median']} / {p['turns_p90']} | "
                    f"{p['conversations_with_repeats']} |"
                )
        out.append("")
    if "redteam" in report:
        out += [
            "**Red-team suite** (tests/redteam/: expectations on every turn and the guardrails on every reply):",
            "",
            "| split | conversations | passed | red flag dropped | false alarms | loops | guardrail breaks |",
            "|---|---|---|---|---|---|---|",
        ]
        for split in SPLITS:
            if split in report["redteam"]:
                t = report["redteam"][split]["summary"]
                out.append(
                    f"| {split} | {t['conversations']} | {t['passed']} ({t['pass_rate']:.0%}) | {t['red_flag_dropped']} | "
                    f"{t['false_alarms']} | {t['loops']} | {t['guardrail_breaks']} |"
                )
        out.append("")
    out.append(END)
    return "\n".join(out)


def write_readme(report: dict) -> None:
    text = README.read_text()
    block = readme_block(report)
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text += "\n" + block + "\n"
    README.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", nargs="+", default=["real", "patients", "redteam"], choices=["real", "patients", "redteam"])
    parser.add_argument("--splits", nargs="+", default=list(SPLITS), choices=list(SPLITS))
    parser.add_argument("--base", help="a running assistant, e.g. http://localhost:5005")
    parser.add_argument("--token", help="its API token (to read the public slots)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--only", nargs="+", metavar="ID_PREFIX",
                        help="only the items whose id starts with one of these (a quick loop on dev; no floors, no README)")
    parser.add_argument("--readme", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--show-test-items", action="store_true",
                        help="also print the test split's item lines (for audits only: never tune on them)")
    parser.add_argument("--write-floors", action="store_true", help="record today's figures as the floors (review the diff)")
    args = parser.parse_args()
    if args.only and (args.write_floors or args.readme or args.check):
        parser.error("--only measures a few items: it cannot write floors or the README, or be checked against the floors")
    report = evaluate(args)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_details(report, args.verbose, args.show_test_items)
    if args.readme:
        write_readme(report)
    if args.write_floors:
        write_floors(report)
    worse = check(report) if args.check else []
    for w in worse:
        print("WORSE:", w)
    print()
    for line in headline(report):
        print(line)
    if worse:
        print(f"FAILED: {len(worse)} figure(s) worse than tests/evidence/floors.yml")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
