"""No sentence stronger than its evidence: a figure whose row marks it unconfirmed (no quote: the
figure was not seen in the source's text) is refused where it would be stated as fact — a cited
figure (prose, summary, table cell) or a chart title — unless it says '원문 미확인'. Seeded failures
on the real data: the "50 Korean researchers a year" event, Osong's site area, NVCA's 2013 figure."""

import pandas as pd
import pytest

from analysis.report import charts, density, evidence, response
from analysis.report import provenance as prov
from analysis.report.data import load_all
from analysis.report.evidence import MARK, UnconfirmedStatement


@pytest.fixture(scope="module")
def tables():
    return load_all()


@pytest.fixture(autouse=True)
def registered(tables):
    prov.setup(tables["sources"])
    evidence.setup(tables)
    yield
    evidence._state["unconfirmed"] = None


def test_the_audit_every_unconfirmed_row_in_the_clean_data(tables):
    """What the rule guards today (the audit): every clean row without a quote, by source and line."""
    found = evidence.unconfirmed_rows(tables)
    assert {(sid, info["printed"]) for (sid, _), info in found.items()} == {
        ("techfocus-2023-korea-bio-clusters", "50명"), ("techfocus-2023-korea-bio-clusters", "10명"),
        ("jbnews-2017-osong", "462.8만㎡"), ("jbnews-2017-osong", "160여 개"), ("sparefoot-2014-boston-life-science", "$933.5M")}


def test_the_50_researchers_a_year_cannot_be_stated_as_fact(tables):
    """Seeded failure: the sentence the response chapter used to have."""
    with pytest.raises(UnconfirmedStatement, match=r"'50명†' rests on row\(s\) marked unconfirmed .*techfocus-2023-korea-bio-clusters:2"):
        response.figure(tables["events"], "한국 연구자 보스턴 파견")


def test_an_unconfirmed_figure_may_be_shown_as_what_it_is(tables):
    row = response.event(tables["events"], "한국 연구자 보스턴 파견")
    shown = evidence.hedge("50명", row)
    assert shown == f"50명 ({MARK})"
    assert MARK in prov.cite(shown, row).plain
    assert evidence.hedge("59억 달러", response.event(tables["events"], "투자 유치 (전 분야)")) == "59억 달러"  # quoted row: unchanged


def test_a_figure_computed_directly_from_an_unconfirmed_row_is_refused_but_a_count_of_many_rows_is_not(tables):
    ind = tables["indicators"]
    osong = ind[(ind["source_id"] == "jbnews-2017-osong") & (ind["series_id"] == "kr_cluster_area")].iloc[0]
    other = ind[(ind["series_id"] == "kr_cluster_area") & (ind["source_id"] != "jbnews-2017-osong")].iloc[0]
    with pytest.raises(UnconfirmedStatement):
        prov.cite("2.3배", [osong, other], how="면적의 비율", kind="ratio")
    clusters = ind[ind["series_id"].isin(["kr_cluster_area", "kr_cluster_firms"])]
    assert len(clusters) > evidence.DIRECT_ROWS
    prov.cite(f"{clusters['entity'].nunique()}곳", clusters, how="자료가 있는 클러스터 수", kind="count")  # a count: states no row's value
    with pytest.raises(UnconfirmedStatement, match="462.8"):
        prov.cite("462.8만㎡", clusters)  # but repeating the unconfirmed number over many rows is refused


def test_the_cluster_table_marks_the_unconfirmed_cell(tables):
    cells = {r["cluster"]: r for r in density.korean_cluster_rows(tables["indicators"])}
    assert MARK in str(cells["오송생명과학단지"]["kr_cluster_area"])
    assert MARK not in str(cells["오송생명과학단지"]["kr_cluster_firms"])  # its 2023 count is quoted


def test_a_chart_title_repeating_an_unconfirmed_figure_is_refused(tables):
    events = tables["events"]
    frame = response.timeline_frame(events)
    with pytest.raises(UnconfirmedStatement, match=r"chart title .* states '50명'"):
        charts.timeline(frame, categories=list(response.CATEGORY_LABELS.values()), title="보스턴에 해마다 한국 연구자 50명", subtitle="s")
    charts.timeline(frame, categories=list(response.CATEGORY_LABELS.values()), title=f"보스턴에 해마다 한국 연구자 50명 ({MARK})", subtitle="s")
    charts.timeline(frame, categories=list(response.CATEGORY_LABELS.values()), title="2013–2025년: 규제와 대응", subtitle="s")


def test_without_setup_the_registry_is_read_from_the_clean_data():
    evidence._state["unconfirmed"] = None
    assert ("techfocus-2023-korea-bio-clusters", 2) in evidence.registry()


def test_rows_without_their_identity_are_not_guessed():
    assert evidence.unconfirmed_in(pd.DataFrame({"value": [50]})) == []
    assert evidence.unconfirmed_in(None) == []


def test_the_events_table_and_the_timeline_do_not_call_an_unconfirmed_figure_a_fact(tables):
    events = tables["events"]
    table = str(response.events_table(events))
    assert f"50명† ({MARK})" in table  # the figure
    assert f"| {MARK} |" in table  # and its 성격 column: not '사실'
    frame = response.timeline_frame(events)
    row = frame[frame["event"].str.contains("한국 연구자 보스턴 파견")].iloc[0]
    assert row["figure_as_published"] == f"50명 ({MARK})"
