"""Benchmark (not a test): a cold build against a no-op build, side by side, in one run.

    .venv/bin/python benchmarks/bench_build.py [--runs N]

Each run times `boston-report build --force` (clean, validate, publish) and then `boston-report
build` with nothing changed (the fingerprint check alone), as separate processes, the way an
analyst or Quarto's pre-render calls them. Prints the median of each and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "analysis.cli"]


def timed(args: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "BOSTON_REPORT_FORCE")}
    start = time.perf_counter()
    subprocess.run([*CLI, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    runs = p.parse_args().runs
    cold, noop = [], []
    for _ in range(runs):
        cold.append(timed(["build", "--force"]))
        noop.append(timed(["build"]))
    c, n = statistics.median(cold), statistics.median(noop)
    print(f"cold build (--force): median {c:.2f} s  [{', '.join(f'{x:.2f}' for x in cold)}]")
    print(f"no-op build:          median {n:.2f} s  [{', '.join(f'{x:.2f}' for x in noop)}]")
    print(f"no-op / cold: {100 * n / c:.1f} %   (targets: no-op < 0.5 s, < 10 % of cold)")


if __name__ == "__main__":
    main()
