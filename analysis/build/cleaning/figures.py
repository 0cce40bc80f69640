"""Shared reading of transcribed figure files (``data/raw/<source>/figures.csv``).

Every transcribed source is a small long table: one row per figure as printed, with the series it
belongs to, the year and period it describes, the short quote and where it sits in the source.
The per-table cleaning modules select their series from here and parse the notation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from analysis.errors import CleaningError
from analysis.build.sources import RawSource, label_of, read_raw_table
from analysis.build.units import Quantity, UnitParseError, parse_quantity, with_header_unit

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


def quantity_at(row, column: str, text: str) -> Quantity:
    """A raw cell read as a quantity; a cell the parser cannot read stops the build at its
    file, row and column (every table whose rows carry a figure reads it through here)."""
    try:
        return parse_quantity(text)
    except UnitParseError as exc:
        raise CleaningError(row.file, row.source_row, column, str(exc)) from exc


def parse_figure(row, expect: str) -> Quantity:
    """Parse one figure's ``value`` (+ header ``unit``) and check it is the kind of number expected:
    'money' (KRW or USD) or 'percent'. Errors name file, row and column."""
    q = quantity_at(row, "value", with_header_unit(row.value, row.unit))
    if expect == "money" and q.unit not in ("KRW", "USD"):
        raise CleaningError(row.file, row.source_row, "value", f"cannot parse {row.value!r} as a KRW or USD amount (unit {q.unit!r})")
    if expect == "percent" and q.unit != "percent":
        raise CleaningError(row.file, row.source_row, "value", f"cannot parse {row.value!r} as a percentage")
    if q.value is None:
        raise CleaningError(row.file, row.source_row, "value", f"{row.value!r} is a range; this table needs a single figure")
    return q


def rounding_unit(value: float) -> float:
    """The precision a rounded figure is printed to, read from its trailing zeros:
    114,000 -> 1,000; 4.8 billion (4,800,000,000) -> 100,000,000; 26 -> 1."""
    n, unit = abs(int(round(value))), 1
    while n and n % 10 == 0:
        n, unit = n // 10, unit * 10
    return float(unit)


def agrees_with_rounded(exact: float, rounded: float) -> bool:
    """True when ``rounded`` is ``exact`` rounded to the precision ``rounded`` is printed to
    (113,994 and 'nearly 114,000'; not 112,000 and 'nearly 114,000')."""
    return abs(exact - rounded) <= rounding_unit(rounded) / 2


def superseded_by_exact(df: pd.DataFrame, key: tuple[str, ...], value_col: str) -> pd.Series:
    """Rows whose figure is a rounded one ('nearly 114,000', '약 …') while another row of the same
    key gives the same figure exactly (113,994). A series names one producer, so both rows come from
    the same source family: the exact figure says everything the rounded one does and more, so it
    wins whatever the evidence rank or edition. Figures that disagree are left to the usual rule
    (and to the gate's conflict warning)."""
    out = pd.Series(False, index=df.index)
    if value_col not in df.columns or "qualifier" not in df.columns:
        return out
    for _, group in df.groupby(list(key), sort=False, dropna=False):
        exact = [float(v) for v, q in zip(group[value_col], group["qualifier"]) if q == "exact" and pd.notna(v)]
        for idx, v, q in zip(group.index, group[value_col], group["qualifier"]):
            if q == "approx" and pd.notna(v) and any(agrees_with_rounded(e, float(v)) for e in exact):
                out[idx] = True
    return out


def mark_preferred(df: pd.DataFrame, key: tuple[str, ...] = ("series_id", "year", "period"),
                   value_col: str = "value") -> pd.DataFrame:
    """Rule: an exact figure before a rounded one that it agrees with (same series, so the same
    source family: see :func:`superseded_by_exact`); then primary before secondary, then the newest
    publication (later editions revise), then source id, so the choice is stable and stated, never
    a judgement made row by row."""
    out = df.copy()
    out["_rounded"] = superseded_by_exact(out, key, value_col)
    out["_rank"] = out["evidence"].map(EVIDENCE_RANK)
    out["_date"] = out["date_published"].astype(str)
    ordered = out.sort_values(["_rounded", "_rank", "_date", "source_id"], ascending=[True, True, False, True], kind="mergesort")
    first = ordered.drop_duplicates(list(key), keep="first").index
    out["preferred"] = out.index.isin(first)
    return out.drop(columns=["_rounded", "_rank", "_date"])


def revisions(df: pd.DataFrame, key: tuple[str, ...], value_col: str, dates: Mapping[str, str]) -> list[dict]:
    """Figures a later release revised: within one key (a series names one producer, so the rows
    of a key are that producer's releases and the stories quoting them), the preferred row was
    published after another row that gives a different figure. Both rows stay in the table, each
    dated by its source; the newer one is used (:func:`mark_preferred` puts it first whenever it is
    of the same evidence rank or better). One dict per revised (earlier) row, oldest first:
    ``key`` values, ``before``/``after`` rows and their publication dates."""
    out = []
    if df.empty:
        return out
    for k, group in df.groupby(list(key), sort=True, dropna=False):
        preferred = group[group["preferred"]]
        if len(preferred) != 1:
            continue
        new = preferred.iloc[0]
        new_date = str(dates.get(new["source_id"], ""))
        for _, old in group[~group["preferred"]].iterrows():
            old_date = str(dates.get(old["source_id"], ""))
            if pd.isna(old[value_col]) or pd.isna(new[value_col]) or float(old[value_col]) == float(new[value_col]):
                continue
            if old_date < new_date and not agrees_with_rounded(float(new[value_col]), float(old[value_col])):
                out.append({"key": dict(zip(key, k if isinstance(k, tuple) else (k,))), "before": old, "after": new,
                            "before_date": old_date, "after_date": new_date})
    return sorted(out, key=lambda r: (r["before_date"], str(r["key"])))
