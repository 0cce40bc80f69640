"""Execute each document once, in Quarto's pre-render, for every format it is rendered to.

Quarto executes a ``.qmd`` once per output format, each time in a new kernel that imports pandas
and Altair and loads the clean tables again: the report's HTML and PDF cost two executions. Here the
pre-render turns each source (``report/index.qmd``, ``report/site/*.qmd``) into a notebook (includes
expanded, front matter as the first raw cell), runs it in one kernel, and writes the executed
notebook beside its source (``report/index.ipynb``). The project renders those notebooks, which
Quarto does not execute: every format is drawn from the one execution. The chapters' helpers emit
what each format needs in one output (raw HTML for the page, Markdown shown only in print; see
``markup.per_format``), since an execution no longer knows which format it serves.

An executed notebook is reused only while everything it was computed from is unchanged: the
documents' sources, the ``analysis`` package, the clean data and its validation summary, the locked
dependencies, the edition (date, commit, uncommitted changes) and the ``BOSTON_REPORT_*`` settings.
A change to any of them executes again; so does ``BOSTON_REPORT_FORCE=1`` (``render --force``).

Before an executed notebook is written, its bulky HTML payloads (chart specs, CSV data URIs,
raw-HTML spans) are replaced by tokens bound to those inputs and kept in its metadata; the post-render puts them back
into the HTML pages (analysis/render/payloads.py says why and how).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.build.fingerprint import FORCE_ENV
from analysis.inputs import files, hash_files
from analysis.paths import PACKAGE_ROOT, ProjectPaths
from analysis.render import payloads, qmd, vegabundle
from analysis.render.render import TOKEN_ENV
from analysis.markup import EXECUTING_ENV

VERSION = 3  # of the executed notebooks' layout (2: payloads held apart, 3: raw-HTML spans too); a change here executes again
META = payloads.META  # the notebook metadata key holding the execution key, the sources and the payloads
SOURCES = ("report/index.qmd", "report/site/index.qmd", "report/site/en.qmd")
# Settings that change what a chapter prints (the site's address, a fixed edition date). The
# force flag and the executor's own marker are not inputs.
SETTINGS_PREFIX = "BOSTON_REPORT_"
ROOT_ENV = "BOSTON_REPORT_ROOT"  # which project the chapters read: the kernel is told the one being rendered
NOT_SETTINGS = {FORCE_ENV, EXECUTING_ENV, ROOT_ENV, "BOSTON_REPORT_DATA_DOCS", TOKEN_ENV}
INLINE = re.compile(r"(?:^|[^`])`\{python\}[ \t]([^`]+)`", re.MULTILINE)  # as Quarto's notebook.py finds them
EXECUTED_SUFFIX = ".executed.ipynb"
CELL_TIMEOUT = 600  # seconds; the longest chapter cell takes a few


class ExecutionError(RuntimeError):
    """A chapter cell or inline expression failed: the message names its file and line."""


def notebook_path(source: Path) -> Path:
    """Where a source's executed notebook goes: beside it (``report/index.executed.ipynb``), so
    that relative paths resolve as from the source. Not ``index.ipynb``: Quarto takes a notebook
    with a ``.qmd`` of the same name beside it for that source's intermediate file and skips it.
    Its front matter names the source's output file, so the pages keep their names."""
    return source.with_name(source.stem + EXECUTED_SUFFIX)


# --------------------------------------------------------------------------- what an execution depends on

def inputs(paths: ProjectPaths, code_root: Path = PACKAGE_ROOT) -> dict[str, str]:
    """One hash per kind of input, so that a re-execution can say what changed."""
    from analysis.edition import current  # noqa: PLC0415

    edition = current(paths.root)
    lock = code_root / "requirements.lock"
    validation = [paths.validation_summary] if paths.validation_summary.exists() else []
    settings = {k: v for k, v in sorted(os.environ.items()) if k.startswith(SETTINGS_PREFIX) and k not in NOT_SETTINGS}
    return {
        "executor": str(VERSION),
        "documents": hash_files(files(paths.report, "*.qmd"), paths.root),
        "analysis code": hash_files(files(code_root / "analysis"), code_root),
        "clean data": hash_files(files(paths.clean) + validation, paths.root),
        "locked dependencies": hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else "none",
        "python": sys.version.split()[0],
        "edition": f"{edition.date} {edition.commit} dirty={edition.dirty}",
        "settings": json.dumps(settings, sort_keys=True),
    }


def stale(notebook: Path, now: dict[str, str], root: Path) -> str | None:
    """Why a notebook must be executed again, or None when it was executed from exactly ``now``
    and every chart image it points to is still there."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "not executed yet"
    except (OSError, ValueError):
        return "its executed notebook is unreadable"
    recorded = nb.get("metadata", {}).get(META, {})
    if recorded.get("version") != VERSION:
        return "executed by another version of the executor"
    changed = [kind for kind, h in now.items() if recorded.get("inputs", {}).get(kind) != h]
    if changed:
        return ", ".join(changed) + " changed"
    missing = [p for p in recorded.get("images", []) if not (notebook.parent / p).is_file()]
    if missing:
        return f"its chart image {missing[0]} is missing"
    return None


# --------------------------------------------------------------------------- source -> notebook

@dataclass(frozen=True)
class Origin:
    """Where a notebook cell came from (an error names it)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def front_matter_cell(source: Path) -> dict:
    """The source's front matter as Quarto reads it from a notebook: a raw first cell, with
    execution off (Quarto does not execute a notebook unless told to; this says so explicitly)
    the source's output name (``index`` -> index.html, index.pdf), and the Vega bundle's placeholder
    in the HTML head instead of the bundle (the post-render fills it in; vegabundle.py says why)."""
    import nbformat  # noqa: PLC0415
    import yaml  # noqa: PLC0415

    meta = qmd.front_matter(source)
    meta["execute"] = {**(meta.get("execute") or {}), "enabled": False}
    meta.setdefault("output-file", source.stem)
    html = (meta.get("format") or {}).get("html")
    if isinstance(html, dict) and isinstance(html.get("include-in-header"), list):
        html["include-in-header"] = vegabundle.with_placeholder(html["include-in-header"])
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return nbformat.v4.new_raw_cell(f"---\n{text}---")


def to_notebook(source: Path, root: Path):
    """The source as an unexecuted notebook: includes expanded in place (as Quarto expands them),
    code cells with their ``#|`` options, prose between them as Markdown cells. Each cell records
    the file and line it came from."""
    import nbformat  # noqa: PLC0415

    lines = qmd.expand_includes(source)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells.append(front_matter_cell(source))
    prose: list[str] = []
    prose_at: Origin | None = None

    def where(file: str, n: int) -> Origin:
        return Origin(os.path.relpath(file, root), n)

    def flush() -> None:
        nonlocal prose, prose_at
        text = "\n".join(prose).strip("\n")
        if text.strip():
            nb.cells.append(nbformat.v4.new_markdown_cell(text, metadata={META: {"origin": str(prose_at)}}))
        prose, prose_at = [], None

    i = 0
    while i < len(lines):
        file, line, n = lines[i]
        fence = qmd.FENCE.match(line)
        if fence:
            flush()
            body, j = [], i + 1
            while j < len(lines) and lines[j][1].rstrip() != fence.group(1):
                body.append(lines[j][1])
                j += 1
            if j == len(lines):
                raise ExecutionError(f"{where(file, n)}: code cell is never closed")
            nb.cells.append(nbformat.v4.new_code_cell("\n".join(body), metadata={META: {"origin": str(where(file, n))}}))
            i = j + 1
            continue
        if prose_at is None and line.strip():
            prose_at = where(file, n)
        prose.append(line)
        i += 1
    flush()
    return nb


# --------------------------------------------------------------------------- running it

def _error_text(content: dict) -> str:
    return f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"


def evaluate_inline(client, cell) -> None:
    """Evaluate a Markdown cell's inline ``{python}`` expressions in the kernel and store their
    results in the cell's metadata, where Quarto reads them when it renders the notebook
    (``user_expressions``, as Quarto's own notebook.py stores them)."""
    expressions = [e.strip() for e in INLINE.findall(cell.source)]
    cell.metadata.pop("user_expressions", None)
    if not expressions:
        return
    origin = cell.metadata[META]["origin"]
    wanted = {str(i): e for i, e in enumerate(expressions)}
    reply = client.wait_for_reply(client.kc.execute("", user_expressions=wanted))
    content = reply["content"]
    if content.get("status") != "ok":
        raise ExecutionError(f"{origin}: inline expressions failed: {_error_text(content)}")
    results = []
    for key, expr in wanted.items():
        result = content["user_expressions"][key]
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


def images_of(nb) -> list[str]:
    """The chart images the notebook's outputs point to (relative to its folder), so a reuse can
    check they are still there."""
    from analysis.report.charts import PNG_REFERENCE  # noqa: PLC0415

    found: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown", "") if "data" in out else out.get("text", "")
            found.update(PNG_REFERENCE.findall("".join(text) if isinstance(text, list) else text))
    return sorted(found)


def execute(paths: ProjectPaths, sources: tuple[str, ...] = SOURCES, *, log=print,
            code_root: Path = PACKAGE_ROOT) -> dict[str, str | None]:
    """Execute every source whose notebook is stale, in one kernel (a document's names are cleared
    before the next one runs), and write the notebooks atomically. Returns, per source, why it was
    executed (None: reused). On a failure no stale notebook is left for Quarto to render."""
    now = inputs(paths, code_root)
    forced = os.environ.get(FORCE_ENV) == "1"
    reasons = {s: ("forced (BOSTON_REPORT_FORCE=1)" if forced else stale(notebook_path(paths.root / s), now, paths.root))
               for s in sources}
    todo = [s for s, why in reasons.items() if why]
    for s in sources:
        if s not in todo:
            log(f"execute: {s} reused ({paths.relative(notebook_path(paths.root / s))}: nothing it depends on changed)")
    if not todo:
        return reasons
    try:
        _execute(paths, todo, reasons, now, log)
    except BaseException:
        for s in todo:
            notebook_path(paths.root / s).unlink(missing_ok=True)
        raise
    return reasons


def _execute(paths: ProjectPaths, todo: list[str], reasons: dict, now: dict[str, str], log) -> None:
    import tempfile  # noqa: PLC0415

    from jupyter_client import KernelManager  # noqa: PLC0415
    from nbclient import NotebookClient  # noqa: PLC0415

    notebooks = {s: to_notebook(paths.root / s, paths.root) for s in todo}
    # The kernel inherits both: helpers emit every format's output, and read this project's data.
    env_before = {name: os.environ.get(name) for name in (EXECUTING_ENV, ROOT_ENV)}
    os.environ.update({EXECUTING_ENV: "1", ROOT_ENV: str(paths.root)})
    sockets = tempfile.TemporaryDirectory(prefix="boston-report-kernel-")
    km = None
    try:
        first = notebooks[todo[0]]
        # Local sockets, not TCP: nothing listens on a port, and the kernel has nothing to warn about.
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets.name) / "kernel"))
        client = NotebookClient(first, km=km, timeout=CELL_TIMEOUT, allow_errors=False, record_timing=False,
                                resources={"metadata": {"path": str((paths.root / todo[0]).parent)}})
        started = time.monotonic()
        with client.setup_kernel():
            for s, nb in notebooks.items():
                t0 = time.monotonic()
                log(f"execute: {s} ({reasons[s]}) — {sum(c.cell_type == 'code' for c in nb.cells)} cells, once for every format …")
                client.nb = nb
                _reset(client, (paths.root / s).parent)
                run_cells(client, nb)
                held = payloads.detach_notebook(nb, salt=json.dumps(now, sort_keys=True))
                nb.metadata[META] = {"version": VERSION, "source": s, "inputs": now, "images": images_of(nb),
                                     payloads.KEY: held}
                _write(nb, notebook_path(paths.root / s), paths.root / s)
                log(f"execute: {s} done in {time.monotonic() - t0:.1f} s -> {paths.relative(notebook_path(paths.root / s))}")
        log(f"execute: {len(todo)} document(s) in {time.monotonic() - started:.1f} s (one kernel)")
    finally:
        if km is not None and km.has_kernel:
            km.shutdown_kernel(now=True)  # the client leaves a kernel it was given running
        sockets.cleanup()
        for name, value in env_before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _reset(client, folder: Path) -> None:
    """Clear the previous document's names and work in this one's folder, as Quarto's own kernel
    would (each document starts from nothing but the imported modules). Run outside the notebook:
    no cell of it records this."""
    code = f"%reset -f\nimport os as __os\n__os.chdir({str(folder)!r})\ndel __os"
    content = client.wait_for_reply(client.kc.execute(code, store_history=False, silent=True))["content"]
    if content.get("status") != "ok":
        raise ExecutionError(f"cannot prepare the kernel for {folder}: {_error_text(content)}")


def _write(nb, target: Path, source: Path) -> None:
    """Atomically, with the source's modification time (``date: last-modified`` is the source's)."""
    import nbformat  # noqa: PLC0415

    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    nbformat.write(nb, str(tmp))
    stat = source.stat()
    os.utime(tmp, (stat.st_atime, stat.st_mtime))
    os.replace(tmp, target)
