"""The editions archive and its pages, on a throw-away git repository holding a copy of the real
clean data: edition A is its first commit; edition B is a second commit in which a hand edit flips
one claim's verdict and revises one amount. What the change page must say is written out here from
those two edits, not from the diff code."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis.cleaning import SCHEMAS
from analysis.paths import ProjectPaths
from analysis.report.edition import Edition, data_sha256
from analysis.review import editions
from analysis.review import html as h
from analysis.schema import write_csv

from conftest import ROOT


def git(root: Path, *args: str) -> str:
    out = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false",
                          *args], cwd=root, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def tables_of(root: Path) -> dict[str, pd.DataFrame]:
    return {name: s.read_csv(root / "data" / "clean" / f"{name}.csv") for name, s in SCHEMAS.items()}


def edition_of(root: Path, day: str) -> Edition:
    return Edition(day, git(root, "rev-parse", "HEAD"), False, data_sha256(root / "data" / "clean"))


def files(tmp: Path, tag: str) -> dict[str, Path]:
    """Stand-ins for the render's report, PDF and zip: their bytes say which edition they are."""
    out = {}
    for name in (editions.REPORT, editions.PDF, editions.DATA_ZIP):
        path = tmp / f"{tag}-{name}"
        path.write_text(f"{tag} {name}", encoding="utf-8")
        out[name] = path
    return out


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "data" / "clean", root / "data" / "clean")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "edition A")
    return root


FLIPPED = "K10"  # confirmed in the real data; edition B calls it 'differs'
REVISED = ("boston_biotech_vc_nvca", 2013)  # US$933.5M in the real data; edition B says 950M


def make_edition_b(root: Path) -> None:
    clean = root / "data" / "clean"
    claims = SCHEMAS["claims"].read_csv(clean / "claims.csv")
    assert claims.loc[claims["claim_id"] == FLIPPED, "verdict"].item() == "confirmed"
    claims.loc[claims["claim_id"] == FLIPPED, "verdict"] = "differs"
    write_csv(claims, clean / "claims.csv")
    vc = SCHEMAS["venture_investment"].read_csv(clean / "venture_investment.csv")
    at = (vc["series_id"] == REVISED[0]) & (vc["year"] == REVISED[1])
    assert at.sum() == 1 and vc.loc[at, "amount"].item() == 933_500_000.0
    vc.loc[at, ["amount", "amount_usd"]] = 950_000_000.0
    write_csv(vc, clean / "venture_investment.csv")
    git(root, "commit", "-q", "-am", "edition B")


def text_of(page: str) -> str:
    """The page's visible text, tags dropped and entities decoded (what a reader reads)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_first_edition_is_archived_with_its_files_and_no_change_page(repo: Path, tmp_path: Path):
    archive = tmp_path / "archive"
    added = editions.add(archive, ProjectPaths(repo), edition_of(repo, "2026-11-02"), files(tmp_path, "A"), tables_of(repo))
    assert added.new and added.entry["id"] == "2026-11-02" and added.entry["previous"] is None
    folder = archive / "2026-11-02"
    assert (folder / editions.REPORT).read_text(encoding="utf-8") == "A index.html"
    assert (folder / editions.PDF).read_text(encoding="utf-8") == "A index.pdf"
    assert not (folder / editions.CHANGES).exists()
    assert json.loads((folder / editions.RECORD).read_text(encoding="utf-8"))["commit"] == git(repo, "rev-parse", "HEAD")
    entry = editions.load(archive)[0]
    claims = pd.read_csv(repo / "data" / "clean" / "claims.csv")
    assert sum(entry["verdicts"].values()) == len(claims)
    assert entry["verdicts"]["confirmed"] == (claims["verdict"] == "confirmed").sum()
    jobs = next(c for c in entry["cutoffs"] if c["series_id"] == "ma_biopharma_jobs_massbio")
    ind = pd.read_csv(repo / "data" / "clean" / "indicators.csv")
    assert jobs["year"] == ind.loc[(ind["series_id"] == "ma_biopharma_jobs_massbio") & ind["preferred"], "year"].max()


def test_second_edition_gets_a_change_page_that_names_the_two_edits(repo: Path, tmp_path: Path):
    archive, paths = tmp_path / "archive", ProjectPaths(repo)
    editions.add(archive, paths, edition_of(repo, "2026-11-02"), files(tmp_path, "A"), tables_of(repo))
    make_edition_b(repo)
    b = editions.add(archive, paths, edition_of(repo, "2026-12-03"), files(tmp_path, "B"), tables_of(repo))
    assert b.new and b.entry["previous"] == "2026-11-02"
    assert b.entry["changes"] == {"added": 0, "removed": 0, "changed": 2, "verdicts": 1, "latest_years": 0}
    assert b.entry["verdicts"]["differs"] == editions.load(archive)[0]["verdicts"]["differs"] + 1
    page = text_of((archive / "2026-12-03" / editions.CHANGES).read_text(encoding="utf-8"))
    assert "무엇이 바뀌었나: 2026-12-03 판 (이전 판 2026-11-02 대비)" in page
    assert f"{FLIPPED} confirmed differs" in page  # the verdict that moved, before and after
    assert "933,500,000 USD 950,000,000 USD +1.8%" in page  # the revised amount
    index = text_of((archive / editions.INDEX_HTML).read_text(encoding="utf-8"))
    assert index.index("2026-12-03") < index.index("2026-11-02")  # newest first
    assert "행 추가 0, 삭제 0, 변경 2; 판정 변경 1" in index
    # Edition A's files are still A's: an archived edition is never rewritten.
    assert (archive / "2026-11-02" / editions.REPORT).read_text(encoding="utf-8") == "A index.html"


def test_the_same_commit_again_changes_nothing_and_a_second_commit_that_day_is_date_2(repo: Path, tmp_path: Path):
    archive, paths = tmp_path / "archive", ProjectPaths(repo)
    editions.add(archive, paths, edition_of(repo, "2026-12-03"), files(tmp_path, "A"), tables_of(repo))
    before = (archive / editions.INDEX_JSON).read_bytes()
    again = editions.add(archive, paths, edition_of(repo, "2026-12-04"), files(tmp_path, "A2"), tables_of(repo))
    assert not again.new and again.entry["id"] == "2026-12-03"
    assert (archive / editions.INDEX_JSON).read_bytes() == before
    assert (archive / "2026-12-03" / editions.REPORT).read_text(encoding="utf-8") == "A index.html"
    make_edition_b(repo)
    b = editions.add(archive, paths, edition_of(repo, "2026-12-03"), files(tmp_path, "B"), tables_of(repo))
    assert b.entry["id"] == "2026-12-03-2"
    assert editions.next_id(editions.load(archive), "2026-12-03") == "2026-12-03-3"


def test_an_uncommitted_render_is_not_an_edition(repo: Path, tmp_path: Path):
    dirty = Edition("2026-12-03", git(repo, "rev-parse", "HEAD"), True, "x")
    with pytest.raises(editions.EditionsError, match="only a committed checkout"):
        editions.add(tmp_path / "archive", ProjectPaths(repo), dirty, files(tmp_path, "A"), tables_of(repo))
    assert not (tmp_path / "archive" / "2026-12-03").exists()


def test_a_previous_commit_git_cannot_read_is_said_on_the_page(repo: Path, tmp_path: Path):
    archive, paths = tmp_path / "archive", ProjectPaths(repo)
    editions.add(archive, paths, edition_of(repo, "2026-11-02"), files(tmp_path, "A"), tables_of(repo))
    doc = json.loads((archive / editions.INDEX_JSON).read_text(encoding="utf-8"))
    doc["editions"][0]["commit"] = "0" * 40  # e.g. history rewritten since
    (archive / editions.INDEX_JSON).write_text(json.dumps(doc), encoding="utf-8")
    make_edition_b(repo)
    b = editions.add(archive, paths, edition_of(repo, "2026-12-03"), files(tmp_path, "B"), tables_of(repo))
    assert b.entry["changes"] is None
    page = text_of((archive / "2026-12-03" / editions.CHANGES).read_text(encoding="utf-8"))
    assert "행 단위 비교는 하지 못했다" in page and "0000000000" in page
    assert "비교 못 함" in text_of((archive / editions.INDEX_HTML).read_text(encoding="utf-8"))


@pytest.mark.parametrize("doc, message", [
    ("not json", "not readable as JSON"),
    ('{"format": 9, "editions": []}', 'expected {"format": 1'),
    ('{"format": 1, "editions": [{"id": "2026-01-01"}]}', r"editions\[0\] lacks date, commit"),
    ('{"format": 1, "editions": [{"id": "../x", "date": 1, "commit": 1, "data_sha256": 1, "previous": 1, "cutoffs": 1, '
     '"verdicts": 1, "changes": 1}]}', "is not an edition folder"),
])
def test_a_malformed_index_is_refused_with_file_and_field(tmp_path: Path, doc: str, message: str):
    (tmp_path / editions.INDEX_JSON).write_text(doc, encoding="utf-8")
    with pytest.raises(editions.EditionsError, match=message) as err:
        editions.load(tmp_path)
    assert str(tmp_path / editions.INDEX_JSON) in str(err.value)


def test_data_strings_stay_text_on_the_pages():
    hostile = '<script>alert(1)</script>" onmouseover="x'
    assert "<script>" not in h.element("td", hostile) and "&lt;script&gt;" in h.element("td", hostile)
    assert h.element("td", h.element("code", "ok")) == "<td><code>ok</code></td>"  # safe HTML passes
    assert h.escape(None) == "—" and h.escape(float("nan")) == "—" and h.escape("") == ""  # missing, not blank
    assert 'onmouseover="x' not in h.table(["a"], [[hostile]])
    with pytest.raises(ValueError):
        h.link("x", "javascript:alert(1)", relative=True)
    with pytest.raises(ValueError):
        h.link("x", "/root/absolute.html", relative=True)  # breaks under a sub-path
    with pytest.raises(ValueError):
        h.element("td", "x", onclick="y")
    with pytest.raises(ValueError):
        h.element("script", "x")
    entry = {"id": "2026-12-03", "commit": "a" * 40, "previous": None, "changes": None, "verdicts": {"confirmed": 1},
             "cutoffs": [{"series_id": "s", "label": hostile, "year": 2024}]}
    page = editions.index_page([entry])
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
