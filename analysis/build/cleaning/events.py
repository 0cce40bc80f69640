"""Clean table ``events``: dated events of the regulation timeline (병원 자회사, 인증제) and of
Korea's response after 2020 (state visit, Boston–Korea project, K-바이오 랩허브, 홍릉 targets).

Why a table: the report's timeline and the "how far the numbers have moved" chapter read dates
and figures from here; a target (홍릉 500개 by 2025) is an event with a number, never data on
what was achieved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from analysis.build.cleaning.dated import publication_dates, refuse_impossible_dates
from analysis.build.cleaning.figures import quantity_at
from analysis.build.cleaning.ranges import MONEY, refuse_outside
from analysis.errors import CleaningError
from analysis.build.schema import Column, TableSchema
from analysis.build.sources import RawSource, is_partial_date, read_named_tables

RAW_FILE = "events.csv"
RAW_COLUMNS = ("date", "category", "event", "figure", "quote", "location")
CATEGORIES = {"규제": "regulation", "대응": "response"}

SCHEMA = TableSchema(
    name="events",
    description="Dated events: regulation of hospital commercialisation and Korea's response (2020–2025).",
    key=("date", "source_id", "source_row"),
    columns=(
        Column("date", "string", "YYYY[-MM[-DD]]", "Date of the event as far as the source gives it.", "raw: date"),
        Column("year", "int", "year", "Year of the event.", "derived: date"),
        Column("category", "string", "", "regulation or response.", "raw: category"),
        Column("event", "string", "", "What happened (short summary in Korean).", "raw: event"),
        Column("figure_as_published", "string", "", "A number the source attaches to the event, as printed.", "raw: figure"),
        Column("figure_value", "float", "figure_unit", "That number parsed.", "parsed from raw: figure"),
        Column("figure_unit", "string", "", "Unit of figure_value.", "parsed from raw: figure"),
        Column("figure_qualifier", "string", "", "exact, approx, at_least, …", "parsed from raw: figure"),
        Column("quote", "string", "", "Verbatim quote where the source text was seen.", "raw: quote"),
        Column("evidence", "string", "", "primary or secondary.", "sidecar: evidence"),
        Column("source_id", "string", "", "Raw source folder.", "data/raw/<source_id>"),
        Column("source_row", "int", "line", "Line of the raw file.", "raw file line number"),
    ),
)


def parse_events(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    values, units, quals = [], [], []
    for row in out.itertuples():
        if not is_partial_date(row.date):
            raise CleaningError(row.file, row.source_row, "date", f"expected YYYY, YYYY-MM or YYYY-MM-DD, found {row.date!r}")
        if row.category not in CATEGORIES:
            raise CleaningError(row.file, row.source_row, "category", f"expected one of {list(CATEGORIES)}, found {row.category!r}")
        if not row.event:
            raise CleaningError(row.file, row.source_row, "event", "empty event")
        if row.figure:
            q = quantity_at(row, "figure", row.figure)
            for v in (q.value, q.low, q.high):
                refuse_outside(row.file, row.source_row, "figure", row.figure, v, "amount" if q.unit in MONEY else "count", q.unit)
            values.append(q.value)
            units.append(q.unit or "count")
            quals.append(q.qualifier)
        else:
            values.append(None), units.append(None), quals.append(None)
    return out.assign(
        year=out["date"].str[:4].astype(int), category=out["category"].map(CATEGORIES),
        figure_as_published=out["figure"].replace("", None), figure_value=values, figure_unit=units, figure_qualifier=quals,
        quote=out["quote"].replace("", None))


def clean_events(sources: Mapping[str, RawSource], root, today: dt.date | None = None) -> pd.DataFrame:
    """Events from every ``events.csv``; an event dated after today or after its source's
    publication is refused (see :mod:`analysis.build.cleaning.dated`)."""
    raw = read_named_tables(sources, root, RAW_FILE, RAW_COLUMNS)
    if raw.empty:
        raise CleaningError("data/raw", None, None, f"no {RAW_FILE} source found for events")
    parsed = parse_events(raw)
    refuse_impossible_dates(parsed, "date", publication_dates(sources), today)
    return SCHEMA.enforce(parsed)
