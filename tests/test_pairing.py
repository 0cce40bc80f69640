"""Like is compared with like: every cited figure carries its metadata (provenance.cite), a ratio,
share or per-unit figure of different periods is refused where it is computed, and the check on
the rendered HTML (analysis.checks.pairing, run by check-output) fails a sentence, table row or
chart title that compares figures of different periods or definitions without naming them.
The seeded pages are hand-made; the real report's prose is checked in test_report."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from analysis.checks import output as co
from analysis.report import investment
from analysis.checks import pairing
from analysis.report import provenance as prov
from analysis.report.data import load_all

from rendered_text import html_of, inline_html_of


@pytest.fixture(scope="module")
def tables():
    t = load_all()
    prov.setup(t["sources"])
    return t


def listings(tables, series: str, entity: str, year: int) -> pd.Series:
    ind = tables["indicators"]
    return ind[(ind["series_id"] == series) & (ind["entity"] == entity) & (ind["year"] == year) & ind["preferred"]
               & (ind["period"] == "FY")].iloc[0]


def figure_of(cited: prov.Cited) -> dict:
    """The metadata as the page carries it: the data-figure attribute of the figure's link."""
    attribute = re.search(r"data-figure='([^']*)'", str(cited)).group(1)
    return json.loads(html.unescape(attribute))


def page_of(*paragraphs: str) -> str:
    """A page of paragraphs (each as Pandoc writes it: already a <p> element)."""
    return "<html><head></head><body>" + "".join(p if p.lstrip().startswith("<p>") else f"<p>{p}</p>" for p in paragraphs) + "</body></html>"


# --------------------------------------------------------------------------- the metadata


def test_every_cited_figure_carries_its_rows_metadata_in_the_page(tables):
    row = listings(tables, "kr_tech_special_listings_krx", "전체", 2023)
    figure = figure_of(prov.cite("35곳", row))
    assert figure["kind"] == "value"
    assert figure["of"] == [{"series": "kr_tech_special_listings_krx", "entity": "전체", "period": "FY", "year": 2023, "unit": "count",
                             "basis": row["basis"], "source": row["source_id"], "row": int(row["source_row"])}]


def test_a_computed_figure_carries_each_operands_metadata(tables):
    venture = tables["venture_investment"]
    year = investment.latest_common_year(venture)
    ma, kr = investment.at(venture, investment.MA_SERIES, year), investment.at(venture, investment.KR_SERIES, year)
    figure = figure_of(investment.ratio(ma, kr))
    assert figure["kind"] == "ratio" and figure["how"]
    assert [(o["kind"], o["of"][0]["series"], o["of"][0]["year"], o["of"][0]["unit"]) for o in figure["of"]] == [
        ("value", investment.MA_SERIES, year, "USD"), ("value", investment.KR_SERIES, year, "KRW")]
    # A ratio of two per-deal figures: operands that are themselves computed, each with its rows.
    per = figure_of(investment.ma_ratios(tables["indicators"], investment.ma_year(tables["indicators"]))["per_deal"])
    assert [o["kind"] for o in per["of"]] == ["per", "per"]
    assert {r["series"] for o in per["of"] for r in pairing.leaves(o)} == {"pharma_bio_ma_value_kpmg", "pharma_bio_ma_deals_kpmg"}


def test_a_figure_from_several_different_rows_must_say_how_it_was_computed(tables):
    a = listings(tables, "kr_tech_special_listings_krx", "전체", 2023)
    b = listings(tables, "kr_tech_special_listings_krx", "바이오", 2023)
    with pytest.raises(ValueError, match="say which kind"):
        prov.cite("26%", [b, a], how="바이오 ÷ 전체")
    assert figure_of(prov.cite("26%", [b, a], how="바이오 ÷ 전체", kind="share"))["kind"] == "share"


# --------------------------------------------------------------------------- the guard where figures are computed


def test_a_ratio_of_different_years_is_refused_by_the_helper_that_computes_it(tables):
    venture = tables["venture_investment"]
    ma = investment.at(venture, investment.MA_SERIES, 2023)
    kr = investment.at(venture, investment.KR_SERIES, 2022)
    with pytest.raises(prov.MixedPeriods, match=r"different periods \(2022 FY, 2023 FY\).*ma_hq_biopharma_vc_massbio.*kr_bio_medical_vc_mss"):
        investment.ratio(ma, kr)


def test_a_full_year_against_a_half_is_refused(tables):
    venture = tables["venture_investment"]
    year = investment.latest_common_year(venture, period="H1")
    with pytest.raises(prov.MixedPeriods, match="FY.*H1|H1.*FY"):
        investment.ratio(investment.at(venture, investment.MA_SERIES, year, "H1"), investment.at(venture, investment.KR_SERIES, 2023))


def test_share_per_deal_and_sum_share_the_one_guard(tables):
    total = listings(tables, "kr_tech_special_listings_krx", "전체", 2023)
    bio_2024 = listings(tables, "kr_bio_sector_tech_special_listings_krx", "바이오업종", 2024)
    for kind in ("share", "sum"):
        with pytest.raises(prov.MixedPeriods, match="2023 FY, 2024 FY"):
            prov.cite("54%", [bio_2024, total], how="seeded", kind=kind)
    ind = tables["indicators"]
    value = ind[(ind["series_id"] == investment.MA_VALUE) & (ind["entity"] == "한국") & (ind["year"] == 2018)].iloc[0]
    deals = ind[(ind["series_id"] == investment.MA_DEALS) & (ind["entity"] == "한국") & (ind["year"] == 2017)].iloc[0]
    with pytest.raises(prov.MixedPeriods, match="per"):
        investment.per_deal(value, deals)


def test_a_change_stays_within_one_series(tables):
    total = listings(tables, "kr_tech_special_listings_krx", "전체", 2023)
    bio_2024 = listings(tables, "kr_bio_sector_tech_special_listings_krx", "바이오업종", 2024)
    with pytest.raises(prov.MixedPeriods, match="one series"):
        prov.cite("-46%", [total, bio_2024], how="seeded", kind="change")


# --------------------------------------------------------------------------- the check on hand-made pages


def seeded_page(tables, *, sector_year_named: bool = False, basis_named: bool = False) -> str:
    """The sentence issue 27 found, built from real rows: the 2023 KRX total with the 2024 '바이오업종' count."""
    total = prov.cite("35곳", listings(tables, "kr_tech_special_listings_krx", "전체", 2023))
    sector_row = listings(tables, "kr_bio_sector_tech_special_listings_krx", "바이오업종", 2024)
    bio = prov.cite("19곳", sector_row)
    year = "2024년 " if sector_year_named else ""
    names = (f" ({prov.basis(listings(tables, 'kr_tech_special_listings_krx', '전체', 2023), '한국거래소 기술성장특례')}, "
             f"{prov.basis(sector_row, '바이오업종 기준')})") if basis_named else ""
    return page_of(html_of(f"2023년 기술특례로 {total}이 상장했고 그중 {year}바이오 기업은 {bio}이었다{names}. 다음 문장은 따로 읽는다."))


def test_a_seeded_cross_year_sentence_fails_naming_the_page_the_sentence_and_each_figure(tables):
    f = pairing.check_html_text("seeded.html", seeded_page(tables))
    assert len(f.problems) == 2, f.problems
    period, basis = f.problems
    assert period.startswith("seeded.html: sentence")
    assert "“2023년 기술특례로 35곳이 상장했고 그중 바이오 기업은 19곳이었다.”" in period
    assert "‘35곳’ and ‘19곳’ are nested of different periods" in period
    assert "‘19곳’ = value: kr_bio_sector_tech_special_listings_krx 바이오업종 2024 FY count" in period
    assert "‘35곳’ = value: kr_tech_special_listings_krx 전체 2023 FY count" in period
    assert "different definitions" in basis and "kr_bio_sector_tech_special_listings_krx" in basis
    assert "다음 문장" not in period, "the problem names its own sentence only"


def test_naming_each_period_and_basis_passes(tables):
    assert len(pairing.check_html_text("p", seeded_page(tables, sector_year_named=True)).problems) == 1  # the basis still unnamed
    assert pairing.check_html_text("p", seeded_page(tables, sector_year_named=True, basis_named=True)).problems == []


def test_the_same_period_and_basis_pass_and_a_part_of_a_list_is_not_a_mismatch(tables):
    total = prov.cite("35곳", listings(tables, "kr_tech_special_listings_krx", "전체", 2023))
    bio = prov.cite("9곳", listings(tables, "kr_tech_special_listings_krx", "바이오", 2023))
    rh = tables["research_hospitals"]
    rows = rh[rh["round"] == "2013_designation"]
    n = prov.cite(f"{len(rows)}곳", rows, how="센 수", kind="count")
    cap = prov.cite(f"{int(rows['capital_region'].sum())}곳", rows[rows["capital_region"]], how="센 수", kind="count")
    page = page_of(html_of(f"2023년 {total}이 상장했고 그중 바이오 기업은 {bio}이었다."), html_of(f"지정 {n} 중 {cap}이 수도권에 있다."))
    f = pairing.check_html_text("p", page)
    assert f.problems == [] and "4 cited figures, 2 compared" in f.notes[0]


def test_a_hand_written_page_with_a_ratio_across_years_fails_without_the_guard():
    """The check reads only the page: metadata written by hand (no cite, no guard) is checked too."""
    def row(series, year, basis):
        return {"series": series, "entity": "x", "period": "FY", "year": year, "unit": "USD", "basis": basis, "source": "s", "row": 2}

    ratio = {"kind": "ratio", "of": [{"kind": "value", "of": [row("a", 2024, "A")]}, {"kind": "value", "of": [row("b", 2021, "A")]}]}
    attribute = html.escape(json.dumps(ratio, ensure_ascii=False))
    page = page_of(f'매사추세츠 고용은 한국의 <a class="prov" href="#s" data-figure="{attribute}">19.5배<span class="prov-tip">출처</span></a>다.')
    (problem,) = pairing.check_html_text("hand.html", page).problems
    assert "‘19.5배’ is a ratio of figures of different periods" in problem and "a x 2024 FY" in problem and "b x 2021 FY" in problem
    named = page.replace("한국의", "2024년 매사추세츠 고용은 2021년 한국의")
    assert pairing.check_html_text("hand.html", named).problems == []


def test_a_figure_without_metadata_fails():
    page = page_of('2023년 <a class="prov" href="#s">35곳<span class="prov-tip">t</span></a>이 상장했다.')
    (problem,) = pairing.check_html_text("old.html", page).problems
    assert "‘35곳’ carries no usable metadata: no data-figure attribute" in problem


def test_a_page_with_no_cited_figure_fails():
    assert "no cited figure found" in pairing.check_html_text("empty.html", page_of("글만 있다.")).problems[0]


def test_a_table_row_is_one_unit(tables):
    ind = tables["indicators"]
    table = investment.ma_deal_table(ind, investment.ma_year(ind))
    rows = str(table).splitlines()[2:]  # after the header and the rule
    page = "<table>" + "".join("<tr>" + "".join(f"<td>{inline_html_of(c.strip())}</td>" for c in r.strip("| ").split(" | ")) + "</tr>" for r in rows) + "</table>"
    units = [u for u in pairing.page_units(page) if u.marks]
    assert [u.kind for u in units] == ["table row", "table row"] and all(len(u.marks) == 3 for u in units)
    assert pairing.check_html_text("t", page).problems == []


# --------------------------------------------------------------------------- chart titles


def chart_page(spec: dict) -> str:
    payload = json.dumps(spec, ensure_ascii=False).replace("</", "<\\/")
    return (page_of('<a class="prov" href="#s" data-figure="{&quot;kind&quot;:&quot;count&quot;,&quot;of&quot;:[{&quot;series&quot;:null,'
                    '&quot;entity&quot;:null,&quot;period&quot;:null,&quot;year&quot;:null,&quot;unit&quot;:null,&quot;basis&quot;:null,'
                    '&quot;source&quot;:&quot;s&quot;,&quot;row&quot;:1}]}">1곳</a>')
            + f'<div id="fig-x" class="quarto-float"><div id="boston-vis-1" class="boston-chart"></div>'
              f'<script>bostonChart("#boston-vis-1", {payload}, {{"actions": false}}).catch(console.error);</script></div>')


def title_spec(title, subtitle="설명") -> dict:
    """A real chart (the 기술특례 bars) with this title, as the chart helper writes its spec."""
    from analysis.report import charts

    ind = load_all()["indicators"]
    chart = charts.year_bars(investment.kosdaq_frame(ind), y_title="상장 기업 수", colors={"전체": "#888888", "바이오": "#0F4C81"},
                             title=title, subtitle=subtitle)
    return chart.to_dict()


def test_a_number_typed_into_a_chart_title_fails(tables):
    (problem,) = pairing.check_html_text("c.html", chart_page(title_spec("기술특례상장 2023년 35곳, 바이오는 19곳"))).problems
    assert problem.startswith("c.html: chart fig-x title: “기술특례상장 2023년 35곳, 바이오는 19곳”") and "['35', '19'] typed" in problem


def test_a_chart_title_built_from_cited_figures_is_checked_like_a_sentence(tables):
    total = prov.cite("35곳", listings(tables, "kr_tech_special_listings_krx", "전체", 2023))
    wrong = prov.cite("19곳", listings(tables, "kr_bio_sector_tech_special_listings_krx", "바이오업종", 2024))
    right = prov.cite("9곳", listings(tables, "kr_tech_special_listings_krx", "바이오", 2023))
    seeded = pairing.check_html_text("c.html", chart_page(title_spec(prov.phrase("기술특례상장 2023년 ", total, ", 그중 바이오 ", wrong)))).problems
    assert len(seeded) == 2 and all(p.startswith("c.html: chart fig-x title: “기술특례상장 2023년 35곳, 그중 바이오 19곳”") for p in seeded)
    assert "2024 FY" in seeded[0]
    fixed = chart_page(title_spec(prov.phrase("기술특례상장 2023년 ", total, ", 그중 바이오 ", right)))
    assert pairing.check_html_text("c.html", fixed).problems == []


def test_phrase_refuses_a_typed_figure_and_usermeta_must_match_the_title(tables):
    with pytest.raises(ValueError, match="holds the figure '35'"):
        prov.phrase("기술특례상장 35곳")
    spec = title_spec(prov.phrase("그중 ", prov.cite("9곳", listings(tables, "kr_tech_special_listings_krx", "바이오", 2023))))
    spec["title"]["text"] = "그중 아홉 곳"
    assert any("usermeta names ['9곳']" in p for p in pairing.check_html_text("c.html", chart_page(spec)).problems)


# --------------------------------------------------------------------------- in check-output


def test_check_output_runs_the_pairing_check_on_the_report_and_the_site_pages(tmp_path, tables):
    good = seeded_page(tables, sector_year_named=True, basis_named=True)
    (tmp_path / "index.html").write_text(good, encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "en.html").write_text(seeded_page(tables), encoding="utf-8")
    f = co.run_checks(tmp_path / "index.html", None, {"charts": 0}, chromium=None)
    pairing_problems = [p for p in f.problems if "different periods" in p or "different definitions" in p]
    assert pairing_problems and all(p.startswith("site/en.html: ") for p in pairing_problems)
    assert any(n.startswith("index.html: like with like") for n in f.notes) and any(n.startswith("site/en.html: like") for n in f.notes)


def test_metadata_from_data_stays_text_in_the_page(tables):
    """A basis (any string from data) that tries to close the attribute or the link stays text."""
    row = listings(tables, "kr_tech_special_listings_krx", "전체", 2023).copy()
    row["basis"] = "x' onmouseover='alert(1)\" </a><script>alert(2)</script> & |"
    page = page_of(html_of(f"2023년 {prov.cite('35곳', row)}이 상장했다."))
    assert "<script>" not in page and "onmouseover='alert" not in page
    (unit,) = [u for u in pairing.page_units(page) if u.marks]
    assert unit.text == "2023년 35곳이 상장했다."
    assert pairing.leaves(unit.marks[0].figure)[0]["basis"] == row["basis"]
