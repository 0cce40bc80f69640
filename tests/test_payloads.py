"""The chart specs and CSV files the pre-render holds apart from what Quarto renders, and the
post-render puts back: exactly what was taken, only where it was taken from."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest

from analysis.report import charts, payloads as pl
from analysis.report.provenance import csv_link

SALT = json.dumps({"clean data": "abc"})
# Data strings that try to move a cut or pass for markup: a spec terminator, a script end, a token.
TRICKY = 'x", {"actions": false, "renderer": "svg"}) </script> boston-payload-' + "0" * 32


def spec() -> dict:
    return {"data": {"values": [{"label": TRICKY, "value": 1}]}, "mark": "bar", "title": "제목 " + TRICKY}


def chapter_output() -> str:
    """What a chapter prints: a chart, then its source line with the CSV link, as the helpers write them."""
    link = csv_link(pd.DataFrame({"label": [TRICKY], "value": [1.5]}), "fig one")
    return f"```{{=html}}\n{charts.chart_html(spec(), 'boston-vis-7')}\n```\n\n출처: … {link}\n"


def test_both_payloads_are_replaced_by_tokens_and_put_back_exactly():
    text = chapter_output()
    held: dict[str, str] = {}
    short = pl.detach_text(text, SALT, held)
    assert len(held) == 2 and "base64,boston-payload-" in short and 'bostonChart("#boston-vis-7", boston-payload-' in short
    assert TRICKY not in short and "IGJvc3Rvbi" not in short, "neither the spec nor the CSV is left"
    assert set(held.values()) == {json.dumps(spec(), ensure_ascii=False, sort_keys=True).replace("</", "<\\/"),
                                  text.split("base64,")[1].split('"')[0]}
    assert pl.attach_text(short, held, "page.html") == text


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
    with pytest.raises(pl.PayloadError, match=r"page\.html: .* outside a CSV link or chart call"):
        pl.attach_text(short + f"<p>{token}</p>", held, "page.html")


def test_a_token_like_string_that_is_not_ours_stays_text():
    page = "<p>boston-payload-" + "0" * 32 + "</p>"
    assert pl.attach_text(page, {pl.token_for("x", SALT): "x"}, "page.html") == page


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
    assert len(held) == 2, "the same payload in three places is held once"
    printed, shown, prose = nb.cells
    for text in (printed.outputs[0]["text"], shown.outputs[0]["data"]["text/markdown"],
                 prose.metadata["user_expressions"][0]["result"]["data"]["text/markdown"]):
        assert TRICKY not in text and pl.attach_text(text, held, "p") == chapter_output()
    assert shown.outputs[0]["data"]["text/plain"] == chapter_output(), "Quarto shows text/plain only without Markdown"


def test_the_post_render_puts_back_what_the_notebooks_hold_into_the_pages_that_need_it(tmp_path):
    nb = executed_notebook()
    nb.metadata[pl.META] = {pl.KEY: pl.detach_notebook(nb, SALT)}
    notebook = tmp_path / "index.executed.ipynb"
    nbformat.write(nb, str(notebook))
    page, other, pdf = tmp_path / "index.html", tmp_path / "en.html", tmp_path / "index.pdf"
    page.write_text(f"<html><body>{nb.cells[0].outputs[0]['text']}</body></html>", encoding="utf-8")
    other.write_text("<html><body>no charts</body></html>", encoding="utf-8")
    pdf.write_bytes(b"%PDF boston-payload-")
    held = pl.payloads_of([notebook, tmp_path / "missing.executed.ipynb"])
    assert pl.rewrite_pages([page, other, pdf, tmp_path / "gone.html"], [pl.payload_filler(held)]) == [page]
    assert page.read_text(encoding="utf-8") == f"<html><body>{chapter_output()}</body></html>"
    assert pl.rewrite_pages([page], [pl.payload_filler(held)]) == [], "a whole page is left as it is"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en.html", "index.executed.ipynb", "index.html", "index.pdf"]
