"""Like is compared with like, in what the reader is finally shown (part of ``check-output``).

Every cited figure on a rendered page carries its metadata (``data-figure``, written by
:func:`analysis.report.provenance.cite`): the rows it rests on, each with series, entity, period,
year, unit and definition basis, and for a computed figure its operands. This check reads the
rendered HTML (the report and the site's pages) as a reader meets it, unit by unit: every
sentence, every table row, and every chart's title and subtitle (from the figures the chart
helpers put in the spec's ``usermeta``: the browser draws the title, the HTML does not hold it).

In a unit, figures are *compared, combined or nested* when

- one is computed from others (a ratio, share, per-unit figure, sum or change: its operands), or
- two neighbouring figures are joined by words that nest or compare them ("그중", "가운데",
  "X곳 중 Y곳", "대비", "보다", "에서 … 로", "→", "of which", "compared with", "than").

Such figures must share their period (year and kind of period) and their definition (basis),
unless one rests on a subset of the other's rows (a count of the hospitals of a list, and the list).
Where they do not, the unit must name each figure's period (its years, and 상반기/누적/… where the
kinds of period differ) and each figure's basis (a :func:`analysis.report.provenance.basis` span).
A change over time (2006 → 2024) is one series by construction and must name both years.

It also fails a cited figure without metadata and a number typed into a chart title or subtitle
rather than built from a cited figure (:func:`analysis.report.provenance.phrase`). Each problem
names the page, the unit, its text and each figure with its metadata.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from analysis.checks.output import Findings
from analysis.report.provenance import ROW_FIELDS, describe, leaves

# A number typed by hand, and the ones that may be: years (1970-2039) and single digits (chapter
# numbers, "3대 요인"). Anything else that looks like a figure must come from clean data (the chapters'
# test reads their prose with the same two patterns).
HAND_NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)")
ALLOWED = re.compile(r"^(19[7-9]\d|20[0-3]\d|\d)$")
# Words that join two neighbouring figures (the text between them; for "보다" also just after).
NESTED = re.compile(r"그\s?중|이\s?중|가운데|(?<![가-힣])중(?:에서)?(?![가-힣])|\bof which\b|\bamong\b|\bout of\b")
COMPARED = re.compile(r"대비|보다|비해|견주|비교|\bcompared\b|\bthan\b|\bversus\b|\bvs\b")
COMPARED_AFTER = re.compile(r"^\S{0,3}(?:보다|대비|에 비해)")
CHANGED = re.compile(r"^\S{0,4}에서\s|→|^\s*to\s*$|\bfrom\b")
JUST_OF = re.compile(r"^\s*of\s*$")
# How a period other than a full year is named in the text.
PERIOD_WORDS = {"H1": ("상반기", "1~6월", "first half", "H1"), "CUM": ("누적", "이후", "cumulative", "since", "to date"),
                "AT": ("무렵", "현재", "시점", "당시", "as of", "around")}
UNIT_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption", "dt", "dd", "tr"}
SKIP_TAGS = {"script", "style", "svg", "noscript", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SENTENCE_END = re.compile(r"[.!?。](?=\s|$)")
DATES = re.compile(r"\b(?:19|20)\d\d-[01]\d(?:-[0-3]\d)?\b")
CHART_CALL = re.compile(r'bostonChart\("#([\w-]+)",\s*')
FIGURE_ID = re.compile(r'id="((?:fig|tbl)-[\w-]+)"')
SAME_PERIOD_KINDS = ("ratio", "share", "sum")  # operands compared: one period, one basis (or named)


@dataclass
class Mark:
    """A cited figure in a unit's text: where it is and what it is (None: no metadata)."""

    text: str
    start: int
    end: int
    figure: dict | None
    error: str = ""


@dataclass
class Unit:
    """A sentence, table row or chart title as the reader reads it, with its cited figures and
    the bases its words name."""

    kind: str
    where: str
    text: str
    marks: list[Mark] = field(default_factory=list)
    bases: set[str] = field(default_factory=set)
    named: list[tuple[int, str]] = field(default_factory=list)  # (offset, basis) of each basis named


# --------------------------------------------------------------------------- reading the page

def figure_from_attribute(value: str | None) -> tuple[dict | None, str]:
    """A ``data-figure`` attribute as metadata, or why it is not usable."""
    if value is None:
        return None, "no data-figure attribute"
    try:
        figure = json.loads(value)
    except json.JSONDecodeError as exc:
        return None, f"data-figure is not JSON ({exc})"
    if not isinstance(figure, dict) or "kind" not in figure or not figure.get("of"):
        return None, "data-figure has no kind or nothing it rests on"
    missing = sorted({f for r in leaves(figure) for f in ROW_FIELDS if f not in r})
    if missing:
        return None, f"data-figure rows lack {missing}"
    return figure, ""


class _Page(HTMLParser):
    """Units of a page: text with whitespace collapsed, cited figures and named bases, by block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[Unit] = []
        self.open: list[Unit] = []
        self.skip = 0
        self.tip = 0
        self.figure: Mark | None = None
        self.section = ""

    def _top(self) -> Unit | None:
        return self.open[-1] if self.open else None

    def _add(self, text: str) -> None:
        unit = self._top()
        if unit is None or not text:
            return
        text = re.sub(r"\s+", " ", text)
        if text.startswith(" ") and (not unit.text or unit.text.endswith(" ")):
            text = text[1:]
        unit.text += text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs}
        classes = (a.get("class") or "").split()
        if self.skip or tag in SKIP_TAGS:
            self.skip += tag not in VOID
            return
        if self.tip:
            self.tip += tag == "span"
            return
        if tag == "span" and "prov-tip" in classes:
            self.tip = 1
            return
        if tag in UNIT_TAGS:
            self.open.append(Unit("table row" if tag == "tr" else "heading" if tag[0] == "h" and tag[1:].isdigit() else "sentence",
                                  self.section, ""))
        elif tag in ("td", "th") and self._top() is not None and self._top().text:
            self._add(" | ")
        elif tag == "br":
            self._add(" ")
        if tag == "a" and "prov" in classes and self._top() is not None:
            figure, error = figure_from_attribute(a.get("data-figure"))
            self.figure = Mark("", len(self._top().text), 0, figure, error)
        if tag == "span" and "prov-basis" in classes and self._top() is not None and a.get("data-basis"):
            self._top().named.append((len(self._top().text), a["data-basis"]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.skip and not self.tip:
            self._add(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= tag not in VOID
            return
        if self.tip:
            self.tip -= tag == "span"
            return
        if tag == "a" and self.figure is not None and self._top() is not None:
            unit = self._top()
            self.figure.end = len(unit.text)
            self.figure.text = unit.text[self.figure.start:self.figure.end]
            unit.marks.append(self.figure)
            self.figure = None
        if tag in UNIT_TAGS and self.open:
            unit = self.open.pop()
            unit.bases = {b for _, b in unit.named}
            if unit.kind == "heading" and tag in ("h1", "h2", "h3"):
                self.section = unit.text.strip()
            self.units.append(unit)

    def handle_data(self, data: str) -> None:
        if not self.skip and not self.tip:
            self._add(data)


def sentences(unit: Unit) -> list[Unit]:
    """A prose unit split into sentences (never inside a figure); a table row or title stays whole."""
    if unit.kind != "sentence":
        unit.text = unit.text.strip()
        return [unit]
    inside = [(m.start, m.end) for m in unit.marks]
    cuts = [m.end() for m in SENTENCE_END.finditer(unit.text) if not any(s < m.end() <= e for s, e in inside)]
    out, begin = [], 0
    for end in [*cuts, len(unit.text)]:
        text = unit.text[begin:end]
        lead = len(text) - len(text.lstrip())
        if text.strip():
            marks = [Mark(m.text, m.start - begin - lead, m.end - begin - lead, m.figure, m.error) for m in unit.marks if begin <= m.start < end]
            bases = {b for at, b in unit.named if begin <= at < end}
            out.append(Unit("sentence", unit.where, text.strip(), marks, bases))
        begin = end
    return out


def page_units(html: str) -> list[Unit]:
    """Every sentence, table row and heading of a page, with its cited figures."""
    parser = _Page()
    parser.feed(html)
    parser.close()
    return [s for u in parser.units for s in sentences(u)]


def _title_text(value) -> str:
    return " ".join(value) if isinstance(value, list) else str(value or "")


def _placed(text: str, marks: list[dict]) -> tuple[list[Mark], set[str], list[str]]:
    """The usermeta marks found in order in the title text; what could not be found."""
    found, bases, missing, at = [], set(), [], 0
    for mark in marks:
        i = text.find(mark["text"], at)
        if i < 0:
            missing.append(mark["text"])
            continue
        at = i + len(mark["text"])
        if "figure" in mark:
            found.append(Mark(mark["text"], i, at, mark["figure"]))
        elif "basis" in mark:
            bases.add(mark["basis"])
    return found, bases, missing


def chart_units(html: str) -> tuple[list[Unit], list[str]]:
    """Each chart's title and subtitle as units (figures from the spec's usermeta), and problems
    reading them."""
    units, problems = [], []
    decoder = json.JSONDecoder()
    for call in CHART_CALL.finditer(html):
        labels = FIGURE_ID.findall(html, max(0, call.start() - 4000), call.start())
        where = f"chart {labels[-1] if labels else call.group(1)}"
        try:
            spec, _ = decoder.raw_decode(html, call.end())
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: its spec is not JSON ({exc})")
            continue
        title = spec.get("title")
        if title is None:
            continue
        text = _title_text(title.get("text") if isinstance(title, dict) else title)
        subtitle = _title_text(title.get("subtitle")) if isinstance(title, dict) else ""
        meta = (spec.get("usermeta") or {}).get("provenance") or {}
        for kind, words in (("chart title", text), ("chart subtitle", subtitle)):
            if not words:
                continue
            marks, bases, missing = _placed(words, meta.get(kind.split()[-1], []))
            if missing:
                problems.append(f"{where}: {kind} “{words}”: usermeta names {missing}, which the {kind} does not hold")
            units.append(Unit(kind, where, words, marks, bases))
    return units, problems


# --------------------------------------------------------------------------- the rules

def _rows(figure: dict) -> set[tuple]:
    return {(r["source"], r["row"], r["series"], r["entity"], r["year"], r["period"]) for r in leaves(figure)}


def _periods(figure: dict) -> set[tuple]:
    """(year, period) of the rows that have a year: a list or a claim has no period to mismatch."""
    return {(r["year"], r["period"]) for r in leaves(figure) if r["year"] is not None}


def _bases(figure: dict) -> set[str]:
    return {r["basis"] for r in leaves(figure) if r["basis"] is not None}


def _nested(a: dict, b: dict) -> bool:
    """One figure rests on a subset of the other's rows (a part of a list and the list)."""
    ra, rb = _rows(a), _rows(b)
    return bool(ra) and bool(rb) and (ra <= rb or rb <= ra)


def _year_named(year: int, text: str) -> bool:
    return re.search(rf"(?<!\d){year}(?!\d)", text) is not None


def _period_named(figure: dict, text: str, kinds_differ: bool) -> bool:
    """The unit names the figure's years, and its kind of period where kinds differ."""
    years_ok = all(_year_named(y, text) for y, _ in _periods(figure))
    kinds = {p for _, p in _periods(figure)} - {"FY", None}
    words_ok = not kinds_differ or all(any(w in text for w in PERIOD_WORDS.get(k, ())) for k in kinds)
    return years_ok and words_ok


def _compare(figures: list[tuple[str, dict]], unit: Unit, why: str, *, basis: bool = True) -> list[str]:
    """Problems of one group: periods differ and are not named; bases differ and are not named."""
    problems = []
    periods = [_periods(f) for _, f in figures]
    known = [p for p in periods if p]
    nested = len(figures) == 2 and _nested(figures[0][1], figures[1][1])
    if len({frozenset(p) for p in known}) > 1 and not nested:
        kinds_differ = len({k for p in known for _, k in p}) > 1
        unnamed = [(t, f) for t, f in figures if _periods(f) and not _period_named(f, unit.text, kinds_differ)]
        if unnamed:
            others = [(t, f) for t, f in figures if all(f is not g for _, g in unnamed)]
            problems.append(f"{why} of different periods, and the text does not name the period of "
                            + " | ".join(f"‘{t}’ = {describe(f)}" for t, f in unnamed)
                            + (" (beside " + " | ".join(f"‘{t}’ = {describe(f)}" for t, f in others) + ")" if others else ""))
    bases = [_bases(f) for _, f in figures]
    if basis and len({frozenset(b) for b in bases if b}) > 1 and not nested:
        unnamed = [(t, f) for t, f in figures if _bases(f) and not (_bases(f) & unit.bases)]
        if unnamed:
            problems.append(f"{why} of different definitions, and the text does not name the basis of "
                            + " | ".join(f"‘{t}’ = {describe(f)}" for t, f in unnamed))
    return problems


def _computed(text: str, figure: dict, unit: Unit) -> list[str]:
    """A computed figure against its own operands (and theirs, for operands that are computed)."""
    problems = []
    operands = [o for o in figure.get("of", []) if "kind" in o]
    named = [(f"{text}: operand {n}", o) for n, o in enumerate(operands, start=1)]
    if figure["kind"] in SAME_PERIOD_KINDS:
        problems += _compare(named, unit, f"‘{text}’ is a {figure['kind']} of figures")
    elif figure["kind"] == "per":
        problems += _compare(named, unit, f"‘{text}’ is a per-unit figure of figures", basis=False)
    elif figure["kind"] == "change":
        unnamed = sorted({y for y, _ in _periods(figure) if not _year_named(y, unit.text)})
        if unnamed:
            problems.append(f"‘{text}’ is a change between years, and the text does not name {unnamed}: {describe(figure)}")
        problems += _compare(named, unit, f"‘{text}’ is a change of figures", basis=True) if len(_bases(figure)) > 1 else []
    for operand in operands:
        problems += _computed(text, operand, unit)
    return problems


def link_between(between: str, after: str) -> str | None:
    """How two neighbouring figures are joined, from the words between them (and just after the
    second): 'nested', 'compared', 'changed', or None."""
    if NESTED.search(between) or JUST_OF.match(between):
        return "nested"
    if COMPARED.search(between) or COMPARED_AFTER.match(after):
        return "compared"
    if CHANGED.search(between):
        return "changed"
    return None


def unit_problems(unit: Unit) -> tuple[list[str], int]:
    """What is wrong in one unit, and how many groups were checked."""
    problems, groups = [], 0
    for mark in unit.marks:
        if mark.figure is None:
            problems.append(f"the cited figure ‘{mark.text}’ carries no usable metadata: {mark.error}")
    marks = [m for m in unit.marks if m.figure is not None]
    for mark in marks:
        if mark.figure["kind"] in (*SAME_PERIOD_KINDS, "per", "change"):
            groups += 1
            problems += _computed(mark.text, mark.figure, unit)
    for a, b in zip(marks, marks[1:]):
        after = unit.text[b.end:b.end + 8]
        link = link_between(unit.text[a.end:b.start], after)
        if link is not None:
            groups += 1
            problems += _compare([(a.text, a.figure), (b.text, b.figure)], unit, f"‘{a.text}’ and ‘{b.text}’ are {link}")
    if unit.kind.startswith("chart"):
        typed = [n for n in HAND_NUMBER.findall(DATES.sub(" ", _without_marks(unit))) if not ALLOWED.match(n)]
        if typed:
            problems.append(f"number(s) {typed} typed into the {unit.kind}: build it with provenance.phrase() from cited figures")
    return problems, groups


def _without_marks(unit: Unit) -> str:
    text = unit.text
    for mark in sorted(unit.marks, key=lambda m: -m.start):
        text = text[:mark.start] + " " + text[mark.end:]
    return text


# --------------------------------------------------------------------------- the check

def _short(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(unit: Unit) -> str:
    """'chart fig-kosdaq title', 'sentence in “4 투자”', 'table row'."""
    if unit.kind.startswith("chart"):
        return f"{unit.where} {unit.kind.split()[-1]}"
    return f"{unit.kind} in “{unit.where}”" if unit.where else unit.kind


def check_html_text(name: str, html: str) -> Findings:
    """The pairing check on one page's HTML."""
    f = Findings()
    units = page_units(html)
    charts, problems = chart_units(html)
    f.problems += [f"{name}: {p}" for p in problems]
    figures = groups = 0
    for unit in [*units, *charts]:
        found, n = unit_problems(unit)
        figures += len(unit.marks)
        groups += n
        f.problems += [f"{name}: {_where(unit)}: “{_short(unit.text)}”: {p}" for p in found]
    if figures == 0:
        f.problems.append(f"{name}: no cited figure found: the page was not read as the report writes figures (a.prov)")
    f.notes.append(f"{name}: like with like: {len(units)} sentences and table rows, {len(charts)} chart titles and subtitles, "
                   f"{figures} cited figures, {groups} compared, combined or nested groups checked")
    return f


def pages_of(html: Path) -> list[Path]:
    """The report's page and the site's pages rendered beside it (``site/*.html``)."""
    return [html, *sorted((html.parent / "site").glob("*.html"))]


def check_rendered(html: Path) -> Findings:
    """Every rendered page: the report and the site's pages (``check-output`` calls this)."""
    f = Findings()
    for page in pages_of(html):
        f.extend(check_html_text(page.relative_to(html.parent).as_posix(), page.read_text(encoding="utf-8")))
    return f
