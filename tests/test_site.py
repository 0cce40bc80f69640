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
