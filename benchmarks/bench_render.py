"""Benchmark (not a test): where a render's time goes, and the full render against the same
render with its cells already executed (Quarto freeze), in one run.

    PATH=<quarto>/bin:$PATH .venv/bin/python benchmarks/bench_render.py [--runs N]

Measures, each as the median of N runs:
- the pre-render build, cold (--force) and no-op;
- executing the chapters for each format in one process (imports, data, charts; PNG export for
  the PDF with an empty and with a warm chart cache);
- `quarto render report` (HTML + PDF, data unchanged) and the same render with frozen cells
  (`--profile frozen`, report/_quarto-frozen.yml), and their ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k not in ("CI", "BOSTON_REPORT_FORCE")}
ENV["QUARTO_PYTHON"] = sys.executable
EXECUTE = """
import os, sys, io, contextlib, ast
from pathlib import Path
os.chdir(sys.argv[1])
from analysis.report import qmd, charts
ns = {}
for c in qmd.cells(Path("index.qmd")):
    if c.kind == "prose":
        continue
    with contextlib.redirect_stdout(io.StringIO()):
        if c.kind == "inline":
            eval(c.source, ns)
            continue
        tree = ast.parse(c.source)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(ast.Module(tree.body[:-1] if last else tree.body, []), "cell", "exec"), ns)
        value = eval(compile(ast.Expression(last.value), "cell", "eval"), ns) if last else None
        if value is not None and "altair" in type(value).__module__:
            charts.html_and_png(value.to_dict(validate=False))
"""


def timed(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env or ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def median(cmd, runs, env=None, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        times.append(timed(cmd, env))
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    runs = p.parse_args().runs
    if shutil.which("quarto") is None:
        sys.exit("quarto is not on PATH")
    cli = [sys.executable, "-m", "analysis.cli"]
    cache = ROOT / "build" / "chart-cache"
    rows = [("pre-render build, cold (--force)", median([*cli, "build", "--force"], runs)),
            ("pre-render build, no-op", median([*cli, "build"], runs))]
    for fmt in ("html", "typst"):
        env = dict(ENV, BOSTON_REPORT_FORMAT=fmt)
        run = [sys.executable, "-c", EXECUTE, str(ROOT / "report")]
        if fmt == "typst":
            rows.append(("execute chapters for typst, empty chart cache", median(run, runs, env, lambda: shutil.rmtree(cache, ignore_errors=True))))
        rows.append((f"execute chapters for {fmt}" + (", warm chart cache" if fmt == "typst" else ""), median(run, runs, env)))
    quarto = ["quarto", "render", "report"]
    timed([*quarto, "--profile", "frozen"])  # populate report/_freeze/
    full = median(quarto, runs)
    frozen = median([*quarto, "--profile", "frozen"], runs)
    rows += [("quarto render report (HTML + PDF, data unchanged)", full), ("the same with frozen cells", frozen)]
    width = max(len(r[0]) for r in rows)
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:6.2f} s")
    print(f"full render / frozen render: {full / frozen:.2f}  (target ≤ 1.5)")


if __name__ == "__main__":
    main()
