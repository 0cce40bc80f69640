"""One execution for every format: the pre-render turns each source into a notebook, executes it
once in one kernel, and reuses it only while nothing it was computed from has changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.build.fingerprint import FORCE_ENV
from analysis.paths import ProjectPaths
from analysis.render import execute as ex
from analysis.edition import DATE_ENV

from conftest import ROOT

DOC = """---
title: "시험 문서"
date: last-modified
---

```{python}
#| include: false
from pathlib import Path
value = Path("../data/clean/t.csv").read_text(encoding="utf-8").split()[1]
```

값은 `{python} value`이고 두 배는 `{python} int(value) * 2`이다.

{{< include chapters/_part.qmd >}}
"""
PART = """## 둘째

```{python}
#| output: asis
print(f"**{int(value) + 1}**")
```
"""


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> ProjectPaths:
    """A project with one document (an include, a code cell, inline expressions) reading one
    clean file, and a copy of the analysis package as its code."""
    for name in ("BOSTON_REPORT_SITE_URL", DATE_ENV, FORCE_ENV, "BOSTON_REPORT_ROOT"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "report" / "chapters").mkdir(parents=True)
    (tmp_path / "report" / "doc.qmd").write_text(DOC, encoding="utf-8")
    (tmp_path / "report" / "chapters" / "_part.qmd").write_text(PART, encoding="utf-8")
    (tmp_path / "data" / "clean").mkdir(parents=True)
    (tmp_path / "data" / "clean" / "t.csv").write_text("value\n21\n", encoding="utf-8")
    (tmp_path / "code" / "analysis" / "report").mkdir(parents=True)
    (tmp_path / "code" / "analysis" / "report" / "charts.py").write_text("WIDTH = 1\n", encoding="utf-8")
    (tmp_path / "code" / "requirements.lock").write_text("altair==5\n", encoding="utf-8")
    return ProjectPaths(tmp_path)


def run(paths: ProjectPaths, log: list | None = None) -> dict:
    return ex.execute(paths, ("report/doc.qmd",), log=(log.append if log is not None else lambda _: None),
                      code_root=paths.root / "code")


def notebook(paths: ProjectPaths) -> nbformat.NotebookNode:
    return nbformat.read(str(paths.root / "report" / "doc.executed.ipynb"), as_version=4)


def inline_values(nb) -> list[str]:
    return [r["result"]["data"]["text/plain"] for c in nb.cells if c.cell_type == "markdown"
            for r in c.metadata.get("user_expressions", [])]


def test_the_source_becomes_a_notebook_quarto_renders_without_executing(tiny):
    nb = ex.to_notebook(tiny.root / "report" / "doc.qmd", tiny.root)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["raw", "code", "markdown", "code"]
    front = nb.cells[0].source
    assert front.startswith("---\n") and front.endswith("---") and "title: 시험 문서" in front
    assert "execute:\n  enabled: false" in front, "Quarto must not execute the notebook again"
    assert nb.cells[1].source.startswith("#| include: false") and nb.cells[3].source.startswith("#| output: asis")
    origins = [c.metadata[ex.META]["origin"] for c in nb.cells[1:]]
    assert origins == ["report/doc.qmd:6", "report/doc.qmd:12", "report/chapters/_part.qmd:3"]
    assert "## 둘째" in nb.cells[2].source, "the included prose joins the Markdown before it"
    assert "{{< include" not in "".join(c.source for c in nb.cells)


def test_a_code_cell_never_closed_is_named(tiny):
    (tiny.root / "report" / "chapters" / "_part.qmd").write_text("```{python}\nx = 1\n", encoding="utf-8")
    with pytest.raises(ex.ExecutionError, match=r"report/chapters/_part.qmd:1: code cell is never closed"):
        ex.to_notebook(tiny.root / "report" / "doc.qmd", tiny.root)


@pytest.mark.slow
def test_one_execution_is_written_then_reused_until_an_input_changes(tiny):
    log: list[str] = []
    assert run(tiny, log) == {"report/doc.qmd": "not executed yet"}
    nb = notebook(tiny)
    # Inline values where Quarto reads them when it renders the notebook, as its own executor stores them.
    assert inline_values(nb) == ["'21'", "42"]
    assert nb.cells[2].metadata["user_expressions"][1]["expression"] == "int(value) * 2"
    assert nb.cells[3].outputs[0]["text"] == "**22**\n"
    assert any("report/doc.qmd (not executed yet)" in line for line in log)
    # date: last-modified stays the source's date, not the execution's.
    assert (tiny.root / "report" / "doc.executed.ipynb").stat().st_mtime == (tiny.root / "report" / "doc.qmd").stat().st_mtime

    assert run(tiny) == {"report/doc.qmd": None}, "nothing changed: the execution is reused"

    (tiny.root / "data" / "clean" / "t.csv").write_text("value\n50\n", encoding="utf-8")
    assert run(tiny) == {"report/doc.qmd": "clean data changed"}
    assert inline_values(notebook(tiny)) == ["'50'", "100"], "the new data are in the executed notebook"

    (tiny.root / "code" / "analysis" / "report" / "charts.py").write_text("WIDTH = 2\n", encoding="utf-8")
    assert run(tiny) == {"report/doc.qmd": "analysis code changed"}, "a chart helper changed: executed again"


@pytest.mark.slow
def test_a_failing_cell_names_its_file_and_line_and_leaves_no_stale_notebook(tiny):
    run(tiny)
    assert (tiny.root / "report" / "doc.executed.ipynb").exists()
    (tiny.root / "report" / "chapters" / "_part.qmd").write_text(PART.replace("int(value) + 1", "int(value) / 0"), encoding="utf-8")
    with pytest.raises(ex.ExecutionError, match=r"report/chapters/_part.qmd:3: the cell failed: ZeroDivisionError"):
        run(tiny)
    assert not (tiny.root / "report" / "doc.executed.ipynb").exists(), "Quarto must find nothing stale to render"


@pytest.mark.slow
def test_a_failing_inline_expression_names_where_its_prose_starts(tiny):
    (tiny.root / "report" / "doc.qmd").write_text(DOC.replace("int(value) * 2", "undefined_name"), encoding="utf-8")
    with pytest.raises(ex.ExecutionError, match=r"report/doc.qmd:12 .*`\{python\} undefined_name` failed: NameError"):
        run(tiny)


def record(paths: ProjectPaths, images: list[str] | None = None) -> Path:
    """A notebook stamped as executed from the inputs as they are now."""
    target = paths.root / "report" / "doc.executed.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata[ex.META] = {"version": ex.VERSION, "inputs": ex.inputs(paths, "report/doc.qmd", paths.root / "code"), "images": images or []}
    nbformat.write(nb, str(target))
    return target


def why(paths: ProjectPaths) -> str | None:
    return ex.stale(paths.root / "report" / "doc.executed.ipynb", ex.inputs(paths, "report/doc.qmd", paths.root / "code"))


@pytest.mark.parametrize("change, reason", [
    (lambda root: (root / "report" / "chapters" / "_part.qmd").write_text(PART + "\n더.\n", encoding="utf-8"), "document changed"),
    (lambda root: (root / "data" / "clean" / "t.csv").write_text("value\n22\n", encoding="utf-8"), "clean data changed"),
    (lambda root: (root / "code" / "analysis" / "report" / "charts.py").write_text("WIDTH = 2\n", encoding="utf-8"), "analysis code changed"),
    (lambda root: (root / "code" / "requirements.lock").write_text("altair==6\n", encoding="utf-8"), "locked dependencies changed"),
    (lambda root: (root / "build" / "validation").mkdir(parents=True) or (root / "build" / "validation" / "summary.json").write_text("{}"),
     "clean data changed"),
])
def test_each_input_changed_in_turn_makes_the_execution_stale(tiny, change, reason):
    record(tiny)
    assert why(tiny) is None
    change(tiny.root)
    assert why(tiny) == reason


def test_settings_and_the_edition_date_are_inputs_but_the_force_flag_is_not(tiny, monkeypatch):
    record(tiny)
    monkeypatch.setenv(FORCE_ENV, "1")
    assert why(tiny) is None
    monkeypatch.setenv("BOSTON_REPORT_SITE_URL", "https://example.org/r/")
    assert why(tiny) == "settings changed"
    record(tiny)
    monkeypatch.setenv(DATE_ENV, "2031-01-02")  # a setting that also moves the edition's date
    assert why(tiny) == "edition, settings changed"


def test_a_missing_chart_image_or_another_executor_version_makes_it_stale(tiny):
    (tiny.root / "report" / "_charts").mkdir()
    image = tiny.root / "report" / "_charts" / ("a" * 64 + ".png")
    image.write_bytes(b"\x89PNG")
    target = record(tiny, images=[f"_charts/{image.name}"])
    assert why(tiny) is None
    image.unlink()
    assert why(tiny) == f"its chart image _charts/{image.name} is missing"
    data = json.loads(target.read_text(encoding="utf-8"))
    data["metadata"][ex.META]["version"] = ex.VERSION + 1
    target.write_text(json.dumps(data), encoding="utf-8")
    assert why(tiny) == "executed by another version of the executor"
    target.write_text("{", encoding="utf-8")
    assert why(tiny) == "its executed notebook is unreadable"


def test_the_force_flag_executes_again(tiny, monkeypatch):
    record(tiny)
    monkeypatch.setenv(FORCE_ENV, "1")
    ran = []
    monkeypatch.setattr(ex, "run", lambda client, nb, folder: ran.append(folder) or (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):  # stopped right after the kernel started: it was going to execute
        run(tiny)
    assert ran == [tiny.root / "report"]


def test_a_document_is_stale_only_when_a_file_it_includes_changed(tiny, tmp_path):
    """A change to a chapter re-executes the documents that include it, not the others."""
    (tiny.root / "report" / "other.qmd").write_text("---\ntitle: 다른 문서\n---\n\n글.\n", encoding="utf-8")
    before = {s: ex.inputs(tiny, s, tiny.root / "code")["document"] for s in ("report/doc.qmd", "report/other.qmd")}
    (tiny.root / "report" / "chapters" / "_part.qmd").write_text(PART + "\n더.\n", encoding="utf-8")
    after = {s: ex.inputs(tiny, s, tiny.root / "code")["document"] for s in ("report/doc.qmd", "report/other.qmd")}
    assert before["report/doc.qmd"] != after["report/doc.qmd"] and before["report/other.qmd"] == after["report/other.qmd"]


def test_the_project_renders_the_executed_notebooks_of_its_sources():
    import yaml

    render = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["project"]["render"]
    assert render == ["index.qmd"] + [str(ex.notebook_path(Path(s))) for s in ex.SOURCES]
    assert all((ROOT / s).exists() for s in ex.SOURCES)
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "report/**/*.executed.ipynb" in ignored and "report/_charts/" in ignored
    assert shutil.which("git") is None or all(
        __import__("subprocess").run(["git", "check-ignore", "-q", str(ex.notebook_path(Path(s)))], cwd=ROOT).returncode == 0
        for s in ex.SOURCES)


@pytest.mark.slow
def test_the_executed_notebook_holds_its_csv_files_apart_with_tokens_bound_to_the_inputs(tiny):
    """What Quarto reads carries tokens; the notebook's metadata keeps what they stand for, and a new
    execution (new data) gives new tokens, so a page rendered from the old one cannot be filled."""
    from analysis.render import payloads

    (tiny.root / "report" / "chapters" / "_part.qmd").write_text(
        '```{python}\n#| output: asis\nimport pandas as pd\nfrom analysis.report.provenance import csv_link\n'
        'print(csv_link(pd.DataFrame({"v": [value]}), "t"))\n```\n', encoding="utf-8")
    run(tiny)
    nb = notebook(tiny)
    printed, held = nb.cells[3].outputs[0]["text"], nb.metadata[ex.META][payloads.KEY]
    assert printed.startswith("`<!--" + payloads.PREFIX) and len(held) == 2, "the link's raw HTML and its CSV file"
    link = next(v for v in held.values() if v.startswith("<a "))
    csv = next(v for v in held.values() if not v.startswith("<"))
    assert payloads.CSV_URI + payloads.PREFIX in link and "v\n21\n" in __import__("base64").b64decode(csv).decode()
    assert payloads.attach_text(printed, held, "doc.html")[0] != printed
    (tiny.root / "data" / "clean" / "t.csv").write_text("value\n50\n", encoding="utf-8")
    run(tiny)
    assert not set(held) & set(notebook(tiny).metadata[ex.META][payloads.KEY]), "new inputs, new tokens"
    with pytest.raises(payloads.PayloadError, match="another execution"):
        payloads.attach_text(printed, notebook(tiny).metadata[ex.META][payloads.KEY], "doc.html")


def test_the_notebook_includes_the_bundles_placeholder_where_the_source_includes_the_bundle():
    """The project renders the notebook, whose post-render fills the placeholder; a .qmd rendered by
    name (no post-render) keeps the whole bundle."""
    import yaml

    from analysis.render import qmd, vegabundle

    source = ROOT / "report" / "index.qmd"
    front = yaml.safe_load(ex.front_matter_cell(source).source.strip("-\n"))
    assert front["format"]["html"]["include-in-header"] == [vegabundle.PLACEHOLDER_INCLUDE, "_og.html"]
    assert qmd.front_matter(source)["format"]["html"]["include-in-header"] == [vegabundle.INCLUDE, "_og.html"]


def test_an_inline_value_says_whether_it_is_markup_and_a_bare_value_does_not(tiny):
    """What the report's test of inline figures reads (conftest.inline_results): a Markup value's
    output names its kind beside its Markdown; a bare number names none, so it cannot pass as cited."""
    from analysis.markup import KIND

    doc = tiny.root / "report" / "doc.qmd"
    doc.write_text(DOC.replace("이다.", "이다. `{python} __import__('analysis.report.provenance', fromlist=['x']).label('보스턴')`"),
                   encoding="utf-8")
    run(tiny)
    results = [r["result"]["data"] for c in notebook(tiny).cells if c.cell_type == "markdown"
               for r in c.metadata.get("user_expressions", [])]
    assert [d.get(KIND) for d in results] == [None, None, "Label"]
    assert results[2]["text/markdown"] == "보스턴"
