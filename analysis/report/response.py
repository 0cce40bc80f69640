"""Numbers, the timeline and the table for the 한국의 대응 (Korea's response) chapter."""

from __future__ import annotations

import pandas as pd

from analysis.report import markup as m
from analysis.report import provenance as prov
from analysis.report import text as t

CATEGORY_LABELS = {"regulation": "규제", "response": "대응"}
TIMELINE_COLORS = {"규제": "#5E5E5E", "대응": "#0F4C81"}
# An event is a plan when its text states a target or a plan, not something that happened.
PLAN_WORDS = ("목표", "계획")


def is_plan(event: str) -> bool:
    return any(word in str(event) for word in PLAN_WORDS)


def events_table(events: pd.DataFrame) -> m.Markup:
    """The dated timeline of regulation and response; a target is marked as a plan, and a figure
    keeps its printed form, its provenance and the dagger of secondary evidence."""
    rows = []
    for _, e in events.sort_values(["date", "source_row"]).iterrows():
        figure = None if pd.isna(e["figure_as_published"]) else prov.cite(f"{e['figure_as_published']}{t.dagger(e['evidence'])}", e, mark=False)
        rows.append({"date": e["date"], "cat": CATEGORY_LABELS[e["category"]], "event": e["event"],
                     "kind": "계획·목표" if is_plan(e["event"]) else "사실", "figure": figure})
    return m.table(rows, [m.Column("날짜", "date", "l", 1.2), m.Column("구분", "cat", "l", 0.7), m.Column("내용", "event", "l", 4.6),
                          m.Column("성격", "kind", "l", 0.9), m.Column("수치", "figure", "r", 1.6)])


def _start(date: str) -> pd.Timestamp:
    """Where a partial date sits on the axis: a year at its middle, a month at its 15th."""
    parts = str(date).split("-")
    return pd.Timestamp(int(parts[0]), int(parts[1]) if len(parts) > 1 else 7, int(parts[2]) if len(parts) > 2 else (15 if len(parts) > 1 else 1))


def timeline_frame(events: pd.DataFrame) -> pd.DataFrame:
    out = events.sort_values(["date", "source_row"]).copy()
    out["category"] = out["category"].map(CATEGORY_LABELS)
    out["kind"] = out["event"].map(lambda e: "계획·목표" if is_plan(e) else "사실")
    out["date_start"] = out["date"].map(_start).dt.strftime("%Y-%m-%d")
    return out


def event(events: pd.DataFrame, contains: str) -> pd.Series:
    """The one event whose text contains ``contains`` (a chapter's named reference to the timeline)."""
    hits = events[events["event"].str.contains(contains, regex=False)]
    if len(hits) != 1:
        raise KeyError(f"expected one event containing {contains!r}, found {len(hits)}")
    return hits.iloc[0]


def figure(events: pd.DataFrame, contains: str) -> prov.Cited:
    e = event(events, contains)
    return prov.cite(f"{e['figure_as_published']}{t.dagger(e['evidence'])}", e)
