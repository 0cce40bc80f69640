"""How the report's text reads (analysis/checks/text.py, part of `boston-report check-output`),
tried on hand-made PDFs (Typst 0.15, the version in Quarto 1.10) and HTML pages: each with the defect
a real render had (a Korean word broken across lines, a caption stranded from its table, a table
squeezed into a phone, a BibTeX line scrolling sideways, Latin in another face than the Hangul),
which must fail, and the same page set by the report's own template and styles, which must pass."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import typst
import yaml

from analysis.checks import output as co
from analysis.checks import text as ct

from conftest import CHROMIUM, ROOT, needs_chromium

FONT_DIRS = [p for p in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto") if os.path.isdir(p)]
TEMPLATE = (ROOT / "report" / "typst-template.typ").read_text(encoding="utf-8")
READING_CSS = (ROOT / "report" / "reading.css").read_text(encoding="utf-8")
READING_SCRIPT = (ROOT / "report" / "reading.html").read_text(encoding="utf-8")
MARGIN_Y = co.length_pt("2.5cm")
needs_font = pytest.mark.skipif(not FONT_DIRS, reason="Noto fonts not installed (Debian's fonts-noto-cjk; make test installs them)")

# What the issue saw broken: "후/속 보고 없음", "2천726억/원", "(누/적)", "재현 가/능한", "밀집 / ·투자".
KOREAN = "후속 보고 없음 2천726억원 (누적) 재현 가능한 밀집·투자 중소벤처기업부·인천광역시·연세대학교 세 요인 모두에서 격차가 크다"
PLAIN = """#set page(paper: "a4", margin: (x: 2.2cm, y: 2.5cm), numbering: "1")
#set text(font: "Noto Sans CJK KR", lang: "ko", region: "KR")
#show figure: set block(breakable: true)
"""
WITH_TEMPLATE = TEMPLATE + """
#show: doc => article(lang: "ko", region: "KR", font: ("Noto Sans CJK KR",), paper: "a4", margin: (x: 2.2cm, y: 2.5cm), doc)
"""
NARROW = "".join(f"#block(width: {w}cm)[{KOREAN}]\n" for w in (2.4, 2.8, 3.3, 4.1))
# A table whose caption falls at the foot of the page (Quarto writes a captioned table this way).
FILLER = "".join(f"문단 {i}의 줄이다.\\\n" for i in range(43))
TABLE = """#figure([
#table(columns: 2, table.header([지표], [연도]), ..range(30).map(i => ([계열 #i], [2024])).flatten())
], caption: figure.caption(position: top, [계열별 최신 자료 연도]), kind: "quarto-float-tbl", supplement: "표")
"""


def compile_pdf(tmp_path: Path, preamble: str, body: str, name: str) -> Path:
    src = tmp_path / f"{name}.typ"
    src.write_text(preamble + body, encoding="utf-8")
    out = tmp_path / f"{name}.pdf"
    typst.compile(str(src), output=str(out), font_paths=FONT_DIRS)
    return out


@needs_font
def test_a_pdf_line_broken_inside_a_korean_word_is_found_and_the_template_breaks_between_words(tmp_path):
    plain = ct.check_pdf(compile_pdf(tmp_path, PLAIN, NARROW, "plain"), KOREAN, margin_y=MARGIN_Y)
    assert any("line(s) break inside a Korean word" in p for p in plain.problems), plain.problems
    templated = ct.check_pdf(compile_pdf(tmp_path, WITH_TEMPLATE, NARROW, "template"), KOREAN, margin_y=MARGIN_Y)
    assert templated.problems == [] and templated.notes == ["template.pdf: 0 line break(s) inside a Korean word"]


def test_a_break_between_words_is_not_a_break_inside_one():
    def word(text, x0, top):
        return {"text": text, "x0": x0, "x1": x0 + 10 * len(text), "top": top, "bottom": top + 10}

    lines = [word("재현", 0, 0), word("가", 30, 0), word("능한", 0, 12)]
    assert ct._lines_broken_inside_words(lines, "재현 가능한 보고서") == [("가", "능한")]
    lines = [word("재현", 0, 0), word("가능한", 0, 12)]
    assert ct._lines_broken_inside_words(lines, "재현 가능한 보고서") == []
    assert ct._lines_broken_inside_words([word("요인과", 0, 0), word("시사점", 0, 12)], "요인과 시사점") == []


@needs_font
def test_a_table_caption_stranded_at_the_foot_of_a_page_is_found_and_the_template_keeps_it_with_its_table(tmp_path):
    plain = ct.check_pdf(compile_pdf(tmp_path, PLAIN, FILLER + TABLE, "plain"), None, margin_y=MARGIN_Y)
    assert any("the caption '표 1: 계열별 최신 자료 연도' ends the page" in p for p in plain.problems), plain.problems
    templated = ct.check_pdf(compile_pdf(tmp_path, WITH_TEMPLATE, FILLER + TABLE, "template"), None, margin_y=MARGIN_Y)
    assert templated.problems == []


# --------------------------------------------------------------------------- HTML

# Paragraphs of many widths, each wider than its longest word: at some width each word meets a line's end.
SENTENCE = "후속 보고 없음 2천726억원 (누적) 재현 가능한 밀집·투자·병원협력 세 요인 모두에서 격차가 크다"
# An unbreakable string longer than a phone's line (a source id or a URL without a break in it).
LONG_WORD = "kotra-2021-ifez-songdo-location-report-42c"[:42].replace("-", "_")
ROWS = "".join(f"<tr><td>2023-05-12</td><td>과학기술정보통신부 (홍릉강소특구)</td><td>홍릉강소특구 입주 기업 356개(2022년 말)에서 500개로</td>"
               f"<td>500개</td><td>2025년</td><td>{LONG_WORD}</td><td>기한 경과, 이행 보고 없음</td></tr>" for _ in range(2))
PAGE = f"""<main>
<h1 class="title">보스턴의 교훈</h1><p class="subtitle">한국경제연구원(KERI) 2020년 보고서의 재현 가능한 재구성</p>
{"".join(f'<p style="width:{w}px">{SENTENCE}</p>' for w in range(90, 260, 5))}
<p>출처 {LONG_WORD} 참고</p>
<table class="table"><thead><tr><th>약속한 날</th><th>누가</th><th>무엇을</th><th>목표</th><th>기한</th><th>그 뒤</th><th>상태</th></tr></thead>
<tbody>{ROWS}</tbody></table>
<div class="sourceCode" style="overflow:auto"><pre class="sourceCode code-overflow-wrap"><code>@misc{{x,
  title = {{보스턴의 교훈: 바이오 클러스터의 밀집·투자·병원협력 — 한국경제연구원(KERI) 2020년 보고서의 재현 가능한 재구성 보고서를 다시 계산한 재현 가능한 보고서}},
  url = {{https://example.org/{"a" * 42}}}
}}</code></pre></div>
</main>"""
# Bootstrap's stack (system-ui first: no Hangul) and its sideways-scrolling code, as Quarto's page had them.
BEFORE = "body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; } pre code { white-space: pre; }"
# Quarto's rule for code-overflow: wrap (what report/_metadata.yml turns on).
QUARTO_WRAP = "pre.code-overflow-wrap > code { white-space: pre-wrap; }"


def html_page(tmp_path: Path, name: str, head: str, after_body: str = "") -> Path:
    path = tmp_path / name
    path.write_text(f"<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width'>"
                    f"{head}</head><body>{PAGE}{after_body}</body></html>", encoding="utf-8")
    return path


def test_the_reports_styles_turn_on_code_wrapping_and_the_reading_script():
    html = yaml.safe_load((ROOT / "report" / "_metadata.yml").read_text(encoding="utf-8"))["format"]["html"]
    assert html["code-overflow"] == "wrap" and "reading.html" in html["include-after-body"] and "reading.css" in html["css"]
    assert "keyboard.html" in html["include-after-body"]  # the skip link first, tooltips that Escape closes


def test_a_page_that_breaks_korean_words_squeezes_a_table_scrolls_code_and_mixes_fonts_fails(tmp_path):
    needs_chromium()
    f = ct.check_html(html_page(tmp_path, "before.html", f"<style>{BEFORE}</style>"), CHROMIUM)
    text = "\n".join(f.problems)
    for width in co.WIDTHS:
        assert f"before.html at {width} px: " in text and "line break(s) inside a Korean word" in text, text
    assert "before.html at 390 px: a table cell" in text and "the table cannot be read as rows" in text, text
    assert "scrolls sideways or cuts the text off" in text, text
    assert "'system-ui', which is not an installed font with both Hangul and Latin glyphs" in text, text
    assert "before.html at 390 px: the page is" in text, "a 42-character word widens the page"


def test_keep_all_alone_still_breaks_before_a_middle_dot_and_squeezes_the_table(tmp_path):
    """The styles without the script: Chromium breaks before '·' even under keep-all ("밀집 / ·투자"),
    and a seven-column table keeps its columns a few characters wide on a phone."""
    needs_chromium()
    f = ct.check_html(html_page(tmp_path, "styles-only.html", f"<style>{BEFORE}\n{QUARTO_WRAP}\n{READING_CSS}</style>"), CHROMIUM)
    text = "\n".join(f.problems)
    assert "line break(s) inside a Korean word" in text and "/·" in text, text
    assert "styles-only.html at 390 px: a table cell" in text, text
    assert "cuts the text off" not in text and "not an installed font" not in text, text
    # Without the cards, the cell holding a 42-character word keeps the squeezed table wider than a phone.
    assert "styles-only.html at 390 px: the page is" in text, text


def test_the_same_page_with_the_reports_styles_and_script_reads_right(tmp_path):
    needs_chromium()
    head = f"<style>{BEFORE}\n{QUARTO_WRAP}\n{READING_CSS}</style>"
    f = ct.check_html(html_page(tmp_path, "after.html", head, READING_SCRIPT), CHROMIUM)
    assert f.problems == [], f.problems
    assert all("0 Korean word(s) broken across lines, 0 too narrow table cell(s), 0 block(s) scrolling sideways" in n for n in f.notes)
