"""Untrusted text stays text: hostile strings from sidecars and raw rows go through every Markdown
generator the chapters use, and Pandoc (3.9, the version in the Quarto 1.10 kit) must turn them
into plain text: no tag of their own, no extra link, no math, the right number of cells."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pypandoc
import pytest

from analysis.report import density, hospitals, investment, provenance, quality, response
from analysis import markup as m
from analysis.report.data import load

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "*bold* _under_ `code` ~~strike~~ ^sup^",
    "[click](https://evil.example/) <https://evil.example/>",
    "@fig-jobs @sec-summary [@cite]",
    "a | b || c",
    "line one\nline two\r\n\n# heading",
    "$x^2$ and $$y$$ and \\(z\\) US$4.8 billion",
    "{{< include ../../etc/passwd >}} {python} `{python} 1+1`",
    "<!-- comment --> &amp; &lt;b&gt; \\ backslash\\",
    "](javascript:alert(1)) ![img](x.png)",
    "1. list\n- item\n> quote\n---",
    "\u202eevil\u202c zero\u200bwidth",
]
HOSTILE_URL = "https://example.org/a)b(c\"d<e>'f`g|h[i]{j}^k?q=1&r=2#frag"
ALLOWED_TAGS = {"table", "thead", "tbody", "tr", "th", "td", "p", "a", "strong", "code", "span", "colgroup", "col", "br"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.rows: list[int] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append(0)
        if tag in ("td", "th"):
            self.rows[-1] += 1

    def handle_data(self, data):
        self.text.append(data)


def pandoc(markdown: str) -> Tags:
    # Pandoc's default Markdown, TeX math on: stricter than the report, which turns '$' math off.
    html = pypandoc.convert_text(str(markdown), "html", format="markdown")
    parsed = Tags()
    parsed.feed(html)
    return parsed


def assert_inert(markdown: str, *, links: int, columns: int | None = None, rows: int | None = None) -> Tags:
    """``links`` counts links that leave the page; links to a source's entry (#src-…, the
    provenance of a figure) are checked to be exactly that and nothing else."""
    parsed = pandoc(markdown)
    tags = {t for t, _ in parsed.tags}
    assert tags <= ALLOWED_TAGS, f"markup from data: {tags - ALLOWED_TAGS}"
    assert not any("math" in a.get("class", "") for _, a in parsed.tags), "text became math"
    hrefs = [a["href"] for t, a in parsed.tags if t == "a"]
    internal = [h for h in hrefs if h.startswith("#")]
    assert all(re.fullmatch(r"#src-[a-z0-9._-]+", h) for h in internal), internal
    assert len(hrefs) - len(internal) == links, hrefs
    assert not any(h.startswith("javascript") or "evil" in h for h in hrefs), hrefs
    if columns is not None:
        assert parsed.rows and set(parsed.rows) == {columns}, parsed.rows
        assert len(parsed.rows) == rows + 1, (len(parsed.rows), rows)
    return parsed


def hostile(i: int) -> str:
    return HOSTILE[i % len(HOSTILE)]


# --------------------------------------------------------------------------- the helpers themselves

@pytest.mark.parametrize("text", HOSTILE)
def test_escape_keeps_every_character_as_text(text):
    parsed = assert_inert(m.escape(text), links=0)
    shown = "".join(parsed.text).strip()
    expected = " ".join(m.one_line(text).split())
    assert " ".join(shown.split()) == expected


def test_escape_is_one_line_and_idempotent_on_markup():
    once = m.escape("a\nb\u2028c")
    assert "\n" not in once and m.escape(once) is once


def test_table_cells_stay_cells():
    rows = [{"a": h, "b": hostile(i + 1), "c": None} for i, h in enumerate(HOSTILE)]
    md = m.table(rows, [m.Column("A|", "a", "l", 3), m.Column("<b>", "b", "r"), m.Column("C", "c", "l", 0.5)])
    assert_inert(md, links=0, columns=3, rows=len(HOSTILE))
    assert md.count("| — |") == len(HOSTILE)


def test_table_widths_follow_the_column_shares():
    md = m.table([{"a": "x", "b": "y"}], [m.Column("id", "a", "l", 1), m.Column("text", "b", "r", 4)])
    rule = md.splitlines()[1]
    left, right = rule.strip("|").split("|")
    assert left.startswith(":") and right.endswith(":")
    assert len(right) == 4 * len(left)
    assert len(rule) > 72, "Pandoc sizes columns by dashes only when a line is wider than 72"


def test_href_refuses_what_is_not_an_absolute_http_url():
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example/x", "https:///nohost", "ftp://x.org/",
                "https://example.org/a b", "https://example.org/\ta", "https://exa\u202emple.org/", "relative/path"):
        with pytest.raises(m.UnsafeURL):
            m.href(bad)


def test_link_target_cannot_be_broken_out_of():
    md = m.link(HOSTILE[3], HOSTILE_URL)
    parsed = assert_inert(md, links=1)
    (href,) = [a["href"] for t, a in parsed.tags if t == "a"]
    assert href.startswith("https://example.org/a%29b%28c%22d%3Ce%3E%27f%60g%7Ch%5Bi%5D%7Bj%7D%5Ek?q=1&r=2#frag")


def test_code_accepts_identifiers_only():
    assert m.code("massbio-2024-industry-snapshot") == "`massbio-2024-industry-snapshot`"
    for bad in ("a`b", "a|b", "<x>", "", "a b"):
        with pytest.raises(ValueError):
            m.code(bad)


# --------------------------------------------------------------------------- every generator the chapters use

@pytest.fixture(scope="module")
def clean():
    tables = {name: load(name) for name in ("sources", "indicators", "research_hospitals", "events", "claims", "venture_investment")}
    provenance.setup(tables["sources"])
    return tables


@pytest.fixture(scope="module")
def hostile_sources(clean):
    s = clean["sources"].copy()
    for i, col in enumerate(("title", "producer", "license_name", "date_published", "date_accessed")):
        s[col] = [hostile(i + k) for k in range(len(s))]
    s["url_main"] = HOSTILE_URL
    return s


def test_source_line(hostile_sources):
    ids = list(hostile_sources["source_id"][:5])
    md = provenance.source_line(ids, hostile_sources)
    provenance.setup(load("sources"))
    parsed = assert_inert(md, links=0)
    shown = "".join(parsed.text)
    assert "<img src=x onerror=alert(1)>" in shown and "[1]" in shown and "\\<" not in shown  # escaped once, not twice


def test_sources_list(hostile_sources):
    md = provenance.sources_list(hostile_sources)
    parsed = assert_inert(md, links=len(hostile_sources))
    assert "<img src=x onerror=alert(1)>" in "".join(parsed.text)
    anchors = [a["id"] for t, a in parsed.tags if t == "span" and "id" in a]
    assert anchors == [f"src-{s}" for s in sorted(hostile_sources["source_id"])]


def test_claims_table(clean):
    c = clean["claims"].copy()
    for i, col in enumerate(("claim", "claimant", "data_value", "detail")):
        c[col] = [hostile(i + k) for k in range(len(c))]
    parsed = assert_inert(quality.claims_table(c, clean), links=0, columns=6, rows=len(c))
    assert "<script>alert(1)</script>" in "".join(parsed.text)


def test_quality_tables():
    # A check's name is shown in its Korean description (quality.CHECK_LABELS); what a failed
    # check found (the rows' values from data) and an unknown severity reach the table as text.
    names = list(quality.CHECK_LABELS)
    summary = {"tables": [{"table": "indicators", "rows": 3, "expectations": 2, "failures": [{"severity": "warning"}]}],
               "crosschecks": [{"table": "claims", "name": names[k % len(names)], "severity": hostile(k + 1), "success": k % 2 == 0,
                                "message": hostile(k + 2), "examples": [{"entity": hostile(k), "printed": [hostile(k + 3)]}]}
                               for k in range(len(HOSTILE))]}
    json.dumps(summary)
    assert_inert(quality.tables_overview(summary), links=0, columns=5, rows=1)
    assert_inert(quality.crosschecks_table(summary), links=0, columns=4, rows=min(len(HOSTILE), len(names)))


def test_korean_cluster_table(clean):
    ind = clean["indicators"].copy()
    clusters = ind["series_id"].str.startswith("kr_cluster")
    names = sorted(set(ind.loc[clusters, "entity"]))
    ind.loc[clusters, "entity"] = ind.loc[clusters, "entity"].map({n: f"{hostile(i)} {i}" for i, n in enumerate(names)})
    assert_inert(density.korean_cluster_table(ind), links=0, columns=1 + len(density.CLUSTER_METRICS), rows=len(names))


def test_research_hospital_table(clean):
    rh = clean["research_hospitals"].copy()
    names = sorted(set(rh["hospital"]))
    rh["hospital"] = rh["hospital"].map({n: f"{hostile(i)} {i}" for i, n in enumerate(names)})
    rh["city"], rh["sido"] = hostile(3), hostile(5)
    assert_inert(hospitals.research_hospital_table(rh), links=0, columns=6, rows=len(names))


def test_events_table(clean):
    ev = clean["events"].copy()
    ev["event"] = [hostile(k) for k in range(len(ev))]
    ev["figure_as_published"] = [hostile(k + 4) if k % 2 else None for k in range(len(ev))]
    assert_inert(response.events_table(ev), links=0, columns=5, rows=len(ev))


def test_outcome_and_deal_tables_from_clean_data(clean):
    # Numbers only, but they go through the same table builder: checked for shape.
    ind = clean["indicators"]
    year = investment.ma_year(ind)
    assert_inert(investment.ma_deal_table(ind, year), links=0, columns=4, rows=len(investment.ma_deal_sizes(ind, year)))
    years = len(set(ind.loc[ind["series_id"].isin([s for s, _ in hospitals.KR_RH_SERIES]), "year"]))
    assert_inert(hospitals.kr_outcomes_table(ind), links=0, columns=1 + years, rows=len(hospitals.KR_RH_SERIES))


def test_markup_is_read_as_markdown_inline():
    # A Markup value inlined by `{python}` is read by Quarto through _repr_markdown_, a plain str is not.
    assert m.escape("*x*")._repr_markdown_() == "\\*x\\*"
    assert not hasattr("plain", "_repr_markdown_")
    assert isinstance(pd.Series(["a"]).map(m.escape).iloc[0], m.Markup)
