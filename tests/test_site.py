"""The site step's own outputs: the data zip (exactly data/clean/ plus a README naming the edition),
and the refusal to assemble a site from a render that is not this checkout's."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from analysis.paths import ProjectPaths
from analysis.report import citation
from analysis.report.edition import Edition, StaleRender, data_sha256
from analysis.report.data import load_all
from analysis.review import site

from conftest import ROOT

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
    from analysis.report.edition import current

    project.rendered.mkdir(parents=True)
    (project.rendered / "edition.json").write_text(current(project.root).to_json(), encoding="utf-8")
    (project.rendered / "index.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(site.SiteError, match="index.pdf"):
        site.assemble(project, tmp_path / "archive", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def fake_render(project: ProjectPaths) -> None:
    """The four pages a render leaves, as stand-ins, and the render's edition record."""
    from analysis.report.edition import current

    out = project.rendered
    (out / "site").mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text('<!DOCTYPE html><html><head><title>r</title></head><body><a href="index.pdf">PDF</a></body></html>')
    (out / "index.pdf").write_bytes(b"%PDF-1.7\n%%EOF\n")
    for name in ("index.html", "en.html"):
        (out / "site" / name).write_text("<!DOCTYPE html><html><head><title>s</title></head><body>landing</body></html>")
    (out / "edition.json").write_text(current(project.root).to_json(), encoding="utf-8")


def commit_all(root: Path, message: str) -> None:
    import subprocess

    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", message]):
        if args[0] == "init" and (root / ".git").exists():
            continue
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
                       cwd=root, check=True, capture_output=True)


@pytest.mark.slow
def test_the_site_is_assembled_and_a_committed_render_becomes_an_edition_once(project: ProjectPaths, tmp_path: Path):
    """Real Data Docs (GX) on the real vendored assets; stand-in pages for the render."""
    import shutil

    from analysis.review import editions, pages, sitecheck

    shutil.copy(ROOT / "CITATION.cff", project.root / "CITATION.cff")
    (project.root / ".gitignore").write_text("_output/\n_site/\n")
    commit_all(project.root, "edition")
    fake_render(project)
    archive, out, assets = tmp_path / "archive", tmp_path / "site", ROOT / site.DATA_DOCS_ASSETS
    first = site.assemble(project, archive, out, assets, progress=lambda _: None)
    assert first.archived is not None and first.archived.new
    for place in (pages.LANDING, pages.ENGLISH, pages.REPORT, pages.PDF, pages.DATA_ZIP, pages.DATA_DOCS, pages.EDITIONS):
        assert (out / place).is_file(), place
    day = first.archived.entry["id"]
    assert (out / "editions" / day / "index.pdf").read_bytes() == b"%PDF-1.7\n%%EOF\n"
    assert sitecheck.check_data_zip(out / pages.DATA_ZIP, project.clean, pages.DATA_ZIP).problems == []
    # The same commit again: the archive does not change, the site is rebuilt whole.
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
