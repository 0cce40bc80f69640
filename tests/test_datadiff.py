"""`boston-report diff` on a throw-away git repository with small hand-made clean tables: the base
commit on main, then a branch that adds a row, removes one, revises an amount, flips a verdict,
extends a series by a year and adds a table. Every expected figure is written out by hand here."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import cli
from analysis.review import datadiff
from analysis.build.cleaning import SCHEMAS
from analysis.review.datadiff import LatestYearMove, VerdictChange, compute, relative_change, render_markdown, render_text
from analysis.review.listing import md_escape
from analysis.paths import ProjectPaths
from analysis.build.schema import write_csv

from conftest import commit_all, git

HOSTILE = "a|b<script>"


def write_table(root: Path, table: str, rows: list[dict]) -> None:
    """A clean CSV with the table's exact columns (unset columns empty), as the build writes it."""
    path = root / "data" / "clean" / f"{table}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(pd.DataFrame(rows, columns=SCHEMAS[table].names), path)


def vc(series: str, year: int, amount: float, source: str, row: int) -> dict:
    return {"series_id": series, "region": "MA", "basis": "hand-made", "year": year, "period": "FY", "currency": "USD",
            "amount": amount, "qualifier": "exact", "amount_usd": amount, "evidence": "primary", "preferred": True,
            "source_id": source, "source_row": row}


def claim(claim_id: str, verdict: str) -> dict:
    return {"claim_id": claim_id, "claimant": "KERI", "claim": "…", "figure_as_printed": "1", "verdict": verdict,
            "check": "hand", "source_id": "s-claims", "source_row": 2}


SOURCES = [
    {"source_id": "s-a", "file": "data/raw/s-a/figures.csv", "title": "Alpha report", "date_published": "2019"},
    {"source_id": "s-b", "file": "data/raw/s-b/figures.csv", "title": HOSTILE, "date_published": "2020-05"},
    {"source_id": "s-claims", "file": "data/raw/s-claims/claims.csv", "title": "Claims", "date_published": "2020"},
]


@pytest.fixture
def repo(tmp_path: Path) -> tuple[ProjectPaths, str]:
    """main: the base data; branch `change` (checked out): the changed data, committed."""
    write_table(tmp_path, "sources", SOURCES)
    write_table(tmp_path, "venture_investment", [
        vc("ser_x", 2018, 100_000_000.0, "s-a", 2),
        vc("ser_x", 2019, 933_500_000.0, "s-b", 3),
        vc("ser_y", 2017, 5_000_000.0, "s-a", 4),
    ])
    write_table(tmp_path, "claims", [claim("C1", "differs"), claim("C2", "confirmed")])
    base = commit_all(tmp_path, "base")

    git(tmp_path, "checkout", "-q", "-b", "change")
    write_table(tmp_path, "venture_investment", [
        vc("ser_x", 2018, 100_000_000.0, "s-a", 2),
        vc("ser_x", 2019, 1_000_000_000.0, "s-b", 3),  # revised: 933.5M -> 1,000M
        vc("ser_x", 2020, 50_000_000.0, "s-a", 5),  # added: ser_x now runs to 2020
        # ser_y 2017 removed
    ])
    write_table(tmp_path, "claims", [claim("C1", "confirmed"), claim("C2", "confirmed")])
    write_table(tmp_path, "indicators", [  # a table the base does not have
        {"series_id": "ind_z", "topic": "밀집", "region": "Boston", "entity": "Boston", "metric": "m", "basis": "b",
         "year": 2021, "period": "AT", "unit": "count", "value": 12.0, "qualifier": "exact", "evidence": "primary",
         "preferred": True, "source_id": "s-a", "source_row": 6},
    ])
    commit_all(tmp_path, "change")
    return ProjectPaths(tmp_path), base


def test_default_ref_is_where_the_branch_left_main(repo):
    paths, base = repo
    diff = compute(paths)
    assert diff.ref.commit == base and diff.ref.label == "merge-base of HEAD and main"


def test_on_main_itself_the_default_is_head(repo):
    paths, base = repo
    git(paths.root, "checkout", "-q", "main")
    diff = compute(paths)
    assert diff.ref.commit == base and diff.ref.label == "HEAD" and diff.empty


def test_diff_reports_exactly_the_changes(repo):
    paths, base = repo
    diff = compute(paths, "main")
    by_table = {t.table: t for t in diff.tables}
    assert set(by_table) == {"sources", "venture_investment", "claims", "indicators"}
    assert by_table["sources"].empty

    vi = by_table["venture_investment"]
    assert (vi.rows_before, vi.rows_now) == (3, 3)
    assert [(f.key, f.value, f.unit, f.source_id) for f in vi.added] == [("ser_x 2020 FY", 50_000_000.0, "USD", "s-a")]
    assert [(f.key, f.value, f.source_id) for f in vi.removed] == [("ser_y 2017 FY", 5_000_000.0, "s-a")]
    [change] = vi.changed
    assert (change.key, change.column, change.before, change.after, change.source_id) == (
        "ser_x 2019 FY", "amount", 933_500_000.0, 1_000_000_000.0, "s-b")
    assert change.pct == pytest.approx(66.5 / 933.5 * 100)  # (1000 - 933.5) / 933.5 = +7.12 %
    assert change.also_changed == ("amount_usd",)

    [verdict_row] = by_table["claims"].changed
    assert (verdict_row.key, verdict_row.before, verdict_row.after) == ("C1", "differs", "confirmed")
    assert diff.verdicts == [VerdictChange("C1", "differs", "confirmed")]

    ind = by_table["indicators"]
    assert ind.rows_before is None and [f.key for f in ind.added] == ["ind_z Boston 2021 AT"] and not ind.changed

    assert diff.latest_years == [
        LatestYearMove("venture_investment", "ser_x", 2019, 2020),
        LatestYearMove("venture_investment", "ser_y", 2017, None),
        LatestYearMove("indicators", "ind_z (Boston)", None, 2021),
    ]
    assert diff.titles["s-b"] == HOSTILE


def test_text_output_shows_figures_change_and_titles(repo):
    paths, _ = repo
    text = render_text(compute(paths, "main"))
    assert "933,500,000 USD" in text and "1,000,000,000 USD" in text and "+7.1%" in text
    assert "50,000,000 USD" in text and "ser_y 2017 FY" in text
    assert any(line.split() == ["C1", "differs", "→", "confirmed"] for line in text.splitlines())
    assert any(line.split() == ["venture_investment", "ser_x", "2019", "→", "2020"] for line in text.splitlines())
    assert any(line.split()[:1] == ["s-b"] and line.rstrip().endswith(HOSTILE) for line in text.splitlines())


def test_uncommitted_changes_count_too(repo):
    paths, _ = repo
    write_table(paths.root, "claims", [claim("C1", "confirmed")])
    diff = compute(paths, "HEAD")
    [claims] = [t for t in diff.tables if not t.empty]
    assert claims.table == "claims" and [f.key for f in claims.removed] == ["C2"]


def test_markdown_escapes_a_hostile_title(repo):
    paths, _ = repo
    md = render_markdown(compute(paths, "main"))
    assert "<script>" not in md and HOSTILE not in md
    assert "| s-b | a\\|b&lt;script&gt; |" in md
    assert "| ser\\_x 2019 FY | amount | 933,500,000 USD | 1,000,000,000 USD | +7.1% | s-b | amount\\_usd |" in md


def test_markdown_tables_have_consistent_column_counts(repo):
    paths, _ = repo
    md = render_markdown(compute(paths, "main"))
    for block in md.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        if rows:
            counts = {line.replace("\\|", "").count("|") for line in rows}
            assert len(counts) == 1, block


def test_md_escape_neutralises_markup():
    assert md_escape("a|b<script>`x`\n*y* [z](u) &amp;") == "a\\|b&lt;script&gt;\\`x\\` \\*y\\* \\[z\\](u) &amp;amp;"


def test_lists_are_capped(repo):
    paths, _ = repo
    text = render_text(compute(paths, "main"), limit=1)
    assert "… and 2 more" in text  # latest year moved: 3 series, 1 shown
    assert "_… and 2 more_" in render_markdown(compute(paths, "main"), limit=1)


def test_relative_change_only_for_numbers():
    assert relative_change(200.0, 150.0) == pytest.approx(-25.0)
    assert relative_change(0.0, 1.0) is None and relative_change("a", "b") is None and relative_change(True, False) is None
    assert relative_change(None, 1.0) is None


def test_unknown_ref_exits_2_with_one_line(repo, capsys):
    paths, _ = repo
    assert cli.main(["--root", str(paths.root), "diff", "no-such-ref"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == err.strip().splitlines()[0]
    assert "unknown git ref 'no-such-ref'" in err


def test_not_a_repository_or_no_git_exits_2(tmp_path, capsys, monkeypatch):
    assert cli.main(["--root", str(tmp_path), "diff"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err
    assert cli.main(["--root", str(tmp_path / "missing"), "diff"]) == 2
    assert "could not run git" in capsys.readouterr().err
    monkeypatch.setattr(datadiff.shutil, "which", lambda name: None)
    assert cli.main(["--root", str(tmp_path), "diff", "HEAD"]) == 2
    assert "git is not installed" in capsys.readouterr().err


def test_cli_prints_markdown(repo, capsys):
    paths, _ = repo
    assert cli.main(["--root", str(paths.root), "diff", "main", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### Clean data: working tree vs ") and "#### Claim verdicts changed (1)" in out


def _vi(rows):
    cols = ["series_id", "year", "period", "amount", "value_as_published", "preferred", "source_id", "source_row"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


REVISION_SOURCES = pd.DataFrame({"source_id": ["aug", "feb"], "date_published": ["2025-08-13", "2026-02-13"]})


def test_a_figure_revised_by_a_newer_release_is_listed_with_both_releases():
    """H1 2025: the August release said 5조6780억원, the February release 57,380억원. Both rows are kept,
    the newer is preferred, and the diff names the revision with each figure's source and date."""
    old = _vi([("kr_all_vc_mss", 2025, "H1", 5.678e12, "5조6780억원", True, "aug", 2)])
    new = _vi([("kr_all_vc_mss", 2025, "H1", 5.678e12, "5조6780억원", False, "aug", 2),
               ("kr_all_vc_mss", 2025, "H1", 5.738e12, "57,380억원", True, "feb", 8)])
    revs = datadiff.revisions_since("venture_investment", old, new, REVISION_SOURCES)
    assert [(r.key, r.before, r.before_source, r.after, r.after_source) for r in revs] == [
        ("kr_all_vc_mss 2025 H1", "5조6780억원", "aug, 2025-08-13", "57,380억원", "feb, 2026-02-13")]
    # already preferred at the ref: not a revision made by this change
    assert datadiff.revisions_since("venture_investment", new, new, REVISION_SOURCES) == []
    # the same figure repeated, or a rounded form of it, is no revision
    same = _vi([("s", 2025, "FY", 5.738e12, "5조7380억원", False, "aug", 2), ("s", 2025, "FY", 5.738e12, "57,380억원", True, "feb", 8)])
    assert datadiff.revisions_since("venture_investment", None, same, REVISION_SOURCES) == []


def test_revisions_are_shown_in_the_text_and_markdown_diff():
    added = [datadiff.RowFigure("kr_all_vc_mss 2025 H1", "amount", 5.738e12, "KRW", "feb")]
    diff = datadiff.DataDiff(datadiff.Ref("0" * 40, "HEAD"), [datadiff.TableDiff("venture_investment", 1, 2, added=added)], [], [], {},
                             [datadiff.Revision("venture_investment", "kr_all_vc_mss 2025 H1", "5조6780억원", "aug, 2025-08-13",
                                                "57,380억원", "feb, 2026-02-13")])
    text = datadiff.render_text(diff)
    assert "revised by a newer release (1; both rows kept, the newer is used)" in text
    assert "5조6780억원" in text and "feb, 2026-02-13" in text
    md = datadiff.render_markdown(diff)
    assert "#### Revised by a newer release (1; both rows kept, the newer is used)" in md and "aug, 2025-08-13" in md
