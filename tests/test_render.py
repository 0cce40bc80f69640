"""The render with the real Quarto, on a copy of the project.

- The contract a Quarto upgrade must keep: `boston-report render` and plain `quarto render` at the
  root give the same pages (HTML text, PDF text and page count), every payload put back.
- A render is all-or-nothing: a failed PDF, a post-render killed before or while it publishes, or a
  page from which Quarto lost a payload's place leaves the previous `_output/` and its edition
  record whole (byte for byte), and the next render recovers by itself.

Two whole renders (the contract's); the failure cases render only the document they need (the
report for its PDF and its payloads, the English summary, the smallest page, for a killed
post-render): Quarto runs the project's pre- and post-render for any of its documents.

Quarto is required in CI (`.ci/run` installs it before the tests); elsewhere these tests are
skipped with a reason when `quarto` is not on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.checks.text import page_text
from conftest import copy_documents, copy_project, required, snapshot_dir

QUARTO = shutil.which("quarto")
PAGES = ("report/index.html", "report/site/index.html", "report/site/en.html")
SMALLEST = "report/site/en.executed.ipynb"  # the English summary: one HTML page, the quickest to render
# A post-render that runs the real one with one step changed (the test's {hook}), in the project copy.
HOOKED_POST_RENDER = """import os, signal, sys
from pathlib import Path
from analysis import folders
from analysis.render import postrender

def kill(*_):
    os.kill(os.getpid(), signal.SIGKILL)

{hook}
sys.exit(postrender.main(Path(__file__).resolve().parent.parent))
"""


def needs_quarto() -> str:
    return required(QUARTO, "Quarto is required in CI (.ci/run installs the kit before the tests)",
                    "quarto is not on PATH: the render's contract and all-or-nothing tests were not run")


def quarto(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([needs_quarto(), "render", *args], cwd=root, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "QUARTO_PYTHON": sys.executable, **env})


def html_text(path: Path) -> str:
    """A page's visible text (no script or style), as the output check reads it."""
    return page_text(path.read_text(encoding="utf-8"))


def pdf_text(path: Path) -> tuple[int, str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages), "\n".join(page.extract_text() or "" for page in pdf.pages)


def reading(root: Path) -> dict:
    """What a reader gets from a render: each page's text, the PDF's pages and text."""
    out = root / "_output"
    return {**{page: html_text(out / page) for page in PAGES}, "pdf": pdf_text(out / "report" / "index.pdf")}


@pytest.fixture(scope="module")
def rendered_copy(tmp_path_factory) -> Path:
    """A copy of the project (data, suites, documents, the Quarto project), rendered once with
    `boston-report render`."""
    needs_quarto()
    root = tmp_path_factory.mktemp("render") / "project"
    root.mkdir()
    copy_project(root)
    copy_documents(root)
    run = subprocess.run([sys.executable, "-m", "analysis.cli", "--root", str(root), "render"], cwd=root, capture_output=True,
                         text=True, timeout=900, env={**os.environ, "QUARTO_PYTHON": sys.executable})
    assert run.returncode == 0, run.stderr[-3000:]
    # The pre-render wrote the page's one Vega copy and its placeholder, and executed every document once.
    assert "window.vegaEmbed" in (root / "report" / "_vega-bundle.html").read_text(encoding="utf-8")
    assert "boston-vega-bundle" in (root / "report" / "_vega-placeholder.html").read_text(encoding="utf-8")
    assert all((root / "report" / f"{name}.executed.ipynb").is_file() for name in ("index", "site/index", "site/en"))
    return root


@pytest.mark.slow
def test_boston_report_render_and_plain_quarto_render_give_the_same_pages(rendered_copy):
    """`boston-report render` is `quarto render` at the root: the same HTML text, PDF text and
    page count, every payload put back (no token anywhere), the edition record naming each file."""
    first = reading(rendered_copy)
    assert len(first["report/index.html"]) > 50_000 and first["pdf"][0] > 20
    run = quarto(rendered_copy)
    assert run.returncode == 0, run.stderr[-3000:]
    assert reading(rendered_copy) == first
    for page in PAGES:
        assert "boston-payload-" not in (rendered_copy / "_output" / page).read_text(encoding="utf-8"), page
    assert "_output/ in one step" in run.stderr


@pytest.mark.slow
def test_a_failed_pdf_leaves_the_last_output_and_its_record_whole(rendered_copy):
    before = snapshot_dir(rendered_copy / "_output")
    # The report's HTML renders, then its PDF fails.
    run = quarto(rendered_copy, "report/index.executed.ipynb", QUARTO_TYPST="/bin/false")
    assert run.returncode != 0
    assert snapshot_dir(rendered_copy / "_output") == before


@pytest.mark.slow
@pytest.mark.parametrize("hook", [
    "folders.overlay = kill",  # the pages made whole and recorded, killed before publishing
    "folders.replace = kill",  # killed with the new _output/ staged beside the old
])
def test_a_killed_post_render_leaves_the_last_output_whole_and_the_next_render_recovers(rendered_copy, hook):
    script = rendered_copy / "report" / "_postrender.py"
    real = script.read_text(encoding="utf-8")
    before = snapshot_dir(rendered_copy / "_output")
    try:
        script.write_text(HOOKED_POST_RENDER.format(hook=hook), encoding="utf-8")
        assert quarto(rendered_copy, SMALLEST).returncode != 0
        assert snapshot_dir(rendered_copy / "_output") == before
    finally:
        script.write_text(real, encoding="utf-8")
    run = quarto(rendered_copy, SMALLEST)
    assert run.returncode == 0, run.stderr[-2000:]
    assert not list(rendered_copy.glob(".output-*")), "the killed run's staging folder is gone"


@pytest.mark.slow
def test_a_page_whose_payloads_quarto_lost_is_refused_and_nothing_is_published(rendered_copy):
    """As if a Quarto upgrade stripped HTML comments: the tooltips, CSV links and verdict colours
    held apart would vanish from the page; the post-render refuses it instead."""
    hook = ("import re\nout = Path(os.environ['QUARTO_PROJECT_OUTPUT_DIR']) / 'report' / 'index.html'\n"
            "out.write_text(re.sub(r'<!--boston-payload-[0-9a-f]{32}-->', '', out.read_text(encoding='utf-8')), encoding='utf-8')")
    script = rendered_copy / "report" / "_postrender.py"
    real = script.read_text(encoding="utf-8")
    before = snapshot_dir(rendered_copy / "_output")
    try:
        script.write_text(HOOKED_POST_RENDER.format(hook=hook), encoding="utf-8")
        run = quarto(rendered_copy, "report/index.executed.ipynb", "--to", "html")
    finally:
        script.write_text(real, encoding="utf-8")
    assert run.returncode != 0
    assert "report/index.html:" in run.stderr and "were not put back" in run.stderr and "nothing was published" in run.stderr
    assert snapshot_dir(rendered_copy / "_output") == before
