"""Benchmark (not a test): the report's render against the floor, a bare Quarto project it generates
(one Jupyter cell drawing one Altair chart, the same two formats and font), alternating in one run so
that a slower minute slows both. Results and their history: benchmarks/README.md.

    PATH=<quarto>/bin:$PATH .venv/bin/python benchmarks/bench_render.py [--runs N] [--floor-only] [--only TEXT]

The cases (`boston-report render` is `quarto render` at the root):
- "HTML + PDF, execution reused": data, chapters and code unchanged since the last render (the
  pre-render's build is a no-op and the executed notebooks are reused), what re-rendering costs;
- "edit loop": the analyst's loop, the HTML after one sentence of one chapter changed (the report's
  notebook is executed afresh, the site's pages are reused: they do not include that chapter);
- "HTML only, execution reused" and "HTML + PDF, executed afresh" (every notebook deleted first), for the record.
Without --floor-only it also times the pre-render build (cold and no-op) and the execution alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = {k: v for k, v in os.environ.items() if k not in ("CI", "BOSTON_REPORT_FORCE")}
ENV["QUARTO_PYTHON"] = sys.executable


def forget_executions() -> None:
    """Delete the executed notebooks, so that the next render executes every document again."""
    from analysis.render.execute import SOURCES, notebook_path  # noqa: PLC0415

    for source in SOURCES:
        notebook_path(ROOT / source).unlink(missing_ok=True)


EDITED = ROOT / "report" / "chapters" / "density.qmd"
SENTENCE = "보스턴의 첫째 성공 요인은 **밀집**이다."


def edit_a_sentence() -> None:
    """Change one sentence of one chapter (two spaces after it, then three, in turn): the report's
    execution is then stale and the page the same; the checkout stays edited (as an analyst's is),
    so the edition's 'uncommitted changes' does not flip between runs."""
    text = EDITED.read_text(encoding="utf-8")
    two, three = SENTENCE + "  ", SENTENCE + "   "
    if three in text:
        text = text.replace(three, two, 1)
    elif two in text:
        text = text.replace(two, three, 1)
    else:
        text = text.replace(SENTENCE + " ", two, 1)
    EDITED.write_text(text, encoding="utf-8")


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


def alternate(a: list[str], b: list[str], runs: int, b_cwd: Path, before=None) -> tuple[list[float], list[float]]:
    """Time a and b in turn, runs times each, so that a slower minute slows both (``before`` runs
    untimed before each run of a)."""
    ta, tb = [], []
    for _ in range(runs):
        if before:
            before()
        ta.append(timed(a))
        start = time.perf_counter()
        subprocess.run(b, cwd=b_cwd, env=ENV, check=True, capture_output=True)
        tb.append(time.perf_counter() - start)
    return ta, tb


def floor_rows(runs: int, only: str | None = None) -> list[tuple[str, float]]:
    import tempfile  # noqa: PLC0415

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        bare = bare_project(Path(tmp) / "bare")
        subprocess.run(["quarto", "render"], cwd=bare, env=ENV, check=True, capture_output=True)  # warm-up
        cli = [sys.executable, "-m", "analysis.cli", "render"]
        html_only = [*cli, "--to", "html"]
        both, bare_html = ["quarto", "render"], ["quarto", "render", "--to", "html"]
        cases = [("HTML + PDF, execution reused", cli, both, 1.6, None),
                 ("edit loop: HTML after one sentence of one chapter changed, executed afresh", html_only, bare_html, 2.0, edit_a_sentence),
                 ("HTML only, execution reused", html_only, bare_html, None, None),
                 ("HTML + PDF, executed afresh", cli, both, None, forget_executions)]
        for label, full_cmd, bare_cmd, target, before in cases:
            if only and only not in label:
                continue
            if before is edit_a_sentence:
                edit_a_sentence()  # the checkout edited before the first run, as it stays
            subprocess.run(["quarto", "render"], cwd=ROOT, env=ENV, check=True, capture_output=True)  # executed, as after a render
            full, floor = alternate(full_cmd, bare_cmd, runs, bare, before)
            ratios = [f / b for f, b in zip(full, floor)]
            rows += [(f"report, {label}", statistics.median(full)), (f"bare project, {label.split(',')[0]}", statistics.median(floor))]
            print(f"{label}: report {[round(t, 1) for t in full]} s, bare {[round(t, 1) for t in floor]} s, "
                  f"median ratio {statistics.median(ratios):.2f} (pairs {min(ratios):.2f}–{max(ratios):.2f})"
                  + (f" (target ≤ {target})" if target else ""), flush=True)
    return rows


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--floor-only", action="store_true", help="only the report against the bare project")
    p.add_argument("--only", help="only the cases whose label holds this text (e.g. 'HTML only, execution reused')")
    args = p.parse_args()
    runs = args.runs
    original = EDITED.read_bytes()
    try:
        _main(args, runs)
    finally:
        EDITED.write_bytes(original)


def _main(args, runs: int) -> None:
    if shutil.which("quarto") is None:
        sys.exit("quarto is not on PATH")
    if args.floor_only:
        for label, seconds in floor_rows(runs, args.only):
            print(f"{label:<28}  {seconds:6.2f} s")
        return
    cli = [sys.executable, "-m", "analysis.cli"]
    execute = [sys.executable, "-c", "from analysis.paths import ProjectPaths; from analysis.render.execute import execute; "
               "execute(ProjectPaths.from_env())"]
    rows = [("pre-render build, cold (--force)", median([*cli, "build", "--force"], runs)),
            ("pre-render build, no-op", median([*cli, "build"], runs)),
            ("execute every document once (one kernel)", median(execute, runs, before=forget_executions)),
            ("reuse the executions (nothing changed)", median(execute, runs))]
    rows += floor_rows(runs, args.only)
    width = max(len(r[0]) for r in rows)
    for label, seconds in rows:
        print(f"{label:<{width}}  {seconds:6.2f} s")

if __name__ == "__main__":
    main()
