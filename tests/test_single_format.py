"""Each format's Quarto process reads the executed notebook without what Quarto would hide in that
format (analysis/render/single_format.py): exactly that goes, and whatever the module cannot pair up
with certainty stays for Quarto to decide. The real proof, a render both ways compared, is in the
README's render notes; here the helpers' own outputs and hand-made edge cases."""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from analysis import markup as m
from analysis.render import single_format as sf

TOOLTIP = '`<!--boston-payload-' + "a" * 32 + '-->`{=html}'
# What provenance.cite writes for one figure: the raw-HTML tooltip (a token by now), then the
# printed form with its numbered reference, which only the PDF shows.
CITED = str(m.per_format(TOOLTIP, r"117\,108^[\[102\]](#src-a)^"))
CHART = ("```{=html}\n<div id=\"boston-vis-1\"></div>\n```\n\n"
         + str(m.per_format_block("", "![](_charts/abc.png)")))
DOWNLOADS = str(m.per_format_block("- [표 CSV](data:text/csv;base64,QQ==)", ""))


def test_the_html_reads_no_printed_references_and_the_pdf_no_raw_html():
    text = f"고용은 {CITED}명이다."
    assert sf.view(text, "html") == f"고용은 {TOOLTIP}명이다."
    assert sf.view(text, "typst") == r"고용은 [117\,108^[\[102\]](#src-a)^]{.content-visible unless-format=" + '"html"}명이다.'


def test_a_chart_is_its_raw_block_in_the_html_and_its_image_in_the_pdf():
    assert sf.view(CHART, "html") == '```{=html}\n<div id="boston-vis-1"></div>\n```\n\n'
    assert sf.view(CHART, "typst") == '\n' + str(m.per_format_block("", "![](_charts/abc.png)"))


def test_an_html_only_block_goes_from_the_pdf_only():
    assert sf.view(DOWNLOADS, "html") == DOWNLOADS
    assert sf.view(DOWNLOADS, "typst") == ""


def test_every_span_of_a_table_goes_and_its_cells_stay():
    row = f"| 고용 | {CITED} | {CITED} |"
    assert sf.view(row, "html") == f"| 고용 | {TOOLTIP} | {TOOLTIP} |"


def test_data_that_spells_a_condition_or_brackets_is_escaped_text_and_stays():
    title = ']{.content-visible unless-format="html"} [x] \\'
    printed = str(m.escape(title))
    text = str(m.per_format(TOOLTIP, printed)) + " " + str(m.escape("[" + title))
    view = sf.view(text, "html")
    assert view == TOOLTIP + " " + str(m.escape("[" + title)), "the span goes whole, the escaped text stays"
    assert sf.view(text, "typst") == str(m.per_format("", printed)) + " " + str(m.escape("[" + title))


@pytest.mark.parametrize("text", [
    '::: {.content-visible unless-format="html"}\n# Abstract\n',  # opens here, closes in another cell
    'a]{.content-visible unless-format="html"}',  # no opening bracket
    '[a]{.content-visible unless-format="pdf"}',  # a format this module does not judge
    '::: {.content-visible when-format="pdf"}\nx\n:::',
    '```md\n::: {.content-visible unless-format="html"}\nliteral\n:::\n```',  # a code block is literal
    '`[a]{.content-visible unless-format="html"}`',  # inside a code span
    r'\[a]{.content-visible unless-format="html"}',  # an escaped bracket opens nothing
])
def test_what_cannot_be_paired_up_with_certainty_stays_for_quarto(text):
    assert sf.view(text, "html") == text


def test_the_pdf_keeps_a_code_blocks_literal_text():
    code = "````md\n```{=html}\n<b>shown as text</b>\n```\n`<i>x</i>`{=html}\n````"
    assert sf.view(code + "\n\n`<br>`{=html}끝", "typst") == code + "\n\n끝"


def test_nested_divs_go_whole():
    text = '::: {.content-visible unless-format="html"}\n::: {.callout-note}\nx\n:::\ny\n:::\nafter'
    assert sf.view(text, "html") == "after"


def notebook() -> dict:
    nb = nbformat.v4.new_notebook()
    prose = nbformat.v4.new_markdown_cell("앞\n\n`{python} x`\n\n" + DOWNLOADS)
    prose.metadata["user_expressions"] = [{"expression": "x", "result": {"status": "ok", "data": {
        "text/markdown": CITED, "text/plain": repr(CITED)}}}]
    printed = nbformat.v4.new_code_cell("print(...)")
    printed.outputs = [nbformat.v4.new_output("stream", name="stdout", text=CITED + "\n")]
    shown = nbformat.v4.new_code_cell("chart")
    shown.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": CHART, "text/plain": "Chart"})]
    nb.cells = [prose, printed, shown]
    return json.loads(nbformat.writes(nb))  # as the file holds it: multi-line text as lists of lines


def test_a_notebook_view_changes_every_text_quarto_renders_in_the_shape_it_had():
    nb = notebook()
    before = json.dumps(nb)
    view = sf.for_format(nb, "html")
    assert json.dumps(nb) == before, "the notebook given is not changed"
    prose, printed, shown = view["cells"]
    assert isinstance(prose["source"], list) and "".join(prose["source"]) == "앞\n\n`{python} x`\n\n" + DOWNLOADS
    result = prose["metadata"]["user_expressions"][0]["result"]["data"]
    assert result == {"text/markdown": TOOLTIP, "text/plain": repr(CITED)}, "text/plain is Quarto's fallback only"
    assert "".join(printed["outputs"][0]["text"]) == TOOLTIP + "\n"
    assert "".join(shown["outputs"][0]["data"]["text/markdown"]) == sf.view(CHART, "html")
    typst = sf.for_format(nb, "typst")["cells"]
    assert "".join(typst[0]["source"]) == "앞\n\n`{python} x`\n\n"
    with pytest.raises(ValueError, match="docx"):
        sf.for_format(nb, "docx")


def test_write_for_format_keeps_the_modification_time(tmp_path):
    path = tmp_path / "index.executed.ipynb"
    path.write_text(json.dumps(notebook()), encoding="utf-8")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    sf.write_for_format(path, "html")
    assert path.stat().st_mtime == 1_700_000_000, "the page's last-modified date is the source's"
    written = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    assert "unless-format" not in written.cells[1].outputs[0]["text"]
