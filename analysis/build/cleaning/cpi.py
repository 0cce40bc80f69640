"""Clean table ``cpi_u``: BLS CPI-U annual averages (US city average and Boston metro), so that
USD series can be shown in constant dollars with a stated base year."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.errors import CleaningError
from analysis.build.schema import Column, TableSchema
from analysis.build.snapshot import CPI_FILE, CPI_SERIES, CPI_SOURCE_ID
from analysis.build.cleaning.ranges import refuse_column_outside
from analysis.build.sources import RawSource, label_of, parse_numeric_columns, read_raw_table

RAW_COLUMNS = ("series_id", "area", "year", "annual_average")
# Pinned BLS annual averages (CPI-U, US city average, 1982-84=100).
REFERENCE = {2018: 251.107, 2019: 255.657}

SCHEMA = TableSchema(
    name="cpi_u",
    description="CPI-U all items, annual averages (BLS), US city average and Boston metro.",
    key=("series_id", "year"),
    columns=(
        Column("series_id", "string", "", "BLS series id.", "raw: series_id"),
        Column("area", "string", "", "Area the index covers.", "raw: area"),
        Column("year", "int", "year", "Calendar year.", "raw: year"),
        Column("index", "float", "1982-84=100", "Annual average index as published by BLS.", "raw: annual_average"),
        Column("source_id", "string", "", "Raw source folder.", "data/raw/<source_id>"),
        Column("source_row", "int", "line", "Line of the raw file.", "raw file line number"),
    ),
)


def parse_index(df: pd.DataFrame, label: str) -> pd.DataFrame:
    for row in df.itertuples():
        if row.series_id not in CPI_SERIES:
            raise CleaningError(label, row.source_row, "series_id", f"unexpected series {row.series_id!r}; expected {list(CPI_SERIES)}")
    out = parse_numeric_columns(df, label, {"year": int, "annual_average": float})
    refuse_column_outside(out, label, "annual_average", "rate", "index points")
    return out.assign(index=out["annual_average"])


def check_reference(df: pd.DataFrame, label: str) -> None:
    us = df[df["series_id"] == "CUUR0000SA0"].set_index("year")["index"]
    for year, value in REFERENCE.items():
        if us.get(year) != value:
            raise CleaningError(label, None, "annual_average", f"pinned CPI-U {year} = {value}, snapshot has {us.get(year)}")


def clean_cpi_u(sources: Mapping[str, RawSource], root) -> pd.DataFrame:
    source = sources.get(CPI_SOURCE_ID)
    if source is None or source.path.name != CPI_FILE:
        raise CleaningError(f"data/raw/{CPI_SOURCE_ID}/{CPI_FILE}", None, None, "CPI snapshot missing: run `boston-report snapshot cpi`")
    label = label_of(source, root)
    df = parse_index(read_raw_table(source, RAW_COLUMNS, label), label)
    check_reference(df, label)
    return SCHEMA.enforce(df)


def deflate(amount_usd: float, year: int, base_year: int, cpi: pd.DataFrame, series_id: str = "CUUR0000SA0") -> float:
    """Nominal USD of `year` in constant `base_year` dollars (CPI-U ratio)."""
    idx = cpi[cpi["series_id"] == series_id].set_index("year")["index"]
    if year not in idx.index or base_year not in idx.index:
        raise KeyError(f"no CPI-U annual average for {year if year not in idx.index else base_year}")
    return float(amount_usd) * float(idx[base_year]) / float(idx[year])
