"""Cleaning functions on hand-made inputs, including the bad ones."""

import pandas as pd
import pytest

from analysis.build.cleaning import fx, venture
from analysis.build.cleaning.figures import check_series_known, mark_preferred, parse_figure, parse_year
from analysis.errors import CleaningError


def figures(rows):
    base = {"source_id": "s1", "source_row": 2, "series": "kr_bio_medical_vc_kvca", "measure": "amount", "year": "2019",
            "period": "FY", "value": "1조1,033억원", "unit": "", "share_of": "", "quote": "", "location": "",
            "file": "data/raw/s1/figures.csv", "evidence": "secondary", "date_published": "2020-01-31"}
    return pd.DataFrame([{**base, **r} for r in rows])


# ---------------------------------------------------------------- figures

def test_parse_year_refuses_two_digit_years_and_unknown_periods():
    with pytest.raises(CleaningError, match=r"^data/raw/s1/figures.csv:2:year: expected a four-digit year, found '19'"):
        parse_year(figures([{"year": "19"}]))
    with pytest.raises(CleaningError, match=r":2:period: expected one of"):
        parse_year(figures([{"period": "Q1"}]))


def test_unknown_series_is_named():
    with pytest.raises(CleaningError, match=r":2:series: unknown series 'kr_bio'"):
        check_series_known(figures([{"series": "kr_bio"}]), venture.SERIES)


def test_parse_figure_errors_name_file_row_column_and_text():
    row = next(figures([{"value": "8,41 7억원", "source_row": 14}]).itertuples())
    with pytest.raises(CleaningError, match=r"^data/raw/s1/figures.csv:14:value: cannot parse '8,41 7억원'"):
        parse_figure(row, "money")
    row = next(figures([{"value": "24.6"}]).itertuples())
    with pytest.raises(CleaningError, match="as a KRW or USD amount"):
        parse_figure(row, "money")
    row = next(figures([{"value": "1∼2%"}]).itertuples())
    with pytest.raises(CleaningError, match="is a range"):
        parse_figure(row, "percent")


def test_header_unit_is_applied():
    row = next(figures([{"value": "2,928", "unit": "억원"}]).itertuples())
    assert parse_figure(row, "money").value == 292_800_000_000


# ---------------------------------------------------------------- venture

def test_parse_amounts_refuses_a_currency_other_than_the_series():
    df = parse_year(figures([{"value": "$4.8B"}]))
    with pytest.raises(CleaningError, match="series kr_bio_medical_vc_kvca is in KRW, but '\\$4.8B' is USD"):
        venture.parse_amounts(df)


def test_parse_amounts_keeps_notation_and_qualifier():
    df = venture.parse_amounts(parse_year(figures([{"value": "2,928", "unit": "억원"},
                                                   {"series": "ma_biopharma_vc_massbio", "value": "more than $2.1 billion"}])))
    assert df["value_as_published"].tolist() == ["2,928억원", "more than $2.1 billion"]
    assert df["qualifier"].tolist() == ["exact", "more_than"]
    assert df["amount"].tolist() == [292_800_000_000, 2_100_000_000]


def test_shares_attach_to_the_amount_of_the_same_source():
    f = parse_year(figures([{}, {"measure": "share", "value": "25.8%", "share_of": "전체 신규투자", "source_row": 3}]))
    out = venture.attach_shares(venture.parse_amounts(f), f)
    assert len(out) == 1
    assert out["share_pct"].iloc[0] == pytest.approx(25.8)
    assert out["share_of"].iloc[0] == "전체 신규투자"


def test_share_without_amount_or_denominator_is_refused():
    f = parse_year(figures([{}, {"measure": "share", "value": "25.8%", "share_of": "x", "year": "2018", "source_row": 3}]))
    with pytest.raises(CleaningError, match=r":3:measure: share without an amount"):
        venture.attach_shares(venture.parse_amounts(f), f)
    f = parse_year(figures([{}, {"measure": "share", "value": "25.8%", "source_row": 3}]))
    with pytest.raises(CleaningError, match=r":3:share_of: a share needs its denominator"):
        venture.attach_shares(venture.parse_amounts(f), f)
    f = parse_year(figures([{"measure": "deals", "value": "12"}]))
    with pytest.raises(CleaningError, match=r":2:measure: expected 'amount' or 'share'"):
        venture.attach_shares(venture.parse_amounts(f), f)


def test_preferred_rule_primary_then_newest_then_id():
    df = pd.DataFrame({
        "series_id": ["a"] * 4 + ["b"] * 2, "year": [2019] * 6, "period": ["FY"] * 6,
        "evidence": ["secondary", "primary", "secondary", "primary", "secondary", "secondary"],
        "date_published": ["2024", "2019-01", "2025", "2020", "2021", "2021"],
        "source_id": ["s1", "s2", "s3", "s4", "z", "y"],
    })
    out = mark_preferred(df)
    assert out.loc[out["preferred"], "source_id"].tolist() == ["s4", "y"]


def jobs_rows(rows):
    base = {"series_id": "ma_biopharma_jobs_massbio", "entity": "매사추세츠", "year": 2022, "period": "FY"}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_exact_figure_wins_over_the_rounded_one_it_agrees_with():
    """2022 MA jobs: MassBio's 2023 page (primary) prints 'nearly 114,000', BioSpace (secondary,
    newer edition) prints 113,994; the exact figure is the one used, whatever the evidence rank."""
    df = jobs_rows([
        {"source_id": "massbio-2023", "evidence": "primary", "date_published": "2023-09-06", "value": 114_000.0, "qualifier": "approx"},
        {"source_id": "biospace-2024", "evidence": "secondary", "date_published": "2024", "value": 113_994.0, "qualifier": "exact"},
    ])
    out = mark_preferred(df, key=("series_id", "entity", "year", "period"))
    assert out.loc[out["preferred"], "source_id"].tolist() == ["biospace-2024"]


def test_rounded_figure_that_disagrees_with_the_exact_one_keeps_the_usual_rule():
    df = jobs_rows([
        {"source_id": "massbio-2023", "evidence": "primary", "date_published": "2023-09-06", "value": 114_000.0, "qualifier": "approx"},
        {"source_id": "biospace-2024", "evidence": "secondary", "date_published": "2024", "value": 112_994.0, "qualifier": "exact"},
    ])
    out = mark_preferred(df, key=("series_id", "entity", "year", "period"))
    assert out.loc[out["preferred"], "source_id"].tolist() == ["massbio-2023"]


@pytest.mark.parametrize(("exact", "rounded", "agrees"), [
    (113_994, 114_000, True), (114_499, 114_000, True), (114_501, 114_000, False),
    (4_830_000_000, 4_800_000_000, True), (4_860_000_000, 4_800_000_000, False), (26.4, 26, True)])
def test_agrees_with_rounded_reads_the_printed_precision(exact, rounded, agrees):
    from analysis.build.cleaning.figures import agrees_with_rounded
    assert agrees_with_rounded(exact, rounded) is agrees


def fx_table(years=(2018, 2019), complete=True):
    return pd.DataFrame({"year": list(years), "krw_per_usd": [1100.0, 1166.0][: len(years)], "complete_year": complete})


def test_convert_to_usd_uses_the_same_year_and_leaves_usd_alone():
    df = pd.DataFrame({"year": [2019, 2019], "currency": ["KRW", "USD"], "amount": [1_166_000_000.0, 5.0],
                       "file": "f", "source_row": [2, 3]})
    out = venture.convert_to_usd(df, fx_table())
    assert out["amount_usd"].tolist() == [1_000_000.0, 5.0]
    assert out["krw_per_usd"].iloc[0] == 1166.0 and pd.isna(out["krw_per_usd"].iloc[1])


def test_convert_to_usd_refuses_a_year_without_complete_rate():
    df = pd.DataFrame({"year": [2020], "currency": ["KRW"], "amount": [1.0], "file": "f", "source_row": [7]})
    with pytest.raises(CleaningError, match=r"^f:7:year: no complete-year ECB rate for 2020"):
        venture.convert_to_usd(df, fx_table())
    df = pd.DataFrame({"year": [2019], "currency": ["KRW"], "amount": [1.0], "file": "f", "source_row": [7]})
    with pytest.raises(CleaningError):
        venture.convert_to_usd(df, fx_table(complete=False))


# ---------------------------------------------------------------- fx

def raw_fx(rows):
    return pd.DataFrame(rows, columns=["source_row", "year", "krw_per_usd", "trading_days", "first_date", "last_date"])


def test_fx_parse_rates_names_bad_cell():
    df = raw_fx([(2, "2019", "1,166.3", "255", "2019-01-02", "2019-12-31")])
    with pytest.raises(CleaningError, match=r"^fx.csv:2:krw_per_usd: expected a number, found '1,166.3'"):
        fx.parse_rates(df, "fx.csv")


def test_fx_partial_year_is_not_complete():
    df = fx.parse_rates(raw_fx([(2, "2019", "1166.3", "255", "2019-01-02", "2019-12-31"),
                                (3, "2026", "1448.4", "213", "2026-01-02", "2026-10-30")]), "fx.csv")
    assert fx.flag_complete_years(df)["complete_year"].tolist() == [True, False]


def test_fx_reference_rates_catch_a_wrong_column():
    df = fx.parse_rates(raw_fx([(2, "2019", "1.1195", "255", "2019-01-02", "2019-12-31"),
                                (3, "2022", "1292.98", "257", "2022-01-03", "2022-12-30")]), "fx.csv")
    with pytest.raises(CleaningError, match=r"fx.csv:2:krw_per_usd: 2019 rate 1.1195 outside pinned reference"):
        fx.check_reference_rates(df, "fx.csv")
