"""The reader's cost per message at any checkout, on this checkout's real-language corpus.

Usage: python scripts/reader_speed.py [ROOT ...]   (default: this checkout)

Compares readers on the same messages (tests/real/dev.jsonl and test.jsonl of this
checkout), e.g. today's against a worktree of an earlier commit
(`git worktree add /tmp/wt <commit>; ln -s $PWD/build /tmp/wt/build`), or against the
hand-written extractor the reader replaced (a worktree of d4f020c, which has
``clinical_nlu/extractor.py`` instead of ``reader/``). Each ROOT runs in
its own process, three timed passes after a warm-up; run them alternately several times:
timings on a shared machine are noisy, so compare the minimum of each, as ratios in one run.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def measure(root: str) -> float:
    sys.path.insert(0, root)
    if (Path(root) / "reader" / "__init__.py").exists():
        from reader import default_reader

        read = default_reader().read
    else:  # the hand-written extractor the reader replaced (`git worktree add /tmp/old d4f020c`)
        from clinical_nlu.extractor import default_extractor

        read = default_extractor().extract
    texts = [json.loads(line)["text"] for split in ("dev", "test")
             for line in (HERE / "tests" / "real" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for t in texts[:20]:
        read(t)
    passes = []
    for _ in range(3):
        t0 = time.perf_counter()
        for t in texts:
            read(t)
        passes.append((time.perf_counter() - t0) * 1000 / len(texts))
    return min(passes)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps({"root": sys.argv[2], "ms_per_message": round(measure(sys.argv[2]), 2)}))
        return 0
    roots = sys.argv[1:] or [str(HERE)]
    for root in roots:
        out = subprocess.run([sys.executable, __file__, "--one", root], capture_output=True, text=True, check=True)
        print(out.stdout.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
