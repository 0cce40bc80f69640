"""``boston-report render``: ``quarto render`` at the project root, with the project's Python and
the render's settings, and nothing else. The project's own pre-render and post-render do the work
(build and gate, one execution, the pages made whole and published in one step), so plain
``quarto render`` at the root gives the same files; a contract test holds the two together."""

from __future__ import annotations

import os
import subprocess
import sys

from analysis.build.fingerprint import FORCE_ENV
from analysis.paths import ProjectPaths

FORMATS = ("html", "typst")  # what --to accepts: the report's two formats
REPORT_NOTEBOOK = "report/index.executed.ipynb"  # the one document with a PDF (the site's pages are HTML only)
DATA_DOCS_ENV = "BOSTON_REPORT_DATA_DOCS"  # the pre-render's build then writes Data Docs too


def command(quarto: str, to: str | None = None) -> list[str]:
    """The whole project, or for the PDF alone the report's notebook: Quarto's own ``--to typst``
    at the root would try the site's HTML-only pages as PDFs too."""
    return [quarto, "render", *([REPORT_NOTEBOOK] if to == "typst" else []), *(["--to", to] if to else [])]


def render(paths: ProjectPaths, quarto: str, to: str | None = None, *, force: bool = False, data_docs: bool = False) -> int:
    """Quarto's exit status; its output (and the pre- and post-render's) goes to the terminal."""
    env = dict(os.environ, QUARTO_PYTHON=os.environ.get("QUARTO_PYTHON", sys.executable))
    if force:
        env[FORCE_ENV] = "1"  # the pre-render rebuilds and executes again even when nothing changed
    if data_docs:
        env[DATA_DOCS_ENV] = "1"
    if to == "typst" and not (paths.root / REPORT_NOTEBOOK).exists():
        # Quarto needs a file named on its command line to exist before it runs the pre-render.
        code = subprocess.call([env["QUARTO_PYTHON"], "report/_prerender.py"], cwd=paths.root, env=env)
        if code:
            return code
    cmd = command(quarto, to)
    print(f"$ cd {paths.root} && quarto {' '.join(cmd[2:])}", file=sys.stderr)
    return subprocess.call(cmd, cwd=paths.root, env=env)
