"""The report's chapters: every code cell and inline expression runs through a real Jupyter
kernel against the committed clean data (what `quarto render` would execute), charts carry both
HTML and PNG, and the prose has no figure typed by hand."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from analysis.report import qmd
from analysis.report.data import load

from conftest import ROOT

REPORT = ROOT / "report"
INDEX = REPORT / "index.qmd"


def notebook_for(path: Path) -> tuple[nbformat.NotebookNode, list[qmd.Cell]]:
    executable = [c for c in qmd.cells(path) if c.kind in ("code", "inline")]
    nb = nbformat.v4.new_notebook()
    for c in executable:
        # An inline expression runs as Quarto runs it: evaluated after the cells before it.
        source = c.source if c.kind == "code" else f"__inline = ({c.source})\nprint(__inline)"
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"qmd": f"{c.file}:{c.line}"}))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb, executable


@pytest.fixture(scope="module")
def executed():
    # The data-quality appendix reads the last validation summary, as after Quarto's pre-render.
    from analysis.pipeline import validate_published

    assert validate_published().success
    nb, executable = notebook_for(INDEX)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(REPORT)}}).execute()
    return nb, executable


@pytest.mark.slow
def test_every_chapter_cell_runs_without_error(executed):
    nb, executable = executed
    for cell in nb.cells:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{cell.metadata['qmd']}: {errors[0]['ename']}: {errors[0]['evalue']}"
    files = {Path(c.file).name for c in executable}
    chapters = {p.name for p in (REPORT / "chapters").glob("*.qmd")}
    assert chapters <= files, f"chapters never included by index.qmd: {chapters - files}"


@pytest.mark.slow
def test_inline_expressions_print_plain_text(executed):
    nb, executable = executed
    for cell, source in zip(nb.cells, executable):
        if source.kind != "inline":
            continue
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert text.strip(), f"{source.file}:{source.line}: inline `{source.source}` printed nothing"
        assert "nan" not in text.lower() and "<NA>" not in text, f"{source.file}:{source.line}: {text!r}"


@pytest.mark.slow
def test_figure_cells_emit_html_and_png(executed):
    nb, executable = executed
    figure_cells = [(cell, src) for cell, src in zip(nb.cells, executable) if src.options.get("label", "").startswith("fig-")]
    assert figure_cells, "the report has no figure"
    for cell, src in figure_cells:
        bundles = [o["data"] for o in cell.outputs if o.output_type in ("display_data", "execute_result")]
        assert any("text/html" in b and "image/png" in b for b in bundles), f"{src.file}:{src.line}: chart lacks html or png"
        html = next(b["text/html"] for b in bundles if "text/html" in b)
        assert "cdn." not in html and "https://" not in html.split("vegaEmbed")[0], "chart HTML must not load anything remote"
        assert src.options.get("fig-cap"), f"{src.file}:{src.line}: figure without caption"


def test_no_figure_typed_by_hand_in_prose():
    assert qmd.hand_typed_numbers(INDEX) == []


def test_hand_typed_number_detector_catches_figures(tmp_path):
    doc = tmp_path / "d.qmd"
    doc.write_text("---\ntitle: x 12\n---\n\n2018년 투자는 48억 달러, `{python} x` 제3장, 1.5배, 2,928억원\n", encoding="utf-8")
    assert [n for _, _, n in qmd.hand_typed_numbers(doc)] == ["48", "1.5", "2,928"]


def test_sources_appendix_lists_every_sidecar():
    from analysis.report.provenance import sources_list

    sidecars = sorted(p.parent.name for p in (ROOT / "data" / "raw").glob("*/*.meta.yaml"))
    listing = sources_list(load("sources"))
    for n, sid in enumerate(sidecars, start=1):
        assert f"[\\[{n}\\]]{{#src-{sid}}}" in listing and f"`{sid}`" in listing


def test_quarto_project_is_configured_for_offline_html_and_korean_pdf():
    import yaml

    cfg = yaml.safe_load((REPORT / "_quarto.yml").read_text(encoding="utf-8"))
    assert cfg["project"]["pre-render"] == "_prerender.py"
    assert cfg["project"]["post-render"] == "_postrender.py"
    assert cfg["format"]["html"]["include-in-header"] == "_vega-bundle.html"
    assert cfg["execute"]["freeze"] is False
    assert cfg["format"]["html"]["embed-resources"] is True
    assert cfg["format"]["typst"]["mainfont"] == "Noto Sans CJK KR"
    assert cfg["format"]["typst"]["template-partials"] == ["typst-template.typ"]
    assert cfg["format"]["typst"]["papersize"] == "a4"
    assert cfg["lang"] == "ko"
