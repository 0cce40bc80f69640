"""The chapters' chart data and chart builders, on the committed clean data: bases stay apart,
gaps stay gaps, every mark links to its source, and computed figures equal the arithmetic done here."""

from __future__ import annotations

import pytest

from analysis.report import charts, density, hospitals, investment, provenance, response
from analysis.report.data import load_all

from conftest import nodes_where


@pytest.fixture(scope="module")
def t():
    tables = load_all()
    provenance.setup(tables["sources"])
    return tables


def spec_rows(chart) -> list[dict]:
    spec = chart.to_dict()
    return [r for rows in spec.get("datasets", {}).values() for r in rows]


def encodings(chart) -> list[dict]:
    return [node["encoding"] for node in nodes_where(chart.to_dict(), lambda n: "encoding" in n)]


def test_venture_frame_keeps_each_basis_on_its_own_line(t):
    frame = investment.venture_frame(t["venture_investment"])
    assert set(frame["label"]) == set(investment.VENTURE_LABELS.values())
    for label, rows in frame.dropna(subset=["value"]).groupby("label"):
        assert rows["series_id"].nunique() == 1, label
    v = t["venture_investment"]
    row = v[(v["series_id"] == investment.MA_SERIES) & (v["year"] == 2018) & v["preferred"] & (v["period"] == "FY")].iloc[0]
    drawn = frame[(frame["label"] == investment.VENTURE_LABELS[investment.MA_SERIES]) & (frame["year"] == 2018)]["value"].iloc[0]
    assert drawn == pytest.approx(row["amount_usd"] / 1e9)


def test_a_line_chart_breaks_at_gaps_and_links_every_point(t):
    frame = density.ma_jobs_series(t["indicators"])
    chart = charts.lines(frame, y_title="명", title="x", subtitle="y", colors={"바이오제약 전체": "#000", "바이오 R&D": "#999"})
    rows = spec_rows(chart)
    assert any(r["value"] is None for r in rows), "years without a figure are rows without a value"
    years_with_value = {r["year"] for r in rows if r["label"] == "바이오제약 전체" and r["value"] is not None}
    clean = t["indicators"]
    expected = set(clean[(clean["series_id"] == density.MA_JOBS) & clean["preferred"] & (clean["period"] == "FY")]["year"])
    assert years_with_value == expected
    assert any("href" in e for e in encodings(chart))
    assert all(r["href"].startswith("#src-") for r in rows if r["value"] is not None)


def test_outcome_panels_are_bars_with_a_slot_for_every_year(t):
    chart = charts.small_multiples(hospitals.rh_outcomes_frame(t["indicators"]), title="x", subtitle="y", color="#000",
                                   metric_titles={v[0]: v[0] for v in hospitals.RH_CHART.values()})
    spec = chart.to_dict()
    panels = spec["hconcat"]
    assert all(p["mark"]["type"] == "bar" for p in panels)
    domain = panels[0]["encoding"]["x"]["scale"]["domain"]
    assert domain == list(range(min(domain), max(domain) + 1))


def test_dot_plot_panels_share_their_rows(t):
    chart = charts.dot_rows(density.cluster_dots(t["indicators"]), title="x", subtitle="y", colors=density.DOT_CATEGORIES,
                            metric_titles={k: k for k in density.DOT_METRICS})
    domains = [p["encoding"]["y"]["scale"]["domain"] for p in chart.to_dict()["hconcat"]]
    assert all(d == domains[0] for d in domains) and len(domains[0]) >= 8


def test_capital_share_is_counted_from_the_lists(t):
    rh = t["research_hospitals"]
    frame = hospitals.capital_share_frame(rh)
    for rnd, year in hospitals.ROUND_YEAR.items():
        rows = rh[rh["round"] == rnd]
        assert frame.set_index("year").loc[year, "value"] == pytest.approx(100 * rows["capital_region"].sum() / len(rows))


def test_ma_per_deal_is_value_over_deals(t):
    ind = t["indicators"]
    year = investment.ma_year(ind)
    frame = investment.ma_frame(ind, year)
    # One row per bar: two rows under one bar are stacked by Vega-Lite, drawing it at twice its value.
    assert frame.groupby(["metric", "label"]).size().eq(1).all(), frame[["metric", "label", "value"]]
    pref = ind[ind["preferred"] & (ind["year"] == year)]
    for country in ("미국", "한국"):
        value = pref[(pref["series_id"] == "pharma_bio_ma_value_kpmg") & (pref["entity"] == country)]["value"].iloc[0]
        deals = pref[(pref["series_id"] == "pharma_bio_ma_deals_kpmg") & (pref["entity"] == country)]["value"].iloc[0]
        per_deal = frame[(frame["metric"] == "건당 규모") & (frame["label"] == country)]["value"].iloc[0]
        assert per_deal == pytest.approx(value / deals / 1e6)


def test_timeline_marks_targets_as_plans(t):
    frame = response.timeline_frame(t["events"])
    plans = frame[frame["kind"] == "계획·목표"]["event"]
    assert len(plans) and all(("목표" in e) or ("계획" in e) for e in plans)
    assert frame["date_start"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    spec = charts.timeline(frame, title="x", subtitle="y", categories=list(response.CATEGORY_LABELS.values())).to_dict()
    assert "href" in spec["encoding"]


def test_bio_share_frame_shows_the_printed_shares(t):
    frame = investment.bio_share_frame(t["venture_investment"]).dropna(subset=["value"])
    v = t["venture_investment"]
    printed = v[(v["series_id"] == investment.KR_KVCA_SERIES) & v["share_pct"].notna()].groupby("year")["share_pct"].first()
    drawn = frame[frame["label"] == investment.SHARE_LABELS[investment.KR_KVCA_SERIES]].set_index("year")["value"]
    assert drawn.to_dict() == pytest.approx(printed.to_dict())


def test_png_export_is_cached_by_spec(tmp_path, monkeypatch):
    """The PDF's PNGs come from build/chart-cache/ when the spec is unchanged, and a changed spec
    (one value of its data) is exported afresh, never served the old picture."""
    monkeypatch.setenv("BOSTON_REPORT_ROOT", str(tmp_path))
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "mark": "bar",
            "data": {"values": [{"x": "a", "y": 1}, {"x": "b", "y": 2}]},
            "encoding": {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "quantitative"}}}
    first = charts.chart_png(spec)
    assert first.startswith(b"\x89PNG")
    cached = list((tmp_path / "build" / "chart-cache").glob("*.png"))
    assert len(cached) == 1 and cached[0].read_bytes() == first
    cached[0].write_bytes(b"\x89PNG marker")  # a second call must read the cache, not export again
    assert charts.chart_png(spec) == b"\x89PNG marker"
    changed = {**spec, "data": {"values": [{"x": "a", "y": 1}, {"x": "b", "y": 3}]}}
    assert charts.chart_png(changed).startswith(b"\x89PNG") and charts.chart_png(changed) != b"\x89PNG marker"
    assert len(list((tmp_path / "build" / "chart-cache").glob("*.png"))) == 2


def test_every_pledge_status_has_a_colour_a_name_and_a_rule():
    from analysis.build.cleaning.pledges import STATUSES

    assert list(response.STATUS_COLORS) == list(response.STATUS_COLOR_NAMES) == list(response.STATUS_RULES)
    assert set(response.STATUS_COLORS) == set(STATUSES.values())


def test_pledge_timeline_spans_end_at_the_moved_deadline_or_the_report_date(t):
    spans, marks = response.pledge_frames(t["pledges"], t["pledge_status"])
    by_id = spans.set_index("pledge_id")
    p = t["pledges"].set_index("pledge_id")
    for pid, row in by_id.iterrows():
        if isinstance(p.loc[pid, "effective_deadline"], str):
            assert not row["open_end"] and row["end"][:4] == p.loc[pid, "effective_deadline"][:4]
        else:
            assert row["open_end"] and row["end"] == p.loc[pid, "status_as_of"]
    # every observation is a mark, with its own source row
    obs_marks = marks[marks["what"].isin(response.OBSERVATION_LABELS.values())]
    assert sorted(obs_marks["source_row"]) == sorted(t["pledge_status"]["source_row"])
    chart = charts.pledge_timeline(spans, marks, title="x", subtitle="y", colors=response.STATUS_COLORS, as_of="2026-12-03")
    assert all(e.get("href") for e in encodings(chart) if "x" in e and "y" in e)


def test_status_counts_add_up_and_cite_the_pledges_counted(t):
    """Pledges only: the state visit's announcements (kind announcement) are counted apart."""
    counts = response.status_counts(t["pledges"])
    total = sum(int(str(c.plain).rstrip("건")) for c in counts.values() if c is not None)
    promises, announced = response.promises(t["pledges"]), response.announcements(t["pledges"])
    assert total == len(promises) and len(promises) + len(announced) == len(t["pledges"])
    assert set(announced["pledge_id"]) == {"VISIT-INVEST", "VISIT-BIO-MOU", "VISIT-STARTUP"}
    for label, c in counts.items():
        if c is not None:
            assert set(c.sources) == set(promises[promises["status_label"] == label]["source_id"])


def test_half_year_and_full_year_stay_apart(t):
    frame = investment.period_frame(t["venture_investment"])
    assert set(frame["period"]) == {"FY", "H1"}
    for (label, period), rows in frame.groupby(["label", "period"]):
        assert rows["year"].is_unique, (label, period)
    year = investment.latest_common_year(t["venture_investment"], period="H1")
    for series in (investment.MA_SERIES, investment.KR_SERIES):
        assert investment.at(t["venture_investment"], series, year, "H1")["period"] == "H1"
    chart = charts.period_panels(frame, y_title="x", title="t", subtitle="s", colors=investment.PERIOD_COLORS,
                                 panel_titles=investment.PERIOD_TITLES)
    panels = chart.to_dict()["hconcat"]
    assert len(panels) == 2


@pytest.mark.slow
def test_the_vega_bundle_is_made_again_only_when_vl_convert_or_chart_fit_changes(tmp_path, monkeypatch):
    from analysis.render import vegabundle as ch

    bundle, include = tmp_path / "_vega-bundle.html", tmp_path / "_vega-placeholder.html"
    bundle.write_text("<script>an old bundle</script>\n", encoding="utf-8")  # no key: made by an older pre-render
    assert ch.write_vega_bundle(bundle, include) is True
    first, placeholder = bundle.read_bytes(), include.read_text(encoding="utf-8")
    assert b"window.vegaEmbed" in first and b"bostonChart" in first
    assert ch.PLACE.fullmatch(placeholder.strip()) and "vegaEmbed" not in placeholder, "the placeholder holds no script"
    assert ch.write_vega_bundle(bundle, include) is False and bundle.read_bytes() == first
    edited = tmp_path / "chart-fit.js"
    edited.write_text(ch.FIT_SCRIPT.read_text(encoding="utf-8") + "\n// an edit\n", encoding="utf-8")
    monkeypatch.setattr(ch, "FIT_SCRIPT", edited)
    assert ch.write_vega_bundle(bundle, include) is True
    assert "// an edit" in bundle.read_text(encoding="utf-8")
    assert include.read_text(encoding="utf-8") != placeholder, "the placeholder names the new bundle"
    page = f"<html><head>{include.read_text(encoding='utf-8')}</head><body></body></html>"
    filled = ch.bundle_filler(bundle)(page, "index.html")
    assert "// an edit" in filled and not ch.PLACE.search(filled)
