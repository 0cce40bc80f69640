"""Quarto `pre-render`: build and validate the data, then execute every document once.

The execution (analysis/render/execute.py) writes the executed notebooks the project renders
(report/index.executed.ipynb, report/site/*.executed.ipynb): Quarto renders them to HTML and PDF without executing
them again. A notebook is reused while nothing it was computed from has changed.

Quarto runs this with its own Python (QUARTO_PYTHON), so it must be the project's environment:
`make report` sets that up. Quarto aborts the render on a non-zero exit but says nothing, so every
failure is explained here on stderr.
"""

import sys
from pathlib import Path

REPORT = Path(__file__).resolve().parent


def _cannot_import(exc: ImportError) -> None:
    print(f"pre-render: cannot import the project's 'analysis' package with {sys.executable} ({exc}).\n"
          "Run `make report`, or set QUARTO_PYTHON to the project's .venv/bin/python.", file=sys.stderr)
    sys.exit(1)


try:
    from analysis.render.render import inside_job, wait_until_released
except ImportError as exc:
    _cannot_import(exc)
if inside_job():
    # One of `boston-report render`'s parallel Quarto processes, started beside the real pre-render:
    # wait until that has run and the render has filled this copy of the project (checked before the
    # imports below, which alone take a second).
    if not wait_until_released():
        print("pre-render: boston-report render stopped this Quarto process before it rendered "
              "(its pre-render failed; the reason is in its output)", file=sys.stderr)
        sys.exit(1)
    print("pre-render: done once by boston-report render beside this Quarto process", file=sys.stderr)
    sys.exit(0)
try:
    from analysis.render.vegabundle import INCLUDE, PLACEHOLDER_INCLUDE, write_vega_bundle
    from analysis.render.open_graph import write_open_graph
    from analysis.render.execute import ExecutionError, execute
    from analysis.paths import ProjectPaths
    from analysis.cli import main
except ImportError as exc:
    _cannot_import(exc)

code = main(["--root", str(REPORT.parent), "prerender"])
if code == 0:
    # One local copy of Vega/Vega-Lite/vega-embed for the whole HTML page (no CDN), and the
    # placeholder the executed notebook's head holds for it; kept while vl-convert and
    # chart-fit.js are unchanged.
    write_vega_bundle(REPORT / INCLUDE, REPORT / PLACEHOLDER_INCLUDE)
    # og:title and og:description from index.qmd's front matter, for a shared link's preview.
    write_open_graph(REPORT / "index.qmd")
    try:
        execute(ProjectPaths.from_env(REPORT.parent), log=lambda line: print(f"pre-render: {line}", file=sys.stderr))
    except ExecutionError as exc:
        print(f"\npre-render: a chapter failed, so Quarto stops here (no page was rendered).\n{exc}", file=sys.stderr)
        code = 1
sys.exit(code)
