"""Bounded soak test of the production topology at steady load.

Usage: python scripts/soak.py [--minutes 5] [--concurrency 10] [--rasa 2] [--interval 15]
                              [--max-growth-mb 40] [--max-growth-pct 8] [--max-slope 6]

Starts the production topology (tests/production/topology.py: nginx, N Rasa
processes on PostgreSQL + Redis, the action server) and keeps `--concurrency`
full interviews going through nginx for `--minutes` (each conversation starts
over with a new id when it reaches its result). Every `--interval` seconds it
samples the RSS of every process (nginx, action server, each Rasa). After a
warm-up (the first turns load models and caches lazily; not counted) it
reports errors (any reply that is not HTTP 200 with a normal answer; must be
zero), throughput, latency, and per process the first and last RSS and the
slope (least squares, MB per minute).

Fails (exit 1) on any error, or when a process grows by more than
max(--max-growth-mb, --max-growth-pct % of its first sample) from the first
to the last sample, or (runs of 3 minutes or more) when its slope exceeds
--max-slope MB/min. Writes reports/soak.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.measure_latency import ANSWERS, OPENINGS, percentile  # noqa: E402
from tests.production.topology import Topology  # noqa: E402


def slope_mb_per_min(samples: List[tuple]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB per minute."""
    if len(samples) < 2:
        return 0.0
    xs = [t / 60 for t, _ in samples]
    ys = [m for _, m in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return round(sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den, 2) if den else 0.0


class Load:
    def __init__(self, base: str, concurrency: int) -> None:
        self.base = base
        self.concurrency = concurrency
        self.timings: List[float] = []
        self.errors: List[str] = []
        self.conversations = 0
        self.counting = False

    async def conversation(self, session: aiohttp.ClientSession, n: int, deadline: float) -> None:
        sender = f"soak-{n}-{time.time_ns()}"
        for i in range(40):
            if time.monotonic() > deadline:
                return
            text = OPENINGS[n % len(OPENINGS)] if i == 0 else ANSWERS[i % len(ANSWERS)]
            t0 = time.perf_counter()
            body = []
            try:
                async with session.post(f"{self.base}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                        timeout=aiohttp.ClientTimeout(total=60)) as r:
                    body = await r.json(content_type=None)
                    ok = r.status == 200 and isinstance(body, list) and body
                    apology = ok and any("try again" in (m.get("text") or "").lower() for m in body)
                    if self.counting and (not ok or apology):
                        self.errors.append(f"HTTP {r.status}: {str(body)[:200]}")
            except Exception as e:  # noqa: BLE001 - every failure counts
                if self.counting:
                    self.errors.append(f"{type(e).__name__}: {e}")
            if self.counting:
                self.timings.append((time.perf_counter() - t0) * 1000)
            if isinstance(body, list) and any(isinstance(m, dict) and "custom" in m for m in body):
                if self.counting:
                    self.conversations += 1
                return

    async def worker(self, w: int, deadline: float) -> None:
        n = w
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                await self.conversation(session, n, deadline)
                n += self.concurrency


async def soak(topo: Topology, args) -> dict:
    load = Load(topo.nginx_base, args.concurrency)
    start = time.monotonic()
    deadline = start + args.warmup + args.minutes * 60
    workers = [asyncio.create_task(load.worker(w, deadline)) for w in range(args.concurrency)]
    await asyncio.sleep(args.warmup)
    load.counting = True
    t_count = time.monotonic()
    samples: Dict[str, List[tuple]] = {}
    while True:
        now = time.monotonic()
        for name, mb in topo.rss_mb().items():
            samples.setdefault(name, []).append((round(now - t_count, 1), mb))
        if now + args.interval > deadline + 0.5:
            break
        await asyncio.sleep(min(args.interval, max(0.0, deadline - now)))
    await asyncio.gather(*workers)
    wall = time.monotonic() - t_count
    for name, mb in topo.rss_mb().items():
        samples.setdefault(name, []).append((round(time.monotonic() - t_count, 1), mb))
    missing = [p.name for p in topo.rasa + [topo.actions, topo.nginx] if not p.alive]
    if missing:
        load.errors.append(f"processes died: {missing}")
    processes = {}
    for name, series in samples.items():
        first, last = series[0][1], series[-1][1]
        bound = max(args.max_growth_mb, first * args.max_growth_pct / 100)
        slope = slope_mb_per_min(series)
        flat = (last - first) <= bound and (args.minutes < 3 or slope <= args.max_slope)
        processes[name] = {"first_mb": first, "last_mb": last, "growth_mb": round(last - first, 1),
                           "bound_mb": round(bound, 1), "slope_mb_per_min": slope, "flat": flat, "samples": series}
    return {
        "minutes": args.minutes, "concurrency": args.concurrency, "rasa_processes": args.rasa, "warmup_s": args.warmup,
        "turns": len(load.timings), "conversations_completed": load.conversations,
        "turns_per_s": round(len(load.timings) / wall, 1) if wall else 0,
        "p50_ms": round(percentile(load.timings, 50), 1) if load.timings else None,
        "p95_ms": round(percentile(load.timings, 95), 1) if load.timings else None,
        "p99_ms": round(percentile(load.timings, 99), 1) if load.timings else None,
        "errors": len(load.errors), "error_examples": load.errors[:10],
        "memory_bound": f"growth <= max({args.max_growth_mb} MB, {args.max_growth_pct}% of first sample) per process"
                        + (f"; slope <= {args.max_slope} MB/min" if args.minutes >= 3 else ""),
        "processes": processes,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rasa", type=int, default=2)
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between RSS samples")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds of load before counting and sampling")
    parser.add_argument("--max-growth-mb", type=float, default=40.0)
    parser.add_argument("--max-growth-pct", type=float, default=8.0)
    parser.add_argument("--max-slope", type=float, default=6.0, help="MB/min, checked on runs of 3 minutes or more")
    parser.add_argument("--out", default=str(ROOT / "reports" / "soak.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with Topology(Path(tmp), rasa_count=args.rasa) as topo:
            print(f"soak: {args.minutes} min at {args.concurrency} concurrent conversations through nginx, "
                  f"{args.rasa} Rasa processes (started in {topo.startup_s:.0f} s)", flush=True)
            report = asyncio.run(soak(topo, args))
    report["passed"] = report["errors"] == 0 and all(p["flat"] for p in report["processes"].values())
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"{'process':10}{'first MB':>10}{'last MB':>10}{'growth':>9}{'bound':>8}{'MB/min':>8}  flat")
    for name, p in report["processes"].items():
        print(f"{name:10}{p['first_mb']:>10}{p['last_mb']:>10}{p['growth_mb']:>9}{p['bound_mb']:>8}{p['slope_mb_per_min']:>8}  {p['flat']}")
    for e in report["error_examples"]:
        print("error:", e)
    print(f"SOAK: {report['minutes']} min, {report['turns']} turns, {report['turns_per_s']} turns/s, "
          f"p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, {report['conversations_completed']} conversations, "
          f"errors {report['errors']}, memory {'flat' if all(p['flat'] for p in report['processes'].values()) else 'GROWING'}: "
          f"{'PASS' if report['passed'] else 'FAIL'} (report {out})")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
