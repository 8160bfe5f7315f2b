"""Score the trained NLU on held-out sets: intents and clinical codes.

Usage: python scripts/evaluate_nlu.py [--model models/b12.tar.gz] [--check] FILE...

For each file (Rasa NLU YAML with annotated entities) it prints per-intent
precision/recall/F1, macro-F1, the most frequent confusions, per-entity-type
and per-code recall/precision for codes stated as present, the accuracy of
negated/uncertain readings, and lists the errors. ``--check`` exits non-zero
when the targets of the issue are missed (intent macro-F1 >= 0.90; symptom and
risk-factor recall >= 0.90). A JSON report goes to reports/.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import List, Set, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CODE_TYPES = ("symptom", "risk_factor", "modifier", "red_flag")
TARGETS = {"intent_macro_f1": 0.90, "symptom_recall": 0.90, "risk_factor_recall": 0.90}


def prf(tp: int, fp: int, fn: int) -> Tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def expected_codes(example) -> Set[Tuple[str, str, str]]:
    out = set()
    for e in example.get("entities") or []:
        if e.get("entity") in CODE_TYPES:
            out.add((e["entity"], e.get("value"), e.get("role") or "present"))
    return out


def predicted_codes(parse: dict) -> Set[Tuple[str, str, str]]:
    out = set()
    for e in parse.get("entities") or []:
        if e.get("entity") in CODE_TYPES:
            out.add((e["entity"], e.get("value"), e.get("role") or "present"))
        elif e.get("entity") == "age":
            # the reader reports an age; "aged 65 or over" is the engine's decision (engine/facts.py)
            from engine.facts import Facts

            facts = Facts()
            try:
                facts.set_age(int(e.get("value")))
            except (TypeError, ValueError):
                continue
            out.add(("risk_factor", "RK_AGE_OLDER", facts.status["RK_AGE_OLDER"].value))
    return out


async def parse_all(model: str, texts: List[str]) -> List[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [await agent.parse_message(t) for t in texts]


def evaluate(name: str, examples, parses) -> dict:
    intents_true = [ex.get("intent") for ex in examples]
    intents_pred = []
    for p in parses:
        intent = (p.get("intent") or {}).get("name")
        if intent == "nlu_fallback":  # report the classifier's own best guess
            ranking = p.get("intent_ranking") or []
            intent = next((r["name"] for r in ranking if r["name"] != "nlu_fallback"), intent)
        intents_pred.append(intent)
    labels = sorted(set(intents_true))
    per_intent = {}
    for label in labels:
        tp = sum(1 for t, p in zip(intents_true, intents_pred) if t == label and p == label)
        fp = sum(1 for t, p in zip(intents_true, intents_pred) if t != label and p == label)
        fn = sum(1 for t, p in zip(intents_true, intents_pred) if t == label and p != label)
        p_, r_, f_ = prf(tp, fp, fn)
        per_intent[label] = {"precision": p_, "recall": r_, "f1": f_, "support": tp + fn}
    macro_f1 = sum(v["f1"] for v in per_intent.values()) / len(per_intent)
    accuracy = sum(1 for t, p in zip(intents_true, intents_pred) if t == p) / len(examples)
    confusions = Counter((t, p) for t, p in zip(intents_true, intents_pred) if t != p)
    intent_errors = [
        {"text": ex.get("text"), "expected": t, "predicted": p}
        for ex, t, p in zip(examples, intents_true, intents_pred)
        if t != p
    ]

    # codes stated as present: recall and precision by entity type and by code
    by_type = defaultdict(lambda: [0, 0, 0])
    by_code = defaultdict(lambda: [0, 0, 0])
    status_total, status_right = 0, 0
    code_errors = []
    for ex, parse in zip(examples, parses):
        exp, pred = expected_codes(ex), predicted_codes(parse)
        exp_present = {(t, c) for t, c, s in exp if s == "present"}
        pred_present = {(t, c) for t, c, s in pred if s == "present"}
        for t, c in exp_present:
            key = "tp" if (t, c) in pred_present else "fn"
            by_type[t][0 if key == "tp" else 2] += 1
            by_code[c][0 if key == "tp" else 2] += 1
        for t, c in pred_present - exp_present:
            # a code not annotated counts against precision only if the example has annotations at all
            # or is an intent that should carry none
            by_type[t][1] += 1
            by_code[c][1] += 1
        for t, c, s in exp:
            if s != "present":
                status_total += 1
                if (t, c, s) in pred:
                    status_right += 1
        missed = exp_present - pred_present
        extra = pred_present - exp_present
        wrong_status = {(t, c, s) for t, c, s in exp if s != "present"} - pred
        if missed or extra or wrong_status:
            code_errors.append(
                {
                    "text": ex.get("text"),
                    "missed": sorted(c for _, c in missed),
                    "extra": sorted(c for _, c in extra),
                    "wrong_negation": sorted(f"{c}:{s}" for _, c, s in wrong_status),
                }
            )
    types = {}
    annotated = any(expected_codes(ex) for ex in examples)
    for t, (tp, fp, fn) in by_type.items():
        if not annotated:
            break  # an intent-only set: no entity scores
        p_, r_, f_ = prf(tp, fp, fn)
        types[t] = {"precision": p_, "recall": r_, "f1": f_, "support": tp + fn}
    codes = {}
    for c, (tp, fp, fn) in sorted(by_code.items()):
        p_, r_, f_ = prf(tp, fp, fn)
        codes[c] = {"precision": p_, "recall": r_, "f1": f_, "support": tp + fn}
    return {
        "name": name,
        "examples": len(examples),
        "intent_accuracy": accuracy,
        "intent_macro_f1": macro_f1,
        "per_intent": per_intent,
        "confusions": [{"expected": t, "predicted": p, "count": n} for (t, p), n in confusions.most_common(15)],
        "intent_errors": intent_errors,
        "entity_types": types,
        "codes": codes,
        "negation_accuracy": status_right / status_total if status_total else None,
        "negation_support": status_total,
        "code_errors": code_errors,
    }


def print_report(r: dict, verbose: bool) -> None:
    print(f"\n=== {r['name']}: {r['examples']} examples")
    print(f"{'intent':<16}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>5}")
    for k, v in r["per_intent"].items():
        print(f"{k:<16}{v['precision']:7.2f}{v['recall']:7.2f}{v['f1']:7.2f}{v['support']:5d}")
    print(f"intent accuracy {r['intent_accuracy']:.3f}  macro-F1 {r['intent_macro_f1']:.3f}")
    if r["confusions"]:
        print("top confusions: " + ", ".join(f"{c['expected']}->{c['predicted']} x{c['count']}" for c in r["confusions"][:8]))
    print(f"{'entity (present)':<16}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>5}")
    for k, v in sorted(r["entity_types"].items()):
        print(f"{k:<16}{v['precision']:7.2f}{v['recall']:7.2f}{v['f1']:7.2f}{v['support']:5d}")
    if r["negation_accuracy"] is not None:
        print(f"negated/unsure read correctly: {r['negation_accuracy']:.2f} of {r['negation_support']}")
    weak = [(c, v) for c, v in r["codes"].items() if v["recall"] < 0.8 or v["precision"] < 0.8]
    if weak:
        print("weakest codes: " + ", ".join(f"{c} P{v['precision']:.2f}/R{v['recall']:.2f}" for c, v in weak))
    if verbose:
        for e in r["intent_errors"]:
            print(f"  INTENT {e['expected']}->{e['predicted']}: {e['text']}")
        for e in r["code_errors"]:
            print(f"  CODES missed={e['missed']} extra={e['extra']} neg={e['wrong_negation']}: {e['text']}")
    else:
        print(f"({len(r['intent_errors'])} intent errors, {len(r['code_errors'])} code errors: see the JSON report or --verbose)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--model", default=str(ROOT / "models" / "b12.tar.gz"))
    parser.add_argument("--check", action="store_true", help="fail when the targets are missed")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--report", default=str(ROOT / "reports" / "nlu_evaluation.json"))
    args = parser.parse_args()

    from rasa.shared.nlu.training_data.loading import load_data

    datasets = []
    all_texts: List[str] = []
    for f in args.files:
        data = load_data(f)
        examples = [ex for ex in data.training_examples if ex.get("text")]
        datasets.append((Path(f).name, examples))
        all_texts += [ex.get("text") for ex in examples]
    parses = asyncio.run(parse_all(args.model, all_texts))
    reports, offset = [], 0
    for name, examples in datasets:
        r = evaluate(name, examples, parses[offset : offset + len(examples)])
        offset += len(examples)
        reports.append(r)
        print_report(r, args.verbose)
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(reports, indent=2))
    print(f"\nreport: {args.report}")
    if args.check:
        failed = []
        for r in reports:
            if r["intent_macro_f1"] < TARGETS["intent_macro_f1"]:
                failed.append(f"{r['name']}: intent macro-F1 {r['intent_macro_f1']:.3f} < 0.90")
            for t, key in (("symptom", "symptom_recall"), ("risk_factor", "risk_factor_recall")):
                rec = r["entity_types"].get(t, {}).get("recall", 1.0)
                if rec < TARGETS[key]:
                    failed.append(f"{r['name']}: {t} recall {rec:.3f} < 0.90")
        for f in failed:
            print("TARGET MISSED: " + f)
        if failed:
            return 1
        print("NLU targets met (intent macro-F1 >= 0.90, symptom and risk-factor recall >= 0.90)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
