"""The PDF's Typst template (report/typst-template.typ), compiled by the same Typst version Quarto
1.10 bundles (0.15), with the arguments Quarto's typst-show.typ passes: a title page, a table of
contents, the body; Korean glyphs from the pinned font, no missing-font warning."""

import base64
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


# --------------------------------------------------------------------------- PDF/UA-1

PIXEL_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


def _ua(tmp_path, body: str, show: str = SHOW):
    (tmp_path / "chart.png").write_bytes(PIXEL_PNG)
    path = tmp_path / "ua.typ"
    path.write_text(TEMPLATE.read_text(encoding="utf-8") + show + body, encoding="utf-8")
    return path


def test_the_template_compiles_as_pdf_ua_1_with_its_title_and_korean_language(tmp_path):
    """What report/index.qmd asks (pdf-standard: ua-1): Typst tags the PDF, and the template gives
    the title it needs; the abstract's block is English inside the Korean document. Read back by
    the output check's reader (analysis/checks/pdf_access.py)."""
    from analysis.checks.pdf_access import check_structure, read_structure

    alt = "그림 1의 대체 텍스트: 2018년 74,256명"
    source = _ua(tmp_path, f'\n#block[#set text(lang: "en"); Abstract in English.]\n'
                           f'#figure(box(image("chart.png", alt: "{alt}")), caption: [그림])\n')
    out = tmp_path / "ua.pdf"
    typst.compile(str(source), output=str(out), font_paths=FONT_DIRS, pdf_standards=["ua-1"])
    found = read_structure(out)
    assert check_structure("ua.pdf", found, [alt[:10]]).problems == []
    assert found["lang"] == "ko-KR" and found["figures"] == [alt] and str(found["ua_part"]) == "1"


def test_typst_refuses_an_image_without_alt_text_and_a_document_without_title(tmp_path):
    """A violation stops the render with Typst's message (Quarto passes it on)."""
    with pytest.raises(typst.TypstError, match="PDF/UA-1 error: missing alt text"):
        typst.compile(str(_ua(tmp_path, '\n#figure(box(image("chart.png")), caption: [그림])\n')), font_paths=FONT_DIRS,
                      pdf_standards=["ua-1"])
    untitled = SHOW.replace("  title: [보스턴의 교훈: 바이오 클러스터의 밀집·투자·병원협력],\n", "")
    with pytest.raises(typst.TypstError, match="PDF/UA-1 error: missing document title"):
        typst.compile(str(_ua(tmp_path, "", untitled)), font_paths=FONT_DIRS, pdf_standards=["ua-1"])
