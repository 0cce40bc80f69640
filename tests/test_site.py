"""The site step's own outputs: the data zip (exactly data/clean/ plus a README naming the edition),
and the refusal to assemble a site from a render that is not this checkout's."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from analysis.paths import ProjectPaths
from analysis.report import citation
from analysis.edition import Edition, StaleRender, data_sha256
from analysis.report.data import load_all
from analysis.review import site

from conftest import ROOT, commit_all, snapshot_dir

EDITION = Edition("2026-12-03", "0123456789abcdef0123456789abcdef01234567", False, data_sha256(ROOT / "data" / "clean"))


def zip_of(tmp_path: Path, name: str = "data.zip") -> Path:
    out = tmp_path / name
    site.write_data_zip(ROOT / "data" / "clean", EDITION, load_all(str(ROOT)), citation.load_cff(ROOT), out)
    return out


def test_the_data_zip_holds_exactly_the_clean_data_and_a_readme(tmp_path: Path):
    with zipfile.ZipFile(zip_of(tmp_path)) as z:
        names = sorted(z.namelist())
        clean = sorted(p.name for p in (ROOT / "data" / "clean").iterdir() if p.is_file())
        assert names == sorted([f"boston-report-data/{n}" for n in clean] + ["boston-report-data/README.md"])
        for n in clean:
            assert z.read(f"boston-report-data/{n}") == (ROOT / "data" / "clean" / n).read_bytes(), n
        readme = z.read("boston-report-data/README.md").decode("utf-8")
    assert "0123456789abcdef0123456789abcdef01234567" in readme and "2026-12-03" in readme
    assert EDITION.data_sha256 in readme
    assert "MIT" in readme and "CC BY 4.0" in readme
    for licence in load_all(str(ROOT))["sources"]["license_name"].unique():
        assert licence in readme  # each sidecar's licence, as the landing page lists them


def test_the_data_zip_is_byte_identical_when_written_again(tmp_path: Path):
    assert zip_of(tmp_path, "a.zip").read_bytes() == zip_of(tmp_path, "b.zip").read_bytes()


def test_no_site_from_a_render_of_other_data(project: ProjectPaths, tmp_path: Path):
    project.rendered.mkdir(parents=True)
    stale = Edition(EDITION.date, None, False, "f" * 64)
    (project.rendered / "edition.json").write_text(stale.to_json(), encoding="utf-8")
    with pytest.raises(StaleRender, match="other data"):
        site.assemble(project, tmp_path / "archive", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_no_site_from_a_render_without_its_pdf(project: ProjectPaths, tmp_path: Path):
    from analysis.edition import current

    project.rendered.mkdir(parents=True)
    (project.rendered / "edition.json").write_text(current(project.root).to_json(), encoding="utf-8")
    (project.rendered / "index.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(site.SiteError, match="index.pdf"):
        site.assemble(project, tmp_path / "archive", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def fake_render(project: ProjectPaths) -> None:
    """The four pages a render leaves, as stand-ins, and the render's edition record."""
    from analysis.edition import write_record

    out = project.rendered
    (out / "site").mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text('<!DOCTYPE html><html><head><title>r</title></head><body><a href="index.pdf">PDF</a></body></html>')
    (out / "index.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    for name in ("index.html", "en.html"):
        (out / "site" / name).write_text("<!DOCTYPE html><html><head><title>s</title></head><body>landing</body></html>")
    write_record(project.root, project.rendered, project.output, [p for p in project.output.rglob("*") if p.is_file() and p.name != "edition.json"])


def commit_and_render(project: ProjectPaths, message: str) -> None:
    """The copy as a checkout whose data are committed (with the citation the site reads; what a
    render and a site write is ignored, as in the repository), then rendered."""
    import shutil

    shutil.copy(ROOT / "CITATION.cff", project.root / "CITATION.cff")
    (project.root / ".gitignore").write_text("_output/\n_site/\n.site*\n.editions*\n")
    commit_all(project.root, message)
    fake_render(project)


@pytest.mark.slow
def test_the_site_is_assembled_and_a_committed_render_becomes_an_edition_once(project: ProjectPaths, tmp_path: Path, monkeypatch):
    """Real Data Docs (GX) on the real vendored assets; stand-in pages for the render. The two
    assemblies after the first are about the archive: their Data Docs are the stand-in (GX's
    seconds each, and the same data)."""
    from analysis.review import editions, pages
    from analysis.checks import site as sitecheck

    commit_and_render(project, "edition")
    archive, out, assets = tmp_path / "archive", tmp_path / "site", ROOT / site.DATA_DOCS_ASSETS
    first = site.assemble(project, archive, out, assets, progress=lambda _: None)
    assert first.archived is not None and first.archived.new
    for place in (pages.LANDING, pages.ENGLISH, pages.REPORT, pages.PDF, pages.DATA_ZIP, pages.DATA_DOCS, pages.EDITIONS):
        assert (out / place).is_file(), place
    day = first.archived.entry["id"]
    assert (out / "editions" / day / "index.pdf").read_bytes() == b"%PDF-1.7\n%%EOF\n"
    assert sitecheck.check_data_zip(out / pages.DATA_ZIP, project.clean, pages.DATA_ZIP).problems == []
    # The same commit again: the archive does not change, the site is rebuilt whole.
    monkeypatch.setattr(site, "_data_docs", stub_data_docs)
    before = (archive / editions.INDEX_JSON).read_bytes()
    again = site.assemble(project, archive, out, assets, progress=lambda _: None)
    assert again.archived is not None and not again.archived.new
    assert (archive / editions.INDEX_JSON).read_bytes() == before
    # Uncommitted changes: a site, but no edition.
    (project.root / "CITATION.cff").write_text((project.root / "CITATION.cff").read_text() + "\n")
    fake_render(project)
    dirty = site.assemble(project, archive, out, assets, progress=lambda _: None)
    assert dirty.archived is None and "not archived" in dirty.notes[0]
    assert [e["id"] for e in editions.load(out / "editions")] == [day]


# --------------------------------------------------------------------------- a killed `site`

def stub_data_docs(paths, out, assets, *work) -> None:
    """Data Docs stand-in (the real ones take GX's seconds): the kill tests are about replacing folders."""
    out.mkdir(parents=True)
    (out / "index.html").write_text("<!DOCTYPE html><html><head><title>dd</title></head><body>dd</body></html>")


KILL_DRIVER = """
import os, signal, sys
from pathlib import Path
from analysis import folders
from analysis.paths import ProjectPaths
from analysis.review import site
sys.path.insert(0, sys.argv[4])
from test_site import stub_data_docs

root, archive, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
real_exchange, real_rename, real_zip = folders.exchange, os.rename, site.write_data_zip

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def exchange(a, b):
    if point == "archive-before-exchange" and Path(b) == archive or point == "site-before-exchange" and Path(b).name == "_site":
        die()
    done = real_exchange(a, b)
    if point == "archive-after-exchange" and Path(b) == archive or point == "site-after-exchange" and Path(b).name == "_site":
        die()
    return done

def rename(a, b, *rest, **kw):
    real_rename(a, b, *rest, **kw)
    if point == "site-between-renames" and Path(b).name.startswith(".site-previous-"):
        die()

def write_data_zip(*args, **kw):
    real_zip(*args, **kw)
    if point == "site-staging":
        die()

folders.exchange = (lambda a, b: False) if point == "site-between-renames" else exchange
os.rename = rename
site.write_data_zip = write_data_zip
site._data_docs = stub_data_docs
site.assemble(ProjectPaths(root), archive, root / "_site", progress=lambda m: None)
"""


@pytest.fixture
def two_commits(project: ProjectPaths, tmp_path: Path, monkeypatch):
    """A site with edition A built, then a second commit rendered (edition B), ready to be killed."""
    monkeypatch.setattr(site, "_data_docs", stub_data_docs)
    commit_and_render(project, "A")
    archive = tmp_path.parent / f"{tmp_path.name}-archive" / "_editions"  # outside the repository, as CI's
    site.assemble(project, archive, project.site, progress=lambda _: None)
    (project.root / "CITATION.cff").write_text((project.root / "CITATION.cff").read_text() + "\n")
    commit_all(project.root, "B")
    fake_render(project)
    return project, archive, snapshot_dir(project.site), snapshot_dir(archive)


def killed_site(project: ProjectPaths, archive: Path, point: str):
    import os
    import signal
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", KILL_DRIVER, str(project.root), str(archive), point, str(Path(__file__).parent)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == -signal.SIGKILL, run.stderr[-2000:]
    return sorted(p.name for p in project.root.iterdir() if p.name.startswith((".site-", ".editions-"))) + \
        sorted(p.name for p in archive.parent.iterdir() if p.name.startswith(".editions-"))


@pytest.mark.parametrize("point", ["site-staging", "archive-before-exchange", "archive-after-exchange",
                                   "site-before-exchange", "site-after-exchange"])
def test_a_site_killed_at_any_point_leaves_the_last_site_whole_and_the_next_run_recovers(two_commits, point):
    """On main: a kill between the swap's two renames left no _site/, a kill after the edition folder
    was written jammed every later run (FileExistsError), and each kill left a .site-staging-* folder."""
    from analysis.review import editions

    project, archive, old_site, old_archive = two_commits
    leftovers = killed_site(project, archive, point)
    assert leftovers, "the kill should have left a staging folder"
    now = snapshot_dir(project.site)
    new_site = point == "site-after-exchange"
    assert (now == old_site) != new_site and set(now) >= set(old_site), "_site/ is the old site or the new one, whole"
    ids = [e["id"] for e in editions.load(archive)]
    assert len(ids) == (1 if point in ("site-staging", "archive-before-exchange") else 2)
    assert (snapshot_dir(archive) == old_archive) == (len(ids) == 1)
    # The next run removes what the killed one left and finishes.
    said: list[str] = []
    done = site.assemble(project, archive, project.site, progress=said.append)
    assert len(editions.load(archive)) == 2 and done.archived is not None
    assert any("left by an interrupted run" in s for s in said), said
    assert [p.name for p in project.root.iterdir() if p.name.startswith((".site-", ".editions-")) and not p.name.endswith(".lock")] == []
    assert [p.name for p in archive.parent.iterdir() if p.name.startswith(".editions-")] == []
    assert len([e for e in editions.load(project.site / "editions")]) == 2


def test_without_an_atomic_exchange_a_kill_between_the_renames_is_mended_by_the_next_run(two_commits):
    """Where the system cannot exchange two folders the swap is two renames; a kill between them
    leaves the old site aside, and the next run (or its recovery alone) puts it back."""
    from analysis import folders

    project, archive, old_site, _ = two_commits
    killed_site(project, archive, "site-between-renames")
    assert not project.site.exists()
    said: list[str] = []
    folders.recover(project.site, said.append)
    assert snapshot_dir(project.site) == old_site and any("restored" in s for s in said)


def test_what_an_older_version_left_is_cleared(two_commits):
    """The older swap's names: `_site.previous` (restored when _site/ is missing) and `.site-staging-<random>`."""
    project, archive, old_site, _ = two_commits
    project.site.rename(project.root / "_site.previous")
    (project.root / ".site-staging-k2j3h4").mkdir()
    (project.root / ".site-staging-k2j3h4" / "big.bin").write_bytes(b"x" * 1000)
    said: list[str] = []
    site.assemble(project, archive, project.site, progress=said.append)
    assert any("restored" in s and "_site.previous" in s for s in said), said
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith((".site-", "_site."))) == []


def test_a_second_site_run_is_refused_while_one_is_writing(two_commits):
    from analysis import folders

    project, archive, _, _ = two_commits
    with folders.folder_lock(project.site, site.COMMAND):
        with pytest.raises(folders.PublishError, match=r"`boston-report site` is writing _site/ \(process \d+\)"):
            site.assemble(project, archive, project.site, progress=lambda _: None)


def test_a_link_or_a_path_like_name_in_data_clean_stops_the_zip(tmp_path: Path):
    """The zip holds data/clean/ byte for byte: a symbolic link there would publish its target, and a
    name with a backslash or a leading dot is a path to some unzip programs."""
    import shutil

    for bad in ("link", "..\\evil.csv", ".hidden.csv"):
        clean = tmp_path / bad.replace("\\", "_").replace(".", "_") / "clean"
        shutil.copytree(ROOT / "data" / "clean", clean)
        if bad == "link":
            (clean / "extra.csv").symlink_to(ROOT / "CITATION.cff")
        else:
            (clean / bad).write_text("x\n")
        with pytest.raises(site.SiteError, match="cannot go into it"):
            site.write_data_zip(clean, EDITION, load_all(str(ROOT)), citation.load_cff(ROOT), tmp_path / "z.zip")


def test_data_strings_stay_text_in_the_zip_readme():
    cff = {**citation.load_cff(ROOT), "title": "<img src=x onerror=alert(1)> [x](javascript:alert(1)) *b*"}
    readme = site.zip_readme(EDITION, load_all(str(ROOT)), cff, site.clean_files(ROOT / "data" / "clean"))
    import re

    assert "<img" not in readme and not re.search(r"(?<!\\)\]\(", readme) and "\\*b\\*" in readme
    assert readme.startswith("# &lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript:alert(1)) \\*b\\* — 정제 데이터")


def test_a_rendered_file_that_is_a_link_is_refused(project: ProjectPaths, tmp_path: Path):
    fake_render(project)
    pdf = project.rendered / "index.pdf"
    pdf.unlink()
    pdf.symlink_to(ROOT / "CITATION.cff")
    with pytest.raises(site.SiteError, match="index.pdf: a symbolic link"):
        site.assemble(project, tmp_path / "archive", tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("spoil, message", [
    (lambda out: (out / "index.html").write_text('<html><body><!--boston-payload-0123456789abcdef0123456789abcdef--></body></html>'),
     "changed since the render wrote it"),
    (lambda out: (out / "edition.json").write_text(
        (out / "edition.json").read_text().replace('"report/index.pdf"', '"report/other.pdf"')), "not a file of the last render"),
])
def test_no_site_from_a_file_the_last_render_did_not_write_as_it_is(project: ProjectPaths, tmp_path: Path, spoil, message):
    """The site publishes a rendered file only if the render's record names it with these bytes
    (a PDF left from another render, a page edited or left half-done is refused)."""
    fake_render(project)
    spoil(project.rendered)
    with pytest.raises(StaleRender, match=message):
        site.assemble(project, tmp_path / "archive", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_no_site_from_a_page_that_still_holds_a_payload_token(project: ProjectPaths, tmp_path: Path):
    from analysis.edition import write_record

    fake_render(project)
    page = project.rendered / "index.html"
    page.write_text('<html><body><a href="data:text/csv;base64,boston-payload-0123456789abcdef0123456789abcdef">x</a></body></html>')
    write_record(project.root, project.rendered, project.output, [p for p in project.output.rglob("*") if p.is_file() and p.name != "edition.json"])
    with pytest.raises(StaleRender, match="still holds boston-payload-0123456789abcdef0123456789abcdef"):
        site.assemble(project, tmp_path / "archive", tmp_path / "out")
