"""The project's pre-render (``quarto render``, ``quarto preview`` and ``boston-report render`` all
run it): build and gate the data (a failure stops the render: Quarto prints no reason of its own,
so this step prints the gate's), write the page's one local copy of Vega and the Open Graph tags,
then execute each document once for every format (:mod:`analysis.render.execute`)."""

from __future__ import annotations

import sys
from pathlib import Path

from analysis.paths import ProjectPaths
from analysis.render.execute import ExecutionError, execute
from analysis.render.open_graph import write_open_graph
from analysis.render.vegabundle import INCLUDE, PLACEHOLDER_INCLUDE, write_vega_bundle


def main(root: Path) -> int:
    from analysis.cli import main as cli  # noqa: PLC0415 - the build's command, with its messages

    code = cli(["--root", str(root), "prerender"])
    if code:
        return code
    paths = ProjectPaths.from_env(root)
    # One local copy of Vega, Vega-Lite and vega-embed for every HTML page (no CDN), and the
    # placeholder the executed notebooks' heads hold for it; kept while vl-convert and chart-fit.js are unchanged.
    write_vega_bundle(paths.report / INCLUDE, paths.report / PLACEHOLDER_INCLUDE)
    write_open_graph(paths.report / "index.qmd")
    try:
        execute(paths, log=lambda line: print(f"pre-render: {line}", file=sys.stderr))
    except ExecutionError as exc:
        print(f"\npre-render: a chapter failed, so Quarto stops here (no page was rendered).\n{exc}", file=sys.stderr)
        return 1
    return 0
