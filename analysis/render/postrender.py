"""The project's post-render (``quarto render``, ``quarto preview`` and ``boston-report render`` all
run it), reached only when every document and format rendered into ``build/render/``:

1. each HTML page gets back what the pre-render held apart (every payload it must show, no own
   token left: :mod:`payloads`) and its one copy of Vega (:mod:`vegabundle`);
2. no page may reference anything remote (:mod:`offline`);
3. the edition record (date, commit, data, the sha256 of every file) is written beside the report;
4. ``_output/`` is replaced in one atomic step by the previous one with this render's files over it.

So a render that fails or is killed at any stage leaves ``_output/`` and its edition record whole.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from analysis import edition, folders
from analysis.paths import CHART_IMAGES, ProjectPaths
from analysis.render import offline, payloads, vegabundle
from analysis.render.execute import EXECUTED_SUFFIX

COMMAND = "the post-render"


class PostRenderError(RuntimeError):
    """A page cannot be made whole or published; the message names it."""


def notebook_of(page: Path, out_dir: Path, root: Path) -> Path:
    """The executed notebook a page was rendered from (report/site/en.html <- report/site/en.executed.ipynb)."""
    relative = page.relative_to(out_dir)
    return root / relative.parent / (relative.stem + EXECUTED_SUFFIX)


def fill_pages(pages: list[Path], out_dir: Path, root: Path) -> None:
    """Put back every page's payloads and its Vega bundle, rewriting each page atomically."""
    bundle = vegabundle.bundle_filler(root / "report" / vegabundle.INCLUDE)
    for page in pages:
        held = payloads.payloads_of(notebook_of(page, out_dir, root))
        html, where = page.read_text(encoding="utf-8"), str(page.relative_to(root))
        whole = bundle(payloads.fill_page(html, held, where), where)
        if whole != html:
            tmp = page.with_name(f".{page.name}.post-render.tmp")
            tmp.write_text(whole, encoding="utf-8")
            tmp.replace(page)


def post_render(paths: ProjectPaths, out_dir: Path, produced: list[Path], log=lambda line: None) -> list[Path]:
    """Steps 1 to 4 for the files Quarto produced in ``out_dir``; returns the published files."""
    shutil.rmtree(out_dir / "report" / CHART_IMAGES, ignore_errors=True)  # the PDF holds its images
    produced = [p for p in produced if p.is_file()]
    if not produced:  # `quarto preview` with every page up to date renders nothing
        log(f"nothing rendered; {paths.relative(paths.output)}/ is as it was")
        return []
    pages = [p for p in produced if p.suffix.lower() == ".html"]
    try:
        fill_pages(pages, out_dir, paths.root)
    except (payloads.PayloadError, vegabundle.BundleError) as exc:
        raise PostRenderError(str(exc)) from None
    remote = {p: offline.remote_resources(p.read_text(encoding="utf-8")) for p in pages}
    for page, found in remote.items():
        if found:
            raise PostRenderError(f"{paths.relative(page)}: {len(found)} remote resource(s), e.g. {found[:3]}: "
                                  "the page would not work offline")
        log(f"{paths.relative(page)}: whole, no remote resources")
    published = [*produced, edition.write_record(paths.root, out_dir / paths.rendered.relative_to(paths.output), out_dir, produced)]
    folders.overlay(paths.output, out_dir, published, COMMAND, log)
    log(f"{len(published)} file(s) published to {paths.relative(paths.output)}/ in one step")
    return published


def main(root: Path) -> int:
    """Quarto's post-render step: it names the output folder and the files it wrote in the environment."""
    import os  # noqa: PLC0415

    paths, log = ProjectPaths.from_env(root), lambda line: print(f"post-render: {line}", file=sys.stderr)
    files = [Path(f) for f in os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines() if f]
    try:
        post_render(paths, Path(os.environ["QUARTO_PROJECT_OUTPUT_DIR"]), [f if f.is_absolute() else paths.root / f for f in files], log)
    except (PostRenderError, folders.PublishError, OSError) as exc:
        log(f"{exc}\npost-render: nothing was published; {paths.relative(paths.output)}/ is as it was")
        return 1
    return 0
