"""The English page speaks English: its citation block and the places its sentences name (the data
name them in Korean, as their sources print them)."""

import re

import pytest

from analysis.report import citation, english
from analysis import edition
from analysis.report import provenance as prov
from analysis.report.data import load_all
from conftest import ROOT

EDITION = edition.Edition(date="2026-12-03", commit="0123456789abcdef0123456789abcdef01234567", dirty=False, data_sha256="0" * 64)
HANGUL = re.compile("[가-힣]")


def test_the_english_citation_block_has_no_korean_words_but_the_title():
    cff = citation.load_cff(ROOT)
    block = str(citation.citation_block(cff, EDITION, "https://example.org/boston/", english=True))
    without_title = block.replace(str(citation.m.escape(cff["title"])), "").replace(citation.bibtex_escape(cff["title"]), "")
    assert not HANGUL.search(without_title), without_title
    assert "(edition 2026-12-03, commit 0123456789ab)" in citation.plain(cff, EDITION, english=True)
    assert "인용 (plain text)" in str(citation.citation_block(cff, EDITION))
    assert "(2026-12-03 판, 커밋 0123456789ab)" in citation.plain(cff, EDITION)
    assert "english=True" in (ROOT / "report" / "site" / "en.qmd").read_text(encoding="utf-8")


def test_every_korean_cluster_has_an_english_name():
    ind = load_all()["indicators"]
    places = set(ind[ind["series_id"].str.startswith("kr_cluster")]["entity"])
    assert places and places <= set(english.PLACE_NAMES), places - set(english.PLACE_NAMES)
    assert not any(HANGUL.search(name) for name in english.PLACE_NAMES.values())
    with pytest.raises(KeyError, match="PLACE_NAMES"):
        english.place("새 클러스터")


def test_the_english_findings_name_places_in_english():
    tables = load_all()
    prov.setup(tables["sources"])
    found = english.density_figures(tables["indicators"])
    assert not HANGUL.search(str(found["kr_cluster"])), found["kr_cluster"]
