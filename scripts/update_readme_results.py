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


def load(name: str):
    path = ROOT / "reports" / name
    return json.loads(path.read_text()) if path.exists() else None


def crossval_lines() -> list:
    path = ROOT / "results" / "crossval" / "intent_report.json"
    if not path.exists():
        return []
    report = json.loads(path.read_text())
    macro = report.get("macro avg", {})
    weighted = report.get("weighted avg", {})
    return [
        f"Intent 5-fold cross-validation on the training data (`rasa test nlu --cross-validation`): macro-F1 "
        f"{macro.get('f1-score', 0):.3f}, weighted F1 {weighted.get('f1-score', 0):.3f}, accuracy {report.get('accuracy', 0):.3f}.",
        "",
    ]


def conversation_lines(conv) -> list:
    s = conv["summary"]
    return [
        f"**Scripted patients** (`make evaluate`; {s['patients']} patients in tests/patients/ covering rows "
        f"{', '.join(s['rows_covered'])} and every red flag; they read only the assistant's questions):",
        "",
        "| correct level | under-triaged | over-triaged | emergencies under-triaged | no result | questions per conversation (mean / median) |",
        "|---|---|---|---|---|---|",
        f"| {s['correct']:.1%} | {s['under_triaged']:.1%} | {s['over_triaged']:.1%} | {s['emergencies_under_triaged']} of {s['emergencies']} | {s['no_result']} | {s['questions_mean']} / {s['questions_median']} |",
        "",
    ]


def bench_lines(bench) -> list:
    lines = [
        "**Benchmark against a stock `rasa init` assistant** (`make bench`; same machine, same run; REST; ours with its action server and SQLite store):",
        "",
        "| assistant | concurrent | turns | p50 ms | p95 ms | p99 ms | turns/s | errors | RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("ours", "stock"):
        for r in bench[name]["runs"]:
            lines.append(f"| {name} | {r['concurrency']} | {r['turns']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['turns_per_s']} | {r['errors']} | {r['rss_mb']} |")
    ratios = bench["ratios"]
    lines += [
        "",
        f"Start-up to first answer: ours {bench['ours']['startup_s']} s, stock {bench['stock']['startup_s']} s; training: ours "
        f"{bench['ours']['training_s']} s, stock {bench['stock']['training_s']} s. Ratios ours/stock: "
        + "; ".join(f"{k} concurrent: throughput {v['throughput']}x, p95 {v['p95']}x" for k, v in ratios.items() if isinstance(v, dict))
        + f"; start-up {ratios['startup']}x; memory {ratios['memory']}x.",
        "",
        "![per-turn latency against concurrency, ours and stock](docs/bench.png)",
        "",
    ]
    return lines


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text()
    parts = [f"Measured on {date.today().isoformat()}, {platform.machine()}, 2 cores; regenerate with `make measure` (or `make evaluate`, `make bench`).", ""]
    nlu = ROOT / "reports" / "nlu_evaluation.json"
    if nlu.exists():
        parts += ["**NLU** (`make evaluate`; tests/nlu/test.yml is held out: never used for training or tuning):", ""]
        parts += nlu_lines(json.loads(nlu.read_text())) + [""]
    parts += crossval_lines()
    robust = load("robustness.json")
    if robust:
        parts += ["**Robustness sets** (tests/nlu/robustness/, kept apart from training and tuning data):", ""]
        parts += nlu_lines(robust) + [""]
    conv = load("conversations.json")
    if conv:
        parts += conversation_lines(conv)
    bench = load("bench.json")
    if bench:
        parts += bench_lines(bench)
    lat = ROOT / "reports" / "latency.json"
    if lat.exists():
        r = json.loads(lat.read_text())
        parts += [
            "**Speed** (`make latency`; REST, one conversation at a time, full scripted interviews on the real servers with the SQLite tracker store):",
            "",
            "| what | figure (this machine; a report, not a gate) |",
            "|---|---|",
            f"| per-turn latency p50 / p95 / p99 | {r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} ms over {r['turns']} turns |",
            f"| server start to first answer | {r['startup_to_first_answer_seconds']} s |",
        ]
        if "training_seconds" in r:
            parts.append(f"| full training (`rasa train --force`) | {r['training_seconds']} s |")
        if "make_test_seconds" in r:
            parts.append(f"| `make test` (already set up) | {r['make_test_seconds']} s |")
        parts.append("")
    block = "\n".join([START] + parts + [END])
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text += "\n" + block + "\n"
    readme.write_text(text)
    print("README results updated")
    if "--headline" in sys.argv:
        print(headline())
    return 0


def headline() -> str:
    bits = []
    nlu = load("nlu_evaluation.json")
    if nlu:
        t = nlu[0]
        et = t["entity_types"]
        bits.append(
            f"held-out {t['name']}: intent macro-F1 {t['intent_macro_f1']:.3f}, symptom recall {et.get('symptom', {}).get('recall', 0):.2f}, "
            f"risk-factor recall {et.get('risk_factor', {}).get('recall', 0):.2f}, red-flag recall {et.get('red_flag', {}).get('recall', 0):.2f}"
        )
    robust = load("robustness.json")
    if robust:
        bits.append("robustness intent accuracy " + ", ".join(f"{r['name'].replace('.yml', '')} {r['intent_accuracy']:.2f}" for r in robust))
    conv = load("conversations.json")
    if conv:
        s = conv["summary"]
        bits.append(
            f"scripted patients: {s['correct']:.0%} correct level, {s['under_triaged']:.0%} under-, {s['over_triaged']:.0%} over-triaged, "
            f"{s['emergencies_under_triaged']} of {s['emergencies']} emergencies under-triaged, {s['questions_mean']} questions per conversation"
        )
    bench = load("bench.json")
    if bench:
        r = bench["ratios"]
        at10 = r.get("10", {})
        bits.append(
            f"bench at 10 concurrent: throughput {at10.get('throughput')}x, p95 {at10.get('p95')}x stock; start-up {r['startup']}x, memory {r['memory']}x"
        )
    return "HEADLINE: " + " | ".join(bits)


if __name__ == "__main__":
    sys.exit(main())
