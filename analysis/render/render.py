"""``boston-report render``: one pre-render, then the report's HTML, its PDF and the site's pages
as Quarto processes side by side, then one post-render.

Why: ``quarto render`` renders the project's documents and formats one after another in one
Quarto process, which works on one core at a time (Pandoc, embedding, Typst). The executed notebooks
(analysis/render/execute.py) make the formats independent, so they can be rendered at once by
Quarto processes of their own. ``quarto render`` stays the reference and gives the same files; this
is the same project's steps in the same order — build + gate + execution, the pages, the offline
check and edition record — with the Quarto processes side by side:

- the pre-render runs here, once (it fails the render as it does under Quarto: nothing is
  rendered). The Quarto processes start at the same time, each in a copy of the project that holds
  only the project file and its scripts: Quarto spends about 1.3 s starting (Deno, the project, the
  Jupyter check) before it runs a project's pre-render, and the execution leaves a core free. Each
  job is told by :data:`TOKEN_ENV` (a file of its own) that it is a job, so the project's
  pre-render script in the copy waits, doing nothing else, until this render has run the real
  pre-render and filled the copy (``go``), or stops it (``stop``: the pre-render failed, nothing is
  rendered). Quarto reads the project's render list again after its pre-render, so the notebooks
  may appear then. The project's post-render script does nothing inside a job;
- each job renders in its own copy of the project (the root _quarto.yml listing only what the job
  renders, and report/), and its files are moved into ``_output/``: the report's HTML and PDF come
  from the same notebook, and Quarto keeps a render's supporting files in ``<notebook>_files/``
  beside it, which a PDF render copies into its output (the HTML's libraries) or removes while the
  HTML render is embedding them. A copy also spares each Quarto process its walk through the
  checkout (``.git``, data, ``_site/``: about a second per process, measured). Quarto's project
  cache (``.quarto/project-cache``: the theme's Sass variables, about a second to compute) is kept
  per job in ``build/quarto-cache/`` from one render to the next, as a project's own ``.quarto/``
  is;
- the post-render runs here, once, over every file the jobs wrote.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from analysis.paths import ProjectPaths

# Set for every Quarto job to a file of its own that exists while this render runs: the project's
# pre-render script waits until the file says GO (or STOP), its post-render script does nothing
# (both run here, once). While it waits the file says WAIT and this process's id.
TOKEN_ENV = "BOSTON_REPORT_RENDER_TOKEN"
WAIT, GO, STOP = "wait", "go", "stop"
POLL = 0.02  # seconds between a waiting job's looks at its token
PRE_RENDER = "report/_prerender.py"
POST_RENDER = "report/_postrender.py"
REPORT_NOTEBOOK = "report/index.executed.ipynb"
SITE_PAGES = "report/site"
QUARTO_CACHE = Path(".quarto") / "project-cache"  # in a project: what Quarto memoises across renders


@dataclass(frozen=True)
class Job:
    """One Quarto process: what it renders (``target``: "." the whole render list, or an entry or
    folder of it), in which format, and the files it writes, relative to the project root. It runs
    ``quarto render --to <to>`` in a copy of the project whose render list holds only its target:
    a project render, because the notebooks are not in the copy yet when Quarto starts."""

    name: str
    target: str
    to: str
    outputs: tuple[str, ...]
    # Scheduling priority (os.nice): the site's small pages give way to the report, the longest
    # job, when both want a core. Measured, it changed the HTML-only render within noise (19.6 s
    # against 20.5 s); it does no harm and says which job matters.
    nice: int = 0

    @property
    def args(self) -> tuple[str, ...]:
        """``quarto render`` arguments, run in the job's copy."""
        return ("--to", self.to)


REPORT_HTML = Job("report, HTML", REPORT_NOTEBOOK, "html", ("_output/report/index.html",))
SITE_HTML = Job("site pages, HTML", SITE_PAGES, "html",
                ("_output/report/site/index.html", "_output/report/site/en.html"), nice=10)
ALL_HTML = Job("HTML: report, site pages", ".", "html", REPORT_HTML.outputs + SITE_HTML.outputs)
REPORT_PDF = Job("report, PDF", REPORT_NOTEBOOK, "typst", ("_output/report/index.pdf",))
# Measured on a 2-core machine (cores that share much: two renders side by side each take ~1.3x
# as long as alone). A Quarto process costs ~3 s before its first page (start, Sass), more than a
# site page itself; so with the PDF the pages follow the report's HTML in one process (25.5 s
# against 27.1 s as a third process), and without it they are the second process (20.3 s
# against 23.6 s after the report).
PLANS: dict[str | None, tuple[Job, ...]] = {
    None: (ALL_HTML, REPORT_PDF),
    "html": (REPORT_HTML, SITE_HTML),
    "typst": (REPORT_PDF,),
}
FORMATS = tuple(to for to in PLANS if to)  # what --to accepts


class RenderError(RuntimeError):
    """A step of the render failed; the message says which and what it printed."""


def inside_job() -> bool:
    """True in a Quarto process started by :func:`render`: its pre- and post-render run outside
    it, once. A stale or hand-set variable naming no existing file does not count."""
    token = os.environ.get(TOKEN_ENV)
    return bool(token) and Path(token).is_file()


def set_token(token: Path, state: str) -> None:
    """Tell a job what to do, atomically (a job reading at the same moment sees the old state or
    the new one, never an empty file)."""
    tmp = token.with_name(token.name + ".tmp")
    tmp.write_text(state, encoding="utf-8")
    os.replace(tmp, token)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_until_released(poll: float = POLL) -> bool:
    """In a job's pre-render: wait until the render that started this Quarto process has run the
    real pre-render and filled the copy. True to go on, False to stop (the pre-render failed, or
    the render that started this process is gone)."""
    token = Path(os.environ[TOKEN_ENV])
    while True:
        try:
            state = token.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False  # the render ended (its temporary folder is gone)
        if state == GO:
            return True
        if state.startswith(WAIT):
            pid = state.split()[1:2]
            if pid and pid[0].isdigit() and not _alive(int(pid[0])):
                return False
        else:
            return False  # STOP, or anything this version does not know
        time.sleep(poll)


def plan(to: str | None) -> list[Job]:
    """The jobs for one format or for all of them, longest first."""
    if to not in PLANS:
        raise ValueError(f"--to {to!r}: this project renders {' or '.join(FORMATS)} (or both, without --to)")
    return list(PLANS[to])


def project_config(root: Path) -> dict:
    """The root _quarto.yml, as the jobs' copies start from it."""
    import yaml  # noqa: PLC0415 - the project scripts import this module; keep their check light

    return yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))


def job_render_list(job: Job, listed: list[str]) -> list[str]:
    """The entries of the project's render list this job renders ("." the whole list, a folder
    the entries under it)."""
    target = job.target
    return [entry for entry in listed if target == "." or entry == target or entry.startswith(target.rstrip("/") + "/")]


def start_copy(root: Path, into: Path, config: dict, job: Job) -> Path:
    """What Quarto needs to start a job: the root _quarto.yml with a render list of what the job
    renders, and the project's pre- and post-render scripts (the pre-render waits for the rest)."""
    import yaml  # noqa: PLC0415 - the project scripts import this module; keep their check light

    project = dict(config["project"], render=job_render_list(job, config["project"]["render"]))
    (into / "_quarto.yml").write_text(yaml.safe_dump(dict(config, project=project), allow_unicode=True),
                                      encoding="utf-8")
    for script in (PRE_RENDER, POST_RENDER):
        (into / script).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / script, into / script)
    return into


def fill_copy(root: Path, into: Path, job: Job) -> Path:
    """The rest, once the pre-render has run: report/ without supporting-file folders, its
    notebooks as the job's one format reads them (analysis/render/single_format.py). Data and code
    are not needed: the notebooks are executed."""
    import yaml  # noqa: PLC0415

    from analysis.render.single_format import write_for_format  # noqa: PLC0415

    shutil.copytree(root / "report", into / "report", ignore=shutil.ignore_patterns(".*", "*_files"),
                    dirs_exist_ok=True)
    for notebook in yaml.safe_load((into / "_quarto.yml").read_text(encoding="utf-8"))["project"]["render"]:
        write_for_format(into / notebook, job.to)
    return into


def copy_project(root: Path, into: Path, config: dict, job: Job) -> Path:
    """The project as one job renders it (both steps at once)."""
    return fill_copy(root, start_copy(root, into, config, job), job)


def job_cache(job: Job, paths: ProjectPaths) -> Path:
    """Where a job's Quarto project cache is kept between renders (one per job: each is its own
    project copy)."""
    return paths.build / "quarto-cache" / re.sub(r"[^a-z0-9]+", "-", job.name.lower()).strip("-")


def restore_cache(kept: Path, copy: Path) -> None:
    """Start the copy with the cache its job left last time. Without it Quarto recomputes the
    theme's Sass variables (1 s per process, measured); with a stale one it recomputes what changed
    (entries are keyed by the hash of their input)."""
    if kept.is_dir():
        shutil.copytree(kept, copy / QUARTO_CACHE)


def keep_cache(copy: Path, kept: Path) -> None:
    """Keep the copy's cache for the job's next render, replacing the last one whole (a staging
    folder renamed into place, so that an interrupted copy leaves no half cache)."""
    cache = copy / QUARTO_CACHE
    if not cache.is_dir():
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{kept.name}-", dir=kept.parent))
    try:
        shutil.copytree(cache, staging, dirs_exist_ok=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # a failed copy leaves no hidden folder behind
        raise
    shutil.rmtree(kept, ignore_errors=True)
    staging.rename(kept)


def run_job(job: Job, paths: ProjectPaths, env: dict[str, str], quarto: str, token: Path,
            released: threading.Event, stopped: threading.Event) -> tuple[Job, float, subprocess.CompletedProcess | None]:
    """Start Quarto in a copy of the project, fill the copy once ``released`` is set (the
    pre-render ran), let Quarto go on and move its files into the project. Returns the job, its
    seconds and Quarto's result, or None for the result when ``stopped`` was set instead."""
    start = time.perf_counter()
    root = paths.root
    lower = (lambda: os.nice(job.nice)) if job.nice and hasattr(os, "nice") else None
    set_token(token, f"{WAIT} {os.getpid()}")
    with tempfile.TemporaryDirectory(prefix="boston-report-render-") as tmp, \
            tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        copy = start_copy(root, Path(tmp), project_config(root), job)
        restore_cache(job_cache(job, paths), copy)
        process = subprocess.Popen([quarto, "render", *job.args], cwd=copy, env=dict(env, **{TOKEN_ENV: str(token)}),
                                   stdout=out, stderr=err, text=True, preexec_fn=lower)
        try:
            while not (released.wait(POLL) or stopped.is_set()):
                pass
            if released.is_set():
                fill_copy(root, copy, job)
            set_token(token, GO if released.is_set() else STOP)
        except BaseException:
            set_token(token, STOP)
            process.kill()
            process.wait()
            raise
        code = process.wait()
        if not released.is_set():
            return job, time.perf_counter() - start, None
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(process.args, code, out.read(), err.read())
        missing = [o for o in job.outputs if not (copy / o).is_file()]
        if done.returncode == 0 and missing:
            # Quarto can skip a document and still exit 0 (a notebook it takes for a source's
            # intermediate file): a render that wrote nothing must not pass for a fresh one.
            done = subprocess.CompletedProcess(done.args, 1, done.stdout,
                                               done.stderr + f"\nQuarto exited 0 but wrote no {', '.join(missing)}")
        if done.returncode == 0:
            keep_cache(copy, job_cache(job, paths))
            for o in job.outputs:
                (root / o).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(copy / o, root / o)
    return job, time.perf_counter() - start, done


def _script(root: Path, script: str, env: dict[str, str], what: str) -> None:
    code = subprocess.call([env.get("QUARTO_PYTHON", sys.executable), script], cwd=root, env=env)
    if code:
        raise RenderError(f"render: stopped: the {what} ({script}) failed (exit {code}; its reason is above)")


def render(paths: ProjectPaths, quarto: str, to: str | None = None, *, jobs: int | None = None,
           env: dict[str, str] | None = None, log=lambda line: print(line, file=sys.stderr)) -> list[Path]:
    """Pre-render, the Quarto jobs (``jobs`` at a time: default one per core; the first ones start
    with the pre-render and wait for it), post-render. Returns the files written; raises
    :class:`RenderError` naming the step that failed, after every started job has ended (a failed
    job's Quarto output is in the message)."""
    root = paths.root
    env = dict(os.environ if env is None else env)
    todo = plan(to)
    workers = max(1, min(len(todo), jobs or os.cpu_count() or 1))
    started = time.perf_counter()
    released, stopped = threading.Event(), threading.Event()
    with tempfile.TemporaryDirectory(prefix="boston-report-token-") as tmp:
        tokens = {job: Path(tmp) / f"token-{i}" for i, job in enumerate(todo)}
        log(f"render: {len(todo)} Quarto processes, {workers} at a time, starting beside the pre-render: "
            + "; ".join(job.name for job in todo))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            running = [pool.submit(run_job, job, paths, env, quarto, tokens[job], released, stopped) for job in todo]
            try:
                _script(root, PRE_RENDER, env, "pre-render (build, data gate, execution)")
            except BaseException:
                stopped.set()  # the waiting jobs end without rendering; the pool waits for them
                raise
            released.set()
            failed = []
            for future in as_completed(running):
                job, seconds, done = future.result()
                if done.returncode == 0:
                    log(f"render: {job.name} — done in {seconds:.1f} s ({', '.join(job.outputs)})")
                else:
                    failed.append(f"render: {job.name} FAILED (quarto render {' '.join(job.args)} of {job.target}, "
                                  f"exit {done.returncode}) after {seconds:.1f} s. Quarto said:\n{done.stdout}{done.stderr}")
    if failed:
        raise RenderError("\n".join(failed))
    outputs = [root / out for job in todo for out in job.outputs]
    post_env = dict(env, QUARTO_PROJECT_OUTPUT_DIR=str(paths.output),
                    QUARTO_PROJECT_OUTPUT_FILES="\n".join(str(p) for p in outputs))
    _script(root, POST_RENDER, post_env, "post-render (offline check, edition record)")
    log(f"render: done in {time.perf_counter() - started:.1f} s")
    return outputs
