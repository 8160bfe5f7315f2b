"""Real people's first messages: what the assistant records from each one.

Each message of the corpus (tests/real/*.jsonl, labelled blind: see
tests/real/README.md) opens a fresh conversation. The public slots after that
one turn are compared with the labels:
- symptoms (SX_), risk factors (RK_) and modifiers (MOD_): recall and precision;
- red flags: a message with a present red flag is caught when any red flag is
  recorded (sensitivity), and the exact code is scored too; a message without
  one that records one is a false emergency;
- context: a code labelled not present (negated, past, hypothetical, a question,
  another person's) that is recorded anyway is a context error.
"""
from __future__ import annotations

from typing import Dict, List, Set

from tests.evidence.client import Assistant, new_sender

KINDS = {"SX_": "symptoms", "RK_": "risk_factors", "MOD_": "modifiers", "RF_": "red_flags"}


def kind_of(code: str) -> str:
    for prefix, kind in KINDS.items():
        if code.startswith(prefix):
            return kind
    return "other"


def recorded_codes(slots: dict) -> Set[str]:
    codes: Set[str] = set()
    for key in ("symptoms", "risk_factors", "red_flags"):
        codes |= set(slots.get(key) or [])
    return codes


def run_item(a: Assistant, item: dict) -> dict:
    sender = new_sender(item["id"][:20])
    messages = a.say(sender, item["text"])
    slots = a.slots(sender)
    return {
        "id": item["id"],
        "recorded": sorted(recorded_codes(slots)),
        "level": slots.get("triage_level"),
        "reply": [m.get("text") or "" for m in messages][:5],
    }


def asks_to_confirm(out: dict) -> bool:
    """The reply puts the one direct question about a possible red flag
    (clinical reference section 5) before anything else."""
    return any("one direct question" in (r or "").lower() for r in out.get("reply") or [])


def score(items: List[dict], outputs: List[dict]) -> dict:
    """Figures for one split (pure: no server; unit-tested)."""
    tp: Dict[str, int] = {k: 0 for k in ("symptoms", "risk_factors", "modifiers")}
    fn = dict(tp)
    fp = dict(tp)
    rf_items = rf_caught = rf_exact = rf_total = rf_confirm = 0
    no_rf_items = false_emergencies = 0
    ctx_total = ctx_errors = 0
    ctx_by_why: Dict[str, List[int]] = {}
    misses: List[dict] = []
    for item, out in zip(items, outputs):
        gold = set(item.get("present") or [])
        got = set(out["recorded"])
        for kind in tp:
            g = {c for c in gold if kind_of(c) == kind}
            r = {c for c in got if kind_of(c) == kind}
            tp[kind] += len(g & r)
            fn[kind] += len(g - r)
            fp[kind] += len(r - g)
        gold_rf = {c for c in gold if c.startswith("RF_")} | set(item.get("red_flags") or [])
        got_rf = {c for c in got if c.startswith("RF_")}
        if gold_rf:
            rf_items += 1
            rf_caught += bool(got_rf)
            # not recorded, but the assistant asked at once whether it is happening now
            rf_confirm += not got_rf and asks_to_confirm(out)
            rf_total += len(gold_rf)
            rf_exact += len(gold_rf & got_rf)
        else:
            no_rf_items += 1
            false_emergencies += bool(got_rf)
        for entry in item.get("not_present") or []:
            code, why = entry["code"], entry.get("why", "?")
            if code in gold:  # e.g. a relative's condition that is also the writer's own
                continue
            wrong = code in got
            ctx_total += 1
            ctx_errors += wrong
            c = ctx_by_why.setdefault(why, [0, 0])
            c[0] += wrong
            c[1] += 1
        missing = sorted(gold - got)
        extra = sorted(got - gold)
        if missing or extra:
            misses.append({"id": item["id"], "text": item["text"], "missing": missing, "extra": extra})

    def ratio(a: int, b: int) -> float:
        return round(a / b, 3) if b else 1.0

    return {
        "messages": len(items),
        "sources": len({item["source"] for item in items}),
        "symptom_recall": ratio(tp["symptoms"], tp["symptoms"] + fn["symptoms"]),
        "symptom_precision": ratio(tp["symptoms"], tp["symptoms"] + fp["symptoms"]),
        "risk_factor_recall": ratio(tp["risk_factors"], tp["risk_factors"] + fn["risk_factors"]),
        "risk_factor_precision": ratio(tp["risk_factors"], tp["risk_factors"] + fp["risk_factors"]),
        "modifier_recall": ratio(tp["modifiers"], tp["modifiers"] + fn["modifiers"]),
        "red_flag_messages": rf_items,
        "red_flags_caught": rf_caught,
        "red_flag_sensitivity": ratio(rf_caught, rf_items),
        "red_flags_confirm_asked": rf_confirm,
        "red_flag_code_recall": ratio(rf_exact, rf_total),
        "false_emergencies": false_emergencies,
        "false_emergency_rate": ratio(false_emergencies, no_rf_items) if no_rf_items else 0.0,
        "context_labels": ctx_total,
        "context_errors": ctx_errors,
        "context_error_rate": round(ctx_errors / ctx_total, 3) if ctx_total else 0.0,
        "context_errors_by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(ctx_by_why.items())},
        "misses": misses,
    }
