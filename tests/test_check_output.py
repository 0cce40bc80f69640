"""The checks `boston-report check-output` runs on the rendered report, tried on hand-made PDFs
(compiled with Typst 0.15, the version in Quarto 1.10) and HTML pages that have each defect the
first real render had, and on clean ones that must pass."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pypandoc
import pytest
import typst
import yaml

from analysis.checks import output as co
from analysis.render.vegabundle import vega_bundle_script
from analysis.checks.output import document_config

from conftest import CHROMIUM, ROOT, needs_chromium

FONT_DIRS = [p for p in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto") if os.path.isdir(p)]
MARGIN_X, MARGIN_Y = co.length_pt("2.2cm"), co.length_pt("2.5cm")
# A 1x1 PNG, standing in for a chart.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")

HEAD = """#set page(paper: "a4", margin: (x: 2.2cm, y: 2.5cm), numbering: "1")
#set text(font: "Noto Sans CJK KR", lang: "ko")
"""
BODY = """= 부록: 주장 검증
K1 보스턴 클러스터. K10 투자. 출처 `massbio-2024-industry-snapshot` 와 `yakup-2020-01-31-kvca-bio`.
#figure(image("chart.png", width: 5cm), caption: [차트])
"""


def pdf(tmp_path: Path, body: str, name: str = "doc") -> Path:
    (tmp_path / "chart.png").write_bytes(PIXEL)
    src = tmp_path / f"{name}.typ"
    src.write_text(HEAD + body, encoding="utf-8")
    out = tmp_path / f"{name}.pdf"
    typst.compile(str(src), output=str(out), font_paths=FONT_DIRS)
    return out


def check(path: Path, **overrides) -> list[str]:
    kw = dict(claim_ids=["K1", "K10"], source_ids=["massbio-2024-industry-snapshot", "yakup-2020-01-31-kvca-bio"], charts=1,
              margin_x=MARGIN_X, margin_y=MARGIN_Y)
    kw.update(overrides)
    return co.check_pdf(path, **kw).problems


needs_font = pytest.mark.skipif(not FONT_DIRS, reason="Noto fonts not installed (Debian's fonts-noto-cjk; make test installs them as root)")


@needs_font
def test_a_clean_pdf_passes(tmp_path):
    long_text = "가나다라마바사 아자차카타파하. " * 200  # several pages: breaks, page numbers in the footer
    assert check(pdf(tmp_path, BODY + long_text)) == []


@needs_font
def test_overprinted_rows_are_found(tmp_path):
    # What the first render did to long tables: rows printed on top of each other at the page foot.
    smudge = "".join(f"#place(bottom + left, dy: {i * 0.5}pt)[연구중심병원 기술이전 수입 {i}]\n" for i in range(4))
    problems = check(pdf(tmp_path, BODY + smudge))
    assert any("overlapping glyphs" in p for p in problems), problems


@needs_font
def test_text_outside_the_text_area_is_found(tmp_path):
    problems = check(pdf(tmp_path, BODY + "#place(top + left, dx: -2cm)[여백 밖의 글자]\n"))
    assert any("outside the text area" in p and "여백" in p for p in problems), problems


@needs_font
def test_a_missing_glyph_box_is_found(tmp_path):
    problems = check(pdf(tmp_path, BODY + "상형문자 \U00013000 없음\n"))
    assert any("missing-glyph box" in p for p in problems), problems


@needs_font
def test_ids_charts_and_font_are_required(tmp_path):
    doc = pdf(tmp_path, "본문만 있다. K11 K100\n")
    problems = check(doc)
    assert any("claim id(s) not in the PDF text: ['K1', 'K10']" in p for p in problems), problems
    assert any("2 source id(s) not in the PDF text" in p for p in problems), problems
    assert any("0 embedded image(s) for 1 chart(s)" in p for p in problems), problems
    latin = tmp_path / "latin.typ"
    latin.write_text('#set text(font: "DejaVu Sans Mono")\nK1 K10 massbio-2024-industry-snapshot yakup-2020-01-31-kvca-bio\n'
                     '#image("chart.png", width: 2cm)\n', encoding="utf-8")
    typst.compile(str(latin), output=str(tmp_path / "latin.pdf"), font_paths=FONT_DIRS)
    assert any("Noto Sans CJK KR is not embedded" in p for p in check(tmp_path / "latin.pdf"))


def test_lengths():
    assert co.length_pt("1in") == 72 and round(co.length_pt("2.54cm"), 6) == 72 and co.length_pt("10pt") == 10
    with pytest.raises(ValueError):
        co.length_pt("2 furlongs")


# --------------------------------------------------------------------------- HTML

def test_math_elements_are_found_and_the_report_turns_tex_dollars_off():
    assert co.math_elements('<p>US$4.8bn and <span class="math inline">x</span></p>')
    assert co.math_elements('<math><mi>x</mi></math>') and co.math_elements('<script src="mathjax/tex-chtml.js"></script>')
    assert co.math_elements("<script>if (a<Math.abs(b)) {}</script><p class='mathematics'>x</p>") == []
    # The methods appendix writes '$B/$M' in prose: with the report's reader it stays text.
    reader = document_config(ROOT)["from"]
    prose = "표기 해석: $B/$M, 약·여·이상; US$4.8 billion and $7.67B."
    assert co.math_elements(pypandoc.convert_text(prose, "html", format="markdown"))  # Pandoc's default would
    assert co.math_elements(pypandoc.convert_text(prose, "html", format=reader)) == []


def page(tmp_path: Path, body: str, head: str = "") -> Path:
    path = tmp_path / "index.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'>{vega_bundle_script()}{head}</head><body>{body}</body></html>",
                    encoding="utf-8")
    return path


def chart(spec: dict, element_id: str = "c1") -> str:
    import json

    return (f'<div id="{element_id}" class="boston-chart"></div><script>bostonChart("#{element_id}", {json.dumps(spec)}, '
            '{"actions": false, "renderer": "svg"}).catch(console.error);</script>')


BAR = {"mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}
CHART = chart(BAR)
# Three 250 px panels side by side, with a long title: about 800 px wide as built.
PANELS = {"title": {"text": "세 요인 모두에서 격차가 크다: 고용, 바이오 VC, 연구중심병원의 수도권 비중을 나란히 보면", "subtitle": ["왼쪽부터 밀집·투자·병원협력"]},
          "hconcat": [dict(BAR, width=250, encoding={"x": {"field": "a", "type": "quantitative"},
                                                       "y": {"field": "b", "type": "nominal", "axis": {"labels": n == 0}}})
                      for n in range(3)]}


def test_a_clean_offline_page_passes(tmp_path):
    needs_chromium()
    f = co.check_html(page(tmp_path, CHART), charts=1, chromium=CHROMIUM)
    assert f.problems == [] and "1/1 charts drew SVG" in f.notes[0]


def test_a_javascript_error_is_found(tmp_path):
    needs_chromium()
    f = co.check_html(page(tmp_path, CHART + "<script>define('jquery', [], function () {});</script>"), charts=1, chromium=CHROMIUM)
    assert any("define is not defined" in p for p in f.problems), f.problems


def test_a_chart_that_does_not_draw_is_found(tmp_path):
    needs_chromium()
    broken = CHART.replace('"mark": "bar"', '"mark": "no-such-mark"')
    f = co.check_html(page(tmp_path, broken), charts=1, chromium=CHROMIUM)
    assert any("0 of 1 chart(s) drew an SVG" in p for p in f.problems), f.problems


def test_a_remote_load_is_found_statically_and_blocked_in_the_browser(tmp_path):
    needs_chromium()
    head = '<script src="https://cdnjs.cloudflare.com/polyfill/v3/polyfill.min.js?features=es6"></script>'
    f = co.check_html(page(tmp_path, CHART + '<script>fetch("https://example.org/x")</script>', head), charts=1, chromium=CHROMIUM)
    assert any("1 remote reference(s)" in p for p in f.problems), f.problems
    assert any("blocked load: https://example.org/x" in p for p in f.problems), f.problems


def test_run_checks_names_missing_outputs(tmp_path):
    f = co.run_checks(tmp_path / "index.html", tmp_path / "index.pdf", {"charts": 1}, chromium=None)
    assert len(f.problems) == 2 and all("does not exist" in p for p in f.problems)


def test_expected_values_come_from_the_project():
    exp = co.expected_from_project(ROOT)
    assert exp["charts"] >= 3 and "K11" in exp["claim_ids"] and "ecb-eurofxref" in exp["source_ids"]
    assert round(exp["margin_x"], 1) == round(co.length_pt("2.2cm"), 1)



def test_one_chart_output_serves_both_formats(tmp_path, monkeypatch):
    """In a render one Markdown output carries both: the interactive chart as raw HTML (the PDF
    drops raw HTML) and its PNG, a file beside the documents, shown only outside HTML. Outside a
    render (Jupyter) the chart is HTML and PNG, as a notebook shows it."""
    import base64

    from analysis.report import charts
    from analysis.markup import EXECUTING_ENV

    from analysis.report.chart_text import ChartText, Table

    text = ChartText("점 하나", "점 그래프: a 1", "a는 1이다.", (Table("점 하나: 데이터", ("계열", "값"), (("a", "1"),)),))
    spec = charts.with_text(charts.alt.Chart(charts.pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q"), text).to_dict()
    monkeypatch.setenv("BOSTON_REPORT_ROOT", str(tmp_path))
    monkeypatch.delenv("QUARTO_EXECUTE_INFO", raising=False)
    (tmp_path / "report" / "site").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "report")
    monkeypatch.setenv(EXECUTING_ENV, "1")
    bundle = charts.html_and_png(spec)
    # Markdown holding raw HTML: a text/html output would make Quarto add its CDN loaders.
    assert list(bundle) == ["text/markdown"]
    md = bundle["text/markdown"]
    # Quarto is told to leave the block's tables alone (in Quarto's own words): else it parses them,
    # and for the PDF it inlines their CSS in a new process per block (30 s more for the report).
    assert md.startswith("```{=html}\n<!--| quarto-html-table-processing: none -->\n<div id=") and "bostonChart(" in md
    image = charts.PNG_REFERENCE.search(md).group(1)
    # The PDF's image carries the chart's text alternative as its alt text; the HTML, beside the chart.
    assert md.endswith(f'::: {{.content-visible unless-format="html"}}\n![]({image}){{fig-alt="{text.alt}"}}\n:::\n\n')
    assert '<p id="' in md and "a는 1이다." in md and "<caption>점 하나: 데이터</caption>" in md
    assert '"usermeta"' not in md and '"description": "점 하나. 점 그래프: a 1."' in md
    assert image.startswith("_charts/") and (tmp_path / "report" / image).read_bytes().startswith(b"\x89PNG")
    monkeypatch.chdir(tmp_path / "report" / "site")  # a page one folder down finds the same file
    assert charts.PNG_REFERENCE.search(charts.html_and_png(spec)["text/markdown"]).group(1) == "../" + image
    monkeypatch.delenv(EXECUTING_ENV)
    outside = charts.html_and_png(spec)
    assert set(outside) == {"text/html", "image/png"} and base64.b64decode(outside["image/png"]).startswith(b"\x89PNG")


def test_side_by_side_panels_stack_to_fit_a_phone_and_the_pdf_spec_is_untouched(tmp_path):
    """At 390 px the three panels (about 800 px as built) are drawn one under another with their
    title wrapped; at 1280 px they stay side by side. The spec in the page is not changed (the PNG
    for the PDF is made from the same spec)."""
    needs_chromium()
    path = page(tmp_path, chart(PANELS))
    wide = co.browse(path, CHROMIUM, 1280)
    narrow = co.browse(path, CHROMIUM, 390)
    assert wide["svgs"] == narrow["svgs"] == 1 and wide["errors"] == narrow["errors"] == []
    assert wide["wide"] == [] and narrow["wide"] == [], narrow
    assert narrow["page"] <= narrow["viewport"]
    assert '"hconcat": [' in path.read_text(encoding="utf-8")


def test_a_chart_that_cannot_fit_a_phone_is_named(tmp_path):
    """A title word longer than the column cannot wrap: the check names the chart and its width."""
    needs_chromium()
    spec = dict(BAR, width=200, title="Massachusetts" * 8)
    f = co.check_html(page(tmp_path, chart(spec, "c9")), charts=1, chromium=CHROMIUM)
    assert any("at 390 px: chart c9 is" in p and "px column" in p for p in f.problems), f.problems
    assert not any("at 1280 px: chart c9" in p for p in f.problems), f.problems


def test_a_page_wider_than_a_phone_is_found(tmp_path):
    needs_chromium()
    f = co.check_html(page(tmp_path, CHART + '<div style="width:900px">wide</div>'), charts=1, chromium=CHROMIUM)
    assert any("at 390 px: the page is" in p for p in f.problems), f.problems
