"""Reading the long ``indicators`` table the way the chapters need it: one series, the latest
figure per entity, a year range with explicit gaps. Shared by the density, hospital and
response chapters so they stay thin."""

from __future__ import annotations

import pandas as pd


def preferred(ind: pd.DataFrame, series_id: str, **where) -> pd.DataFrame:
    rows = ind[(ind["series_id"] == series_id) & ind["preferred"]]
    for col, value in where.items():
        rows = rows[rows[col] == value]
    return rows.sort_values(["entity", "year"]).reset_index(drop=True)


def annual(ind: pd.DataFrame, series_id: str, entity: str | None = None) -> pd.DataFrame:
    """Full-year figures of one series (one entity), sorted by year."""
    rows = preferred(ind, series_id, period="FY")
    if entity is not None:
        rows = rows[rows["entity"] == entity]
    return rows.sort_values("year").reset_index(drop=True)


def with_gaps(df: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """An explicit empty row for every year without a figure, so a line breaks there. Nothing is filled."""
    out = pd.DataFrame({"year": range(first, last + 1)}).merge(df, on="year", how="left")
    out["year"] = out["year"].astype("Int64")
    return out


def stack_with_gaps(parts: dict[str, pd.DataFrame], label_col: str) -> pd.DataFrame:
    """Several yearly series on one common year range, each with explicit gaps, labelled."""
    years = pd.concat([df["year"] for df in parts.values()]).astype(int)
    first, last = int(years.min()), int(years.max())
    return pd.concat([with_gaps(df, first, last).assign(**{label_col: label}) for label, df in parts.items()], ignore_index=True)


def latest(ind: pd.DataFrame, series_id: str, entity: str | None = None) -> pd.Series:
    rows = preferred(ind, series_id)
    if entity is not None:
        rows = rows[rows["entity"] == entity]
    if rows.empty:
        raise KeyError(f"no preferred figure for {series_id} {entity or ''}".strip())
    return rows.sort_values("year").iloc[-1]


def value_at(ind: pd.DataFrame, series_id: str, year: int, entity: str | None = None, period: str = "FY") -> pd.Series:
    rows = preferred(ind, series_id)
    rows = rows[(rows["year"] == year) & (rows["period"] == period)]
    if entity is not None:
        rows = rows[rows["entity"] == entity]
    if len(rows) != 1:
        raise KeyError(f"expected one figure for {series_id} {entity or ''} {year} {period}, found {len(rows)}")
    return rows.iloc[0]
