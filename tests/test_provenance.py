"""Every figure carries its provenance: in the HTML a link to its source's entry with a tooltip
(source, figure as printed, quote) that hostile text cannot break; in the PDF numbered references;
charts and tables offer their rows as CSV embedded in the page. One execution serves both formats,
so a figure carries both forms, each marked for the format that shows it."""

from __future__ import annotations

import base64
import io
import re

import pandas as pd
import json

import pypandoc
import pytest

from analysis.report import provenance as prov

from conftest import nodes_where

SOURCES = pd.DataFrame({
    "source_id": ["b-source", "a-source"], "producer": ["MassBio (reporting)", "약업신문 (KVCA 인용)"],
    "title": ["Record <b>year</b>", "바이오 투자 | 기록"], "date_published": ["2024-01-04", "2020-01"], "date_accessed": "2026-12-02",
    "evidence": ["primary", "secondary"], "license_name": "x", "url_main": ["https://a.example/b", "https://a.example/a"],
})
ROW_A = pd.Series({"source_id": "a-source", "value_as_published": "1조1,033억원", "quote": "바이오·의료 분야 신규 투자금액 1조1,033억원으로"})
ROW_B = pd.Series({"source_id": "b-source", "value_as_published": "$4.8 billion", "quote": 'record "$4.8 billion" <script>x</script>'})


@pytest.fixture(autouse=True)
def sources():
    prov.setup(SOURCES)


def html_of(markdown: str) -> str:
    """The HTML as Quarto makes it: Markdown only the PDF shows is dropped first."""
    return pypandoc.convert_text(str(markdown), "html", format="markdown-tex_math_dollars", filters=[str(PRINT_ONLY_FILTER)])


def typst_of(markdown: str) -> str:
    return pypandoc.convert_text(str(markdown), "typst", format="markdown-tex_math_dollars")


# Quarto's content-visible filter, as far as the helpers use it: in HTML, drop what is marked
# `unless-format="html"` (Pandoc alone keeps it; raw HTML is dropped by every other writer anyway).
PRINT_ONLY_FILTER = __import__("pathlib").Path(__file__).with_name("print_only.lua")


def print_only_spans(markdown: str) -> list[dict]:
    """The inline spans of a Markdown text marked for formats other than HTML."""
    ast = json.loads(pypandoc.convert_text(str(markdown), "json", format="markdown-tex_math_dollars"))
    return nodes_where(ast, lambda n: n.get("t") == "Span" and ["unless-format", "html"] in n["c"][0][2]
                       and "content-visible" in n["c"][0][1])


def test_numbers_follow_the_appendix_order():
    assert prov.source_numbers(SOURCES) == {"a-source": 1, "b-source": 2}


def test_html_cite_links_to_the_entry_and_shows_source_printed_figure_and_quote():
    c = prov.cite("US$4.8bn", [ROW_B, ROW_A], how="합계")
    assert isinstance(c, prov.Cited) and c.sources == ("b-source", "a-source") and c.plain == "US$4.8bn"
    html = html_of(f"매사추세츠는 {c}였다.")
    assert '<a class="prov" href="#src-b-source" aria-describedby="prov-tip-' in html
    assert "US$4.8bn" in html and "합계" in html
    assert "[2] MassBio (reporting), “Record &lt;b&gt;year&lt;/b&gt;” (2024-01-04)" in html
    assert "[1] 약업신문 (KVCA 인용), “바이오 투자 &#124; 기록” (2020-01)†" in html  # '|' cannot split a table cell
    assert '원문 표기: <span lang="en">$4.8 billion</span>' in html and "&lt;script&gt;" in html and "<script>" not in html
    assert 'role="tooltip"' in html
    # Each part in its own language inside the Korean tooltip: a screen reader switches voice.
    assert '<span class="prov-tip" role="tooltip" id="prov-tip-' in html and 'lang="ko">' in html
    assert '<span class="prov-src" lang="en">[2] MassBio (reporting)' in html
    assert '<span class="prov-src" lang="ko">[1] 약업신문' in html


def test_a_hostile_figure_text_stays_text_inside_a_table_cell():
    from analysis import markup as m

    c = prov.cite("1 | 2\n# <img src=x> `x`", ROW_A, mark=False)
    html = html_of(m.table([{"a": c, "b": "z"}], [m.Column("A", "a"), m.Column("B", "b")]))
    assert html.count("<td") == 2 and "<img" not in html and "<h1" not in html


def test_print_cite_adds_numbered_references():
    c = prov.cite("US$4.8bn", [ROW_B, ROW_A])
    printed = "US\\$4\\.8bn^[\\[1\\]](#src-a-source),[\\[2\\]](#src-b-source)^"
    assert str(c).endswith(f'[{printed}]{{.content-visible unless-format="html"}}')
    assert len(print_only_spans(c)) == 1
    pdf = typst_of(f"매사추세츠는 {c}였다.")
    assert "prov-tip" not in pdf and "#super[#link(<src-a-source>)[\\[1\\]]" in pdf.replace("\n", "")
    unmarked = prov.cite("US$4.8bn", ROW_B, mark=False)
    assert str(unmarked).endswith('[US\\$4\\.8bn]{.content-visible unless-format="html"}')


def test_the_html_shows_the_tooltip_only_and_the_pdf_the_references_only():
    c = prov.cite("US$4.8bn", [ROW_B, ROW_A])
    html = html_of(c)
    assert html.count("US$4.8bn") == 1 and "#src-a-source\">[1]" not in html and 'class="prov"' in html
    assert typst_of(c).count("US\\$4.8bn") == 1


def test_a_figure_without_rows_or_with_an_unknown_source_is_refused():
    with pytest.raises(ValueError, match="has no source rows"):
        prov.cite("12", pd.DataFrame({"source_id": []}))
    with pytest.raises(KeyError, match="not in the sources table"):
        prov.cite("12", pd.Series({"source_id": "nowhere"}))


@pytest.mark.parametrize("text", ["2024년 보스턴", "2013–2025년", "Boston Children's Hospital", "3대 요인", "2020-01-30"])
def test_labels_hold_names_and_years(text):
    assert type(prov.label(text)).__name__ == "Label"


@pytest.mark.parametrize("text", ["74,256명", "US$4.8bn", "12곳", "1.7%"])
def test_a_label_refuses_a_figure(text):
    with pytest.raises(ValueError, match="holds the figure"):
        prov.label(text)


def test_join_keeps_every_source():
    j = prov.join([prov.cite("1", ROW_A), prov.cite("2", ROW_B)], " / ")
    assert isinstance(j, prov.Cited) and set(j.sources) == {"a-source", "b-source"} and j.plain == "1 / 2"


def test_source_line_names_sources_by_number_producer_and_date():
    line = prov.source_line(["b-source", "a-source", "b-source"])
    assert str(line).startswith("출처: [\\[1\\]](#src-a-source) 약업신문 \\(2020\\-01\\)†; [\\[2\\]](#src-b-source) MassBio \\(2024\\-01\\-04\\)")
    assert "2차 자료" in str(line)


def test_csv_download_holds_exactly_the_rows_drawn(monkeypatch):
    data = pd.DataFrame({"year": [2018, 2019, 2020], "value": [1.0, None, 3.0], "source_id": ["a-source", None, "b-source"]})
    link = prov.csv_link(data, "fig jobs")
    payload = re.search(r'base64,([A-Za-z0-9+/=]+)"', str(link)).group(1)
    back = pd.read_csv(io.StringIO(base64.b64decode(payload).decode("utf-8")))
    assert back["year"].tolist() == [2018, 2020] and 'download="fig-jobs.csv"' in str(link)
    assert "csv-download" not in typst_of(link), "the PDF cannot hold the file: raw HTML only"


def test_annotate_gives_charts_their_tooltips_and_links():
    out = prov.annotate(pd.DataFrame([ROW_B.to_dict(), {"source_id": None}]))
    assert out["href"].tolist()[0] == "#src-b-source" and pd.isna(out["href"].tolist()[1])
    assert out["출처"].iloc[0].startswith("[2] MassBio") and out["원문 표기"].iloc[0] == "$4.8 billion"
