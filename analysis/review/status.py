"""``boston-report status``: how current each series is, so the analyst knows what to update first.

The report argues from the latest figure of each series, and its sources publish on their own
rhythm (MassBio's annual industry snapshot, KVCA's yearly statistics, NIH's fiscal-year awards).
For every series of ``venture_investment`` and ``indicators`` this lists the latest year the report
uses (preferred rows), when the source of that figure was published, how many years that is behind
today, and whether a newer edition is due: the optional sidecar field ``next_expected`` ('YYYY',
'YYYY-MM' or 'YYYY-MM-DD') records when the source's next edition is expected or was published,
and a date already past means an edition the data do not have yet ("overdue").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.build.cleaning import SCHEMAS
from analysis.review.listing import MISSING, markdown_table, md_escape, text_table, to_python
from analysis.paths import ProjectPaths
from analysis.build.sources import SidecarUnreadable, parse_partial_date, read_sidecar

SERIES_TABLES = ("venture_investment", "indicators")


@dataclass(frozen=True)
class NextEdition:
    """A sidecar's ``next_expected``: the text as written, and the last day it can mean."""

    text: str
    last_day: date | None  # None: not a YYYY[-MM[-DD]] date

    def overdue(self, today: date) -> bool:
        """Past once every day the text can mean is over: '2025' is overdue from 2026-01-01 on,
        '2025-06' from July, '2025-06-15' from the 16th (no edition is late before its date)."""
        return self.last_day is not None and self.last_day < today


@dataclass(frozen=True)
class SeriesStatus:
    table: str
    series_id: str
    entity: str | None
    latest_year: int
    years_behind: int
    source_id: str
    date_published: str | None
    next_edition: NextEdition | None

    def overdue(self, today: date) -> bool:
        return self.next_edition is not None and self.next_edition.overdue(today)


def last_day_of(text: str) -> date | None:
    """The last day 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' can mean; None for anything else (not a guess)."""
    span = parse_partial_date(text.strip())
    return span[1] if span else None


def next_expected(raw: Path, source_id: str) -> NextEdition | None:
    """``next_expected`` from the source's sidecar(s), read as the build reads them (dates stay
    text); None when absent. The build has already refused a malformed sidecar, so here an
    unreadable one is shown as absent, not fatal: status is a report, not a gate."""
    for sidecar in sorted((raw / source_id).glob("*.meta.yaml")):
        try:
            meta = read_sidecar(sidecar)
        except SidecarUnreadable:
            continue
        value = meta.get("next_expected")
        if value is not None and str(value).strip():
            return NextEdition(str(value), last_day_of(str(value)))
    return None


def _read(paths: ProjectPaths, table: str) -> pd.DataFrame:
    path = paths.clean / f"{table}.csv"
    return SCHEMAS[table].read_csv(path) if path.exists() else pd.DataFrame(columns=SCHEMAS[table].names)


def _groups(table: str, rows: pd.DataFrame) -> list[tuple[str, str | None, pd.DataFrame]]:
    """One group per series; an indicators series whose entity varies is one group per entity."""
    out = []
    for series_id, frame in rows.groupby("series_id", sort=True):
        entities = frame["entity"].dropna().unique() if "entity" in frame.columns else []
        if len(entities) > 1:
            out += [(str(series_id), None if pd.isna(e) else str(e), part)
                    for e, part in frame.groupby("entity", sort=True, dropna=False)]
        else:
            out.append((str(series_id), str(entities[0]) if len(entities) else None, frame))
    return out


def _latest_source(latest: pd.DataFrame, published: dict[str, str]) -> str:
    """Of the latest year's rows (periods or entities may differ), the newest-published source:
    its date says the most about when the next edition can come."""
    ids = sorted({str(s) for s in latest["source_id"].dropna()})
    return max(ids, key=lambda s: (published.get(s, ""), s)) if ids else MISSING


def series_status(paths: ProjectPaths, today: date | None = None) -> list[SeriesStatus]:
    """Every series, most stale first (then by table, series and entity)."""
    today = today or date.today()
    sources = _read(paths, "sources")
    published = {str(r.source_id): str(r.date_published) for r in sources.itertuples()
                 if to_python(r.date_published) is not None}
    out = []
    for table in SERIES_TABLES:
        df = _read(paths, table)
        preferred = df[df["preferred"].fillna(False).astype(bool)] if len(df) else df
        for series_id, entity, frame in _groups(table, preferred):
            year = int(frame["year"].max())
            source = _latest_source(frame[frame["year"] == year], published)
            out.append(SeriesStatus(table, series_id, entity, year, today.year - year, source, published.get(source),
                                    next_expected(paths.raw, source)))
    return sorted(out, key=lambda s: (-s.years_behind, s.table, s.series_id, s.entity or ""))


def _next_cell(s: SeriesStatus, today: date) -> str:
    if s.next_edition is None:
        return MISSING  # no next_expected in the sidecar: nothing is known about a newer edition
    if s.next_edition.last_day is None:
        return f"unreadable next_expected {s.next_edition.text!r}"
    if s.overdue(today):
        return f"overdue (expected {s.next_edition.text})"
    return f"expected {s.next_edition.text}"


HEADERS = ["series", "entity", "latest", "years behind", "source", "published", "next edition"]


def _rows(items: list[SeriesStatus], today: date) -> list[list[str]]:
    return [[s.series_id, s.entity or "", str(s.latest_year), str(s.years_behind), s.source_id,
             s.date_published or MISSING, _next_cell(s, today)] for s in items]


def _summary(items: list[SeriesStatus], today: date) -> str:
    overdue = sum(s.overdue(today) for s in items)
    return (f"{len(items)} series as of {today.isoformat()}; "
            f"{overdue} with a newer edition overdue (sidecar next_expected in the past)")


def render_text(items: list[SeriesStatus], today: date | None = None) -> str:
    """Aligned table for the terminal, most stale first."""
    today = today or date.today()
    lines = [_summary(items, today), ""]
    lines += text_table(HEADERS, _rows(items, today), right=(2, 3), max_cell=40)
    return "\n".join(lines) + "\n"


def render_markdown(items: list[SeriesStatus], today: date | None = None) -> str:
    """GFM table (every data string escaped), e.g. for a job summary or an issue."""
    today = today or date.today()
    lines = [f"### Series status: {md_escape(_summary(items, today))}", ""]
    lines += markdown_table(HEADERS, _rows(items, today), right=(2, 3))
    return "\n".join(lines) + "\n"
