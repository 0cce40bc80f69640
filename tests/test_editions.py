"""The editions archive and its pages, on a throw-away git repository holding a copy of the real
clean data: edition A is its first commit; edition B is a second commit in which a hand edit flips
one claim's verdict and revises one amount. What the change page must say is written out here from
those two edits, not from the diff code."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.build.cleaning import SCHEMAS
from analysis.paths import ProjectPaths
from analysis.edition import Edition, data_sha256
from analysis.review import editions
from analysis.review import html as h
from analysis.build.schema import write_csv

from conftest import ROOT, commit_all, git


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
    commit_all(root, "edition A")
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
    ("[" * 100_000 + "]" * 100_000, "not readable as JSON"),
    ('{"format": 1, "editions": [' + "9" * 5000 + "]}", "not readable as JSON"),
    (b"\xff\xfe{}", "not readable as JSON"),
    ('{"format": 9, "editions": []}', 'expected {"format": 1'),
    ('{"format": 1, "editions": [{"id": "2026-01-01"}]}', r"editions\[0\] lacks date, commit"),
    ('{"format": 1, "editions": [{"id": "../x", "date": 1, "commit": 1, "data_sha256": 1, "previous": 1, "cutoffs": 1, '
     '"verdicts": 1, "changes": 1}]}', "is not an edition folder"),
])
def test_a_malformed_index_is_refused_with_file_and_field(tmp_path: Path, doc: str | bytes, message: str):
    path = tmp_path / editions.INDEX_JSON
    path.write_bytes(doc) if isinstance(doc, bytes) else path.write_text(doc, encoding="utf-8")
    with pytest.raises(editions.EditionsError, match=message) as err:
        editions.load(tmp_path)
    assert str(tmp_path / editions.INDEX_JSON) in str(err.value)


def test_data_strings_stay_text_on_the_pages():
    hostile = '<script>alert(1)</script>" onmouseover="x'
    assert "<script>" not in h.element("td", hostile) and "&lt;script&gt;" in h.element("td", hostile)
    assert h.element("td", h.element("code", "ok")) == "<td><code>ok</code></td>"  # safe HTML passes
    assert h.escape(None) == "—" and h.escape(float("nan")) == "—" and h.escape("") == ""  # missing, not blank
    assert 'onmouseover="x' not in h.table(["a"], [[hostile]], caption=hostile)
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


# --------------------------------------------------------------------------- the archive as untrusted input

def one_edition(archive: Path, **changes) -> Path:
    """An archive with one well-formed edition, its index entry changed by ``changes``."""
    (archive / "2026-11-02").mkdir(parents=True)
    for name in (editions.REPORT, editions.PDF, editions.DATA_ZIP, editions.RECORD):
        (archive / "2026-11-02" / name).write_text(f"A {name}", encoding="utf-8")
    entry = {"id": "2026-11-02", "date": "2026-11-02", "commit": "a" * 40, "data_sha256": "b" * 64, "previous": None,
             "cutoffs": [{"series_id": "s", "label": "지표", "year": 2024, "source_id": "x", "published": "2025"}],
             "verdicts": {"confirmed": 3}, "changes": None, **changes}
    (archive / editions.INDEX_JSON).write_text(json.dumps({"format": 1, "editions": [entry]}), encoding="utf-8")
    (archive / editions.INDEX_HTML).write_text("<p>list</p>", encoding="utf-8")
    return archive


@pytest.mark.parametrize("change, named", [
    ({"commit": 12345}, r"editions\[0\]\.commit: expected a full commit id .* got 12345"),
    ({"commit": "--output=/tmp/pwned"}, r"editions\[0\]\.commit: expected a full commit id"),
    ({"date": 20261102}, r"editions\[0\]\.date: expected a date YYYY-MM-DD, got 20261102"),
    ({"date": "2026-02-30"}, r"editions\[0\]\.date"),
    ({"data_sha256": None}, r"editions\[0\]\.data_sha256: expected a sha256"),
    ({"previous": "../../outside"}, r"editions\[0\]\.previous: expected null \(the first edition\)"),
    ({"cutoffs": [{"series_id": "s", "label": ["x"], "year": 2024, "source_id": "x", "published": "2025"}]},
     r"editions\[0\]\.cutoffs\[0\]\.label: expected text, got \['x'\]"),
    ({"cutoffs": [{"series_id": "s", "label": "x", "year": "2024", "source_id": "x", "published": "2025"}]},
     r"editions\[0\]\.cutoffs\[0\]\.year: expected a year, got '2024'"),
    ({"cutoffs": "none"}, r"editions\[0\]\.cutoffs: expected a list"),
    ({"verdicts": {"confirmed": "3"}}, r"editions\[0\]\.verdicts: expected an object of verdict -> count"),
    ({"changes": {"added": -1}}, r"editions\[0\]\.changes: expected null or an object"),
    ({"script": "<script>"}, r"editions\[0\]: unknown field\(s\) 'script'"),
])
def test_a_wrong_type_in_the_index_is_named_by_file_entry_and_field(tmp_path: Path, change: dict, named: str):
    """On main `"commit": 12345` got as far as the index page: 'unexpected TypeError: 'int' object is
    not subscriptable', naming neither the file nor the field."""
    archive = one_edition(tmp_path / "archive", **change)
    with pytest.raises(editions.EditionsError, match=named) as err:
        editions.load(archive)
    assert str(archive / editions.INDEX_JSON) in str(err.value)


def test_the_cli_names_the_file_and_field_of_a_wrong_type(project: ProjectPaths, tmp_path: Path, capsys):
    from analysis.cli import main

    from test_site import fake_render

    shutil.copy(ROOT / "CITATION.cff", project.root / "CITATION.cff")
    fake_render(project)
    archive = one_edition(tmp_path / "archive", commit=12345)
    code = main(["--root", str(project.root), "site", "--editions", str(archive), "--out", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert code == 1 and "unexpected" not in err and "TypeError" not in err
    assert f"{archive / editions.INDEX_JSON}: editions[0].commit: expected a full commit id" in err


def test_a_link_in_the_archive_is_refused_and_nothing_is_written_through_it(repo: Path, tmp_path: Path):
    """The issue's reproduction: an index.html linking outside the archive was overwritten by `site`,
    and a 2020-01-01/index.pdf linking to a file outside was copied into _site/editions/."""
    outside = tmp_path / "outside.txt"
    outside.write_text("not the archive's", encoding="utf-8")
    secret = tmp_path / "secret-config"
    secret.write_text("[credential]\ttoken = s3cret", encoding="utf-8")
    paths = ProjectPaths(repo)
    for attack in ("index.html", "index.pdf", "edition folder"):
        archive = one_edition(tmp_path / f"archive-{attack.replace(' ', '-')}", commit=git(repo, "rev-list", "--max-parents=0", "HEAD"))
        if attack == "index.html":
            (archive / editions.INDEX_HTML).unlink()
            (archive / editions.INDEX_HTML).symlink_to(outside)
        elif attack == "index.pdf":
            (archive / "2026-11-02" / editions.PDF).unlink()
            (archive / "2026-11-02" / editions.PDF).symlink_to(secret)
        else:
            shutil.move(archive / "2026-11-02", tmp_path / "elsewhere")
            (archive / "2026-11-02").symlink_to(tmp_path / "elsewhere")
        make = edition_of(repo, "2026-12-03")
        with pytest.raises(editions.EditionsError, match="a symbolic link") as err:
            editions.add(archive, paths, Edition(make.date, "c" * 40, False, make.data_sha256), files(tmp_path, "B"), tables_of(repo))
        assert "nothing was written or published" in str(err.value)
        target = tmp_path / f"site-{attack.replace(' ', '-')}"
        with pytest.raises(editions.EditionsError, match="a symbolic link"):
            editions.copy_into(archive, target)
        copied = [p for p in target.rglob("*") if p.is_file()] if target.exists() else []
        assert not any(p.read_text(encoding="utf-8", errors="replace").startswith("[credential]") for p in copied)
        shutil.rmtree(tmp_path / "elsewhere", ignore_errors=True)
    assert outside.read_text(encoding="utf-8") == "not the archive's"


@pytest.mark.parametrize("stranger", ["notes.txt", ".git", "2026-11-02/extra.js", "2026-11-02/sub/"])
def test_anything_outside_the_archive_layout_is_refused(tmp_path: Path, stranger: str):
    archive = one_edition(tmp_path / "archive")
    path = archive / stranger.rstrip("/")
    if stranger.endswith("/") or stranger == ".git":
        path.mkdir()
    else:
        path.write_text("x", encoding="utf-8")
    with pytest.raises(editions.EditionsError, match=re.escape(str(path))):
        editions.load(archive)


def test_a_fifo_in_the_archive_is_refused(tmp_path: Path):
    import os

    archive = one_edition(tmp_path / "archive")
    (archive / "2026-11-02" / editions.PDF).unlink()
    os.mkfifo(archive / "2026-11-02" / editions.PDF)
    with pytest.raises(editions.EditionsError, match="a special file"):
        editions.load(archive)


def test_a_folder_left_by_a_killed_run_neither_jams_the_next_edition_nor_reaches_the_site(repo: Path, tmp_path: Path):
    """On main a run killed after it wrote _editions/<id>/ but before editions.json made every later
    run fail with FileExistsError (the same id again), and push would have published the folder."""
    archive, paths = tmp_path / "archive", ProjectPaths(repo)
    editions.add(archive, paths, edition_of(repo, "2026-11-02"), files(tmp_path, "A"), tables_of(repo))
    make_edition_b(repo)
    stray = archive / "2026-12-03"  # what the killed run wrote for edition B, without its index entry
    stray.mkdir()
    (stray / editions.REPORT).write_text("half", encoding="utf-8")
    said: list[str] = []
    b = editions.add(archive, paths, edition_of(repo, "2026-12-03"), files(tmp_path, "B"), tables_of(repo), said.append)
    assert b.new and b.entry["id"] == "2026-12-03"
    assert (archive / "2026-12-03" / editions.REPORT).read_text(encoding="utf-8") == "B index.html"
    assert any("left out 2026-12-03/" in s for s in said)
    # A stray beside an edition already archived: the archive is rewritten without it.
    (archive / "2026-12-04").mkdir()
    (archive / "2026-12-04" / editions.REPORT).write_text("half", encoding="utf-8")
    again = editions.add(archive, paths, edition_of(repo, "2026-12-05"), files(tmp_path, "C"), tables_of(repo))
    assert not again.new and not (archive / "2026-12-04").exists()
    assert sorted(p.name for p in archive.iterdir()) == ["2026-11-02", "2026-12-03", "editions.json", "index.html"]
    assert sorted(p.name for p in archive.parent.iterdir() if p.name.startswith(".editions-")) == []


def test_the_site_gets_the_indexed_editions_and_an_index_page_of_its_own(tmp_path: Path):
    archive = one_edition(tmp_path / "archive")
    (archive / editions.INDEX_HTML).write_text("<script>alert('from the branch')</script>", encoding="utf-8")
    (archive / "2026-12-09").mkdir()  # a stray: not listed
    target = tmp_path / "site" / "editions"
    entries = editions.copy_into(archive, target)
    assert [e["id"] for e in entries] == ["2026-11-02"]
    assert sorted(p.name for p in target.iterdir()) == ["2026-11-02", "editions.json", "index.html"]
    assert "<script>" not in (target / editions.INDEX_HTML).read_text(encoding="utf-8")
    assert not any(p.is_symlink() for p in target.rglob("*"))
