"""The chart specs and CSV files the pre-render holds apart from what Quarto renders, and the
post-render puts back: exactly what was taken, only where it was taken from."""

from __future__ import annotations

import json
import re

import nbformat
import pandas as pd
import pytest

from analysis.report import charts
from analysis.render import payloads as pl
from analysis.markup import escape, script_json
from analysis.report.provenance import csv_link
from analysis.report.quality import verdict_badge

SALT = json.dumps({"clean data": "abc"})
# Data strings that try to move a cut or pass for markup: a spec terminator, a script end, a token.
TRICKY = 'x", {"actions": false, "renderer": "svg"}) </script> boston-payload-' + "0" * 32


def spec() -> dict:
    return {"data": {"values": [{"label": TRICKY, "value": 1}]}, "mark": "bar", "title": "제목 " + TRICKY}


def chapter_output() -> str:
    """What a chapter prints: a chart, then its source line with the CSV link, as the helpers write them."""
    link = csv_link(pd.DataFrame({"label": [TRICKY], "value": [1.5]}), "fig one")
    return f"```{{=html}}\n{charts.chart_html(spec(), 'boston-vis-7')}\n```\n\n출처: … {link}\n"


def test_every_payload_is_replaced_by_a_token_and_put_back_exactly():
    text = chapter_output()
    held: dict[str, str] = {}
    short = pl.detach_text(text, SALT, held)
    assert len(held) == 3, "the chart's spec, the CSV file and the link's raw-HTML span"
    assert 'bostonChart("#boston-vis-7", boston-payload-' in short
    assert short.endswith("출처: … `<!--boston-payload-" + short.split("`<!--boston-payload-")[1].split("-->")[0] + "-->`{=html}\n")
    assert TRICKY not in short and "IGJvc3Rvbi" not in short and "<a " not in short, "no spec, CSV or link is left"
    link = next(v for v in held.values() if v.startswith("<a "))
    csv = next(v for v in held.values() if not v.startswith(("<", "{")))
    assert f'base64,{next(t for t, v in held.items() if v == csv)}"' in link, "the link holds its CSV file's token"
    assert held[next(t for t, v in held.items() if v.startswith("{"))] == script_json(spec())
    assert pl.attach_text(short, held, "page.html")[0] == text


def test_raw_html_spans_are_held_apart_wherever_markdown_holds_them_but_not_in_fenced_blocks():
    badge = verdict_badge("confirmed")  # raw HTML and raw Typst side by side: only the HTML goes
    fenced = "```bibtex\n@misc{x, title = {`<b>bold</b>`{=html}}}\n```"
    raw_block = "```{=html}\n<p>`<i>kept</i>`{=html}</p>\n```"
    text = f"| 판정 | {badge} |\n\n{fenced}\n\n{raw_block}\n\n끝 `<br>`{{=html}}"
    held: dict[str, str] = {}
    short = pl.detach_text(text, SALT, held)
    assert sorted(held.values()) == ["<br>", '<span class="verdict" style="color:#2E7D32">확인</span>']
    assert fenced in short and raw_block in short, "a code block's text is literal and a raw block is no span"
    assert '`#text(fill: rgb("#2E7D32"), weight: "bold")[확인]`{=typst}' in short
    assert short.startswith("| 판정 | `<!--boston-payload-") and short.endswith("-->`{=html}")
    assert pl.attach_text(short, held, "p")[0] == text


def test_what_is_not_a_raw_html_span_is_left_alone():
    data = "`<script>alert(1)</script>`{=html}"  # a data string as the report prints it: escaped
    held: dict[str, str] = {}
    for text in (str(escape(data)), "``<b>`{=html}``", "\\`<b>`{=html}", "`plain code`{=html}",
                 "`<b>\n</b>`{=html}", "`<b>`{=typst}"):
        assert pl.detach_text(text, SALT, held) == text, text
    assert held == {}


def test_a_raw_html_span_goes_back_only_as_the_whole_comment_it_was_taken_as():
    held: dict[str, str] = {}
    pl.detach_text("`<b>x</b>`{=html}", SALT, held)
    token = next(iter(held))
    assert pl.attach_text(f"<p><!--{token}--> and <!--{token}--></p>", held, "p")[0] == "<p><b>x</b> and <b>x</b></p>"
    with pytest.raises(pl.PayloadError, match=r"p: boston-payload-[0-9a-f]{32} is left in the page outside"):
        pl.attach_text(f'<p title="{token}"></p>', held, "p")
    with pytest.raises(pl.PayloadError, match="another execution"):
        pl.attach_text(f"<p><!--{pl.token_for('<b>x</b>', 'another execution')}--></p>", held, "p")


def test_a_token_depends_on_the_execution_inputs_so_data_cannot_spell_one_in_advance():
    assert pl.token_for("payload", SALT) != pl.token_for("payload", SALT + "x")
    assert pl.TOKEN.fullmatch(pl.token_for("payload", SALT))


def test_text_that_is_not_a_spec_the_chapters_wrote_is_left_alone():
    held: dict[str, str] = {}
    for text in ('bostonChart("#v", [1, 2], {})', 'bostonChart("#v", {"unclosed": ', 'href="data:text/csv;base64,QUJD"'):
        assert pl.detach_text(text, SALT, held) == text
    assert held == {}


def test_an_unknown_token_where_a_payload_belongs_stops_the_post_render():
    stale = 'bostonChart("#boston-vis-1", ' + pl.token_for("{}", "another execution") + ", {})"
    with pytest.raises(pl.PayloadError, match=r"page\.html: boston-payload-[0-9a-f]{32} .*another execution"):
        pl.attach_text(stale, {}, "page.html")


def test_an_own_token_outside_its_place_stops_the_post_render():
    held: dict[str, str] = {}
    short = pl.detach_text(chapter_output(), SALT, held)
    token = next(iter(held))
    with pytest.raises(pl.PayloadError, match=r"page\.html: .* outside a CSV link, chart call or raw-HTML span"):
        pl.attach_text(short + f"<p>{token}</p>", held, "page.html")


def test_a_token_like_string_that_is_not_ours_stays_text():
    page = "<p>boston-payload-" + "0" * 32 + "</p>"
    assert pl.attach_text(page, {pl.token_for("x", SALT): "x"}, "page.html")[0] == page


def executed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    text = chapter_output()
    printed = nbformat.v4.new_code_cell("print(...)")
    printed.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    shown = nbformat.v4.new_code_cell("chart")
    shown.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": [text[:40], text[40:]], "text/plain": text})]
    prose = nbformat.v4.new_markdown_cell("`{python} link`")
    prose.metadata["user_expressions"] = [{"expression": "link", "result": {"status": "ok", "data": {"text/markdown": text}}}]
    nb.cells = [printed, shown, prose]
    return nb


def test_every_output_quarto_renders_is_detached_and_the_fallback_text_is_not():
    nb = executed_notebook()
    held = pl.detach_notebook(nb, SALT)
    assert len(held) == 3, "the same payloads in three places are held once"
    printed, shown, prose = nb.cells
    assert isinstance(shown.outputs[0]["data"]["text/markdown"], list), "a field keeps its shape (lines)"
    for field in (printed.outputs[0]["text"], shown.outputs[0]["data"]["text/markdown"],
                  prose.metadata["user_expressions"][0]["result"]["data"]["text/markdown"]):
        text = "".join(field)
        assert TRICKY not in text and pl.attach_text(text, held, "p")[0] == chapter_output()
    assert shown.outputs[0]["data"]["text/plain"] == chapter_output(), "Quarto shows text/plain only without Markdown"


def test_the_post_render_puts_back_every_payload_a_page_must_show_and_refuses_a_page_missing_one(tmp_path):
    """A page gets back what its notebook held; a page from which Quarto dropped a payload's place
    (an HTML comment stripped) is refused, naming it; a payload of a cell only the PDF shows (a
    conditional div) is not expected in the HTML page."""
    from analysis.paths import ProjectPaths
    from analysis.render import postrender

    nb = executed_notebook()
    nb.cells[0].metadata[pl.META] = {"origin": "report/index.qmd:1"}
    pdf_only = nbformat.v4.new_code_cell("", metadata={pl.META: {"origin": "report/index.qmd:9", "formats": ["typst"]}},
                                         outputs=[nbformat.v4.new_output("stream", name="stdout", text="`<b>print</b>`{=html}\n")])
    nb.cells.append(pdf_only)
    from analysis.render.execute import shown_in_html
    held = pl.detach_notebook(nb, SALT, shown_in_html)
    assert "<b>print</b>" in pdf_only.outputs[0]["text"], "a print-only cell keeps its raw HTML: nothing held apart"
    nb.metadata[pl.META] = {pl.KEY: held}
    (tmp_path / "report").mkdir()
    nbformat.write(nb, str(tmp_path / "report" / "index.executed.ipynb"))
    out = tmp_path / "build" / "render"
    (out / "report").mkdir(parents=True)
    page = out / "report" / "index.html"
    page.write_text(f"<html><body>{nb.cells[0].outputs[0]['text']}</body></html>", encoding="utf-8")
    postrender.fill_pages([page], out, tmp_path)
    assert page.read_text(encoding="utf-8") == f"<html><body>{chapter_output()}</body></html>"
    stripped = re.sub(r"<!--boston-payload-[0-9a-f]{32}-->", "", nb.cells[0].outputs[0]["text"])
    page.write_text(f"<html><body>{stripped}</body></html>", encoding="utf-8")
    with pytest.raises(pl.PayloadError, match=r"report/index.html: \d+ of the \d+ .* were not put back"):
        postrender.fill_pages([page], out, tmp_path)
    assert ProjectPaths(tmp_path).relative(page) == "build/render/report/index.html"
