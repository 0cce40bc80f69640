"""Shared fixtures: a throw-away copy of the project's data so that tests can corrupt raw files,
run the real pipeline on them, and check that the copy's data/clean/ is untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from analysis.paths import PACKAGE_ROOT, ProjectPaths
from analysis.render import qmd
from analysis.markup import EXECUTING_ENV

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = PACKAGE_ROOT
REPORT = ROOT / "report"
INDEX = REPORT / "index.qmd"
CHROMIUM = shutil.which(os.environ.get("CHROMIUM") or "chromium")


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """A copy of data/ and expectations/ (the code is the installed package)."""
    for name in ("data", "expectations"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns(".clean-*"))
    return ProjectPaths(tmp_path)


def snapshot_dir(path: Path) -> dict[str, bytes]:
    """Every file's bytes, to prove a folder did not change."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def nodes_where(tree, match) -> list[dict]:
    """Every mapping in a JSON-like tree (a Vega-Lite spec, a Pandoc AST) for which ``match`` is true."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if match(node):
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(tree)
    return found


def needs_chromium() -> str:
    """Debian's Chromium, for the tests that open pages in the real browser: required in CI."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (Debian's chromium; .ci/run installs it)")
        pytest.skip("Chromium not installed (apt-get install chromium): the browser checks were not run")
    return CHROMIUM


# --------------------------------------------------------------------------- the report, executed

def notebook_for(path: Path) -> tuple[nbformat.NotebookNode, list[qmd.Cell]]:
    executable = [c for c in qmd.cells(path) if c.kind in ("code", "inline")]
    nb = nbformat.v4.new_notebook()
    for c in executable:
        # An inline expression runs as Quarto runs it: evaluated after the cells before it.
        source = c.source if c.kind == "code" else f"__inline = ({c.source})\nprint(type(__inline).__name__ + '|' + str(__inline))"
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"qmd": f"{c.file}:{c.line}"}))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb, executable


@pytest.fixture(scope="session")
def executed():
    """The report executed once for the whole test session, through a real kernel, as the pre-render
    executes it (one execution for every format)."""
    # The data-quality appendix reads the last validation summary, as after Quarto's pre-render.
    from analysis.build.pipeline import validate_published

    assert validate_published().success
    nb, executable = notebook_for(INDEX)
    # As the pre-render executes the report: once, for every format (the kernel inherits the marker).
    before = os.environ.get(EXECUTING_ENV)
    os.environ[EXECUTING_ENV] = "1"
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(REPORT)}}).execute()
    finally:
        os.environ.pop(EXECUTING_ENV) if before is None else os.environ.__setitem__(EXECUTING_ENV, before)
    return nb, executable


def chart_markdown(cell) -> str:
    """A figure cell's one output: Markdown holding the chart's raw HTML and its PNG."""
    return next(o["data"]["text/markdown"] for o in cell.outputs if o.output_type in ("display_data", "execute_result")
                and "text/markdown" in o["data"])


def chart_specs(executed) -> list[tuple[qmd.Cell, dict]]:
    """The Vega-Lite spec of every figure cell, as embedded in its HTML output."""
    from analysis.checks.pdf_charts import html_charts

    nb, executable = executed
    out = []
    for cell, src in zip(nb.cells, executable):
        if not src.options.get("label", "").startswith("fig-"):
            continue
        (_, spec), = html_charts(chart_markdown(cell))
        out.append((src, spec))
    return out
