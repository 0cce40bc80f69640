"""The PDF's Typst template (report/typst-template.typ), compiled by the same Typst version Quarto
1.10 bundles (0.15), with the arguments Quarto's typst-show.typ passes: a title page, a table of
contents, the body; Korean glyphs from the pinned font, no missing-font warning."""

import shutil

import pytest
import typst

from conftest import ROOT

TEMPLATE = ROOT / "report" / "typst-template.typ"
FONT_DIRS = [p for p in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto") if shutil.os.path.isdir(p)]

SHOW = """
#show: doc => article(
  title: [보스턴의 교훈: 바이오 클러스터의 밀집·투자·병원협력],
  subtitle: [한국경제연구원(KERI) 2020년 보고서의 재구성],
  date: [2026-11-24],
  lang: "ko",
  region: "KR",
  margin: (x: 2.2cm,y: 2.5cm,),
  paper: "a4",
  font: ("Noto Sans CJK KR",),
  fontsize: 10.5pt,
  sectionnumbering: "1.1.a",
  toc: true,
  toc_title: [목차],
  toc_depth: 2,
  cols: 1,
  an-argument-a-future-quarto-might-pass: true,
  doc,
)
= 요약 <sec-summary>
한국경제연구원은 성공 요인을 밀집·투자·병원협력으로 정리했다. 1∼2% † ㎡ → US\\$4.8bn
#figure(table(columns: 2, [연도], [값], [2018], [74,256]), caption: [표])
"""


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "report.typ"
    path.write_text(TEMPLATE.read_text(encoding="utf-8") + SHOW, encoding="utf-8")
    return path


def test_template_gives_title_page_toc_and_body(document):
    pages = typst.compile(str(document), format="png", ppi=20, font_paths=FONT_DIRS)
    assert isinstance(pages, list) and len(pages) == 3  # title page, contents, body


def test_korean_font_is_found_and_no_glyph_falls_back(document):
    assert FONT_DIRS, "fonts-noto-cjk is not installed (make test installs it)"
    pdf, warnings = typst.compile_with_warnings(str(document), font_paths=FONT_DIRS)
    assert pdf.startswith(b"%PDF")
    messages = " ".join(str(w) for w in warnings)
    assert "unknown font" not in messages and "font" not in messages.lower(), messages
