"""Readable by every reader: each accessibility check on the real report and on hand-made pages, and
each one failing on the defect it is there to find.

- Chart text alternatives (analysis/report/chart_text.py): every figure of the executed report has a
  name, a description and data tables whose numbers are what data/clean/ says the figure draws
  (analysis/checks/chart_expectations.py, declared without the report's chart code); a wrong value,
  a dropped row, a wrong direction or a number from nowhere is named.
- Colours (analysis/checks/contrast.py): every palette in code and every chart spec of the report
  meet 3:1 (marks) and 4.5:1 (text); a pale mark, a translucent one, touching bars without an edge
  and pale text are named.
- Pages in Chromium (analysis/checks/accessibility.py): a page built like ours passes axe-core's
  WCAG 2.1 A/AA rules, the probe and the keyboard walk; an image without alt, pale text, no lang,
  no skip link, a skipped heading level, a table without caption or header cells, a tooltip id used
  twice, a tooltip Escape does not close, and English unmarked in a Korean page each fail, named.
- The PDF (analysis/checks/pdf_access.py): a tagged PDF/UA-1 file with language, title and alt text
  passes; without each of them it fails, named.
"""

from __future__ import annotations

import copy
import html as html_lib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis import markup as m
from analysis.checks import accessibility as a11y
from analysis.checks import contrast
from analysis.checks import text_alternatives as ta
from analysis.checks.chart_expectations import FIGURES, Tables, expected
from analysis.report import chart_text, charts
from conftest import REPORT, ROOT, chart_markdown, figure_cells, needs_chromium

CLEAN = ROOT / "data" / "clean"


# --------------------------------------------------------------------------- reading a chart's output

class _ChartOutput(HTMLParser):
    """A figure cell's raw HTML: the chart's description paragraph and its data tables."""

    def __init__(self) -> None:
        super().__init__()
        self.description, self.tables, self._in, self._cell = "", [], None, None
        self.described_by = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and "boston-chart" in (a.get("class") or ""):
            self.described_by = a.get("aria-describedby")
        elif tag == "p" and "chart-desc" in (a.get("class") or ""):
            self._in = "desc"
        elif tag == "table":
            self.tables.append({"caption": "", "columns": [], "rows": [], "rowHeaders": True})
        elif tag == "caption":
            self._in = "caption"
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("th", "td") and self.tables:
            self._cell = ""
            self._scope = a.get("scope")
            self._tag = tag

    def handle_endtag(self, tag):
        if tag in ("p", "caption"):
            self._in = None
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append(self._cell)
            if self._scope != "col" and not self._row[1:] and not (self._tag == "th" and self._scope == "row"):
                self.tables[-1]["rowHeaders"] = False
            self._cell = None
        elif tag == "tr" and self.tables:
            table = self.tables[-1]
            if not table["columns"]:
                table["columns"] = self._row
            else:
                table["rows"].append(self._row)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._in == "desc":
            self.description += data
        elif self._in == "caption":
            self.tables[-1]["caption"] += data


def alternatives(executed) -> dict[str, dict]:
    """Each figure's text alternative as the executed report emits it: the spec's description (the
    accessible name), the description and tables beside the chart, and the PDF image's alt text."""
    from analysis.checks.pdf_charts import html_charts

    out = {}
    for label, cell in figure_cells(executed):
        md = chart_markdown(cell)
        (_, spec), = html_charts(md)
        reader = _ChartOutput()
        reader.feed(md.split("```", 2)[1])
        alt = re.search(r'\{fig-alt="((?:[^"\\]|\\.)*)"\}', md).group(1)
        title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]
        out[label] = {"name": spec.get("description", ""), "title": "".join(title) if isinstance(title, list) else title,
                      "description": html_lib.unescape(reader.description), "tables": reader.tables,
                      "alt": re.sub(r"\\(.)", r"\1", alt), "described_by": reader.described_by, "spec": spec}
    return out


@pytest.fixture(scope="module")
def alts(executed):
    return alternatives(executed)


@pytest.fixture(scope="module")
def tables():
    return Tables(CLEAN)


# --------------------------------------------------------------------------- text alternatives

def test_every_figure_has_a_text_alternative_that_says_what_data_clean_says(alts, tables):
    assert set(alts) == set(FIGURES), "every figure of the report, and only those, has a declaration and an alternative"
    for figure, alt in alts.items():
        assert ta.check(figure, alt, expected(figure, tables)) == [], figure
        assert alt["described_by"], figure
        assert all(t["rowHeaders"] and t["caption"] and t["columns"] for t in alt["tables"]), figure
        # The PDF's alt text is the same words: the summary, then the description.
        assert alt["alt"] == f"{alt['name']} {alt['description']}", figure
        assert ta.drawn_values(expected(figure, tables)) or figure in ("fig-timeline", "fig-pledges"), figure


def test_the_summary_gives_first_and_last_figures_and_the_direction(alts):
    jobs = alts["fig-jobs"]["name"]
    assert jobs.startswith(alts["fig-jobs"]["title"] + ". 꺾은선 그래프, 일자리 (명): 바이오제약 전체 ")
    assert re.search(r"바이오제약 전체 20\d\d년 [\d,]+†?에서 20\d\d년 [\d,]+†?까지 증가", jobs), jobs
    assert "수치가 없는 해" in alts["fig-jobs"]["description"]  # a gap stays a gap, in words too
    assert "삼각형 점" in alts["fig-jobs"]["description"]  # the shape's meaning, said
    pledges = alts["fig-pledges"]
    assert "기한 경과, 이행 보고 없음" in pledges["name"]
    assert pledges["tables"][0]["columns"] == ["약속", "상태", "약속한 날", "기한", "관측"]


def _jobs(alts) -> dict:
    return copy.deepcopy(alts["fig-jobs"])


def test_a_wrong_table_value_is_named(alts, tables):
    alt = _jobs(alts)
    row = alt["tables"][0]["rows"][0]
    row[2] = "99,999"
    problems = ta.check("fig-jobs", alt, expected("fig-jobs", tables))
    assert any("['99,999'] are not values the chart draws" in p for p in problems), problems
    assert any("value(s) the chart draws are in no table cell" in p for p in problems), problems


def test_a_dropped_table_row_is_named(alts, tables):
    alt = _jobs(alts)
    dropped = alt["tables"][0]["rows"].pop()
    problems = ta.check("fig-jobs", alt, expected("fig-jobs", tables))
    value = dropped[2].rstrip("†")
    assert f"fig-jobs: 1 value(s) the chart draws are in no table cell, e.g. ['{value}']" in problems, problems


def test_a_number_from_nowhere_and_a_wrong_direction_are_named(alts, tables):
    alt = _jobs(alts)
    alt["description"] = alt["description"].replace("최고 ", "최고 2024년 123,456 아니면 ", 1)
    alt["name"] = alt["name"].replace("까지 증가", "까지 감소", 1)
    problems = ta.check("fig-jobs", alt, expected("fig-jobs", tables))
    assert any("the number 123,456" in p for p in problems), problems
    assert any("까지 감소, but" in p for p in problems), problems


def test_a_wrong_count_a_year_out_of_range_and_a_foreign_date_are_named(alts, tables):
    alt = _jobs(alts)
    alt["description"] = re.sub(r"수치가 있는 해 \d+개", "수치가 있는 해 99개", alt["description"], count=1) + " 1999년 2024-02-30."
    problems = ta.check("fig-jobs", alt, expected("fig-jobs", tables))
    assert any("'99' counts nothing" in p for p in problems), problems
    assert any("the year 1999 is outside" in p for p in problems), problems
    assert any("the date 2024-02-30" in p for p in problems), problems


def test_no_name_no_description_and_no_table_are_named(alts, tables):
    alt = dict(_jobs(alts), name="", description="", tables=[])
    problems = ta.check("fig-jobs", alt, expected("fig-jobs", tables))
    assert any("no accessible name" in p for p in problems) and any("no accessible description" in p for p in problems)
    assert any("in no table beside it" in p for p in problems), problems


def test_a_timeline_table_must_hold_a_date_per_mark(alts, tables):
    for figure in ("fig-timeline", "fig-pledges"):
        alt = copy.deepcopy(alts[figure])
        assert ta.check(figure, alt, expected(figure, tables)) == [], figure
        alt["tables"][0]["rows"].pop()
        assert any("date(s) for the" in p for p in ta.check(figure, alt, expected(figure, tables))), figure


def test_secondary_and_unconfirmed_figures_read_as_such_in_the_words():
    import pandas as pd

    rows = pd.DataFrame([{"label": "A", "year": 2020, "value": 10.0, "evidence": "secondary"},
                         {"label": "A", "year": 2021, "value": 5.0, "evidence": "primary"}])
    text = chart_text.series(rows, title="제목", kind="꺾은선 그래프", axis="건", fmt=",.1f")
    assert text.summary == "제목. 꺾은선 그래프, 건: A 2020년 10.0†에서 2021년 5.0까지 감소."
    assert "†는 2차 자료" in text.details and text.tables[0].rows[0] == ("A", "2020", "10.0†", "2차 자료(보도 인용)")
    # A row the registry marks unconfirmed (no quote) says so wherever its figure is written.
    from analysis.report import evidence

    evidence._state["unconfirmed"] = {("s1", 3): {"table": "indicators", "printed": "10"}}
    try:
        hedged = chart_text.figure(pd.Series({"value": 10.0, "evidence": "primary", "source_id": "s1", "source_row": 3}), 0)
    finally:
        evidence._state["unconfirmed"] = None
    assert hedged == "10 (원문 미확인)"


def test_the_pdf_alt_text_survives_any_string_from_data():
    for text in ('따옴표 " 하나', "역슬래시 \\ 와 }", "줄\n바꿈", '\\"', "{fig-alt=x}"):
        value = m.attribute(text)
        inner = value[1:-1]
        assert value.startswith('"') and value.endswith('"') and not re.search(r'(?<!\\)(?:\\\\)*"', inner), value
        assert re.sub(r"\\(.)", r"\1", inner) == m.one_line(text)


def test_a_chart_without_a_text_alternative_is_refused_in_a_render(monkeypatch):
    monkeypatch.setenv(m.EXECUTING_ENV, "1")
    with pytest.raises(charts.MissingText, match="has no text alternative"):
        charts.html_and_png({"mark": "point", "title": "무명", "data": {"values": [{"a": 1}]}})


# --------------------------------------------------------------------------- colours

def test_the_contrast_ratio_is_wcag_s():
    assert contrast.ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast.ratio("#767676", "#fff") == pytest.approx(4.54, abs=0.01)
    assert contrast.over("#000000", 0.5) == "#808080"


def test_every_palette_in_code_meets_its_minimum():
    from analysis.report import density, hospitals, investment, quality, response

    marks = {**charts.COLORS, "MA_LIGHT": charts.MA_LIGHT, "KR_LIGHT": charts.KR_LIGHT,
             **{f"GREYS[{i}]": c for i, c in enumerate(charts.GREYS)}, **{f"YEAR_SHADES[{i}]": c for i, c in enumerate(charts.YEAR_SHADES)},
             **density.DOT_CATEGORIES, **hospitals.TRIAL_COLORS, **investment.VENTURE_COLORS, **investment.PERIOD_COLORS}
    assert contrast.palette_problems("chart colours", marks, contrast.GRAPHIC) == []
    assert contrast.palette_problems("pledge statuses", response.STATUS_COLORS, contrast.GRAPHIC) == []
    assert contrast.palette_problems("verdicts (text)", quality.VERDICT_COLORS, contrast.TEXT) == []
    assert contrast.palette_problems("seeded", {"pale": "#BDBDBD"}, contrast.GRAPHIC) == [
        "seeded: 'pale' is drawn in #BDBDBD, 1.88:1 against #ffffff (at least 3.0:1 is needed)"]


def test_every_chart_of_the_report_passes_the_colour_check(alts):
    for figure, alt in alts.items():
        assert contrast.spec_problems(alt["spec"], figure) == [], figure


BARS = {"mark": {"type": "bar"}, "data": {"values": []},
        "encoding": {"x": {"field": "y", "type": "ordinal"}, "xOffset": {"field": "k", "type": "nominal"},
                     "color": {"field": "k", "type": "nominal", "scale": {"range": ["#A41034", "#B8234A"]}}}}


def test_pale_translucent_and_touching_marks_and_pale_text_are_named():
    pale = {"mark": {"type": "line", "color": "#BDBDBD"}}
    assert "drawn in #BDBDBD, 1.88:1" in contrast.spec_problems(pale, "f")[0]
    faint = {"mark": {"type": "point", "color": "#0F4C81", "opacity": 0.25}}
    assert "#0F4C81 at opacity 0.25" in contrast.spec_problems(faint, "f")[0]
    touching = contrast.spec_problems(BARS, "f")
    assert len(touching) == 1 and "bars side by side in #A41034 and #B8234A touch" in touching[0]
    parted = copy.deepcopy(BARS)
    parted["mark"].update(charts.SEPARATOR)
    assert contrast.spec_problems(parted, "f") == []
    text = {"mark": {"type": "text", "color": "#999999"}}
    assert "(at least 4.5:1 is needed)" in contrast.spec_problems(text, "f")[0]
    nested = {"hconcat": [{"layer": [pale]}], "config": {"title": {"subtitleColor": "#aaa"}}}
    problems = contrast.spec_problems(nested, "f")
    assert any("chart.hconcat[0].layer[0]" in p for p in problems) and any("config.title.subtitleColor" in p for p in problems)


# --------------------------------------------------------------------------- pages in the browser

def _page(body: str, *, lang: str = "ko", keyboard: bool = True, head: str = "") -> str:
    style = (REPORT / "provenance.css").read_text(encoding="utf-8")
    script = (REPORT / "keyboard.html").read_text(encoding="utf-8") if keyboard else ""
    lang_attr = f' lang="{lang}"' if lang else ""
    return (f"<!DOCTYPE html><html{lang_attr}><head><meta charset='utf-8'><title>쪽</title><style>{style}</style>{head}</head>"
            f"<body><a class='boston-skip' href='#main'>본문으로 건너뛰기</a><nav><a href='#x'>목차</a></nav>"
            f"<main id='main'>{body}</main>{script}</body></html>")


def _tip(number: int, text: str = "1,000") -> str:
    return (f'<a class="prov" href="#src" aria-describedby="prov-tip-{number}">{text}<span class="prov-tip" role="tooltip" '
            f'id="prov-tip-{number}" lang="ko"><span class="prov-src">[1] 출처</span></span></a>')


GOOD = (f"<h1 id='src'>제목</h1><p>첫 수치 {_tip(1)}와 되풀이한 수치 {_tip(1)}, 그리고 {_tip(2, '2,000')}.</p>"
        "<h2 id='x'>절</h2><p>본문 <span lang='en'>an English phrase of several words</span>.</p>"
        "<table><caption>표 1</caption><thead><tr><th scope='col'>연도</th><th scope='col'>값</th></tr></thead>"
        "<tbody><tr><th scope='row'>2024</th><td>1</td></tr></tbody></table>")

SEEDED = {
    "image": GOOD + "<img src='data:image/png;base64,iVBORw0KGgo='>",
    "contrast": GOOD + "<p style='color:#bbbbbb'>옅은 글씨</p>",
    "headings": GOOD.replace("<h2 id='x'>절</h2>", "<h3 id='x'>절</h3>"),
    "table": GOOD + "<table><tr><td>1</td><td>2</td></tr></table>",
    "english": GOOD + "<p>An English sentence in a Korean page without its language.</p>",
}


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    """Every hand-made page, audited once in one browser (the good one at both widths)."""
    from analysis.checks.browser import read_pages

    chromium = needs_chromium()
    folder = tmp_path_factory.mktemp("a11y")
    pages = {"good": _page(GOOD), "no-lang": _page(GOOD, lang=""), "no-escape": _page(GOOD, keyboard=False),
             "no-skip": _page(GOOD).replace("<a class='boston-skip' href='#main'>본문으로 건너뛰기</a>", ""),
             **{name: _page(body) for name, body in SEEDED.items()}}
    urls = {}
    for name, text in pages.items():
        path = folder / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        urls[path.as_uri()] = name
    axe = str(a11y.axe_script())
    found = {}
    for reading in read_pages(list(urls)[:1], (1280, 390), chromium=chromium, axe=axe) + \
            read_pages(list(urls)[1:], (1280,), chromium=chromium, axe=axe):
        found[(urls[reading.page], reading.width)] = reading.audit
    return found


def problems_of(audits, name: str, width: int = 1280, **kw) -> list[str]:
    return a11y.check_audit(name, width, audits[(name, width)], lang=kw.pop("lang", "ko"), **kw).problems


def test_a_page_built_like_ours_passes_at_both_widths_and_with_the_keyboard(audits):
    for width in (1280, 390):
        assert problems_of(audits, "good", width) == [], width
        walk = audits[("good", width)]["keyboard"]
        assert walk["first"]["skip"] and walk["first"]["shown"] and walk["after_skip"]["inMain"]
        assert walk["tip"]["tipShown"] and not walk["escaped"]["tipShown"] and walk["escaped"]["tip"] == walk["tip"]["tip"]
        assert walk["back"]["tipShown"]
    seen = audits[("good", 1280)]["page"]
    assert seen["duplicateIds"] == [] and len({t["tip"] for t in seen["tips"]}) == 3  # the repeat got an id of its own


def test_axe_violations_are_named_with_rule_page_and_element(audits):
    image = problems_of(audits, "image")
    assert len(image) == 1 and image[0].startswith("image at 1280 px: axe image-alt (critical): ") and "<img src=" in image[0]
    pale = problems_of(audits, "contrast")
    assert len(pale) == 1 and "axe color-contrast (serious)" in pale[0] and "옅은 글씨" in pale[0], pale


def test_a_page_without_lang_is_named_by_axe_and_by_the_check(audits):
    problems = problems_of(audits, "no-lang")
    assert any("axe html-has-lang" in p for p in problems) and any("<html> has no lang" in p for p in problems), problems


def test_a_skipped_heading_level_a_table_without_caption_or_headers_and_unmarked_english_are_named(audits):
    assert problems_of(audits, "headings") == ["headings at 1280 px: heading h3 '절' follows h1 '제목' (a level is skipped)"]
    table = problems_of(audits, "table")
    assert "table at 1280 px: a table in #main has no header cells (th)" in table
    assert "table at 1280 px: a table in #main has no caption" in table
    english = problems_of(audits, "english")
    assert english == ["english at 1280 px: English text in #main is marked lang='ko': "
                       "'An English sentence in a Korean page without its language.'"], english


def test_no_skip_link_and_a_tooltip_escape_does_not_close_are_found_with_the_keyboard(audits):
    no_skip = problems_of(audits, "no-skip")
    assert any("no skip link" in p for p in no_skip) and any("the first Tab reaches a '목차'" in p for p in no_skip), no_skip
    no_escape = problems_of(audits, "no-escape")
    assert any("Escape does not close the tooltip of '1,000'" in p for p in no_escape), no_escape
    assert any("1 id(s) used twice, e.g. ['prov-tip-1']" in p for p in no_escape), no_escape


def test_the_data_docs_known_findings_are_notes_and_any_other_is_a_problem(audits):
    found = copy.deepcopy(audits[("good", 1280)])
    found["axe"]["violations"] = [{"id": "label", "impact": "critical", "help": "Form elements must have labels",
                                   "nodes": [{"target": ["input"], "html": "<input>", "summary": ""}]},
                                  {"id": "image-alt", "impact": "critical", "help": "Images must have alternative text",
                                   "nodes": [{"target": ["img"], "html": "<img>", "summary": ""}]}]
    f = a11y.check_audit("data-docs/index.html", 1280, found, lang="ko", known=a11y.DATA_DOCS_KNOWN)
    assert [p.split(": axe ")[1][:9] for p in f.problems] == ["image-alt"]
    assert any("axe label (critical)" in n for n in f.notes)


# --------------------------------------------------------------------------- the PDF

def _pdf(path: Path, *, marked=True, lang="ko-KR", title="보고서", display=True, ua="1", alts=("그림 설명",)) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    root = pdf.Root
    if marked:
        root.MarkInfo = pikepdf.Dictionary(Marked=True)
    if lang:
        root.Lang = pikepdf.String(lang)
    if display:
        root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    figures = [pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure,
                                                    **({"Alt": pikepdf.String(a)} if a is not None else {}))) for a in alts]
    document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=pikepdf.Array(figures)))
    root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=document))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        if title:
            xmp["dc:title"] = title
        if ua:
            xmp["pdfuaid:part"] = ua
    pdf.save(path)
    return path


def test_a_tagged_pdf_ua_file_with_language_title_and_alt_text_passes(tmp_path):
    from analysis.checks.pdf_access import check_structure, read_structure

    found = read_structure(_pdf(tmp_path / "ok.pdf"))
    assert check_structure("ok.pdf", found, ["그림"]).problems == []
    assert found["figures"] == ["그림 설명"] and found["lang"] == "ko-KR"


@pytest.mark.parametrize("defect, words", [
    ({"marked": False}, "not a tagged PDF"),
    ({"ua": None}, "does not declare PDF/UA-1"),
    ({"lang": None}, "the document language (/Lang) is None"),
    ({"lang": "en-US"}, "is 'en-US', not Korean"),
    ({"title": None}, "no document title"),
    ({"display": False}, "DisplayDocTitle"),
    ({"alts": ("그림 설명", None, "")}, "2 of 3 Figure(s) in the structure tree without /Alt (figure(s) [2, 3])"),
])
def test_a_pdf_missing_what_pdf_ua_asks_for_is_named(tmp_path, defect, words):
    from analysis.checks.pdf_access import check_structure, read_structure

    problems = check_structure("bad.pdf", read_structure(_pdf(tmp_path / "bad.pdf", **defect))).problems
    assert len(problems) == 1 and words in problems[0], problems


def test_a_figure_whose_alt_is_not_its_chart_s_text_is_named(tmp_path):
    from analysis.checks.pdf_access import check_structure, read_structure

    found = read_structure(_pdf(tmp_path / "x.pdf", alts=("다른 그림", "둘째")))
    problems = check_structure("x.pdf", found, ["그림 설명"]).problems
    assert any("2 Figure(s) in the structure tree for the HTML's 1 chart(s)" in p for p in problems)
    assert any("Figure 1's alt text is not its chart's text alternative" in p for p in problems)



# --------------------------------------------------------------------------- languages, the site's pages, the Data Docs

def test_text_from_data_is_marked_with_its_language():
    assert m.language_of("Massachusetts Biopharma Industry Snapshot") == "en"
    assert m.language_of("한국경제연구원(KERI) 2020년 보고서") == "ko"  # Korean holding Latin names is Korean
    assert m.language_of("1,000") is None and m.language_of("神戸") is None
    assert m.in_language(m.escape("English summary"), "en") == '[English summary]{lang="en"}'
    assert m.link("Title", "https://example.org/a", lang="en").endswith('{lang="en"}')
    with pytest.raises(ValueError):
        m.in_language(m.escape("x"), 'en" onmouseover="x')


def test_the_site_step_s_pages_have_a_skip_link_a_main_and_captioned_tables():
    from analysis.review import html as h

    page = h.page("판 목록", h.element("nav", "…"), [h.element("h1", "판 목록"), h.table(["판", "파일"], [["a", "b"]], caption="발행된 판")])
    assert re.search(r'<body>\n<a class="boston-skip" href="#main">본문으로 건너뛰기</a>\n<nav>', page)
    assert '<main id="main"><h1>판 목록</h1>' in page and "<caption>발행된 판</caption>" in page
    assert '<th scope="col">판</th>' in page
    assert ">Skip to the content</a>" in h.page("x", h.element("nav", ""), [], lang="en")


def test_the_data_docs_get_a_language_a_tab_list_and_our_colours_once():
    from analysis.review.datadocs import A11Y_STYLE, accessible

    gx = ('<!DOCTYPE html>\n<html>\n<head><title>t</title></head><body><ul class="nav" role="tablist">'
          '<li class="nav-item"><a role="tab" href="#a">A</a></li></ul><ul><li>other</li></ul></body></html>')
    once = accessible(gx)
    assert '<html lang="en">' in once and once.count('data-boston="a11y"') == 1 and accessible(once) == once
    assert '<li role="presentation" class="nav-item">' in once and "<ul><li>other</li></ul>" in once
    assert once.index(A11Y_STYLE) < once.index("</head>")
    assert '<html lang="de">' in accessible(gx.replace("<html>", '<html lang="de">'))  # GX's own language is kept
    from analysis.checks.contrast import ratio

    for color in re.findall(r"#[0-9a-f]{6}\b", A11Y_STYLE):  # our overrides meet 4.5:1 on white and Bootstrap's light grey
        assert color == "#ffffff" or min(ratio(color, "#ffffff"), ratio(color, "#f8f9fa")) >= 4.5, color
