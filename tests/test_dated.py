"""Rows whose own date cannot be true (after today, after their source's publication) stop the
build at file:row:column, for every raw table kind that carries such a date."""

import datetime as dt

import pandas as pd
import pytest

from analysis.build.cleaning import dated, events
from analysis.errors import CleaningError

from conftest import build_refused, edit

TODAY = dt.date(2026, 12, 3)


def ev(rows):
    base = {"source_id": "s1", "source_row": 2, "date": "2023-05-12", "category": "대응", "event": "x", "figure": "", "quote": "",
            "location": "", "file": "data/raw/s1/events.csv", "evidence": "secondary"}
    return pd.DataFrame([{**base, **r} for r in rows])


@pytest.mark.parametrize(("value", "published", "ok"), [
    ("2023-05-12", "2023-05-12", True),    # reported the same day
    ("2024", "2024-03-01", True),          # a year may mean January
    ("2024-05", "2024-03-01", False),      # a month entirely after publication
    ("2023-05-13", "2023-05-12", False),
    ("2023-05-12", "2023", True),          # a year of publication: any day in it
    ("2026-12-03", "2026-12-03", True),    # today itself
    ("2026-12-04", "2027", False),         # tomorrow, whatever the sidecar says
])
def test_impossible_date_compares_the_spans_dates_can_mean(value, published, ok):
    assert (dated.impossible_date(value, published, TODAY) is None) is ok


def test_event_dated_after_today_names_file_row_column():
    df = events.parse_events(ev([{}, {"date": "2052-04-01", "source_row": 3}]))
    with pytest.raises(CleaningError, match=r"^data/raw/s1/events.csv:3:date: the date 2052-04-01 is after today \(2026-12-03\)"):
        dated.refuse_impossible_dates(df, "date", {"s1": "2052-04-02"}, TODAY)


def test_event_dated_after_its_source_was_published_names_file_row_column():
    df = events.parse_events(ev([{"date": "2023-05-20", "source_row": 4}]))
    with pytest.raises(CleaningError, match=r"^data/raw/s1/events.csv:4:date: the date 2023-05-20 is after its source's "
                                            r"date_published 2023-05-12"):
        dated.refuse_impossible_dates(df, "date", {"s1": "2023-05-12"}, TODAY)


def test_clean_events_refuses_a_future_event(tmp_path):
    """Through clean_events itself, so the check cannot be dropped from the build without failing."""
    folder = tmp_path / "data" / "raw" / "s1"
    folder.mkdir(parents=True)
    (folder / "events.csv").write_text("date,category,event,figure,quote,location\n2023-05-12,대응,x,,,\n2031-01-01,대응,y,,,\n",
                                       encoding="utf-8")
    from analysis.build.sources import RawSource
    src = RawSource("s1", folder / "events.csv", {"date_published": "2023-05-12", "evidence": "secondary"})
    with pytest.raises(CleaningError, match=r"^data/raw/s1/events.csv:3:date: the date 2031-01-01 is after today"):
        events.clean_events({"s1": src}, tmp_path, today=TODAY)
    (folder / "events.csv").write_text("date,category,event,figure,quote,location\n2023-06-01,대응,x,,,\n", encoding="utf-8")
    with pytest.raises(CleaningError, match=r"^data/raw/s1/events.csv:2:date: the date 2023-06-01 is after its source's date_published"):
        events.clean_events({"s1": src}, tmp_path, today=TODAY)
    (folder / "events.csv").write_text("date,category,event,figure,quote,location\n2023-05-12,대응,x,,,\n", encoding="utf-8")
    assert len(events.clean_events({"s1": src}, tmp_path, today=TODAY)) == 1


@pytest.mark.slow
@pytest.mark.parametrize(("new_date", "message"), [
    ("2092-04-29", "is after today"),
    ("2023-05-29", "is after its source's date_published 2023-04-29"),
])
def test_build_stops_on_an_impossible_event_date_and_publishes_nothing(project, new_date, message):
    rel = "data/raw/sedaily-2023-04-29-korea-us-bio-supply-chain/events.csv"
    edit(project, rel, "2023-04-29,대응,한미 정상회담", f"{new_date},대응,한미 정상회담")
    assert str(build_refused(project, CleaningError)).startswith(f"{rel}:2:date: the date {new_date} {message}")


@pytest.mark.slow
@pytest.mark.parametrize(("rel", "old", "new", "message"), [
    ("data/raw/ohmynews-2024-10-25-boston-korea-selection-status/pledge_status.csv", "BOSTON-KOREA,2024-10-25,", "BOSTON-KOREA,2042-10-25,",
     "the date 2042-10-25 is after today"),
    ("data/raw/sedaily-2023-05-12-k-bio-boston-base-pledges/pledges.csv", "KIST-BOSTON,2023-05-12,", "KIST-BOSTON,2023-05-21,",
     "the date 2023-05-21 is after its source's date_published 2023-05-12"),
])
def test_build_stops_on_an_impossible_pledge_date_and_publishes_nothing(project, rel, old, new, message):
    edit(project, rel, old, new)
    assert str(build_refused(project, CleaningError)).startswith(f"{rel}:2:date: {message}")
