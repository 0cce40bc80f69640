"""How to cite an edition: plain text and BibTeX from CITATION.cff and the edition (date, commit),
and the licences a reader may reuse the report, the data and the quotes under.

One source for each: the title and authors are CITATION.cff's, the edition is the render's
(:mod:`analysis.edition`), the quotes' licences are the sidecars' (the clean ``sources``
table). The report's 인용 block, the landing page and the data zip's README all print from here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import markup as m
from analysis.edition import Edition

CODE_LICENCE = "MIT"
DATA_LICENCE = "CC BY 4.0"
DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# Each character that means something to BibTeX or LaTeX, as the LaTeX text that prints it. BibTeX
# matches braces whether or not a backslash precedes them, so a brace is written as a command
# (\\textbraceright{}), never as \\}: one lone "}" in a title must not end the field. A backslash is
# \\textbackslash{} (\\\\ is a line break), ~ and ^ are not accents, < > | not OT1's other glyphs.
BIBTEX_TEXT = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "~": r"\textasciitilde{}",
               "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
               "%": r"\%", "&": r"\&", "#": r"\#", "_": r"\_", "$": r"\$"}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(ch) for ch in BIBTEX_TEXT))
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CitationError(ValueError):
    """CITATION.cff lacks what a citation is made from: the message names the file and the field."""


def load_cff(root: Path) -> dict:
    """CITATION.cff, with the fields a citation prints checked (the tests check the whole file
    against the CFF schema): a title that is text and authors with names."""
    import yaml  # noqa: PLC0415

    path = root / "CITATION.cff"
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError, yaml.YAMLError) as exc:
        raise CitationError(f"{path.name}: not readable as YAML ({exc})") from None
    if not isinstance(cff, dict):
        raise CitationError(f"{path.name}: expected a mapping of CFF fields")
    if not isinstance(cff.get("title"), str) or not cff["title"].strip():
        raise CitationError(f"{path.name}: title: expected text, got {cff.get('title')!r}")
    people = cff.get("authors")
    if not isinstance(people, list) or not people:
        raise CitationError(f"{path.name}: authors: expected a list of authors")
    for i, a in enumerate(people):
        parts = [a.get(k) for k in ("name", "given-names", "family-names")] if isinstance(a, dict) else [None]
        if not any(isinstance(v, str) and v.strip() for v in parts) or any(v is not None and not isinstance(v, str) for v in parts):
            raise CitationError(f"{path.name}: authors[{i}]: expected name, or given-names and family-names, as text")
    return cff


def authors(cff: dict) -> str:
    names = []
    for a in cff["authors"]:
        names.append(a.get("name") or " ".join(p for p in (a.get("given-names"), a.get("family-names")) if p))
    return ", ".join(names)


def _edition_text(edition: Edition, english: bool = False) -> str:
    return f"edition {edition.date}, commit {edition.short}" if english else f"{edition.date} 판, 커밋 {edition.short}"


def plain(cff: dict, edition: Edition, url: str | None = None, english: bool = False) -> str:
    """'Authors (YYYY). Title (YYYY-MM-DD 판, 커밋 abcdef123456). URL'; on an English page the
    edition reads '(edition YYYY-MM-DD, commit abcdef123456)' (the title stays the work's own)."""
    text = f"{authors(cff)} ({edition.date[:4]}). {cff['title']} ({_edition_text(edition, english)})."
    return f"{text} {url}" if url else text


def bibtex_escape(text: str) -> str:
    """Any text as the LaTeX text of a braced BibTeX field: one line, every special character a
    command that prints it, so braces always balance and nothing else becomes markup."""
    return _BIBTEX_SPECIAL.sub(lambda c: BIBTEX_TEXT[c.group(0)], m.one_line(str(text)))


def bibtex_url(url: str) -> str:
    """A url field: read verbatim (biblatex) or by the url package, so no LaTeX escapes; a checked
    http(s) URL with braces, backslashes, spaces and the like percent-encoded (markup.href)."""
    return m.href(url)


def bibtex(cff: dict, edition: Edition, url: str | None = None) -> str:
    """A @misc entry; the key names the edition, so two editions never share a key."""
    if not _DATE.match(edition.date):
        raise CitationError(f"edition date {edition.date!r}: expected YYYY-MM-DD")
    key = "boston-bio-report-" + edition.date
    fields = [("author", "{" + bibtex_escape(authors(cff)) + "}"), ("title", bibtex_escape(cff["title"])),
              ("year", edition.date[:4]), ("month", edition.date[5:7]),
              ("note", bibtex_escape(f"Edition {edition.date}, commit {edition.short}")),
              ("version", bibtex_escape(edition.short))]
    if url:
        fields.append(("url", bibtex_url(url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def citation_block(cff: dict, edition: Edition, url: str | None = None, english: bool = False) -> m.Markup:
    """The 인용 block (the English page's 'How to cite'): plain text, then BibTeX as literal text."""
    head = "**Plain text.** " if english else "**인용 (plain text).** "
    text = plain(cff, edition, url, english)
    cited = m.escape(text)
    language = m.language_of(cff["title"])
    if english and language != "en" and language is not None:  # the Korean title on the English page
        before, after = text.split(cff["title"], 1)
        cited = m.escape(before) + m.in_language(m.escape(cff["title"]), language) + m.escape(after)
    return (m.Markup(head) + cited + m.Markup("\n\n**BibTeX.**\n\n")
            + m.code_block(bibtex(cff, edition, url), "bibtex"))


def quote_licences(sources: pd.DataFrame) -> list[dict]:
    """The terms the sources' figures and quotes are held under, each with how many sources."""
    grouped = sources.groupby("license_name", sort=True)["source_id"].agg(list)
    rows = [{"licence": name, "n": len(ids), "sources": ids} for name, ids in grouped.items()]
    return sorted(rows, key=lambda r: (-r["n"], r["licence"]))


def licence_lines(sources: pd.DataFrame) -> list[str]:
    """Plain-text licence statement (the data zip's README, the landing page)."""
    lines = [f"- 코드 (analysis/, report/, tests/): {CODE_LICENCE} License (LICENSE).",
             f"- 정제 데이터 (data/clean/의 표 구성과 계산된 열): {DATA_LICENCE} ({DATA_LICENCE_URL}), 출처를 밝혀 재사용할 수 있다.",
             "- 수치와 인용문은 각 출처의 것이며, 출처의 이용 조건을 따른다 (sources.csv의 license_name, license_url):"]
    lines += [f"  - {r['licence']} — 출처 {r['n']}개" for r in quote_licences(sources)]
    return lines


def licence_markup(sources: pd.DataFrame) -> m.Markup:
    return m.Markup("\n".join(str(m.Markup("- ") + m.escape(line.lstrip("- ")) if not line.startswith("  ")
                                  else m.Markup("    - ") + m.escape(line.strip()[2:])) for line in licence_lines(sources)) + "\n")
