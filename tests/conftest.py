"""Shared fixtures: a throw-away copy of the project's data so that tests can corrupt raw files,
run the real pipeline on them, and check that the copy's data/clean/ is untouched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# No test depends on how fast this machine is: hypothesis's per-example deadline is off.
settings.register_profile("boston-report", deadline=None)
settings.load_profile("boston-report")

from analysis.checks.output import find_chromium
from analysis.markup import KIND
from analysis.paths import PACKAGE_ROOT, ProjectPaths
from analysis.render import qmd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = PACKAGE_ROOT
REPORT = ROOT / "report"
INDEX = REPORT / "index.qmd"
CHROMIUM = find_chromium()  # $CHROMIUM, else Debian's chromium (or another name for it) on PATH


def copy_project(root: Path, source: Path = ROOT) -> ProjectPaths:
    """A copy of ``source``'s data/ and expectations/ in ``root`` (the code is the installed package)."""
    for name in ("data", "expectations"):
        shutil.copytree(source / name, root / name, ignore=shutil.ignore_patterns(".clean-*"))
    return ProjectPaths(root)


# What a render writes under report/ (the pre-render's and Quarto's), left out of a copy of the documents.
GENERATED = ("_output", ".quarto", "_vega-bundle.html", "_vega-placeholder.html", "_og.html", "*_files",
             "*.executed.ipynb", "_charts")


def copy_documents(root: Path) -> None:
    """A copy of the documents (report/ without what a render made), the Quarto project and the root
    files the chapters read, so that the copy renders as this checkout does."""
    shutil.copytree(ROOT / "report", root / "report", ignore=shutil.ignore_patterns(*GENERATED))
    for name in ("_quarto.yml", "index.qmd", "CITATION.cff", "LICENSE"):
        shutil.copyfile(ROOT / name, root / name)


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """A copy of data/ and expectations/ of this checkout, the test's to change."""
    return copy_project(tmp_path)


def git(root: Path, *args: str) -> str:
    """git in ``root`` as a test's throw-away repository needs it: a fixed author, no signing, the
    output (stripped); a failing command fails the test."""
    out = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false",
                          *args], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def commit_all(root: Path, message: str) -> str:
    """Everything in ``root`` committed (the repository made first, on main, if there is none);
    the new commit's id."""
    if not (root / ".git").exists():
        git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> ProjectPaths:
    """A copy of the project after one real build with its Data Docs (``build --data-docs``: Great
    Expectations and all), made once for the session: read it; a test that changes it works on
    ``copy_project(tmp_path, built_project.root)``."""
    from analysis.build.pipeline import build

    built = copy_project(tmp_path_factory.mktemp("built"))
    build(built, data_docs=True, progress=lambda _: None)
    return built


def snapshot_dir(path: Path) -> dict[str, bytes]:
    """Every file's bytes, to prove a folder did not change."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def edit(project: ProjectPaths, rel: str, old: str, new: str, *, rechecksum: bool = True) -> Path:
    """The first ``old`` in the project's file ``rel`` replaced by ``new`` (which must be there);
    with ``rechecksum`` the sidecar's sha256 follows, as a contributor's edit would."""
    from analysis.build.sources import update_checksum

    path = project.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if rechecksum:
        update_checksum(path)
    return path


def build_refused(project: ProjectPaths, error: type[Exception], match: str | None = None) -> Exception:
    """Build the project expecting ``error`` (and ``match``): data/clean/ must be as it was, byte
    for byte. The error, for its message."""
    from analysis.build.pipeline import build

    before = snapshot_dir(project.clean)
    with pytest.raises(error, match=match) as caught:
        build(project, progress=lambda _: None)
    assert snapshot_dir(project.clean) == before
    return caught.value


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


def required(tool: str | None, in_ci: str, elsewhere: str) -> str:
    """A program some tests need (its path, or None): its absence fails CI, which installs it, and
    elsewhere skips the test saying what was not run."""
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(in_ci)
        pytest.skip(elsewhere)
    return tool


def needs_chromium() -> str:
    """Debian's Chromium, for the tests that open pages in the real browser."""
    return required(CHROMIUM, "Chromium is required in CI (Debian's chromium; .ci/run installs it)",
                    "Chromium not installed (apt-get install chromium): the browser checks were not run")


# --------------------------------------------------------------------------- the report, executed

@pytest.fixture(scope="session")
def executed():
    """The report's notebook as the render executes it, once for the whole test session: the same
    notebook (execute.to_notebook), kernel set-up and cell runner (execute.kernel, execute.run) as
    the pre-render; only the outputs stay whole (the render then holds their payloads apart)."""
    from analysis.build.pipeline import validate_published  # the quality appendix reads the summary
    from analysis.render import execute as ex

    assert validate_published().success
    nb = ex.to_notebook(INDEX, ROOT)
    with ex.kernel(ProjectPaths(ROOT)) as client:
        ex.run(client, nb, REPORT)
    return nb


def origin(cell) -> str:
    """Where an executed cell came from: 'report/chapters/density.qmd:32'."""
    return cell.metadata["boston_report"]["origin"]


def figure_cells(nb) -> list[tuple[str, dict]]:
    """(label, cell) of every figure cell (``#| label: fig-…``), in document order."""
    out = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            label = qmd.parse_options(cell.source).get("label", "")
            if label.startswith("fig-"):
                out.append((label, cell))
    return out


def chart_markdown(cell) -> str:
    """A figure cell's one output: Markdown holding the chart's raw HTML and its PNG."""
    return next(o["data"]["text/markdown"] for o in cell.outputs if o.output_type in ("display_data", "execute_result")
                and "text/markdown" in o["data"])


def chart_specs(nb) -> list[tuple[str, dict]]:
    """(label, Vega-Lite spec) of every figure cell, as embedded in its HTML output."""
    from analysis.checks.pdf_charts import html_charts

    out = []
    for label, cell in figure_cells(nb):
        (_, spec), = html_charts(chart_markdown(cell))
        out.append((label, spec))
    return out


def inline_results(nb) -> list[tuple[str, str, str, str]]:
    """(origin, expression, kind of value, Markdown shown) of every inline expression."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for found in cell.metadata.get("user_expressions", []):
            data = found["result"]["data"]
            kind = data.get(KIND, "a bare value")  # Markup says what it is; a str, int or float does not
            out.append((origin(cell), found["expression"], kind, data.get("text/markdown", data.get("text/plain", ""))))
    return out


# --------------------------------------------------------------------------- sharing the tests out
#
# `make test` runs the tests in two processes (pytest-xdist, ``--dist loadgroup``). Tests that use
# one of our module- or session-scoped fixtures (the executed report, a rendered copy, a built
# project, a page audit…) form one group and run in one process, in file order, so that the
# fixture is made once (and the executed report, which writes into the checkout, is never made
# by two processes at once); every other test is handed out on its own, so that a file's slow
# tests do not queue in one process while the other idles. The groups are read from each test's
# fixtures as it is collected, beside any xdist_group mark. pytest-xdist 3.8 passes a group to
# its scheduler inside the test's id, which pytest 9.2 no longer lets it change
# (pytest-dev/pytest-xdist#1386: the groups are silently dropped); so each process writes the
# groups it collected to a file and the scheduler below reads them from there.

GROUPS_KEY = "boston_report_groups"  # in each process's workerinput: the folder for the groups' files
GROUPS_FOLDER = pytest.StashKey[str]()  # the same, in the controlling process


def fixture_groups(items) -> dict[str, str]:
    """nodeid -> group, for the tests in a group: those sharing a fixture of ours wider than one
    test (pytest's own, such as tmp_path_factory, are cheap and shared by all) and those marked
    xdist_group; tests joined through any chain of shared fixtures are one group, named after a
    session fixture they share, else after a module's."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    keys_of: dict = {}
    for item in items:
        keys = [f"{m.args[0] if m.args else m.kwargs.get('name', 'default')}@mark" for m in item.iter_markers("xdist_group")]
        info = getattr(item, "_fixtureinfo", None)  # pytest's record of the test's fixture closure
        for name, defs in (info.name2fixturedefs.items() if info else ()):
            fixture = defs[-1]
            if not fixture.baseid:  # a plugin's
                continue
            if fixture.scope in ("session", "package"):
                keys.append(f"{name}@{fixture.baseid}")
            elif fixture.scope == "module":
                keys.append(f"{name}@{item.nodeid.split('::')[0]}")
        keys.sort(key=lambda k: (not k.endswith(("@mark", "@tests")), k))  # a mark or a session fixture names the group
        for key in keys:
            parent.setdefault(key, key)
        for key in keys[1:]:
            if root(key) != root(keys[0]):
                parent[root(key)] = root(keys[0])
        if keys:
            keys_of[item.nodeid] = keys
    return {nodeid: root(keys[0]) for nodeid, keys in keys_of.items()}


@pytest.hookimpl(trylast=True)  # the test ids as the process sends them
def pytest_collection_modifyitems(config, items) -> None:
    """In each process of `make test`: the groups of the tests it collected, for the scheduler."""
    folder = getattr(config, "workerinput", {}).get(GROUPS_KEY)
    if folder:
        path = Path(folder) / f"{config.workerinput['workerid']}.json"
        path.with_suffix(".tmp").write_text(json.dumps(fixture_groups(items)), encoding="utf-8")
        path.with_suffix(".tmp").replace(path)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """(pytest-xdist, in the controlling process) Where each process writes its groups."""
    if GROUPS_FOLDER not in node.config.stash:
        node.config.stash[GROUPS_FOLDER] = tempfile.mkdtemp(prefix="pytest-groups-")
    node.workerinput[GROUPS_KEY] = node.config.stash[GROUPS_FOLDER]


def pytest_unconfigure(config) -> None:
    if GROUPS_FOLDER in config.stash:
        shutil.rmtree(config.stash[GROUPS_FOLDER], ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``: xdist's own, with the groups read from the files."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class FixtureGroupScheduling(LoadGroupScheduling):
        """A group's tests are one unit of work, every other test a unit of its own."""

        groups: dict[str, str] | None = None

        def schedule(self) -> None:
            if self.groups is None and self.collection_is_completed:
                folder = Path(config.stash[GROUPS_FOLDER])
                found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
                assert found and all(f == found[0] for f in found), "the test processes collected different groups"
                self.groups = found[0]
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            return self.groups.get(nodeid) or super()._split_scope(nodeid)  # a test id xdist could mark

    return FixtureGroupScheduling(config, log)
