"""Cross-table checks on hand-made tables: each passes on good data and fails on the bad case."""

import pandas as pd
import pytest

from analysis.build import crosschecks as cc


def tables(**overrides):
    sources = pd.DataFrame({"source_id": ["s1", "s2", "ecb"], "n_rows": [3, 2, 5]})
    fx = pd.DataFrame({"year": [2019, 2021], "krw_per_usd": [1166.0, 1145.0], "complete_year": [True, True],
                       "source_id": ["ecb", "ecb"], "source_row": [2, 3]})
    v = pd.DataFrame({
        "series_id": ["kr_bio_medical_vc_kvca", "kr_all_vc_kvca", "kr_bio_medical_vc_kvca", "ma_biopharma_vc_massbio"],
        "basis": ["kv bio", "kv all", "kv bio", "massbio"],
        "year": [2019, 2019, 2019, 2019], "period": ["FY"] * 4,
        "currency": ["KRW", "KRW", "KRW", "USD"],
        "amount": [1_103_300_000_000.0, 4_277_700_000_000.0, 1_103_300_000_000.0, 3.1e9],
        "value_as_published": ["1조1,033억원", "4조2,777억원", "1조1,033억원", "$3.1 billion"],
        "krw_per_usd": [1166.0, 1166.0, 1166.0, None],
        "share_pct": [25.8, None, None, None], "share_source_row": [5, None, None, None],
        "preferred": [False, True, True, True],
        "source_id": ["s1", "s1", "s2", "s2"], "source_row": [2, 3, 2, 3],
    })
    def ind_row(series, entity, year, value, printed, row):
        return {"series_id": series, "entity": entity, "year": year, "period": "FY", "value": value, "value_as_published": printed,
                "preferred": True, "source_id": "s3", "source_row": row}
    ind = pd.DataFrame([
        ind_row("boston_nih_funding_bpda", "Boston (all)", 2014, 1.70e9, "$1.70 billion", 2),
        ind_row("boston_nih_funding_bpda", "Boston hospitals & medical", 2014, 1.13e9, "$1.13B", 3),
        ind_row("boston_nih_share_bpda", "Boston hospitals & medical", 2014, 66.0, "66%", 4),
        ind_row("boston_nih_funding_bpda", "Boston educational", 2014, 537e6, "$537M", 5),
        ind_row("boston_nih_share_bpda", "Boston educational", 2014, 31.0, "31%", 6),
        ind_row("nih_hospital_funding", "Massachusetts General Hospital", 2014, 400e6, "$400M", 7),
    ])
    sources = pd.concat([sources, pd.DataFrame({"source_id": ["s3", "c1"], "n_rows": [6, 1]})], ignore_index=True)
    rh = pd.DataFrame({"round": ["2013_designation"] * 10 + ["2025_certification"] * 21,
                       "hospital": [f"h{i}" for i in range(31)], "sido": ["서울"] * 9 + ["대구"] + ["서울"] * 16 + ["대구"] * 5,
                       "source_id": "s2", "source_row": 2})
    rh["capital_region"] = rh["sido"] == "서울"
    claims = pd.DataFrame({"claim_id": ["K6"], "evidence_rows": ["indicators:s3:7"], "source_id": ["c1"], "source_row": [2]})
    t = {"sources": sources, "fx_krw_usd": fx, "venture_investment": v, "indicators": ind, "research_hospitals": rh, "claims": claims}
    for name, fn in overrides.items():
        t[name] = fn(t[name].copy())
    return t


def failed(results):
    return [r for r in results if not r.success]


@pytest.mark.parametrize("check", cc.CHECKS)
def test_every_check_passes_on_consistent_tables(check):
    assert failed(check(tables())) == []


def test_unknown_source_id():
    t = tables(venture_investment=lambda v: v.assign(source_id=["s1", "s1", "s2", "nope"]))
    [bad] = failed(cc.check_source_ids_exist(t))
    assert bad.severity == "critical" and bad.examples == ["nope"]


def test_source_row_beyond_the_raw_file():
    t = tables(venture_investment=lambda v: v.assign(source_row=[2, 3, 2, 4]))  # s2 has 2 rows: lines 2-3
    [bad] = failed(cc.check_source_rows_exist(t))
    assert bad.examples == [{"source_id": "s2", "source_row": "4"}]


def test_series_mixing_bases():
    t = tables(venture_investment=lambda v: v.assign(basis=["kv bio", "kv all", "other", "massbio"]))
    [bad] = failed(cc.check_single_basis(t))
    assert bad.examples == ["kr_bio_medical_vc_kvca"]


def test_two_preferred_rows():
    t = tables(venture_investment=lambda v: v.assign(preferred=[True, True, True, True]))
    assert failed(cc.check_one_preferred(t))


def test_share_disagreeing_with_amount_over_total():
    t = tables(venture_investment=lambda v: v.assign(share_pct=[24.6, None, None, None]))
    [bad] = failed(cc.check_share_matches_total(t))
    assert bad.examples[0]["computed"] == pytest.approx(25.792, abs=1e-3)
    assert bad.examples[0]["raw"] == "s1:5", "a bad share is reported at the share's own line, not its amount's (2)"


def test_share_within_rounding_passes():
    # 11,033 / 42,777 = 25.7919 %: printed as 25.8 (diff 0.008) passes; 25.7 (diff 0.09) fails
    ok = tables(venture_investment=lambda v: v.assign(share_pct=[25.8, None, None, None]))
    assert not failed(cc.check_share_matches_total(ok))
    bad = tables(venture_investment=lambda v: v.assign(share_pct=[25.7, None, None, None]))
    assert failed(cc.check_share_matches_total(bad))


def test_figures_that_agree_at_their_printed_precision_are_no_conflict():
    rows = lambda printed, amounts: tables(venture_investment=lambda v: v.assign(
        series_id=["ma_hq_biopharma_vc_massbio"] * 2 + ["x", "y"], value_as_published=printed, amount=amounts))
    assert not failed(cc.check_sources_agree(rows(["$13.7 billion", "$13.66 billion", "1", "2"], [13.7e9, 13.66e9, 1.0, 2.0])))
    assert failed(cc.check_sources_agree(rows(["$13.8 billion", "$13.66 billion", "1", "2"], [13.8e9, 13.66e9, 1.0, 2.0])))


def test_an_approximate_figure_agrees_within_its_rounding():
    assert cc._half_unit("nearly 114,000", 114_000, approx=True) == 500
    assert cc._half_unit("114,000", 114_000) == 0.5
    assert cc._half_unit("약 300", 300, approx=True) == 50


def test_conflicting_sources_is_a_warning():
    t = tables(venture_investment=lambda v: v.assign(amount=[1.0e12, 4_277_700_000_000.0, 1_103_300_000_000.0, 3.1e9]))
    [bad] = failed(cc.check_sources_agree(t))
    assert bad.severity == "warning"


def test_a_conflict_is_one_readable_line_naming_the_rows():
    """The build prints warnings for people: each figure as printed at its raw line, no Python dict."""
    t = tables(venture_investment=lambda v: v.assign(amount=[1.0e12, 4_277_700_000_000.0, 1_103_300_000_000.0, 3.1e9]))
    [bad] = failed(cc.check_sources_agree(t))
    text = bad.text()
    assert "1조1,033억원 (s2:2)" in text and "1조1,033억원 (s1:2)" in text, text
    assert "{" not in text and "[" not in text and "'" not in text, text
    assert text.startswith("venture_investment: sources agree on repeated figures — 1 figure(s) differ"), text
    assert bad.line() == "[warning] " + text
    from analysis.build.validate import ValidationReport
    assert ValidationReport(tables=[], crosschecks=[bad]).warning_texts == [text], "the build prints 'warning: <text>', not 'warning: [warning] …'"


def test_wrong_year_rate():
    t = tables(venture_investment=lambda v: v.assign(krw_per_usd=[1145.0, 1166.0, 1166.0, None]))
    assert failed(cc.check_fx_rate_used(t))
    t = tables(venture_investment=lambda v: v.assign(krw_per_usd=[1166.0, 1166.0, 1166.0, 1166.0]))
    assert failed(cc.check_fx_rate_used(t))


def test_unused_source_is_a_warning():
    t = tables(sources=lambda s: pd.concat([s, pd.DataFrame({"source_id": ["orphan"], "n_rows": [1]})]))
    [bad] = failed(cc.check_sources_used(t))
    assert bad.severity == "warning" and bad.examples == ["orphan"]


def test_a_crashing_check_is_a_critical_failure():
    t = tables()
    del t["fx_krw_usd"]
    crashed = [r for r in cc.run_crosschecks(t) if r.name == "check_fx_rate_used"]
    assert crashed and crashed[0].severity == "critical" and not crashed[0].success


def test_hospital_above_city_total():
    t = tables(indicators=lambda i: i.assign(value=[1.70e9, 1.13e9, 66.0, 537e6, 31.0, 1.8e9]))
    [bad] = failed(cc.check_hospital_nih_within_city(t))
    assert bad.severity == "critical"
    assert {"year": 2014, "entity": "Massachusetts General Hospital", "value": 1.8e9, "city_total": 1.7e9} in bad.examples


def test_nih_share_uses_printed_precision():
    # 537/1,700 = 31.59%: printed '31%' is still consistent once '$1.70 billion' (±$5M) and '$537M' (±$0.5M) are rounded
    assert not failed(cc.check_nih_sector_shares(tables()))
    t = tables(indicators=lambda i: i.assign(value=[1.70e9, 1.13e9, 66.0, 537e6, 30.0, 400e6]))
    [bad] = failed(cc.check_nih_sector_shares(t))
    assert bad.examples[0]["entity"] == "Boston educational"


def test_half_unit_of_printed_figures():
    assert cc._half_unit("$1.70 billion", 1.70e9) == pytest.approx(5e6)
    assert cc._half_unit("66%", 66.0) == pytest.approx(0.5)
    assert cc._half_unit("$1,523.09", 1_523.09e6) == pytest.approx(5e3)


def test_research_hospital_round_counts_and_flags():
    t = tables(research_hospitals=lambda r: r.iloc[1:])
    [bad] = failed(cc.check_research_hospital_rounds(t))
    assert {"round": "2013_designation", "expected": 10, "found": 9} in bad.examples
    t = tables(research_hospitals=lambda r: r.assign(capital_region=~r["capital_region"]))
    assert failed(cc.check_research_hospital_rounds(t))


def test_claim_citing_a_missing_row():
    t = tables(claims=lambda c: c.assign(evidence_rows=["indicators:s3:99"]))
    [bad] = failed(cc.check_claim_evidence_exists(t))
    assert bad.examples == [{"claim_id": "K6", "evidence": "indicators:s3:99"}]
