"""Clean table ``fx_krw_usd``: annual average KRW per USD from the ECB snapshot.

Why a table of its own: every KRW amount shown in USD is converted at its own year's rate, and a
reviewer must be able to see the rate used. Only complete calendar years may convert amounts.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.errors import CleaningError
from analysis.build.schema import Column, TableSchema
from analysis.build.snapshot import FX_FILE, FX_SOURCE_ID
from analysis.build.cleaning.ranges import refuse_column_outside
from analysis.build.sources import RawSource, label_of, parse_numeric_columns, read_raw_table

RAW_COLUMNS = ("year", "krw_per_usd", "trading_days", "first_date", "last_date")
# A year with fewer fixings than this is a partial year (the snapshot's last year).
MIN_TRADING_DAYS = 240
# Pinned reference values (OWID-style sanity check): ECB-based annual means, KRW per USD.
REFERENCE_RATES = {2019: (1160.0, 1172.0), 2022: (1285.0, 1300.0)}

SCHEMA = TableSchema(
    name="fx_krw_usd",
    description="Annual average KRW per USD, cross rate of ECB euro reference rates (trading days only).",
    key=("year",),
    columns=(
        Column("year", "int", "calendar year", "Year the average covers.", "raw: year"),
        Column("krw_per_usd", "float", "KRW per USD", "Mean of daily (KRW/EUR)/(USD/EUR) over ECB trading days.", "raw: krw_per_usd"),
        Column("trading_days", "int", "days", "ECB fixings with both rates in the year.", "raw: trading_days"),
        Column("complete_year", "bool", "", "True when the year's fixings run to December (usable for conversion).", "derived: last_date and trading_days"),
        Column("source_id", "string", "", "Raw source folder.", "data/raw/<source_id>"),
        Column("source_row", "int", "line", "Line of the raw file the row comes from.", "raw file line number"),
    ),
)


def parse_rates(df: pd.DataFrame, label: str) -> pd.DataFrame:
    out = parse_numeric_columns(df, label, {"year": int, "krw_per_usd": float, "trading_days": int})
    refuse_column_outside(out, label, "krw_per_usd", "rate", "KRW per USD")
    refuse_column_outside(out, label, "trading_days", "trading_days", "days")
    return out


def flag_complete_years(df: pd.DataFrame) -> pd.DataFrame:
    """The snapshot's last year stops at the package's build date; its mean is not an annual mean."""
    out = df.copy()
    out["complete_year"] = out["last_date"].str[5:7].eq("12") & (out["trading_days"] >= MIN_TRADING_DAYS)
    return out


def check_reference_rates(df: pd.DataFrame, label: str) -> None:
    for year, (low, high) in REFERENCE_RATES.items():
        hit = df[df["year"] == year]
        if hit.empty:
            raise CleaningError(label, None, "year", f"reference year {year} missing from the FX snapshot")
        rate = float(hit["krw_per_usd"].iloc[0])
        if not low <= rate <= high:
            raise CleaningError(label, int(hit["source_row"].iloc[0]), "krw_per_usd",
                                f"{year} rate {rate} outside pinned reference range {low}–{high}: wrong column or cross rate?")


def clean_fx_krw_usd(sources: Mapping[str, RawSource], root) -> pd.DataFrame:
    source = sources.get(FX_SOURCE_ID)
    if source is None or source.path.name != FX_FILE:
        raise CleaningError(f"data/raw/{FX_SOURCE_ID}/{FX_FILE}", None, None, "FX snapshot missing: run `boston-report snapshot fx`")
    label = label_of(source, root)
    df = read_raw_table(source, RAW_COLUMNS, label)
    df = parse_rates(df, label)
    df = flag_complete_years(df)
    check_reference_rates(df, label)
    return SCHEMA.enforce(df)
