"""What the charts look like to a reader, checked on their specs and on the SVG Vega draws: marks
whole inside their plot, marks that do not hide one another, legends that show each symbol, axis
labels that do not run together, and panels that stack on a phone with a subtitle that says so."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import vl_convert as vlc

from analysis.report import charts, data, density, hospitals, response
from analysis.checks import output as co
from analysis.report import provenance as prov
from analysis.render.vegabundle import vega_bundle_script
from conftest import CHROMIUM, needs_chromium


@pytest.fixture(scope="module")
def t():
    charts.register_theme()
    charts.register_fonts()
    tables = data.load_all()
    prov.setup(tables["sources"])
    return tables


def days(a, b) -> float:
    return (pd.Timestamp(b) - pd.Timestamp(a)) / pd.Timedelta(days=1)


def px_from_edges(date, domain, width=charts.NARROWEST_PLOT_PX) -> float:
    """How far a dated mark sits from the nearer edge of a plot ``width`` px wide."""
    span = days(domain[0], domain[1])
    x = days(domain[0], date) / span * width
    return min(x, width - x)


def test_lanes_keep_marks_of_one_row_apart():
    dates = pd.to_datetime(pd.Series(["2023-04-29", "2023-04-29", "2023-05-04", "2023-07-01", "2024-07-01", "2013-12-13"]))
    lanes = charts.lanes(dates, 90)
    assert lanes.tolist() == [0, 1, 2, 3, 0, 0]
    for lane in set(lanes):
        d = dates[lanes == lane].sort_values()
        assert (d.diff().dropna() >= pd.Timedelta(days=90)).all()


def timeline_spec(t):
    frame = response.timeline_frame(t["events"])
    return frame, charts.timeline(frame, title="x", subtitle="y", categories=list(response.CATEGORY_LABELS.values())).to_dict()


def test_timeline_marks_are_whole_apart_and_the_first_year_is_on_the_axis(t):
    """Figure 14 once cut its 2013-12-13 point in half at an axis starting in 2014, and hid hollow
    target diamonds under circles drawn on top of them around 2023."""
    frame, spec = timeline_spec(t)
    domain = spec["encoding"]["x"]["scale"]["domain"]
    assert domain[0] <= f"{frame['date_start'].min()[:4]}-01-01"
    rows = pd.DataFrame(spec["datasets"][spec["data"]["name"]])
    for _, r in rows.iterrows():
        assert px_from_edges(r["date"], domain) >= charts.MARK_PX / 2, r["date"]
    for _, same_row in rows.groupby("row"):
        x = sorted(days(domain[0], d) / days(*domain) * charts.NARROWEST_PLOT_PX for d in same_row["date"])
        assert all(b - a >= charts.MARK_PX - 1 for a, b in zip(x, x[1:])), same_row[["date", "event"]]


def legend_symbols(spec: dict) -> list[dict]:
    """Each legend symbol Vega draws, with its fill and stroke as the SVG has them."""
    svg = vlc.vegalite_to_svg(spec)
    groups = re.findall(r'<g class="mark-symbol role-legend-symbol[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    return [dict(re.findall(r'(fill|stroke|fill-opacity|stroke-opacity)="([^"]*)"', path))
            for group in groups for path in re.findall(r"<path[^>]*>", group)]


def visible(symbol: dict) -> bool:
    fill = symbol.get("fill", "none") not in ("none", "transparent", "#FFFFFF", "#ffffff", "white") and symbol.get("fill-opacity") != "0"
    stroke = symbol.get("stroke", "none") not in ("none", "transparent") and symbol.get("stroke-opacity") != "0"
    return fill or stroke


def test_every_timeline_legend_entry_is_drawn_with_its_symbol(t):
    """Figure 14's legend once showed the words 사실 and 계획·목표 with no symbols."""
    _, spec = timeline_spec(t)
    symbols = legend_symbols(spec)
    assert len(symbols) == 2 and all(visible(s) for s in symbols), symbols
    fact, plan = symbols
    assert fact["fill"] != "#FFFFFF" and plan["fill"] == "#FFFFFF" and plan["stroke"] not in ("transparent", "none")


def test_pledge_names_are_written_whole_above_their_bars_and_no_mark_touches_the_edge(t):
    """Figure 15 cut its pledge names to about eight characters on a phone, and drew the first
    promise and the last moved deadline at the very edges of the plot."""
    spans, marks = response.pledge_frames(t["pledges"], t["pledge_status"])
    spec = charts.pledge_timeline(spans, marks, title="x", subtitle="y", colors=response.STATUS_COLORS, as_of="2026-12-03").to_dict()
    layers = spec["layer"]
    assert all(layer["encoding"]["y"].get("axis", "absent") is None for layer in layers if "y" in layer["encoding"])
    names = [layer for layer in layers if layer["mark"]["type"] == "text"]
    # The status is written before the name (colour is never its only cue), cut at the plot's width.
    assert len(names) == 1 and names[0]["encoding"]["text"]["field"] == "name"
    assert "labelLimit" not in json.dumps(names[0]) and names[0]["mark"]["limit"] == {"expr": "width"}
    rows = [r for rows in spec["datasets"].values() for r in rows if "name" in r]
    assert rows and all(r["name"] == f"{r['status_label']}: {r['label']}" for r in rows)
    domain = layers[0]["encoding"]["x"]["scale"]["domain"]
    for date in [*spans["start"], *spans["end"], *marks["date"]]:
        assert px_from_edges(date, domain) >= charts.MARK_PX / 2, date


def test_log_axes_are_labelled_at_powers_of_ten_with_room_at_both_ends(t):
    """Figure 3's log axes once read '10 20 40 100 200 400 1k' in a 130 px panel."""
    dots = density.cluster_dots(t["indicators"])
    spec = charts.dot_rows(dots, colors=density.DOT_CATEGORIES, metric_titles={k: k for k in density.DOT_METRICS},
                           title="x", subtitle="y").to_dict()
    for panel, (metric, _) in zip(spec["hconcat"], density.DOT_METRICS.items()):
        x = panel["encoding"]["x"]
        values, domain = x["axis"]["values"], x["scale"]["domain"]
        assert all(v == 10 ** round(__import__("math").log10(v)) for v in values) and len(values) <= 5
        part = dots[(dots["metric"] == metric) & dots["value"].notna()]["value"]
        assert domain[0] < part.min() and part.max() < domain[1]
    assert charts.log_decades(pd.Series([60, 1000])) == [10.0, 100.0, 1000.0, 10000.0]


def test_year_labels_of_narrow_panels_are_the_years_drawn_and_never_run_together(t):
    """Figure 12's year labels once ran together ('20132014…')."""
    outcomes = hospitals.rh_outcomes_frame(t["indicators"])
    spec = charts.small_multiples(outcomes, color="#000", metric_titles={v[0]: v[0] for v in hospitals.RH_CHART.values()},
                                  title="x", subtitle="y").to_dict()
    for panel in spec["hconcat"]:
        axis = panel["encoding"]["x"]["axis"]
        drawn = sorted({r["year"] for r in spec["datasets"][panel["data"]["name"]] if r.get("value") is not None})
        assert axis["values"] == drawn and axis["labelOverlap"] == "parity" and axis["labelSeparation"] > 0


def test_side_by_side_panels_carry_their_subtitle_for_a_stacked_layout():
    assert charts.stacked_wording("왼쪽부터 밀집·투자·병원협력") == "위부터 밀집·투자·병원협력"
    assert charts.stacked_wording("왼쪽은 연간, 오른쪽은 상반기") == "위는 연간, 아래는 상반기"
    assert charts.stacked_wording("왼쪽: 합계. 오른쪽: 건당") == "위: 합계. 아래: 건당"
    bar = charts.alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q")
    spec = charts.side_by_side(bar, bar, title="t", subtitle="왼쪽: 합계. 오른쪽: 건당").to_dict()
    assert spec["title"]["subtitle"] == ["왼쪽: 합계. 오른쪽: 건당"]
    assert spec["usermeta"]["boston"]["stackedSubtitle"] == ["위: 합계. 아래: 건당"]


# On a phone: the panels are stacked, as wide as the column, with one left edge, and the subtitle
# that the chart carries for that layout is the one drawn.
STACK_PROBE = """<script>
window.addEventListener("load", () => {
  const report = () => {
    const el = document.querySelector("#c1");
    if (el.getAttribute("data-boston-fit") !== "done") return setTimeout(report, 200);
    const plots = Array.from(el.querySelectorAll("svg g[class*='concat_'][class$='_group'] > g > path.background"))
      .map(p => { const r = p.getBoundingClientRect(); return {left: Math.round(r.left), top: Math.round(r.top), width: Math.round(r.width)}; });
    const text = Array.from(el.querySelectorAll("svg text")).map(t => t.textContent).join(" | ");
    const seen = JSON.stringify({plots: plots, text: text, column: el.clientWidth});
    document.documentElement.setAttribute("data-boston-check", seen);
    if (window.parent !== window) window.parent.postMessage(seen, "*");
  };
  setTimeout(report, 300);
});
</script>"""


def test_stacked_panels_on_a_phone_fill_the_column_share_a_left_edge_and_say_위부터(t, tmp_path):
    """At 390 px the summary's three panels were once about 120 px wide, each at another offset,
    under a subtitle that still said 왼쪽부터."""
    needs_chromium()
    lines = lambda y_title, rows: charts.alt.Chart(pd.DataFrame(rows)).mark_line().encode(  # noqa: E731
        x="year:Q", y=charts.alt.Y("v:Q", title=y_title)).properties(width=190, height=120)
    spec = charts.summary_panels([lines("일자리 (명)", {"year": [2006, 2024], "v": [46000, 120000]}),
                                  lines("US$ 10억", {"year": [2018, 2025], "v": [1, 14]}),
                                  lines("비중 (%)", {"year": [2013, 2025], "v": [90, 76]})],
                                 title="세 요인 모두에서 격차", subtitle="왼쪽부터 밀집·투자·병원협력. 각 장의 그래프를 줄인 것").to_dict()
    page = tmp_path / "index.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'>{vega_bundle_script()}</head><body>"
                    f"{charts.chart_html(spec, 'c1')}</body></html>", encoding="utf-8")
    seen = co.browse(page, CHROMIUM, 390, probe_html=co.probe(co.OFFLINE_POLICY, STACK_PROBE))
    plots = seen["plots"]
    assert len(plots) == 3 and len({p["left"] for p in plots}) == 1, plots
    assert plots[0]["top"] < plots[1]["top"] < plots[2]["top"], "stacked"
    assert all(p["width"] >= seen["column"] - 100 for p in plots), (plots, seen["column"])
    assert "위부터 밀집·투자·병원협력" in seen["text"] and "왼쪽" not in seen["text"], seen["text"]
