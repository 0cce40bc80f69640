"""What the site's Quarto pages (report/site/index.qmd, en.qmd) print besides the report's own
figures: the edition line and the links to everything the site holds.

The addresses are the site's layout (:mod:`analysis.review.site`), relative to its root, so the
site works from any sub-path (GitHub Pages serves it under /REPO/) and from a folder on disk.
"""

from __future__ import annotations

import os

import pandas as pd

from analysis import markup as m
from analysis.report import provenance as prov
from analysis.edition import Edition

# The site's layout, relative to its root (the landing page).
REPORT = "report/index.html"
PDF = "report/index.pdf"
DATA_ZIP = "data/boston-report-data.zip"
DATA_DOCS = "data-docs/index.html"
EDITIONS = "editions/index.html"
ENGLISH = "en.html"
LANDING = "index.html"
URL_ENV = "BOSTON_REPORT_SITE_URL"  # the published address, for citations (the workflow sets it)


def site_url() -> str | None:
    """The site's public address when known (checked like every URL), else None: the citation
    then names the edition and commit only."""
    url = os.environ.get(URL_ENV, "").strip()
    return m.check_url(url) if url else None


def on_site(path: str, label: str) -> prov.Label:
    """A place on the published site, named from a page that may be read anywhere (the report's
    HTML, its PDF, an archived edition): a link to the site's address when the render knows it,
    else the path on the site in code style. Never a relative link, which from an archived edition
    or a downloaded PDF would lead nowhere."""
    url = site_url()
    return prov.Label(m.link(label, f"{url.rstrip('/')}/{path}") if url else m.escape(f"{label} (") + m.code(path) + m.escape(")"))


def edition_line(edition: Edition, tables: dict[str, pd.DataFrame], sources: pd.DataFrame, english: bool = False) -> m.Markup:
    """'판 2026-12-03 · 커밋 abcdef123456 · 출처 99개 · 판 목록' under the title."""
    n_sources = prov.meta(len(sources))
    commit = m.code(edition.short) if edition.commit else m.escape(edition.short)
    if english:
        parts = [m.Markup("**Edition** ") + m.escape(edition.date), m.Markup("**commit** ") + commit,
                 m.Markup(f"{n_sources} sources"), m.link("all editions", EDITIONS, relative=True),
                 m.in_language(m.link("한국어", LANDING, relative=True), "ko")]
    else:
        parts = [m.Markup("**판** ") + m.escape(edition.date), m.Markup("**커밋** ") + commit,
                 m.Markup(f"출처 {n_sources}개"), m.link("판 목록", EDITIONS, relative=True),
                 m.in_language(m.link("English summary", ENGLISH, relative=True), "en")]
    return m.Markup(" · ").join(parts) + m.Markup("\n")


def downloads(english: bool = False) -> m.Markup:
    """The site's contents as a list of links."""
    items = ([("The report (HTML, Korean)", REPORT), ("The report (PDF, Korean)", PDF),
              ("The clean data, with its dictionary and sources (zip)", DATA_ZIP),
              ("Data validation results (Great Expectations Data Docs)", DATA_DOCS),
              ("Earlier editions and what changed between them", EDITIONS)] if english else
             [("보고서 (HTML)", REPORT), ("보고서 (PDF)", PDF), ("정제 데이터: 모든 표, 데이터 사전, 출처 (zip)", DATA_ZIP),
              ("데이터 검증 결과 (Great Expectations Data Docs)", DATA_DOCS), ("지난 판과 판마다 바뀐 것", EDITIONS)])
    return m.Markup("\n".join(str(m.Markup("- ") + m.link(label, href, relative=True)) for label, href in items) + "\n")
