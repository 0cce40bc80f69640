"""Citing an edition: CITATION.cff is valid CFF 1.2.0, and the plain-text and BibTeX citations name
the edition's date and commit without letting any text break out of the entry or the page."""

import copy
import json
import re

import jsonschema
import pytest

from analysis.report import citation
from analysis import edition, markup as m

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


def bibtex_fields(entry: str) -> dict[str, str]:
    """The fields of one @misc entry read as BibTeX reads them: a braced value ends at the brace
    that balances its opening one, and a backslash does not protect a brace from being counted."""
    head = re.match(r"@misc\{([^,\s]+),\n", entry)
    assert head, entry
    fields, at = {}, head.end()
    while True:
        m = re.compile(r"\s*(\w+) = \{").match(entry, at)
        if not m:
            break
        depth, i = 1, m.end()
        while depth:
            assert i < len(entry), f"field {m.group(1)} never closes: {entry!r}"
            depth += {"{": 1, "}": -1}.get(entry[i], 0)
            i += 1
        fields[m.group(1)] = entry[m.end():i - 1]
        at = i + (entry[i] == ",")
    assert entry[at:].strip() == "}", f"text after the fields: {entry[at:]!r}"
    return fields


# A title as an editor of CITATION.cff might write it (and an attacker would): each of these broke the
# entry (a lone brace) or printed something else (\\ a line break, ~ a space, ^ an accent).
HOSTILE_TITLES = {
    "lone } brace": r"lone \textbraceright{} brace",
    "open { only": r"open \textbraceleft{} only",
    "back\\slash": r"back\textbackslash{}slash",
    "C:\\new\\table": r"C:\textbackslash{}new\textbackslash{}table",
    "a~b ^c": r"a\textasciitilde{}b \textasciicircum{}c",
    "50% & #1_x $5": r"50\% \& \#1\_x \$5",
    "}, note = {pwned": r"\textbraceright{}, note = \textbraceleft{}pwned",
    "<b>|</b>\nnext line": r"\textless{}b\textgreater{}\textbar{}\textless{}/b\textgreater{} next line",
}


@pytest.mark.parametrize("title", list(HOSTILE_TITLES))
def test_a_citation_cff_title_stays_one_field_of_one_entry_and_prints_as_written(title):
    cff = {**citation.load_cff(ROOT), "title": title}
    entry = citation.bibtex(cff, EDITION, "https://example.github.io/boston/")
    fields = bibtex_fields(entry)
    assert list(fields) == ["author", "title", "year", "month", "note", "version", "url"]
    assert fields["title"] == HOSTILE_TITLES[title]
    assert fields["url"] == "https://example.github.io/boston/"


def test_a_url_field_is_percent_encoded_not_latex_escaped():
    assert citation.bibtex_url("https://example.org/a_b~c/{x}?q=1&r=%20#f") == "https://example.org/a_b~c/%7Bx%7D?q=1&r=%20#f"
    with pytest.raises(m.UnsafeURL):
        citation.bibtex_url("javascript:alert(1)")


@pytest.mark.parametrize("change, field", [
    ({"title": ["a", "list"]}, "title"), ({"title": ""}, "title"), ({"title": 12}, "title"),
    ({"authors": "someone"}, "authors"), ({"authors": [{"name": 5}]}, r"authors\[0\]"), ({"authors": [{}]}, r"authors\[0\]"),
])
def test_citation_cff_fields_of_the_wrong_type_are_named(tmp_path, change, field):
    import yaml

    cff = {**citation.load_cff(ROOT), **change}
    (tmp_path / "CITATION.cff").write_text(yaml.safe_dump(cff, allow_unicode=True), encoding="utf-8")
    with pytest.raises(citation.CitationError, match=rf"CITATION.cff: {field}"):
        citation.load_cff(tmp_path)


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


@pytest.mark.parametrize("change", [{"date": "../../outside"}, {"date": "2026-02-30"}, {"commit": "--output=/tmp/x"},
                                    {"dirty": "no"}, {"data_sha256": 5}])
def test_an_edition_record_not_as_the_render_writes_it_is_refused(tmp_path, change):
    """Its date names the edition's folder in the archive and its commit goes to git."""
    import json

    record = tmp_path / edition.RECORD
    record.write_text(json.dumps({**json.loads(EDITION.to_json()), **change}), encoding="utf-8")
    with pytest.raises(edition.StaleRender, match="render again"):
        edition.read(record)
    record.write_text(EDITION.to_json(), encoding="utf-8")
    assert edition.read(record) == EDITION
