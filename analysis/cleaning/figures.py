"""Shared reading of transcribed figure files (``data/raw/<source>/figures.csv``).

Every transcribed source is a small long table: one row per figure as printed, with the series it
belongs to, the year and period it describes, the short quote and where it sits in the source.
The per-table cleaning modules select their series from here and parse the notation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from analysis.errors import CleaningError
from analysis.sources import RawSource, label_of, read_raw_table
from analysis.units import Quantity, UnitParseError, parse_quantity, with_header_unit

FIGURE_FILE = "figures.csv"
FIGURE_COLUMNS = ("series", "measure", "year", "period", "value", "unit", "share_of", "quote", "location")
# Optional: only series about many entities (clusters, hospitals) need it.
OPTIONAL_COLUMNS = ("entity",)
PERIODS = ("FY", "H1")
# Evidence rank for choosing the preferred figure when several sources report the same one.
EVIDENCE_RANK = {"primary": 0, "secondary": 1}


def figure_sources(sources: Mapping[str, RawSource]) -> list[RawSource]:
    return [s for s in sources.values() if s.path.name == FIGURE_FILE]


def read_figures(sources: Mapping[str, RawSource], root) -> pd.DataFrame:
    """All figure rows of all transcribed sources, with evidence and file label attached."""
    frames = []
    for source in figure_sources(sources):
        label = label_of(source, root)
        df = read_raw_table(source, FIGURE_COLUMNS, label)
        for col in OPTIONAL_COLUMNS:
            if col not in df.columns:
                df[col] = ""
        df["file"] = label
        df["evidence"] = source.evidence
        df["date_published"] = str(source.meta["date_published"])
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["source_id", "source_row", *FIGURE_COLUMNS, *OPTIONAL_COLUMNS, "file", "evidence",
                                     "date_published"])
    return pd.concat(frames, ignore_index=True)


def check_series_known(figures: pd.DataFrame, known: Iterable[str]) -> None:
    """A series id nobody cleans would be a figure that silently never reaches the report."""
    known = set(known)
    for row in figures.itertuples():
        if row.series not in known:
            raise CleaningError(row.file, row.source_row, "series",
                                f"unknown series {row.series!r}; known: {sorted(known)}")


def select_series(figures: pd.DataFrame, series: Iterable[str]) -> pd.DataFrame:
    return figures[figures["series"].isin(list(series))].copy()


def parse_year(figures: pd.DataFrame, periods: tuple[str, ...] = PERIODS) -> pd.DataFrame:
    """Years are printed as four digits; anything else is a transcription slip."""
    out = figures.copy()
    for row in out.itertuples():
        if not (len(row.year) == 4 and row.year.isdigit()):
            raise CleaningError(row.file, row.source_row, "year", f"expected a four-digit year, found {row.year!r}")
        if row.period not in periods:
            raise CleaningError(row.file, row.source_row, "period", f"expected one of {periods}, found {row.period!r}")
    out["year"] = out["year"].astype(int)
    return out


def parse_figure(row, expect: str) -> Quantity:
    """Parse one figure's ``value`` (+ header ``unit``) and check it is the kind of number expected:
    'money' (KRW or USD) or 'percent'. Errors name file, row and column."""
    text = with_header_unit(row.value, row.unit)
    try:
        q = parse_quantity(text)
    except UnitParseError as exc:
        raise CleaningError(row.file, row.source_row, "value", f"{exc}") from exc
    if expect == "money" and q.unit not in ("KRW", "USD"):
        raise CleaningError(row.file, row.source_row, "value", f"cannot parse {row.value!r} as a KRW or USD amount (unit {q.unit!r})")
    if expect == "percent" and q.unit != "percent":
        raise CleaningError(row.file, row.source_row, "value", f"cannot parse {row.value!r} as a percentage")
    if q.value is None:
        raise CleaningError(row.file, row.source_row, "value", f"{row.value!r} is a range; this table needs a single figure")
    return q


def mark_preferred(df: pd.DataFrame, key: tuple[str, ...] = ("series_id", "year", "period")) -> pd.DataFrame:
    """Rule: primary before secondary, then the newest publication (later editions revise), then
    source id, so the choice is stable and stated, never a judgement made row by row."""
    out = df.copy()
    out["_rank"] = out["evidence"].map(EVIDENCE_RANK)
    out["_date"] = out["date_published"].astype(str)
    ordered = out.sort_values(["_rank", "_date", "source_id"], ascending=[True, False, True], kind="mergesort")
    first = ordered.drop_duplicates(list(key), keep="first").index
    out["preferred"] = out.index.isin(first)
    return out.drop(columns=["_rank", "_date"])
