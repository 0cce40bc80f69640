"""Citing an edition: CITATION.cff is valid CFF 1.2.0, and the plain-text and BibTeX citations name
the edition's date and commit without letting any text break out of the entry or the page."""

import copy
import json

import jsonschema
import pytest

from analysis.report import citation, edition, markup as m

from conftest import ROOT

SCHEMA = json.loads((ROOT / "tests" / "schemas" / "citation-cff-1.2.0.json").read_text(encoding="utf-8"))
EDITION = edition.Edition(date="2026-12-03", commit="0123456789abcdef0123456789abcdef01234567", dirty=False, data_sha256="0" * 64)


def validate(cff: dict) -> None:
    jsonschema.validate(cff, SCHEMA, format_checker=jsonschema.FormatChecker())


def test_citation_cff_is_valid_cff_1_2_0():
    cff = citation.load_cff(ROOT)
    validate(cff)
    assert cff["license"] == citation.CODE_LICENCE


@pytest.mark.parametrize("breakage", ["no authors", "bad version", "unknown key"])
def test_a_broken_citation_cff_is_refused(breakage):
    cff = copy.deepcopy(citation.load_cff(ROOT))
    if breakage == "no authors":
        del cff["authors"]
    elif breakage == "bad version":
        cff["cff-version"] = "one"
    else:
        cff["homepage"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        validate(cff)


def test_plain_and_bibtex_name_the_edition_and_commit():
    cff = citation.load_cff(ROOT)
    assert "2026-12-03 판, 커밋 0123456789ab" in citation.plain(cff, EDITION)
    entry = citation.bibtex(cff, EDITION, "https://example.github.io/boston/")
    assert entry.startswith("@misc{boston-bio-report-2026-12-03,") and "commit 0123456789ab" in entry
    assert "url = {https://example.github.io/boston/}" in entry
    dirty = edition.Edition(**{**EDITION.__dict__, "dirty": True})
    assert dirty.short == "0123456789ab-dirty"


def test_bibtex_text_cannot_close_the_entry():
    assert citation.bibtex_escape("a}b{c%d\nx") == "a\\}b\\{c\\%d x"


def test_a_code_block_fence_outlasts_any_backticks_in_its_text():
    block = m.code_block("a ```` b", "bibtex")
    assert block.startswith("`````bibtex") or block.startswith("````` bibtex")
    assert block.rstrip().endswith("`````")


@pytest.mark.parametrize("bad", ["https://evil.example/x", "//evil.example/x", "/abs/path.html", "javascript:alert(1)",
                                 "a b.html", "x\".html"])
def test_site_links_are_relative_and_plain(bad):
    with pytest.raises(m.UnsafeURL):
        m.relative_href(bad)
    assert m.relative_href("report/index.html#src-x") == "report/index.html#src-x"


def test_edition_date_override_is_checked(monkeypatch):
    monkeypatch.setenv(edition.DATE_ENV, "2026-02-30")
    with pytest.raises(ValueError):
        edition.edition_date()
    monkeypatch.setenv(edition.DATE_ENV, "2025-01-31")
    assert edition.edition_date() == "2025-01-31"


def test_a_render_of_other_data_is_refused(tmp_path):
    clean = tmp_path / "data" / "clean"
    clean.mkdir(parents=True)
    (clean / "a.csv").write_text("x\n1\n", encoding="utf-8")
    rendered = tmp_path / "_output" / "report"
    rendered.mkdir(parents=True)
    with pytest.raises(edition.StaleRender, match="no edition record"):
        edition.check_render(rendered, tmp_path)
    (rendered / edition.RECORD).write_text(edition.current(tmp_path).to_json(), encoding="utf-8")
    assert edition.check_render(rendered, tmp_path).data_sha256 == edition.data_sha256(clean)
    (clean / "a.csv").write_text("x\n2\n", encoding="utf-8")
    with pytest.raises(edition.StaleRender, match="other data"):
        edition.check_render(rendered, tmp_path)
