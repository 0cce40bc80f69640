"""`boston-report render`: one pre-render, the Quarto jobs side by side, one post-render.

The jobs run a stand-in `quarto` (a script that records what it was asked and writes the files a
render writes), in a hand-made project whose pre- and post-render scripts record that they ran.
The real Quarto run is CI's `make report` (this command) followed by `make check-output`.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
import yaml

from analysis.paths import ProjectPaths
from analysis.render import render as r

ROOT = Path(__file__).resolve().parent.parent

FAKE_QUARTO = """#!{python}
import json, os, subprocess, sys
from pathlib import Path
import yaml
args = sys.argv[2:]
log = Path(os.environ["FAKE_LOG"])
cache = Path(".quarto/project-cache/kv")
cached = cache.read_text() if cache.exists() else None
config = lambda: yaml.safe_load(Path("_quarto.yml").read_text())["project"]
# As Quarto does: start, run the project's pre-render (a failure aborts the render), then read the
# render list again (the pre-render may have made its files).
before = [entry for entry in config()["render"] if Path(entry).exists()]
pre = subprocess.run([sys.executable, config()["pre-render"]])
render_list = config()["render"]
with log.open("a") as f:
    f.write(json.dumps({{"args": args, "cwd": os.getcwd(), "token": os.environ.get("{token}"),
                        "token_exists": Path(os.environ.get("{token}", "/nonexistent")).is_file(),
                        "render_list": render_list, "present_at_start": before, "pre_render": pre.returncode,
                        "present_after_pre_render": [e for e in render_list if Path(e).exists()],
                        "cache": cached}}) + "\\n")
if pre.returncode:
    print("ERROR: pre-render script failed", file=sys.stderr)
    sys.exit(1)
# Quarto memoises into the project cache: each render adds what it computed.
cache.parent.mkdir(parents=True, exist_ok=True)
cache.write_text((cached or "") + ",".join(render_list) + ";")
if os.environ.get("FAKE_FAIL") and os.environ["FAKE_FAIL"] in " ".join(args + render_list):
    print("ERROR: something in the notebook is wrong", file=sys.stderr)
    sys.exit(1)
if os.environ.get("FAKE_SKIP"):
    sys.exit(0)  # as Quarto does when it takes a notebook for an intermediate file
fmt = args[args.index("--to") + 1]
out = Path("_output/report")
for entry in render_list:
    name = Path(entry).name.split(".")[0]
    folder = out / "site" if "/site/" in entry else out
    folder.mkdir(parents=True, exist_ok=True)
    (folder / (name + (".html" if fmt == "html" else ".pdf"))).write_text(fmt + " from " + os.getcwd())
"""

SCRIPT = """import json, os, sys
sys.path.insert(0, {root!r})
from analysis.render.render import inside_job, wait_until_released
released = wait_until_released() if inside_job() else None
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write(json.dumps({{"script": "{name}", "inside_job": inside_job(), "released": released,
                        "outputs": os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")}}) + "\\n")
sys.exit(1 if released is False else int(os.environ.get("FAKE_{upper}_EXIT", "0")))
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with the real _quarto.yml, stand-in scripts and notebooks, and a stand-in quarto."""
    root = tmp_path / "project"
    (root / "report/site").mkdir(parents=True)
    (root / "_quarto.yml").write_text((ROOT / "_quarto.yml").read_text(encoding="utf-8"), encoding="utf-8")
    for name, upper in (("_prerender", "PRE"), ("_postrender", "POST")):
        (root / "report" / f"{name}.py").write_text(SCRIPT.format(root=str(ROOT), name=name, upper=upper))
    (root / r.REPORT_NOTEBOOK).write_text("{}")
    (root / "report/_metadata.yml").write_text("lang: ko\n")
    (root / "report/index.executed_files").mkdir()  # an HTML render's supporting files: not copied
    (root / "report/site/index.executed.ipynb").write_text("{}")
    (root / "report/site/en.executed.ipynb").write_text("{}")
    quarto = tmp_path / "quarto"
    quarto.write_text(FAKE_QUARTO.format(python=sys.executable, token=r.TOKEN_ENV))
    quarto.chmod(quarto.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.delenv(r.TOKEN_ENV, raising=False)
    return root, str(quarto), log


def records(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_plan_per_format():
    assert [j.name for j in r.plan(None)] == ["HTML: report, site pages", "report, PDF"]
    assert [j.name for j in r.plan("html")] == ["report, HTML", "site pages, HTML"]
    assert [j.name for j in r.plan("typst")] == ["report, PDF"]
    assert [j.args[-1] for j in r.plan(None)] == ["html", "typst"]


def test_plan_refuses_a_format_the_project_does_not_render():
    with pytest.raises(ValueError, match="html or typst"):
        r.plan("docx")


@pytest.mark.parametrize("to, formats", [(None, {"html", "typst"}), ("html", {"html"}), ("typst", {"typst"})])
def test_plan_renders_exactly_the_render_list(to, formats):
    """Every document of _quarto.yml's render list gets each format once (a document added to the
    list without a job fails this), the PDF only for the report."""
    listed = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["project"]["render"]
    rendered = [(entry, job.args[-1]) for job in r.plan(to) for entry in r.job_render_list(job, listed)]
    expected = [(entry, fmt) for entry in listed for fmt in sorted(formats)
                if fmt == "html" or entry == r.REPORT_NOTEBOOK]
    assert sorted(rendered) == sorted(expected)


def test_inside_job_needs_an_existing_token_file(tmp_path, monkeypatch):
    monkeypatch.delenv(r.TOKEN_ENV, raising=False)
    assert not r.inside_job()
    monkeypatch.setenv(r.TOKEN_ENV, str(tmp_path / "gone"))
    assert not r.inside_job()  # a leftover or hand-set value does not skip the gate
    monkeypatch.setenv(r.TOKEN_ENV, "")
    assert not r.inside_job()
    (tmp_path / "token").write_text("1")
    monkeypatch.setenv(r.TOKEN_ENV, str(tmp_path / "token"))
    assert r.inside_job()


def test_copy_project_holds_what_a_job_renders(project, tmp_path):
    root, _, _ = project
    into = tmp_path / "copy"
    into.mkdir()
    r.copy_project(root, into, r.project_config(root), r.REPORT_PDF)
    config = yaml.safe_load((into / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["render"] == [r.REPORT_NOTEBOOK]
    assert config["project"]["pre-render"] == "report/_prerender.py"  # still there: it sees the token
    assert config["project"]["output-dir"] == "_output"
    assert (into / r.REPORT_NOTEBOOK).is_file() and (into / "report/_metadata.yml").is_file()
    assert (into / "report/site/index.executed.ipynb").is_file()
    assert not (into / "report/index.executed_files").exists()  # another render's supporting files


def test_each_job_reads_its_formats_view_of_the_notebooks(project, tmp_path):
    """The copy's notebooks are the job's one format's view (analysis/render/single_format.py); the
    project's own notebook stays whole for `quarto render` at the root."""
    import nbformat

    from analysis import markup as m

    root, _, _ = project
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(...)")
    cited = str(m.per_format("`<b>1</b>`{=html}", "1^[\\[2\\]](#src-a)^"))
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=cited)]
    nb.cells = [cell]
    nbformat.write(nb, str(root / r.REPORT_NOTEBOOK))
    texts = {}
    for job in (r.REPORT_HTML, r.REPORT_PDF):
        into = tmp_path / job.to
        into.mkdir()
        r.copy_project(root, into, r.project_config(root), job)
        texts[job.to] = "".join(json.loads((into / r.REPORT_NOTEBOOK).read_text(encoding="utf-8"))["cells"][0]["outputs"][0]["text"])
    assert texts == {"html": "`<b>1</b>`{=html}", "typst": cited.replace("`<b>1</b>`{=html}", "")}
    assert "".join(nbformat.read(str(root / r.REPORT_NOTEBOOK), as_version=4).cells[0].outputs[0]["text"]) == cited


def quarto_runs(log: Path) -> dict[str, dict]:
    """What each stand-in Quarto process recorded, by its render list."""
    return {",".join(g["render_list"]): g for g in records(log) if "args" in g}


def test_render_runs_pre_render_jobs_then_post_render(project):
    root, quarto, log = project
    lines = []
    outputs = r.render(ProjectPaths(root), quarto, jobs=2, log=lines.append)
    got = records(log)
    scripts = [(g["script"], g["inside_job"], g["released"]) for g in got if "script" in g]
    # The project's pre-render once here; in each job the copy's pre-render waited and was released.
    assert scripts.count(("_prerender", False, None)) == 1 and scripts.count(("_prerender", True, True)) == 2
    assert got[-1]["script"] == "_postrender" and got[-1]["inside_job"] is False
    assert set(got[-1]["outputs"].splitlines()) == {str(p) for p in outputs}
    jobs = {j["args"][-1]: j for j in got if "args" in j}
    assert sorted(jobs) == ["html", "typst"] and len(got) == 6
    assert jobs["html"]["args"] == ["--to", "html"] and jobs["html"]["render_list"] == [
        r.REPORT_NOTEBOOK, "report/site/index.executed.ipynb", "report/site/en.executed.ipynb"]
    assert jobs["typst"]["args"] == ["--to", "typst"] and jobs["typst"]["render_list"] == [r.REPORT_NOTEBOOK]
    for fmt, job in jobs.items():
        assert job["token"] and job["token_exists"]  # so each job's pre/post-render wait or skip
        assert job["cwd"] != str(root) and not Path(job["cwd"]).exists()  # a copy, gone after
        # However early Quarto started, the notebooks were there when its pre-render ended.
        assert job["present_after_pre_render"] == job["render_list"]
    assert jobs["html"]["token"] != jobs["typst"]["token"]  # each job is released on its own
    assert (root / "_output/report/index.pdf").read_text() == f"typst from {jobs['typst']['cwd']}"  # moved back
    assert (root / "_output/report/index.html").read_text() == f"html from {jobs['html']['cwd']}"
    assert sorted(p.relative_to(root).as_posix() for p in outputs) == [
        "_output/report/index.html", "_output/report/index.pdf",
        "_output/report/site/en.html", "_output/report/site/index.html"]
    assert not Path(jobs["html"]["token"]).exists()  # the token ends with the render
    assert any("done in" in line and "report, PDF" in line for line in lines)


def test_quarto_starts_while_the_pre_render_runs_and_waits_for_it(project, monkeypatch, tmp_path):
    """The jobs' Quarto processes start at once; their pre-render returns only after the project's
    pre-render has finished (a slow one here: it sleeps), never before."""
    root, quarto, log = project
    slow = root / "report/_prerender.py"
    slow.write_text("import time, os, sys\n"
                    "from pathlib import Path\n"
                    "sys.path.insert(0, " + repr(str(ROOT)) + ")\n"
                    "from analysis.render.render import inside_job, wait_until_released\n"
                    "log = Path(os.environ['FAKE_LOG'])\n"
                    "if inside_job():\n"
                    "    with log.open('a') as f: f.write('{\"job_waiting\": %r}\\n' % time.time())\n"
                    "    ok = wait_until_released()\n"
                    "    with log.open('a') as f: f.write('{\"job_released\": %r}\\n' % time.time())\n"
                    "    sys.exit(0 if ok else 1)\n"
                    "time.sleep(1.5)\n"
                    "with log.open('a') as f: f.write('{\"pre_render_done\": %r}\\n' % time.time())\n")
    r.render(ProjectPaths(root), quarto, jobs=2, log=lambda _: None)
    got = records(log)
    done = next(g["pre_render_done"] for g in got if "pre_render_done" in g)
    waiting = [g["job_waiting"] for g in got if "job_waiting" in g]
    released = [g["job_released"] for g in got if "job_released" in g]
    assert len(waiting) == 2 and max(waiting) < done, "both Quarto processes were up before the pre-render ended"
    assert len(released) == 2 and min(released) >= done


def test_render_html_only(project):
    root, quarto, log = project
    r.render(ProjectPaths(root), quarto, "html", jobs=2, log=lambda _: None)
    assert not (root / "_output/report/index.pdf").exists()
    assert sorted(quarto_runs(log)) == ["report/index.executed.ipynb",
                                        "report/site/index.executed.ipynb,report/site/en.executed.ipynb"]
    assert all(g["args"] == ["--to", "html"] for g in quarto_runs(log).values())
    assert (root / "_output/report/site/en.html").is_file()


def test_quarto_exiting_0_without_writing_fails_the_render(project, monkeypatch):
    root, quarto, _ = project
    monkeypatch.setenv("FAKE_SKIP", "1")
    with pytest.raises(r.RenderError, match="exited 0 but wrote no _output/report/index.pdf"):
        r.render(ProjectPaths(root), quarto, "typst", log=lambda _: None)


def test_a_failing_pre_render_stops_the_waiting_jobs_and_renders_nothing(project, monkeypatch):
    root, quarto, log = project
    monkeypatch.setenv("FAKE_PRE_EXIT", "1")
    with pytest.raises(r.RenderError, match="pre-render .* failed"):
        r.render(ProjectPaths(root), quarto, log=lambda _: None)
    got = records(log)
    assert [(g["script"], g["inside_job"], g["released"]) for g in got if "script" in g][0] in (
        ("_prerender", False, None), ("_prerender", True, False))
    assert sorted(g["released"] for g in got if g.get("inside_job")) == [False, False], "both jobs were stopped"
    assert all(g["pre_render"] == 1 for g in got if "args" in g) and len([g for g in got if "args" in g]) == 2
    assert "_postrender" not in [g.get("script") for g in got]
    assert not (root / "_output").exists()


def test_a_job_whose_render_is_gone_stops_waiting(tmp_path, monkeypatch):
    token = tmp_path / "token"
    gone = __import__("subprocess").run([sys.executable, "-c", "import os; print(os.getpid())"],
                                        capture_output=True, text=True).stdout.strip()
    r.set_token(token, f"{r.WAIT} {gone}")
    monkeypatch.setenv(r.TOKEN_ENV, str(token))
    assert r.wait_until_released() is False, "the process that would release it has ended"
    r.set_token(token, r.GO)
    assert r.wait_until_released() is True
    r.set_token(token, r.STOP)
    assert r.wait_until_released() is False
    token.unlink()
    assert r.wait_until_released() is False


def test_a_failing_job_names_itself_shows_quarto_and_skips_post_render(project, monkeypatch):
    root, quarto, log = project
    monkeypatch.setenv("FAKE_FAIL", "typst")
    with pytest.raises(r.RenderError) as failure:
        r.render(ProjectPaths(root), quarto, jobs=2, log=lambda _: None)
    message = str(failure.value)
    assert "report, PDF FAILED" in message and "--to typst" in message
    assert "something in the notebook is wrong" in message
    got = records(log)
    assert "_postrender" not in [g.get("script") for g in got]
    assert len([g for g in got if "args" in g]) == 2  # the other job still ran to its end
    assert not (root / "_output/report/index.pdf").exists()


def test_a_failing_post_render_fails_the_render(project, monkeypatch):
    root, quarto, _ = project
    monkeypatch.setenv("FAKE_POST_EXIT", "1")
    with pytest.raises(r.RenderError, match="post-render"):
        r.render(ProjectPaths(root), quarto, log=lambda _: None)


def test_each_job_keeps_its_quarto_cache_for_the_next_render(project, monkeypatch):
    """Quarto memoises the theme's Sass variables in .quarto/project-cache (1 s per process): a
    job's fresh copy starts with what the same job left last time, and a failed job leaves the
    kept cache as it was."""
    root, quarto, log = project
    paths = ProjectPaths(root)
    report, site = r.REPORT_NOTEBOOK, "report/site/index.executed.ipynb,report/site/en.executed.ipynb"
    r.render(paths, quarto, "html", log=lambda _: None)
    first = {k: g["cache"] for k, g in quarto_runs(log).items()}
    assert first == {report: None, site: None}
    kept = {job.name: r.job_cache(job, paths) for job in r.plan("html")}
    assert kept["report, HTML"] == root / "build/quarto-cache/report-html"
    assert (kept["report, HTML"] / "kv").read_text() == report + ";"
    assert (kept["site pages, HTML"] / "kv").read_text() == site + ";"

    log.write_text("")
    r.render(paths, quarto, "html", log=lambda _: None)
    second = {k: g["cache"] for k, g in quarto_runs(log).items()}
    assert second == {report: report + ";", site: site + ";"}

    monkeypatch.setenv("FAKE_FAIL", "report/site")
    with pytest.raises(r.RenderError):
        r.render(paths, quarto, "html", log=lambda _: None)
    assert (kept["site pages, HTML"] / "kv").read_text() == (site + ";") * 2  # the failed run's is dropped
    assert (kept["report, HTML"] / "kv").read_text() == (report + ";") * 3
    assert sorted(p.name for p in (root / "build/quarto-cache").iterdir()) == ["report-html", "site-pages-html"]


def test_one_job_at_a_time_gives_the_same_files(project):
    root, quarto, log = project
    r.render(ProjectPaths(root), quarto, jobs=1, log=lambda _: None)
    assert (root / "_output/report/index.pdf").is_file() and (root / "_output/report/site/en.html").is_file()


def test_the_project_scripts_skip_inside_a_job(tmp_path):
    """The real report/_prerender.py and _postrender.py do nothing of their own in a job: the
    pre-render passes once the job is released and fails, saying why, once it is stopped."""
    import subprocess  # noqa: PLC0415

    token = tmp_path / "token"
    env = dict(os.environ, **{r.TOKEN_ENV: str(token)})

    def run(script):
        return subprocess.run([sys.executable, str(ROOT / script)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    r.set_token(token, r.GO)
    for script in (r.PRE_RENDER, r.POST_RENDER):
        done = run(script)
        assert done.returncode == 0, done.stderr
        assert "build:" not in done.stderr and "execute" not in done.stderr and "remote" not in done.stdout
    r.set_token(token, r.STOP)
    done = run(r.PRE_RENDER)
    assert done.returncode == 1 and "stopped this Quarto process before it rendered" in done.stderr
    assert "build:" not in done.stderr
