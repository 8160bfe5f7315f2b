"""Scale-out benchmark: does a second Rasa process add throughput?

Usage: python scripts/bench_scale.py [--levels 10 50] [--action-workers 1] [--check]

Runs the production topology (tests/production/topology.py: nginx, Rasa on
PostgreSQL + Redis, the action server) three times, identical but for the Rasa
side: one process, two processes, and one process with SANIC_WORKERS=2. Each
drives 10 and 50 concurrent full interviews over REST through nginx (the same
client as scripts/bench.py: every turn timed, errors counted) and records
turns/s, p50/p95/p99 and RSS per process. Writes reports/scale.json and prints
the ratios 2 processes / 1 process. The goal of the issue is >= 1.7x; --check
fails when it is missed at any level. The machine's cores are shared by
everything (client, nginx, PostgreSQL, Redis, action server, Rasa), and the
report records how many there were.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.bench import CONVERSATIONS, drive  # noqa: E402
from tests.production.topology import Topology, machine_cpu  # noqa: E402


def _own_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

GOAL = 1.7
CONFIGS = {
    "1 process": dict(rasa_count=1, sanic_workers=1),
    "2 processes": dict(rasa_count=2, sanic_workers=1),
    "1 process, SANIC_WORKERS=2": dict(rasa_count=1, sanic_workers=2),
}


def run_config(name: str, levels: List[int], action_workers: int, tmp: Path, conversations: Dict[int, int]) -> dict:
    settings = CONFIGS[name]
    workdir = tmp / name.replace(" ", "_").replace(",", "").replace("=", "")
    with Topology(workdir, action_workers=action_workers, **settings) as topo:
        base = topo.nginx_base
        asyncio.run(drive(base, 5, 10, True))  # warm up every process (first turns load lazily)
        runs = []
        for level in levels:
            t0 = time.perf_counter()
            cpu0, machine0, client0 = topo.cpu_seconds(stores=True), machine_cpu(), _own_cpu()
            run = asyncio.run(drive(base, level, conversations.get(level, level * 2), True))
            wall = time.perf_counter() - t0
            cpu1, machine1, client1 = topo.cpu_seconds(stores=True), machine_cpu(), _own_cpu()
            run["wall_s"] = round(wall, 1)
            run["rss_mb"] = topo.rss_mb()
            # where the CPU went: ms of CPU per turn by role (the load generator is "client"),
            # and how busy the whole machine was (other work on it included)
            per_turn = {name: round((cpu1[name] - cpu0.get(name, 0)) * 1000 / max(run["turns"], 1), 1) for name in cpu1}
            per_turn["client"] = round((client1 - client0) * 1000 / max(run["turns"], 1), 1)
            run["cpu_ms_per_turn"] = per_turn
            busy = (machine1[0] - machine0[0]) / max(machine1[1] - machine0[1], 1)
            run["machine_busy_pct"] = round(100 * busy, 1)
            # CPU the machine spent on anything else (other programs running at the same time)
            cores = os.cpu_count() or 1
            ours = sum(per_turn.values()) * run["turns"] / 1000
            run["other_work_cores"] = round(max(0.0, busy * cores * wall - ours) / wall, 2)
            # the most this machine could do if every core did nothing but this work
            run["cpu_bound_turns_per_s"] = round((os.cpu_count() or 1) * 1000 / max(sum(per_turn.values()), 0.1), 1)
            runs.append(run)
            print(f"  {name:28} {level:>3} concurrent: {run['turns_per_s']:>6} turns/s  p50 {run['p50_ms']:>7} ms  "
                  f"p95 {run['p95_ms']:>7} ms  errors {run['errors']}  machine busy {run['machine_busy_pct']}% "
                  f"(other work {run['other_work_cores']} cores)  "
                  f"CPU ms/turn {per_turn}", flush=True)
        return {"settings": {**settings, "action_workers": action_workers}, "startup_s": round(topo.startup_s, 1), "runs": runs}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--action-workers", type=int, default=1, help="ACTION_SERVER_SANIC_WORKERS")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the number of conversations per level")
    parser.add_argument("--out", default=str(ROOT / "reports" / "scale.json"))
    parser.add_argument("--check", action="store_true", help=f"fail when 2 processes give < {GOAL}x the throughput of 1")
    args = parser.parse_args()
    conversations = {k: max(1, int(v * args.scale)) for k, v in CONVERSATIONS.items()}
    report = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())},
        "note": "everything on one machine: load generator, nginx, PostgreSQL, Redis, action server and Rasa share the cores",
        "configs": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.configs:
            print(f"== {name}", flush=True)
            report["configs"][name] = run_config(name, args.levels, args.action_workers, Path(tmp), conversations)
    ratios = {}
    one = report["configs"].get("1 process")
    for other in ("2 processes", "1 process, SANIC_WORKERS=2"):
        if one and other in report["configs"]:
            for r1, r2 in zip(one["runs"], report["configs"][other]["runs"]):
                ratios.setdefault(other, {})[str(r1["concurrency"])] = {
                    "throughput": round(r2["turns_per_s"] / r1["turns_per_s"], 2),
                    "p95": round(r2["p95_ms"] / r1["p95_ms"], 2),
                }
    report["ratios_vs_1_process"] = ratios
    two = ratios.get("2 processes", {})
    report["goal"] = {"throughput_2_vs_1": GOAL, "met": bool(two) and all(v["throughput"] >= GOAL for v in two.values())}
    errors = sum(r["errors"] for c in report["configs"].values() for r in c["runs"])
    report["errors"] = errors
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))

    print(f"\n{'config':30}{'conc':>5}{'turns':>7}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>7}")
    for name, c in report["configs"].items():
        for r in c["runs"]:
            print(f"{name:30}{r['concurrency']:>5}{r['turns']:>7}{r['turns_per_s']:>9}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}{r['errors']:>7}")
    for other, by_level in ratios.items():
        for level, v in by_level.items():
            print(f"{other} / 1 process at {level} concurrent: throughput {v['throughput']}x, p95 {v['p95']}x")
    print("\nCPU per turn (ms) by role, machine busy %, and the CPU-bound ceiling (cores x 1000 / CPU ms per turn):")
    for name, c in report["configs"].items():
        for r in c["runs"]:
            print(f"  {name:28}{r['concurrency']:>4}: {r['cpu_ms_per_turn']}  busy {r['machine_busy_pct']}% "
                  f"(other work {r['other_work_cores']} cores)  "
                  f"ceiling {r['cpu_bound_turns_per_s']} turns/s")
    print(f"SCALE: 2 processes give {_fmt(two)} "
          f"the throughput of 1 (goal {GOAL}x: {'met' if report['goal']['met'] else 'NOT met'}; {os.cpu_count()} cores shared); "
          f"errors {errors}; report {out}")
    return 1 if (args.check and not report["goal"]["met"]) or errors else 0


def _fmt(by_level: Dict[str, dict]) -> str:
    return ", ".join(f"{v['throughput']}x at {level} concurrent" for level, v in by_level.items())


if __name__ == "__main__":
    sys.exit(main())
