"""The report's chapters: every code cell and inline expression runs through a real Jupyter
kernel against the committed clean data (what `quarto render` would execute), charts carry both
HTML and PNG in one output (one execution serves both formats), and the prose has no figure typed by hand."""

import re
from pathlib import Path

import pytest

import chapter_text
from analysis.checks.output import document_config
from analysis.render import qmd
from analysis.render.execute import SOURCES, notebook_path
from analysis.report.data import load

from conftest import REPORT, ROOT, chart_markdown, chart_specs, figure_cells, inline_results, origin

INDEX = REPORT / "index.qmd"
# Every document the project renders (the report and the site's pages: landing, English summary),
# as its source: the project renders their executed notebooks (see test_execute).
DOCUMENTS = SOURCES


@pytest.mark.slow
def test_every_chapter_cell_runs_without_error(executed):
    for cell in executed.cells:
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"{origin(cell)}: {errors[0]['ename']}: {errors[0]['evalue']}"
    files = {Path(origin(c).rpartition(":")[0]).name for c in executed.cells if "boston_report" in c.metadata}
    chapters = {p.name for p in (REPORT / "chapters").glob("*.qmd")}
    assert chapters <= files, f"chapters never included by index.qmd: {chapters - files}"


@pytest.mark.slow
def test_every_inline_figure_carries_its_provenance(executed):
    """An inline expression is a cited figure (provenance.cite), a label that holds no figure
    (provenance.label, or provenance.basis naming a figure's definition) or a number about the build
    itself (provenance.meta): never a bare value. The executor records each value's kind."""
    found = inline_results(executed)
    assert len(found) > 150
    for where, expr, kind, value in found:
        assert kind in ("Cited", "Label", "Named", "Meta"), (
            f"{where}: inline `{expr}` is a {kind}: wrap a figure in cite(text, rows), a name in label()")
        assert value.strip() and not re.search(r"\bnan\b|<NA>", value), f"{where}: {value!r}"


@pytest.mark.slow
def test_no_unconfirmed_figure_is_stated_as_fact_in_the_prose(executed):
    """The audit, on what the chapters print: no inline text repeats a figure that a row marks
    unconfirmed (no quote) unless it says '원문 미확인' (the rule itself: analysis/report/evidence.py)."""
    from analysis.report import evidence
    from analysis.report.data import load_all

    printed = {info["printed"] for info in evidence.unconfirmed_rows(load_all()).values() if info["printed"]}
    assert "50명" in printed
    for where, _, _, text in inline_results(executed):
        # What the sentence says, not the tooltip listing the rows a figure rests on (a count of
        # clusters lists each cluster's printed figure there, as provenance, not as a statement).
        text = re.sub(r'<span class="prov-tip".*?</a>', "</a>", text, flags=re.S)
        for figure in printed:
            assert figure not in text or evidence.MARK in text, f"{where}: states {figure!r} as fact"


def test_a_bare_inline_figure_is_caught(tmp_path):
    """The check above on a hand-made chapter: a bare number and a number disguised as a label fail."""
    from analysis.report import provenance as prov

    with pytest.raises(ValueError, match="holds the figure '74,256'"):
        prov.label("고용 74,256명")
    assert type(prov.label("2024년 보스턴")).__name__ == "Label"


@pytest.mark.slow
def test_every_chart_reaches_the_newest_year_of_its_series(executed):
    """A chart whose last year is older than its series' newest year in the clean data hides data."""
    from analysis.report.data import load_all

    tables = load_all()
    checked = 0
    for label, spec in chart_specs(executed):
        rows = [r for values in spec.get("datasets", {}).values() for r in values if r.get("series_id") and r.get("value") is not None]
        for (series, period), group in _group(rows).items():
            table = tables["venture_investment"] if series in set(tables["venture_investment"]["series_id"]) else tables["indicators"]
            clean = table[(table["series_id"] == series) & (table["period"] == period)]
            # A share is printed beside an amount, in whichever source prints it (not only the preferred one).
            clean = clean[clean["share_pct"].notna()] if any(r.get("measure") == "share" for r in group) else clean[clean["preferred"]]
            drawn = max(int(r["year"]) for r in group)
            assert drawn == int(clean["year"].max()), f"{label}: {series} {period} drawn to {drawn}, data to {int(clean['year'].max())}"
            checked += 1
    assert checked >= 10


# The HTML page's text column (Quarto's default theme at a desktop width) is about 800 px; a wider
# chart is cut off behind a scroll bar, as the summary's three panels once were.
HTML_COLUMN_PX = 780


@pytest.mark.slow
def test_every_chart_fits_the_html_text_column(executed):
    import vl_convert as vlc

    specs = chart_specs(executed)
    assert len(specs) >= 13
    too_wide = []
    for label, spec in specs:
        svg = vlc.vegalite_to_svg(spec)
        width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))
        if width > HTML_COLUMN_PX:
            too_wide.append(f"{label}: {width:.0f} px")
    assert not too_wide, f"wider than the {HTML_COLUMN_PX} px column: {too_wide}"


def _group(rows):
    out = {}
    for r in rows:
        if "year" in r and r.get("period"):
            out.setdefault((r["series_id"], r["period"]), []).append(r)
    return out


@pytest.mark.slow
def test_figure_cells_emit_html_and_png(executed):
    """Each figure: its raw-HTML chart (the page) and its PNG file inside a block only the PDF shows,
    in one Markdown output; the spec is valid Vega-Lite (the render skips Altair's validation)."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    from analysis.report.charts import PNG_REFERENCE

    cells = figure_cells(executed)
    assert cells, "the report has no figure"
    for label, cell in cells:
        md = chart_markdown(cell)
        html, _, printed = md.partition("```\n")
        assert html.startswith("```{=html}\n") and "bostonChart(" in html, f"{label}: chart lacks its HTML"
        assert "cdn." not in html and "https://" not in html.split("bostonChart")[0], "chart HTML must not load anything remote"
        image = PNG_REFERENCE.search(printed)
        assert image and printed.lstrip().startswith('::: {.content-visible unless-format="html"}'), f"{label}: no PNG for the PDF"
        assert (REPORT / image.group(1)).read_bytes().startswith(b"\x89PNG")
        assert qmd.parse_options(cell.source).get("fig-cap"), f"{label}: figure without caption"
    schema = load_schema()
    for _, spec in chart_specs(executed):
        validate_jsonschema(spec, schema)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_no_figure_typed_by_hand_in_prose(document):
    assert chapter_text.hand_typed_numbers(ROOT / document) == []


def test_hand_typed_number_detector_catches_figures(tmp_path):
    doc = tmp_path / "d.qmd"
    doc.write_text("---\ntitle: x 12\n---\n\n2018년 투자는 48억 달러, `{python} x` 제3장, 1.5배, 2,928억원\n", encoding="utf-8")
    assert [n for _, _, n in chapter_text.hand_typed_numbers(doc)] == ["48", "1.5", "2,928"]


def test_sources_appendix_lists_every_sidecar():
    from analysis.report.provenance import sources_list

    sidecars = sorted(p.parent.name for p in (ROOT / "data" / "raw").glob("*/*.meta.yaml"))
    listing = sources_list(load("sources"))
    for n, sid in enumerate(sidecars, start=1):
        assert f"[\\[{n}\\]]{{#src-{sid}}}" in listing and f"`{sid}`" in listing


def test_quarto_project_is_configured_for_offline_html_and_korean_pdf():
    cfg = document_config(ROOT)
    assert cfg["project"]["pre-render"] == "report/_prerender.py" and (ROOT / cfg["project"]["pre-render"]).exists()
    assert cfg["project"]["post-render"] == "report/_postrender.py" and (ROOT / cfg["project"]["post-render"]).exists()
    assert cfg["format"]["html"]["include-in-header"] == ["_vega-bundle.html", "_og.html"]
    assert cfg["execute"]["freeze"] is False
    assert cfg["format"]["html"]["embed-resources"] is True
    assert cfg["format"]["typst"]["mainfont"] == "Noto Sans CJK KR"
    assert cfg["format"]["typst"]["template-partials"] == ["typst-template.typ"]
    assert cfg["format"]["typst"]["papersize"] == "a4"
    assert cfg["lang"] == "ko"
    assert "-tex_math_dollars" in cfg["from"], "prose must never become math"
    assert cfg["format"]["html"]["css"] == ["provenance.css", "reading.css"] and all((REPORT / css).exists() for css in cfg["format"]["html"]["css"])
    assert cfg["format"]["html"]["format-links"][0] == {"format": "typst", "text": "PDF", "icon": "file-pdf"}
    assert cfg["description"] and "{python}" not in cfg["description"]


def test_one_quarto_project_at_the_root_renders_the_report():
    """`quarto render` at the root is the one project (Quarto finds the nearest _quarto.yml above
    any document under report/): there is no second project file to drift, and every
    document the root renders is a report page whose settings come from report/_metadata.yml."""
    import yaml

    root_cfg = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert sorted(root_cfg) == ["project"], "the root holds the project only; formats live beside the documents"
    assert not list(REPORT.rglob("_quarto.yml")) and not list(REPORT.rglob("_quarto.yaml")), "a second project under report/"
    # The report's notebook, after a pointer page at the root that `quarto preview` opens.
    assert root_cfg["project"]["render"][:2] == ["index.qmd", str(notebook_path(Path("report/index.qmd")))]
    assert "report/index.html" in (ROOT / "index.qmd").read_text(encoding="utf-8")
    for doc in SOURCES:
        assert (ROOT / doc).exists() and doc.startswith("report/"), doc
    site_pages = [d for d in SOURCES if d.startswith("report/site/")]
    assert site_pages and all("typst" not in document_config(ROOT, d)["format"] for d in site_pages), "site pages are HTML only"


@pytest.mark.slow
def test_the_real_prose_compares_like_with_like_and_a_seeded_cross_year_sentence_fails(executed):
    """The pairing check (analysis.checks.pairing) on the report's own prose, rebuilt from this
    execution as the HTML page shows it: it passes; with the 기술특례 sentence seeded back to
    what issue 27 found (the 2023 total with the 2024 '바이오업종' count) it fails on that sentence."""
    import rendered_text

    from analysis.checks import pairing

    page = rendered_text.page(executed)
    clean = pairing.check_html_text("index.html", page)
    assert clean.problems == []
    assert re.search(r"[1-9]\d* compared, combined or nested groups checked", clean.notes[0])
    paragraph = next(p for p in re.findall(r"<p>.*?</p>", page, re.S) if "kr_bio_sector_tech_special_listings_krx" in p)
    anchors = re.findall(r'<a class="prov".*?</a>', paragraph)  # a tooltip holds no link
    krx_bio = next(a for a in anchors if '"kr_tech_special_listings_krx","entity":"바이오"' in a)
    sector = next(a for a in anchors if "kr_bio_sector_tech_special_listings_krx" in a)
    problems = pairing.check_html_text("index.html", page.replace(krx_bio, sector, 1)).problems
    assert len(problems) == 2, problems
    assert all("그중 바이오 기업은 19곳†이었다" in p for p in problems)
    assert "different periods" in problems[0] and "2024 FY" in problems[0]
    assert "different definitions" in problems[1] and "kr_bio_sector_tech_special_listings_krx" in problems[1]


@pytest.mark.slow
def test_every_chart_title_is_built_from_cited_figures_and_compares_like_with_like(executed):
    """Chart titles and subtitles (drawn by the browser) as the pairing check reads them, from the
    figures in each spec's usermeta: no number typed in, no unlike pairing."""
    from analysis.checks import pairing

    charts = "".join(chart_markdown(cell) for _, cell in figure_cells(executed))
    units, problems = pairing.chart_units(charts)
    assert problems == [] and len(units) >= 26
    assert [p for u in units for p in pairing.unit_problems(u)[0]] == []
    assert sum(1 for u in units if u.marks) >= 12, "titles with figures carry them in usermeta"
