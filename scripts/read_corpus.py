"""The reader alone on the real-language corpus: a fast loop for work on reader/.

Usage: python scripts/read_corpus.py [--split dev] [--misses] [--kind context|red_flags|...]

Reads every message of tests/real/<split>.jsonl with reader.default_reader(),
records what a first turn would record (present codes; "aged 65 or over" from
the age, as engine/facts.py decides it) and scores it with the same function
as scripts/evaluate_evidence.py. The figures that count are that script's,
through the running assistant; this one skips Rasa to take seconds. Tune on
dev only: the test split is for the report.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.facts import Facts  # noqa: E402
from knowledge import Status  # noqa: E402
from reader import default_reader  # noqa: E402
from tests.evidence import real_language  # noqa: E402
from tests.evidence.splits import load_real  # noqa: E402


def recorded(reading) -> list:
    facts = Facts()
    for f in reading.findings:
        facts.set(f.code, f.status)
    if reading.age is not None:
        facts.set_age(reading.age)
    return sorted(c for c, s in facts.status.items() if s == Status.PRESENT and not c.startswith("QL_"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--context", action="store_true", help="print the context errors")
    args = ap.parse_args()
    items = load_real(args.split)
    r = default_reader()
    t0 = time.perf_counter()
    outs = []
    for it in items:
        reading = r.read(it["text"])
        confirm = any(f.code.startswith("RF_") and f.status == Status.UNSURE for f in reading.findings)
        # what the assistant would do: ask the one direct question about a possible red flag
        outs.append({"id": it["id"], "recorded": recorded(reading), "reply": ["one direct question"] if confirm else []})
    ms = (time.perf_counter() - t0) * 1000 / max(1, len(items))
    figures = real_language.score(items, outs)
    if args.misses:
        for m in figures["misses"]:
            print(json.dumps(m, ensure_ascii=False))
    if args.context:
        for it, out in zip(items, outs):
            for e in it.get("not_present") or []:
                if e["code"] in out["recorded"] and e["code"] not in (it.get("present") or []):
                    print(f'{it["id"]}\t{e["code"]}\t{e.get("why")}\t{it["text"][:200]}')
    figures.pop("misses")
    print(json.dumps(figures, indent=1))
    print(f"{ms:.2f} ms per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
