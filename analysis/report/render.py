"""``boston-report render``: one pre-render, then the report's HTML, its PDF and the site's pages
as Quarto processes side by side, then one post-render.

Why: ``quarto render`` renders the project's documents and formats one after another, and each
is one Pandoc run on one core (about 10 s each for the report's HTML and its PDF on a 2-core
machine). The executed notebooks (analysis/report/execute.py) make the formats independent, so
they can run at once. ``quarto render`` stays the reference and gives the same files; this is the
same project's steps in the same order — build + gate + execution, the pages, the offline check
and edition record — with the pages rendered in parallel:

- the pre-render runs here, once, before any Quarto process (it fails the render as it does under
  Quarto: nothing is rendered); each Quarto job is told by :data:`TOKEN_ENV` that it already ran,
  so the project's pre- and post-render scripts do nothing inside a job;
- the PDF is rendered in a copy of the project: the report's HTML and PDF come from the same
  notebook, and Quarto keeps each render's supporting files in ``<notebook>_files/`` beside it,
  which the PDF render would copy (the HTML's libraries) into ``_output/`` or remove while the HTML
  render is embedding them;
- the post-render runs here, once, over every file the jobs wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.paths import ProjectPaths

# Set for every Quarto job to a file that exists while this render runs: the project's pre- and
# post-render scripts see it and do nothing (they ran, or will run, here).
TOKEN_ENV = "BOSTON_REPORT_RENDER_TOKEN"
FORMATS = ("html", "typst")
PRE_RENDER = "report/_prerender.py"
POST_RENDER = "report/_postrender.py"
REPORT_NOTEBOOK = "report/index.executed.ipynb"
SITE_PAGES = "report/site"


@dataclass(frozen=True)
class Job:
    """One Quarto process: what it renders (``quarto render`` arguments, run at the project root or
    in a copy of it) and the files it writes, relative to the project root."""

    name: str
    args: tuple[str, ...]
    outputs: tuple[str, ...]
    in_copy: bool = False


JOBS = {
    "html": (Job("report, HTML", (REPORT_NOTEBOOK, "--to", "html"), ("_output/report/index.html",)),
             Job("site pages, HTML", (SITE_PAGES, "--to", "html"),
                 ("_output/report/site/index.html", "_output/report/site/en.html"))),
    "typst": (Job("report, PDF", (REPORT_NOTEBOOK, "--to", "typst"), ("_output/report/index.pdf",), in_copy=True),),
}


class RenderError(RuntimeError):
    """A step of the render failed; the message says which and what it printed."""


def inside_job() -> bool:
    """True in a Quarto process started by :func:`render`: its pre- and post-render already run
    outside it, once. A stale or hand-set variable naming no existing file does not count."""
    token = os.environ.get(TOKEN_ENV)
    return bool(token) and Path(token).is_file()


def plan(to: str | None) -> list[Job]:
    """The jobs for one format or for all of them, longest first (the report's HTML, then its PDF,
    then the small site pages), so that the short job fills the core the long ones leave."""
    if to is not None and to not in FORMATS:
        raise ValueError(f"--to {to!r}: this project renders {' or '.join(FORMATS)} (or both, without --to)")
    jobs = [job for fmt in (FORMATS if to is None else (to,)) for job in JOBS[fmt]]
    return sorted(jobs, key=lambda job: (job.name.startswith("site"), job.in_copy))


def rendered_by(jobs: list[Job]) -> set[str]:
    """The project files the jobs render (a folder stands for the render-list files under it)."""
    return {job.args[0] for job in jobs}


def copy_project(root: Path, into: Path) -> Path:
    """The project as the PDF render needs it: the root _quarto.yml (rendering only the report) and
    report/ without the site's pages. Data and code are not needed: the notebook is executed."""
    config = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))
    config["project"]["render"] = [REPORT_NOTEBOOK]
    (into / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    shutil.copytree(root / "report", into / "report", ignore=shutil.ignore_patterns("site", ".*", "*_files"))
    return into


def run_job(job: Job, root: Path, env: dict[str, str], quarto: str) -> tuple[Job, float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    if not job.in_copy:
        done = subprocess.run([quarto, "render", *job.args], cwd=root, env=env, capture_output=True, text=True)
        return job, time.perf_counter() - start, done
    with tempfile.TemporaryDirectory(prefix="boston-report-render-") as tmp:
        copy = copy_project(root, Path(tmp))
        done = subprocess.run([quarto, "render", *job.args], cwd=copy, env=env, capture_output=True, text=True)
        if done.returncode == 0:
            for out in job.outputs:
                (root / out).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(copy / out, root / out)
    return job, time.perf_counter() - start, done


def _script(root: Path, script: str, env: dict[str, str], what: str) -> None:
    code = subprocess.call([env.get("QUARTO_PYTHON", sys.executable), script], cwd=root, env=env)
    if code:
        raise RenderError(f"render: stopped: the {what} ({script}) failed (exit {code}; its reason is above)")


def render(paths: ProjectPaths, quarto: str, to: str | None = None, *, jobs: int | None = None,
           env: dict[str, str] | None = None, log=lambda line: print(line, file=sys.stderr)) -> list[Path]:
    """Pre-render, the Quarto jobs (``jobs`` at a time: default one per core), post-render.
    Returns the files written; raises :class:`RenderError` naming the step that failed, after
    every started job has ended (a failed job's Quarto output is in the message)."""
    root = paths.root
    env = dict(os.environ if env is None else env)
    todo = plan(to)
    workers = max(1, min(len(todo), jobs or os.cpu_count() or 1))
    started = time.perf_counter()
    _script(root, PRE_RENDER, env, "pre-render (build, data gate, execution)")
    with tempfile.TemporaryDirectory(prefix="boston-report-token-") as tmp:
        token = Path(tmp) / "token"
        token.write_text(str(os.getpid()), encoding="utf-8")
        job_env = dict(env, **{TOKEN_ENV: str(token)})
        log(f"render: {len(todo)} Quarto processes, {workers} at a time: " + "; ".join(job.name for job in todo))
        failed = []
        with ThreadPoolExecutor(max_workers=workers) as pool:
            running = [pool.submit(run_job, job, root, job_env, quarto) for job in todo]
            for future in as_completed(running):
                job, seconds, done = future.result()
                if done.returncode == 0:
                    log(f"render: {job.name} — done in {seconds:.1f} s ({', '.join(job.outputs)})")
                else:
                    failed.append(f"render: {job.name} FAILED (quarto render {' '.join(job.args)}, exit "
                                  f"{done.returncode}) after {seconds:.1f} s. Quarto said:\n{done.stdout}{done.stderr}")
    if failed:
        raise RenderError("\n".join(failed))
    outputs = [root / out for job in todo for out in job.outputs]
    post_env = dict(env, QUARTO_PROJECT_OUTPUT_DIR=str(paths.output),
                    QUARTO_PROJECT_OUTPUT_FILES="\n".join(str(p) for p in outputs))
    _script(root, POST_RENDER, post_env, "post-render (offline check, edition record)")
    log(f"render: done in {time.perf_counter() - started:.1f} s")
    return outputs
