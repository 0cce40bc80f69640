"""Execute each document once, in the pre-render, for every format (what Quarto cannot do: it
executes a ``.qmd`` once per format, in a new kernel each time).

Each source becomes a notebook (:mod:`qmd`), run in one kernel and written beside its source as
``*.executed.ipynb``, which the project renders and Quarto does not execute again; the chapters'
helpers emit every format's form in one output (``markup.per_format``). A notebook is reused while
nothing it was computed from changed (:func:`inputs`); ``BOSTON_REPORT_FORCE=1`` executes again.
Its bulky HTML is held apart from Pandoc before it is written (:mod:`payloads`). The tests run the
same notebook through the same functions (:func:`to_notebook`, :func:`kernel`, :func:`run`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from analysis.build.fingerprint import FORCE_ENV
from analysis.inputs import changed, files, hash_files
from analysis.markup import EXECUTING_ENV
from analysis.paths import PACKAGE_ROOT, ProjectPaths
from analysis.render import payloads, qmd, vegabundle

VERSION = 4  # of the executed notebooks' layout; a change here executes again
META = payloads.META  # the notebook metadata key holding the execution key, the sources and the payloads
SOURCES = ("report/index.qmd", "report/site/index.qmd", "report/site/en.qmd")
SETTINGS_PREFIX = "BOSTON_REPORT_"  # settings that change what a chapter prints (site address, edition date)
ROOT_ENV = "BOSTON_REPORT_ROOT"  # which project the chapters read: the kernel is told the one being rendered
NOT_SETTINGS = {FORCE_ENV, EXECUTING_ENV, ROOT_ENV, "BOSTON_REPORT_DATA_DOCS"}
EXECUTED_SUFFIX = ".executed.ipynb"
CELL_TIMEOUT = 600  # seconds; the longest chapter cell takes a few


class ExecutionError(RuntimeError):
    """A chapter cell or inline expression failed: the message names its file and line."""


def notebook_path(source: Path) -> Path:
    """Beside the source (relative paths resolve as from it); not ``index.ipynb``, which Quarto
    takes for the ``.qmd``'s intermediate file and skips. Its front matter keeps the page's name."""
    return source.with_name(source.stem + EXECUTED_SUFFIX)



def inputs(paths: ProjectPaths, source: str, code_root: Path = PACKAGE_ROOT) -> dict[str, str]:
    """One hash per kind of input of one document (the files it includes, the code, the clean data,
    the lock, Python, the edition, the settings), so that a re-execution can say what changed."""
    from analysis.edition import current  # noqa: PLC0415

    edition = current(paths.root)
    lock = code_root / "requirements.lock"
    validation = [paths.validation_summary] if paths.validation_summary.exists() else []
    settings = {k: v for k, v in sorted(os.environ.items()) if k.startswith(SETTINGS_PREFIX) and k not in NOT_SETTINGS}
    return {
        "executor": str(VERSION),
        "document": hash_files(qmd.included_files(paths.root / source), paths.root),
        "analysis code": hash_files(files(code_root / "analysis"), code_root),
        "clean data": hash_files(files(paths.clean) + validation, paths.root),
        "locked dependencies": hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else "none",
        "python": sys.version.split()[0],
        "edition": f"{edition.date} {edition.commit} dirty={edition.dirty}",
        "settings": json.dumps(settings, sort_keys=True),
    }


def stale(notebook: Path, now: dict[str, str]) -> str | None:
    """Why a notebook must be executed again, or None (executed from ``now``, its images there)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "not executed yet"
    except (OSError, ValueError):
        return "its executed notebook is unreadable"
    recorded = nb.get("metadata", {}).get(META, {})
    if recorded.get("version") != VERSION:
        return "executed by another version of the executor"
    why = changed(recorded.get("inputs", {}), now)
    if why:
        return why
    missing = [p for p in recorded.get("images", []) if not (notebook.parent / p).is_file()]
    return f"its chart image {missing[0]} is missing" if missing else None



def front_matter_cell(source: Path):
    """The front matter as a raw first cell: execution off, the source's output name, and the Vega
    bundle's placeholder in the HTML head (the post-render fills it in)."""
    import nbformat  # noqa: PLC0415
    import yaml  # noqa: PLC0415

    meta = qmd.front_matter(source)
    meta["execute"] = {**(meta.get("execute") or {}), "enabled": False}
    meta.setdefault("output-file", source.stem)
    html = (meta.get("format") or {}).get("html")
    if isinstance(html, dict) and isinstance(html.get("include-in-header"), list):
        html["include-in-header"] = vegabundle.with_placeholder(html["include-in-header"])
    return nbformat.v4.new_raw_cell(f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)}---")


def to_notebook(source: Path, root: Path):
    """The source as an unexecuted notebook: front matter, then each block (:func:`qmd.blocks`),
    recording where it came from and, inside a conditional div, the formats that show it."""
    import nbformat  # noqa: PLC0415

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells.append(front_matter_cell(source))
    try:
        found = qmd.blocks(source)
    except ValueError as exc:
        raise ExecutionError(str(exc).replace(str(root) + os.sep, "")) from None
    for block in found:
        origin = {"origin": f"{os.path.relpath(block.file, root)}:{block.line}"}
        if block.formats != qmd.FORMATS:
            origin["formats"] = list(block.formats)  # inside a conditional div: only these pages show it
        new = nbformat.v4.new_code_cell if block.kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(new(block.source, metadata={META: origin}))
    return nb


def shown_in_html(cell) -> bool:
    """Whether the HTML page shows a cell's output (not inside a print-only div)."""
    return "html" in cell.get("metadata", {}).get(META, {}).get("formats", qmd.FORMATS)



def _error_text(content: dict) -> str:
    return f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"


def evaluate_inline(client, cell) -> None:
    """Evaluate a Markdown cell's inline expressions and store their results where Quarto reads them
    (``user_expressions``, as its own notebook.py does)."""
    expressions = qmd.inline_expressions(cell.source)
    cell.metadata.pop("user_expressions", None)
    if not expressions:
        return
    origin = cell.metadata[META]["origin"]
    wanted = {str(i): e for i, e in enumerate(expressions)}
    content = client.wait_for_reply(client.kc.execute("", user_expressions=wanted))["content"]
    if content.get("status") != "ok":
        raise ExecutionError(f"{origin}: inline expressions failed: {_error_text(content)}")
    results = []
    for i, expr in enumerate(expressions):
        result = content["user_expressions"][str(i)]
        if result.get("status") != "ok":
            raise ExecutionError(f"{origin} (the Markdown from here on): inline `{{python}} {expr}` failed: {_error_text(result)}")
        results.append({"expression": expr, "result": result})
    cell.metadata["user_expressions"] = results


def run_cells(client, nb) -> None:
    """Every cell in order; the first error stops, naming where the cell came from."""
    from nbclient.exceptions import CellExecutionError  # noqa: PLC0415

    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            evaluate_inline(client, cell)
        elif cell.cell_type == "code":
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as exc:
                raise ExecutionError(f"{cell.metadata[META]['origin']}: the cell failed: {exc.ename}: {exc.evalue}") from None


def _silent(client, code: str, what: str) -> None:
    content = client.wait_for_reply(client.kc.execute(code, store_history=False, silent=True))["content"]
    if content.get("status") != "ok":
        raise ExecutionError(f"cannot prepare the kernel for {what}: {_error_text(content)}")


@contextlib.contextmanager
def kernel(paths: ProjectPaths):
    """One kernel for a render's documents, told it executes for a render and which project to
    read. Local sockets, not TCP."""
    from jupyter_client import KernelManager  # noqa: PLC0415
    from nbclient import NotebookClient  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="boston-report-kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
        client = NotebookClient(None, km=km, timeout=CELL_TIMEOUT, allow_errors=False, record_timing=False)
        try:
            with client.setup_kernel(env={**os.environ, EXECUTING_ENV: "1", ROOT_ENV: str(paths.root)}):
                yield client
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)  # the client leaves a kernel it was given running


def run(client, nb, folder: Path) -> None:
    """Execute one document's notebook as from ``folder``, after clearing the previous document's
    names (outside the notebook: no cell records it)."""
    client.nb = nb
    _silent(client, f"%reset -f\nimport os as __os\n__os.chdir({str(folder)!r})\ndel __os", str(folder))
    run_cells(client, nb)


def images_of(nb) -> list[str]:
    """The chart images the outputs point to, so that a reuse can check they are still there."""
    from analysis.report.charts import PNG_REFERENCE  # noqa: PLC0415

    found: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown", "") if "data" in out else out.get("text", "")
            found.update(PNG_REFERENCE.findall("".join(text) if isinstance(text, list) else text))
    return sorted(found)


def execute(paths: ProjectPaths, sources: tuple[str, ...] = SOURCES, *, log=print,
            code_root: Path = PACKAGE_ROOT) -> dict[str, str | None]:
    """Execute every stale source in one kernel and write the notebooks atomically; returns why
    each was executed (None: reused). On a failure no notebook of this run is left for Quarto."""
    forced = os.environ.get(FORCE_ENV) == "1"
    now = {s: inputs(paths, s, code_root) for s in sources}
    reasons = {s: "forced (BOSTON_REPORT_FORCE=1)" if forced else stale(notebook_path(paths.root / s), now[s]) for s in sources}
    todo = [s for s, why in reasons.items() if why]
    for s in sources:
        if s not in todo:
            log(f"execute: {s} reused ({paths.relative(notebook_path(paths.root / s))}: nothing it depends on changed)")
    if not todo:
        return reasons
    try:
        started = time.monotonic()
        with kernel(paths) as client:
            for s in todo:
                t0 = time.monotonic()
                nb = to_notebook(paths.root / s, paths.root)
                log(f"execute: {s} ({reasons[s]}) — {sum(c.cell_type == 'code' for c in nb.cells)} cells, once for every format …")
                run(client, nb, (paths.root / s).parent)
                held = payloads.detach_notebook(nb, json.dumps(now[s], sort_keys=True), shown_in_html)
                nb.metadata[META] = {"version": VERSION, "source": s, "inputs": now[s], "images": images_of(nb), payloads.KEY: held}
                _write(nb, notebook_path(paths.root / s), paths.root / s)
                log(f"execute: {s} done in {time.monotonic() - t0:.1f} s -> {paths.relative(notebook_path(paths.root / s))}")
        log(f"execute: {len(todo)} document(s) in {time.monotonic() - started:.1f} s (one kernel)")
    except BaseException:
        for s in todo:
            notebook_path(paths.root / s).unlink(missing_ok=True)
        raise
    return reasons


def _write(nb, target: Path, source: Path) -> None:
    """Atomically, with the source's modification time (``date: last-modified`` is the source's)."""
    import nbformat  # noqa: PLC0415

    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    nbformat.write(nb, str(tmp))
    stat = source.stat()
    os.utime(tmp, (stat.st_atime, stat.st_mtime))
    os.replace(tmp, target)
