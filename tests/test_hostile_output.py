"""Hostile data strings against what a reader's browser makes of the report: a chart's spec inside
its <script>, and a word too long for a phone's line. Each page is opened in headless Chromium (the
check-output probe), as a reviewer would open it."""

from __future__ import annotations

import json
import re

from analysis.report import charts
from analysis.checks import output as co
from analysis.markup import script_json

from conftest import CHROMIUM, needs_chromium
from test_check_output import BAR, page

# A sidecar title that puts the HTML parser into a script's "escaped" state: from there the next
# "</script>" does not end the script, and the chart swallows the page up to some later one.
SCRIPT_STATE = "ADVS <!--<script> end"
SCRIPT_STRINGS = [SCRIPT_STATE, "</script><p id=injected>x</p>", "<!-- <script>", "</SCRIPT >", "a\u2028b\u2029c",
                  '"); alert(1); ("', "&lt;/script&gt; &amp;"]


def hostile_spec(text: str) -> dict:
    """A chart whose data, tooltip and title carry ``text``, as a source title reaches a chart."""
    return dict(BAR, title=text, data={"values": [{"a": 1, "출처": text}]},
                encoding={"x": {"field": "a", "type": "quantitative"}, "tooltip": [{"field": "출처", "type": "nominal"}]})


def test_script_json_leaves_no_markup_character_and_means_the_same_json():
    for text in SCRIPT_STRINGS:
        payload = script_json({"title": text})
        assert not re.search(r"[<>&\u2028\u2029]", payload), payload
        assert json.loads(payload) == {"title": text}


def test_a_chart_script_ends_where_its_author_ended_it():
    """Per the HTML spec a script's text may hold neither "<!--" followed by "<script" nor "</script":
    the first makes the parser skip the next "</script>", the second ends the script early."""
    for text in SCRIPT_STRINGS:
        html = charts.chart_html(hostile_spec(text), "c1")
        body = re.search(r"<script[^>]*>(.*)</script>\Z", html, re.S).group(1)
        assert not re.search(r"<!--|<script|</script", body, re.I), body


def test_a_hostile_title_in_a_chart_blanks_nothing_after_it(tmp_path):
    """The issue's reproduction: a chart holding the title, then a second chart and a paragraph. On
    main the first chart's script swallowed the rest of the page (1 of 2 charts, a SyntaxError)."""
    needs_chromium()
    first = charts.chart_html(hostile_spec(SCRIPT_STATE), "c1")
    second = charts.chart_html(hostile_spec("뒤의 차트"), "c2")
    path = page(tmp_path, f"{first}<p>가운데 문단</p><script>var x = 1;</script>{second}<p id='after'>끝</p>")
    f = co.check_html(path, charts=2, chromium=CHROMIUM)
    assert f.problems == [], f.problems
    seen = co.browse(path, CHROMIUM, 1280)
    assert seen["charts"] == 2 and seen["svgs"] == 2 and seen["errors"] == []


# --------------------------------------------------------------------------- a word longer than a phone's line

LONG_WORD = "Massachusetts" * 6  # 78 letters without a break: a title, a URL, an id pasted as one word


def test_a_word_longer_than_a_phone_s_line_does_not_widen_the_report(tmp_path):
    """On main a 42-character unbreakable word in a source title made the report 395 px wide in a
    390 px window. The report's and the site pages' stylesheet (report/provenance.css) lets any
    word from data break: the source list's paragraph, a table cell and a figure's tooltip."""
    from conftest import ROOT

    needs_chromium()
    css = (ROOT / "report" / "provenance.css").read_text(encoding="utf-8")
    body = (f"<main><p>[12] 생산자, <a href='https://example.org/{LONG_WORD}'>“{LONG_WORD}”</a>. 공표 2020.</p>"
            f"<table><tr><td>K1</td><td>{LONG_WORD}</td></tr></table>"
            f"<p><a class='prov' href='#x'>1,234<span class='prov-tip'>{LONG_WORD}</span></a></p></main>")
    seen = co.browse(page(tmp_path, body, head=f"<style>{css}</style>"), CHROMIUM, 390)
    assert seen["page"] <= seen["viewport"], seen


def test_a_word_longer_than_a_phone_s_line_does_not_widen_the_site_s_own_pages(tmp_path):
    """The pages the site step writes itself (editions index, change pages) have their own style."""
    from analysis.review import html as h

    needs_chromium()
    path = tmp_path / "index.html"
    path.write_text(h.page("판 목록", h.element("nav", "…"), [h.element("h1", "판 " + LONG_WORD), h.element("p", LONG_WORD)]),
                    encoding="utf-8")
    seen = co.browse(path, CHROMIUM, 390)
    assert seen["page"] <= seen["viewport"], seen
