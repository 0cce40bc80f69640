"""Benchmark (not a test): where a render's time goes, the full render against the same render
with its cells already executed (Quarto freeze), and against the floor: a bare Quarto project
(one Jupyter cell drawing one Altair chart, the same two formats and font), alternating in one run.

    PATH=<quarto>/bin:$PATH .venv/bin/python benchmarks/bench_render.py [--runs N] [--floor-only]

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


BARE_PROJECT = """project:
  type: default
  render: [index.qmd]
lang: ko
execute:
  echo: false
jupyter: python3
format:
  html:
    embed-resources: true
  typst:
    mainfont: "Noto Sans CJK KR"
"""
BARE_DOCUMENT = """---
title: "바닥 (floor)"
---

```{python}
import altair as alt
import pandas as pd
alt.renderers.enable("png")
alt.Chart(pd.DataFrame({"연도": [2019, 2020, 2021], "값": [1, 3, 2]})).mark_line().encode(x="연도:O", y="값:Q")
```
"""


def bare_project(folder: Path) -> Path:
    """The floor: what any Quarto + Jupyter + Altair document costs on this machine."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_quarto.yml").write_text(BARE_PROJECT, encoding="utf-8")
    (folder / "index.qmd").write_text(BARE_DOCUMENT, encoding="utf-8")
    return folder


def alternate(a: list[str], b: list[str], runs: int, b_cwd: Path) -> tuple[list[float], list[float]]:
    """Time a and b in turn, runs times each, so that a slower minute slows both."""
    ta, tb = [], []
    for _ in range(runs):
        ta.append(timed(a))
        start = time.perf_counter()
        subprocess.run(b, cwd=b_cwd, env=ENV, check=True, capture_output=True)
        tb.append(time.perf_counter() - start)
    return ta, tb


def floor_rows(runs: int) -> list[tuple[str, float]]:
    import tempfile  # noqa: PLC0415

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        bare = bare_project(Path(tmp) / "bare")
        subprocess.run(["quarto", "render"], cwd=bare, env=ENV, check=True, capture_output=True)  # warm-up
        for label, full_cmd, bare_cmd, target in [
                ("HTML + PDF", ["quarto", "render"], ["quarto", "render"], 2.0),
                ("HTML only", [sys.executable, "-m", "analysis.cli", "render", "--to", "html"], ["quarto", "render", "--to", "html"], 1.5)]:
            full, floor = alternate(full_cmd, bare_cmd, runs, bare)
            ratios = [f / b for f, b in zip(full, floor)]
            rows += [(f"report, {label}", statistics.median(full)), (f"bare project, {label}", statistics.median(floor))]
            print(f"{label}: report {[round(t, 1) for t in full]} s, bare {[round(t, 1) for t in floor]} s, "
                  f"median ratio {statistics.median(ratios):.2f} (target ≤ {target})")
    return rows


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--floor-only", action="store_true", help="only the report against the bare project")
    args = p.parse_args()
    runs = args.runs
    if shutil.which("quarto") is None:
        sys.exit("quarto is not on PATH")
    if args.floor_only:
        for label, seconds in floor_rows(runs):
            print(f"{label:<28}  {seconds:6.2f} s")
        return
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
    rows += floor_rows(runs)
    width = max(len(r[0]) for r in rows)
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:6.2f} s")
    print(f"full render / frozen render: {full / frozen:.2f}  (target ≤ 1.5)")


if __name__ == "__main__":
    main()
