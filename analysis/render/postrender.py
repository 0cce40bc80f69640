"""The project's post-render (``quarto render``, ``quarto preview`` and ``boston-report render`` all
run it): the render's pages made whole, then published whole.

Quarto writes a render into ``build/render/`` (the project's ``output-dir``), one document and
format after another, and runs this step only when every one of them succeeded; a failed or killed
format never reaches it. Here:

1. each HTML page gets back what the pre-render held apart from Pandoc (:mod:`payloads`: every
   payload its notebook held, no token left over) and the page's one copy of Vega (:mod:`vegabundle`);
2. no page may reference anything remote (:mod:`offline`);
3. the edition record (date, commit, data; and the sha256 of every file of this render) is
   written beside the report: ``boston-report site`` publishes a file only if the record names it;
4. ``_output/`` is replaced, in one atomic step (:mod:`analysis.folders`), by the previous
   ``_output/`` with this render's files over it.

So a render that fails or is killed at any stage, this one included, leaves ``_output/`` and its
edition record as they were.
"""

from __future__ import annotations

import json
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
        held, expected = payloads.payloads_of(notebook_of(page, out_dir, root), "html")
        html, where = page.read_text(encoding="utf-8"), str(page.relative_to(root))
        whole = bundle(payloads.fill_page(html, held, where, expected), where)
        if whole != html:
            tmp = page.with_name(f".{page.name}.post-render.tmp")
            tmp.write_text(whole, encoding="utf-8")
            tmp.replace(page)


def record(paths: ProjectPaths, out_dir: Path, produced: list[Path]) -> Path:
    """The edition record of this render, beside the report: the edition, and the sha256 of every
    file the render produced (relative to the output folder). A file of an earlier render of the
    same edition (the PDF, after an HTML-only render) stays listed while it is unchanged in ``_output/``."""
    from analysis.inputs import sha256  # noqa: PLC0415

    fields = json.loads(edition.current(paths.root).to_json())
    files = {p.relative_to(out_dir).as_posix(): sha256(p) for p in sorted(produced)}
    earlier = paths.rendered / edition.RECORD
    try:
        last = json.loads(earlier.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        last = {}
    if isinstance(last, dict) and all(last.get(k) == v for k, v in fields.items()) and isinstance(last.get("files"), dict):
        for name, digest in last["files"].items():
            kept = paths.output / name
            if name not in files and isinstance(name, str) and kept.is_file() and not kept.is_symlink() and sha256(kept) == digest:
                files[name] = digest
    fields["files"] = dict(sorted(files.items()))
    target = out_dir / paths.rendered.relative_to(paths.output) / edition.RECORD
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(fields, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def publish(out_dir: Path, output: Path, files: list[Path], progress=lambda line: None) -> None:
    """``output`` replaced whole by its previous contents with ``files`` (inside ``out_dir``) over them."""
    with folders.folder_lock(output, COMMAND):
        folders.recover(output, progress)
        staging = folders.new_staging(output)
        try:
            if output.is_dir():
                shutil.copytree(output, staging, dirs_exist_ok=True)
            for path in files:
                target = staging / path.relative_to(out_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
            folders.replace(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


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
    published = [*produced, record(paths, out_dir, produced)]
    publish(out_dir, paths.output, published, log)
    log(f"{len(published)} file(s) published to {paths.relative(paths.output)}/ in one step")
    return published


def main(paths: ProjectPaths, out_dir: Path, files: list[str]) -> int:
    log = lambda line: print(f"post-render: {line}", file=sys.stderr)  # noqa: E731
    try:
        post_render(paths, out_dir, [Path(f) if Path(f).is_absolute() else paths.root / f for f in files], log)
    except (PostRenderError, folders.PublishError, OSError) as exc:
        log(f"{exc}\npost-render: nothing was published; {paths.relative(paths.output)}/ is as it was")
        return 1
    return 0
