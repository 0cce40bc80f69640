"""Indicators, research hospitals, events, CPI and claims: cleaning functions on hand-made input."""

import pandas as pd
import pytest

from analysis.build import claims
from analysis.build.cleaning import cpi, events, indicators, research_hospitals
from analysis.build.cleaning.figures import parse_year
from analysis.errors import CleaningError


def figs(rows):
    base = {"source_id": "s1", "source_row": 2, "series": "kr_cluster_firms", "entity": "오송생명과학단지", "measure": "value",
            "year": "2017", "period": "AT", "value": "160여 개", "unit": "", "share_of": "", "quote": "", "location": "",
            "file": "data/raw/s1/figures.csv", "evidence": "secondary", "date_published": "2017"}
    return pd.DataFrame([{**base, **r} for r in rows])


# ---------------------------------------------------------------- indicators

def test_indicator_values_parse_with_qualifiers_and_units():
    df = indicators.parse_values(figs([{}, {"series": "kr_cluster_area", "value": "약 1.38㎢", "source_row": 3},
                                       {"series": "kr_cluster_sales", "value": "1,795억", "unit": "원", "source_row": 4}]))
    assert df["value"].tolist() == [160, pytest.approx(1_380_000), 179_500_000_000]
    assert df["unit"].tolist() == ["count", "m2", "KRW"]
    assert df["qualifier"].tolist() == ["approx", "approx", "exact"]
    assert df["value_as_published"].tolist()[2] == "1,795억원"


def test_area_in_square_feet_is_converted_exactly():
    df = indicators.parse_values(figs([{"series": "kr_cluster_area", "value": "70,000 sf"}]))
    assert df["value"].iloc[0] == pytest.approx(70_000 * 0.09290304)


def test_indicator_of_the_wrong_kind_is_refused():
    with pytest.raises(CleaningError, match=r"s1/figures.csv:2:value: series kr_cluster_firms expects a count figure, but '\$4.8B' parsed as 'USD'"):
        indicators.parse_values(figs([{"value": "$4.8B"}]))


def test_series_about_many_entities_needs_the_entity():
    with pytest.raises(CleaningError, match=r":2:entity: series kr_cluster_firms needs the entity"):
        indicators.attach_entity(figs([{"entity": ""}]))
    fixed = indicators.attach_entity(figs([{"series": "ma_biopharma_jobs_massbio", "entity": ""}]))
    assert fixed["entity"].iloc[0] == "매사추세츠"


def plausible(rows):
    return indicators.check_plausible(indicators.attach_series_info(indicators.parse_values(indicators.attach_entity(figs(rows)))))


def test_every_series_has_a_plausible_range_that_percentages_respect():
    assert set(indicators.PLAUSIBLE) == set(indicators.SERIES)
    for series, (low, high) in indicators.PLAUSIBLE.items():
        assert low < high
        if indicators.SERIES[series].kind == "percent":
            assert 0 <= low and high <= 100, series


@pytest.mark.parametrize(("row", "message"), [
    ({"series": "ma_biopharma_jobs_massbio", "entity": "", "value": "74,256,000", "period": "FY"},
     r"s1/figures.csv:2:value: '74,256,000' is 7.4256e\+07 count, outside the plausible range 10,000–1e\+06 for ma_biopharma_jobs_massbio"),
    ({"series": "industry_trials_city_share_konect", "entity": "서울", "value": "135%", "period": "FY"},
     r":2:value: '135%' is 135 percent, outside the plausible range 0–25"),
    ({"series": "kr_cluster_budget", "value": "2,726조원"}, r":2:value: '2,726조원' is 2.726e\+15 KRW, outside"),
    ({"series": "kr_cluster_firms", "value": "100∼200,000개"}, r":2:value: '100∼200,000개' is 200,000 count, outside"),
])
def test_implausible_figures_are_refused_at_their_line(row, message):
    with pytest.raises(CleaningError, match=message):
        plausible([row])


def test_plausible_figures_pass():
    out = plausible([{}, {"series": "ma_biopharma_jobs_massbio", "entity": "", "value": "74,256", "period": "FY", "source_row": 3}])
    assert out["value"].tolist() == [160, 74_256]


def test_indicator_periods():
    assert parse_year(figs([{"period": "CUM"}]), indicators.PERIODS)["year"].iloc[0] == 2017
    with pytest.raises(CleaningError, match=":2:period: expected one of"):
        parse_year(figs([{"period": "Q3"}]), indicators.PERIODS)


# ---------------------------------------------------------------- research hospitals

def hospitals(rows):
    base = {"source_id": "s1", "source_row": 2, "round": "2013 지정", "hospital": "고대구로병원", "quote": "", "location": "", "file": "f.csv"}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_hospital_spellings_resolve_to_one_hospital_with_location():
    df = research_hospitals.attach_location(research_hospitals.resolve_names(hospitals([{}, {"hospital": "고려대 구로병원", "round": "2025 인증"}])))
    assert df["hospital"].tolist() == ["고려대 구로병원", "고려대 구로병원"]
    assert df["sido"].tolist() == ["서울", "서울"] and df["capital_region"].all()
    assert df["round"].tolist() == ["2013_designation", "2025_certification"]


def test_unknown_hospital_or_round_is_refused():
    with pytest.raises(CleaningError, match=r"f.csv:2:hospital: unknown hospital '부산대병원'"):
        research_hospitals.resolve_names(hospitals([{"hospital": "부산대병원"}]))
    with pytest.raises(CleaningError, match=r"f.csv:2:round"):
        research_hospitals.resolve_names(hospitals([{"round": "2019 지정"}]))


def test_capital_region_is_seoul_incheon_gyeonggi_only():
    df = research_hospitals.attach_location(research_hospitals.resolve_names(hospitals(
        [{"hospital": "아주대병원"}, {"hospital": "경북대병원"}, {"hospital": "인하대병원", "round": "2025 인증"}])))
    assert df["capital_region"].tolist() == [True, False, True]


# ---------------------------------------------------------------- events

def ev(rows):
    base = {"source_id": "s1", "source_row": 2, "date": "2023-05-12", "category": "대응", "event": "x", "figure": "", "quote": "",
            "location": "", "file": "e.csv", "evidence": "secondary"}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_events_parse_figures_and_dates():
    df = events.parse_events(ev([{"figure": "US$15M (약 200억원)"}, {"date": "2023", "figure": "1900개 가까이"}, {}]))
    assert df["figure_value"].tolist()[:2] == [15_000_000, 1900]
    assert df["figure_unit"].tolist()[:2] == ["USD", "count"]
    assert df["figure_qualifier"].tolist()[1] == "approx"
    assert df["year"].tolist() == [2023, 2023, 2023]
    assert df["category"].tolist() == ["response"] * 3


@pytest.mark.parametrize(("override", "column"), [({"date": "12 May 2023"}, "date"), ({"category": "기타"}, "category"),
                                                  ({"event": ""}, "event"), ({"figure": "많음"}, "figure")])
def test_bad_events_name_the_column(override, column):
    with pytest.raises(CleaningError, match=rf"^e.csv:2:{column}:"):
        events.parse_events(ev([override]))


# ---------------------------------------------------------------- CPI

def test_cpi_parse_and_reference():
    raw = pd.DataFrame({"source_row": [2, 3], "series_id": ["CUUR0000SA0", "CUUR0000SA0"], "area": "US",
                        "year": ["2018", "2019"], "annual_average": ["251.107", "255.657"]})
    df = cpi.parse_index(raw, "c.csv")
    cpi.check_reference(df, "c.csv")
    with pytest.raises(CleaningError, match="pinned CPI-U 2019"):
        cpi.check_reference(df.assign(index=[251.107, 256.0]), "c.csv")
    with pytest.raises(CleaningError, match=r"c.csv:2:series_id"):
        cpi.parse_index(raw.assign(series_id=["XX", "XX"]), "c.csv")


def test_deflate_to_constant_dollars():
    table = pd.DataFrame({"series_id": "CUUR0000SA0", "year": [2018, 2024], "index": [250.0, 300.0]})
    assert cpi.deflate(100.0, 2018, 2024, table) == pytest.approx(120.0)
    with pytest.raises(KeyError, match="2020"):
        cpi.deflate(100.0, 2020, 2024, table)


# ---------------------------------------------------------------- claims

def claim_rows(rows):
    base = {"source_id": "c1", "source_row": 2, "claim_id": "K6", "claimant": "KERI", "figure": "7만4천개 이상", "claim": "…",
            "location": "", "file": "c.csv"}
    return pd.DataFrame([{**base, **r} for r in rows])


def jobs_table(value):
    return {"indicators": pd.DataFrame({"series_id": ["ma_biopharma_jobs_massbio"], "entity": ["매사추세츠"], "year": [2018],
                                        "value": [value], "preferred": [True], "source_id": ["g"], "source_row": [2]})}


def test_claim_verdict_follows_the_data():
    assert claims.run_checks(claim_rows([{}]), jobs_table(74_256.0))["verdict"].tolist() == ["confirmed"]
    out = claims.run_checks(claim_rows([{}]), jobs_table(70_000.0))
    assert out["verdict"].tolist() == ["differs"] and "70,000" in out["data_value"].iloc[0]
    assert out["evidence_rows"].iloc[0] == "indicators:g:2"


def test_claim_without_check_or_with_broken_check_stops_the_build():
    with pytest.raises(CleaningError, match=r"c.csv:2:claim_id: no check for claim 'K99'"):
        claims.run_checks(claim_rows([{"claim_id": "K99"}]), {})
    with pytest.raises(CleaningError, match=r"check check_jobs for K6 raised KeyError"):
        claims.run_checks(claim_rows([{}]), {})


def test_unparseable_claim_figure_is_an_error():
    with pytest.raises(CleaningError, match=r"c.csv:2:figure"):
        claims.run_checks(claim_rows([{"figure": "칠만 개"}]), jobs_table(74_256.0))


def test_verdict_changes_are_reported(tmp_path):
    prev = tmp_path / "claims.csv"
    prev.write_text("claim_id,verdict\nK6,differs\n", encoding="utf-8")
    new = pd.DataFrame({"claim_id": ["K6", "K7"], "verdict": ["confirmed", "unsourced"], "data_value": ["74,256", "—"]})
    lines = claims.verdict_changes(new, prev)
    assert lines == ["claim K6: verdict changed from differs to confirmed (74,256)", "claim K7: new, verdict unsourced"]
    assert claims.verdict_changes(new, tmp_path / "none.csv") == []
