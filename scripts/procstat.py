"""Process figures from /proc (Linux): process trees, resident memory, CPU time.

Shared by the benchmark (scripts/bench.py) and the production topology
(tests/production/topology.py)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import List


def process_tree(pid: int) -> List[int]:
    """``pid`` and all its descendants."""
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for c in children:
        out += process_tree(int(c))
    return out


def rss_kb(pid: int) -> int:
    """Resident memory of one process in kB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0
