"""Clean table ``venture_investment``: venture capital into Massachusetts biopharma (MassBio and
comparators) and into Korean bio·의료 (KVCA), with the all-sector Korean total, in USD and in the
source currency.

Why each step exists:
- Sources disagree in definition (MassBio "biopharma VC" vs Evaluate's "MA-headquartered
  companies"), so every series carries one ``basis`` and is never merged with another.
- Several articles repeat the same figure; all are kept, one row per (series, year, period) is
  marked ``preferred`` by a stated rule, and disagreements are reported by the gate.
- KRW amounts are converted at the same year's ECB annual average, never another year's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.build.cleaning.figures import mark_preferred, parse_figure, parse_year, read_figures, select_series
from analysis.build.cleaning.ranges import refuse_outside
from analysis.errors import CleaningError
from analysis.build.schema import Column, TableSchema
from analysis.build.sources import RawSource

@dataclass(frozen=True)
class Series:
    region: str
    currency: str
    basis: str
    label: str


SERIES: dict[str, Series] = {
    "ma_biopharma_vc_massbio": Series(
        "MA", "USD", "MassBio, reports to 2021 (earlier basis): venture capital into Massachusetts biopharma companies (Industry Snapshot / Funding Report)",
        "매사추세츠 바이오제약 VC (MassBio, 이전 기준)"),
    "ma_hq_biopharma_vc_massbio": Series(
        "MA", "USD", "MassBio, reports from 2021 on (restated): venture capital into Massachusetts-headquartered ('-based') biopharma companies",
        "매사추세츠 본사 바이오제약 VC (MassBio, 현재 기준)"),
    "ma_biopharma_vc_masstech": Series(
        "MA", "USD", "MassTech Innovation Index: biopharma venture capital in Massachusetts", "매사추세츠 바이오제약 VC (MassTech)"),
    "boston_biotech_vc_nvca": Series(
        "Boston", "USD", "NVCA MoneyTree: Boston-area biotech venture capital", "보스턴권 바이오텍 VC (NVCA)"),
    "us_biopharma_vc_massbio": Series(
        "US", "USD", "MassBio: venture capital into US-based biopharma companies", "미국 바이오제약 VC (MassBio)"),
    "us_biotech_pharma_vc_pitchbook": Series(
        "US", "USD", "PitchBook-NVCA Venture Monitor: US 'biotech & pharma' venture capital", "미국 바이오·제약 VC (PitchBook-NVCA)"),
    "kr_bio_medical_vc_kvca": Series(
        "KR", "KRW", "KVCA/중소벤처기업부: 벤처캐피탈 신규투자, 바이오·의료 업종", "한국 바이오·의료 VC 신규투자 (KVCA)"),
    "kr_all_vc_kvca": Series(
        "KR", "KRW", "KVCA/중소벤처기업부: 벤처캐피탈 신규투자, 전 업종", "한국 전체 VC 신규투자 (KVCA)"),
    "kr_bio_medical_vc_mss": Series(
        "KR", "KRW", "중소벤처기업부 (2023년 개편): 벤처투자회사 + 신기술사업금융업자 신규투자, 바이오·의료 업종 (2019년부터 소급)",
        "한국 바이오·의료 벤처투자 (중기부, 신기술금융 포함)"),
    "kr_all_vc_mss": Series(
        "KR", "KRW", "중소벤처기업부 (2023년 개편): 벤처투자회사 + 신기술사업금융업자 신규투자, 전 업종 (2019년부터 소급)",
        "한국 전체 벤처투자 (중기부, 신기술금융 포함)"),
}

SCHEMA = TableSchema(
    name="venture_investment",
    description="Venture investment by series, year and period, one row per source figure; `preferred` marks the one the report uses.",
    key=("series_id", "year", "period", "source_id"),
    columns=(
        Column("series_id", "string", "", "What is measured, including its definition (see basis).", "raw: series"),
        Column("region", "string", "", "MA, Boston, US or KR.", "analysis.build.cleaning.venture.SERIES"),
        Column("basis", "string", "", "Definition and producer of the series; one basis per series.", "analysis.build.cleaning.venture.SERIES"),
        Column("year", "int", "calendar year", "Year the figure describes.", "raw: year"),
        Column("period", "string", "", "FY = whole year; H1 = January–June.", "raw: period"),
        Column("currency", "string", "", "Currency the source printed.", "parsed from raw: value"),
        Column("amount", "float", "currency units", "Amount as printed, in whole currency units (not 억 or millions).", "parsed from raw: value (+ unit)"),
        Column("qualifier", "string", "", "exact, approx, at_least, more_than, at_most, less_than as printed.", "parsed from raw: value"),
        Column("krw_per_usd", "float", "KRW per USD", "Rate used for KRW rows (same year's ECB annual average); empty for USD rows.", "fx_krw_usd.krw_per_usd"),
        Column("amount_usd", "float", "USD", "Amount in US dollars, nominal, rounded to the dollar.", "derived: amount / krw_per_usd"),
        Column("share_pct", "float", "percent", "Share printed by the same source for the same figure.", "parsed from raw: value of measure=share"),
        Column("share_of", "string", "", "Denominator of share_pct as the source words it.", "raw: share_of"),
        Column("value_as_published", "string", "", "The figure exactly as printed (plus the table's unit).", "raw: value, unit"),
        Column("quote", "string", "", "Short verbatim quote around the figure, where the source text was seen.", "raw: quote"),
        Column("evidence", "string", "", "primary or secondary (a story quoting another source).", "sidecar: evidence"),
        Column("preferred", "bool", "", "The row the report uses for its (series, year, period).", "derived: evidence rank, then newest publication"),
        Column("source_id", "string", "", "Raw source folder.", "data/raw/<source_id>"),
        Column("source_row", "int", "line", "Line of the raw file the figure comes from.", "raw file line number"),
        Column("share_source_row", "int", "line", "Line of the raw file the share comes from (empty without a share).",
               "raw file line number of measure=share"),
    ),
)


def attach_series_info(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["series_id"] = out["series"]
    out["region"] = out["series"].map(lambda s: SERIES[s].region)
    out["basis"] = out["series"].map(lambda s: SERIES[s].basis)
    return out


def parse_amounts(df: pd.DataFrame) -> pd.DataFrame:
    """Amount rows -> amount, currency, qualifier; the currency must be the series' currency,
    because a KRW figure filed under a USD series would be converted twice or not at all."""
    rows = []
    for row in df[df["measure"] == "amount"].itertuples():
        q = parse_figure(row, "money")
        expected = SERIES[row.series].currency
        if q.unit != expected:
            raise CleaningError(row.file, row.source_row, "value", f"series {row.series} is in {expected}, but {row.value!r} is {q.unit}")
        refuse_outside(row.file, row.source_row, "value", row.value, q.value, "amount", q.unit)
        rows.append({"index": row.Index, "amount": q.value, "currency": q.unit, "qualifier": q.qualifier})
    parsed = pd.DataFrame(rows, columns=["index", "amount", "currency", "qualifier"]).set_index("index")
    out = df[df["measure"] == "amount"].join(parsed)
    out["value_as_published"] = [f"{v}{u}" if u and v.replace(",", "").replace(".", "").isdigit() else v
                                 for v, u in zip(out["value"], out["unit"])]
    return out


def attach_shares(amounts: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """A share is printed next to an amount in the same source; it belongs on that amount's row.
    A share with no amount beside it has nothing to be checked against, so it is refused."""
    shares = figures[figures["measure"] == "share"]
    other = figures[~figures["measure"].isin(["amount", "share"])]
    for row in other.itertuples():
        raise CleaningError(row.file, row.source_row, "measure", f"expected 'amount' or 'share', found {row.measure!r}")
    parsed = []
    for row in shares.itertuples():
        q = parse_figure(row, "percent")
        refuse_outside(row.file, row.source_row, "value", row.value, q.value, "share", "%")
        if not row.share_of:
            raise CleaningError(row.file, row.source_row, "share_of", "a share needs its denominator as the source words it")
        parsed.append({"source_id": row.source_id, "series": row.series, "year": row.year, "period": row.period,
                       "share_pct": q.value, "share_of": row.share_of, "file": row.file, "share_source_row": row.source_row})
    share_df = pd.DataFrame(parsed, columns=["source_id", "series", "year", "period", "share_pct", "share_of", "file", "share_source_row"])
    key = ["source_id", "series", "year", "period"]
    for row in share_df[share_df.duplicated(key)].itertuples():
        raise CleaningError(row.file, row.share_source_row, "measure", "a second share for the same series and year in this source")
    # many_to_one: a duplicated amount row is the GX key check's to report, with the gate's message.
    # The share keeps its own line (share_source_row), so a bad share is reported where it is written.
    merged = amounts.drop(columns=["share_of"]).merge(share_df.drop(columns=["file"]), on=key, how="left",
                                                      validate="many_to_one")
    orphans = share_df.merge(amounts[key], on=key, how="left", indicator=True)
    for row in orphans[orphans["_merge"] == "left_only"].itertuples():
        raise CleaningError(row.file, row.share_source_row, "measure", "share without an amount for the same series and year in this source")
    return merged


def convert_to_usd(df: pd.DataFrame, fx: pd.DataFrame) -> pd.DataFrame:
    """KRW -> USD at the same year's annual average; a year without a complete-year rate stops
    the build rather than borrowing a neighbouring year's rate."""
    rates = fx[fx["complete_year"]].set_index("year")["krw_per_usd"].astype(float)
    out = df.copy()
    krw = out["currency"] == "KRW"
    missing = out[krw & ~out["year"].isin(rates.index)]
    for row in missing.itertuples():
        raise CleaningError(row.file, row.source_row, "year", f"no complete-year ECB rate for {row.year} to convert KRW to USD")
    out["krw_per_usd"] = out["year"].map(rates).where(krw)
    usd = out["amount"].where(~krw, out["amount"] / out["krw_per_usd"])
    out["amount_usd"] = usd.round(0)
    return out


def check_reference_values(df: pd.DataFrame) -> None:
    """Pinned values (OWID style): if the parser or the preferred rule changes these, stop."""
    pinned = {("kr_bio_medical_vc_kvca", 2019): 1_103_300_000_000.0, ("ma_biopharma_vc_massbio", 2018): 4_800_000_000.0,
              ("kr_all_vc_kvca", 2021): 7_680_200_000_000.0}
    for (series, year), value in pinned.items():
        hit = df[(df["series_id"] == series) & (df["year"] == year) & (df["period"] == "FY") & df["preferred"]]
        if len(hit) != 1 or float(hit["amount"].iloc[0]) != value:
            found = hit["amount"].tolist()
            raise CleaningError("data/raw", None, "value", f"pinned reference {series} {year} = {value:,.0f} but cleaning gave {found}")


def clean_venture_investment(sources: Mapping[str, RawSource], root, fx: pd.DataFrame) -> pd.DataFrame:
    figures = select_series(read_figures(sources, root), SERIES)
    figures = parse_year(figures)
    amounts = attach_series_info(parse_amounts(figures))
    df = attach_shares(amounts, figures)
    df = mark_preferred(df, value_col="amount")
    df = convert_to_usd(df, fx)
    df["quote"] = df["quote"].replace("", None)
    out = SCHEMA.enforce(df)
    check_reference_values(out)
    return out
