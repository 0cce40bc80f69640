"""`boston-report status` on hand-made clean tables and sidecars, as of a fixed day (2025-06-15)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_datadiff import vc, write_table

from analysis import cli
from analysis.paths import ProjectPaths
from analysis.review.status import last_day_of, render_markdown, render_text, series_status

TODAY = date(2025, 6, 15)


def indicator(series: str, entity: str, year: int, source: str, row: int, preferred: bool = True) -> dict:
    return {"series_id": series, "topic": "밀집", "region": "KR", "entity": entity, "metric": "m", "basis": "b",
            "year": year, "period": "FY", "unit": "count", "value": 1.0, "qualifier": "exact", "evidence": "primary",
            "preferred": preferred, "source_id": source, "source_row": row}


def sidecar(root: Path, source_id: str, extra: str = "") -> None:
    folder = root / "data" / "raw" / source_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "figures.csv.meta.yaml").write_text(f"title: {source_id}\ndate_published: '2020'\n{extra}", encoding="utf-8")


@pytest.fixture
def hand_made(tmp_path: Path) -> ProjectPaths:
    """A project of hand-made clean tables and sidecars (not a copy of the real data)."""
    write_table(tmp_path, "sources", [
        {"source_id": "s-annual", "title": "Annual", "date_published": "2021-03"},
        {"source_id": "s-boston", "title": "Boston <b>|</b>", "date_published": "2025-01-10"},
        {"source_id": "s-seoul", "title": "Seoul", "date_published": "2023"},
        {"source_id": "s-old", "title": "Old", "date_published": "2011"},
        {"source_id": "s-later", "title": "Later, not preferred", "date_published": "2024"},
    ])
    write_table(tmp_path, "venture_investment", [
        vc("ser_x", 2019, 1.0, "s-annual", 2),
        vc("ser_x", 2020, 2.0, "s-annual", 3),
        {**vc("ser_x", 2023, 3.0, "s-later", 2), "preferred": False},  # not used by the report: ignored
    ])
    write_table(tmp_path, "indicators", [
        indicator("ind_z", "Boston", 2024, "s-boston", 2),
        indicator("ind_z", "Seoul", 2022, "s-seoul", 2),
        indicator("ind_w", "Korea", 2010, "s-old", 2),
    ])
    sidecar(tmp_path, "s-annual", "next_expected: '2022'\n")  # the 2022 edition is long out: overdue
    sidecar(tmp_path, "s-boston", "next_expected: '2025-06'\n")  # June 2025 is not over on the 15th
    sidecar(tmp_path, "s-seoul", "next_expected: 2025-06-14\n")  # unquoted: YAML reads a date; yesterday
    sidecar(tmp_path, "s-old")  # no next_expected: nothing known
    return ProjectPaths(tmp_path)


def test_years_behind_overdue_and_order(hand_made):
    rows = series_status(hand_made, today=TODAY)
    got = [(s.series_id, s.entity, s.latest_year, s.years_behind, s.source_id, s.date_published,
            s.next_edition.text if s.next_edition else None, s.overdue(TODAY)) for s in rows]
    assert got == [
        ("ind_w", "Korea", 2010, 15, "s-old", "2011", None, False),
        ("ser_x", None, 2020, 5, "s-annual", "2021-03", "2022", True),
        ("ind_z", "Seoul", 2022, 3, "s-seoul", "2023", "2025-06-14", True),
        ("ind_z", "Boston", 2024, 1, "s-boston", "2025-01-10", "2025-06", False),
    ]


def test_a_month_is_overdue_only_once_it_is_over(hand_made):
    boston = next(s for s in series_status(hand_made, today=date(2025, 7, 1)) if s.entity == "Boston")
    assert boston.years_behind == 1 and boston.overdue(date(2025, 7, 1))
    assert not boston.overdue(date(2025, 6, 30))


def test_text_and_markdown(hand_made):
    rows = series_status(hand_made, today=TODAY)
    text = render_text(rows, today=TODAY)
    assert text.startswith("4 series as of 2025-06-15; 2 with a newer edition overdue")
    lines = text.splitlines()
    assert lines[3].split() == ["ind_w", "Korea", "2010", "15", "s-old", "2011", "—"]
    assert lines[4].split() == ["ser_x", "2020", "5", "s-annual", "2021-03", "overdue", "(expected", "2022)"]
    assert lines[6].split()[-2:] == ["expected", "2025-06"]
    md = render_markdown(rows, today=TODAY)
    assert "| ind\\_z | Seoul | 2022 | 3 | s-seoul | 2023 | overdue (expected 2025-06-14) |" in md


def test_unreadable_next_expected_is_shown_not_fatal(hand_made):
    sidecar(hand_made.root, "s-old", "next_expected: next spring\n")
    old = next(s for s in series_status(hand_made, today=TODAY) if s.source_id == "s-old")
    assert old.next_edition is not None and old.next_edition.last_day is None and not old.overdue(TODAY)
    assert "unreadable next_expected 'next spring'" in render_text([old], today=TODAY)


@pytest.mark.parametrize("text, last_day", [
    ("2025", date(2025, 12, 31)), ("2024-02", date(2024, 2, 29)), ("2025-06-14", date(2025, 6, 14)),
    ("2025-13", None), ("2025-02-30", None), ("soon", None), ("25", None),
])
def test_partial_dates_end_on_their_last_day(text, last_day):
    assert last_day_of(text) == last_day


def test_cli_status_with_a_fixed_day(hand_made, capsys):
    assert cli.main(["--root", str(hand_made.root), "status", "--today", "2025-06-15", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### Series status: 4 series as of 2025-06-15") and "| ser\\_x |" in out


def test_runs_on_the_real_data():
    rows = series_status(ProjectPaths.from_env(), today=TODAY)
    assert rows and all(s.source_id != "—" for s in rows)
    assert [s.years_behind for s in rows] == sorted((s.years_behind for s in rows), reverse=True)
