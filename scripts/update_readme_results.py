"""Write the measured figures into README.md between the results markers.

Reads reports/nlu_evaluation.json (scripts/evaluate_nlu.py) and
reports/latency.json (scripts/measure_latency.py --train); nothing is typed
in by hand. Usage: python scripts/update_readme_results.py
"""
from __future__ import annotations

import json
import platform
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- results:start -->", "<!-- results:end -->"


def nlu_lines(reports) -> list:
    lines = [
        "| set | examples | intent accuracy | intent macro-F1 | symptom recall | risk-factor recall | modifier recall | red-flag recall | negation/unsure read right |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        t = r["entity_types"]

        def rec(k):
            return f"{t[k]['recall']:.2f}" if k in t else "n/a"

        neg = f"{r['negation_accuracy']:.2f} of {r['negation_support']}" if r["negation_accuracy"] is not None else "n/a"
        lines.append(
            f"| {r['name']} | {r['examples']} | {r['intent_accuracy']:.3f} | {r['intent_macro_f1']:.3f} | {rec('symptom')} | {rec('risk_factor')} | {rec('modifier')} | {rec('red_flag')} | {neg} |"
        )
    return lines


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text()
    parts = [f"Measured on {date.today().isoformat()}, {platform.machine()}, 2 cores; regenerate with `make measure`.", ""]
    nlu = ROOT / "reports" / "nlu_evaluation.json"
    if nlu.exists():
        parts += ["**NLU** (`make evaluate`; tests/nlu/test.yml is held out: never used for training or tuning):", ""]
        parts += nlu_lines(json.loads(nlu.read_text())) + [""]
    lat = ROOT / "reports" / "latency.json"
    if lat.exists():
        r = json.loads(lat.read_text())
        parts += [
            "**Speed** (`make latency`; REST, one conversation at a time, full scripted interviews on the real servers with the SQLite tracker store):",
            "",
            "| what | figure | target |",
            "|---|---|---|",
            f"| per-turn latency p50 / p95 / p99 | {r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} ms over {r['turns']} turns | p50 <= 60 ms |",
            f"| server start to first answer | {r['startup_to_first_answer_seconds']} s | |",
        ]
        if "training_seconds" in r:
            parts.append(f"| full training (`rasa train --force`) | {r['training_seconds']} s | < 180 s |")
        if "make_test_seconds" in r:
            parts.append(f"| `make test` (already set up) | {r['make_test_seconds']} s | < 1200 s |")
        parts.append("")
    block = "\n".join([START] + parts + [END])
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text += "\n" + block + "\n"
    readme.write_text(text)
    print("README results updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
