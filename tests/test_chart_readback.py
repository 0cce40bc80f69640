"""Every chart draws exactly its data: the report's real chart specs drawn in Debian's Chromium,
read back through their own scales (analysis/checks/chart-read.js), and compared with what
data/clean/ says each figure must show (analysis/checks/chart_expectations.py). Seeded defects (a
doubled bar, a dropped point, a mis-scaled bar, an extra bar, an undeclared chart) each fail,
naming the figure, the mark and both values. And the PDF's chart images are the HTML's specs."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest

from analysis.checks import charts as chk
from analysis.checks.browser import read_pages
from analysis.checks.chart_expectations import FIGURES
from conftest import REPORT, ROOT, chart_markdown, chart_specs, figure_cells, needs_chromium

CLEAN = ROOT / "data" / "clean"

PAGE = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{bundle}</head>
<body><main style="max-width: 800px; margin: 0 auto; padding: 0 12px">{body}</main></body></html>"""


def chart_page(path: Path, bundle: str, charts: list[tuple[str, dict]]) -> Path:
    """A page like the report's: each chart in its figure's element, drawn by bostonChart."""
    body = []
    for n, (figure, spec) in enumerate(charts):
        payload = json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c")
        body.append(f'<div id="{figure}"><div id="chart-{n}" class="boston-chart"></div>'
                    f'<script>bostonChart("#chart-{n}", {payload}, {{"actions": false, "renderer": "svg"}});</script></div>')
    path.write_text(PAGE.format(bundle=bundle, body="\n".join(body)), encoding="utf-8")
    return path


def rows_of(spec: dict, where) -> list[tuple[list, int]]:
    """(dataset, index) of every data row of a spec for which ``where(row)`` holds."""
    return [(rows, i) for rows in spec.get("datasets", {}).values() for i, row in enumerate(rows) if where(row)]


def seeded(specs: dict[str, dict]) -> tuple[list[tuple[str, dict]], dict]:
    """The real specs with one defect each, of the kinds a chart frame can carry, and the rows
    each defect was made from (the messages name their values)."""
    doubled = copy.deepcopy(specs["fig-ma"])  # the per-deal bar of the US stacked from two rows
    (rows, i), = rows_of(doubled, lambda r: r.get("metric") == "건당 규모" and r.get("label") == "미국")
    rows.append(dict(rows[i]))
    facts = {"per_deal": rows[i]["value"]}
    dropped = copy.deepcopy(specs["fig-jobs"])  # one published year of jobs lost
    (rows, i), = rows_of(dropped, lambda r: r.get("label") == "바이오제약 전체" and r.get("year") == 2018)
    facts["jobs"] = rows.pop(i)["value"]
    scaled = copy.deepcopy(specs["fig-ipo-share"])  # a share drawn as a fraction
    rows, i = rows_of(scaled, lambda r: r.get("value") is not None)[0]
    facts["share"] = dict(rows[i])
    rows[i]["value"] = rows[i]["value"] / 100
    extra = copy.deepcopy(specs["fig-kosdaq"])  # a bar for a year the data do not hold
    rows, i = rows_of(extra, lambda r: r.get("value") is not None)[0]
    facts["extra"] = dict(rows[i], year=rows[i]["year"] - 1)
    rows.append(facts["extra"])
    return [("fig-ma", doubled), ("fig-jobs", dropped), ("fig-ipo-share", scaled), ("fig-kosdaq", extra),
            ("fig-undeclared", specs["fig-trials"])], facts


@pytest.fixture(scope="module")
def readings(executed, tmp_path_factory):
    chromium = needs_chromium()
    from analysis.render.vegabundle import vega_bundle_script

    specs = dict(chart_specs(executed))
    folder = tmp_path_factory.mktemp("charts")
    bundle = vega_bundle_script()
    real = chart_page(folder / "report.html", bundle, list(specs.items()))
    defects, facts = seeded(specs)
    bad = chart_page(folder / "seeded.html", bundle, defects)
    got = read_pages([real.as_uri(), bad.as_uri()], (1280, 390), chromium=chromium)
    return {(Path(r.page).name, r.width): r for r in got}, specs, facts


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_every_report_chart_draws_exactly_its_data(readings, width):
    """All fifteen charts, as the report builds them, at desktop and phone width: every bar,
    point, vertex and rule where data/clean/ puts it, and nothing else."""
    found, specs, _ = readings
    reading = found[("report.html", width)]
    assert sorted(c["figure"] for c in reading.charts) == sorted(FIGURES) == sorted(specs)
    result = chk.check_reading(reading, CLEAN, name="report", required=tuple(FIGURES))
    assert not result.problems, "\n".join(result.problems)
    assert sum(len(c["marks"]) for c in reading.charts) > 300


@pytest.mark.slow
def test_seeded_chart_defects_each_fail_naming_figure_mark_and_values(readings):
    found, _, facts = readings
    problems = "\n".join(chk.check_reading(found[("seeded.html", 1280)], CLEAN, name="seeded").problems)
    # The doubled bar: both copies and the data's one value.
    v = f"{facts['per_deal']:,.1f}"
    twice = f"{2 * facts['per_deal']:,.1f}"
    assert f"fig-ma, panel 2 (건당 규모): bar 미국 (x=0–{v}, y=미국) is drawn as 2 marks where the data have 1" in problems
    assert f"bar 미국 (x={v}–{twice}, y=미국)" in problems
    # The dropped point and its line vertex.
    jobs = f"{int(facts['jobs']):,}"
    assert f"fig-jobs: point 바이오제약 전체 (x=2018, y={jobs}) [2차 자료(보도 인용)] is in the data but is not drawn" in problems
    assert f"fig-jobs: line vertex 바이오제약 전체 (x=2018, y={jobs}) is in the data but is not drawn" in problems
    # The mis-scaled bar: drawn value and data value side by side.
    year, share, label = facts["share"]["year"], facts["share"]["value"], facts["share"]["label"]
    assert (f"fig-ipo-share: bar {label} (x={year}/{label}, y=0–{share:g}) is drawn as "
            f"bar {label} (x={year}/{label}, y=0–{share / 100:g})") in problems
    # The extra bar, and a chart nobody declared.
    e = facts["extra"]
    assert f"fig-kosdaq: bar {e['label']} (x={e['year']}/{e['label']}, y=0–{e['value']:g}) is drawn but is not in the data" in problems
    assert "fig-undeclared: no declaration of what it must draw" in problems


def test_chart_with_no_data_rows_is_not_an_excuse():
    """A declared figure missing from the page is a problem, not a pass."""
    from analysis.checks.browser import Reading

    result = chk.check_reading(Reading("p", 1280, [], [], []), CLEAN, name="p", required=("fig-ma",))
    assert result.problems == ["p at 1280 px: fig-ma is not drawn on the page"]


# --------------------------------------------------------------------------- legibility, on hand-made scenes

def box(x1, y1, x2, y2):
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2}


def scene(**parts):
    return {"figure": "fig-x", "title": [], "subtitle": [], "panels": [{"box": box(0, 0, 100, 100), "title": None}],
            "marks": [], "axes": [], "legends": [], **parts}


def test_overlapping_axis_labels_fail_and_apart_pass():
    close = scene(axes=[{"labels": [{"text": "2013", "box": box(0, 0, 30, 10), "opacity": 1},
                                     {"text": "2014", "box": box(20, 0, 50, 10), "opacity": 1}]}])
    apart = scene(axes=[{"labels": [{"text": "2013", "box": box(0, 0, 30, 10), "opacity": 1},
                                     {"text": "2014", "box": box(31, 0, 61, 10), "opacity": 1}]}])
    assert chk.overlapping_labels("fig-x", close) == ["fig-x: axis labels '2013' and '2014' are drawn on top of each other"]
    assert chk.overlapping_labels("fig-x", apart) == []


def test_a_legend_entry_without_a_visible_symbol_fails():
    white = {"shape": "diamond", "size": 100, "fill": "white", "stroke": "transparent", "strokeWidth": 1.5, "opacity": 0.7}
    drawn = {"shape": "diamond", "size": 100, "fill": None, "stroke": "#222222", "strokeWidth": 1.5, "opacity": 1}
    chart = scene(legends=[{"entries": [{"label": "계획·목표", "symbol": white}, {"label": "사실", "symbol": drawn}]}])
    assert chk.legend_symbols("fig-x", chart) == [
        "fig-x: legend entry '계획·목표' has no visible symbol (fill white, stroke transparent)"]


def test_positional_words_must_match_the_layout_drawn():
    side = [{"box": box(0, 0, 100, 100)}, {"box": box(120, 0, 220, 100)}]
    stacked = [{"box": box(0, 0, 100, 100)}, {"box": box(0, 120, 100, 220)}]
    left = ["왼쪽: 합계. 오른쪽: 건당"]
    assert chk.positional_words("fig-x", scene(subtitle=left, panels=side)) == []
    assert chk.positional_words("fig-x", scene(subtitle=left, panels=stacked)) == [
        "fig-x: the subtitle says '왼쪽' but its 2 panels are not drawn side by side (subtitle: '왼쪽: 합계. 오른쪽: 건당')"]
    assert chk.positional_words("fig-x", scene(subtitle=["위쪽은 연간"], panels=side))


def test_a_mark_outside_its_plot_area_fails():
    point = {"kind": "symbol", "panel": 0, "series": "규제", "shape": "사실", "x": {"lo": 0, "hi": 0, "tol": 1},
             "y": {"cat": "규제"}, "box": box(-5, 16, 5, 26), "area": box(0, 0, 600, 140), "px": box(0, 21, 0, 21)}
    inside = dict(point, box=box(1, 16, 11, 26))
    assert "is drawn outside its plot area (mark x -5–5" in chk.outside_plot("fig-x", scene(marks=[point]))[0]
    assert chk.outside_plot("fig-x", scene(marks=[inside])) == []


# --------------------------------------------------------------------------- the PDF's images are the HTML's specs

@pytest.mark.slow
def test_each_pdf_png_is_the_html_spec_drawn_for_print(executed):
    """The PNG each figure cell hands the PDF is, pixel for pixel, its HTML spec exported at the
    report's print scale (vl-convert called here, not through the chart code's cache)."""
    import vl_convert as vlc
    from PIL import Image

    from analysis.checks.pdf_charts import html_charts
    from analysis.report.charts import PNG_PPI, PNG_REFERENCE, PNG_SCALE, register_fonts

    register_fonts()
    checked = 0
    for label, cell in figure_cells(executed):
        md = chart_markdown(cell)
        (_, spec), = html_charts(md)
        png = REPORT / PNG_REFERENCE.search(md).group(1)
        ours = Image.open(io.BytesIO(vlc.vegalite_to_png(spec, scale=PNG_SCALE, ppi=PNG_PPI))).convert("RGBA")
        theirs = Image.open(png).convert("RGBA")
        assert (ours.size, ours.tobytes()) == (theirs.size, theirs.tobytes()), f"{label}: PNG is not its HTML spec"
        checked += 1
    assert checked == len(FIGURES)


@pytest.mark.slow
def test_a_pdf_image_from_another_spec_fails(tmp_path, executed):
    """check_pdf_charts on a hand-made pair: an HTML page with the real fig-ipo-share spec and a
    PDF (compiled by Typst) holding the PNG of that spec with one value changed."""
    import typst
    import vl_convert as vlc

    from analysis.checks.pdf_charts import check_pdf_charts
    from analysis.report.charts import PNG_PPI, PNG_SCALE

    specs = dict(chart_specs(executed))
    spec = specs["fig-ipo-share"]
    other = copy.deepcopy(spec)
    rows, i = rows_of(other, lambda r: r.get("value") is not None)[0]
    rows[i]["value"] += 1
    html = chart_page(tmp_path / "index.html", "", [("fig-ipo-share", spec)])
    for name, which in (("same", spec), ("other", other)):
        (tmp_path / f"{name}.png").write_bytes(vlc.vegalite_to_png(which, scale=PNG_SCALE, ppi=PNG_PPI))
        (tmp_path / f"{name}.typ").write_text(f'#image("{name}.png")\n', encoding="utf-8")
        typst.compile(str(tmp_path / f"{name}.typ"), output=str(tmp_path / f"{name}.pdf"), root=str(tmp_path))
    assert check_pdf_charts(html, tmp_path / "same.pdf").problems == []
    problems = check_pdf_charts(html, tmp_path / "other.pdf").problems
    assert len(problems) == 1 and "the image for fig-ipo-share is not its HTML spec drawn for print" in problems[0]


@pytest.mark.slow
def test_the_sites_chart_pages_are_read_back_against_their_own_data(tmp_path, executed):
    """check-site's pass: the report and the current edition (the report's copy, byte for byte)
    against data/clean/ (a doubled bar fails), an archived edition against its own data zip,
    reported but never failing (it is never rewritten) — also one with today's data, drawn by
    the chart code of its day."""
    import zipfile

    from analysis.checks.site_charts import check_site_charts
    from analysis.render.vegabundle import vega_bundle_script

    chromium = needs_chromium()
    specs = dict(chart_specs(executed))
    defects, _ = seeded(specs)
    doubled = [(fid, dict(defects)["fig-ma"] if fid == "fig-ma" else spec) for fid, spec in specs.items()]
    bundle = vega_bundle_script()
    site = tmp_path / "site"
    older = [("fig-ma", dict(defects)["fig-ma"])]
    for folder, charts, data in (("report", doubled, None), ("editions/2026-01-01", doubled, "current"),
                                 ("editions/2025-06-01", older, "current"), ("editions/2025-01-01", doubled[::-1], "archived")):
        (site / folder).mkdir(parents=True)
        chart_page(site / folder / "index.html", bundle, charts)
        if data:
            with zipfile.ZipFile(site / folder / "boston-report-data.zip", "w") as z:
                for csv in sorted(CLEAN.glob("*.csv")):
                    body = csv.read_bytes() + (b"\n" if data == "archived" and csv.name == "claims.csv" else b"")
                    z.writestr(f"boston-report-data/{csv.name}", body)
    result = check_site_charts(site, CLEAN, chromium)
    problems = "\n".join(result.problems)
    for page in ("report/index.html", "editions/2026-01-01/index.html"):
        assert f"{page} at 1280 px: fig-ma, panel 2 (건당 규모): bar 미국" in problems, problems
    assert all(p.startswith(("report/index.html at ", "editions/2026-01-01/index.html at ")) and "fig-ma" in p
               for p in result.problems), problems
    assert any(n.startswith("archived, never rewritten: editions/2025-01-01/index.html at 390 px: fig-ma") for n in result.notes)
    # Today's data in an older page (not the report's copy): what it draws wrong is a note, the
    # edition is never rewritten.
    assert any(n.startswith("archived, never rewritten: editions/2025-06-01/index.html at 1280 px: fig-ma") for n in result.notes)
