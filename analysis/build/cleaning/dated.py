"""Dates a raw row cannot truly have: its own date (when the event happened, the pledge was made,
the status was observed) after today, or after the publication date of the source that reports it.

Why: a source cannot report what had not yet happened when it was published, and nothing has
happened after today. Such a date is a typing slip (2052 for 2025, a month and day swapped) that
would silently move a row on the timeline or, for a pledge status, change what the report says
was delivered. Only a row's own date is checked: a deadline or target the row names may lie
ahead. Partial dates ('2024', '2024-05') are compared by the span they can mean, so a row dated
'2024' in a source published '2024-03-01' is accepted (it may be January), one dated '2024-05'
is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from analysis.errors import CleaningError
from analysis.build.sources import RawSource, parse_partial_date


def publication_dates(sources: Mapping[str, RawSource]) -> dict[str, str]:
    """Each source's ``date_published`` as written in its sidecar, keyed by source id."""
    return {sid: str(src.meta["date_published"]) for sid, src in sources.items()}


def impossible_date(value: str, published: str, today: dt.date) -> str | None:
    """Why ``value`` cannot be the row's own date, or None when it can.

    The earliest day ``value`` can mean must be no later than today and no later than the last
    day ``published`` can mean; an unparseable date is the caller's own check."""
    span = parse_partial_date(str(value))
    pub = parse_partial_date(str(published))
    if span is None:
        return None
    if span[0] > today:
        return f"the date {value} is after today ({today.isoformat()}); a row's own date has already happened"
    if pub is not None and span[0] > pub[1]:
        return (f"the date {value} is after its source's date_published {published}; "
                "a source cannot report what happened after it was published")
    return None


def refuse_impossible_dates(df: pd.DataFrame, column: str, published: Mapping[str, str],
                            today: dt.date | None = None) -> None:
    """Raise :class:`CleaningError` (``file:row:column``) at the first row whose ``column`` is after
    today or after its source's publication date. ``df`` carries ``file``, ``source_id`` and
    ``source_row`` as every raw table read by :func:`analysis.build.sources.read_named_tables` does."""
    today = today or dt.date.today()
    for row in df.itertuples():
        problem = impossible_date(getattr(row, column), published.get(row.source_id, ""), today)
        if problem:
            raise CleaningError(row.file, row.source_row, column, problem)
