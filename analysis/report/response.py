"""Numbers and tables for the 한국의 대응 (Korea's response, 2020–2025) chapter."""

from __future__ import annotations

import pandas as pd

from analysis.report import markup as m
from analysis.report import text as t

CATEGORY_LABELS = {"regulation": "규제", "response": "대응"}


def events_table(events: pd.DataFrame) -> m.Markup:
    """The dated timeline of regulation and response; a target keeps the figure as published and
    the dagger of secondary evidence."""
    rows = [{"date": e.date, "cat": CATEGORY_LABELS[e.category], "event": e.event,
             "figure": None if pd.isna(e.figure_as_published) else f"{e.figure_as_published}{t.dagger(e.evidence)}"}
            for e in events.sort_values(["date", "source_row"]).itertuples()]
    return m.table(rows, [m.Column("날짜", "date", "l", 1.2), m.Column("구분", "cat", "l", 0.7), m.Column("내용", "event", "l", 5),
                          m.Column("수치", "figure", "r", 1.6)])
