"""Per-turn latency through REST, one conversation at a time, on the real servers.

Usage: python scripts/measure_latency.py [--conversations 20] [--train]

Starts the action server and Rasa (own ports, own SQLite tracker store), runs
full scripted interviews one after another (typed text and button payloads),
and reports p50/p95/p99 per-turn latency, server start-up time to the first
answer and, with --train, the time of a full `rasa train`. It is a report, never a
gate: an absolute time depends on the machine, so speed goals live in
scripts/bench.py as ratios against a stock assistant measured in the same run.
Results: reports/latency.json.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.servers import Servers  # noqa: E402

OPENINGS = [
    "I'm 58, on metformin for years, and my feet have been numb and burning at night for 3 months",
    "hi",
    "my legs feel heavy and I keep tripping, I'm vegan",
    "I'm so tired all the time and my tongue is sore",
    "asking for my mum, she's 81 and her memory is getting worse",
]
ANSWERS = ["no", "/deny", "nope", "about 6 months", "/inform{\"progression\":\"stable\"}", "not sure", "no", "/deny", "I'm 45"]


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_conversation(s: Servers, sender: str, opening: str, timings: list) -> int:
    turns = 0
    for i in range(40):
        text = opening if i == 0 else ANSWERS[i % len(ANSWERS)]
        t0 = time.perf_counter()
        messages = s.say(sender, text)
        timings.append((time.perf_counter() - t0) * 1000)
        turns += 1
        if any("custom" in m for m in messages):
            break
    return turns


def measure_training() -> float:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "rasa"), "train", "--force", "--out", out, "--fixed-model-name", "timing"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--train", action="store_true", help="also time a full training run")
    args = parser.parse_args()

    report = {}
    if args.train:
        report["training_seconds"] = round(measure_training(), 1)
    with tempfile.TemporaryDirectory() as tmp:
        s = Servers(Path(tmp))
        try:
            s.start_actions()
            t0 = time.perf_counter()
            s.start_rasa()
            s.say("warmup", "hi")
            report["startup_to_first_answer_seconds"] = round(time.perf_counter() - t0, 1)
            for i in range(3):  # warm caches before timing
                run_conversation(s, f"warm-{i}", OPENINGS[i % len(OPENINGS)], [])
            timings: list = []
            turns = []
            for i in range(args.conversations):
                turns.append(run_conversation(s, f"lat-{i}-{time.time_ns()}", OPENINGS[i % len(OPENINGS)], timings))
        finally:
            s.stop()
    report.update(
        {
            "conversations": args.conversations,
            "turns": len(timings),
            "turns_per_conversation": round(statistics.mean(turns), 1),
            "p50_ms": round(percentile(timings, 50), 1),
            "p95_ms": round(percentile(timings, 95), 1),
            "p99_ms": round(percentile(timings, 99), 1),
            "mean_ms": round(statistics.mean(timings), 1),
        }
    )
    out = ROOT / "reports" / "latency.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"latency: p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms over {report['turns']} turns (a report, not a gate)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
